package wheelfind

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/index"
)

// abiBreak213 is the catalog's 2026-12 extension ABI rule, written out so
// that wheelfind's tests do not depend on the catalog: wheels for torch
// 2.10-2.12 load on 2.11 and 2.12.
func abiBreak213(built, target [2]int) bool {
	if built == target {
		return true
	}
	in := func(v [2]int, lo, hi int) bool { return v[0] == 2 && v[1] >= lo && v[1] <= hi }
	return in(built, 10, 12) && in(target, 11, 12)
}

// TestExtensionABIRule: a wheel built for torch 2.10 fits 2.11 and 2.12
// when the query carries the rule (ranked after a wheel for the query's own
// minor), never 2.13, and never without the rule.
func TestExtensionABIRule(t *testing.T) {
	files := static{
		{Filename: "causal_conv1d-1.7.0+cu13torch2.10cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", URL: "https://x.test/a.whl"},
		{Filename: "causal_conv1d-1.7.0+cu13torch2.12cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", URL: "https://x.test/b.whl"},
	}
	src := []Source{{Name: "test", Kind: "github", Lister: files}}
	tests := []struct {
		torch [2]int
		rule  bool
		want  []string // the fitting torch labels, best first (2.11: either order)
	}{
		{[2]int{2, 11}, true, []string{"torch2.10", "torch2.12"}},
		{[2]int{2, 12}, true, []string{"torch2.12", "torch2.10"}},
		{[2]int{2, 13}, true, nil},
		{[2]int{2, 12}, false, []string{"torch2.12"}},
		{[2]int{2, 11}, false, nil},
	}
	for _, tt := range tests {
		q := Query{Python: [2]int{3, 12}, Platform: zeroGPU.Platform, Torch: tt.torch, CUDA: [2]int{13, 0}, GPUArch: "sm120"}
		if tt.rule {
			q.ExtensionRunsOn = abiBreak213
		}
		res, err := Find(context.Background(), "causal-conv1d", q, src)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range res.Found {
			got = append(got, f.File.Filename[strings.Index(f.File.Filename, "torch"):strings.Index(f.File.Filename, "cxx")])
		}
		if tt.torch == [2]int{2, 11} {
			slices.Sort(got)
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("torch %v rule %v: found %v, want %v", tt.torch, tt.rule, got, tt.want)
		}
		if tt.torch == [2]int{2, 13} {
			for _, r := range res.Rejected {
				if !strings.Contains(strings.Join(r.Reasons, ";"), "target has torch 2.13") {
					t.Errorf("%s rejected for %q, want the torch 2.13 mismatch", r.Filename, r.Reasons)
				}
			}
		}
	}
	var _ index.Lister = files
}
