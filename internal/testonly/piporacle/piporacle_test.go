package piporacle

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/internal/testonly/shared"
)

func TestPlatforms(t *testing.T) {
	tests := []struct {
		glibc [2]int
		arch  string
		want  []string
	}{
		{[2]int{2, 17}, "", []string{
			"manylinux_2_17_x86_64", "manylinux_2_16_x86_64", "manylinux_2_15_x86_64", "manylinux_2_14_x86_64",
			"manylinux_2_13_x86_64", "manylinux_2_12_x86_64", "manylinux_2_11_x86_64", "manylinux_2_10_x86_64",
			"manylinux_2_9_x86_64", "manylinux_2_8_x86_64", "manylinux_2_7_x86_64", "manylinux_2_6_x86_64",
			"manylinux_2_5_x86_64", "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"}},
		{[2]int{2, 6}, "aarch64", []string{"manylinux_2_6_aarch64", "manylinux_2_5_aarch64", "manylinux1_aarch64"}},
		{[2]int{0, 0}, "", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Platforms(tt.glibc, tt.arch)); diff != "" {
			t.Errorf("Platforms(%v, %q) (-want +got):\n%s", tt.glibc, tt.arch, diff)
		}
	}
	if got := Platforms([2]int{2, 28}, ""); len(got) != 24+3 || got[0] != "manylinux_2_28_x86_64" {
		t.Errorf("Platforms(2.28) = %d tags starting %q, want 27 starting manylinux_2_28_x86_64", len(got), got[0])
	}
}

func TestArgs(t *testing.T) {
	c := Config{IndexURL: "http://127.0.0.1:1/simple/", PythonVersion: "3.12", Glibc: [2]int{2, 5}}
	got := strings.Join(c.Args([]string{"torch", "numpy<2"}, "/c.txt", "/r.json", "/t"), " ")
	want := "install --dry-run --ignore-installed --quiet --report /r.json --only-binary=:all: " +
		"--index-url http://127.0.0.1:1/simple/ --python-version 3.12 --target /t --disable-pip-version-check --no-input " +
		"--no-cache-dir --platform manylinux_2_5_x86_64 --platform manylinux1_x86_64 -c /c.txt torch numpy<2"
	if got != want {
		t.Errorf("Args:\n got %s\nwant %s", got, want)
	}
	c.CacheDir, c.Pre = "/cache", true
	if got := strings.Join(c.Args(nil, "", "/r.json", "/t"), " "); !strings.Contains(got, "--cache-dir /cache --pre") || strings.Contains(got, "--no-cache-dir") || strings.Contains(got, " -c ") {
		t.Errorf("Args with a cache and --pre: %s", got)
	}
}

func TestEnv(t *testing.T) {
	t.Setenv("PIP_INDEX_URL", "http://elsewhere/")
	t.Setenv("PYTHONPATH", "/elsewhere")
	env := strings.Join(Config{PipWheel: "/w/pip.whl"}.Env(), "\n")
	for _, want := range []string{"PIP_CONFIG_FILE=/dev/null", "PYTHONNOUSERSITE=1", "PYTHONPATH=/w/pip.whl"} {
		if !strings.Contains(env, want) {
			t.Errorf("Env lacks %s", want)
		}
	}
	for _, bad := range []string{"PIP_INDEX_URL", "PYTHONPATH=/elsewhere"} {
		if strings.Contains(env, bad) {
			t.Errorf("Env keeps %s", bad)
		}
	}
}

func TestParseReport(t *testing.T) {
	data, err := os.ReadFile("testdata/report-requests-socks.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := ParseReport(data)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"requests": "2.32.5", "certifi": "2026.7.22", "charset-normalizer": "3.4.9", "idna": "3.18", "pysocks": "1.7.1", "urllib3": "2.7.0"}
	if diff := cmp.Diff(want, res.Pins()); diff != "" {
		t.Errorf("pins (-want +got):\n%s", diff)
	}
	if res.PipVersion != "24.2" || !strings.HasPrefix(res.PythonVersion, "3.12") {
		t.Errorf("pip %q python %q, want pip 24.2 on 3.12", res.PipVersion, res.PythonVersion)
	}
	req := res.Packages[len(res.Packages)-2] // sorted: ..., pysocks, requests, urllib3
	if req.Name != "requests" || !req.Requested || !cmp.Equal(req.Extras, []string{"socks"}) || !strings.HasSuffix(req.URL, "/files/requests-2.32.5-py3-none-any.whl") {
		t.Errorf("requests item = %+v", req)
	}
	for _, bad := range []string{`{`, `{"version": "2", "install": []}`, `{"version": "1", "install": [{"metadata": {}}]}`} {
		if _, err := ParseReport([]byte(bad)); err == nil {
			t.Errorf("ParseReport(%s) = nil error", bad)
		}
	}
}

func TestUnsat(t *testing.T) {
	for out, want := range map[string]bool{
		"ERROR: ResolutionImpossible: for help visit ...":                          true,
		"ERROR: No matching distribution found for no-such-project":                true,
		"ERROR: Could not find a version that satisfies the requirement torch==9":  true,
		"ERROR: HTTP error 404 while getting http://127.0.0.1/files/x.whl":         false,
		"Traceback (most recent call last):\nTypeError: unhashable type: 'dict'\n": false,
	} {
		if got := unsat(out); got != want {
			t.Errorf("unsat(%q) = %v, want %v", out, got, want)
		}
	}
}

// TestResolve runs Resolve for one solvable and one unsolvable request.
// With ZGPU_PIPORACLE=1 it runs pip on the mirror (seconds each);
// otherwise the interpreter is a stand-in that answers as pip did when it
// was recorded (testdata/report-requests-socks.json, pip's
// ResolutionImpossible), after checking the command line it was given, so
// that the plumbing around pip (arguments, the constraints file, the report,
// no solution versus failure) is tested without Python.
func TestResolve(t *testing.T) {
	s := fakes.PyPI(t, shared.Dir(t, "mirror"))
	idna := "3.18" // the recorded report's
	var c Config
	if shared.Recording() {
		c = Find(t, "3.12", s.URL)
		idna = "3.10"
	} else {
		c = Config{Python: standIn(t), Script: "pip_metadata_only.py", IndexURL: s.URL, PythonVersion: "3.12.1"}
	}
	res, err := Resolve(context.Background(), c, []string{"requests[socks]<2.33"}, []string{"idna<3.11"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"requests": "2.32.5", "certifi": "2026.7.22", "charset-normalizer": "3.4.9", "idna": idna, "pysocks": "1.7.1", "urllib3": "2.7.0"}
	if diff := cmp.Diff(want, res.Pins()); diff != "" {
		t.Errorf("pins (-want +got):\n%s", diff)
	}
	res, err = Resolve(context.Background(), c, []string{"torch==2.4.1", "triton==3.1.0"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Unsat || !strings.Contains(res.Message, "ResolutionImpossible") {
		t.Errorf("torch==2.4.1 triton==3.1.0: unsat %v, message %q", res.Unsat, res.Message)
	}
	if _, err := Resolve(context.Background(), c, []string{"broken"}, nil); err == nil || strings.Contains(err.Error(), "ResolutionImpossible") {
		t.Errorf("a failing pip: err = %v, want the failure", err)
	}
}

// standIn writes an interpreter stand-in for TestResolve: it checks the
// command line Resolve builds, then answers as the recorded pip did.
func standIn(t *testing.T) string {
	report, err := filepath.Abs("testdata/report-requests-socks.json")
	if err != nil {
		t.Fatal(err)
	}
	script := `#!/bin/sh
case " $* " in
*" torch==2.4.1 "*) echo "ERROR: Cannot install torch==2.4.1 and triton==3.1.0 because these package versions have conflicting dependencies." >&2
	echo "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts" >&2
	exit 1 ;;
*" broken "*) echo "Traceback (most recent call last):" >&2; exit 2 ;;
esac
case " $* " in *" pip_metadata_only.py install --dry-run "*" --only-binary=:all: --index-url http://127.0.0.1:"*" --python-version 3.12.1 "*" --platform manylinux1_x86_64 "*) ;; *) echo "unexpected command line: $*" >&2; exit 3 ;; esac
prev=
for a; do
	if [ "$prev" = -c ] && ! grep -qx 'idna<3.11' "$a"; then echo "constraints file $a lacks idna<3.11" >&2; exit 3; fi
	if [ "$prev" = --report ]; then cp "` + report + `" "$a" || exit 3; fi
	prev=$a
done
`
	p := filepath.Join(t.TempDir(), "python")
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}
