package memory_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/resolver/memory"
)

func TestParse(t *testing.T) {
	p, err := memory.Parse(`
# a comment
Torch_Vision 0.21.0 requires-python=>=3.9 yanked
    torch==2.6.0  # trailing comment
    numpy; extra == "x"
flash-attn 2.8.3 url=https://example.com/f.whl
    torch
flash-attn 2.7.4 unavailable=no wheel for cp312 linux
`)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cs, err := p.Candidates(ctx, "torch-vision")
	if err != nil || len(cs) != 1 {
		t.Fatalf("Candidates = %v, %v", cs, err)
	}
	c := cs[0]
	if got := []string{c.Version.String(), c.RequiresPython}; !cmp.Equal(got, []string{"0.21.0", ">=3.9"}) || !c.Yanked {
		t.Errorf("candidate = %+v", c)
	}
	deps, err := p.Dependencies(ctx, "torch_vision", c)
	if err != nil || len(deps) != 2 || deps[0].Name != "torch" || deps[1].Marker == nil {
		t.Errorf("Dependencies = %v, %v", deps, err)
	}
	fa, _ := p.Candidates(ctx, "flash-attn")
	if len(fa) != 1 || fa[0].Unavailable != "no wheel for cp312 linux" {
		t.Errorf("flash-attn candidates = %+v (the URL release must not be listed)", fa)
	}
	u, err := p.URLCandidate(ctx, "flash-attn", "https://example.com/f.whl")
	if err != nil || u.Version.String() != "2.8.3" {
		t.Errorf("URLCandidate = %+v, %v", u, err)
	}
	if _, err := p.URLCandidate(ctx, "torch", "https://example.com/f.whl"); err == nil {
		t.Error("URLCandidate of another project's URL succeeded")
	}
	if p.CandidateCalls["flash-attn"] != 1 {
		t.Errorf("CandidateCalls = %v", p.CandidateCalls)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"    torch\n", "line 1: requirement before any release"},
		{"torch\n", `expected "name version"`},
		{"torch 2.0 shiny\n", `found "shiny"`},
		{"torch 2.0\n    torch (>=2\n", "line 2:"},
	}
	for _, tt := range tests {
		_, err := memory.Parse(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want error containing %q", tt.in, err, tt.want)
		}
	}
}
