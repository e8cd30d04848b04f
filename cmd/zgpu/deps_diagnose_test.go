package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/diagnose"
)

func diagnoseFixture(name string) string {
	return filepath.Join("..", "..", "diagnose", "testdata", name)
}

func TestDepsDiagnoseText(t *testing.T) {
	out, stderr, code := runCmdStdin(t, "", "deps", "diagnose", diagnoseFixture("flash_attn_404.log"))
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	want, err := os.ReadFile(diagnoseFixture("flash_attn_404.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), out); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestDepsDiagnoseStdin(t *testing.T) {
	log, err := os.ReadFile(diagnoseFixture("config_error.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"deps", "diagnose"}, {"deps", "diagnose", "-"}} {
		out, stderr, code := runCmdStdin(t, string(log), args...)
		if code != 0 || stderr != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, stderr)
		}
		checkContains(t, "output of "+strings.Join(args, " "), out,
			"torch is pinned to a version ZeroGPU does not allow  (torch-not-allowed)",
			"requirements.txt pins torch 2.6.0",
			"run: zgpu deps resolve --torch 2.8.0 -o requirements.txt",
			"    10 | CONFIG_ERROR:",
		)
	}
}

func TestDepsDiagnoseJSON(t *testing.T) {
	out, _, code := runCmdStdin(t, "", "deps", "diagnose", "--json", diagnoseFixture("two_errors.log"))
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var r struct {
		SchemaVersion int `json:"schema_version"` // every --json object's
		diagnose.Report
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	type got struct {
		Kind      diagnose.Kind
		Package   string
		Line      int
		Suggested string
		FromLog   bool
	}
	var gots []got
	for _, f := range r.Findings {
		g := got{Kind: f.Kind, Package: f.Package, Line: f.Line}
		if f.Wheel != nil {
			g.FromLog = f.Wheel.FromLog
			if f.Wheel.Suggested != nil {
				g.Suggested = f.Wheel.Suggested.Filename
			}
		}
		gots = append(gots, g)
	}
	want := []got{
		{diagnose.KindCUDABuild, "causal-conv1d", 24, "causal_conv1d-1.6.2.post1+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", true},
		{diagnose.KindCUDABuild, "flash-attn", 41, "flash_attn-2.8.3+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", true},
	}
	if diff := cmp.Diff(want, gots); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if r.Lines != 48 || r.Facts.Python != "3.12" || r.Facts.Torch != "2.9.1" {
		t.Errorf("lines %d, python %q, torch %q", r.Lines, r.Facts.Python, r.Facts.Torch)
	}
}

func TestDepsDiagnoseUnknown(t *testing.T) {
	out, stderr, code := runCmdStdin(t, "", "deps", "diagnose", diagnoseFixture("unknown.log"))
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	if stderr != "" {
		t.Errorf("stderr %q", stderr)
	}
	if !strings.Contains(out, "No known failure found in 11 lines") || !strings.Contains(out, "    11 | ERROR: process") {
		t.Errorf("output:\n%s", out)
	}
	out, _, code = runCmdStdin(t, "", "deps", "diagnose", "--json", diagnoseFixture("unknown.log"))
	if code != exitFailure {
		t.Errorf("--json: exit %d, want %d", code, exitFailure)
	}
	var r struct {
		Findings   []json.RawMessage  `json:"findings"`
		FirstError *diagnose.Evidence `json:"first_error"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Findings == nil || len(r.Findings) != 0 || r.FirstError == nil || r.FirstError.Line != 11 {
		t.Errorf("findings %v, first error %+v", r.Findings, r.FirstError)
	}
}

func TestDepsDiagnoseErrors(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"deps", "diagnose", "a.log", "b.log"}, exitUsage, "accepts between 0 and 1 arg(s), received 2"},
		{[]string{"deps", "diagnose", "--bogus"}, exitUsage, "unknown flag: --bogus"},
		{[]string{"deps", "diagnose", filepath.Join(t.TempDir(), "missing.log")}, exitFailure, "no such file or directory"},
		{[]string{"deps", "diagnose", "--catalog", filepath.Join(t.TempDir(), "missing.toml"), "-"}, exitFailure, "catalog:"},
	}
	for _, tt := range tests {
		_, stderr, code := runCmdStdin(t, "", tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr, tt.code, tt.stderr)
		}
	}
}
