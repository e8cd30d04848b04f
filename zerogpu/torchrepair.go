package zerogpu

import (
	"fmt"
	"sort"
	"strings"

	"github.com/zgpu/zgpu/pep440"
)

// canRepairTorch reports whether a torch pin outside the allow-list is
// rewritten rather than refused: it is not when the pin comes from
// pre-requirements.txt (which zgpu does not write). A lock export's pin is
// rewritten too; the lock's pins of what only the old torch needed are
// then left out (dropStaleTorchDeps).
func (p *planner) canRepairTorch() bool {
	for _, t := range p.torch {
		if strings.Contains(t.Origin, "pre-requirements") {
			return false
		}
	}
	return true
}

// repairTorch makes tc the choice for torch requirements that no allowed
// version satisfies: the allowed versions, nearest first (see
// nearestTorch), the first that every CUDA wheel fits and that resolves
// winning; the line gets a short note (torchRepaired).
func (p *planner) repairTorch(tc *torchChoice, allowed []pep440.Version) {
	was := p.torchWas()
	p.torchNote = "was " + was + ", not allowed on ZeroGPU"
	tc.versions = nearestTorch(allowed, tc.spec)
	tc.source = "the nearest allowed version to " + was + " (not allowed on ZeroGPU)"
	tc.repair = was
}

// torchRepaired records the repair of a torch requirement outside the
// allow-list once torch t is committed, and warns when it moved more than
// two minors.
func (p *planner) torchRepaired(tc *torchChoice, t pep440.Version) {
	p.repaired(Problem{
		Subject: "torch", Origin: p.torchOrigin(tc.allowed),
		Message: fmt.Sprintf("%s is not allowed on ZeroGPU (allowed: %s)", tc.repair, strings.Join(p.c.Torch.Allowed, ", ")),
		Fixes:   []string{fmt.Sprintf("pin torch==%s, the nearest allowed version that fits", t)},
	})
	if ref, ok := torchRef(tc.spec); ok && minorDistance(ref, t) > 2 {
		p.r.warnf("%s is not allowed on ZeroGPU: moved to torch==%s (torch %s to %s, more than two minor versions); check that your code runs with torch %s", tc.repair, t, torchMinor(ref), torchMinor(t), torchMinor(t))
	}
}

// torchWas spells the torch pins as written, without markers or
// options: "torch==2.4.0", "torch>=2.0,<2.5".
func (p *planner) torchWas() string {
	var out []string
	for _, t := range p.torch {
		switch {
		case t.Req.URL != "":
			if w, _, ok := wheelOf(t.Req.URL); ok {
				out = append(out, "torch=="+w.Version.String())
			}
		case len(t.Req.Specifiers) > 0:
			out = append(out, "torch"+t.Req.Specifiers.String())
		}
	}
	if len(out) == 0 {
		return "torch"
	}
	return strings.Join(out, ", ")
}

// nearestTorch orders the allowed versions nearest first for spec: the
// allowed versions at or above what spec asks for, lowest first, then the
// ones below it, highest first. A spec with no lower bound (torch<2.5)
// asks for nothing lower than any allowed version.
func nearestTorch(allowed []pep440.Version, spec pep440.Specifiers) []pep440.Version {
	ref, ok := torchLow(spec)
	var above, below []pep440.Version
	for _, v := range allowed {
		if !ok || v.Compare(ref) >= 0 {
			above = append(above, v)
		} else {
			below = append(below, v)
		}
	}
	sortVersions(above, true)
	sortVersions(below, false)
	return append(above, below...)
}

// torchLow returns the highest lower bound (or exact pin) of spec.
func torchLow(spec pep440.Specifiers) (pep440.Version, bool) {
	var low pep440.Version
	ok := false
	for _, s := range spec {
		switch s.Op {
		case "==", "===", ">=", ">", "~=":
		default:
			continue
		}
		v, err := pep440.Parse(strings.TrimSuffix(s.Version, ".*"))
		if err != nil {
			continue
		}
		if !ok || v.Compare(low) > 0 {
			low, ok = v, true
		}
	}
	return low, ok
}

// torchRef is the version spec is about, to measure a move from: its
// lower bound, else its lowest upper bound.
func torchRef(spec pep440.Specifiers) (pep440.Version, bool) {
	if v, ok := torchLow(spec); ok {
		return v, true
	}
	var ref pep440.Version
	ok := false
	for _, s := range spec {
		if s.Op != "<" && s.Op != "<=" {
			continue
		}
		v, err := pep440.Parse(s.Version)
		if err == nil && (!ok || v.Compare(ref) < 0) {
			ref, ok = v, true
		}
	}
	return ref, ok
}

// minorDistance counts the minor versions between a and b (100 per major).
func minorDistance(a, b pep440.Version) int {
	am, an := a.MajorMinor()
	bm, bn := b.MajorMinor()
	d := (bm-am)*100 + bn - an
	if d < 0 {
		d = -d
	}
	return d
}

// sortVersions sorts vs ascending, or descending when asc is false.
func sortVersions(vs []pep440.Version, asc bool) {
	sort.SliceStable(vs, func(i, j int) bool {
		if asc {
			return vs[i].Compare(vs[j]) < 0
		}
		return vs[i].Compare(vs[j]) > 0
	})
}

// torchOrigin is where the torch requirement that rules the allow-list out
// was written.
func (p *planner) torchOrigin(allowed []pep440.Version) string {
	for _, t := range p.torch {
		if len(t.Req.Specifiers) > 0 && len(t.Req.Specifiers.Filter(allowed, true)) == 0 {
			return t.Origin
		}
	}
	if len(p.torch) > 0 {
		return p.torch[0].Origin
	}
	return ""
}
