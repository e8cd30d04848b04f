package zerogpu

import (
	"fmt"
	"path"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/target"
	"github.com/zgpu/zgpu/wheeltags"
)

// extension is a CUDA package that must come as a prebuilt wheel.
type extension struct {
	name string
	pkg  *catalog.Package // nil for a direct wheel outside the registry
	reqs []Requirement
	spec pep440.Specifiers // the user's version constraints, merged

	// The user's own direct wheel, when one was given.
	user      *Requirement
	wheel     wheeltags.Wheel
	wheelFile string
	needs     cudalabel.Needs
	// build marks a requirement that would build from source (sdist, VCS,
	// or a bare index name whose PyPI release is sdist-only).
	build string

	choice   *WheelMatch
	keepUser bool
	// soft marks an extension whose lines are kept, with this warning,
	// when no prebuilt wheel fits (a JIT package built from source).
	soft string
	// fallback, with soft, is the line written instead of a user's wheel
	// that does not fit: the package's PyPI release of the same version,
	// which compiles at first use ("gsplat==1.5.3").
	fallback string
}

func (e *extension) before() string {
	var parts []string
	for _, r := range e.reqs {
		parts = append(parts, r.Text)
	}
	return strings.Join(parts, "; ")
}

func (e *extension) origin() string {
	if len(e.reqs) == 0 {
		return ""
	}
	return e.reqs[0].Origin
}

// extensionFor registers req as a CUDA extension when it is one, and
// reports it; nil means "not an extension: keep the line".
func (p *planner) extensionFor(name string, req Requirement) *extension {
	pkg, inRegistry := p.c.Package(name)
	if inRegistry && pkg.BlockedOnGPU {
		p.r.warnf("%s: %s: %s", req.Origin, req.Text, pkg.Note)
		p.r.decide(name, "kept, with a warning", pkg.Note, pkg.Source+" ("+pkg.Date+")")
		return nil
	}
	if inRegistry && pkg.PyPI == "unrelated" && req.Req.URL == "" {
		p.r.problem(Problem{Subject: name, Origin: req.Origin, Message: fmt.Sprintf("%s: %s", req.Text, pkg.Note),
			Fixes: []string{"remove the line; install NVIDIA apex from a prebuilt wheel by URL if the Space needs it"}})
		return nil
	}
	if inRegistry && pkg.Kind == "jit" {
		jit := fmt.Sprintf("%s: %s compiles CUDA code when first used (needs nvcc at run time)", req.Origin, name)
		if pkg.Note != "" {
			jit += ": " + pkg.Note
		}
		_, _, isWheel := wheelOf(req.Req.URL)
		if req.Req.URL != "" && !isWheel && len(pkg.Sources) > 0 {
			// A source build of a JIT package: a compiled wheel from
			// its sources is better; without one, it is kept.
			e := p.addExtension(name, pkg, req)
			e.build = "a source build (" + shortURL(req.Req.URL) + ") compiles CUDA code at first use, which needs nvcc"
			e.soft = jit
			return e
		}
		if !isWheel {
			// A user's wheel is compiled already; when it does not fit,
			// its fallback says so (wheelFallback).
			p.r.warnf("%s", jit)
		}
	}
	if inRegistry && pkg.PyPI == "absent" && req.Req.URL == "" {
		// Not on PyPI at all: a bare name cannot install; only a wheel can.
		e := p.addExtension(name, pkg, req)
		e.spec = e.spec.And(req.Req.Specifiers)
		e.build = fmt.Sprintf("%s is not on PyPI", name)
		return e
	}

	if req.Req.URL != "" {
		if w, file, isWheel := wheelOf(req.Req.URL); isWheel {
			return p.userWheel(name, pkg, req, w, file)
		}
		if inRegistry && pkg.NeedsPrebuiltWheel() {
			e := p.addExtension(name, pkg, req)
			e.build = "a source build (" + shortURL(req.Req.URL) + ") needs nvcc, which the ZeroGPU builder lacks"
			return e
		}
		return nil
	}
	if inRegistry && pkg.NeedsPrebuiltWheel() {
		e := p.addExtension(name, pkg, req)
		e.spec = e.spec.And(req.Req.Specifiers)
		if e.build == "" {
			e.build = fmt.Sprintf("%s on PyPI is an sdist; building it needs nvcc, which the ZeroGPU builder lacks", name)
		}
		return e
	}
	return nil
}

// userWheel registers a direct wheel URL as the user's own wheel of a CUDA
// package: one of the registry, or one whose label names a torch build
// (nil otherwise: the line is kept). A wheel for another Python is judged
// with the torch (tryTorch): one of the registry is swapped for a wheel
// that fits; the others are one problem (pythonProblem).
func (p *planner) userWheel(name string, pkg *catalog.Package, req Requirement, w wheeltags.Wheel, file string) *extension {
	needs := cudalabel.FromWheel(w)
	if hp, ok := cudalabel.FromHubPath(catalog.HubPathOf(req.Req.URL)); ok {
		needs = hp
	}
	if pkg == nil && needs.TorchMajor == 0 {
		return nil
	}
	e := p.addExtension(name, pkg, req)
	if e.user != nil {
		p.r.warnf("%s: a second wheel for %s (%s); the first (%s) is used", req.Origin, name, file, e.wheelFile)
		return e
	}
	rc := req
	e.user, e.wheel, e.wheelFile, e.needs = &rc, w, file, needs
	if pkg != nil && pkg.Kind == "jit" && pkg.PyPI != "absent" {
		e.soft = fmt.Sprintf("%s: %s compiles CUDA code when first used (needs nvcc at run time)", req.Origin, name)
		e.fallback = name + "==" + w.Version.Public().String()
	}
	if pkg == nil {
		p.wheelTorch = append(p.wheelTorch, e)
	}
	return e
}

func (p *planner) addExtension(name string, pkg *catalog.Package, req Requirement) *extension {
	e, ok := p.exts[name]
	if !ok {
		e = &extension{name: name, pkg: pkg}
		p.exts[name] = e
		p.extOrder = append(p.extOrder, name)
	}
	e.reqs = append(e.reqs, req)
	return e
}

func shortURL(u string) string {
	if len(u) > 72 {
		return u[:69] + "..."
	}
	return u
}

// tagPython turns "cp310" into "3.10".
func tagPython(tags string) string {
	t := strings.Split(tags, ",")[0]
	if strings.HasPrefix(t, "cp") && len(t) >= 4 {
		return t[2:3] + "." + t[3:]
	}
	return t
}

// query builds the wheel query for an extension at torch version t.
func (p *planner) query(e *extension, t pep440.Version) WheelQuery {
	abi, cuda := target.TorchBuild(p.c, t)
	maj, min := t.MajorMinor()
	q := WheelQuery{
		Package: e.name, Specifiers: e.spec, Python: p.py, Torch: [2]int{maj, min}, TorchVersion: t.String(),
		CUDA: cuda, ABI: abi, GPUArch: p.c.Platform.GPUArch,
	}
	if _, paired := p.c.Pairing(e.name); paired {
		// xformers: only the releases built for this torch.
		if spec, _, ok := p.c.SidecarSpec(t, e.name); ok {
			q.Specifiers = q.Specifiers.And(spec)
		}
	}
	return q
}

// userWheelFits reports whether the user's own wheel fits torch t: the
// target's one decision (target.Target.Build, with the wheel's Hub cell and
// the catalog's GPU facts), and, for a side-car paired with torch
// (xformers), a release built for t.
func (p *planner) userWheelFits(e *extension, t pep440.Version) (bool, []string) {
	if ok, tags := p.tg.FitsPython(e.wheel); !ok {
		return false, []string{fmt.Sprintf("built for %s, the Space runs cp%d%d", tags, p.py[0], p.py[1])}
	}
	tq := p.tg.WithTorch(p.c, t)
	url := e.user.Req.URL
	needs, _ := tq.Needs(e.wheel, catalog.HubPathOf(url), tq.Tolerates(url, ""))
	ms := tq.Build(e.wheel, needs)
	ok, reasons := len(ms) == 0, target.Reasons(ms)
	if fits, spec, source := p.c.SidecarFits(t, e.name, e.wheel.Version); !fits {
		ok = false
		reasons = append(reasons, fmt.Sprintf("%s %s is not a release built for torch %s (%s%s; %s)", e.name, e.wheel.Version.Public(), torchMinor(t), e.name, spec, source))
	}
	return ok, reasons
}

// describe says what a chosen wheel is built for.
func describe(m *WheelMatch) string {
	return fmt.Sprintf("prebuilt wheel %s (%s) from %s", m.Filename, m.Needs.String(), m.Source)
}

// sourceWord names where a wheel comes from, briefly.
func sourceWord(m *WheelMatch) string {
	s := m.Source
	if i := strings.Index(s, " ("); i > 0 {
		s = s[:i]
	}
	return s
}

// lineFor renders a chosen wheel as a requirement line.
func lineFor(name string, m *WheelMatch) string {
	return name + " @ " + m.URL
}

// registryRepo returns the registry package a VCS or archive URL of no
// name points at by its repository's name (".../NVlabs/nvdiffrast.git" is
// nvdiffrast), or "".
func (p *planner) registryRepo(rawURL string) string {
	if rawURL == "" {
		return ""
	}
	u := strings.TrimPrefix(rawURL, "git+")
	if i := strings.IndexAny(u, "#?"); i >= 0 {
		u = u[:i]
	}
	if i := strings.LastIndexByte(u, '@'); i > strings.Index(u, "://")+3 && strings.Count(u[i:], "/") == 0 {
		u = u[:i] // a revision
	}
	base := strings.TrimSuffix(path.Base(strings.TrimSuffix(u, "/")), ".git")
	name := pep508.NormalizeName(base)
	if pkg, ok := p.c.Package(name); ok {
		return pkg.Name
	}
	return ""
}
