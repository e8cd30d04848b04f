package zerogpu

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/zgpu/zgpu/catalog"
)

// Verify co-resolves a lock export with the platform's Gradio: pins gradio
// 6.19.0 cannot live with are a problem; the export is never rewritten.
func TestVerifyExport(t *testing.T) {
	c := catalog.Default()
	for _, tc := range []struct {
		name    string
		lines   []string
		problem string
	}{
		{"agrees", []string{"huggingface-hub==1.3.0", "numpy==2.1.0"}, ""},
		{"hub too old for gradio 6.19.0", []string{"huggingface-hub==0.34.4", "numpy==2.1.0"}, "huggingface-hub"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := reqs(t, tc.lines...)
			for i := range lines {
				lines[i].Locked, lines[i].Origin = true, "uv.lock"
			}
			in := &Input{Requirements: lines, Locked: true, LockedGradio: "6.19.0", SDKVersion: "6.19.0", PythonVersion: "3.12"}
			r, err := Plan(context.Background(), in, Options{Catalog: c})
			if err != nil || !r.OK() {
				t.Fatalf("Plan: %v %v", err, r.Problems)
			}
			before := fmt.Sprint(r.Lines)
			m := &memIndex{}
			m.add("gradio", "6.19.0", "huggingface-hub>=1.2.0", "numpy")
			m.add("torch", "2.13.0")
			m.addBuilder()
			m.add("huggingface-hub", "0.34.4")
			m.add("huggingface-hub", "1.3.0")
			m.add("numpy", "2.1.0")
			m.add("torch", "2.11.0")
			if err := r.Verify(context.Background(), c, in, LockOptions{Lister: m, Meta: m}); err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(r.Lines); got != before {
				t.Errorf("Verify rewrote the export:\n%s\nwas\n%s", got, before)
			}
			switch {
			case tc.problem == "" && !r.OK():
				t.Errorf("problems: %v", r.Problems)
			case tc.problem != "" && (r.OK() || !strings.Contains(r.Problems[0].Message, tc.problem)):
				t.Errorf("want a problem naming %s, got %v", tc.problem, r.Problems)
			case tc.problem != "" && !strings.Contains(strings.Join(r.Problems[0].Fixes, "\n"), `add "gradio==6.19.0" to [tool.uv] constraint-dependencies`):
				t.Errorf("fixes: %v", r.Problems[0].Fixes)
			}
		})
	}
}

// A lock export whose pin the index lacks is not blamed on gradio.
func TestVerifyMissingPin(t *testing.T) {
	c := catalog.Default()
	lines := reqs(t, "requests==2.32.99")
	lines[0].Locked, lines[0].Origin = true, "uv.lock"
	in := &Input{Requirements: lines, Locked: true, LockedGradio: "6.19.0", SDKVersion: "6.19.0", PythonVersion: "3.12"}
	r, err := Plan(context.Background(), in, Options{Catalog: c})
	if err != nil || !r.OK() {
		t.Fatalf("Plan: %v %v", err, r.Problems)
	}
	m := &memIndex{}
	m.add("gradio", "6.19.0")
	m.add("torch", "2.13.0")
	m.addBuilder()
	m.add("requests", "2.32.3")
	m.add("torch", "2.11.0")
	if err := r.Verify(context.Background(), c, in, LockOptions{Lister: m, Meta: m}); err != nil {
		t.Fatal(err)
	}
	fixes := strings.Join(r.Problems[0].Fixes, "\n")
	if !strings.Contains(fixes, "requests==2.32.99 (uv.lock): the index has no such wheel for the target; it has wheels of 2.32.3") || strings.Contains(fixes, "gradio==6.19.0") {
		t.Errorf("fixes:\n%s", fixes)
	}
}

// TestVerifyFile: --no-lock keeps the ranges, but the file is resolved with
// what the builder installs before it is written: a pin that cannot install
// with gradio[mcp] is a problem that names the chain of requirements; the
// lines are never changed; a package the index lacks says nothing about
// the builder and only leaves the file unverified.
func TestVerifyFile(t *testing.T) {
	c := catalog.Default()
	m := &memIndex{}
	m.add("torch", "2.13.0")
	m.add("gradio", "6.19.0", `pydantic<=2.12.5,>=2.11.10; extra == "mcp"`)
	m.add("pydantic", "2.12.5")
	m.add("pydantic", "2.13.5")
	m.addBuilder()
	for _, tc := range []struct {
		name, line string
		problem    bool
		decision   string
	}{
		{"installs", "pydantic>=2", false, "verified"},
		{"above gradio[mcp]'s cap", "pydantic==2.13.5", true, ""},
		{"not on the index", "nosuch>=1", false, "not verified"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &Input{Requirements: reqs(t, tc.line), PythonVersion: "3.12", SDKVersion: "6.19.0"}
			r, err := Plan(context.Background(), in, Options{Catalog: c})
			if err != nil || !r.OK() {
				t.Fatalf("Plan: %v %v", err, r.Problems)
			}
			before := append([]Line(nil), r.Lines...)
			if err := r.VerifyFile(context.Background(), c, in, LockOptions{Lister: m, Meta: m}); err != nil {
				t.Fatal(err)
			}
			if got := !r.OK(); got != tc.problem {
				t.Fatalf("problem = %v, want %v: %v", got, tc.problem, r.Problems)
			}
			if tc.problem {
				msg := r.Problems[0].Message
				for _, want := range []string{"what the platform's builder installs", "gradio[mcp] 6.19.0 depends on pydantic", "pydantic==2.13.5"} {
					if !strings.Contains(msg, want) {
						t.Errorf("problem lacks %q:\n%s", want, msg)
					}
				}
				return
			}
			if diff := cmp.Diff(before, r.Lines, cmpopts.IgnoreUnexported(Line{})); diff != "" || r.Locked {
				t.Errorf("lines changed (-before +after):\n%s", diff)
			}
			found := false
			for _, d := range r.Decisions {
				found = found || d.Subject == "verify" && d.Choice == tc.decision
			}
			if !found {
				t.Errorf("no verify decision %q in %+v", tc.decision, r.Decisions)
			}
		})
	}
}
