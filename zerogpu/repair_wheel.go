package zerogpu

import (
	"fmt"
	"sort"
	"strings"

	"github.com/zgpu/zgpu/pep440"
)

// The repair of a CUDA wheel URL that does not fit the target (issue 10):
// a wheel of a package zgpu knows (the catalog's registry) is swapped for
// the best fitting wheel of the same package, the same version where one
// exists; a JIT package with no fitting wheel falls back to its PyPI
// release of the same version, which compiles at first use. What cannot be
// swapped is reported once per cause: every wheel built for another Python
// is one problem, whose fix is the README's python_version.

// findWheel finds the wheel for extension e: for a user's wheel that does
// not fit, one of its version first, then any version q allows.
func (p *planner) findWheel(e *extension, q WheelQuery) (*WheelMatch, []WheelMiss, error) {
	if e.user != nil && len(q.Specifiers) == 0 {
		if same, err := pep440.ParseSpecifiers("==" + e.wheel.Version.Public().String()); err == nil {
			sq := q
			sq.Specifiers = same
			best, _, err := p.opts.Finder.FindWheel(p.ctx, sq)
			if err != nil || best != nil {
				return best, nil, err
			}
		}
	}
	return p.opts.Finder.FindWheel(p.ctx, q)
}

// userWheelProblem is the problem of a user's wheel that does not fit
// torch t and is not swapped; one built for another Python names that
// cause, so that such problems merge into one (reportFails).
func (p *planner) userWheelProblem(e *extension, t pep440.Version, reasons []string) Problem {
	if ok, tags := p.tg.FitsPython(e.wheel); !ok {
		return Problem{
			Subject: e.name, Origin: e.user.Origin, cause: "python " + tagPython(tags),
			Message: fmt.Sprintf("%s is built for %s, but the Space runs Python %d.%d", e.wheelFile, tags, p.py[0], p.py[1]),
			Fixes: []string{
				fmt.Sprintf("set `python_version: \"%s\"` in README.md (the wheel's Python)", tagPython(tags)),
				fmt.Sprintf("or use a cp%d%d wheel of %s (zgpu wheel find %s --python %d.%d)", p.py[0], p.py[1], e.name, e.name, p.py[0], p.py[1]),
			},
		}
	}
	return Problem{
		Subject: e.name, Origin: e.user.Origin,
		Message: fmt.Sprintf("%s does not fit torch %s: %s", e.wheelFile, t, strings.Join(reasons, "; ")),
		Fixes:   p.wheelFixes(e, t),
	}
}

// reportFails adds the problems of attempt a, one per cause: the wheels
// built for another Python are one problem.
func (p *planner) reportFails(a *torchAttempt) {
	byCause := map[string][]Problem{}
	var order []string
	for _, name := range p.extOrder {
		pr, ok := a.fails[name]
		if !ok {
			continue
		}
		if pr.cause == "" {
			p.r.problem(pr)
			continue
		}
		if _, seen := byCause[pr.cause]; !seen {
			order = append(order, pr.cause)
		}
		byCause[pr.cause] = append(byCause[pr.cause], pr)
	}
	sort.Strings(order)
	for _, c := range order {
		p.r.problem(p.mergeProblems(byCause[c]))
	}
}

// mergeProblems makes the problems of one cause (wheels built for another
// Python) one problem that names every wheel's package.
func (p *planner) mergeProblems(prs []Problem) Problem {
	if len(prs) == 1 {
		return prs[0]
	}
	m := prs[0]
	var names []string
	for _, pr := range prs {
		names = append(names, pr.Subject)
	}
	m.Subject = strings.Join(names, ", ")
	m.Message = fmt.Sprintf("%d wheels (%s) are built for Python %s, but the Space runs Python %d.%d",
		len(prs), m.Subject, strings.TrimPrefix(m.cause, "python "), p.py[0], p.py[1])
	m.Fixes = m.Fixes[:1]
	return m
}

// swappedWheel records the repair of a user's wheel replaced by m.
func (p *planner) swappedWheel(e *extension, m *WheelMatch, reasons []string) {
	p.repaired(Problem{
		Subject: e.name, Origin: e.user.Origin,
		Message: fmt.Sprintf("%s does not fit: %s", e.wheelFile, strings.Join(reasons, "; ")),
		Fixes:   []string{"use " + m.Filename},
	})
}

// wheelFallback writes, for a JIT package's wheel that does not fit torch
// t and has no fitting wheel, its PyPI release of the same version, which
// compiles its CUDA code at first use.
func (p *planner) wheelFallback(e *extension, t pep440.Version) {
	_, reasons := p.userWheelFits(e, t)
	why := fmt.Sprintf("%s does not fit torch %s; PyPI's %s compiles at first use", e.wheelFile, torchMinor(t), e.fallback)
	p.kept = append(p.kept, Line{Name: e.name, Reason: why, Origin: e.user.Origin}.withText(e.fallback))
	p.r.Changes = append(p.r.Changes, Change{Name: e.name, Before: e.user.Text, After: e.fallback, Reason: why, Origin: e.user.Origin})
	p.r.warnf("%s: no prebuilt %s wheel fits torch %s: %s from PyPI replaces %s; it compiles CUDA code when first used (needs nvcc at run time)", e.user.Origin, e.name, torchMinor(t), e.fallback, e.wheelFile)
	p.repaired(Problem{
		Subject: e.name, Origin: e.user.Origin,
		Message: fmt.Sprintf("%s does not fit: %s", e.wheelFile, strings.Join(reasons, "; ")),
		Fixes:   []string{"use " + e.fallback + " from PyPI (compiles its CUDA code at first use)"},
	})
}
