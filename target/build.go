package target

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/wheeltags"
)

// Build is the torch, CUDA, C++ ABI and GPU decision: the reasons a wheel w
// with needs n does not run with the target's torch on its GPU. Facts the
// label does not state are not held against the wheel; with no torch set
// the wheel's own torch is assumed, with no CUDA its own CUDA. After the
// label's facts (cudalabel.Needs.Fits) come BuiltinRules, then t.Rules.
func (t Target) Build(w wheeltags.Wheel, n cudalabel.Needs) []Mismatch {
	out := t.Label(n)
	for _, rule := range BuiltinRules {
		out = append(out, rule(w, n, t)...)
	}
	return append(out, t.Extra(w, n)...)
}

// Extra applies only t.Rules, the rules added to the target (a catalog's),
// for callers that check BuiltinRules' facts in their own words.
func (t Target) Extra(w wheeltags.Wheel, n cudalabel.Needs) []Mismatch {
	var out []Mismatch
	for _, rule := range t.Rules {
		out = append(out, rule(w, n, t)...)
	}
	return out
}

// Label is the part of Build that reads only the facts a wheel's label and
// Hub cell state (cudalabel.Needs.Fits), without the rules.
func (t Target) Label(n cudalabel.Needs) []Mismatch {
	tm, tn := t.Torch[0], t.Torch[1]
	if tm == 0 {
		tm, tn = n.TorchMajor, n.TorchMinor
	}
	cuda := t.CUDA[0]
	if cuda == 0 {
		cuda = n.CUDAMajor
	}
	if n.HasTorch() && t.Torch[0] != 0 && t.ExtensionRunsOn != nil &&
		t.ExtensionRunsOn([2]int{n.TorchMajor, n.TorchMinor}, t.Torch) {
		// Built for another torch minor of the same extension ABI.
		tm, tn = n.TorchMajor, n.TorchMinor
	}
	_, reasons := n.Fits(tm, tn, cuda, t.TorchABI(), t.GPUArch)
	var out []Mismatch
	for _, r := range reasons {
		out = append(out, Mismatch{Kind: KindBuild, Reason: r})
	}
	return out
}

// Reasons returns the reasons of ms, in order.
func Reasons(ms []Mismatch) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Reason)
	}
	return out
}

// BuiltinRules are the platform facts no wheel label states, in the order
// Build applies them; the facts themselves are the catalog's, read into the
// Target by For:
//
//   - FlashAttention 3 (flash-attn-3) runs on Hopper (sm90) only;
//   - a CUDA build compiled with a CUDA older than KernelCUDA (the
//     catalog's gpu_kernels row: 12.8 for sm120) has no kernels for the GPU;
//   - a package's releases before its MinVersions entry (the catalog's
//     min_version_for_gpu: official flash-attn wheels before 2.8.0.post2,
//     whose "cu12" label does not say they were built with CUDA 12.4) have
//     no kernels for the GPU, unless the label states the CUDA it was built
//     with (then the rule above judges it).
var BuiltinRules = []Rule{hopperOnly, kernelsCUDA, minVersionForGPU}

// MinVersion is the first release of a package with kernels for the GPU.
type MinVersion struct {
	Version pep440.Version
	Why     string
}

// hopperOnly: FlashAttention 3 runs on Hopper (sm90) only.
func hopperOnly(w wheeltags.Wheel, n cudalabel.Needs, t Target) []Mismatch {
	if arch := ArchNumber(t.GPUArch); arch != 0 && w.Name == "flash-attn-3" && arch != 90 {
		return build(fmt.Sprintf("FlashAttention 3 runs on Hopper (sm90) only, target GPU is sm%d", arch))
	}
	return nil
}

// kernelsCUDA: a build that states its CUDA major and minor, and no GPU
// architectures, has kernels for the GPU only from t.KernelCUDA on.
func kernelsCUDA(w wheeltags.Wheel, n cudalabel.Needs, t Target) []Mismatch {
	if t.KernelCUDA[0] == 0 || len(n.GPUArchs) > 0 || n.CUDAMajor == 0 || n.CUDAMinor < 0 || t.CUDAHasKernels([2]int{n.CUDAMajor, n.CUDAMinor}) {
		return nil
	}
	return build(fmt.Sprintf("built with CUDA %s, which cannot compile for sm%d (CUDA %d.%d or newer can)", n.CUDA(), ArchNumber(t.GPUArch), t.KernelCUDA[0], t.KernelCUDA[1]))
}

// CUDAHasKernels reports whether a build compiled with CUDA cuda has kernels
// for the target's GPU (true when the catalog does not say).
func (t Target) CUDAHasKernels(cuda [2]int) bool {
	k := t.KernelCUDA
	return k[0] == 0 || cuda[0] > k[0] || cuda[0] == k[0] && cuda[1] >= k[1]
}

// minVersionForGPU: releases of a package before t.MinVersions' have no
// kernels for the GPU, when the label does not state the CUDA minor (a Hub
// cell always does).
func minVersionForGPU(w wheeltags.Wheel, n cudalabel.Needs, t Target) []Mismatch {
	m, ok := t.MinVersions[w.Name]
	if !ok || n.Dialect == "hub-cell" || n.CUDAMajor > 0 && n.CUDAMinor >= 0 || w.Version.Public().Compare(m.Version) >= 0 {
		return nil
	}
	return build(fmt.Sprintf("%s %s has no %s kernels (%s)", w.Name, w.Version.Public(), t.GPUArch, m.Why))
}

func build(reason string) []Mismatch { return []Mismatch{{Kind: KindBuild, Reason: reason}} }

// ArchNumber reads "sm120", "sm_120", "120" as 120; 0 when empty or
// unreadable.
func ArchNumber(s string) int {
	s = strings.TrimPrefix(strings.ReplaceAll(strings.ToLower(s), "_", ""), "sm")
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

func sortStrings(s []string) { sort.Strings(s) }
