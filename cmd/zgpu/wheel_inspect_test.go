package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	if len(b.Warnings) != 1 || !strings.Contains(b.Warnings[0], "sm120") {
		t.Errorf("warnings = %q, want one about sm120", b.Warnings)
	}
	if b.Needs.Torch != "2.10.0" || b.Needs.Dialect != "pytorch-archs" {
		t.Errorf("torch %q dialect %q, want 2.10.0 pytorch-archs", b.Needs.Torch, b.Needs.Dialect)
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
