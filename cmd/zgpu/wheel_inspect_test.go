package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/cudalabel"
)

func TestWheelInspectText(t *testing.T) {
	out, stderr, code := runCmd(t, "wheel", "inspect",
		"flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
		"https://huggingface.co/datasets/multimodalart/zerogpu-blackwell-wheels/resolve/main/wheels/pt291-cu128-cp310/flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	want := `flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl
  project    flash-attn 2.8.3+cu12torch2.8cxx11abitrue
  python     cp312
  abi        cp312
  platform   linux_x86_64
  needs      CUDA 12, torch 2.8, C++11 ABI  [flash-attn label]
    CUDA 12; torch 2.8; C++ ABI cxx11; GPU archs not stated
  ZeroGPU
    Python 3.10  does not install: cp312 wheel, target is cp310
    Python 3.12  installs (tag cp312-cp312-linux_x86_64)

flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl
  project    flash-attn 2.8.3
  python     cp310
  abi        cp310
  platform   linux_x86_64
  needs      no CUDA, torch or ABI stated
    CUDA not stated; torch not stated; C++ ABI not stated; GPU archs not stated
  hub cell   CUDA 12.8, torch 2.9.1  [hub-cell label]
    CUDA 12.8; torch 2.9.1; C++ ABI not stated; GPU archs not stated
             (folder pt291-cu128-cp310)
  ZeroGPU
    Python 3.10  installs (tag cp310-cp310-linux_x86_64)
    Python 3.12  does not install: cp310 wheel, target is cp312
`
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestWheelInspectJSON(t *testing.T) {
	out, _, code := runCmd(t, "wheel", "inspect", "--json",
		"https://github.com/mjun0812/flash-attention-prebuild-wheels/releases/download/v0.9.4/flash_attn-2.8.3%2Bcu130torch2.11-cp310-cp310-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl",
		"sageattention-2.2.0+cu130torch2.10.0sm80.86.89.90-cp312-cp312-linux_x86_64.whl")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var got []inspection
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(got) != 2 {
		t.Fatalf("got %d results, want 2", len(got))
	}
	a := got[0]
	if a.Filename != "flash_attn-2.8.3+cu130torch2.11-cp310-cp310-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl" {
		t.Errorf("filename %q: %%2B not unescaped", a.Filename)
	}
	wantNeeds := &inspectNeeds{Summary: "CUDA 13.0, torch 2.11", CUDA: "13.0", Torch: "2.11", CXX11ABI: "unknown",
		GPUArchs: []string{}, Python: "cp310", Dialect: "mjun0812"}
	if diff := cmp.Diff(wantNeeds, a.Needs); diff != "" {
		t.Errorf("needs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"manylinux_2_24_x86_64", "manylinux_2_28_x86_64"}, a.Platforms); diff != "" {
		t.Errorf("platforms (-want +got):\n%s", diff)
	}
	rank := 8
	wantFits := []inspectFit{
		{Python: "3.10", Target: "cp310 linux x86_64 glibc 2.36", Installs: true, Tag: "cp310-cp310-manylinux_2_28_x86_64", Rank: &rank},
		{Python: "3.12", Target: "cp312 linux x86_64 glibc 2.36", Reason: "cp310 wheel, target is cp312"},
	}
	if diff := cmp.Diff(wantFits, a.ZeroGPU); diff != "" {
		t.Errorf("zerogpu (-want +got):\n%s", diff)
	}
	b := got[1]
	if diff := cmp.Diff([]string{"sm80", "sm86", "sm89", "sm90"}, b.Needs.GPUArchs); diff != "" {
		t.Errorf("gpu archs (-want +got):\n%s", diff)
	}
	wantWarnings := []string{
		`built for GPU sm80, sm86, sm89, sm90 only; ZeroGPU's GPU is sm120 (Blackwell): "no kernel image is available" at run time`,
		"built for CUDA 13, but torch 2.10's PyPI build uses CUDA 12 (cu128): it fails to load with undefined symbols",
	}
	if diff := cmp.Diff(wantWarnings, b.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if a.Warnings != nil {
		t.Errorf("warnings of %s = %q, want none (CUDA 13 is torch 2.11's PyPI build)", a.Filename, a.Warnings)
	}
	if b.Needs.Torch != "2.10.0" || b.Needs.Dialect != "pytorch-archs" {
		t.Errorf("torch %q dialect %q, want 2.10.0 pytorch-archs", b.Needs.Torch, b.Needs.Dialect)
	}
}

// TestWheelInspectTorchWarnings checks the comparison of the torch, CUDA and
// C++ ABI a wheel names with the PyPI build of that torch and with the
// ZeroGPU allow-list.
func TestWheelInspectTorchWarnings(t *testing.T) {
	const (
		cuda11 = "built for CUDA 11, but torch 2.4's PyPI build uses CUDA 12 (cu121): it fails to load with undefined symbols"
		no24   = "torch 2.4 is not on the ZeroGPU allow-list (2.8.0, 2.9.1, 2.10.0, 2.11.0, 2.12.1, 2.13.0): a Space cannot install the torch this wheel is built for"
	)
	tests := []struct {
		name, arg string
		want      []string
	}{
		{"CUDA 11 for torch 2.4", "flash_attn-2.6.3+cu118torch2.4cxx11abiFALSE-cp310-cp310-linux_x86_64.whl", []string{cuda11, no24}},
		{"CUDA 12 minor differs, same major", "mamba_ssm-2.2.2+cu122torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", nil},
		{"pre-C++11 ABI for torch 2.8", "flash_attn-2.8.3+cu12torch2.8cxx11abiFALSE-cp312-cp312-linux_x86_64.whl",
			[]string{"built with the pre-C++11 ABI (cxx11abiFALSE), but torch 2.8's PyPI build uses the C++11 ABI (cxx11abiTRUE): it fails to load with undefined symbols"}},
		{"C++11 ABI for torch 2.6", "flash_attn-2.7.4.post1+cu12torch2.6cxx11abiTRUE-cp310-cp310-linux_x86_64.whl", []string{
			"built with the C++11 ABI (cxx11abiTRUE), but torch 2.6's PyPI build uses the pre-C++11 ABI (cxx11abiFALSE): it fails to load with undefined symbols",
			"torch 2.6 is not on the ZeroGPU allow-list (2.8.0, 2.9.1, 2.10.0, 2.11.0, 2.12.1, 2.13.0): a Space cannot install the torch this wheel is built for"}},
		{"CUDA 13 for torch 2.11", "flash_attn-2.8.3+cu130torch2.11-cp312-cp312-linux_x86_64.whl", nil},
		{"CUDA 12 for torch 2.11", "flash_attn-2.8.3+cu128torch2.11-cp312-cp312-linux_x86_64.whl",
			[]string{"built for CUDA 12, but torch 2.11's PyPI build uses CUDA 13 (cu130): it fails to load with undefined symbols"}},
		// The allow-list is checked by minor: 2.9.1 is allowed, so 2.9 is.
		{"torch release of an allowed minor", "sageattention-2.2.0+cu128torch2.9.0-cp312-cp312-linux_x86_64.whl", nil},
		{"torch release, CUDA 11", "sageattention-2.2.0+cu118torch2.4.1-cp310-cp310-linux_x86_64.whl", []string{cuda11, no24}},
		{"PyG label", "torch_scatter-2.1.2+pt24cu118-cp310-cp310-linux_x86_64.whl", []string{cuda11, no24}},
		{"Hub cell", "https://huggingface.co/datasets/multimodalart/zerogpu-blackwell-wheels/resolve/main/wheels/pt24-cu118-cp310/flash_attn-2.6.3-cp310-cp310-linux_x86_64.whl",
			[]string{cuda11, no24}},
		{"CPU build", "torch_scatter-2.1.2+pt28cpu-cp310-cp310-linux_x86_64.whl", []string{"a CPU-only build: its extensions do not use the GPU"}},
		{"torch not in the matrix", "flash_attn-1.0.0+cu117torch1.13cxx11abiFALSE-cp310-cp310-linux_x86_64.whl",
			[]string{"torch 1.13 is not on the ZeroGPU allow-list (2.8.0, 2.9.1, 2.10.0, 2.11.0, 2.12.1, 2.13.0): a Space cannot install the torch this wheel is built for"}},
		{"torch wheel itself", "torch-2.4.0+cu118-cp310-cp310-linux_x86_64.whl", nil},
		{"no label", "six-1.16.0-py2.py3-none-any.whl", nil},
	}
	tg := targetOf(catalog.Default())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := inspectOne(tt.arg, tg)
			if in.Error != "" {
				t.Fatal(in.Error)
			}
			if diff := cmp.Diff(tt.want, in.Warnings); diff != "" {
				t.Errorf("warnings of %s (-want +got):\n%s", tt.arg, diff)
			}
		})
	}
}

func TestPyPIBuildOf(t *testing.T) {
	family := []catalog.FamilyRow{
		{Torch: "9.1.0", DefaultCUDA: "cu121", CXX11ABI: "FALSE"},
		{Torch: "9.1.1", DefaultCUDA: "cu130", CXX11ABI: "TRUE"},
		{Torch: "9.1.2"}, // not known yet
		{Torch: "9.10.0", DefaultCUDA: "cu140"},
	}
	tests := []struct {
		torch string // as a wheel label states it
		want  string
		ok    bool
	}{
		{"9.1.0", "9.1.0", true}, // the exact release
		{"9.1", "9.1.1", true},   // the latest known release of the minor
		{"9.1.2", "9.1.1", true}, // the exact release is not known: the minor's
		{"9.10", "9.10.0", true}, // 9.10 is not 9.1
		{"9.2", "", false},
	}
	for _, tt := range tests {
		n, ok := cudalabel.FromLocal("cu121torch" + tt.torch)
		if !ok {
			t.Fatalf("FromLocal(cu121torch%s): no label", tt.torch)
		}
		row, ok := pypiBuildOf(family, n)
		if row.Torch != tt.want || ok != tt.ok {
			t.Errorf("pypiBuildOf(torch %s) = %q, %v; want %q, %v", tt.torch, row.Torch, ok, tt.want, tt.ok)
		}
	}
}

func TestWheelInspectErrors(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		stderr   string
		inStdout string
	}{
		{[]string{"wheel", "inspect"}, exitUsage, "requires at least 1 arg", ""},
		{[]string{"wheel", "inspect", "flash_attn-2.8.3.tar.gz"}, exitFailure, `expected ".whl" at the end of "flash_attn-2.8.3.tar.gz"`, ""},
		{[]string{"wheel", "inspect", "bad.whl", "six-1.16.0-py2.py3-none-any.whl"}, exitFailure, "found 0 in", "six 1.16.0"},
		{[]string{"wheel", "inspect", "--json", "bad.whl"}, exitFailure, "1 of 1 arguments", `"error": "wheeltags: expected 4 or 5 dashes`},
	}
	for _, tt := range tests {
		out, stderr, code := runCmd(t, tt.args...)
		if code != tt.code {
			t.Errorf("%q: exit %d, want %d", tt.args, code, tt.code)
		}
		if !strings.Contains(stderr, tt.stderr) {
			t.Errorf("%q: stderr %q, want it to contain %q", tt.args, stderr, tt.stderr)
		}
		if !strings.Contains(out, tt.inStdout) {
			t.Errorf("%q: stdout %q, want it to contain %q", tt.args, out, tt.inStdout)
		}
	}
}

func TestWheelArg(t *testing.T) {
	tests := []struct{ in, file, dir string }{
		{"a-1-py3-none-any.whl", "a-1-py3-none-any.whl", ""},
		{"wheels/pt28-cu128-cp312/a-1-py3-none-any.whl", "a-1-py3-none-any.whl", "wheels/pt28-cu128-cp312"},
		{"https://h/x/a-1%2Bcu128-py3-none-any.whl?download=true", "a-1+cu128-py3-none-any.whl", "/x"},
		{"https://download.pytorch.org/whl/cu128/torch-2.8.0%2Bcu128-cp312-cp312-manylinux_2_28_x86_64.whl#sha256=00",
			"torch-2.8.0+cu128-cp312-cp312-manylinux_2_28_x86_64.whl", "/whl/cu128"},
	}
	for _, tt := range tests {
		file, dir := wheelArg(tt.in)
		if file != tt.file || dir != tt.dir {
			t.Errorf("wheelArg(%q) = %q, %q; want %q, %q", tt.in, file, dir, tt.file, tt.dir)
		}
	}
}
