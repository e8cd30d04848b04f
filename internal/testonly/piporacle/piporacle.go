// Package piporacle runs pip's resolver as the reference for differential
// tests and benchmarks: pip install --dry-run --report against a package
// index (normally the offline mirror served by package fakes), through
// ../shared/tools/pip_metadata_only.py, which replaces pip's final wheel
// download with a re-read of the PEP 658 metadata file (the mirror serves no
// wheels) and leaves resolution unchanged.
//
// The command line is the mirror README's "Validation with pip":
//
//	python pip_metadata_only.py install --dry-run --ignore-installed
//	    --report R.json --only-binary=:all: --index-url URL
//	    --python-version X.Y --platform manylinux_2_G_x86_64 ...
//	    --target DIR [-c constraints.txt] requirements...
//
// with every manylinux platform from the target's glibc down to manylinux1
// (pip accepts only the --platform tags it is given), in an isolated
// environment: PIP_CONFIG_FILE=/dev/null, PYTHONNOUSERSITE=1, no PIP_*
// variables from the caller, and --no-cache-dir unless Config.CacheDir is
// set. pip evaluates markers against the interpreter it runs on, not
// --python-version, so Config.Python must be an interpreter of the target
// version.
//
// Resolve runs pip and reads its report (ParseReport) or its
// ResolutionImpossible failure; Find builds the Config tests use from the
// pyenv interpreters that package shared locates.
//
// Deviation from a plain pip run: Config.PipWheel runs another pip than the
// interpreter's own, from its wheel on PYTHONPATH (pip supports running from
// its wheel). CPython 3.10's pip 23.0.1 crashes on PEP 691 JSON pages whose
// dist-info-metadata is an object ("unhashable type: 'dict'"), so the tests
// run pip 24.2 (the one bundled with CPython 3.13) on every interpreter.
package piporacle

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zgpu/zgpu/internal/testonly/shared"
	"github.com/zgpu/zgpu/pep508"
)

// Config says how to run pip.
type Config struct {
	// Python is the interpreter of the target version.
	Python string
	// PipWheel, when set, is a pip wheel put first on PYTHONPATH so that it
	// runs instead of the interpreter's own pip.
	PipWheel string
	// Script is tools/pip_metadata_only.py.
	Script string
	// IndexURL is the Simple API root, e.g. "http://127.0.0.1:PORT/".
	IndexURL string
	// PythonVersion is --python-version ("3.12"); empty asks the interpreter.
	PythonVersion string
	// Glibc is the newest manylinux glibc of the target; default {2, 28}.
	Glibc [2]int
	// CacheDir is pip's cache (--cache-dir); empty runs with --no-cache-dir.
	CacheDir string
	// Pre passes --pre.
	Pre bool
}

// Package is one package of pip's installation report.
type Package struct {
	Name      string   `json:"name"` // PEP 503 normalized
	Version   string   `json:"version"`
	URL       string   `json:"url,omitempty"`    // download_info.url
	Extras    []string `json:"extras,omitempty"` // requested_extras, sorted
	Requested bool     `json:"requested,omitempty"`
}

// Result is what pip decided.
type Result struct {
	// Packages are sorted by name; nil when pip found no solution.
	Packages []Package
	// Unsat reports that pip found no solution (ResolutionImpossible, or no
	// version of a requirement at all); Message is pip's explanation.
	Unsat   bool
	Message string
	// PipVersion and PythonVersion come from the report ("" when Unsat).
	PipVersion    string
	PythonVersion string
	// Elapsed is the wall time of the pip process, MaxRSSKB its peak
	// resident memory in KiB (getrusage; 0 where unknown).
	Elapsed  time.Duration
	MaxRSSKB int64
}

// Pins returns the solution as name -> version (nil when Unsat).
func (r *Result) Pins() map[string]string {
	if r.Unsat {
		return nil
	}
	m := make(map[string]string, len(r.Packages))
	for _, p := range r.Packages {
		m[p.Name] = p.Version
	}
	return m
}

// Platforms returns the --platform tags pip needs for a manylinux target
// with the given glibc on arch ("x86_64" when empty): manylinux_2_G down to
// manylinux_2_5, then the legacy aliases manylinux2014, manylinux2010 and
// manylinux1 when the glibc admits them.
func Platforms(glibc [2]int, arch string) []string {
	if arch == "" {
		arch = "x86_64"
	}
	var out []string
	if glibc[0] != 2 {
		return nil
	}
	for g := glibc[1]; g >= 5; g-- {
		out = append(out, fmt.Sprintf("manylinux_2_%d_%s", g, arch))
	}
	for _, a := range []struct {
		minor int
		tag   string
	}{{17, "manylinux2014"}, {12, "manylinux2010"}, {5, "manylinux1"}} {
		if glibc[1] >= a.minor {
			out = append(out, a.tag+"_"+arch)
		}
	}
	return out
}

// Args returns pip's arguments (after the script) for requirements reqs and
// constraints file cfile ("" for none), writing the report to report and
// "installing" into target.
func (c Config) Args(reqs []string, cfile, report, target string) []string {
	glibc := c.Glibc
	if glibc == ([2]int{}) {
		glibc = [2]int{2, 28}
	}
	args := []string{"install", "--dry-run", "--ignore-installed", "--quiet",
		"--report", report, "--only-binary=:all:", "--index-url", c.IndexURL,
		"--python-version", c.PythonVersion, "--target", target,
		"--disable-pip-version-check", "--no-input"}
	if c.CacheDir == "" {
		args = append(args, "--no-cache-dir")
	} else {
		args = append(args, "--cache-dir", c.CacheDir)
	}
	if c.Pre {
		args = append(args, "--pre")
	}
	for _, p := range Platforms(glibc, "") {
		args = append(args, "--platform", p)
	}
	if cfile != "" {
		args = append(args, "-c", cfile)
	}
	return append(args, reqs...)
}

// Env returns the isolated environment pip runs in: the caller's
// environment without PIP_* and PYTHON* variables, plus
// PIP_CONFIG_FILE=/dev/null, PYTHONNOUSERSITE=1, PYTHONDONTWRITEBYTECODE=1
// and PYTHONPATH=PipWheel when set.
func (c Config) Env() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PIP_") || strings.HasPrefix(k, "PYTHON") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "PIP_CONFIG_FILE=/dev/null", "PYTHONNOUSERSITE=1", "PYTHONDONTWRITEBYTECODE=1")
	if c.PipWheel != "" {
		env = append(env, "PYTHONPATH="+c.PipWheel)
	}
	return env
}

// Resolve runs pip on requirement strings reqs (and constraint lines, given
// to pip as a -c file). No solution is a Result with Unsat set; the error is
// for pip failing in any other way (its output is included).
func Resolve(ctx context.Context, c Config, reqs, constraints []string) (*Result, error) {
	if c.Python == "" || c.Script == "" || c.IndexURL == "" {
		return nil, errors.New("piporacle: Python, Script and IndexURL are required")
	}
	if c.PythonVersion == "" {
		out, err := exec.CommandContext(ctx, c.Python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])").Output()
		if err != nil {
			return nil, fmt.Errorf("piporacle: %s: %v", c.Python, err)
		}
		c.PythonVersion = strings.TrimSpace(string(out))
	}
	dir, err := os.MkdirTemp("", "piporacle-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cfile := ""
	if len(constraints) > 0 {
		cfile = filepath.Join(dir, "constraints.txt")
		if err := os.WriteFile(cfile, []byte(strings.Join(constraints, "\n")+"\n"), 0o644); err != nil {
			return nil, err
		}
	}
	report := filepath.Join(dir, "report.json")
	args := append([]string{c.Script}, c.Args(reqs, cfile, report, filepath.Join(dir, "target"))...)
	cmd := exec.CommandContext(ctx, c.Python, args...)
	// pip_metadata_only.py leaves a temporary folder behind: keep it in dir.
	cmd.Env = append(c.Env(), "TMPDIR="+dir)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	var rss int64
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss // KiB on Linux
		}
	}
	if err != nil {
		msg := out.String()
		if unsat(msg) {
			return &Result{Unsat: true, Message: msg, Elapsed: elapsed, MaxRSSKB: rss}, nil
		}
		return nil, fmt.Errorf("piporacle: pip %s: %v\n%s", strings.Join(reqs, " "), err, msg)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		return nil, fmt.Errorf("piporacle: pip wrote no report: %v\n%s", err, out.String())
	}
	res, err := ParseReport(data)
	if err != nil {
		return nil, err
	}
	res.Elapsed, res.MaxRSSKB = elapsed, rss
	return res, nil
}

// unsat reports whether pip's output says there is no solution, rather than
// that something broke.
func unsat(out string) bool {
	for _, s := range []string{"ResolutionImpossible", "No matching distribution found", "Could not find a version that satisfies"} {
		if strings.Contains(out, s) {
			return true
		}
	}
	return false
}

// ParseReport reads a pip installation report (pip install --report,
// version 1).
func ParseReport(data []byte) (*Result, error) {
	var r struct {
		Version     string `json:"version"`
		PipVersion  string `json:"pip_version"`
		Environment struct {
			PythonFullVersion string `json:"python_full_version"`
		} `json:"environment"`
		Install []struct {
			Requested       bool     `json:"requested"`
			RequestedExtras []string `json:"requested_extras"`
			DownloadInfo    struct {
				URL string `json:"url"`
			} `json:"download_info"`
			Metadata struct {
				Name    string `json:"name"`
				Version string `json:"version"`
			} `json:"metadata"`
		} `json:"install"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("piporacle: report: %v", err)
	}
	if r.Version != "1" {
		return nil, fmt.Errorf("piporacle: report version %q, expected \"1\"", r.Version)
	}
	res := &Result{PipVersion: r.PipVersion, PythonVersion: r.Environment.PythonFullVersion, Packages: []Package{}}
	for _, in := range r.Install {
		if in.Metadata.Name == "" || in.Metadata.Version == "" {
			return nil, errors.New("piporacle: report: an install item without metadata name and version")
		}
		ex := append([]string(nil), in.RequestedExtras...)
		sort.Strings(ex)
		res.Packages = append(res.Packages, Package{
			Name:      pep508.NormalizeName(in.Metadata.Name),
			Version:   in.Metadata.Version,
			URL:       in.DownloadInfo.URL,
			Extras:    ex,
			Requested: in.Requested,
		})
	}
	sort.Slice(res.Packages, func(i, j int) bool { return res.Packages[i].Name < res.Packages[j].Name })
	return res, nil
}

// Find returns the Config of the reference pip for a target Python minor
// version ("3.12", "3.10") and index URL: the pyenv interpreter of that
// version (shared.PythonVersion), tools/pip_metadata_only.py, and the pip
// wheel bundled with the oracle interpreter (shared.Python: CPython 3.13's
// pip 24.2) when there is one, else the interpreter's own pip. Like
// package shared, it skips the test when an interpreter is missing, and fails
// it under CI. --python-version is the interpreter's full version
// ("3.12.1"), so that Requires-Python is checked against the same
// python_full_version that markers see.
func Find(tb testing.TB, minor, indexURL string) Config {
	tb.Helper()
	c := Config{
		Python:   shared.PythonVersion(tb, minor),
		Script:   filepath.Join(shared.Dir(tb, "tools"), "pip_metadata_only.py"),
		IndexURL: indexURL,
		PipWheel: BundledPip(shared.Python(tb)),
	}
	if _, err := os.Stat(c.Script); err != nil {
		tb.Fatalf("piporacle: %v", err)
	}
	full, err := FullVersion(c.Python)
	if err != nil {
		tb.Fatalf("piporacle: %s: %v", c.Python, err)
	}
	c.PythonVersion = full
	return c
}

// BundledPip returns the newest pip wheel that ensurepip bundles with the
// interpreter python, or "" when there is none.
func BundledPip(python string) string {
	if python == "" {
		return ""
	}
	if p, err := filepath.EvalSymlinks(python); err == nil {
		python = p
	}
	prefix := filepath.Dir(filepath.Dir(python))
	wheels, _ := filepath.Glob(filepath.Join(prefix, "lib", "python3*", "ensurepip", "_bundled", "pip-*.whl"))
	if len(wheels) == 0 {
		return ""
	}
	sort.Strings(wheels)
	return wheels[len(wheels)-1]
}

// FullVersion returns the interpreter's platform.python_version(), the
// python_full_version its pip evaluates markers with.
func FullVersion(python string) (string, error) {
	out, err := exec.Command(python, "-c", "import platform; print(platform.python_version())").Output()
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}
