// Package cudalabel says what a prebuilt CUDA wheel needs (CUDA major and
// minor, torch major.minor and sometimes patch, the C++ ABI of torch, GPU
// architectures, ROCm) from the places that state it: the local version
// label of the wheel's filename, the folder ("cell") of a Hugging Face Hub
// wheel listing, and a `kernels` build variant.
//
// There is no standard for these labels; each wheel publisher has its own
// dialect. The dialects recognized, by the Needs.Dialect name they report:
//
//	flash-attn     cu12torch2.8cxx11abiTRUE, cu118torch2.1cxx11abiFALSE,
//	               rocm62torch2.5cxx11abiTRUE (Dao-AILab, state-spaces/mamba,
//	               causal-conv1d; CUDA major only since flash-attn 2.7)
//	mjun0812       cu128torch2.9 (CUDA major+minor, no ABI; also
//	               PozzettiAndrea/cuda-wheels and community pytorch3d)
//	fa3-git        cu124torch2.5gite2743ab (mjun0812's FA3 builds)
//	pytorch-archs  cu130torch2.10.0sm80.86.89.90 (GPU architectures listed)
//	torch-dot      torch2.11.0.cu130 (torch first, dot-separated)
//	cuda-dot       cu130.torch2.11
//	pyg            pt28cu126, pt211cu128, pt23cpu (PyG, gsplat)
//	pytorch        cu128, cpu, cpu.cxx11.abi, rocm6.4, xpu (download.pytorch.org)
//	git-hash       3da0fc92.d20260528 (a source build; states no CUDA)
//	hub-cell       pt28-cu128-cp312, pt291-cu128 (FromHubPath; a cell of a
//	               torch-minor tolerant dataset also runs on the previous
//	               torch minor: TolerantCell)
//	kernels        torch28-cxx11-cu128-x86_64-linux, torch-universal (FromKernelVariant)
//
// Labels are matched case-insensitively and with '-' and '_' read as '.', so
// a label normalized by PEP 440 ("cu12torch2.8cxx11abitrue") reads the same as
// the one in the filename. A compact torch version ("pt291", "torch212")
// reads its first digit as the major version; of the rest, a leading "1"
// starts a two-digit minor (2.10 to 2.19), any other digit is a one-digit
// minor followed by an optional patch: pt28 is 2.8, pt291 is 2.9.1, pt210 is
// 2.10, pt113 is 1.13.
package cudalabel

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ABI is the C++ ABI torch was built with (_GLIBCXX_USE_CXX11_ABI).
type ABI int

const (
	ABIUnknown ABI = iota // the label does not say
	ABITrue               // the C++11 ABI (cxx11abiTRUE, cxx11); PyPI torch 2.7 and later
	ABIFalse              // the pre-C++11 ABI (cxx11abiFALSE, cxx98); PyPI torch 2.6 and earlier
)

// String returns "cxx11", "pre-cxx11" or "unknown".
func (a ABI) String() string {
	switch a {
	case ABITrue:
		return "cxx11"
	case ABIFalse:
		return "pre-cxx11"
	}
	return "unknown"
}

// Needs is what a prebuilt wheel needs of the environment it runs in.
type Needs struct {
	CUDAMajor, CUDAMinor   int // CUDAMinor -1 when not stated; CUDAMajor 0 when no CUDA is stated (cpu, ROCm or unknown)
	TorchMajor, TorchMinor int // 0, 0 when not stated
	TorchPatch             int // -1 unless stated ("torch2.11.0.cu130")
	CXX11ABI               ABI
	GPUArchs               []string // ["sm80", "sm86"] when the label lists them; nil otherwise
	CPU                    bool     // a CPU-only build (+cpu)
	ROCm                   string   // "rocm6.4" when stated
	Python                 string   // interpreter tag "cp312" when a Hub cell or the wheel's tags state one
	StableABI              bool     // every tag of the wheel has the abi3 ABI (FromWheel)
	Dialect                string   // which naming scheme matched (see the package documentation)
	Extra                  string   // leftovers such as a git hash "gite2743ab" or a build date
	// RunsOnTorch is the older torch major.minor that a wheel of a
	// torch-minor tolerant Hub cell also runs on ({2, 11} for a pt212 cell
	// on the torch 2.11 runtime); {0, 0} unless TolerantCell set it.
	RunsOnTorch [2]int
}

// none returns Needs with the "not stated" sentinels set.
func none() Needs {
	return Needs{CUDAMinor: -1, TorchPatch: -1}
}

// HasCUDA reports whether the label states a CUDA version.
func (n Needs) HasCUDA() bool { return n.CUDAMajor > 0 }

// HasTorch reports whether the label states a torch version.
func (n Needs) HasTorch() bool { return n.TorchMajor > 0 }

// CUDA returns the CUDA version as stated: "12", "12.8", or "".
func (n Needs) CUDA() string {
	switch {
	case n.CUDAMajor == 0:
		return ""
	case n.CUDAMinor < 0:
		return strconv.Itoa(n.CUDAMajor)
	}
	return fmt.Sprintf("%d.%d", n.CUDAMajor, n.CUDAMinor)
}

// Torch returns the torch version as stated: "2.8", "2.11.0", or "".
func (n Needs) Torch() string {
	switch {
	case n.TorchMajor == 0:
		return ""
	case n.TorchPatch < 0:
		return fmt.Sprintf("%d.%d", n.TorchMajor, n.TorchMinor)
	}
	return fmt.Sprintf("%d.%d.%d", n.TorchMajor, n.TorchMinor, n.TorchPatch)
}

// String summarizes the needs for people: "CUDA 12, torch 2.8, C++11 ABI",
// "CPU only, torch 2.8", "no CUDA, torch or ABI stated". The Python tag is
// left out: the wheel's tags say it.
func (n Needs) String() string {
	var parts []string
	switch {
	case n.CUDAMajor > 0:
		parts = append(parts, "CUDA "+n.CUDA())
	case n.ROCm != "":
		parts = append(parts, "ROCm "+strings.TrimPrefix(n.ROCm, "rocm"))
	case n.CPU:
		parts = append(parts, "CPU only")
	}
	if n.TorchMajor > 0 {
		t := "torch " + n.Torch()
		if n.RunsOnTorch != [2]int{} {
			t += fmt.Sprintf(" (dataset cell %s; the dataset is torch-minor tolerant: runs on torch %d.%d)", n.cellTorch(), n.RunsOnTorch[0], n.RunsOnTorch[1])
		}
		parts = append(parts, t)
	}
	switch n.CXX11ABI {
	case ABITrue:
		parts = append(parts, "C++11 ABI")
	case ABIFalse:
		parts = append(parts, "pre-C++11 ABI")
	}
	if len(n.GPUArchs) > 0 {
		parts = append(parts, "GPU "+strings.Join(n.GPUArchs, ","))
	}
	if len(parts) == 0 {
		return "no CUDA, torch or ABI stated"
	}
	return strings.Join(parts, ", ")
}

// Fits reports whether a wheel with these needs runs with torch
// torchMajor.torchMinor built for CUDA cudaMajor with the given C++ ABI on
// GPU architecture gpuArch ("sm120"; "" to skip the check), and if not, every
// reason why. Facts the label does not state are not held against it; a
// target ABI of ABIUnknown is not checked. The needs of a torch-minor
// tolerant cell (RunsOnTorch, see TolerantCell) also fit the older torch
// they run on.
func (n Needs) Fits(torchMajor, torchMinor, cudaMajor int, abi ABI, gpuArch string) (ok bool, reasons []string) {
	if n.HasTorch() && (n.TorchMajor != torchMajor || n.TorchMinor != torchMinor) && n.RunsOnTorch != [2]int{torchMajor, torchMinor} {
		reasons = append(reasons, fmt.Sprintf("built for torch %d.%d, target has torch %d.%d", n.TorchMajor, n.TorchMinor, torchMajor, torchMinor))
	}
	switch {
	case n.CPU && !n.HasCUDA():
		reasons = append(reasons, "a CPU-only build, target has CUDA")
	case n.ROCm != "":
		reasons = append(reasons, fmt.Sprintf("built for %s, target has CUDA", n.ROCm))
	case n.HasCUDA() && n.CUDAMajor != cudaMajor:
		reasons = append(reasons, fmt.Sprintf("built for CUDA %s, target has CUDA %d", n.CUDA(), cudaMajor))
	}
	if n.CXX11ABI != ABIUnknown && abi != ABIUnknown && n.CXX11ABI != abi {
		reasons = append(reasons, fmt.Sprintf("built with the %s C++ ABI, target torch uses the %s ABI", n.CXX11ABI, abi))
	}
	if gpuArch != "" && len(n.GPUArchs) > 0 && !slices.Contains(n.GPUArchs, normArch(gpuArch)) {
		reasons = append(reasons, fmt.Sprintf("built for GPU %s, target GPU is %s", strings.Join(n.GPUArchs, ","), normArch(gpuArch)))
	}
	return len(reasons) == 0, reasons
}

// normArch writes a GPU architecture as "sm120" ("sm_120", "120", "SM120").
func normArch(s string) string {
	s = strings.ToLower(strings.ReplaceAll(s, "_", ""))
	if !strings.HasPrefix(s, "sm") {
		s = "sm" + s
	}
	return s
}

// Or fills the facts n does not state from m: a wheel's own label first,
// then the Hub cell it was listed under. Dialect and Extra stay n's unless
// n has none.
func (n Needs) Or(m Needs) Needs {
	if n.CUDAMajor == 0 && !n.CPU && n.ROCm == "" {
		n.CUDAMajor, n.CUDAMinor, n.CPU, n.ROCm = m.CUDAMajor, m.CUDAMinor, m.CPU, m.ROCm
	}
	if n.TorchMajor == 0 {
		n.TorchMajor, n.TorchMinor, n.TorchPatch, n.RunsOnTorch = m.TorchMajor, m.TorchMinor, m.TorchPatch, m.RunsOnTorch
	}
	if n.CXX11ABI == ABIUnknown {
		n.CXX11ABI = m.CXX11ABI
	}
	if n.GPUArchs == nil {
		n.GPUArchs = m.GPUArchs
	}
	if n.Python == "" {
		n.Python = m.Python
	}
	if n.Dialect == "" {
		n.Dialect, n.Extra = m.Dialect, m.Extra
	}
	return n
}
