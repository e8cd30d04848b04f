package cudalabel

import (
	"fmt"
	"github.com/zgpu/zgpu/internal/lazyre"
	"strconv"
	"strings"
)

// reHubCell matches a folder of a Hub wheel listing: pt<torch>-cu<cuda>[-cp<py>]
// ("pt28-cu128-cp312", "pt291-cu128", "pt212-cu130-cp310"), also -cpu.
var reHubCell = lazyre.New(`^pt(\d{2,4})-(?:cu(\d{2,3})|(cpu))(?:-(cp\d{2,3}t?))?$`)

// FromHubPath reads the needs stated by the cell folder of a Hugging Face Hub
// wheel path, "wheels/pt28-cu128-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl"
// or a whole resolve URL; the folder nearest the file wins. The cell states
// torch (compact, see the package documentation), CUDA and, when present,
// the Python tag. ok is false when no folder of the path is a cell.
func FromHubPath(path string) (Needs, bool) {
	segs := strings.Split(strings.ToLower(path), "/")
	for i := len(segs) - 1; i >= 0; i-- {
		n, ok := FromHubCell(segs[i])
		if ok {
			return n, true
		}
	}
	return none(), false
}

// FromHubCell reads one cell name, "pt291-cu128" or "pt28-cu128-cp312".
func FromHubCell(cell string) (Needs, bool) {
	n := none()
	m := reHubCell().FindStringSubmatch(strings.ToLower(cell))
	if m == nil {
		return n, false
	}
	maj, mnr, patch, ok := compactTorch(m[1])
	if !ok {
		return n, false
	}
	n.TorchMajor, n.TorchMinor, n.TorchPatch = maj, mnr, patch
	n.setBackend(m[2], m[3] != "", "")
	n.Python = m[4]
	n.Dialect = "hub-cell"
	return n, true
}

// TolerantCell returns the needs of a wheel listed under a cell of a Hub
// dataset whose cells are torch-minor tolerant, on a target with torch
// major.minor: own are the needs the wheel's filename states (FromWheel),
// cell those of the cell it is listed under (FromHubCell, FromHubPath).
//
// The ZeroGPU Blackwell dataset's guidance states the tolerance so: a pt212
// cell runs on the torch-2.11 runtime; with an older pinned torch, use the
// matching cell (torch 2.8: a pt28 cell). So a cell built for torch minor
// N+1 also runs on torch N (the newer cell on the older runtime), never the
// other way (a pt28 cell does not run on torch 2.9) and never further (a
// pt212 cell does not run on torch 2.10). A wheel whose own label names a
// torch is held to it. When the tolerance applies, tolerant is true and
// n.RunsOnTorch is {major, minor}, which Fits accepts and String states;
// otherwise n is own.Or(cell).
func TolerantCell(own, cell Needs, major, minor int) (n Needs, tolerant bool) {
	n = own.Or(cell)
	if own.HasTorch() || cell.Dialect != "hub-cell" || !cell.HasTorch() {
		return n, false
	}
	if cell.TorchMajor != major || cell.TorchMinor != minor+1 {
		return n, false
	}
	n.RunsOnTorch = [2]int{major, minor}
	return n, true
}

// cellTorch writes the torch of n as a Hub cell does: "pt212", "pt291".
func (n Needs) cellTorch() string {
	s := fmt.Sprintf("pt%d%d", n.TorchMajor, n.TorchMinor)
	if n.TorchPatch >= 0 {
		s += strconv.Itoa(n.TorchPatch)
	}
	return s
}

// Variant is a `kernels` build variant: the folder under build/ of a kernel
// repository on the Hub that holds one build.
type Variant struct {
	Name    string // the variant as given, "torch28-cxx11-cu128-x86_64-linux"
	Needs   Needs  // torch, CUDA or ROCm, C++ ABI; Dialect "kernels"
	Backend string // "cuda", "rocm", "xpu", "cpu", "metal", "npu", or "" for torch-universal
	Arch    string // "x86_64", "aarch64"; "" for a noarch variant
	OS      string // "linux", "darwin", "windows"; "" for a noarch variant
	Noarch  bool   // torch-universal, torch-cuda, ...: pure Python, any torch
}

var (
	// torch28-cxx11-cu128-x86_64-linux, torch26-cxx98-cu118-x86_64-linux,
	// torch212-metal-aarch64-darwin, torch28-cpu-aarch64-darwin,
	// torch28-cxx11-rocm63-x86_64-linux, torch28-cxx11-xpu20251-x86_64-linux
	reKernelVariant = lazyre.New(`^torch(\d{2,4})-(?:(cxx11|cxx98)-)?(?:cu(\d{2,3})|rocm(\d+)|(xpu\d*)|(cpu)|(metal)|(npu))-([a-z0-9_]+)-(linux|darwin|windows)$`)
	// torch-universal, torch-cuda
	reKernelNoarch = lazyre.New(`^torch-(universal|cuda|rocm|xpu|cpu|metal|npu)$`)
)

// FromKernelVariant reads a kernels build variant name, or the variant
// folder of a path ("build/torch28-cxx11-cu128-x86_64-linux/..."). The torch
// version is compact (see the package documentation); cxx11 is ABITrue, cxx98
// ABIFalse, and a variant without an ABI part leaves it unknown.
func FromKernelVariant(s string) (Variant, bool) {
	if strings.Contains(s, "/") {
		segs := strings.Split(s, "/")
		for i := len(segs) - 1; i >= 0; i-- {
			if v, ok := FromKernelVariant(segs[i]); ok {
				return v, true
			}
		}
		return Variant{Name: s, Needs: none()}, false
	}
	v := Variant{Name: s, Needs: none()}
	l := strings.ToLower(s)
	if m := reKernelNoarch().FindStringSubmatch(l); m != nil {
		v.Noarch = true
		if m[1] != "universal" {
			v.Backend = m[1]
		}
		v.Needs.Dialect = "kernels"
		return v, true
	}
	m := reKernelVariant().FindStringSubmatch(l)
	if m == nil {
		return v, false
	}
	maj, mnr, patch, ok := compactTorch(m[1])
	if !ok {
		return v, false
	}
	n := &v.Needs
	n.TorchMajor, n.TorchMinor, n.TorchPatch = maj, mnr, patch
	switch m[2] {
	case "cxx11":
		n.CXX11ABI = ABITrue
	case "cxx98":
		n.CXX11ABI = ABIFalse
	}
	switch {
	case m[3] != "":
		v.Backend = "cuda"
		n.CUDAMajor, n.CUDAMinor = cudaDigits(m[3])
	case m[4] != "":
		v.Backend = "rocm"
		n.ROCm = "rocm" + dotted(m[4])
	case m[5] != "":
		v.Backend = "xpu"
		n.Extra = m[5]
	case m[6] != "":
		v.Backend = "cpu"
		n.CPU = true
	case m[7] != "":
		v.Backend = "metal"
	default:
		v.Backend = "npu"
	}
	v.Arch, v.OS = m[9], m[10]
	n.Dialect = "kernels"
	return v, true
}
