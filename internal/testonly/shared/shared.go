// Package shared locates the project's read-only reference material (the
// corpus, the offline PyPI mirror, the domain facts) for tests and benchmarks.
//
// The material lives in ../shared beside the repository root; ZGPU_SHARED
// overrides that. Tests that need it call Dir, which fails the test when the
// folder is missing under CI (CI=true) and skips it elsewhere.
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

// Path returns the shared folder, or "" when it cannot be found.
func Path() string {
	if d := os.Getenv("ZGPU_SHARED"); d != "" {
		return d
	}
	d := filepath.Join(Root(), "..", "shared")
	if fi, err := os.Stat(d); err == nil && fi.IsDir() {
		return filepath.Clean(d)
	}
	return ""
}

// Dir returns the shared folder joined with elem. Under CI a missing folder
// fails the test; elsewhere it skips it.
func Dir(tb testing.TB, elem ...string) string {
	tb.Helper()
	p := Path()
	if p == "" {
		if os.Getenv("CI") != "" {
			tb.Fatalf("shared reference folder not found (looked in ../shared; set ZGPU_SHARED)")
		}
		tb.Skip("shared reference folder not found (../shared); set ZGPU_SHARED")
	}
	return filepath.Join(append([]string{p}, elem...)...)
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
