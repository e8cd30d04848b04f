package hub

import (
	"fmt"
	"sort"
	"strings"

	"github.com/zgpu/zgpu/cudalabel"
)

// Variant classes, in order of preference (domain-facts.md §4.2, as the
// kernels library's variants.py orders them).
const (
	classStableABI  = iota // torch-stable-abi*: built against torch's stable ABI
	classTagless           // torch28-cu128-x86_64-linux: no C++ ABI tag
	classTagged            // torch28-cxx11-cu128-x86_64-linux
	classNoarchCUDA        // torch-cuda: pure Python, needs CUDA
	classUniversal         // torch-universal: pure Python, any backend
)

// targetArch and targetOS are the platform SelectVariant selects for: the
// ZeroGPU runtime.
const (
	targetArch = "x86_64"
	targetOS   = "linux"
)

// SelectVariant picks the build variant of a `kernels` repository that the
// kernels library would load on x86_64 Linux with torch torch[0].torch[1],
// built with the C++ ABI abi (ABIUnknown: not checked), on CUDA
// cuda[0].cuda[1]. It follows kernels' rules: the torch major.minor must
// equal the variant's; a variant's ABI tag, when it has one, must equal the
// target's; the CUDA major must be equal and the variant's minor at most the
// target's. Among the variants that fit, a stable-ABI build comes first,
// then a build without an ABI tag, then one with; within a class the higher
// CUDA minor wins; then the noarch torch-cuda, and torch-universal last.
//
// best is "" when nothing fits. rejected maps every other variant to why it
// does not fit, or, for a variant that fits but lost, to what beat it.
//
// Stable-ABI variants ("torch-stable-abi...") are recognised by prefix
// only: their torch requirement is not checked, their CUDA and platform
// segments are when present. This is looser than kernels, whose naming of
// them was not read at the source.
func SelectVariant(variants []string, torch [2]int, abi cudalabel.ABI, cuda [2]int) (best string, rejected map[string]string) {
	type cand struct {
		name      string
		class     int
		cudaMinor int
	}
	rejected = map[string]string{}
	var fits []cand
	for _, name := range variants {
		if strings.HasPrefix(name, "torch-stable-abi") {
			if why := stableABIMismatch(name, cuda); why != "" {
				rejected[name] = why
				continue
			}
			_, minor := cudaSegment(name)
			fits = append(fits, cand{name, classStableABI, minor})
			continue
		}
		v, ok := cudalabel.FromKernelVariant(name)
		if !ok {
			rejected[name] = "not a kernels build variant name"
			continue
		}
		if why := variantMismatch(v, torch, abi, cuda); why != "" {
			rejected[name] = why
			continue
		}
		c := cand{name: name, cudaMinor: v.Needs.CUDAMinor}
		switch {
		case v.Noarch && v.Backend == "":
			c.class = classUniversal
		case v.Noarch:
			c.class = classNoarchCUDA
		case v.Needs.CXX11ABI == cudalabel.ABIUnknown:
			c.class = classTagless
		default:
			c.class = classTagged
		}
		fits = append(fits, c)
	}
	if len(fits) == 0 {
		return "", rejected
	}
	sort.SliceStable(fits, func(i, j int) bool {
		a, b := fits[i], fits[j]
		if a.class != b.class {
			return a.class < b.class
		}
		if a.cudaMinor != b.cudaMinor {
			return a.cudaMinor > b.cudaMinor
		}
		return a.name < b.name
	})
	best = fits[0].name
	for _, c := range fits[1:] {
		rejected[c.name] = "fits, but " + best + " is preferred"
	}
	return best, rejected
}

// variantMismatch says why v does not load on the target, or "".
func variantMismatch(v cudalabel.Variant, torch [2]int, abi cudalabel.ABI, cuda [2]int) string {
	if v.Noarch {
		switch v.Backend {
		case "", "cuda":
			return ""
		}
		return fmt.Sprintf("a noarch %s variant, target has CUDA", v.Backend)
	}
	if v.OS != targetOS || v.Arch != targetArch {
		return fmt.Sprintf("built for %s-%s, target is %s-%s", v.Arch, v.OS, targetArch, targetOS)
	}
	if v.Backend != "cuda" {
		what := v.Backend
		if v.Needs.ROCm != "" {
			what = v.Needs.ROCm
		}
		return fmt.Sprintf("built for %s, target has CUDA", what)
	}
	n := v.Needs
	if n.TorchMajor != torch[0] || n.TorchMinor != torch[1] {
		return fmt.Sprintf("built for torch %d.%d, target has torch %d.%d", n.TorchMajor, n.TorchMinor, torch[0], torch[1])
	}
	if n.CXX11ABI != cudalabel.ABIUnknown && abi != cudalabel.ABIUnknown && n.CXX11ABI != abi {
		return fmt.Sprintf("built with the %s C++ ABI, target torch uses the %s ABI", n.CXX11ABI, abi)
	}
	return cudaMismatch(n.CUDAMajor, n.CUDAMinor, cuda)
}

// cudaMismatch applies kernels' CUDA rule: same major, variant minor at most
// the target's.
func cudaMismatch(major, minor int, cuda [2]int) string {
	if major != cuda[0] {
		return fmt.Sprintf("built for CUDA %d, target has CUDA %d", major, cuda[0])
	}
	if minor > cuda[1] {
		return fmt.Sprintf("built for CUDA %d.%d, newer than the target's CUDA %d.%d", major, minor, cuda[0], cuda[1])
	}
	return ""
}

// stableABIMismatch checks the CUDA and platform segments of a stable-ABI
// variant name, when it has them.
func stableABIMismatch(name string, cuda [2]int) string {
	if major, minor := cudaSegment(name); major > 0 {
		if why := cudaMismatch(major, minor, cuda); why != "" {
			return why
		}
	}
	for _, other := range []string{"aarch64", "darwin", "windows", "rocm", "metal", "xpu"} {
		if strings.Contains(name, "-"+other) {
			return fmt.Sprintf("built for %s, target is CUDA on %s-%s", other, targetArch, targetOS)
		}
	}
	return ""
}

// cudaSegment finds a "-cuXYZ-" segment: cu128 is CUDA 12.8, cu130 13.0.
func cudaSegment(name string) (major, minor int) {
	for _, seg := range strings.Split(name, "-") {
		d, ok := strings.CutPrefix(seg, "cu")
		if !ok || len(d) < 3 || len(d) > 4 || strings.Trim(d, "0123456789") != "" {
			continue
		}
		fmt.Sscanf(d[:len(d)-1], "%d", &major)
		fmt.Sscanf(d[len(d)-1:], "%d", &minor)
		return major, minor
	}
	return 0, -1
}
