package wheelfind

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/target"
	"github.com/zgpu/zgpu/wheeltags"
)

// static is an in-memory lister.
type static []index.File

func (s static) Files(_ context.Context, project string) ([]index.File, error) {
	var out []index.File
	for _, f := range s {
		name, _, _ := strings.Cut(f.Filename, "-")
		if pep508.NormalizeName(name) == pep508.NormalizeName(project) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, &index.NotFoundError{Project: project, Source: "static"}
	}
	return out, nil
}

type failing struct{ err error }

func (f failing) Files(context.Context, string) ([]index.File, error) { return nil, f.err }

func files(names ...string) static {
	var out static
	for _, n := range names {
		path := ""
		if cell, name, ok := strings.Cut(n, "/"); ok {
			path, n = "wheels/"+cell+"/"+name, name
		}
		out = append(out, index.File{Filename: n, URL: "https://example.test/" + n, Path: path})
	}
	return out
}

// sm120 is the catalog's target, for its GPU facts (KernelCUDA, MinVersions).
var sm120 = target.For(catalog.Default(), "3.12")

// zeroGPU is the query for a ZeroGPU Space on Python 3.12 with torch 2.8.
var zeroGPU = Query{
	Python:      [2]int{3, 12},
	Platform:    wheeltags.Target{Glibc: [2]int{2, 36}, Arch: "x86_64"},
	Torch:       [2]int{2, 8},
	CUDA:        [2]int{12, 8},
	GPUArch:     "sm120",
	KernelCUDA:  sm120.KernelCUDA,
	MinVersions: sm120.MinVersions,
}

func TestReasons(t *testing.T) {
	for _, c := range []struct {
		file string
		q    Query
		want []string // nil: fits
	}{
		{"flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", zeroGPU, nil},
		{"flash_attn-2.8.3+cu12torch2.8cxx11abiFALSE-cp312-cp312-linux_x86_64.whl", zeroGPU,
			[]string{"built with the pre-cxx11 C++ ABI, target torch uses the cxx11 ABI"}},
		{"flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp311-cp311-linux_x86_64.whl", zeroGPU,
			[]string{"cp311 wheel, target is cp312"}},
		{"flash_attn-2.8.3+cu12torch2.6cxx11abiFALSE-cp312-cp312-linux_x86_64.whl", zeroGPU,
			[]string{"built for torch 2.6, target has torch 2.8", "built with the pre-cxx11 C++ ABI, target torch uses the cxx11 ABI"}},
		{"flash_attn-2.7.4.post1+cu12torch2.6cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", Query{Python: [2]int{3, 12}, Platform: zeroGPU.Platform, Torch: [2]int{2, 6}, CUDA: [2]int{12, 4}, ABI: cudalabel.ABITrue, GPUArch: "sm120", MinVersions: sm120.MinVersions},
			[]string{"flash-attn 2.7.4.post1 has no sm120 kernels (sm_120 kernels are compiled only with nvcc >= 12.8; v2.8.0.post2+ release wheels are built with CUDA 12.9)"}},
		{"mamba_ssm-2.2.2+cu118torch2.1cxx11abiFALSE-cp310-cp310-linux_x86_64.whl", Query{Python: [2]int{3, 10}, Platform: zeroGPU.Platform, Torch: [2]int{2, 1}, CUDA: [2]int{12, 1}},
			[]string{"built for CUDA 11.8, target has CUDA 12"}},
		{"flash_attn-2.8.3+cu124torch2.8-cp312-cp312-linux_x86_64.whl", zeroGPU,
			[]string{"built with CUDA 12.4, which cannot compile for sm120 (CUDA 12.8 or newer can)"}},
		{"flash_attn-2.8.3+cu128torch2.8-cp312-cp312-linux_x86_64.whl", zeroGPU, nil},
		{"flash_attn_3-3.0.0+cu128torch2.8gite2743ab-cp39-abi3-linux_x86_64.whl", zeroGPU,
			[]string{"FlashAttention 3 runs on Hopper (sm90) only, target GPU is sm120"}},
		{"flash_attn_3-3.0.0+cu128torch2.8gite2743ab-cp39-abi3-linux_x86_64.whl", Query{Python: [2]int{3, 12}, Platform: zeroGPU.Platform, Torch: [2]int{2, 8}, CUDA: [2]int{12, 8}, GPUArch: "sm_90"}, nil},
		{"flash_attn-2.7.4+cu126torch2.10-cp312-cp312-win_amd64.whl", zeroGPU,
			[]string{"Windows platform win_amd64, target is linux_x86_64", "built for torch 2.10, target has torch 2.8", "built with CUDA 12.6, which cannot compile for sm120 (CUDA 12.8 or newer can)"}},
		{"bitsandbytes-0.49.2-py3-none-manylinux_2_24_aarch64.whl", zeroGPU,
			[]string{"aarch64 platform manylinux_2_24_aarch64, target is x86_64"}},
		{"bitsandbytes-0.49.2-py3-none-manylinux_2_24_x86_64.whl", zeroGPU, nil},
		{"sageattention-2.2.0+cu130torch2.10.0sm80.86.89.90-cp312-cp312-linux_x86_64.whl", Query{Python: [2]int{3, 12}, Platform: zeroGPU.Platform, Torch: [2]int{2, 10}, CUDA: [2]int{13, 0}, GPUArch: "sm120"},
			[]string{"built for GPU sm80,sm86,sm89,sm90, target GPU is sm120"}},
		{"torch_scatter-2.1.2+pt28cu126-cp310-cp310-linux_x86_64.whl", Query{Python: [2]int{3, 10}, Platform: zeroGPU.Platform, Torch: [2]int{2, 8}, CUDA: [2]int{12, 8}}, nil},
		{"mamba_ssm-2.2.4.tar.gz", zeroGPU,
			[]string{"source distribution, not a prebuilt wheel: it would compile at install time (no nvcc on the ZeroGPU builder)"}},
		{"pt28-cu128-cp311/flash_attn-2.8.3-cp311-cp311-linux_x86_64.whl", zeroGPU, []string{"cp311 wheel, target is cp312"}},
		{"pt210-cu128-cp310/flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl", Query{Python: [2]int{3, 10}, Platform: zeroGPU.Platform, Torch: [2]int{2, 8}, CUDA: [2]int{12, 8}},
			[]string{"built for torch 2.10, target has torch 2.8"}},
		{"pt28-cu128-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl", zeroGPU, nil},
	} {
		name := c.file
		if _, n, ok := strings.Cut(name, "/"); ok {
			name = n
		}
		pkg, _, _ := strings.Cut(name, "-")
		res, err := Find(context.Background(), pkg, c.q, []Source{{Name: "s", Lister: files(c.file)}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		if len(res.Rejected) > 0 {
			got = res.Rejected[0].Reasons
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.file, diff)
		}
		if (c.want == nil) != (len(res.Found) == 1) {
			t.Errorf("%s: found %d, want fit=%v", c.file, len(res.Found), c.want == nil)
		}
	}
}

func TestRankOrder(t *testing.T) {
	hub := files(
		"pt28-cu128-cp312/flash_attn-2.7.4.post1-cp312-cp312-linux_x86_64.whl",
		"pt28-cu128-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl",
		"pt210-cu128-cp310/flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl",
	)
	official := files(
		"flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
		"flash_attn-2.8.1+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
	)
	mjun := files(
		"flash_attn-2.8.3+cu126torch2.8-cp312-cp312-linux_x86_64.whl",
		"flash_attn-2.8.3+cu129torch2.8-cp312-cp312-linux_x86_64.whl",
		"flash_attn-2.8.3+cu128torch2.8-cp312-cp312-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl",
		"flash_attn-2.8.3+cu128torch2.8-cp312-cp312-linux_x86_64.whl",
		"flash_attn-2.8.2+cu128torch2.8-cp312-cp312-linux_x86_64.whl",
	)
	res, err := Find(context.Background(), "flash-attn", zeroGPU, []Source{
		{Name: "hub", Lister: hub}, {Name: "official", Lister: official}, {Name: "mjun", Lister: mjun},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, f := range res.Found {
		if f.Rank != i+1 {
			t.Errorf("Found[%d].Rank = %d", i, f.Rank)
		}
		got = append(got, f.Source+" "+f.File.Filename)
	}
	want := []string{
		"hub flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl",
		"hub flash_attn-2.7.4.post1-cp312-cp312-linux_x86_64.whl",
		"official flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
		"official flash_attn-2.8.1+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
		"mjun flash_attn-2.8.3+cu128torch2.8-cp312-cp312-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl",
		"mjun flash_attn-2.8.3+cu128torch2.8-cp312-cp312-linux_x86_64.whl",
		"mjun flash_attn-2.8.2+cu128torch2.8-cp312-cp312-linux_x86_64.whl",
		"mjun flash_attn-2.8.3+cu129torch2.8-cp312-cp312-linux_x86_64.whl",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ranking (-want +got):\n%s", diff)
	}
	// cu126 lacks sm120 kernels; pt210 is another torch.
	if len(res.Rejected) != 2 {
		t.Errorf("rejected %+v, want 2", res.Rejected)
	}
}

func TestSourceErrors(t *testing.T) {
	ok := files("flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl")
	boom := errors.New("connection refused")
	res, err := Find(context.Background(), "flash-attn", zeroGPU, []Source{
		{Name: "down", Lister: failing{boom}},
		{Name: "empty", Lister: static{}},
		{Name: "up", Lister: ok},
	})
	if err != nil {
		t.Fatalf("one source up: err = %v", err)
	}
	if len(res.Found) != 1 || len(res.Errors) != 1 || res.Errors[0].Source != "down" ||
		!cmp.Equal(res.Empty, []string{"empty"}) {
		t.Errorf("found %d, errors %v, empty %v", len(res.Found), res.Errors, res.Empty)
	}
	_, err = Find(context.Background(), "flash-attn", zeroGPU, []Source{{Name: "down", Lister: failing{boom}}})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "down: ") {
		t.Errorf("every source down: err = %v", err)
	}
}

func TestSuggest(t *testing.T) {
	src := files(
		"flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
		"flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp310-cp310-linux_x86_64.whl",
		"flash_attn-2.8.3+cu12torch2.6cxx11abiFALSE-cp311-cp311-linux_x86_64.whl",
		"flash_attn-2.8.3+cu12torch2.7cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
		"flash_attn-2.8.3+cu13torch2.10cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
	)
	q := zeroGPU
	q.Torch, q.CUDA = [2]int{2, 6}, [2]int{12, 4} // not allowed on ZeroGPU; no wheel fits
	res, err := Find(context.Background(), "flash-attn", q, []Source{{Name: "official", Lister: src}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Found) != 0 {
		t.Fatalf("found %d, want none", len(res.Found))
	}
	torches := []TorchBuild{
		{"2.8.0", [2]int{12, 8}, cudalabel.ABITrue},
		{"2.9.1", [2]int{12, 8}, cudalabel.ABITrue},
		{"2.10.0", [2]int{12, 8}, cudalabel.ABITrue},
		{"2.11.0", [2]int{13, 0}, cudalabel.ABITrue},
	}
	var got []string
	for _, s := range Suggest(res, TorchAlternatives(q, torches)) {
		got = append(got, s.Text)
	}
	want := []string{
		"pin torch==2.8.0 to use flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl (official)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("suggestions (-want +got):\n%s", diff)
	}
	// Python 3.10 with torch 2.6: nothing fits; torch 2.8 would (cp310),
	// and so would Python 3.11 (the torch 2.6 pre-C++11 build).
	q.Python = [2]int{3, 10}
	res, _ = Find(context.Background(), "flash-attn", q, []Source{{Name: "official", Lister: src}})
	if len(res.Found) != 0 {
		t.Fatalf("cp310 torch 2.6: found %d, want none", len(res.Found))
	}
	alts := append(TorchAlternatives(q, torches), PythonAlternatives(q, [][2]int{{3, 10}, {3, 11}, {3, 12}})...)
	got = nil
	for _, s := range Suggest(res, alts) {
		got = append(got, s.Change+" -> "+s.Found.File.Filename)
	}
	want = []string{
		"pin torch==2.8.0 -> flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp310-cp310-linux_x86_64.whl",
		"set python_version: 3.11 -> flash_attn-2.8.3+cu12torch2.6cxx11abiFALSE-cp311-cp311-linux_x86_64.whl",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("suggestions (-want +got):\n%s", diff)
	}
}
