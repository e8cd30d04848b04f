package zerogpu

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/target"
	"github.com/zgpu/zgpu/wheeltags"
)

// planner carries the state of one Plan call.
type planner struct {
	ctx  context.Context
	c    *catalog.Catalog
	opts Options
	in   *Input
	r    *Report
	tg   target.Target // the target before torch is chosen
	env  map[string]string
	py   [2]int

	kept     []Line        // lines written as the user wrote them
	torch    []Requirement // torch requirements that apply on the target
	sidecars map[string][]Requirement
	exts     map[string]*extension // CUDA packages, by name
	extOrder []string
	noEmit   map[string]string // name -> reason
	removed  []Requirement     // not emitted; their constraints still count
	// wheelTorch lists direct wheels (outside the registry) that name a torch build.
	wheelTorch []*extension
	// torchNote is the note of a torch line repaired onto the allow-list.
	torchNote string
	// preTorch are pre-requirements.txt's torch requirements: they decide
	// torch only when the input file has none (its line is installed
	// after them, over them).
	preTorch []Requirement
}

// Plan applies the ZeroGPU rules to in, with the first torch candidate
// that every CUDA wheel fits (see settleTorch for the lock's choice). A
// plan with problems is returned with a nil error; the error is for failed
// wheel sources or cancellation.
func Plan(ctx context.Context, in *Input, opts Options) (*Report, error) {
	r, _, err := planChoice(ctx, in, opts)
	return r, err
}

// planChoice is Plan, with the torch choice it made (nil when torch was refused
// or not reached), for the torch loop.
func planChoice(ctx context.Context, in *Input, opts Options) (*Report, *torchChoice, error) {
	c := opts.Catalog
	if c == nil {
		c = catalog.Default()
	}
	p := newPlanner(ctx, c, in, opts)
	r := p.r
	full, ok := pickPython(c, in, opts, r)
	if !ok {
		return r, nil, nil
	}
	p.tg = target.For(c, full)
	p.env = p.tg.Env()
	p.py = p.tg.Python
	if !p.checkRequiresPython(full) {
		return r, nil, nil
	}
	if in.SDK != "" && in.SDK != "gradio" {
		r.warnf("README.md sdk is %q: ZeroGPU runs Gradio Spaces only (sdk: gradio)", in.SDK)
	}
	p.setNoEmit()

	p.checkSDKVersion()
	for _, req := range in.Pre {
		p.checkPre(req)
	}
	for _, req := range in.Requirements {
		p.classify(req)
	}
	if len(p.torch) == 0 {
		p.torch = p.preTorch
	}
	tc, err := p.decideTorch()
	if err != nil {
		return nil, nil, err
	}
	p.checkPreTorch()
	p.checkPlatformConstraints()
	p.dropTorchIndexes()
	p.dropLocalLabels()
	p.dropUnusedTorchIndexes()
	p.dropStaleTorchDeps()
	p.dropStaleTorchPins()
	p.finish()
	p.checkUserConstraints()
	p.checkTorchaudio()
	if opts.Strict {
		r.applyStrict()
	}
	return r, tc, nil
}

// newPlanner starts the plan of in: a report with the input's files,
// index lines and the platform of the target.
func newPlanner(ctx context.Context, c *catalog.Catalog, in *Input, opts Options) *planner {
	p := &planner{
		ctx: ctx, c: c, opts: opts, in: in,
		r:        &Report{Inputs: in.Files, Locked: in.Locked, Options: in.Options, ConstraintFiles: in.ConstraintFiles, IncludeFiles: in.IncludeFiles, Preinstalled: in.LeftOut},
		sidecars: map[string][]Requirement{},
		exts:     map[string]*extension{},
		noEmit:   map[string]string{},
	}
	r := p.r
	r.Input, r.Ignored = in.Input, in.Ignored
	r.Target.Platform = fmt.Sprintf("%s_%s, glibc %s", c.Platform.OS, c.Platform.Arch, c.Platform.Glibc)
	r.Target.GPUArch = c.Platform.GPUArch
	r.Target.SDKVersion = in.SDKVersion
	r.Target.Catalog = c.Label()
	return p
}

// checkRequiresPython compares the project's requires-python with the
// Python the Space runs (full): a warning, or for a lock export a problem,
// and then false: the plan stops there.
func (p *planner) checkRequiresPython(full string) bool {
	in, r := p.in, p.r
	if in.RequiresPython == "" {
		return true
	}
	rp, err := pep440.ParseSpecifiers(in.RequiresPython)
	if err != nil || rp.Contains(pep440.MustParse(full), true) {
		return true
	}
	if in.Locked {
		r.problem(Problem{Subject: "python", Message: fmt.Sprintf("the lock was resolved for Python %s, but the Space runs %s: it may hold packages that do not install there", in.RequiresPython, full),
			Fixes: lockPythonFixes(p.c, in.RequiresPython)})
		return false
	}
	if r.Target.PythonSource != "platform default" { // else pickPython's warning says it
		r.warnf("the project requires Python %s, but the Space runs %s; set python_version in README.md or relax requires-python", in.RequiresPython, full)
	}
	return true
}

// setNoEmit names the packages the file leaves out: what the platform
// installs (spaces; gradio for a Gradio Space) unless EmitPreinstalled,
// and --no-emit-package's.
func (p *planner) setNoEmit() {
	for _, pre := range p.c.Preinstalled {
		if pre.Emit == "never" && !p.opts.EmitPreinstalled {
			if pre.VersionFrom == "sdk_version" && p.in.SDK != "" && p.in.SDK != "gradio" {
				continue // only the Gradio SDK installs gradio
			}
			p.noEmit[pep508.NormalizeName(pre.Name)] = pre.Rule
		}
	}
	for _, n := range p.opts.NoEmit {
		p.noEmit[pep508.NormalizeName(n)] = "--no-emit-package"
	}
}

// dropStaleTorchDeps leaves out, of a lock export whose torch zgpu changed,
// the packages that only the old torch needed (its nvidia-* and triton
// pins): the new torch's own Requires-Dist pins them for it.
func (p *planner) dropStaleTorchDeps() {
	if !p.in.Locked {
		return
	}
	changed := false
	for _, c := range p.r.Changes {
		changed = changed || (c.Name == "torch" && c.Before != "" && c.After != "" && !samePublicPin(c.Before, c.After))
	}
	if !changed {
		return
	}
	only := map[string]bool{"torch": true}
	for grew := true; grew; {
		grew = false
		for _, l := range p.kept {
			if only[l.Name] || len(l.Via) == 0 || l.Reason != "" {
				continue
			}
			all := true
			for _, v := range l.Via {
				all = all && only[pep508.NormalizeName(v)]
			}
			if all {
				only[l.Name], grew = true, true
			}
		}
	}
	var kept []Line
	var dropped []string
	for _, l := range p.kept {
		if l.Name != "torch" && only[l.Name] && l.Reason == "" {
			p.r.Changes = append(p.r.Changes, Change{Name: l.Name, Before: l.Text, Reason: "locked for the old torch only; torch " + p.r.Target.Torch + " pins its own", Origin: l.Origin})
			dropped = append(dropped, l.Name)
			continue
		}
		kept = append(kept, l)
	}
	p.kept = kept
	if len(dropped) > 0 {
		relock := fmt.Sprintf("pin torch==%s in pyproject.toml and run `uv lock` to pin them", p.r.Target.Torch)
		if filepath.Base(p.in.Input) == "pylock.toml" {
			relock = fmt.Sprintf("pin torch==%s where pylock.toml is made from and lock again to pin them", p.r.Target.Torch)
		}
		p.r.warnf("torch is now %s, not the lock's: the lock's pins of what only torch needed (%s) are left out, and pip installs what torch %s requires, unpinned; %s", p.r.Target.Torch, strings.Join(dropped, ", "), p.r.Target.Torch, relock)
	}
}

// samePublicPin reports whether two exact pins name one public version
// (torch==2.8.0+cu128 and torch==2.8.0).
func samePublicPin(a, b string) bool {
	va, ok1 := exactPin(a)
	vb, ok2 := exactPin(b)
	return ok1 && ok2 && va.Public().Compare(vb.Public()) == 0
}

// applies reports whether a requirement's marker holds on the target.
func (p *planner) applies(req Requirement) bool {
	return req.Req.Marker == nil || req.Req.Marker.Evaluate(p.env)
}

func (p *planner) keep(req Requirement) {
	p.kept = append(p.kept, Line{Name: pep508.NormalizeName(req.Req.Name), Origin: req.Origin, Hashes: req.Hashes, Via: req.Via, Reason: req.Comment}.withText(req.Text))
}

// checkPre looks at pre-requirements.txt: installed first, never emitted.
func (p *planner) checkPre(req Requirement) {
	name := pep508.NormalizeName(req.Req.Name)
	if name == "torch" && p.applies(req) {
		p.preTorch = append(p.preTorch, req)
	}
	if reason, ok := p.noEmit[name]; ok {
		p.r.warnf("%s: %s in pre-requirements.txt: %s; remove it", req.Origin, req.Text, reason)
	}
}

// classify sorts one requirement into kept, removed, torch, side-car or
// CUDA extension.
func (p *planner) classify(req Requirement) {
	name := pep508.NormalizeName(req.Req.Name)
	if name == "" {
		// The reader of the file warned already that the line names no
		// project (reqfile); one warning per line, so none here.
		if guess := p.registryRepo(req.Req.URL); guess != "" {
			// git+https://github.com/NVlabs/nvdiffrast.git: a CUDA package
			// of the registry by its repository's name.
			p.r.decide(guess, "the line "+shorten(req.Text, 60)+" at "+req.Origin,
				"it names no package; its repository is "+guess+"'s, so zgpu treats it as "+guess, "")
			req.Req.Name = guess
			p.classify(req)
			return
		}
		p.keep(req)
		return
	}
	if p.dropGradioClient(req) {
		return
	}
	if reason, ok := p.noEmit[name]; ok {
		p.removed = append(p.removed, req)
		p.r.Changes = append(p.r.Changes, Change{Name: name, Before: req.Text, Reason: "not emitted: " + reason, Origin: req.Origin})
		if name == "torch" && p.applies(req) {
			p.torch = append(p.torch, req) // still decides which torch the wheels are for
		}
		return
	}
	if !p.applies(req) {
		p.leaveOutFalseMarker(req)
		return
	}
	switch {
	case name == "torch":
		p.torch = append(p.torch, req)
		return
	case p.isSidecar(name, req):
		p.sidecars[name] = append(p.sidecars[name], req)
		return
	}
	if e := p.extensionFor(name, req); e != nil {
		return
	}
	p.keep(req)
}

// sidecarNames are the packages built for one torch release and pinned
// with it, in the order they are reported.
var sidecarNames = []string{"torchvision", "torchaudio", "triton", "torchcodec", "xformers"}

// isSidecar reports whether req is a side-car to pin with torch: the
// family matrix's (torchvision, torchaudio, triton), torchcodec, and any
// package the catalog pairs with torch when it comes from the index (a
// direct xformers wheel is checked as a CUDA wheel instead).
func (p *planner) isSidecar(name string, req Requirement) bool {
	switch name {
	case "torchvision", "torchaudio", "torchcodec", "triton":
		return true
	}
	_, paired := p.c.Pairing(name)
	return paired && req.Req.URL == ""
}

// wheelOf parses the wheel filename at the end of a direct URL.
func wheelOf(rawURL string) (wheeltags.Wheel, string, bool) { return wheeltags.WheelOfURL(rawURL) }

func abiWord(a cudalabel.ABI) string {
	switch a {
	case cudalabel.ABITrue:
		return "TRUE"
	case cudalabel.ABIFalse:
		return "FALSE"
	}
	return ""
}

// lockPythonFixes says how to make a lock's requires-python and the Space's
// Python meet: a ZeroGPU Python the lock covers, if there is one; else the
// project's requires-python must change.
func lockPythonFixes(c *catalog.Catalog, requires string) []string {
	rp, err := pep440.ParseSpecifiers(requires)
	if err == nil {
		for _, s := range c.Python.Supported {
			if v, err := pep440.Parse(s); err == nil && rp.Contains(v, true) {
				maj, min := v.MajorMinor()
				return []string{fmt.Sprintf("set `python_version: \"%d.%d\"` in README.md (the lock covers it)", maj, min), "or relax requires-python in pyproject.toml and re-lock (uv lock)"}
			}
		}
	}
	return []string{fmt.Sprintf("ZeroGPU runs Python %s, which requires-python %s excludes: relax it in pyproject.toml and re-lock (uv lock)", strings.Join(c.Python.Supported, " and "), requires)}
}

// checkPreTorch reports a torch pin in pre-requirements.txt that disagrees
// with the torch chosen: the builder installs that file first, and no line
// of requirements.txt can change it.
func (p *planner) checkPreTorch() {
	t := p.r.Target.Torch
	if t == "" || len(p.r.Problems) > 0 {
		return
	}
	v := pep440.MustParse(t)
	for _, req := range p.in.Pre {
		if pep508.NormalizeName(req.Req.Name) != "torch" || !p.applies(req) || req.Req.URL != "" {
			continue
		}
		if preTorchOutside(p.c, req) {
			p.preTorchWarning(req, v) // the written file's torch goes over it
			continue
		}
		if !req.Req.Specifiers.Contains(v, true) {
			p.r.problem(Problem{
				Subject: "torch", Origin: req.Origin,
				Message: fmt.Sprintf("pre-requirements.txt pins %s, but the Space needs torch %s; the builder installs pre-requirements.txt first", req.Text, t),
				Fixes:   []string{fmt.Sprintf("change it to torch==%s, or remove it from pre-requirements.txt", t)},
			})
		}
	}
}
