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

// BuiltinRules are the platform facts no wheel label states
// (domain-facts.md §1.2-1.3), in the order Build applies them:
//
//   - FlashAttention 3 (flash-attn-3) runs on Hopper (sm90) only;
//   - CUDA can compile for sm100 and sm120 (Blackwell) only from 12.8 on,
//     so a wheel built with an older CUDA has no kernels for them; official
//     flash-attn wheels before 2.8.0.post2 were built with CUDA 12.4 or
//     older (their "cu12" label does not say).
var BuiltinRules = []Rule{blackwellKernels}

// fa2Blackwell is the first official flash-attn release built with CUDA
// 12.8 or newer (12.9), so the first with sm100 and sm120 kernels.
var fa2Blackwell = pep440.MustParse("2.8.0.post2")

// blackwellKernels is the GPU-architecture rule of BuiltinRules.
func blackwellKernels(w wheeltags.Wheel, n cudalabel.Needs, t Target) []Mismatch {
	arch := ArchNumber(t.GPUArch)
	var r string
	switch {
	case arch == 0:
	case w.Name == "flash-attn-3" && arch != 90:
		r = fmt.Sprintf("FlashAttention 3 runs on Hopper (sm90) only, target GPU is sm%d", arch)
	case arch >= 100 && len(n.GPUArchs) == 0 && n.CUDAMinor >= 0 &&
		(n.CUDAMajor < 12 || n.CUDAMajor == 12 && n.CUDAMinor < 8) && n.CUDAMajor > 0:
		r = fmt.Sprintf("built with CUDA %s, which cannot compile for sm%d (CUDA 12.8 or newer can)", n.CUDA(), arch)
	case arch >= 100 && w.Name == "flash-attn" && n.Dialect == "flash-attn" && n.CUDAMajor == 12 && n.CUDAMinor < 0 &&
		w.Version.Compare(fa2Blackwell) < 0:
		r = fmt.Sprintf("official flash-attn wheels before 2.8.0.post2 were built with CUDA 12.4 or older: no sm%d kernels", arch)
	}
	if r == "" {
		return nil
	}
	return []Mismatch{{Kind: KindBuild, Reason: r}}
}

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
