package zerogpu

import (
	"fmt"
	"sort"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
)

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
	far := ""
	if ref, ok := torchRef(tc.spec); ok && minorDistance(ref, t) > 2 {
		far = fmt.Sprintf(" (torch %s to %s, more than two minor versions); check that your code runs with torch %s", torchMinor(ref), torchMinor(t), torchMinor(t))
	}
	if _, pre := p.torchLineOrigin(); !pre && far != "" { // else checkPreTorch warns
		p.r.warnf("%s is not allowed on ZeroGPU: moved to torch==%s%s", tc.repair, t, far)
	}
}

// preTorchWarning is the one warning about a torch pin of
// pre-requirements.txt outside the allow-list, once the written file pins
// torch t: what the file does, and the fix of pre-requirements.txt, which
// zgpu does not write.
func (p *planner) preTorchWarning(req Requirement, t pep440.Version) {
	far := ""
	if ref, ok := torchRef(req.Req.Specifiers); ok && minorDistance(ref, t) > 2 {
		far = fmt.Sprintf(" (torch %s to %s, more than two minor versions: check that your code runs with torch %s)", torchMinor(ref), torchMinor(t), torchMinor(t))
	}
	p.r.warnf("%s: %s in pre-requirements.txt is not allowed on ZeroGPU: the written file pins torch==%s, which the builder installs over it%s; change the line of pre-requirements.txt to torch==%s, or remove it (torch is then installed once)", req.Origin, req.Text, t, far, t)
}

// torchLineOrigin is the origin of the torch line written, and whether
// torch comes only from a pin of pre-requirements.txt outside the
// allow-list: the line is then added to the file ("" origin), which the
// builder installs after, over it.
func (p *planner) torchLineOrigin() (origin string, pre bool) {
	if len(p.torch) > 0 && isPre(p.torch[0]) && preTorchOutside(p.c, p.torch[0]) {
		return "", true
	}
	if len(p.torch) > 0 {
		return p.torch[0].Origin, false
	}
	return "", false
}

// preTorchOutside reports whether r, of pre-requirements.txt, is a torch
// requirement no allowed version satisfies (preTorchWarning).
func preTorchOutside(c *catalog.Catalog, r Requirement) bool {
	return pep508.NormalizeName(r.Req.Name) == "torch" && r.Req.URL == "" && len(r.Req.Specifiers.Filter(c.AllowedTorch(), true)) == 0
}

// isPre reports whether a requirement comes from pre-requirements.txt.
func isPre(r Requirement) bool { return strings.Contains(r.Origin, "pre-requirements") }

// preTorchNote is the note of the torch line added for a torch pin of
// pre-requirements.txt that is not allowed.
func preTorchNote(was string, t pep440.Version) string {
	return fmt.Sprintf("pre-requirements.txt pins %s, not allowed on ZeroGPU; this installs torch %s over it", was, t)
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
