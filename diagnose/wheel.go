package diagnose

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/pep440"
	ztarget "github.com/zgpu/zgpu/target"
	"github.com/zgpu/zgpu/wheeltags"
)

// WheelAnalysis explains the prebuilt wheel a CUDA extension's setup.py looked
// for, why there is none, and which real wheel fits instead.
type WheelAnalysis struct {
	Package string `json:"package"`
	Version string `json:"version,omitempty"`
	// URL is the wheel URL setup.py asked for; "" when it cannot be rebuilt.
	URL string `json:"url,omitempty"`
	// FromLog is true when setup.py printed URL ("Guessing wheel URL:"),
	// false when it was rebuilt from the versions in the log.
	FromLog bool `json:"from_log"`
	// Needs summarizes what the guessed wheel would need.
	Needs string `json:"needs,omitempty"`
	// Reasons say why no wheel of that name exists.
	Reasons []string `json:"reasons,omitempty"`
	// Known is true when the catalog snapshot lists a wheel of that very
	// name: then the download failed for another reason, or (for a rebuilt
	// URL) setup.py saw other versions than the log shows.
	Known bool `json:"known,omitempty"`
	// Target is the environment a replacement must fit.
	Target WheelTarget `json:"target"`
	// Suggested is a known wheel that fits Target; nil when the catalog has none.
	Suggested *Suggestion `json:"suggested,omitempty"`

	assumed []string // facts the analysis assumed (reported as Finding.Assumed)
	// fit are the versions with a known wheel that fits Target, ascending.
	fit []pep440.Version
	// noWheel is true when Version has no wheel that fits Target: a
	// resolve that keeps a pin of it finds none.
	noWheel bool
	target  target
}

// WheelTarget is the environment a replacement wheel must fit: the log's
// Python and torch, or the nearest allowed torch when the log's is not
// allowed on ZeroGPU.
type WheelTarget struct {
	Python   string `json:"python"`    // "3.10"
	Torch    string `json:"torch"`     // "2.8.0"
	CUDA     int    `json:"cuda"`      // CUDA major of that torch's PyPI build
	CXX11ABI string `json:"cxx11_abi"` // "cxx11" or "pre-cxx11"
	Note     string `json:"note,omitempty"`
}

// Suggestion is a real wheel from the catalog snapshot.
type Suggestion struct {
	Filename string `json:"filename"`
	URL      string `json:"url"`
	Why      string `json:"why"`
}

// target is the environment a wheel must fit.
type target struct {
	python     string // "3.10"
	torch      pep440.Version
	cudaMajor  int
	abi        cudalabel.ABI
	note       string // why this target (an allowed torch replaced the log's)
	torchKnown bool
}

// of returns the target as the one target type: the GPU architecture is not
// checked (the catalog's minimum versions for the GPU are).
func (t target) of(c *catalog.Catalog) ztarget.Target {
	tg := ztarget.For(c, t.python)
	tg.GPUArch = ""
	tm, tn := t.torch.MajorMinor()
	tg.Torch, tg.CUDA, tg.ABI = [2]int{tm, tn}, [2]int{t.cudaMajor, 0}, t.abi
	return tg
}

func (t target) String() string {
	tm, tn := t.torch.MajorMinor()
	return fmt.Sprintf("Python %s, torch %d.%d, CUDA %d, %s ABI", t.python, tm, tn, t.cudaMajor, t.abi)
}

// torchFacts returns the CUDA major, minor and C++ ABI of a torch release as
// the catalog's family matrix states them; the ABI falls back to PyPI's rule
// (C++11 ABI from torch 2.7) and CUDA to 12.
func torchFacts(c *catalog.Catalog, v pep440.Version) (major, minor int, abi cudalabel.ABI) {
	abi, cuda := ztarget.TorchBuild(c, v)
	if abi == cudalabel.ABIUnknown {
		maj, mn := v.MajorMinor()
		abi = ztarget.PyPIABI([2]int{maj, mn})
	}
	if cuda[0] > 0 {
		return cuda[0], cuda[1], abi
	}
	return 12, 8, abi
}

// defaultAllowed returns the torch to pin when nothing points at one: the
// preinstalled torch when it is allowed, else the newest allowed one ("" for
// an empty allow-list).
func defaultAllowed(c *catalog.Catalog) string {
	if v, err := pep440.Parse(c.Torch.Preinstalled); err == nil && c.TorchAllowed(v) {
		return v.String()
	}
	if allowed := c.AllowedTorch(); len(allowed) > 0 {
		return allowed[0].String()
	}
	return ""
}

// nearestAllowed returns the lowest allowed torch at or above v, else the
// highest allowed one.
func nearestAllowed(c *catalog.Catalog, v pep440.Version) pep440.Version {
	allowed := c.AllowedTorch() // highest first
	if len(allowed) == 0 {
		return v
	}
	best := allowed[0]
	for _, a := range allowed {
		if a.Compare(v.Public()) >= 0 {
			best = a
		}
	}
	return best
}

// analyzeWheel builds the wheel analysis of a CUDA extension package.
func analyzeWheel(pkg string, s *scan, c *catalog.Catalog) *WheelAnalysis {
	a := &WheelAnalysis{Package: pkg, Version: s.packages[pkg]}
	var assumed []string
	// The environment setup.py saw.
	torch, _ := pep440.Parse(s.torch)
	if torch.IsZero() {
		if v, mm, ok := torchOfGuess(s.guessed[pkg], c); ok {
			torch = v
			assumed = append(assumed, fmt.Sprintf("torch %s (the torch %s in the wheel name setup.py printed; the log shows no torch version)", v, mm))
		} else {
			torch, _ = pep440.Parse(c.Torch.Preinstalled)
			assumed = append(assumed, fmt.Sprintf("torch %s (the platform's preinstalled torch; the log shows no torch version)", c.Torch.Preinstalled))
		}
	}
	python := s.python
	if python == "" {
		python = c.Python.Default
		assumed = append(assumed, fmt.Sprintf("Python %s (the platform default; the log shows no Python version)", python))
	}
	cmaj, cmin, abi := torchFacts(c, torch)

	if u, ok := s.guessed[pkg]; ok {
		a.URL, a.FromLog = u, true
	} else if _, ok := schemes[pkg]; ok && a.Version != "" {
		v, _ := pep440.Parse(a.Version)
		u, err := SetupPyWheelURL(pkg, v, BuildEnv{Torch: torch, CUDAMajor: cmaj, CUDAMinor: cmin, CXX11ABI: abi == cudalabel.ABITrue, Python: python})
		if err == nil {
			a.URL = u
		}
	}
	if a.URL != "" {
		if w, err := wheeltags.ParseWheelFilename(wheelBase(a.URL)); err == nil {
			if a.Version == "" {
				a.Version = w.Version.Public().String()
			}
			n := cudalabel.FromWheel(w)
			a.Needs = n.String()
			a.Reasons, a.Known = whyMissing(w, n, torch, cmaj, s.torch != "", c)
		}
	}

	// The environment a replacement must fit: an allowed torch.
	t := target{python: python, torch: torch, torchKnown: s.torch != ""}
	if !c.TorchAllowed(torch) {
		t.torch = nearestAllowed(c, torch)
		t.note = fmt.Sprintf("torch %s is not allowed on ZeroGPU; the nearest allowed is %s", torch, t.torch)
	}
	t.cudaMajor, _, t.abi = torchFacts(c, t.torch)
	a.Target = WheelTarget{Python: t.python, Torch: t.torch.String(), CUDA: t.cudaMajor, CXX11ABI: t.abi.String(), Note: t.note}
	cands := fittingWheels(pkg, t, c)
	if len(cands) > 0 {
		a.Suggested = cands[0].suggestion()
	}
	a.assumed = assumed
	a.target = t
	for _, f := range cands {
		if !slices.ContainsFunc(a.fit, f.v.Equal) {
			a.fit = append(a.fit, f.v)
		}
	}
	slices.SortFunc(a.fit, pep440.Compare)
	if v, err := pep440.Parse(a.Version); err == nil {
		a.noWheel = versionWithoutWheel(pkg, v, t, a.fit, c)
	}
	return a
}

// versionWithoutWheel reports whether release v of pkg is known to have no
// prebuilt wheel that fits t (fit are the versions that have one): it is
// below the catalog's minimum for the ZeroGPU GPU, or (flash-attn) its
// release build matrix has no wheel for t, or the snapshot knows wheels of v
// and none fits. A version the catalog knows nothing about is not held
// against it.
func versionWithoutWheel(pkg string, v pep440.Version, t target, fit []pep440.Version, c *catalog.Catalog) bool {
	v = v.Public()
	if slices.ContainsFunc(fit, v.Equal) {
		return false
	}
	if minV := minVersionForGPU(pkg, c); !minV.IsZero() && v.Less(minV) {
		return true
	}
	if pkg == "flash-attn" {
		if r, _, exact, ok := releaseOf(v); ok && exact {
			return !r.builds(t)
		}
	}
	for _, sw := range c.SnapshotFor(pkg) {
		if w, err := wheeltags.ParseWheelFilename(sw.Filename); err == nil && w.Version.Public().Equal(v) {
			return true
		}
	}
	return false
}

// torchOfGuess returns the torch release a wheel URL setup.py printed was
// named after: its torch X.Y (mm, "2.8") as the allowed release of that minor
// ("2.8.0"), else X.Y.0. ok is false when the URL names no torch.
func torchOfGuess(u string, c *catalog.Catalog) (v pep440.Version, mm string, ok bool) {
	if u == "" {
		return v, "", false
	}
	w, err := wheeltags.ParseWheelFilename(wheelBase(u))
	if err != nil {
		return v, "", false
	}
	n := cudalabel.FromWheel(w)
	if !n.HasTorch() {
		return v, "", false
	}
	mm = fmt.Sprintf("%d.%d", n.TorchMajor, n.TorchMinor)
	for _, a := range c.AllowedTorch() {
		if maj, mn := a.MajorMinor(); maj == n.TorchMajor && mn == n.TorchMinor {
			return a, mm, true
		}
	}
	v, err = pep440.Parse(mm + ".0")
	return v, mm, err == nil
}

// whyMissing says why the release has no wheel named like w, or that the
// catalog knows one (known).
func whyMissing(w wheeltags.Wheel, n cudalabel.Needs, torch pep440.Version, torchCUDA int, torchKnown bool, c *catalog.Catalog) (reasons []string, known bool) {
	for _, sw := range c.SnapshotFor(w.Name) {
		if sw.Filename == w.Filename {
			return []string{"the catalog knows a wheel of this name: " + sw.URL}, true
		}
	}
	py := ""
	plat := ""
	if len(w.Tags) > 0 {
		py, plat = w.Tags[0].Interpreter, w.Tags[0].Platform
	}
	ver := w.Version.Public()
	if plat != "" && plat != "linux_x86_64" {
		reasons = append(reasons, fmt.Sprintf("it asks for platform %s; ZeroGPU is linux_x86_64 and few releases ship %s wheels", plat, plat))
	}
	// A CUDA-13 torch asking for a cu12 (or cu122/cu123) name.
	if torchKnown && torchCUDA >= 13 && n.HasCUDA() && n.CUDAMajor < 13 {
		reasons = append(reasons, fmt.Sprintf("torch %s is a CUDA %d build, but this setup.py bins every CUDA but 11 to 12 and asks for a cu%s name (flash-attention fixed this in PR #2618): a wheel of that name would be a CUDA 12 build, the wrong one", torch, torchCUDA, strings.ReplaceAll(n.CUDA(), ".", "")))
	}
	if w.Name == "flash-attn" {
		if r, tag, exact, ok := releaseOf(ver); ok {
			which := "v" + tag
			if !exact {
				which = fmt.Sprintf("v%s (the nearest documented release below v%s)", tag, ver)
			}
			tseg := n.Torch()
			cseg := strings.ReplaceAll(n.CUDA(), ".", "")
			inExtra := slices.Contains(r.extra, fmt.Sprintf("cu%storch%s %s", cseg, tseg, py))
			if tseg != "" && !slices.Contains(r.torch, tseg) && !inExtra {
				reasons = append(reasons, fmt.Sprintf("torch %s is not in the build matrix of flash-attn %s: its wheels are for torch %s", tseg, which, strings.Join(r.torch, ", ")))
			}
			if cseg != "" && !slices.Contains(r.cuda, cseg) && !inExtra {
				reasons = append(reasons, fmt.Sprintf("flash-attn %s names its CUDA builds %s; there is no cu%s", which, "cu"+strings.Join(r.cuda, ", cu"), cseg))
			}
			if minor, ok := cpMinor(py); ok {
				if minor < r.pyMin || minor > r.pyMax {
					reasons = append(reasons, fmt.Sprintf("flash-attn %s has wheels for Python 3.%d to 3.%d, not %s", which, r.pyMin, r.pyMax, py))
				} else if minor >= 13 && n.TorchMajor == 2 && n.TorchMinor <= 4 {
					reasons = append(reasons, "the release matrices exclude Python 3.13 for torch 2.4 and older")
				}
			}
		}
	}
	if r := siblings(w, n, c); r != "" {
		reasons = append(reasons, r)
	}
	if len(reasons) == 0 {
		known := 0
		for _, sw := range c.SnapshotFor(w.Name) {
			if sw2, err := wheeltags.ParseWheelFilename(sw.Filename); err == nil && sw2.Version.Public().Equal(ver) {
				known++
			}
		}
		reasons = append(reasons, fmt.Sprintf("release v%s has no such asset (the catalog snapshot knows %d wheels of that release, none with this name)", ver, known))
	}
	return reasons, false
}

// siblings lists the known wheels of the same release built for the same
// torch and CUDA as w, each as "cp311 cxx11abiTRUE linux_x86_64": the Python,
// C++ ABI or platform w asks for is the one missing.
func siblings(w wheeltags.Wheel, n cudalabel.Needs, c *catalog.Catalog) string {
	var have []string
	for _, sw := range c.SnapshotFor(w.Name) {
		o, err := wheeltags.ParseWheelFilename(sw.Filename)
		if err != nil || !o.Version.Public().Equal(w.Version.Public()) || len(o.Tags) == 0 || o.Filename == w.Filename {
			continue
		}
		on := cudalabel.FromWheel(o)
		if on.Dialect != n.Dialect || on.Torch() != n.Torch() || on.CUDA() != n.CUDA() {
			continue
		}
		d := fmt.Sprintf("%s cxx11abi%s %s", o.Tags[0].Interpreter, ifElse(on.CXX11ABI == cudalabel.ABITrue, "TRUE", "FALSE"), o.Tags[0].Platform)
		if !slices.Contains(have, d) {
			have = append(have, d)
		}
	}
	if len(have) == 0 {
		return ""
	}
	slices.Sort(have)
	return fmt.Sprintf("for torch %s and CUDA %s the catalog knows only these builds of v%s: %s", n.Torch(), n.CUDA(), w.Version.Public(), strings.Join(have, ", "))
}

// cpMinor returns 10 for "cp310".
func cpMinor(tag string) (int, bool) {
	if !strings.HasPrefix(tag, "cp3") || !digits(tag[3:]) {
		return 0, false
	}
	n := 0
	for _, r := range tag[3:] {
		n = n*10 + int(r-'0')
	}
	return n, true
}

// fitting is a known wheel that fits a target.
type fitting struct {
	sw   catalog.SnapshotWheel
	v    pep440.Version
	rank int // 0 the Blackwell wheels dataset, 1 the package's GitHub releases, 2 other hosts
	why  string
}

func (f fitting) suggestion() *Suggestion {
	return &Suggestion{Filename: f.sw.Filename, URL: f.sw.URL, Why: f.why}
}

// fittingWheels returns the known wheels of pkg that fit t, best first: the
// Blackwell wheels dataset first (built for sm_120), then the package's own
// GitHub releases, then other hosts; newer versions first; only versions at
// or above the catalog's minimum for the ZeroGPU GPU when it states one.
func fittingWheels(pkg string, t target, c *catalog.Catalog) []fitting {
	tg := t.of(c)
	minV := minVersionForGPU(pkg, c)
	var cands []fitting
	for _, sw := range c.SnapshotFor(pkg) {
		w, err := wheeltags.ParseWheelFilename(sw.Filename)
		if err != nil {
			continue
		}
		if _, bad := tg.FitsTags(w); bad != nil && tg.Python != [2]int{} {
			continue
		}
		n := cudalabel.FromWheel(w)
		rank := 2
		why := ""
		if hn, ok := cudalabel.FromHubPath(sw.URL); ok {
			n = n.Or(hn)
			if strings.Contains(sw.URL, c.Blackwell.Repo) && c.Blackwell.Repo != "" {
				rank = 0
				why = "ZeroGPU Blackwell wheels dataset, built for sm_120, cell " + path.Base(path.Dir(sw.URL))
			}
		}
		if !n.HasTorch() || !n.HasCUDA() && rank != 0 {
			continue
		}
		if len(tg.Label(n)) > 0 {
			continue
		}
		if rank != 0 {
			if !minV.IsZero() && w.Version.Public().Less(minV) {
				continue
			}
			if sw.Kind == "github" {
				rank = 1
				why = "GitHub release asset of " + sw.Location
			} else {
				why = "hosted at " + sw.Location
			}
		}
		cands = append(cands, fitting{sw: sw, v: w.Version.Public(), rank: rank, why: why})
	}
	slices.SortStableFunc(cands, func(a, b fitting) int {
		if a.rank != b.rank {
			return cmp.Compare(a.rank, b.rank)
		}
		return b.v.Compare(a.v)
	})
	return cands
}

// suggestWheel picks the known wheel of pkg that fits t best (see
// fittingWheels); nil when the catalog knows none.
func suggestWheel(pkg string, t target, c *catalog.Catalog) *Suggestion {
	cands := fittingWheels(pkg, t, c)
	if len(cands) == 0 {
		return nil
	}
	return cands[0].suggestion()
}

// minVersionForGPU returns the catalog's lowest version of pkg with kernels
// for the ZeroGPU GPU; zero when it states none.
func minVersionForGPU(pkg string, c *catalog.Catalog) pep440.Version {
	var v pep440.Version
	if p, ok := c.Package(pkg); ok && p.MinVersionForGPU != "" {
		v, _ = pep440.Parse(p.MinVersionForGPU)
	}
	return v
}
