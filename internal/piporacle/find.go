package piporacle

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/internal/shared"
)

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
