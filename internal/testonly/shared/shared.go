// Package shared locates the reference material tests and benchmarks read
// (the corpus, a PyPI mirror, the domain facts, the pip tool scripts) and the
// Python oracle of differential tests.
//
// The material the tests need is in the repository, under testdata/shared:
// the whole corpus, the domain files, the tool scripts, the uv.lock files of
// mirror-src and a mirror trimmed to the projects the tests touch (see
// testdata/shared/README.md). A fresh clone therefore runs the whole suite.
// ZGPU_SHARED points the tests at another copy instead, such as the full
// reference folder (ZGPU_SHARED=../shared, for benchmarks over the whole
// mirror). A missing folder fails the test: nothing is skipped silently.
package shared

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Root returns the module root (the folder holding go.mod).
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}

// InRepo is the in-repository copy of the reference material.
func InRepo() string { return filepath.Join(Root(), "testdata", "shared") }

// Path returns the reference folder: $ZGPU_SHARED when set, else the
// in-repository copy.
func Path() string {
	if d := os.Getenv("ZGPU_SHARED"); d != "" {
		return filepath.Clean(d)
	}
	return InRepo()
}

// Dir returns the reference folder joined with elem. In the in-repository
// copy, a top-level folder stored as an archive (mirror.tar.gz) is unpacked
// once into the user's cache (see unpack). The corpus is a copy with the
// local packages its Spaces ship added (see shipped), so that the in-repo
// corpus and ZGPU_SHARED's are the reference one as it is. A path that
// does not exist fails the test.
func Dir(tb testing.TB, elem ...string) string {
	tb.Helper()
	base := Path()
	if os.Getenv("ZGPU_SHARED") == "" && len(elem) > 0 {
		archive := filepath.Join(base, elem[0]+".tar.gz")
		if _, err := os.Stat(archive); err == nil {
			dir, err := unpack(archive)
			if err != nil {
				tb.Fatalf("reference material: %v", err)
			}
			base = dir
		}
	}
	if len(elem) > 0 && elem[0] == "corpus" {
		dir, err := corpusCopy(filepath.Join(base, "corpus"))
		if err != nil {
			tb.Fatalf("reference material: %v", err)
		}
		return filepath.Join(append([]string{dir}, elem[1:]...)...)
	}
	p := filepath.Join(append([]string{base}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("reference material missing: %v (testdata/shared is part of the repository; ZGPU_SHARED=%q)", err, os.Getenv("ZGPU_SHARED"))
	}
	return p
}

// Python returns the interpreter whose pip vendors the newest packaging on
// this machine (pip 24.2 with packaging 24.1 under CPython 3.13), for
// differential tests. ZGPU_PYTHON overrides it. Under CI a missing
// interpreter fails the test; elsewhere it skips it.
func Python(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("ZGPU_PYTHON"); p != "" {
		return p
	}
	home, _ := os.UserHomeDir()
	cands, _ := filepath.Glob(filepath.Join(home, ".pyenv", "versions", "3.13*", "bin", "python3"))
	for _, c := range cands {
		if _, err := os.Stat(c); err == nil {
			return c
		}
	}
	if os.Getenv("CI") != "" {
		tb.Fatalf("python 3.13 with pip not found (set ZGPU_PYTHON)")
	}
	tb.Skip("python 3.13 with pip not found (set ZGPU_PYTHON)")
	return ""
}

// PythonVersion returns the pyenv interpreter of the given minor version
// ("3.10", "3.12"), for running pip's resolver as the target would.
func PythonVersion(tb testing.TB, minor string) string {
	tb.Helper()
	home, _ := os.UserHomeDir()
	cands, _ := filepath.Glob(filepath.Join(home, ".pyenv", "versions", minor+".*", "bin", "python3"))
	if len(cands) > 0 {
		return cands[len(cands)-1]
	}
	if os.Getenv("CI") != "" {
		tb.Fatalf("python %s not found", minor)
	}
	tb.Skip("python " + minor + " not found")
	return ""
}
