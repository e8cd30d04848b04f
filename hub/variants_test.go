package hub

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
)

func TestSelectVariant(t *testing.T) {
	fa2 := []string{
		"torch26-cxx98-cu118-x86_64-linux",
		"torch27-cxx11-cu126-x86_64-linux", "torch27-cxx11-cu128-x86_64-linux",
		"torch28-cxx11-cu126-x86_64-linux", "torch28-cxx11-cu128-x86_64-linux", "torch28-cxx11-cu129-x86_64-linux",
		"torch29-cxx11-cu130-x86_64-linux", "torch212-cxx11-cu130-aarch64-linux", "torch212-metal-aarch64-darwin",
	}
	for _, c := range []struct {
		name     string
		variants []string
		torch    [2]int
		abi      cudalabel.ABI
		cuda     [2]int
		best     string
		why      map[string]string // a subset of rejected
	}{
		{
			name: "torch 2.8 on CUDA 12.8 takes cu128, not the newer cu129", variants: fa2,
			torch: [2]int{2, 8}, abi: cudalabel.ABITrue, cuda: [2]int{12, 8},
			best: "torch28-cxx11-cu128-x86_64-linux",
			why: map[string]string{
				"torch28-cxx11-cu129-x86_64-linux": "built for CUDA 12.9, newer than the target's CUDA 12.8",
				"torch28-cxx11-cu126-x86_64-linux": "fits, but torch28-cxx11-cu128-x86_64-linux is preferred",
				"torch27-cxx11-cu128-x86_64-linux": "built for torch 2.7, target has torch 2.8",
				"torch26-cxx98-cu118-x86_64-linux": "built for torch 2.6, target has torch 2.8",
				"torch212-metal-aarch64-darwin":    "built for aarch64-darwin, target is x86_64-linux",
			},
		},
		{
			name: "CUDA 12.9 takes cu129", variants: fa2,
			torch: [2]int{2, 8}, abi: cudalabel.ABITrue, cuda: [2]int{12, 9},
			best: "torch28-cxx11-cu129-x86_64-linux",
		},
		{
			name: "a CUDA 13 system takes no CUDA 12 build", variants: fa2,
			torch: [2]int{2, 9}, abi: cudalabel.ABITrue, cuda: [2]int{12, 8},
			best: "",
			why:  map[string]string{"torch29-cxx11-cu130-x86_64-linux": "built for CUDA 13, target has CUDA 12"},
		},
		{
			name:     "ABI mismatch",
			variants: []string{"torch26-cxx98-cu126-x86_64-linux", "torch26-cxx11-cu124-x86_64-linux"},
			torch:    [2]int{2, 6}, abi: cudalabel.ABITrue, cuda: [2]int{12, 6},
			best: "torch26-cxx11-cu124-x86_64-linux",
			why:  map[string]string{"torch26-cxx98-cu126-x86_64-linux": "built with the pre-cxx11 C++ ABI, target torch uses the cxx11 ABI"},
		},
		{
			name:     "tagless before tagged; noarch after; universal last",
			variants: []string{"torch-universal", "torch-cuda", "torch28-cxx11-cu128-x86_64-linux", "torch28-cu126-x86_64-linux"},
			torch:    [2]int{2, 8}, abi: cudalabel.ABITrue, cuda: [2]int{12, 8},
			best: "torch28-cu126-x86_64-linux",
		},
		{
			name:     "noarch torch-cuda before universal",
			variants: []string{"torch-universal", "torch-cuda", "torch-rocm"},
			torch:    [2]int{2, 11}, abi: cudalabel.ABITrue, cuda: [2]int{13, 0},
			best: "torch-cuda",
			why:  map[string]string{"torch-rocm": "a noarch rocm variant, target has CUDA", "torch-universal": "fits, but torch-cuda is preferred"},
		},
		{
			name:     "universal alone",
			variants: []string{"torch-universal", "banana"},
			torch:    [2]int{2, 11}, cuda: [2]int{13, 0},
			best: "torch-universal",
			why:  map[string]string{"banana": "not a kernels build variant name"},
		},
		{
			name:     "ROCm is not CUDA",
			variants: []string{"torch28-cxx11-rocm63-x86_64-linux"},
			torch:    [2]int{2, 8}, cuda: [2]int{12, 8},
			why: map[string]string{"torch28-cxx11-rocm63-x86_64-linux": "built for rocm6.3, target has CUDA"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			best, rejected := SelectVariant(c.variants, c.torch, c.abi, c.cuda)
			if best != c.best {
				t.Errorf("best = %q, want %q", best, c.best)
			}
			if len(rejected)+btoi(best != "") != len(c.variants) {
				t.Errorf("%d rejected + best, want every one of %d variants accounted for: %v", len(rejected), len(c.variants), rejected)
			}
			got := map[string]string{}
			for k := range c.why {
				got[k] = rejected[k]
			}
			if diff := cmp.Diff(c.why, got, cmp.Comparer(func(a, b map[string]string) bool { return cmp.Equal(a, b) })); c.why != nil && diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestSelectVariantFromFake selects among the variants the fake Hub lists
// for kernels-community/flash-attn2, for each ZeroGPU torch.
func TestSelectVariantFromFake(t *testing.T) {
	hf := fakes.Hub(t, fakes.HubFixtures())
	c := New(fetch.New(fetch.Config{}), hf.URL)
	vs, err := c.KernelVariants(context.Background(), Repo{Type: Kernel, ID: "kernels-community/flash-attn2", Revision: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		torch [2]int
		cuda  [2]int
		want  string
	}{
		{[2]int{2, 8}, [2]int{12, 8}, "torch28-cxx11-cu128-x86_64-linux"},
		{[2]int{2, 9}, [2]int{12, 8}, "torch29-cxx11-cu128-x86_64-linux"},
		{[2]int{2, 10}, [2]int{12, 8}, "torch210-cxx11-cu128-x86_64-linux"},
		{[2]int{2, 11}, [2]int{13, 0}, ""}, // no torch211 build in the fixture
		{[2]int{2, 12}, [2]int{13, 0}, "torch212-cxx11-cu130-x86_64-linux"},
	} {
		best, _ := SelectVariant(vs, tc.torch, cudalabel.ABITrue, tc.cuda)
		if best != tc.want {
			t.Errorf("torch %v CUDA %v: %q, want %q", tc.torch, tc.cuda, best, tc.want)
		}
	}
}
