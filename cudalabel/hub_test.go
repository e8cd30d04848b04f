package cudalabel

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFromHubPath(t *testing.T) {
	tests := []struct {
		path string
		want Needs
		ok   bool
	}{
		{"wheels/pt28-cu128-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl", n(func(x *Needs) {
			x.TorchMajor, x.TorchMinor, x.CUDAMajor, x.CUDAMinor, x.Python, x.Dialect = 2, 8, 12, 8, "cp312", "hub-cell"
		}), true},
		{"https://huggingface.co/datasets/multimodalart/zerogpu-blackwell-wheels/resolve/main/wheels/pt212-cu130-cp310/xformers-0.0.34+3da0fc92.d20260528-cp39-abi3-linux_x86_64.whl", n(func(x *Needs) {
			x.TorchMajor, x.TorchMinor, x.CUDAMajor, x.CUDAMinor, x.Python, x.Dialect = 2, 12, 13, 0, "cp310", "hub-cell"
		}), true},
		{"wheels/pt291-cu128/a.whl", n(func(x *Needs) {
			x.TorchMajor, x.TorchMinor, x.TorchPatch, x.CUDAMajor, x.CUDAMinor, x.Dialect = 2, 9, 1, 12, 8, "hub-cell"
		}), true},
		{"wheels/pt210-cu130-cp312", n(func(x *Needs) {
			x.TorchMajor, x.TorchMinor, x.CUDAMajor, x.CUDAMinor, x.Python, x.Dialect = 2, 10, 13, 0, "cp312", "hub-cell"
		}), true},
		{"PT211-CU130-CP313/x.whl", n(func(x *Needs) {
			x.TorchMajor, x.TorchMinor, x.CUDAMajor, x.CUDAMinor, x.Python, x.Dialect = 2, 11, 13, 0, "cp313", "hub-cell"
		}), true},
		{"wheels/flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl", none(), false},
		{"wheels/pt-cu128/x.whl", none(), false},
		{"", none(), false},
	}
	for _, tt := range tests {
		got, ok := FromHubPath(tt.path)
		if ok != tt.ok {
			t.Errorf("FromHubPath(%q) ok = %v, want %v", tt.path, ok, tt.ok)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("FromHubPath(%q) (-want +got):\n%s", tt.path, diff)
		}
	}
}

func TestFromKernelVariant(t *testing.T) {
	tests := []struct {
		in   string
		want Variant
		ok   bool
	}{
		{"torch28-cxx11-cu128-x86_64-linux", Variant{Name: "torch28-cxx11-cu128-x86_64-linux", Backend: "cuda", Arch: "x86_64", OS: "linux",
			Needs: n(func(x *Needs) {
				x.TorchMajor, x.TorchMinor, x.CXX11ABI, x.CUDAMajor, x.CUDAMinor, x.Dialect = 2, 8, ABITrue, 12, 8, "kernels"
			})}, true},
		{"torch26-cxx98-cu118-x86_64-linux", Variant{Name: "torch26-cxx98-cu118-x86_64-linux", Backend: "cuda", Arch: "x86_64", OS: "linux",
			Needs: n(func(x *Needs) {
				x.TorchMajor, x.TorchMinor, x.CXX11ABI, x.CUDAMajor, x.CUDAMinor, x.Dialect = 2, 6, ABIFalse, 11, 8, "kernels"
			})}, true},
		{"torch212-cxx11-cu132-aarch64-linux", Variant{Name: "torch212-cxx11-cu132-aarch64-linux", Backend: "cuda", Arch: "aarch64", OS: "linux",
			Needs: n(func(x *Needs) {
				x.TorchMajor, x.TorchMinor, x.CXX11ABI, x.CUDAMajor, x.CUDAMinor, x.Dialect = 2, 12, ABITrue, 13, 2, "kernels"
			})}, true},
		{"torch212-metal-aarch64-darwin", Variant{Name: "torch212-metal-aarch64-darwin", Backend: "metal", Arch: "aarch64", OS: "darwin",
			Needs: n(func(x *Needs) { x.TorchMajor, x.TorchMinor, x.Dialect = 2, 12, "kernels" })}, true},
		{"torch28-cpu-aarch64-darwin", Variant{Name: "torch28-cpu-aarch64-darwin", Backend: "cpu", Arch: "aarch64", OS: "darwin",
			Needs: n(func(x *Needs) { x.TorchMajor, x.TorchMinor, x.CPU, x.Dialect = 2, 8, true, "kernels" })}, true},
		{"torch29-cxx11-rocm64-x86_64-linux", Variant{Name: "torch29-cxx11-rocm64-x86_64-linux", Backend: "rocm", Arch: "x86_64", OS: "linux",
			Needs: n(func(x *Needs) {
				x.TorchMajor, x.TorchMinor, x.CXX11ABI, x.ROCm, x.Dialect = 2, 9, ABITrue, "rocm6.4", "kernels"
			})}, true},
		{"torch28-cxx11-xpu20251-x86_64-linux", Variant{Name: "torch28-cxx11-xpu20251-x86_64-linux", Backend: "xpu", Arch: "x86_64", OS: "linux",
			Needs: n(func(x *Needs) {
				x.TorchMajor, x.TorchMinor, x.CXX11ABI, x.Extra, x.Dialect = 2, 8, ABITrue, "xpu20251", "kernels"
			})}, true},
		{"torch210-cu130-x86_64-linux", Variant{Name: "torch210-cu130-x86_64-linux", Backend: "cuda", Arch: "x86_64", OS: "linux",
			Needs: n(func(x *Needs) {
				x.TorchMajor, x.TorchMinor, x.CUDAMajor, x.CUDAMinor, x.Dialect = 2, 10, 13, 0, "kernels"
			})}, true},
		{"torch-universal", Variant{Name: "torch-universal", Noarch: true, Needs: n(func(x *Needs) { x.Dialect = "kernels" })}, true},
		{"torch-cuda", Variant{Name: "torch-cuda", Noarch: true, Backend: "cuda", Needs: n(func(x *Needs) { x.Dialect = "kernels" })}, true},
		{"build/torch28-cxx11-cu128-x86_64-linux/flash_attn/__init__.py", Variant{Name: "torch28-cxx11-cu128-x86_64-linux", Backend: "cuda", Arch: "x86_64", OS: "linux",
			Needs: n(func(x *Needs) {
				x.TorchMajor, x.TorchMinor, x.CXX11ABI, x.CUDAMajor, x.CUDAMinor, x.Dialect = 2, 8, ABITrue, 12, 8, "kernels"
			})}, true},
		{"torch28-cxx14-cu128-x86_64-linux", Variant{Name: "torch28-cxx14-cu128-x86_64-linux", Needs: none()}, false},
		{"torch-universal-extra", Variant{Name: "torch-universal-extra", Needs: none()}, false},
	}
	for _, tt := range tests {
		got, ok := FromKernelVariant(tt.in)
		if ok != tt.ok {
			t.Errorf("FromKernelVariant(%q) ok = %v, want %v", tt.in, ok, tt.ok)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("FromKernelVariant(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestFits(t *testing.T) {
	fa, _ := FromLocal("cu12torch2.8cxx11abiTRUE")
	sage, _ := FromLocal("cu130torch2.10.0sm80.86.89.90")
	cpu, _ := FromLocal("cpu")
	tests := []struct {
		name    string
		n       Needs
		tmaj    int
		tmin    int
		cuda    int
		abi     ABI
		arch    string
		reasons []string
	}{
		{"fits", fa, 2, 8, 12, ABITrue, "sm120", nil},
		{"abi unknown on target", fa, 2, 8, 12, ABIUnknown, "", nil},
		{"everything wrong", fa, 2, 9, 13, ABIFalse, "sm120", []string{
			"built for torch 2.8, target has torch 2.9",
			"built for CUDA 12, target has CUDA 13",
			"built with the cxx11 C++ ABI, target torch uses the pre-cxx11 ABI",
		}},
		{"gpu arch", sage, 2, 10, 13, ABITrue, "sm_120", []string{"built for GPU sm80,sm86,sm89,sm90, target GPU is sm120"}},
		{"gpu arch listed", sage, 2, 10, 13, ABITrue, "86", nil},
		{"cpu build", cpu, 2, 8, 12, ABITrue, "sm120", []string{"a CPU-only build, target has CUDA"}},
	}
	for _, tt := range tests {
		ok, reasons := tt.n.Fits(tt.tmaj, tt.tmin, tt.cuda, tt.abi, tt.arch)
		if ok != (len(tt.reasons) == 0) {
			t.Errorf("%s: ok = %v with reasons %q", tt.name, ok, reasons)
		}
		if diff := cmp.Diff(tt.reasons, reasons); diff != "" {
			t.Errorf("%s: reasons (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestString(t *testing.T) {
	tests := map[string]string{
		"cu12torch2.8cxx11abiTRUE":      "CUDA 12, torch 2.8, C++11 ABI",
		"cu118torch2.1cxx11abiFALSE":    "CUDA 11.8, torch 2.1, pre-C++11 ABI",
		"cu130torch2.10.0sm80.86.89.90": "CUDA 13.0, torch 2.10.0, GPU sm80,sm86,sm89,sm90",
		"pt23cpu":                       "CPU only, torch 2.3",
		"rocm6.4":                       "ROCm 6.4",
		"3da0fc92.d20260528":            "no CUDA, torch or ABI stated",
	}
	for label, want := range tests {
		n, ok := FromLocal(label)
		if !ok {
			t.Errorf("FromLocal(%q) not recognized", label)
		}
		if got := n.String(); got != want {
			t.Errorf("FromLocal(%q).String() = %q, want %q", label, got, want)
		}
	}
}

func TestOr(t *testing.T) {
	label, _ := FromLocal("3da0fc92.d20260528")
	cell, _ := FromHubCell("pt212-cu130-cp310")
	got := label.Or(cell)
	want := n(func(x *Needs) {
		x.TorchMajor, x.TorchMinor, x.CUDAMajor, x.CUDAMinor, x.Python, x.Dialect, x.Extra = 2, 12, 13, 0, "cp310", "git-hash", "3da0fc92.d20260528"
	})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Or (-want +got):\n%s", diff)
	}
}

func TestTolerantCell(t *testing.T) {
	tests := []struct {
		name     string
		label    string // local version label of the filename; "" for none
		cell     string // "" for none
		torch    [2]int // the target's
		tolerant bool
		fits     bool   // Fits the target's torch afterwards
		str      string // String of the needs
	}{
		{"newer cell on the older runtime", "", "pt212-cu130-cp310", [2]int{2, 11}, true, true,
			"CUDA 13.0, torch 2.12 (dataset cell pt212; the dataset is torch-minor tolerant: runs on torch 2.11)"},
		{"exact cell", "", "pt211-cu130-cp312", [2]int{2, 11}, false, true, "CUDA 13.0, torch 2.11"},
		{"older cell on a newer torch", "", "pt28-cu128-cp310", [2]int{2, 9}, false, false, "CUDA 12.8, torch 2.8"},
		{"two minors ahead", "", "pt212-cu130-cp310", [2]int{2, 10}, false, false, "CUDA 13.0, torch 2.12"},
		{"patch cell", "", "pt291-cu128-cp310", [2]int{2, 8}, true, true,
			"CUDA 12.8, torch 2.9.1 (dataset cell pt291; the dataset is torch-minor tolerant: runs on torch 2.8)"},
		{"another major", "", "pt30-cu130-cp312", [2]int{2, 11}, false, false, "CUDA 13.0, torch 3.0"},
		{"label without torch", "3da0fc92.d20260528", "pt212-cu130-cp312", [2]int{2, 11}, true, true,
			"CUDA 13.0, torch 2.12 (dataset cell pt212; the dataset is torch-minor tolerant: runs on torch 2.11)"},
		{"filename names torch", "cu13torch2.12cxx11abiTRUE", "pt212-cu130-cp310", [2]int{2, 11}, false, false, "CUDA 13, torch 2.12, C++11 ABI"},
		{"no cell", "", "", [2]int{2, 11}, false, true, "no CUDA, torch or ABI stated"},
	}
	for _, tt := range tests {
		own, cell := none(), none()
		var ok bool
		if tt.label != "" {
			if own, ok = FromLocal(tt.label); !ok {
				t.Fatalf("%s: FromLocal(%q) not recognized", tt.name, tt.label)
			}
		}
		if tt.cell != "" {
			if cell, ok = FromHubCell(tt.cell); !ok {
				t.Fatalf("%s: FromHubCell(%q) not recognized", tt.name, tt.cell)
			}
		}
		got, tolerant := TolerantCell(own, cell, tt.torch[0], tt.torch[1])
		if tolerant != tt.tolerant {
			t.Errorf("%s: tolerant = %v, want %v", tt.name, tolerant, tt.tolerant)
		}
		if s := got.String(); s != tt.str {
			t.Errorf("%s: String() = %q, want %q", tt.name, s, tt.str)
		}
		if fits, reasons := got.Fits(tt.torch[0], tt.torch[1], got.CUDAMajor, ABIUnknown, ""); fits != tt.fits {
			t.Errorf("%s: Fits(torch %d.%d) = %v %q, want %v", tt.name, tt.torch[0], tt.torch[1], fits, reasons, tt.fits)
		}
		if !tt.tolerant {
			if diff := cmp.Diff(own.Or(cell), got); diff != "" {
				t.Errorf("%s: not tolerant: want own.Or(cell) (-want +got):\n%s", tt.name, diff)
			}
		}
	}
}

func TestFitsTolerant(t *testing.T) {
	cell, _ := FromHubCell("pt212-cu130-cp310")
	n, ok := TolerantCell(none(), cell, 2, 11)
	if !ok {
		t.Fatal("pt212 on torch 2.11: not tolerant")
	}
	tests := []struct {
		tmaj, tmin, cuda int
		reasons          []string
	}{
		{2, 11, 13, nil},
		{2, 12, 13, nil},
		{2, 10, 13, []string{"built for torch 2.12, target has torch 2.10"}},
		{2, 11, 12, []string{"built for CUDA 13.0, target has CUDA 12"}},
	}
	for _, tt := range tests {
		_, reasons := n.Fits(tt.tmaj, tt.tmin, tt.cuda, ABITrue, "sm120")
		if diff := cmp.Diff(tt.reasons, reasons); diff != "" {
			t.Errorf("Fits(torch %d.%d, CUDA %d) (-want +got):\n%s", tt.tmaj, tt.tmin, tt.cuda, diff)
		}
	}
}
