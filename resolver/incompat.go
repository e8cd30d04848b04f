package resolver

// A term says something about one package: its set of allowed outcomes (see
// vset). A positive term requires the package to be selected.
type term struct {
	pkg int
	set vset
}

// causeKind says why an incompatibility holds.
type causeKind int

const (
	causeRoot           causeKind = iota // the root must be selected
	causeDependency                      // pkg version depends on a requirement
	causeNoVersions                      // a requirement matches no candidate
	causeUnavailable                     // candidates the target cannot install
	causeRequiresPython                  // candidates whose Requires-Python excludes the target
	causeDerived                         // learned from two others
)

// incompat is a set of terms that must not all be true at once. External
// incompatibilities carry what the explanation needs to say them in English;
// derived ones point at the two they were resolved from.
type incompat struct {
	terms []term
	kind  causeKind

	// causeDependency: the depender's term is terms[0] (a single version or,
	// for the root, the root); req is the requirement as written.
	// causeNoVersions: req is the requirement, note says what was excluded.
	// causeUnavailable / causeRequiresPython: note holds the reason(s).
	req    string
	origin string // where a root requirement was written, "" otherwise
	note   string
	dep    int // causeDependency, causeNoVersions: the required package
	// constraint marks a dependency of the root that only restricts (-c);
	// rootIdx is the index of a root requirement in Request.Requirements
	// (or Request.Constraints when constraint), -1 otherwise.
	constraint bool
	rootIdx    int

	left, right *incompat // causeDerived
}

// newDerived builds the incompatibility learned from resolving left and
// right: terms of the same package are intersected, terms allowing
// everything are dropped, and a positive root term is dropped when others
// remain (the root is always selected, so it only adds noise).
func (s *solver) newDerived(terms []term, left, right *incompat) *incompat {
	merged := make([]term, 0, len(terms))
	idx := map[int]int{}
	for _, t := range terms {
		if i, ok := idx[t.pkg]; ok {
			merged[i].set = merged[i].set.and(t.set)
			continue
		}
		idx[t.pkg] = len(merged)
		merged = append(merged, term{pkg: t.pkg, set: t.set.clone()})
	}
	out := merged[:0]
	for _, t := range merged {
		if t.set.equal(s.full(t.pkg)) {
			continue
		}
		out = append(out, t)
	}
	if len(out) > 1 {
		kept := out[:0]
		for _, t := range out {
			if t.pkg == rootID && s.positive(t) {
				continue
			}
			kept = append(kept, t)
		}
		out = kept
	}
	return &incompat{terms: out, kind: causeDerived, left: left, right: right, rootIdx: -1}
}

// positive reports whether t requires its package to be selected.
func (s *solver) positive(t term) bool { return !t.set.has(s.pkgs[t.pkg].n) }

// full returns the set allowing anything for pkg.
func (s *solver) full(pkg int) vset { return s.pkgs[pkg].full }

// negate returns ¬t.
func (s *solver) negate(t term) term {
	return term{pkg: t.pkg, set: t.set.not(s.pkgs[t.pkg].n)}
}

// isFailure reports whether ic says version solving failed: nothing may be
// true at all, or the root itself is forbidden.
func (s *solver) isFailure(ic *incompat) bool {
	if len(ic.terms) == 0 {
		return true
	}
	return len(ic.terms) == 1 && ic.terms[0].pkg == rootID && s.positive(ic.terms[0])
}

// termFor returns ic's term for pkg and whether it has one.
func (ic *incompat) termFor(pkg int) (term, bool) {
	for _, t := range ic.terms {
		if t.pkg == pkg {
			return t, true
		}
	}
	return term{}, false
}
