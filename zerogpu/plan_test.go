package zerogpu

import (
	"context"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/pep508"
)

func reqs(t *testing.T, lines ...string) []Requirement {
	t.Helper()
	var out []Requirement
	for i, l := range lines {
		r, err := pep508.ParseRequirement(l)
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		out = append(out, Requirement{Req: r, Text: l, Origin: "requirements.txt:" + string(rune('1'+i))})
	}
	return out
}

func plan(t *testing.T, in *Input, opts Options) *Report {
	t.Helper()
	if opts.Catalog == nil {
		opts.Catalog = catalog.Default()
	}
	if opts.Finder == nil {
		opts.Finder = &SourceFinder{Catalog: opts.Catalog}
	}
	r, err := Plan(context.Background(), in, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func lineTexts(r *Report) []string {
	var out []string
	for _, l := range r.Lines {
		out = append(out, l.Text)
	}
	return out
}

func TestPlanScratch(t *testing.T) {
	in := &Input{
		Requirements:  reqs(t, "flash-attn", "torch==2.8.0", "torchvision", "spaces", "gradio==5.0", "transformers>=4.40"),
		PythonVersion: "3.12", PythonVersionOrigin: "README.md:5", SDKVersion: "5.49.1",
	}
	r := plan(t, in, Options{})
	t.Logf("lines:\n%s", strings.Join(lineTexts(r), "\n"))
	t.Logf("problems: %s", r.Error())
	t.Logf("warnings: %q", r.Warnings)
	for _, d := range r.Decisions {
		t.Logf("decision %s: %s — %s", d.Subject, d.Choice, d.Reason)
	}
}

func TestRenderScratch(t *testing.T) {
	in := &Input{
		Requirements:  reqs(t, "flash-attn", "torch==2.8.0", "torchvision", "spaces", "transformers>=4.40"),
		PythonVersion: "3.12", PythonVersionOrigin: "README.md:5", SDKVersion: "5.49.1",
		Options: []string{"--extra-index-url https://download.pytorch.org/whl/cu128"},
	}
	r := plan(t, in, Options{})
	b, err := r.Render(RenderOptions{Command: "zgpu deps resolve -o requirements.txt", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", b)
}
