package cudalabel

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zgpu/zgpu/internal/testonly/shared"
	"github.com/zgpu/zgpu/wheeltags"
)

// n builds expected Needs with the "not stated" sentinels as defaults.
func n(f func(*Needs)) Needs {
	x := none()
	f(&x)
	return x
}

func TestFromWheel(t *testing.T) {
	tests := []struct {
		file string
		want Needs
	}{
		// flash-attn official, CUDA major only (v2.7+)
		{"flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.TorchMajor, x.TorchMinor, x.CXX11ABI, x.Python, x.Dialect = 12, 2, 8, ABITrue, "cp312", "flash-attn"
		})},
		{"flash_attn-2.7.4.post1+cu12torch2.6cxx11abiFALSE-cp310-cp310-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.TorchMajor, x.TorchMinor, x.CXX11ABI, x.Python, x.Dialect = 12, 2, 6, ABIFalse, "cp310", "flash-attn"
		})},
		{"flash_attn-2.8.3+cu13torch2.10cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.TorchMajor, x.TorchMinor, x.CXX11ABI, x.Python, x.Dialect = 13, 2, 10, ABITrue, "cp312", "flash-attn"
		})},
		// flash-attn official before 2.7: CUDA major+minor
		{"flash_attn-2.5.8+cu118torch2.0cxx11abiFALSE-cp310-cp310-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.TorchMajor, x.TorchMinor, x.CXX11ABI, x.Python, x.Dialect = 11, 8, 2, 0, ABIFalse, "cp310", "flash-attn"
		})},
		{"flash_attn-2.6.3+cu123torch2.3cxx11abiTRUE-cp311-cp311-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.TorchMajor, x.TorchMinor, x.CXX11ABI, x.Python, x.Dialect = 12, 3, 2, 3, ABITrue, "cp311", "flash-attn"
		})},
		{"mamba_ssm-2.2.2+cu122torch2.1cxx11abiFALSE-cp310-cp310-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.TorchMajor, x.TorchMinor, x.CXX11ABI, x.Python, x.Dialect = 12, 2, 2, 1, ABIFalse, "cp310", "flash-attn"
		})},
		{"flash_attn-2.6.3+rocm62torch2.5cxx11abiTRUE-cp310-cp310-linux_x86_64.whl", n(func(x *Needs) {
			x.ROCm, x.TorchMajor, x.TorchMinor, x.CXX11ABI, x.Python, x.Dialect = "rocm6.2", 2, 5, ABITrue, "cp310", "flash-attn"
		})},
		// mjun0812: CUDA major+minor, no ABI
		{"flash_attn-2.8.3+cu128torch2.9-cp312-cp312-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.TorchMajor, x.TorchMinor, x.Python, x.Dialect = 12, 8, 2, 9, "cp312", "mjun0812"
		})},
		{"flash_attn-2.8.3+cu130torch2.11-cp310-cp310-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.TorchMajor, x.TorchMinor, x.Python, x.Dialect = 13, 0, 2, 11, "cp310", "mjun0812"
		})},
		{"flash_attn-2.6.3+cu124torch2.5-cp313-cp313t-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.TorchMajor, x.TorchMinor, x.Python, x.Dialect = 12, 4, 2, 5, "cp313", "mjun0812"
		})},
		// mjun0812 FA3: abi3 and a git hash
		{"flash_attn_3-3.0.0+cu124torch2.5gite2743ab-cp39-abi3-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.TorchMajor, x.TorchMinor, x.Python, x.StableABI, x.Dialect, x.Extra = 12, 4, 2, 5, "cp39", true, "fa3-git", "gite2743ab"
		})},
		{"flash_attn_3-3.0.0+cu130torch2.10gite2743ab-cp39-abi3-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.TorchMajor, x.TorchMinor, x.Python, x.StableABI, x.Dialect, x.Extra = 13, 0, 2, 10, "cp39", true, "fa3-git", "gite2743ab"
		})},
		// PyG and gsplat: pt<torch>cu<cuda>
		{"torch_scatter-2.1.2+pt28cu126-cp310-cp310-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.TorchMajor, x.TorchMinor, x.Python, x.Dialect = 12, 6, 2, 8, "cp310", "pyg"
		})},
		{"torch_scatter-2.1.2+pt211cu128-cp312-cp312-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.TorchMajor, x.TorchMinor, x.Python, x.Dialect = 12, 8, 2, 11, "cp312", "pyg"
		})},
		{"gsplat-1.5.3+pt20cu118-cp310-cp310-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.TorchMajor, x.TorchMinor, x.Python, x.Dialect = 11, 8, 2, 0, "cp310", "pyg"
		})},
		{"torch_sparse-0.6.18+pt23cpu-cp39-cp39-linux_x86_64.whl", n(func(x *Needs) {
			x.CPU, x.TorchMajor, x.TorchMinor, x.Python, x.Dialect = true, 2, 3, "cp39", "pyg"
		})},
		// torch's own labels
		{"torch-2.8.0+cu128-cp312-cp312-manylinux_2_28_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.Python, x.Dialect = 12, 8, "cp312", "pytorch"
		})},
		{"torch-2.5.1+cu124-cp310-cp310-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.Python, x.Dialect = 12, 4, "cp310", "pytorch"
		})},
		{"torch-2.8.0+cpu-cp312-cp312-manylinux_2_28_x86_64.whl", n(func(x *Needs) {
			x.CPU, x.Python, x.Dialect = true, "cp312", "pytorch"
		})},
		{"torch-2.1.0+cpu.cxx11.abi-cp310-cp310-linux_x86_64.whl", n(func(x *Needs) {
			x.CPU, x.CXX11ABI, x.Python, x.Dialect = true, ABITrue, "cp310", "pytorch"
		})},
		{"torch-2.9.1+rocm6.4-cp312-cp312-manylinux_2_28_x86_64.whl", n(func(x *Needs) {
			x.ROCm, x.Python, x.Dialect = "rocm6.4", "cp312", "pytorch"
		})},
		// community labels
		{"sageattention-2.2.0+cu130torch2.10.0sm80.86.89.90-cp312-cp312-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.TorchMajor, x.TorchMinor, x.TorchPatch, x.Python, x.Dialect = 13, 0, 2, 10, 0, "cp312", "pytorch-archs"
			x.GPUArchs = []string{"sm80", "sm86", "sm89", "sm90"}
		})},
		{"cumesh-0.0.1+torch2.11.0.cu130-cp312-cp312-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.TorchMajor, x.TorchMinor, x.TorchPatch, x.Python, x.Dialect = 13, 0, 2, 11, 0, "cp312", "torch-dot"
		})},
		{"nvdiffrast-0.4.0+torch2.11.0.cu130-cp312-cp312-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.TorchMajor, x.TorchMinor, x.TorchPatch, x.Python, x.Dialect = 13, 0, 2, 11, 0, "cp312", "torch-dot"
		})},
		{"natten-0.21.6+torch2110cu130-cp312-cp312-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.TorchMajor, x.TorchMinor, x.TorchPatch, x.Python, x.Dialect = 13, 0, 2, 11, 0, "cp312", "natten"
		})},
		{"natten-0.17.5+torch250cu124-cp310-cp310-linux_x86_64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.TorchMajor, x.TorchMinor, x.TorchPatch, x.Python, x.Dialect = 12, 4, 2, 5, 0, "cp310", "natten"
		})},
		{"sageattention-2.2.0+cu130.torch2.11-cp312-cp312-win_amd64.whl", n(func(x *Needs) {
			x.CUDAMajor, x.CUDAMinor, x.TorchMajor, x.TorchMinor, x.Python, x.Dialect = 13, 0, 2, 11, "cp312", "cuda-dot"
		})},
		{"xformers-0.0.34+3da0fc92.d20260528-cp39-abi3-linux_x86_64.whl", n(func(x *Needs) {
			x.Python, x.StableABI, x.Dialect, x.Extra = "cp39", true, "git-hash", "3da0fc92.d20260528"
		})},
		// no label at all
		{"flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl", n(func(x *Needs) { x.Python = "cp310" })},
		{"bitsandbytes-0.45.5-py3-none-manylinux_2_24_x86_64.whl", n(func(x *Needs) {})},
	}
	for _, tt := range tests {
		w, err := wheeltags.ParseWheelFilename(tt.file)
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		if diff := cmp.Diff(tt.want, FromWheel(w)); diff != "" {
			t.Errorf("FromWheel(%s) (-want +got):\n%s", tt.file, diff)
		}
	}
}

func TestFromLocalRejects(t *testing.T) {
	for _, l := range []string{"", "local", "cu1torch2.8", "cu12torch2", "pt9cu126", "post1", "cu12torch2.8cxx11abimaybe"} {
		got, ok := FromLocal(l)
		if ok {
			t.Errorf("FromLocal(%q) = %+v, true; want false", l, got)
		}
		if got.CUDAMajor != 0 || got.TorchMajor != 0 || got.CUDAMinor != -1 || got.TorchPatch != -1 {
			t.Errorf("FromLocal(%q) states facts on failure: %+v", l, got)
		}
	}
}

// TestRealWheelFilenames parses every line of real-wheel-filenames.txt and
// checks that every local label is recognized and that each dialect is seen.
func TestRealWheelFilenames(t *testing.T) {
	f, err := os.Open(shared.Dir(t, "domain", "real-wheel-filenames.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dialects := map[string]int{}
	lines := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		lines++
		w, err := wheeltags.ParseWheelFilename(line)
		if err != nil {
			t.Errorf("ParseWheelFilename: %v", err)
			continue
		}
		need := FromWheel(w)
		if local := w.Version.Local(); local != "" {
			if _, ok := FromLocal(local); !ok {
				t.Errorf("%s: label %q not recognized", line, local)
			}
			if need.Dialect != "git-hash" && !need.HasCUDA() && !need.CPU && need.ROCm == "" {
				t.Errorf("%s: label %q states no backend: %+v", line, local, need)
			}
		}
		dialects[need.Dialect]++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"flash-attn", "mjun0812", "fa3-git", "pyg", "pytorch", "pytorch-archs", "torch-dot", "cuda-dot", "git-hash"} {
		if dialects[d] == 0 {
			t.Errorf("no filename of dialect %q", d)
		}
	}
	t.Logf("%d filenames; dialects %v", lines, dialects)
}
