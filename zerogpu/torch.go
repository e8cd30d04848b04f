package zerogpu

import (
	"fmt"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/reqfile"
	"github.com/zgpu/zgpu/target"
	"github.com/zgpu/zgpu/wheeltags"
)

// torchAttempt is the outcome of trying one torch version.
type torchAttempt struct {
	kept    map[string]bool // soft extensions kept as written (no wheel fits)
	torch   pep440.Version
	choices map[string]*WheelMatch // extension -> replacement wheel (nil: keep the user's)
	fails   map[string]Problem
}

// userTorchSpec merges the user's torch constraints, local labels dropped
// (an allowed version is public; `torch==2.8.0+cu128` asks for 2.8.0 from
// another index).
func (p *planner) userTorchSpec() (pep440.Specifiers, []string, error) {
	var spec pep440.Specifiers
	var texts []string
	for _, t := range p.torch {
		texts = append(texts, t.Text)
		if t.Req.URL != "" {
			w, _, ok := wheelOf(t.Req.URL)
			if !ok {
				continue
			}
			s, err := pep440.ParseSpecifiers("==" + w.Version.Public().String())
			if err != nil {
				return nil, nil, err
			}
			spec = spec.And(s)
			continue
		}
		for _, s := range t.Req.Specifiers {
			v, err := pep440.Parse(strings.TrimSuffix(s.Version, ".*"))
			if err == nil && v.Local() != "" && (s.Op == "==" || s.Op == "===") {
				s = pep440.Specifier{Op: "==", Version: v.Public().String()}
			}
			one, err := pep440.ParseSpecifiers(s.String())
			if err != nil {
				return nil, nil, err
			}
			spec = spec.And(one)
		}
	}
	return spec, texts, nil
}

// constrainTorch keeps the allowed versions that the user's -c constraints
// on torch allow. When they allow none, all stay, and the conflict is
// reported against the pin written (checkUserConstraints).
func (p *planner) constrainTorch(allowed []pep440.Version) []pep440.Version {
	out := allowedBy(allowed, p.in.Constraints, p.applies)
	if len(out) == 0 {
		return allowed
	}
	return out
}

// sidecarTorches returns the torch versions of cands for which every
// side-car the user pinned (torchvision==0.25.0) is a matching release:
// an explicit side-car pin says which torch the user means. When none
// matches, the pins are drift and get corrected instead.
func (p *planner) sidecarTorches(cands []pep440.Version) []pep440.Version {
	var out []pep440.Version
	for _, t := range cands {
		ok := true
		for name, reqs := range p.sidecars {
			spec, _, known := p.c.SidecarSpec(t, name)
			if !known {
				continue
			}
			for _, r := range reqs {
				if !fitsSpec(r.Req.Specifiers, spec) {
					ok = false
				}
			}
		}
		if ok {
			out = append(out, t)
		}
	}
	return out
}

// fitsSpec reports whether a user's specifiers allow a release in want: an
// exact pin must be in want; otherwise one of the versions either set is
// bounded below by (or "0", for a set with no lower bound) must be in both.
func fitsSpec(user, want pep440.Specifiers) bool {
	if len(user) == 0 {
		return true
	}
	if v, ok := reqfile.Pinned(pep508.Requirement{Specifiers: user}); ok {
		return want.Contains(v, true)
	}
	probes := []pep440.Version{pep440.MustParse("0")}
	for _, set := range []pep440.Specifiers{want, user} {
		for _, s := range set {
			switch s.Op {
			case "==", "===", ">=", "~=":
				if v, err := pep440.Parse(strings.TrimSuffix(s.Version, ".*")); err == nil {
					probes = append(probes, v)
				}
			}
		}
	}
	for _, v := range probes {
		if user.Contains(v, true) && want.Contains(v, true) {
			return true
		}
	}
	return false
}

// sidecarPins lists the user's side-car requirements that name versions.
func (p *planner) sidecarPins() string {
	var out []string
	for _, name := range sidecarNames {
		for _, r := range p.sidecars[name] {
			if len(r.Req.Specifiers) > 0 {
				out = append(out, r.Text)
			}
		}
	}
	return strings.Join(out, ", ")
}

// tryTorch checks every extension against torch t. With replace, a user's
// wheel that does not fit may be swapped for one that does.
func (p *planner) tryTorch(t pep440.Version, replace bool) (*torchAttempt, error) {
	a := &torchAttempt{torch: t, choices: map[string]*WheelMatch{}, fails: map[string]Problem{}, kept: map[string]bool{}}
	for _, name := range p.extOrder {
		e := p.exts[name]
		if e.user != nil {
			ok, reasons := p.userWheelFits(e, t)
			if ok {
				a.choices[name] = nil
				continue
			}
			if !replace || e.pkg == nil {
				a.fails[name] = p.userWheelProblem(e, t, reasons)
				continue
			}
		}
		if p.opts.Finder == nil {
			a.fails[name] = Problem{Subject: name, Origin: e.origin(), Message: "no wheel sources configured"}
			continue
		}
		q := p.query(e, t)
		best, nearest, err := p.findWheel(e, q)
		if err != nil {
			return nil, fmt.Errorf("finding a wheel for %s: %w", name, err)
		}
		if best == nil {
			if e.soft != "" {
				a.kept[name] = true
				continue
			}
			if e.user != nil {
				// Nothing to swap it for: the user's wheel is the problem.
				_, reasons := p.userWheelFits(e, t)
				a.fails[name] = p.userWheelProblem(e, t, reasons)
				continue
			}
			a.fails[name] = p.noWheelProblem(e, q, nearest)
			continue
		}
		a.choices[name] = best
	}
	return a, nil
}

func (p *planner) wheelFixes(e *extension, t pep440.Version) []string {
	var fixes []string
	if maj, min := t.MajorMinor(); e.needs.TorchMajor > 0 && (maj != e.needs.TorchMajor || min != e.needs.TorchMinor) {
		tv := fmt.Sprintf("%d.%d", e.needs.TorchMajor, e.needs.TorchMinor)
		for _, a := range p.c.AllowedTorch() {
			if maj, min := a.MajorMinor(); maj == e.needs.TorchMajor && min == e.needs.TorchMinor {
				fixes = append(fixes, fmt.Sprintf("pin torch==%s to match the wheel's torch%s", a, tv))
			}
		}
	}
	if _, paired := p.c.Pairing(e.name); paired {
		if spec, _, ok := p.c.SidecarSpec(t, e.name); ok && !spec.Contains(e.wheel.Version, true) {
			for _, a := range p.c.AllowedTorch() {
				if s, _, ok := p.c.SidecarSpec(a, e.name); ok && s.Contains(e.wheel.Version, true) {
					fixes = append(fixes, fmt.Sprintf("pin torch==%s, which %s %s is built for", a, e.name, e.wheel.Version.Public()))
					break
				}
			}
			fixes = append(fixes, fmt.Sprintf("or require %s%s from PyPI instead of the wheel (the releases built for torch %s)", e.name, spec, torchMinor(t)))
		}
	}
	fixes = append(fixes, fmt.Sprintf("replace it with a wheel for the pinned torch: zgpu wheel find %s --python %d.%d", e.name, p.py[0], p.py[1]))
	return fixes
}

func (p *planner) noWheelProblem(e *extension, q WheelQuery, nearest []WheelMiss) Problem {
	pr := Problem{
		Subject: e.name, Origin: e.origin(),
		Message: fmt.Sprintf("no prebuilt %s wheel fits cp%d%d, torch %d.%d, CUDA %d, C++11 ABI %s, %s", e.name, q.Python[0], q.Python[1], q.Torch[0], q.Torch[1], q.CUDA[0], abiWord(q.ABI), q.GPUArch),
	}
	if e.build != "" {
		pr.Message += "; " + e.build
	}
	if !(len(q.Specifiers) == 0) {
		pr.Message += fmt.Sprintf(" (the requirement asks for %s%s)", e.name, q.Specifiers)
	}
	seen := map[string]bool{}
	// A wheel that fits in everything but the user's version pin: the fix
	// is the pin (flash-attn==2.6.3 has no build for torch 2.8; 2.8.3 has).
	for _, n := range nearest {
		if len(n.Reasons) == 1 && strings.Contains(n.Reasons[0], " is outside ") {
			if w, err := wheeltags.ParseWheelFilename(n.Filename); err == nil {
				fix := fmt.Sprintf("change the requirement to %s==%s: that version has a wheel that fits (%s)", e.name, w.Version.Public(), n.Filename)
				pr.Fixes = append(pr.Fixes, fix)
				seen[fix] = true
				break
			}
		}
	}
	listed := map[string]bool{} // a file two sources list is one entry
	for _, n := range nearest {
		if len(pr.Nearest) >= 5 {
			break
		}
		if listed[n.Filename] || n.Unread {
			continue // a source that failed is a warning of its own
		}
		listed[n.Filename] = true
		pr.Nearest = append(pr.Nearest, fmt.Sprintf("%s: %s", n.Filename, strings.Join(n.Reasons, "; ")))
		if n.Fix != "" && !seen[n.Fix] {
			seen[n.Fix] = true
			pr.Fixes = append(pr.Fixes, n.Fix)
		}
	}
	if len(pr.Fixes) == 0 {
		pr.Fixes = append(pr.Fixes, fmt.Sprintf("build a wheel for this target and pin it by URL (%s @ https://...)", e.name))
		if e.pkg != nil && e.pkg.Kernels != "" {
			pr.Fixes = append(pr.Fixes, fmt.Sprintf("or load the kernel at run time with the kernels library: get_kernel(%q)", e.pkg.Kernels))
		}
	}
	return pr
}

// commitTorch writes the torch decision, the extension lines and the side-cars.
func (p *planner) commitTorch(a *torchAttempt, source, fact string, texts []string) {
	r := p.r
	t := a.torch
	abi, cuda := target.TorchBuild(p.c, t)
	r.Target.Torch, r.Target.TorchSource = t.String(), source
	if cuda[0] > 0 {
		r.Target.CUDA = fmt.Sprintf("%d.%d", cuda[0], cuda[1])
	}
	r.Target.CXX11ABI = abiWord(abi)
	var why []string
	for _, name := range p.extOrder {
		if m := a.choices[name]; m != nil {
			why = append(why, m.Filename)
		} else if e := p.exts[name]; e.user != nil {
			why = append(why, e.wheelFile)
		}
	}
	reason := "torch " + t.String() + ": " + source
	if len(why) > 0 {
		reason += "; fits " + strings.Join(why, ", ")
	}
	r.decide("torch", t.String(), reason, fact)

	p.torchLine(a, source, texts)
	p.extensionLines(a)
	for _, e := range p.wheelTorch {
		if _, ok := a.choices[e.name]; !ok {
			p.kept = append(p.kept, Line{Name: e.name, Origin: e.user.Origin, Reason: e.user.Comment}.withText(e.user.Text))
		}
	}
	p.pinSidecars(t)
}

// torchLine writes the torch line of attempt a: kept as the user wrote it
// when it pins t exactly, else torch==t with the reason (and a change).
func (p *planner) torchLine(a *torchAttempt, source string, texts []string) {
	r, t := p.r, a.torch
	want := "torch==" + t.String()
	origin := ""
	if _, hidden := p.noEmit["torch"]; hidden {
		// --no-emit-package torch: chosen, not written.
	} else if len(p.torch) == 0 && len(p.sidecars) == 0 && len(a.kept) == len(p.extOrder) {
		// Only source builds kept as written: no wheel ties torch.
	} else if len(p.torch) == 1 && p.torch[0].Req.URL == "" && pinsExactly(p.torch[0], t) && !p.staleTorchComment(p.torch[0].Comment) {
		p.keep(p.torch[0])
	} else {
		// (A torch line zgpu wrote earlier whose "# zgpu:" comment names
		// wheels no longer there gets today's reason.)
		why := "ZeroGPU allows torch " + strings.Join(p.c.Torch.Allowed, ", ") + "; " + source
		if p.torchNote != "" {
			why = p.torchNote
		} else if len(p.exts) > 0 {
			why = "the wheels of " + strings.Join(p.extOrder, ", ") + " fit torch " + fmt.Sprintf("%d.%d", t.Release()[0], t.Release()[1]) + "; " + why
		}
		before := strings.Join(texts, "; ")
		var pre bool
		origin, pre = p.torchLineOrigin()
		if pre {
			why = preTorchNote(p.torchWas(), t)
		}
		p.kept = append(p.kept, Line{Name: "torch", Reason: why, Origin: origin}.withText(want))
		if before != want {
			r.Changes = append(r.Changes, Change{Name: "torch", Before: before, After: want, Reason: why, Origin: origin})
		}
	}
}

// extensionLines writes the line of each CUDA package of attempt a: the
// chosen prebuilt wheel (a change with its reason), the user's own wheel,
// or the source build kept with a warning.
func (p *planner) extensionLines(a *torchAttempt) {
	r, t := p.r, a.torch
	for _, name := range p.extOrder {
		e := p.exts[name]
		if a.kept[name] {
			if e.fallback != "" && e.user != nil {
				p.wheelFallback(e, t)
				continue
			}
			for _, req := range e.reqs {
				p.keep(req)
			}
			r.warnf("%s; no prebuilt wheel fits (zgpu wheel find %s)", e.soft, name)
			continue
		}
		m, chosen := a.choices[name]
		if !chosen {
			continue
		}
		if m == nil {
			p.kept = append(p.kept, Line{Name: name, Origin: e.user.Origin, Reason: e.user.Comment}.withText(e.user.Text))
			r.decide(name, e.wheelFile, "your wheel fits torch "+t.String(), "")
			continue
		}
		var was string
		switch {
		case e.user != nil:
			_, reasons := p.userWheelFits(e, t)
			was = fmt.Sprintf("replaces %s: %s", e.wheelFile, strings.Join(reasons, "; "))
			p.swappedWheel(e, m, reasons)
		default:
			was = e.build
		}
		line := lineFor(name, m)
		if m.FromInput && e.user == nil {
			line = inputLine(name, m)
			if len(e.reqs) == 1 && e.reqs[0].Text == line {
				p.keep(e.reqs[0]) // served by the file's own index line
				r.decide(name, m.Filename, describe(m)+"; from the file's own index line", "")
				continue
			}
		}
		reason := fmt.Sprintf("prebuilt wheel for cp%d%d, %s, from %s", p.py[0], p.py[1], m.Needs.String(), sourceWord(m))
		if m.Moved != "" {
			reason = m.Moved + "; " + reason
			p.movedPin(e, m, t)
		} else if was != "" {
			reason += " (" + was + ")"
		}
		if m.Snapshot {
			reason += "; from the catalog snapshot, not checked online"
		}
		p.kept = append(p.kept, Line{Name: name, Reason: reason, Origin: e.origin(), Hashes: m.Hashes}.withText(line))
		r.Changes = append(r.Changes, Change{Name: name, Before: e.before(), After: line, Reason: reason, Origin: e.origin()})
		src := ""
		if e.pkg != nil {
			src = e.pkg.Source + " (" + e.pkg.Date + ")"
		}
		r.decide(name, m.Filename, describe(m)+"; "+reason, src)
	}
}

// pinsExactly reports whether a torch requirement already pins exactly t.
func pinsExactly(req Requirement, t pep440.Version) bool {
	v, ok := reqfile.Pinned(req.Req)
	return ok && v.Public().Compare(t) == 0
}

// pinSidecars pins the side-cars to the releases built for torch t:
// torchvision, torchaudio and triton exactly (the family matrix), torchcodec
// and xformers to the set their compatibility tables give. A user's pin
// inside that set is kept; a range that overlaps it is narrowed to it; a
// pin made for another torch is replaced (side-car drift).
func (p *planner) pinSidecars(t pep440.Version) {
	r := p.r
	for _, name := range sidecarNames {
		reqs := p.sidecars[name]
		if len(reqs) == 0 {
			continue
		}
		want, source, ok := p.c.SidecarSpec(t, name)
		if !ok {
			for _, req := range reqs {
				p.keep(req)
			}
			r.warnf("%s: %s must be the release built for torch %s; zgpu's catalog does not know which one; pin it by hand",
				reqs[0].Origin, name, t)
			continue
		}
		if len(reqs) == 1 && reqs[0].Req.URL == "" {
			if v, ok := reqfile.Pinned(reqs[0].Req); ok && want.Contains(v, true) {
				p.keep(reqs[0])
				continue
			}
		}
		var before []string
		var user pep440.Specifiers
		fits := true
		for _, q := range reqs {
			before = append(before, q.Text)
			if q.Req.URL != "" || !fitsSpec(q.Req.Specifiers, want) {
				fits = false
			}
			user = user.And(q.Req.Specifiers)
		}
		spec := want
		exact, isExact := reqfile.Pinned(pep508.Requirement{Specifiers: want})
		if fits && !isExact && len(user) > 0 {
			spec = user.And(want)
		}
		line := name + spec.String()
		var why string
		if isExact {
			why = fmt.Sprintf("%s %s is the release built for torch %s", name, exact, t)
		} else {
			why = fmt.Sprintf("%s%s are the releases built for torch %s%s", name, want, torchMinor(t), pairingWhy(p.c, name))
		}
		if !fits {
			why += "; " + fmt.Sprintf("%s was pinned for another torch (side-car drift)", strings.Join(before, ", "))
		}
		p.kept = append(p.kept, Line{Name: name, Reason: why, Origin: reqs[0].Origin}.withText(line))
		r.Changes = append(r.Changes, Change{Name: name, Before: strings.Join(before, "; "), After: line, Reason: why, Origin: reqs[0].Origin})
		r.decide(name, spec.String(), why, source)
	}
}

// torchMinor renders the major.minor of a torch version ("2.10").
func torchMinor(t pep440.Version) string {
	maj, min := t.MajorMinor()
	return fmt.Sprintf("%d.%d", maj, min)
}

// pairingWhy is the catalog's reason for pairing a side-car, as a clause.
func pairingWhy(c *catalog.Catalog, name string) string {
	if pr, ok := c.Pairing(name); ok && pr.Why != "" {
		return " (" + pr.Why + ")"
	}
	return ""
}

// staleTorchComment reports whether the "# zgpu:" comment of a torch line
// zgpu wrote earlier names CUDA wheels other than today's ("the wheels of
// flash-attn fit torch 2.10" after flash-attn was removed).
func (p *planner) staleTorchComment(comment string) bool {
	if comment == "" {
		return false
	}
	want := ""
	if len(p.exts) > 0 {
		want = "the wheels of " + strings.Join(p.extOrder, ", ") + " fit torch "
	}
	has := strings.HasPrefix(comment, "the wheels of ")
	return has != (want != "") || (has && !strings.HasPrefix(comment, want))
}
