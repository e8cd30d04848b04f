package cudalabel

import (
	"github.com/zgpu/zgpu/internal/lazyre"
	"strconv"
	"strings"

	"github.com/zgpu/zgpu/wheeltags"
)

// The local-label dialects, matched against the label lower-cased with '-'
// and '_' replaced by '.'.
var (
	// cu12torch2.8cxx11abitrue, rocm62torch2.5cxx11abifalse
	reFlashAttn = lazyre.New(`^(?:cu(\d{2,3})|rocm(\d+(?:\.\d+)*)|hip(\d+(?:\.\d+)*))torch(\d+)\.(\d+)(?:\.(\d+))?cxx11abi(true|false)$`)
	// cu128torch2.9, cu124torch2.5gite2743ab, cu130torch2.10.0sm80.86.89.90
	reCUDATorch = lazyre.New(`^cu(\d{2,3})torch(\d+)\.(\d+)(?:\.(\d+))?(?:\.?sm(\d+[a-z]?(?:\.\d+[a-z]?)*))?(?:\.?(git[0-9a-f]{4,40}))?$`)
	// torch2.11.0.cu130
	reTorchDot = lazyre.New(`^torch(\d+)\.(\d+)(?:\.(\d+))?\.(?:cu(\d{2,3})|(cpu)|rocm(\d+(?:\.\d+)*))$`)
	// cu130.torch2.11
	reCUDADot = lazyre.New(`^cu(\d{2,3})\.torch(\d+)\.(\d+)(?:\.(\d+))?$`)
	// pt28cu126, pt211cu128, pt23cpu; natten's torch2110cu130, torch250cu124
	rePyG = lazyre.New(`^(pt|torch)(\d{2,4})(?:cu(\d{2,3})|(cpu))$`)
	// cu128, cpu, cpu.cxx11.abi, rocm6.4, xpu
	rePyTorch = lazyre.New(`^(?:cu(\d{2,3})|(cpu)(\.cxx11\.abi)?|rocm(\d+(?:\.\d+)*)|(xpu))$`)
	// 3da0fc92.d20260528, g1234abc
	reGitHash = lazyre.New(`^g?[0-9a-f]{7,40}(?:\.d\d{8})?$`)
)

// normLabel lower-cases a local label and reads '-' and '_' as '.', as PEP
// 440 normalization does.
func normLabel(s string) string {
	s = strings.ToLower(strings.TrimPrefix(s, "+"))
	return strings.NewReplacer("-", ".", "_", ".").Replace(s)
}

// FromLocal reads the needs stated by a local version label, the part of a
// version after '+' ("cu12torch2.8cxx11abiTRUE"; a leading '+' is allowed).
// ok is false when no dialect matches; the returned Needs then has
// Extra set to the label and states nothing else.
func FromLocal(local string) (n Needs, ok bool) {
	l := normLabel(local)
	n = none()
	if l == "" {
		return n, false
	}
	if m := reFlashAttn().FindStringSubmatch(l); m != nil {
		n.Dialect = "flash-attn"
		switch {
		case m[1] != "":
			n.CUDAMajor, n.CUDAMinor = cudaDigits(m[1])
		case m[2] != "":
			n.ROCm = "rocm" + dotted(m[2])
		default:
			n.ROCm = "hip" + dotted(m[3])
		}
		n.setTorch(m[4], m[5], m[6])
		n.CXX11ABI = ABIFalse
		if m[7] == "true" {
			n.CXX11ABI = ABITrue
		}
		return n, true
	}
	if m := reCUDATorch().FindStringSubmatch(l); m != nil {
		n.CUDAMajor, n.CUDAMinor = cudaDigits(m[1])
		n.setTorch(m[2], m[3], m[4])
		n.Dialect = "mjun0812"
		if m[5] != "" {
			n.Dialect = "pytorch-archs"
			for a := range strings.SplitSeq(m[5], ".") {
				n.GPUArchs = append(n.GPUArchs, "sm"+a)
			}
		}
		if m[6] != "" {
			if n.Dialect == "mjun0812" {
				n.Dialect = "fa3-git"
			}
			n.Extra = m[6]
		}
		return n, true
	}
	if m := reTorchDot().FindStringSubmatch(l); m != nil {
		n.Dialect = "torch-dot"
		n.setTorch(m[1], m[2], m[3])
		n.setBackend(m[4], m[5] != "", m[6])
		return n, true
	}
	if m := reCUDADot().FindStringSubmatch(l); m != nil {
		n.Dialect = "cuda-dot"
		n.CUDAMajor, n.CUDAMinor = cudaDigits(m[1])
		n.setTorch(m[2], m[3], m[4])
		return n, true
	}
	if m := rePyG().FindStringSubmatch(l); m != nil {
		if maj, mnr, patch, good := compactTorch(m[2]); good {
			n.Dialect = "pyg"
			if m[1] == "torch" {
				n.Dialect = "natten"
			}
			n.TorchMajor, n.TorchMinor, n.TorchPatch = maj, mnr, patch
			n.setBackend(m[3], m[4] != "", "")
			return n, true
		}
	}
	if m := rePyTorch().FindStringSubmatch(l); m != nil {
		n.Dialect = "pytorch"
		n.setBackend(m[1], m[2] != "", m[4])
		if m[3] != "" {
			n.CXX11ABI = ABITrue
		}
		if m[5] != "" {
			n.Extra = "xpu"
		}
		return n, true
	}
	if reGitHash().MatchString(l) {
		n.Dialect = "git-hash"
		n.Extra = l
		return n, true
	}
	n.Extra = local
	return n, false
}

// setTorch sets the torch version from decimal strings; patch may be "".
func (n *Needs) setTorch(major, minor, patch string) {
	n.TorchMajor, _ = strconv.Atoi(major)
	n.TorchMinor, _ = strconv.Atoi(minor)
	n.TorchPatch = -1
	if patch != "" {
		n.TorchPatch, _ = strconv.Atoi(patch)
	}
}

// setBackend records a CUDA digit string, a CPU build or a ROCm version.
func (n *Needs) setBackend(cuda string, cpu bool, rocm string) {
	switch {
	case cuda != "":
		n.CUDAMajor, n.CUDAMinor = cudaDigits(cuda)
	case cpu:
		n.CPU = true
	case rocm != "":
		n.ROCm = "rocm" + dotted(rocm)
	}
}

// cudaDigits reads the digits after "cu": "12" is CUDA 12 with no minor,
// "118" is 11.8, "130" is 13.0, "92" is 9.2.
func cudaDigits(d string) (major, minor int) {
	if len(d) == 2 && d[0] == '1' {
		major, _ = strconv.Atoi(d)
		return major, -1
	}
	major, _ = strconv.Atoi(d[:len(d)-1])
	return major, int(d[len(d)-1] - '0')
}

// dotted writes a ROCm version without dots ("62", "631") with them
// ("6.2", "6.3.1"); a version that has dots is kept.
func dotted(v string) string {
	if strings.Contains(v, ".") || len(v) < 2 {
		return v
	}
	return strings.Join(strings.Split(v, ""), ".")
}

// compactTorch reads a torch version written without dots ("28", "291",
// "210", "2101", "113"); see the package documentation for the rule.
func compactTorch(d string) (major, minor, patch int, ok bool) {
	if len(d) < 2 || len(d) > 4 {
		return 0, 0, -1, false
	}
	major = int(d[0] - '0')
	r := d[1:]
	patch = -1
	switch {
	case r[0] == '1' && len(r) >= 2:
		minor, _ = strconv.Atoi(r[:2])
		if len(r) == 3 {
			patch = int(r[2] - '0')
		}
	case len(r) <= 2:
		minor = int(r[0] - '0')
		if len(r) == 2 {
			patch = int(r[1] - '0')
		}
	default:
		return 0, 0, -1, false
	}
	if major == 0 {
		return 0, 0, -1, false
	}
	return major, minor, patch, true
}

// FromWheel reads the needs of a parsed wheel: its local version label, and
// the Python facts of its tags (Python is set when every tag names the same
// cp interpreter; StableABI when every tag has the abi3 ABI).
func FromWheel(w wheeltags.Wheel) Needs {
	n, _ := FromLocal(w.Version.Local())
	if len(w.Tags) == 0 {
		return n
	}
	interp := w.Tags[0].Interpreter
	sameInterp, allABI3 := true, true
	for _, t := range w.Tags {
		if t.Interpreter != interp {
			sameInterp = false
		}
		if t.ABI != "abi3" {
			allABI3 = false
		}
	}
	if sameInterp && strings.HasPrefix(interp, "cp") {
		n.Python = interp
	}
	n.StableABI = allABI3
	return n
}
