// Package target is the machine a ZeroGPU requirements file is for, and the
// one place that decides whether a prebuilt wheel fits it.
//
// A Target holds the Python (major.minor and the full version the platform
// runs), the marker environment of that interpreter, the platform tags
// (Linux x86_64 with the Space image's glibc), and, once torch is chosen,
// the torch major.minor with the CUDA and C++ ABI of its PyPI build and the
// GPU architecture. Fits judges a wheel against all of it and returns every
// mismatch, never only the first.
//
// The torch, CUDA, C++ ABI and GPU decision is one function, Build: the
// wheel label's facts (Label, which asks ExtensionRunsOn, the catalog's
// extension ABI rule, whether another torch minor loads the wheel), then the
// platform facts that no label states, as Rules (the built-in ones are in
// BuiltinRules; a catalog rule is one more Rule in Target.Rules).
//
// Python choice: Python picks the interpreter from --python, the README's
// python_version and the platform default; it is the only place that does.
package target

import (
	"fmt"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/wheeltags"
)

// Target is the machine a wheel must fit. A zero Torch means "any torch":
// the torch-build checks then use the wheel's own torch.
type Target struct {
	Python     [2]int           // {3, 12}; required
	PythonFull string           // "3.12.12"; "" when only major.minor is known
	Platform   wheeltags.Target // platform and glibc; its Python is replaced by Python
	Torch      [2]int           // {2, 8}; {0, 0}: any torch
	// CUDA is the CUDA version of the target's torch build, {12, 8}; {0, 0}:
	// any CUDA. A minor of -1 means unknown. Only the major decides whether a
	// wheel fits (the label of a wheel names the CUDA it was compiled with,
	// and any torch of the same CUDA major runs it); the minor ranks.
	CUDA    [2]int
	ABI     cudalabel.ABI // ABIUnknown: follows Torch (see TorchABI), or unchecked
	GPUArch string        // "sm120"; "": not checked
	// TorchMinorTolerant names the Hub repositories whose cells are
	// torch-minor tolerant ("datasets/multimodalart/zerogpu-blackwell-wheels",
	// as the ZeroGPU catalog records it): a wheel listed there under a cell
	// built for the next torch minor also fits Torch (cudalabel.TolerantCell).
	TorchMinorTolerant []string
	// ExtensionRunsOn, when set, says whether a CUDA extension built for
	// torch built (major, minor) loads on torch target of another minor
	// (the ZeroGPU catalog's extension ABI rule, catalog.ExtensionRunsOn:
	// wheels for 2.10-2.12 load on 2.11/2.12, nothing else on 2.13). Unset,
	// a wheel that states a torch fits that torch minor only.
	ExtensionRunsOn func(built, target [2]int) bool
	// KernelCUDA is the lowest CUDA whose builds have kernels for GPUArch
	// ({12, 8} for sm120: the catalog's gpu_kernels); {0, 0}: not checked.
	KernelCUDA [2]int
	// MinVersions are, by PEP 503 name, the first releases of packages with
	// kernels for GPUArch (the catalog's min_version_for_gpu).
	MinVersions map[string]MinVersion
	// Rules are further platform facts a wheel must satisfy, called by Build
	// after BuiltinRules (a catalog rule such as an ABI break of a torch
	// release plugs in here).
	Rules []Rule
}

// Kind names what a Mismatch is about.
type Kind string

// The kinds of mismatch.
const (
	KindTags  Kind = "tags"  // Python tag, ABI tag or platform tag
	KindBuild Kind = "build" // torch, CUDA, C++ ABI or GPU architecture
)

// Mismatch is one reason a wheel does not fit a target.
type Mismatch struct {
	Kind   Kind
	Reason string
}

// Rule is one platform fact about wheels: the mismatches of a wheel w with
// needs n on target t, or none.
type Rule func(w wheeltags.Wheel, n cudalabel.Needs, t Target) []Mismatch

// For returns the ZeroGPU target of the catalog for the full interpreter
// version python ("3.12.12"; "3.12" also reads), torch not chosen yet.
func For(c *catalog.Catalog, python string) Target {
	t := Target{
		Python: MajorMinor(python), PythonFull: python,
		Platform: wheeltags.Target{Glibc: c.Platform.GlibcVersion(), Arch: c.Platform.Arch},
		GPUArch:  c.Platform.GPUArch,
	}
	t.Platform.Python = t.Python
	t.ExtensionRunsOn = c.ExtensionRunsOn
	if c.Blackwell.Repo != "" && c.Blackwell.TorchMinorTolerant {
		t.TorchMinorTolerant = []string{c.Blackwell.Repo}
	}
	t.KernelCUDA, _ = c.KernelsMinCUDA(t.GPUArch)
	for _, p := range c.Packages {
		if v, err := pep440.Parse(p.MinVersionForGPU); err == nil && p.MinVersionForGPU != "" {
			if t.MinVersions == nil {
				t.MinVersions = map[string]MinVersion{}
			}
			t.MinVersions[pep508.NormalizeName(p.Name)] = MinVersion{Version: v, Why: p.MinVersionReason}
		}
	}
	return t
}

// WithTorch returns t with torch v and the CUDA and C++ ABI of v's PyPI
// build (TorchBuild); what the catalog does not know stays unset.
func (t Target) WithTorch(c *catalog.Catalog, v pep440.Version) Target {
	maj, min := v.MajorMinor()
	t.Torch = [2]int{maj, min}
	t.ABI, t.CUDA = TorchBuild(c, v)
	return t
}

// TorchBuild returns the C++ ABI and CUDA version of the PyPI build of torch
// v, from the catalog's family matrix: ABIUnknown and {0, 0} when the matrix
// does not know the release.
func TorchBuild(c *catalog.Catalog, v pep440.Version) (cudalabel.ABI, [2]int) {
	row, ok := c.FamilyOf(v)
	if !ok {
		return cudalabel.ABIUnknown, [2]int{}
	}
	maj, min := row.CUDA()
	return row.ABI(), [2]int{maj, min}
}

// NewestOfMinor returns the torch release of major.minor mm whose build
// facts stand for the minor: the newest row of the catalog's family matrix,
// an allowed release before one the platform does not allow.
func NewestOfMinor(c *catalog.Catalog, mm [2]int) (pep440.Version, bool) {
	var best pep440.Version
	found := false
	for _, r := range c.Family {
		v, err := pep440.Parse(r.Torch)
		if err != nil {
			continue
		}
		if maj, mnr := v.MajorMinor(); maj != mm[0] || mnr != mm[1] {
			continue
		}
		if !found || c.TorchAllowed(v) {
			best, found = v, true
		}
	}
	return best, found
}

// PyPIABI returns the C++ ABI of PyPI's torch major.minor builds: the
// C++11 ABI from torch 2.7 on, the old one before.
func PyPIABI(torch [2]int) cudalabel.ABI {
	if torch[0] > 2 || torch[0] == 2 && torch[1] >= 7 {
		return cudalabel.ABITrue
	}
	return cudalabel.ABIFalse
}

// Python chooses the target interpreter: override (--python), else readme
// (the README's python_version), else the catalog's default. It returns the
// full version, the value asked for ("" when the default applies), and
// whether the platform runs it (full is "" when not).
func Python(c *catalog.Catalog, override, readme string) (full, asked string, ok bool) {
	asked = override
	if asked == "" {
		asked = readme
	}
	if asked == "" {
		full, _ = c.PythonFull(c.Python.Default)
		return full, "", true
	}
	full, ok = c.PythonFull(asked)
	return full, asked, ok
}

// MajorMinor returns {3, 12} for "3.12.12" or "3.12".
func MajorMinor(full string) [2]int {
	var v [2]int
	fmt.Sscanf(full, "%d.%d", &v[0], &v[1])
	return v
}

// Env returns the marker environment of the target's interpreter on Linux
// x86_64 (pep508.LinuxEnv of PythonFull).
func (t Target) Env() map[string]string { return Env(t.PythonFull) }

// Env returns the marker environment of CPython python ("3.12.12") on the
// ZeroGPU platform; every marker evaluated for a target uses it.
func Env(python string) map[string]string { return pep508.LinuxEnv(python) }

// Tags returns the platform tags with the target's Python.
func (t Target) Tags() wheeltags.Target {
	p := t.Platform
	p.Python = t.Python
	return p
}

// TorchABI returns the C++ ABI the target torch uses: ABI when set, else
// PyPI's (PyPIABI) when a torch is set, else ABIUnknown (not checked).
func (t Target) TorchABI() cudalabel.ABI {
	if t.ABI != cudalabel.ABIUnknown || t.Torch[0] == 0 {
		return t.ABI
	}
	return PyPIABI(t.Torch)
}

// Fits reports whether wheel w, with the needs n its label and Hub cell
// state, installs (Tags) and runs (Build) on t, and every reason why not.
func (t Target) Fits(w wheeltags.Wheel, n cudalabel.Needs) (ok bool, why []Mismatch) {
	if _, m := t.FitsTags(w); m != nil {
		why = append(why, *m)
	}
	why = append(why, t.Build(w, n)...)
	return len(why) == 0, why
}

// FitsTags reports whether one of w's tags installs on the target's Python
// and platform: the rank of the best one (wheeltags.Target.Rank), or why
// none does.
func (t Target) FitsTags(w wheeltags.Wheel) (rank int, why *Mismatch) {
	tt := t.Tags()
	if rk, ok := tt.Rank(w.Tags); ok {
		return rk, nil
	}
	return 0, &Mismatch{Kind: KindTags, Reason: tt.Explain(w.Tags)}
}

// FitsPython reports whether one of w's tags accepts the target's
// interpreter, whatever the platform: cpXY itself, an abi3 tag of cpXY or
// older, or a py3/pyXY/py2.py3 tag. When none does, tags lists the
// interpreter tags w has ("cp310,cp311").
func (t Target) FitsPython(w wheeltags.Wheel) (ok bool, tags string) {
	py := t.Python
	want := fmt.Sprintf("cp%d%d", py[0], py[1])
	var seen []string
	for _, tag := range w.Tags {
		seen = append(seen, tag.Interpreter)
		switch {
		case tag.Interpreter == want:
			return true, ""
		case tag.ABI == "abi3" && strings.HasPrefix(tag.Interpreter, "cp") && CPMinor(tag.Interpreter) <= py[1]:
			return true, ""
		case tag.Interpreter == "py3" || tag.Interpreter == fmt.Sprintf("py%d%d", py[0], py[1]) || tag.Interpreter == "py2.py3":
			return true, ""
		}
	}
	sortStrings(seen)
	return false, strings.Join(seen, ",")
}

// CPMinor returns the minor version of a CPython tag ("cp312" is 12).
func CPMinor(tag string) int {
	var maj, min int
	if len(tag) >= 4 {
		fmt.Sscanf(tag[2:3], "%d", &maj)
		fmt.Sscanf(tag[3:], "%d", &min)
	}
	return min
}

// Tolerates reports whether a wheel at url, or listed by origin
// ("hf.co/REPO", "hf.co/REPO@REV ..."), comes from a Hub repository of
// t.TorchMinorTolerant.
func (t Target) Tolerates(url, origin string) bool {
	for _, repo := range t.TorchMinorTolerant {
		repo = strings.Trim(repo, "/")
		if repo == "" {
			continue
		}
		o := "hf.co/" + repo
		if strings.Contains(url, "/"+repo+"/resolve/") || origin == o || strings.HasPrefix(origin, o+" ") || strings.HasPrefix(origin, o+"@") {
			return true
		}
	}
	return false
}

// Needs returns what wheel w needs on t: the facts of its label, with those
// of the Hub cell cellPath is listed under ("wheels/pt212-cu130-cp312/...",
// catalog.HubPathOf of its URL; "" for none). In a repository whose cells
// are torch-minor tolerant (tolerates, see Tolerates), a cell built for the
// next torch minor runs on t.Torch (cudalabel.TolerantCell), and tolerant
// says so.
func (t Target) Needs(w wheeltags.Wheel, cellPath string, tolerates bool) (n cudalabel.Needs, tolerant bool) {
	own := cudalabel.FromWheel(w)
	cell, ok := cudalabel.FromHubPath(cellPath)
	switch {
	case !ok:
		return own, false
	case t.Torch != [2]int{} && tolerates:
		return cudalabel.TolerantCell(own, cell, t.Torch[0], t.Torch[1])
	}
	return own.Or(cell), false
}
