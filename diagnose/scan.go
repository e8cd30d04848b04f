package diagnose

import (
	"github.com/zgpu/zgpu/internal/lazyre"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/wheeltags"
)

// Facts are the versions a log reveals.
type Facts struct {
	// Python is the interpreter X.Y ("3.10"), from site-packages paths, the
	// base image or cpXY-cpXY wheel tags; "" when not seen.
	Python string `json:"python,omitempty"`
	// Torch is the torch version installed or requested ("2.8.0"), local
	// label dropped; "" when not seen.
	Torch string `json:"torch,omitempty"`
	// TorchPin is the first torch==X pin seen ("2.6.0"); "" when none.
	TorchPin string `json:"torch_pin,omitempty"`
	// Packages maps normalized project names to the last version seen being
	// collected, downloaded, built or installed.
	Packages map[string]string `json:"packages,omitempty"`
	// Wheels maps normalized project names to the last wheel filename seen
	// for them (from a URL or a download line).
	Wheels map[string]string `json:"wheels,omitempty"`
	// Guessed maps normalized project names to the first wheel URL their
	// setup.py printed after "Guessing wheel URL:".
	Guessed map[string]string `json:"guessed,omitempty"`
}

// fileReq is a requirement pip read from a requirements file, as its
// "Collecting NAME SPEC (from -r FILE (line N))" line shows it.
type fileReq struct {
	spec string // "==2.7.3", "<2.8,>=2.6"; "" when unpinned
	file string // base name: "requirements.txt"
}

// scan walks the cleaned lines once, keeping the state a line's meaning
// depends on: the phase (pip installing, or the app running) and the package
// pip is working on.
type scan struct {
	c     *catalog.Catalog
	lines []line
	hits  []hit
	phase phase
	pkg   string

	python, torch    string
	pyPrio, torchPri int
	torchPin         string
	packages         map[string]string
	reqs             map[string]fileReq // requirements read from files, by name (first seen)
	sdkGradio        string             // the gradio version the Space builder's own pip command pins (sdk_version)
	wheels           map[string]string
	guessed          map[string]string
	backtracking     []string
	seen             map[string]bool // archive arguments already read
}

func newScan(lines []line, c *catalog.Catalog) *scan {
	return &scan{
		c: c, lines: lines, packages: map[string]string{}, reqs: map[string]fileReq{}, wheels: map[string]string{},
		guessed: map[string]string{}, seen: map[string]bool{}, pyPrio: -1, torchPri: -1,
	}
}

func (s *scan) run() {
	for i, ln := range s.lines {
		s.observe(ln.text)
		s.match(i, ln)
	}
}

// match records the rules line ln matches.
func (s *scan) match(i int, ln line) {
	type key struct {
		kind Kind
		pkg  string
	}
	var done map[key]int // index in s.hits of this line's hit, made on the first
	for ri := range rules {
		r := &rules[ri]
		if r.phase == buildPhase && s.phase == runtimePhase || r.phase == runtimePhase && s.phase != runtimePhase {
			continue
		}
		if !containsAny(ln.text, r.any) || containsAny(ln.text, r.not) {
			continue
		}
		pkgs := []string{s.pkgFor(r.kind, ln.text)}
		if r.pkgOnly {
			pkgs = s.failedPackages(ln.text)
		}
		for _, p := range pkgs {
			if r.pkgOnly && !s.needsPrebuilt(p) {
				continue
			}
			k := key{r.kind, p}
			if j, ok := done[k]; ok {
				if r.level > s.hits[j].rule.level {
					s.hits[j].rule = r // one hit per line and kind, at its highest level
				}
				continue
			}
			if done == nil {
				done = map[key]int{}
			}
			done[k] = len(s.hits)
			s.hits = append(s.hits, hit{ln: ln, rule: r, pkg: p, index: i})
		}
	}
}

// pkgFor returns the package a hit of kind k on line text is about.
func (s *scan) pkgFor(k Kind, text string) string {
	switch k {
	case KindCUDABuild, KindBuildNoTorch, KindPkgResources:
		if m := reGuess().FindStringSubmatch(text); m != nil {
			if w, err := wheeltags.ParseWheelFilename(wheelBase(m[1])); err == nil {
				return w.Name
			}
		}
		return s.pkg
	case KindNoDistribution:
		if m := reNoDist().FindStringSubmatch(text); m != nil {
			return pep508.NormalizeName(m[1])
		}
	case KindUndefinedSymbol, KindABIBreak:
		if m := reSO().FindStringSubmatch(text); m != nil {
			return soPackage(m[1])
		}
	}
	return ""
}

// needsPrebuilt reports whether the catalog says pkg compiles CUDA code at
// install time.
func (s *scan) needsPrebuilt(pkg string) bool {
	p, ok := s.c.Package(pkg)
	return ok && p.NeedsPrebuiltWheel()
}

// failedPackages returns the packages a "Failed building wheel for X" or
// "Failed to build X Y" line names, or the current package.
func (s *scan) failedPackages(text string) []string {
	if m := reFailedBuild().FindStringSubmatch(text); m != nil {
		var out []string
		for _, f := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ' ' || r == ',' || r == '(' || r == ')' }) {
			if n := pep508.NormalizeName(f); validName(n) {
				out = append(out, n)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return []string{s.pkg}
}

var (
	reCollecting  = lazyre.New(`^Collecting ([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?(?:\s*(?:===|==)\s*([0-9][^\s,;()]*))?`)
	reFromFile    = lazyre.New(`^Collecting ([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?(.*?)\s*\(from -r (\S+) \(line \d+\)\)`)
	reWorkingOn   = lazyre.New(`^(?:Building wheel for|Running setup\.py (?:install|develop|clean) for|Created wheel for|(?:ERROR: )?Failed building wheel for|Building editable for) ([A-Za-z0-9][A-Za-z0-9._-]*)`)
	reFailedBuild = lazyre.New(`(?:Failed building wheel for|Failed to build(?: installable wheels for some pyproject\.toml based projects)?) \(?([A-Za-z0-9][A-Za-z0-9._, ()-]*)`)
	reGuess       = lazyre.New(`Guessing wheel URL:\s*(\S+)`)
	reNoDist      = lazyre.New(`(?:satisfies the requirement|No matching distribution found for) ([A-Za-z0-9][A-Za-z0-9._-]*)`)
	reSO          = lazyre.New(`(\S+\.so)(?:\.\d+)*: undefined symbol`)
	rePyPath      = lazyre.New(`python3\.(\d{1,2})/(?:site|dist)-packages`)
	rePyImage     = lazyre.New(`(?:library/python|python):3\.(\d{1,2})\b`)
	rePyTag       = lazyre.New(`-cp3(\d{1,2})-cp3(\d{1,2})-`)
	rePyVersion   = lazyre.New(`\bPython 3\.(\d{1,2})\.\d+`)
	reTorchPin    = lazyre.New(`(?:^|[\s"'\[,])torch\s*==\s*([0-9][0-9A-Za-z.+!]*)`)
	reSatisfied   = lazyre.New(`^Requirement already satisfied: ([A-Za-z0-9][A-Za-z0-9._-]*).*\(([0-9][^()\s]*)\)$`)
	reTorchDunder = lazyre.New(`torch\.__version__\s*=\s*([0-9][0-9A-Za-z.+]*)`)
	rePyCPython   = lazyre.New(`cpython-3(\d{1,2})\b`)
	reBacktrack   = lazyre.New(`looking at multiple versions of ([A-Za-z0-9][A-Za-z0-9._-]*)`)
	// The Gradio SDK's pin: the builder installs "gradio[oauth,mcp]==5.49.1"
	// (sdk_version) next to -r requirements.txt, and pip collects it as
	// "Collecting gradio==5.49.1 (from gradio[mcp,oauth]==5.49.1)".
	reSDKRun     = lazyre.New(`(?:^|[\s"'])gradio\[[^\]]*\]\s*==\s*([0-9][0-9A-Za-z.!+]*)`)
	reSDKCollect = lazyre.New(`^Collecting gradio==([0-9][^\s,;()]*) \(from gradio\[[^\]]*\]==`)
)

// runtime markers: the app has started.
var runtimeMarkers = []string{
	"===== Application Startup at", "Running on local URL", "Running on public URL",
	`File "/home/user/app/`, `File "/app/`, "Starting app",
}

// pip markers: pip is installing.
var pipMarkers = []string{
	"Collecting ", "Building wheel for", "Preparing metadata", "Getting requirements to build",
	"Installing build dependencies", "RUN pip", "RUN --mount", "Requirement already satisfied", "Running setup.py",
	"Using cached ",
}

// observe updates the scan state and facts from one line.
func (s *scan) observe(t string) {
	switch {
	case containsAny(t, runtimeMarkers):
		s.phase = runtimePhase
	case containsPrefixAny(t, pipMarkers):
		s.phase = buildPhase
	}
	if rest, ok := strings.CutPrefix(t, "Collecting "); ok && strings.Contains(firstField(rest), "://") {
		// "Collecting git+https://github.com/o/pytorch3d.git": the
		// project is #egg=NAME, else the repository's name.
		if n := urlProject(firstField(rest)); n != "" {
			s.pkg = n
		}
	} else if strings.HasPrefix(t, "Collecting ") {
		if m := reCollecting().FindStringSubmatch(t); m != nil {
			s.pkg = pep508.NormalizeName(m[1])
			if m[2] != "" {
				s.setVersion(s.pkg, m[2], 1)
			}
		}
		if m := reFromFile().FindStringSubmatch(t); m != nil {
			n := pep508.NormalizeName(m[1])
			if _, ok := s.reqs[n]; !ok && validName(n) && len(s.reqs) < 1000 {
				s.reqs[n] = fileReq{spec: spec(m[2]), file: path.Base(m[3])}
			}
		}
	} else if strings.Contains(t, " for ") {
		if m := reWorkingOn().FindStringSubmatch(t); m != nil {
			s.pkg = pep508.NormalizeName(m[1])
		}
	}
	s.observeSDK(t)
	if strings.Contains(t, "Guessing wheel URL:") {
		if m := reGuess().FindStringSubmatch(t); m != nil {
			if w, err := wheeltags.ParseWheelFilename(wheelBase(m[1])); err == nil {
				s.pkg = w.Name
				if _, ok := s.guessed[w.Name]; !ok {
					s.guessed[w.Name] = m[1]
				}
			}
		}
	}
	done := false
	for _, p := range []string{"Downloading ", "Using cached ", "Processing ", "Collecting ", "Obtaining "} {
		if rest, ok := strings.CutPrefix(t, p); ok {
			s.archive(firstField(rest))
			done = true
			break
		}
	}
	if strings.Contains(t, ".whl") && (!done || strings.Contains(t, " @ ") || strings.Contains(t, "@ http")) {
		for _, f := range strings.Fields(t) {
			if strings.Contains(f, ".whl") {
				s.archive(f)
			}
		}
	}
	if rest, ok := strings.CutPrefix(t, "Successfully installed "); ok {
		for _, f := range strings.Fields(rest) {
			if i := strings.LastIndexByte(f, '-'); i > 0 {
				s.setVersion(pep508.NormalizeName(f[:i]), f[i+1:], 4)
			}
		}
	}
	if strings.HasPrefix(t, "Requirement already satisfied: ") {
		if m := reSatisfied().FindStringSubmatch(t); m != nil {
			s.setVersion(pep508.NormalizeName(m[1]), m[2], 3)
		}
	}
	if s.torchPin == "" && strings.Contains(t, "torch") && strings.Contains(t, "==") {
		if m := reTorchPin().FindStringSubmatch(t); m != nil && !strings.Contains(t, " depends on ") && !strings.Contains(t, " requires ") {
			s.torchPin = m[1]
			s.setVersion("torch", m[1], 0)
		}
	}
	if strings.Contains(t, "torch.__version__") {
		if m := reTorchDunder().FindStringSubmatch(t); m != nil {
			s.setVersion("torch", m[1], 3)
		}
	}
	if strings.Contains(t, "multiple versions of") {
		if m := reBacktrack().FindStringSubmatch(t); m != nil {
			n := pep508.NormalizeName(m[1])
			if !slices.Contains(s.backtracking, n) {
				s.backtracking = append(s.backtracking, n)
			}
		}
	}
	s.observePython(t)
}

// observeSDK records the gradio version the builder's pip command pins: the
// README's sdk_version. The first one seen counts.
func (s *scan) observeSDK(t string) {
	if s.sdkGradio != "" || !strings.Contains(t, "gradio[") {
		return
	}
	var m []string
	switch {
	case strings.HasPrefix(t, "Collecting gradio=="):
		m = reSDKCollect().FindStringSubmatch(t)
	case strings.Contains(t, "pip install"):
		m = reSDKRun().FindStringSubmatch(t)
	}
	if m == nil {
		return
	}
	if v, err := pep440.Parse(m[1]); err == nil {
		s.sdkGradio = v.String()
	}
}

// observePython records the interpreter version a line reveals.
func (s *scan) observePython(t string) {
	try := func(re *regexp.Regexp, prio int) {
		if prio < s.pyPrio {
			return
		}
		if m := re.FindStringSubmatch(t); m != nil {
			if len(m) > 2 && m[1] != m[2] {
				return
			}
			s.python, s.pyPrio = "3."+m[1], prio
		}
	}
	if strings.Contains(t, "python3.") {
		try(rePyPath(), 3)
	}
	if strings.Contains(t, "python:3.") {
		try(rePyImage(), 3)
	}
	if strings.Contains(t, "-cp3") {
		try(rePyTag(), 2)
	}
	if strings.Contains(t, "cpython-3") {
		try(rePyCPython(), 2)
	}
	if strings.Contains(t, "Python 3.") {
		try(rePyVersion(), 1)
	}
}

// archive records the name and version of an sdist or wheel file, given as a
// filename, path or URL.
func (s *scan) archive(f string) {
	if f == "" || s.seen[f] {
		return
	}
	if len(s.seen) < 10000 {
		s.seen[f] = true
	}
	base := wheelBase(f)
	// pip prints "Downloading torch-2.8.0-cp312-...whl.metadata" when it
	// reads a wheel's metadata (PEP 658) before or instead of the wheel: the
	// release it is considering, a weaker fact than the wheel itself.
	meta := false
	if b, ok := strings.CutSuffix(base, ".metadata"); ok && strings.HasSuffix(b, ".whl") {
		base, meta = b, true
	}
	if strings.HasSuffix(base, ".whl") {
		if w, err := wheeltags.ParseWheelFilename(base); err == nil {
			if meta {
				s.setVersion(w.Name, w.Version.String(), 1)
			} else {
				s.wheels[w.Name] = base
				s.setVersion(w.Name, w.Version.String(), 2)
			}
			if w.Name == "torch" {
				for _, tag := range w.Tags {
					if strings.HasPrefix(tag.Interpreter, "cp3") && tag.Interpreter == tag.ABI && s.pyPrio <= 2 {
						s.python, s.pyPrio = "3."+tag.Interpreter[3:], 2
					}
				}
			}
		}
		return
	}
	if wheeltags.IsSdistFilename(base) {
		if sd, err := wheeltags.ParseSdistFilename(base); err == nil {
			s.setVersion(sd.Name, sd.Version.String(), 2)
		}
	}
}

// setVersion records a version of a project; for torch, a higher priority
// source wins and, at equal priority, the later line. The priorities: 0 a
// torch==X pin anywhere, 1 "Collecting X==V" or a wheel's metadata download,
// 2 a wheel or sdist file, 3 "Requirement already satisfied" or
// torch.__version__, 4 "Successfully installed".
func (s *scan) setVersion(name, v string, prio int) {
	if !validName(name) {
		return
	}
	pv, err := pep440.Parse(v)
	if err != nil {
		return
	}
	v = pv.Public().String()
	if name == "torch" {
		if prio < s.torchPri {
			return
		}
		s.torch, s.torchPri = v, prio
	}
	s.packages[name] = v
}

// facts returns what the scan learned.
func (s *scan) facts() Facts {
	f := Facts{Python: s.python, Torch: s.torch, TorchPin: s.torchPin}
	if len(s.packages) > 0 {
		f.Packages = s.packages
	}
	if len(s.wheels) > 0 {
		f.Wheels = s.wheels
	}
	if len(s.guessed) > 0 {
		f.Guessed = s.guessed
	}
	return f
}

// errorWords make a line look like an error for the unknown case.
var errorWords = []string{"ERROR:", "ERROR ", "error:", "Error:", "Traceback (most recent call last)", "failed", "Failed", "FAILED", "Exception:"}

// noise are error-looking lines that never explain a failure.
var noise = []string{"pip's dependency resolver does not currently take into account"}

// firstError returns the first error-looking line.
func (s *scan) firstError() (Evidence, bool) {
	for _, ln := range s.lines {
		if containsAny(ln.text, errorWords) && !containsAny(ln.text, noise) {
			return Evidence{Line: ln.n, Text: excerpt(ln.text)}, true
		}
	}
	return Evidence{}, false
}

// wheelBase returns the last path segment of a filename, path or URL, with
// percent-escapes ("%2B") decoded and any "#sha256=" fragment or "?query"
// dropped.
func wheelBase(f string) string {
	f = strings.Trim(f, `"'(),`)
	if i := strings.IndexAny(f, "#?"); i >= 0 {
		f = f[:i]
	}
	f = path.Base(f)
	if u, err := url.PathUnescape(f); err == nil {
		f = u
	}
	return f
}

// soPackage names the project that ships a shared library, from its path.
func soPackage(p string) string {
	base := path.Base(p)
	switch {
	case strings.HasPrefix(base, "flash_attn_2_cuda"), strings.HasPrefix(base, "flash_attn_cuda"):
		return "flash-attn"
	case strings.HasPrefix(base, "selective_scan_cuda"):
		return "mamba-ssm"
	case strings.HasPrefix(base, "causal_conv1d_cuda"):
		return "causal-conv1d"
	case strings.HasPrefix(base, "_torchaudio"), strings.HasPrefix(base, "libtorchaudio"):
		return "torchaudio"
	}
	if _, after, ok := strings.Cut(p, "-packages/"); ok {
		if top, _, ok := strings.Cut(after, "/"); ok {
			return pep508.NormalizeName(top)
		}
	}
	name, _, _ := strings.Cut(base, ".")
	return pep508.NormalizeName(strings.TrimPrefix(name, "_"))
}

// validName reports whether n looks like a normalized project name.
func validName(n string) bool {
	if n == "" || len(n) > 100 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_') {
			return false
		}
	}
	return true
}

func firstField(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

func containsPrefixAny(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// urlProject names the project of a VCS or archive URL pip collects: its
// #egg= fragment, else the last path segment without .git or @revision.
func urlProject(u string) string {
	if i := strings.Index(u, "#egg="); i >= 0 {
		name := u[i+len("#egg="):]
		if j := strings.IndexAny(name, "&["); j >= 0 {
			name = name[:j]
		}
		return pep508.NormalizeName(name)
	}
	u = strings.TrimPrefix(u, "git+")
	if i := strings.IndexAny(u, "#?"); i >= 0 {
		u = u[:i]
	}
	base := path.Base(strings.TrimSuffix(u, "/"))
	if i := strings.IndexByte(base, '@'); i > 0 {
		base = base[:i]
	}
	base = strings.TrimSuffix(base, ".git")
	if !validName(pep508.NormalizeName(base)) || strings.HasSuffix(base, ".whl") || strings.Contains(base, ".tar") || strings.HasSuffix(base, ".zip") {
		return ""
	}
	return pep508.NormalizeName(base)
}
