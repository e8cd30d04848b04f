package zerogpu

import (
	"fmt"
	"regexp"

	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/reqfile"
)

// torchOwnPin matches the packages torch's Linux wheels pin for their own
// build (Requires-Dist): the nvidia-*-cuNN libraries (exact pins) and sympy
// (torch 2.5/2.6: ==1.13.1; 2.7 and later: >=1.13.3). triton is a side-car
// (pinSidecars realigns it).
var torchOwnPin = regexp.MustCompile(`^(nvidia-[a-z0-9-]+-cu\d+|sympy)$`)

// dropStaleTorchPins leaves out, of a requirements file whose torch pin
// zgpu moved to another version, the exact pins of what torch itself pins
// (nvidia-*-cuNN, sympy): they were made for the old torch, pip cannot
// install them with the new one, and the new torch brings its own. Each
// leaves a note. (A lock export that records what needs each package is
// left to dropStaleTorchDeps; a pylock.toml without `dependencies` records
// nothing, and gets this rule.)
func (p *planner) dropStaleTorchPins() {
	if p.in.Locked && p.lockGraph() {
		return
	}
	var was string
	for _, c := range p.r.Changes {
		if c.Name == "torch" && c.Before != "" && c.After != "" && !samePublicPin(c.Before, c.After) {
			was = c.Before
		}
	}
	if was == "" {
		return
	}
	var kept []Line
	for _, l := range p.kept {
		if !p.staleTorchPin(l) {
			kept = append(kept, l)
			continue
		}
		why := fmt.Sprintf("pinned for %s; torch %s pins its own", was, p.r.Target.Torch)
		p.r.Changes = append(p.r.Changes, Change{Name: l.Name, Before: l.Text, Reason: why, Origin: l.Origin})
		p.repaired(Problem{
			Subject: l.Name, Origin: l.Origin,
			Message: fmt.Sprintf("%s was pinned for %s: pip cannot install it with torch %s", l.Text, was, p.r.Target.Torch),
			Fixes:   []string{"remove the line (torch installs the build it needs)"},
		})
	}
	p.kept = kept
}

// staleTorchPin reports whether l is an exact pin of a package torch pins
// for its own build, kept as the user wrote it.
func (p *planner) staleTorchPin(l Line) bool {
	if l.Reason != "" || !torchOwnPin.MatchString(pep508.NormalizeName(l.Name)) {
		return false
	}
	req, ok := l.named()
	if !ok || req.URL != "" {
		return false
	}
	_, exact := reqfile.Pinned(req)
	return exact
}

// lockGraph reports whether the lock export records what needs each
// package (uv.lock always; pylock.toml when its packages list their
// dependencies).
func (p *planner) lockGraph() bool {
	for _, r := range p.in.Requirements {
		if len(r.Via) > 0 {
			return true
		}
	}
	return false
}
