package zerogpu

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/reqfile"
)

// checkPlatformConstraints reports user pins that conflict with what the
// platform installs itself: gradio at sdk_version and the requirements of
// `spaces` (psutil<6, pydantic<3, ...), which still hold although neither is
// emitted.
func (p *planner) checkPlatformConstraints() {
	r := p.r
	checked := append([]Requirement(nil), p.removed...)
	if p.opts.EmitPreinstalled {
		// gradio written on request: its pin must still agree with sdk_version.
		for _, req := range p.in.Requirements {
			if pep508.NormalizeName(req.Req.Name) == "gradio" {
				checked = append(checked, req)
			}
		}
	}
	for _, req := range checked {
		name := pep508.NormalizeName(req.Req.Name)
		switch name {
		case "spaces":
			r.decide("spaces", "not emitted", "the platform installs its own spaces; a pin in requirements.txt conflicts with it at build time", p.sourceOf("spaces"))
		case "gradio":
			if p.in.SDKVersion == "" {
				if p.in.SDK == "" {
					r.warnf("%s: gradio is installed by the platform at the README's sdk_version, and there is no README.md frontmatter; add README.md with `sdk: gradio` and `sdk_version:`", req.Origin)
				} else {
					r.warnf("%s: gradio is installed by the platform at the README's sdk_version, and README.md has none; add `sdk_version:` to the frontmatter", req.Origin)
				}
				continue
			}
			v, err := pep440.Parse(p.in.SDKVersion)
			if err != nil {
				r.warnf("%s: sdk_version %q is not a version: %v", p.in.SDKVersionOrigin, p.in.SDKVersion, err)
				continue
			}
			if req.Req.URL == "" && !req.Req.Specifiers.Contains(v, true) {
				p.repaired(Problem{Subject: "gradio", Origin: req.Origin,
					Message: fmt.Sprintf("%s contradicts sdk_version %s: the platform installs gradio %s", req.Text, p.in.SDKVersion, p.in.SDKVersion),
					Fixes:   []string{"remove the line"}})
				r.warnf("%s: %s conflicts with sdk_version %s (%s): the platform installs gradio %s; remove the pin, or set `sdk_version: %s` in README.md",
					req.Origin, req.Text, p.in.SDKVersion, p.in.SDKVersionOrigin, p.in.SDKVersion, suggestVersion(req.Req.Specifiers))
			}
			if !p.opts.EmitPreinstalled {
				r.decide("gradio", "not emitted", "the platform installs gradio "+p.in.SDKVersion+" (sdk_version)", p.sourceOf("gradio"))
			}
		}
	}
	if p.in.SDKVersion != "" && !p.in.Locked {
		p.applySDKRules()
	}
	if p.in.SDKVersion != "" && p.in.Locked {
		p.checkLockAgainstSDK()
	}
	// spaces' own requirements against the user's exact pins.
	if _, ok := p.noEmit["spaces"]; !ok {
		return
	}
	for _, x := range p.excludedPins(p.c.Spaces.Requires) {
		r.problem(Problem{
			Subject: x.line.Name, Origin: x.line.Origin,
			Message: fmt.Sprintf("%s conflicts with the platform's spaces %s, which requires %s", x.line.Text, p.c.Spaces.Version, x.req),
			Fixes:   []string{fmt.Sprintf("relax the pin to %s%s", x.line.Name, x.spec)},
		})
	}
}

// excludedPin is an exact pin of the output that a requirement excludes.
type excludedPin struct {
	line Line
	req  string            // the requirement, as written
	spec pep440.Specifiers // its version specifiers
}

// excludedPins returns the written exact pins that the requirements (of
// spaces, of the SDK's rules) exclude.
func (p *planner) excludedPins(reqs []string) []excludedPin {
	pins := map[string]Line{}
	for _, l := range p.kept {
		pins[l.Name] = l
	}
	var out []excludedPin
	for _, s := range reqs {
		req, err := pep508.ParseRequirement(s)
		if err != nil || len(req.Specifiers) == 0 {
			continue
		}
		l, ok := pins[pep508.NormalizeName(req.Name)]
		if !ok {
			continue
		}
		if v, ok := l.pinned(); ok && !req.Specifiers.Contains(v, true) {
			out = append(out, excludedPin{line: l, req: s, spec: req.Specifiers})
		}
	}
	return out
}

func (p *planner) sourceOf(name string) string {
	if pre, ok := p.c.PreinstalledPackage(name); ok {
		return pre.Source + " (" + pre.Date + ")"
	}
	return ""
}

// exactPin returns V for a line "name==V" (no marker, no URL).
func exactPin(text string) (pep440.Version, bool) {
	req, err := pep508.ParseRequirement(text)
	if err != nil {
		return pep440.Version{}, false
	}
	return reqfile.Pinned(req)
}

// suggestVersion names the version a specifier set points at, for messages.
func suggestVersion(s pep440.Specifiers) string {
	for _, sp := range s {
		if sp.Op == "==" || sp.Op == ">=" || sp.Op == "~=" {
			return strings.TrimSuffix(sp.Version, ".*")
		}
	}
	return "<a version that satisfies " + s.String() + ">"
}

// finish sorts the output lines by name (then text) for a stable file.
func (p *planner) finish() {
	lines := append([]Line(nil), p.kept...)
	sort.SliceStable(lines, func(i, j int) bool {
		if lines[i].Name != lines[j].Name {
			return lines[i].Name < lines[j].Name
		}
		return lines[i].Text < lines[j].Text
	})
	p.r.Lines = lines
	sort.SliceStable(p.r.Changes, func(i, j int) bool { return p.r.Changes[i].Name < p.r.Changes[j].Name })
}

// checkUserConstraints reports a written pin that a -c constraint of the
// user excludes: pip reads both and refuses to install. Ranges are left to
// pip; a lock applies the constraints itself.
func (p *planner) checkUserConstraints() {
	for _, c := range p.in.Constraints {
		if pre, ok := p.c.PreinstalledPackage(c.Req.Name); ok && pre.Emit == "never" && len(c.Req.Specifiers) > 0 {
			p.r.warnf("%s: the constraint %s names a package the platform installs itself (%s); pip applies it when it installs requirements.txt, where it can only conflict: remove it", c.Origin, c.Text, pre.Rule)
		}
	}
	for _, l := range p.r.Lines {
		v, ok := l.pinned()
		if !ok {
			continue
		}
		for _, c := range p.in.Constraints {
			if pep508.NormalizeName(c.Req.Name) != l.Name || c.Req.URL != "" || len(c.Req.Specifiers) == 0 || !p.applies(c) {
				continue
			}
			if c.Req.Specifiers.Contains(v, true) {
				continue
			}
			what := "the requirement"
			if l.Reason != "" {
				what = "zgpu's pin (" + l.Reason + ")"
			}
			p.r.problem(Problem{
				Subject: l.Name, Origin: c.Origin,
				Message: fmt.Sprintf("the constraint %s (%s) excludes %s, %s; pip would refuse both", c.Text, c.Origin, l.Text, what),
				Fixes:   []string{fmt.Sprintf("change the constraint at %s to allow %s %s", c.Origin, l.Name, v)},
			})
		}
	}
}

// pytorchIndex matches the PyTorch indexes of one build:
// https://download.pytorch.org/whl/cu126, .../whl/cpu, .../whl/rocm6.4.
var pytorchIndex = regexp.MustCompile(`^https?://download\.pytorch\.org/whl/(cu\d+|cpu|rocm[\d.]+)/?$`)

// buildRunsOnGPU reports whether a PyTorch build label (cu128, cpu) has
// kernels for the platform's GPU (target.Target.CUDAHasKernels: the
// catalog's gpu_kernels, CUDA 12.8 or later for sm120).
func (p *planner) buildRunsOnGPU(label string) bool {
	n, ok := cudalabel.FromLocal(label)
	return ok && n.HasCUDA() && n.CUDAMinor >= 0 && p.tg.CUDAHasKernels([2]int{n.CUDAMajor, n.CUDAMinor})
}

// kernelsNeeded says which CUDA builds the GPU needs: "CUDA 12.8 or later".
func (p *planner) kernelsNeeded() string {
	k := p.tg.KernelCUDA
	if k[0] == 0 {
		return "a CUDA build"
	}
	return fmt.Sprintf("CUDA %d.%d or later", k[0], k[1])
}

// dropTorchIndexes removes index lines for PyTorch builds that cannot run
// on the platform's GPU: with `--extra-index-url .../whl/cu126`, pip takes
// torch 2.8.0+cu126 over 2.8.0 (a local version sorts higher), and that
// build has no sm_120 kernels; with .../whl/cpu, no GPU at all. Builds for
// CUDA 12.8 and later stay. PyPI's torch for every allowed version runs.
func (p *planner) dropTorchIndexes() {
	t := p.r.Target.Torch
	if t == "" || (len(p.torch) == 0 && len(p.sidecars) == 0) {
		return
	}
	var kept []string
	for _, o := range p.r.Options {
		f := strings.Fields(o)
		if len(f) != 2 || (f[0] != "--index-url" && f[0] != "--extra-index-url" && f[0] != "--find-links") {
			kept = append(kept, o)
			continue
		}
		m := pytorchIndex.FindStringSubmatch(f[1])
		if m == nil || p.buildRunsOnGPU(m[1]) {
			kept = append(kept, o)
			continue
		}
		why := fmt.Sprintf("pip would take torch %s+%s from it over PyPI's (a local version sorts higher), and that build has no kernels for the platform's GPU %s (%s is needed); PyPI's torch %s runs there", t, m[1], p.c.Platform.GPUArch, p.kernelsNeeded(), t)
		p.r.Changes = append(p.r.Changes, Change{Name: f[0], Before: o, Reason: "removed: " + why})
		p.r.warnf("%s removed: %s", o, why)
	}
	p.r.Options = kept
}

// dropLocalLabels rewrites a side-car or torch pin with a local label
// (torch==2.8.0+cu128) to the public version when no index line serves that
// build: PyPI has no 2.8.0+cu128, so pip would find no matching
// distribution. PyPI's own build is the one the platform needs.
func (p *planner) dropLocalLabels() {
	for i, l := range p.kept {
		if l.Name != "torch" && !p.isSidecar(l.Name, Requirement{}) {
			continue
		}
		req, ok := l.named()
		if !ok {
			continue
		}
		v, ok := reqfile.Pinned(req)
		pypiBuild := ok && p.pypiBuildIs(v.Local())
		if !ok || v.Local() == "" || (p.servesLocal(v.Local()) && !pypiBuild) {
			continue
		}
		line := l.Name + "==" + v.Public().String()
		if req.Marker != nil {
			line += "; " + req.Marker.String()
		}
		why := fmt.Sprintf("no index line serves the +%s build, and PyPI has only %s %s (the build the platform needs)", v.Local(), l.Name, v.Public())
		if strings.HasPrefix(v.Local(), "cu") || v.Local() == "cpu" {
			if !p.buildRunsOnGPU(v.Local()) {
				why = fmt.Sprintf("the +%s build has no kernels for the platform's GPU %s (%s is needed); PyPI's %s %s runs there", v.Local(), p.c.Platform.GPUArch, p.kernelsNeeded(), l.Name, v.Public())
			}
		}
		if pypiBuild {
			why = p.localLabelRepair(l, v)
		}
		p.r.Changes = append(p.r.Changes, Change{Name: l.Name, Before: l.Text, After: line, Reason: why, Origin: l.Origin})
		p.kept[i] = p.kept[i].withText(line)
		p.kept[i].Reason = why
	}
}

// servesLocal reports whether an index line of the output serves builds
// with the local label (a PyTorch index .../whl/cu128 for "cu128").
func (p *planner) servesLocal(label string) bool {
	for _, o := range p.r.Options {
		f := strings.Fields(o)
		if len(f) == 2 && strings.Contains(f[1], "download.pytorch.org/whl") &&
			(strings.HasSuffix(strings.TrimSuffix(f[1], "/"), "/"+label) || strings.HasSuffix(f[1], "torch_stable.html")) {
			return true
		}
		if len(f) == 2 && !strings.Contains(f[1], "download.pytorch.org") && f[0] != "--index-url" {
			return true // another extra index or find-links page may serve it
		}
	}
	return false
}

// checkLockAgainstSDK compares a lock export with the Gradio the platform
// installs: a lock resolved with another gradio is reported, and a pin
// that breaks the SDK's rules (gradio 4.x needs starlette<0.40, ...) is a
// problem: an export cannot re-resolve, `uv lock` must.
func (p *planner) checkLockAgainstSDK() {
	r, sdk := p.r, p.in.SDKVersion
	where := p.in.SDKVersionOrigin
	if where == "" {
		where = "README.md"
	}
	if lg := p.in.LockedGradio; lg != "" {
		lv, err1 := pep440.Parse(lg)
		sv, err2 := pep440.Parse(sdk)
		if err1 == nil && err2 == nil && lv.Compare(sv) != 0 {
			r.warnf("uv.lock was resolved with gradio %s, but the platform installs gradio %s (sdk_version, %s): the exported pins were chosen for gradio %s; set `sdk_version: %s` in README.md, or require gradio==%s in pyproject.toml and run `uv lock`",
				lg, sdk, where, lg, lg, sdk)
		}
	}
	for _, rule := range p.c.SDKRulesFor(sdk) {
		for _, x := range p.excludedPins(rule.Constraints) {
			r.problem(Problem{
				Subject: x.line.Name, Origin: x.line.Origin,
				Message: fmt.Sprintf("%s conflicts with the Gradio %s SDK the platform installs (sdk_version, %s): it needs %s (%s)", x.line.Text, sdk, where, x.req, rule.Why),
				Fixes:   sdkRuleFixes(x.req, p.in),
			})
		}
	}
}

// applySDKRules writes the requirements an old Gradio SDK needs (gradio
// 4.x: huggingface-hub<1.0, jinja2<3.2, starlette<0.40): gradio pulls
// these packages in anyway, so a line only chooses their versions. A user
// line that allows the rule's versions is narrowed to them; one that
// excludes them is a problem.
func (p *planner) applySDKRules() {
	r, sdk := p.r, p.in.SDKVersion
	for _, rule := range p.c.SDKRulesFor(sdk) {
		for _, cs := range rule.Constraints {
			req, err := pep508.ParseRequirement(cs)
			if err != nil {
				continue
			}
			name := pep508.NormalizeName(req.Name)
			why := fmt.Sprintf("the Gradio %s SDK the platform installs needs %s: %s", sdk, cs, rule.Why)
			i := -1
			for j, l := range p.kept {
				if l.Name == name {
					i = j
				}
			}
			if i < 0 {
				p.kept = append(p.kept, Line{Name: name, Reason: why}.withText(cs))
				r.Changes = append(r.Changes, Change{Name: name, After: cs, Reason: why})
				r.decide(name, cs, why, rule.Source+" ("+rule.Date+")")
				continue
			}
			l := p.kept[i]
			user, ok := l.named()
			if !ok || user.URL != "" {
				continue
			}
			if !fitsSpec(user.Specifiers, req.Specifiers) {
				r.problem(Problem{
					Subject: name, Origin: l.Origin,
					Message: fmt.Sprintf("%s conflicts with the Gradio %s SDK the platform installs: it needs %s (%s)", l.Text, sdk, cs, rule.Why),
					Fixes:   []string{fmt.Sprintf("change the requirement to %s", cs), "or raise sdk_version in README.md to 5.x or later"},
				})
				continue
			}
			if v, ok := reqfile.Pinned(user); ok && req.Specifiers.Contains(v, true) {
				continue // already one of the rule's versions
			}
			line := name + user.Specifiers.And(req.Specifiers).String()
			p.kept[i] = p.kept[i].withText(line)
			p.kept[i].Reason = why
			r.Changes = append(r.Changes, Change{Name: name, Before: l.Text, After: line, Reason: why, Origin: l.Origin})
		}
	}
}

// sdkRuleFixes fixes a lock export pin that breaks an SDK rule.
func sdkRuleFixes(req string, in *Input) []string {
	out := []string{fmt.Sprintf("add %q to [tool.uv] constraint-dependencies in pyproject.toml and run `uv lock`", req)}
	if in.LockedGradio != "" && in.LockedGradio != in.SDKVersion {
		out = append(out, fmt.Sprintf("or set `sdk_version: %s` in README.md (the gradio the lock was resolved with)", in.LockedGradio))
	} else {
		out = append(out, "or raise sdk_version in README.md to 5.x or later, and re-lock with that gradio")
	}
	return out
}
