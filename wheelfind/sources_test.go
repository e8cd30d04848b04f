package wheelfind

import (
	"context"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/github"
	"github.com/zgpu/zgpu/hub"
)

// TestFlashAttnOnZeroGPU searches the fixture releases and the Blackwell
// dataset as `zgpu wheel find flash-attn` does by default.
func TestFlashAttnOnZeroGPU(t *testing.T) {
	gh := fakes.GitHub(t, fakes.GitHubFixtures())
	hf := fakes.Hub(t, fakes.HubFixtures())
	fc := fetch.New(fetch.Config{})
	g := github.New(fc, gh.URL)
	h := hub.New(fc, hf.URL)
	sources := []Source{
		{Name: "hub:datasets/multimodalart/zerogpu-blackwell-wheels", Kind: "hub", Lister: h.Lister(hub.Repo{Type: hub.Dataset, ID: "multimodalart/zerogpu-blackwell-wheels"})},
		{Name: "github:Dao-AILab/flash-attention", Kind: "github", Lister: g.Lister("Dao-AILab/flash-attention")},
		{Name: "github:mjun0812/flash-attention-prebuild-wheels", Kind: "github", Lister: g.Lister("mjun0812/flash-attention-prebuild-wheels")},
	}
	res, err := Find(context.Background(), "flash-attn", zeroGPU, sources)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 0 || len(res.Found) == 0 {
		t.Fatalf("errors %v, found %d", res.Errors, len(res.Found))
	}
	top := res.Found[0]
	if top.File.Path != "wheels/pt28-cu128-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl" {
		t.Errorf("best = %s %s", top.Source, top.File.Path)
	}
	seen := map[string]bool{}
	for _, f := range res.Found {
		seen[f.File.Filename] = true
		if f.Needs.HasTorch() && f.Needs.Torch() != "2.8" {
			t.Errorf("found %s for torch %s", f.File.Filename, f.Needs.Torch())
		}
	}
	if !seen["flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl"] {
		t.Error("the official 2.8.3 torch 2.8 cp312 C++11 wheel is not found")
	}
	reasons := map[string]int{}
	for _, r := range res.Rejected {
		if len(r.Reasons) == 0 {
			t.Errorf("%s rejected without a reason", r.Filename)
		}
		for _, why := range r.Reasons {
			reasons[why]++
		}
		if r.Filename == "flash_attn-2.8.3+cu12torch2.8cxx11abiFALSE-cp312-cp312-linux_x86_64.whl" &&
			!strings.Contains(strings.Join(r.Reasons, ";"), "pre-cxx11 C++ ABI") {
			t.Errorf("%s: %q", r.Filename, r.Reasons)
		}
	}
	for _, want := range []string{
		"cp311 wheel, target is cp312",
		"built for torch 2.10, target has torch 2.8",
		"built with CUDA 12.4, which cannot compile for sm120 (CUDA 12.8 or newer can)",
	} {
		if reasons[want] == 0 {
			t.Errorf("no file rejected for %q", want)
		}
	}
	// 24 in the dataset, 128 official, 597 mjun0812 names of which 6 are
	// published twice.
	if n := len(res.Found) + len(res.Rejected); n != 24+128+597+6 {
		t.Errorf("%d files judged, want every flash_attn file of the three sources (755)", n)
	}
}
