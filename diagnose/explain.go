package diagnose

import (
	"fmt"
	"github.com/zgpu/zgpu/internal/lazyre"
	"path"
	"slices"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/wheeltags"
)

// explain turns a group of matching lines into a finding: it gathers the
// facts the kind's templates need and fills them in.
func explain(g *group, s *scan, c *catalog.Catalog) Finding {
	f := Finding{Kind: g.kind, Package: g.pkg, Line: g.first}
	f.Evidence, f.Omitted = g.evidence()
	vars := baseVars(g.pkg, s, c)
	f.Assumed = assume(templates[g.kind], vars, c)
	switch g.kind {
	case KindCUDABuild, KindBuildNoTorch, KindJITCompile:
		if g.pkg != "" {
			explainWheel(&f, vars, s, c)
		}
	case KindTorchNotAllowed:
		pin := s.torchPin
		if pin == "" {
			pin = s.torch
		}
		vars["allowed"] = strings.Join(c.Torch.Allowed, ", ")
		vars["preinstalled"] = c.Torch.Preinstalled
		if v, err := pep440.Parse(pin); err == nil && !c.TorchAllowed(v) {
			near := nearestAllowed(c, v).String()
			vars["torch_pin"] = pin
			vars["suggest_torch"] = near
			vars["torch_choice"] = "an allowed version (" + near + " is the nearest to " + pin + ")"
		} else {
			// The log does not say which torch was pinned: no version is
			// nearer than another, so the fix lists them all and the
			// command takes the one the platform preinstalls.
			vars["suggest_torch"] = defaultAllowed(c)
			vars["torch_choice"] = "one of the allowed versions (" + vars["allowed"] + "; the log does not show which version was pinned)"
		}
	case KindConflict:
		first := g.hits[0].index
		cs, cannot := s.conflictBlock(first)
		cl := classify(cs, s.reqs, s.packages)
		f.Kind, f.Conflicts = cl.kind, cs
		var parts []string
		for _, c := range cs {
			// A requirement of an extra on its own base ("gradio[mcp]
			// 4.44.1 depends on gradio==4.44.1") says nothing to the user;
			// pip repeats causes for every version it tried.
			if p := c.String(); (c.By == "user" || byProject(c.By) != c.Package) && !slices.Contains(parts, p) {
				parts = append(parts, p)
			}
		}
		sum := "pip found no set of versions that satisfies every requirement"
		if cannot != "" {
			sum = "pip cannot install " + cannot + " together"
		}
		if len(parts) > 0 {
			sum += ": " + strings.Join(parts, "; ")
		}
		vars["conflict_summary"] = sum + "."
		vars["offenders"] = strings.Join(cl.offenders, ", ")
		switch cl.kind {
		case KindSpacesConflict:
			spacesVars(vars, cl)
		case KindGradioPin:
			req, inFile := s.reqs["gradio"]
			gradioVars(vars, cl.gradio, s.sdkGradio, req, inFile)
		case KindSDKConflict:
			if cap, pin, ok := pydanticAboveCap(cs, s.packages); ok {
				f.Kind = KindPydanticMCPCap
				vars["cap"], vars["pin"] = cap, pin
				vars["sdk_version"] = s.sdkGradio
				if vars["sdk_version"] == "" {
					vars["sdk_version"] = "<sdk_version>"
				}
				break
			}
			// zerogpu-rules.md: gradio[mcp] needs uvicorn>=0.31.1 and
			// pydantic>=2.11.10; worth saying only when one is the pin.
			if slices.Contains(cl.offenders, "uvicorn") || slices.Contains(cl.offenders, "pydantic") {
				vars["mcp_note"] = "gradio[mcp] needs uvicorn>=0.31.1 and pydantic>=2.11.10."
			}
		}
	case KindNoDistribution:
		for _, h := range g.hits {
			if m := reNoDistSpec().FindStringSubmatch(h.ln.text); m != nil {
				vars["spec"] = strings.TrimPrefix(m[1], pep508.NormalizeName(g.pkg))
				break
			}
		}
	case KindSlowResolution:
		vars["backtracking"] = strings.Join(s.backtracking, ", ")
	case KindUndefinedSymbol:
		for _, h := range g.hits {
			if m := reSO().FindStringSubmatch(h.ln.text); m != nil {
				vars["library"] = path.Base(m[1])
				break
			}
		}
		explainSymbol(g.pkg, vars, s, c)
	case KindABIBreak:
		explainABIBreak(g, vars, s, c)
	case KindTorchvisionOp:
		explainTorchvision(vars, s, c)
	case KindNoSpaces:
		vars["spaces_version"] = c.Spaces.Version
	case KindTorchCodec:
		vars["torchaudio_version"] = s.packages["torchaudio"]
		if vars["torchaudio_version"] == "" {
			vars["torchaudio_version"] = ">= 2.9"
		}
	case KindTorchDowngraded:
		if s.torch != "" {
			vars["torch_note"] = " (this log installs torch " + s.torch + ")"
		}
	}
	t := templates[f.Kind]
	f.Title = fill(t.title, vars)
	f.Cause = fill(t.cause, vars)
	f.Fix = fill(t.fix, vars)
	f.Source = t.source
	for _, cmd := range t.commands {
		if c := fillCommand(cmd, vars); c != "" && !slices.Contains(f.Commands, c) {
			f.Commands = append(f.Commands, c)
		}
	}
	if f.Wheel != nil && f.Wheel.Target.Note != "" && len(f.Commands) > 0 {
		// The log's torch is not allowed: the resolve must also move torch.
		f.Commands[0] = "zgpu deps resolve --torch " + f.Wheel.Target.Torch + " -o requirements.txt"
	}
	if f.Commands == nil {
		f.Commands = []string{}
	}
	return f
}

var reNoDistSpec = lazyre.New(`(?:satisfies the requirement|No matching distribution found for) (\S+)`)

// baseVars are the placeholders every kind may use.
func baseVars(pkg string, s *scan, c *catalog.Catalog) map[string]string {
	v := map[string]string{
		"pkg": pkg, "version": s.packages[pkg], "python": s.python, "torch": s.torch,
		"gpu_arch": c.Platform.GPUArch,
	}
	if tv, err := pep440.Parse(s.torch); err == nil {
		maj, mn := tv.MajorMinor()
		v["torch_mm"] = fmt.Sprintf("%d.%d", maj, mn)
		cm, _, _ := torchFacts(c, tv)
		v["cuda_major"] = fmt.Sprint(cm)
	}
	return v
}

// explainSymbol adds what the log says about the wheel whose library misses
// a torch symbol, and a wheel that fits the torch the Space runs.
func explainSymbol(pkg string, vars map[string]string, s *scan, c *catalog.Catalog) {
	vars["pin_hint"] = ", or pin torch to the version the wheel was built for"
	tv, _ := pep440.Parse(vars["torch"])
	if wf, ok := s.wheels[pkg]; ok {
		if w, err := wheeltags.ParseWheelFilename(wf); err == nil {
			n := cudalabel.FromWheel(w)
			vars["wheel_label"] = fmt.Sprintf("; the log installs %s (%s)", wf, n)
			if n.HasTorch() {
				wt := fmt.Sprintf("%d.%d", n.TorchMajor, n.TorchMinor)
				allowed := false
				for _, a := range c.AllowedTorch() {
					if maj, mn := a.MajorMinor(); maj == n.TorchMajor && mn == n.TorchMinor {
						allowed = true
					}
				}
				if allowed {
					vars["pin_hint"] = fmt.Sprintf(", or pin torch to %s, the version in the wheel's name", wt)
				} else {
					vars["pin_hint"] = fmt.Sprintf(" (pinning torch to the wheel's %s is no way out: ZeroGPU allows only %s)", wt, strings.Join(c.Torch.Allowed, ", "))
				}
			}
		}
	}
	if tv.IsZero() {
		return
	}
	if v := c.SidecarVersion(tv, pkg); v != "" {
		vars["pin_hint"] = fmt.Sprintf(": %s==%s is the release built for torch %s", pkg, v, tv)
		return
	}
	t := target{python: vars["python"], torch: tv}
	if !c.TorchAllowed(tv) {
		t.torch = nearestAllowed(c, tv)
	}
	t.cudaMajor, _, t.abi = torchFacts(c, t.torch)
	if sw := suggestWheel(pkg, t, c); sw != nil {
		vars["suggestion"] = fmt.Sprintf(" A known wheel that fits (%s): %s", sw.Why, sw.URL)
	}
}

// assume fills the Python and torch placeholders a kind's text uses when the
// log does not state them, with the platform's defaults, and says so.
func assume(t template, vars map[string]string, c *catalog.Catalog) []string {
	all := t.title + t.cause + t.fix + strings.Join(t.commands, " ")
	var out []string
	if vars["python"] == "" && strings.Contains(all, "{python}") {
		vars["python"] = c.Python.Default
		out = append(out, fmt.Sprintf("Python %s, the platform default (the log shows no Python version)", c.Python.Default))
	}
	if vars["torch"] == "" && (strings.Contains(all, "{torch") || strings.Contains(all, "{cuda_major}")) {
		if tv, err := pep440.Parse(c.Torch.Preinstalled); err == nil {
			maj, mn := tv.MajorMinor()
			vars["torch"] = c.Torch.Preinstalled
			vars["torch_mm"] = fmt.Sprintf("%d.%d", maj, mn)
			cm, _, _ := torchFacts(c, tv)
			vars["cuda_major"] = fmt.Sprint(cm)
			out = append(out, fmt.Sprintf("torch %s, the platform's preinstalled torch (the log shows no torch version)", c.Torch.Preinstalled))
		}
	}
	return out
}

// explainWheel adds the wheel analysis of a CUDA extension build.
func explainWheel(f *Finding, vars map[string]string, s *scan, c *catalog.Catalog) {
	a := analyzeWheel(f.Package, s, c)
	f.Wheel = a
	f.Assumed = a.assumed
	var outcome string
	switch {
	case a.URL != "" && a.Known && a.FromLog:
		outcome = "here it asked for " + wheelBase(a.URL) + ", a wheel the catalog knows: the download failed for another reason (network, proxy, a rewritten URL)."
	case a.URL != "" && a.Known:
		outcome = "from the versions in this log it would ask for " + wheelBase(a.URL) + ", a wheel that exists: since the build went on to compile, setup.py saw other versions than the log shows" + ifElse(len(f.Assumed) > 0, " (some were assumed, see below)", "") + ", or the download failed."
	case a.URL != "" && a.FromLog:
		outcome = "here it asked for " + wheelBase(a.URL) + ", which does not exist (HTTP 404): " + strings.Join(a.Reasons, "; ") + "."
	case a.URL != "":
		outcome = "from the versions in this log it would ask for " + wheelBase(a.URL) + ", which does not exist: " + strings.Join(a.Reasons, "; ") + "."
	default:
		outcome = "no such wheel exists for this environment."
	}
	vars["guess_outcome"] = outcome
	// The replacement must fit an allowed torch; commands use its versions.
	if tv, err := pep440.Parse(a.Target.Torch); err == nil {
		maj, mn := tv.MajorMinor()
		vars["torch_mm"] = fmt.Sprintf("%d.%d", maj, mn)
		vars["cuda_major"] = fmt.Sprint(a.Target.CUDA)
	}
	vars["python"] = a.Target.Python
	var sug []string
	if !c.TorchAllowed(mustParse(s.torch)) && s.torch != "" {
		sug = append(sug, fmt.Sprintf("torch %s is not allowed on ZeroGPU: pin torch %s and use a wheel for it.", s.torch, vars["torch_mm"]))
	}
	if p, ok := c.Package(f.Package); ok && p.MinVersionForGPU != "" && a.Version != "" {
		if v, err := pep440.Parse(a.Version); err == nil && v.Less(mustParse(p.MinVersionForGPU)) {
			sug = append(sug, fmt.Sprintf("%s %s is too old for the ZeroGPU GPU (%s): %s.", f.Package, a.Version, c.Platform.GPUArch, p.MinVersionReason))
		}
	}
	if a.Suggested != nil {
		sug = append(sug, fmt.Sprintf("A known wheel that fits (%s): %s", a.Suggested.Why, a.Suggested.URL))
	} else {
		sug = append(sug, "The catalog knows no wheel that fits; search the sources with zgpu wheel find.")
	}
	vars["suggestion"] = strings.Join(sug, " ")
	req, inFile := s.reqs[f.Package]
	vars["unpin_first"] = unpinFirst(f.Package, a, req, inFile)
}

// unpinFirst is the first step of the fix when the user's requirement of
// pkg allows no version with a wheel that fits the target: zgpu deps resolve
// keeps the requirement and would stop with no wheel, so the requirement
// must move first. req is the requirement as the log shows pip reading it
// from a file (inFile); without it, the step is conditional on a pin of the
// version pip built. "" when no step is needed or nothing is known.
func unpinFirst(pkg string, a *WheelAnalysis, req fileReq, inFile bool) string {
	v, err := pep440.Parse(a.Version)
	if err != nil || !a.noWheel {
		return "" // the version pip built may have a wheel: nothing to move
	}
	file, pin := "requirements.txt", "=="+a.Version
	if inFile {
		file, pin = req.file, req.spec
		if pin == "" {
			return "" // unpinned: the resolve picks a version that has a wheel
		}
		ss, err := pep440.ParseSpecifiers(pin)
		if err != nil || slices.ContainsFunc(a.fit, func(f pep440.Version) bool { return ss.Contains(f, true) }) {
			return "" // the resolve picks an allowed version that has a wheel
		}
	}
	var above, known []string
	for _, f := range a.fit {
		known = append(known, f.String())
		if v.Less(f) {
			above = append(above, f.String())
		}
	}
	move := "unpin " + pkg + pin + " in " + file
	if !inFile {
		move = "unpin it"
	}
	switch {
	case len(above) > 0:
		move += fmt.Sprintf(" or raise it to %s>=%s", pkg, above[0])
	case len(known) > 0:
		move += " or pin a version that has one"
	}
	why := fmt.Sprintf("%s %s has no prebuilt wheel for %s", pkg, a.Version, a.target)
	if !strings.HasPrefix(pin, "==") || strings.HasSuffix(pin, ".*") {
		why = fmt.Sprintf("no version that %s%s allows has a known prebuilt wheel for %s", pkg, pin, a.target)
	}
	if len(known) > 0 {
		why += fmt.Sprintf(" (the catalog knows wheels that fit for %s %s)", pkg, strings.Join(known, ", "))
	}
	if !inFile {
		return fmt.Sprintf("If %s pins %s%s, first %s, then run the command below: %s, and zgpu deps resolve keeps a pin, so it would stop with no wheel that fits.", file, pkg, pin, move, why)
	}
	return fmt.Sprintf("First %s, then run the command below: %s, and zgpu deps resolve keeps the requirement, so it would stop with no wheel that fits.", move, why)
}

// spacesVars fills the cause and fix of a spaces conflict: a spaces pin to
// remove, or the user's pins that a requirement of the platform's spaces
// excludes.
func spacesVars(vars map[string]string, cl conflictClass) {
	var pkgs, specs []string
	for _, c := range cl.excludes {
		if !slices.Contains(pkgs, c.Package) {
			pkgs = append(pkgs, c.Package)
		}
		if s := c.Package + c.Specifier; !slices.Contains(specs, s) {
			specs = append(specs, s)
		}
	}
	var cause, fix string
	if cl.spacesPinned {
		cause = "spaces is installed and pinned by the platform; a spaces pin in requirements.txt always loses, and its constraints then conflict."
		fix = "Remove spaces from requirements.txt (and any pin that contradicts its requirements"
		if len(pkgs) > 0 {
			fix += ": " + strings.Join(pkgs, ", ")
		}
		fix += "); zgpu never writes spaces."
	} else {
		cause = "spaces is installed by the platform, so its requirements hold whatever requirements.txt says."
		fix = fmt.Sprintf("Relax or unpin %s in requirements.txt to a version spaces accepts (%s); spaces itself stays, the platform installs it.", strings.Join(pkgs, ", "), strings.Join(specs, "; "))
	}
	if len(pkgs) > 0 {
		cause += fmt.Sprintf(" The pinned %s is outside what spaces accepts (%s).", strings.Join(pkgs, ", "), strings.Join(specs, "; "))
	}
	vars["spaces_cause"], vars["spaces_fix"] = cause, fix
}

func mustParse(s string) pep440.Version {
	v, _ := pep440.Parse(s)
	return v
}

// neutral are the words a placeholder with no value becomes.
var neutral = map[string]string{
	"pkg": "the package", "python": "the Space's Python", "torch": "", "torch_mm": "the Space's torch",
	"cuda_major": "of that torch", "backtracking": "the packages it lists", "library": "a compiled extension",
	"offenders": "the conflicting pins", "torch_pin": "to a version outside the list",
	"torch_choice": "an allowed version",
	"spaces_cause": "spaces is installed and pinned by the platform; a spaces pin in requirements.txt always loses, and its constraints then conflict.",
	"spaces_fix":   "Remove spaces from requirements.txt (and any pin that contradicts its requirements); zgpu never writes spaces.",
	"gradio_cause": "gradio is installed by the platform at the README's sdk_version, never from requirements.txt.",
	"gradio_fix":   "Remove any gradio line from requirements.txt and set sdk_version: in README.md to the Gradio version the app needs; zgpu never writes gradio to requirements.txt.",
}

var rePlaceholder = lazyre.New(`\{[a-z_]+\}`)

// fill replaces the placeholders of a template and tidies the blanks an
// empty value leaves.
func fill(t string, vars map[string]string) string {
	out := rePlaceholder().ReplaceAllStringFunc(t, func(p string) string {
		k := p[1 : len(p)-1]
		if v := vars[k]; v != "" {
			return v
		}
		return neutral[k]
	})
	for strings.Contains(out, "  ") {
		out = strings.ReplaceAll(out, "  ", " ")
	}
	out = strings.ReplaceAll(out, " .", ".")
	out = strings.ReplaceAll(out, " ,", ",")
	out = strings.ReplaceAll(out, " )", ")")
	out = strings.ReplaceAll(out, "( ", "(")
	return strings.TrimSpace(out)
}

// fillCommand fills a command template. A flag whose value is unknown is
// left out; a command whose positional placeholder is unknown is dropped
// ("").
func fillCommand(t string, vars map[string]string) string {
	f := strings.Fields(t)
	var out []string
	for i := 0; i < len(f); i++ {
		w := f[i]
		if strings.HasPrefix(w, "--") && i+1 < len(f) && rePlaceholder().MatchString(f[i+1]) {
			k := strings.Trim(f[i+1], "{}")
			if vars[k] != "" {
				out = append(out, w, vars[k])
			}
			i++
			continue
		}
		if rePlaceholder().MatchString(w) {
			k := strings.Trim(w, "{}")
			if vars[k] == "" {
				return ""
			}
			w = vars[k]
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}
