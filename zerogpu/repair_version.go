package zerogpu

import (
	"fmt"
	"strings"

	"github.com/zgpu/zgpu/pep440"
)

// The version move of a CUDA package (issue 10), the same repair as the
// torch move: a pin of a CUDA package that no allowed torch has a prebuilt
// wheel for (flash-attn==2.5.7, pytorch3d==0.7.8+pt2.1.0cu121) moves to the
// nearest version that has one — the lowest at or above the pin, else the
// highest below it — with a note and a warning. It is the last resort of
// the torch choice (torchChoice.cands: the move pass comes after every
// torch was tried keeping and swapping the user's wheels), so a pin that
// some allowed torch fits is kept. A CUDA package with no fitting wheel at
// any version is one problem that says so: it needs a human.

// tryCand tries candidate c: the CUDA wheels at its torch (tryTorch), and,
// for a move candidate, the version moves (movePins).
func (p *planner) tryCand(c torchCand) (*torchAttempt, error) {
	a, err := p.tryTorch(c.torch, c.replace)
	if err != nil || !c.move {
		return a, err
	}
	return a, p.movePins(a)
}

// movePins moves, in attempt a, each failing CUDA package pinned to
// versions that have no fitting wheel to the nearest version that has one;
// a package with none at any version gets the problem that says so.
func (p *planner) movePins(a *torchAttempt) error {
	for _, name := range p.extOrder {
		pr, failed := a.fails[name]
		e := p.exts[name]
		if !failed || pr.cause != "" || e.soft != "" || (e.user != nil && e.pkg == nil) || p.opts.Finder == nil {
			continue
		}
		q := p.query(e, a.torch)
		_, misses, err := p.opts.Finder.FindWheel(p.ctx, q)
		if err != nil {
			return fmt.Errorf("finding a wheel for %s: %w", name, err)
		}
		v, ok := nearestVersion(e.spec, misses)
		if !ok || e.user != nil {
			if !unsearched(misses) {
				a.fails[name] = p.noWheelAnywhere(e, q, misses, pr)
			}
			continue
		}
		exact := q
		exact.Specifiers, _ = pep440.ParseSpecifiers("==" + v.Public().String())
		if _, paired := p.c.Pairing(name); paired {
			if spec, _, ok := p.c.SidecarSpec(a.torch, name); ok {
				exact.Specifiers = exact.Specifiers.And(spec)
			}
		}
		m, _, err := p.opts.Finder.FindWheel(p.ctx, exact)
		if err != nil {
			return fmt.Errorf("finding a wheel for %s: %w", name, err)
		}
		if m == nil {
			continue
		}
		m.Moved = fmt.Sprintf("was %s, which has no wheel for torch %s: %s is the nearest version with one", e.before(), torchMinor(a.torch), v.Public())
		a.choices[name] = m
		delete(a.fails, name)
	}
	return nil
}

// nearestVersion picks, of the versions whose wheels fit the target but
// not spec (the misses' Outside), the nearest to what spec asks for: the
// lowest at or above its lower bound, else the highest below (as
// nearestTorch orders torch versions).
func nearestVersion(spec pep440.Specifiers, misses []WheelMiss) (pep440.Version, bool) {
	var vs []pep440.Version
	seen := map[string]bool{}
	for _, m := range misses {
		if m.Outside == "" {
			continue
		}
		v, err := pep440.Parse(m.Outside)
		if err != nil || seen[v.Public().String()] {
			continue
		}
		seen[v.Public().String()] = true
		vs = append(vs, v.Public())
	}
	if len(vs) == 0 || len(spec) == 0 {
		return pep440.Version{}, false
	}
	return nearestTorch(vs, spec)[0], true
}

// unsearched reports whether the misses say the package's sources were not
// searched (offline, with a catalog snapshot that knows no wheel of it):
// zgpu then cannot tell whether a wheel exists.
func unsearched(misses []WheelMiss) bool {
	for _, m := range misses {
		if m.Snapshot || strings.HasPrefix(m.Filename, "catalog snapshot ") {
			return true
		}
	}
	return false
}

// noWheelAnywhere is the problem of CUDA package e when no version of it
// has a prebuilt wheel for the target in the sources searched: a human
// must build one, or drop the package. pr is the problem the attempt had
// (its nearest wheels are kept).
func (p *planner) noWheelAnywhere(e *extension, q WheelQuery, misses []WheelMiss, pr Problem) Problem {
	var unread []string
	for _, m := range misses {
		if m.Unread {
			unread = append(unread, strings.TrimPrefix(m.Filename, "source "))
		}
	}
	searched := "none of the sources zgpu searched has one"
	if len(unread) > 0 {
		// Not "no wheel anywhere": what those sources hold is unknown.
		searched = fmt.Sprintf("none of the sources zgpu could read has one, and %d could not be read (%s)", len(unread), shorten(strings.Join(unread, ", "), 120))
	}
	msg := fmt.Sprintf("no prebuilt %s wheel fits cp%d%d, torch %d.%d, CUDA %d, C++11 ABI %s, %s at any version: %s",
		e.name, q.Python[0], q.Python[1], q.Torch[0], q.Torch[1], q.CUDA[0], abiWord(q.ABI), q.GPUArch, searched)
	switch {
	case e.user != nil:
		msg += "; " + pr.Message // the user's wheel, and why it does not fit
	case e.build != "":
		msg += "; " + e.build
	}
	out := Problem{Subject: e.name, Origin: pr.Origin, Message: msg, Nearest: pr.Nearest}
	if e.user != nil {
		out.Fixes = pr.Fixes // what would make the user's wheel fit
	}
	for _, m := range misses {
		if m.Fix != "" {
			out.Fixes = append(out.Fixes, m.Fix) // another Python or torch
		}
	}
	py := fmt.Sprintf("%d.%d", q.Python[0], q.Python[1])
	if len(unread) > 0 {
		out.Fixes = append(out.Fixes, "run again when those sources can be read (online; without --offline)")
	}
	see := fmt.Sprintf("see every %s wheel found and why it does not fit: zgpu wheel find %s --python %s --torch %s", e.name, e.name, py, q.TorchVersion)
	if len(out.Fixes) > 0 {
		see = "or " + see
	}
	out.Fixes = append(out.Fixes, see,
		fmt.Sprintf("or build a %s wheel for cp%d%d, torch %d.%d, CUDA %d.%d and %s, and pin it by URL (%s @ https://.../FILE.whl)", e.name, q.Python[0], q.Python[1], q.Torch[0], q.Torch[1], q.CUDA[0], q.CUDA[1], q.GPUArch, e.name),
		fmt.Sprintf("or remove the line, if the Space runs without %s", e.name))
	if e.pkg != nil && e.pkg.Kernels != "" {
		out.Fixes = append(out.Fixes, fmt.Sprintf("or load the kernel at run time with the kernels library: get_kernel(%q)", e.pkg.Kernels))
	}
	return out
}

// movedPin records the version move of CUDA package e to m's version at
// torch t: a warning (check the code with it) and a repair.
func (p *planner) movedPin(e *extension, m *WheelMatch, t pep440.Version) {
	v := pep440.MustParse(m.Version).Public()
	p.r.warnf("%s: %s has no prebuilt wheel for torch %s (cp%d%d, %s): moved to %s %s, the nearest version with one; check that your code runs with it",
		e.origin(), e.before(), torchMinor(t), p.py[0], p.py[1], p.c.Platform.GPUArch, e.name, v)
	p.repaired(Problem{
		Subject: e.name, Origin: e.origin(),
		Message: fmt.Sprintf("%s has no prebuilt wheel for torch %s on ZeroGPU", e.before(), torchMinor(t)),
		Fixes:   []string{fmt.Sprintf("pin %s==%s, the nearest version with a wheel that fits (%s)", e.name, v, m.Filename)},
	})
}
