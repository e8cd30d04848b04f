package resolver

import (
	"context"
	"errors"
)

// rootID is the package id of the virtual root, whose one version depends on
// the request's requirements and constraints.
const rootID = 0

// assignment is one entry of the partial solution: a decision (a version
// chosen) or a derivation (a term implied by an incompatibility).
type assignment struct {
	pkg     int
	set     vset
	level   int
	cause   *incompat // nil for a decision
	version int       // decisions: the candidate index chosen
}

// pkgState is the partial solution seen from one package: its assignments in
// order and the intersection of their sets after each one.
type pkgState struct {
	assigns []int  // indexes into solver.assigns
	accum   []vset // accum[k] = intersection of the sets of assigns[:k+1]
	decided int    // candidate index, or -1
}

func (s *solver) accum(pkg int) vset {
	st := &s.states[pkg]
	if len(st.accum) == 0 {
		return s.pkgs[pkg].full
	}
	return st.accum[len(st.accum)-1]
}

type relation int

const (
	relInconclusive relation = iota
	relSatisfied
	relContradicted
)

func (s *solver) relation(t term) relation {
	a := s.accum(t.pkg)
	if a.subsetOf(t.set) {
		return relSatisfied
	}
	if a.disjoint(t.set) {
		return relContradicted
	}
	return relInconclusive
}

func (s *solver) assign(pkg int, set vset, cause *incompat, version int) {
	s.ensureState(pkg)
	a := s.accum(pkg).and(set)
	st := &s.states[pkg]
	st.assigns = append(st.assigns, len(s.assigns))
	st.accum = append(st.accum, a)
	if cause == nil {
		st.decided = version
	}
	s.assigns = append(s.assigns, assignment{pkg: pkg, set: set, level: s.level, cause: cause, version: version})
}

func (s *solver) ensureState(pkg int) {
	for len(s.states) <= pkg {
		s.states = append(s.states, pkgState{decided: -1})
	}
}

func (s *solver) decide(pkg, version int) {
	s.level++
	set := emptySet(s.pkgs[pkg].n)
	set.set(version)
	s.assign(pkg, set, nil, version)
}

// backtrack removes every assignment above level.
func (s *solver) backtrack(level int) {
	for len(s.assigns) > 0 && s.assigns[len(s.assigns)-1].level > level {
		a := s.assigns[len(s.assigns)-1]
		s.assigns = s.assigns[:len(s.assigns)-1]
		st := &s.states[a.pkg]
		st.assigns = st.assigns[:len(st.assigns)-1]
		st.accum = st.accum[:len(st.accum)-1]
		if a.cause == nil {
			st.decided = -1
		}
	}
	s.level = level
}

// satisfier returns the index of the earliest assignment after which the
// partial solution satisfies t.
func (s *solver) satisfier(t term) int {
	st := &s.states[t.pkg]
	for k, a := range st.accum {
		if a.subsetOf(t.set) {
			return st.assigns[k]
		}
	}
	panic("resolver: term not satisfied by the partial solution")
}

func (s *solver) addIncompat(ic *incompat) {
	for _, t := range ic.terms {
		for len(s.byPkg) <= t.pkg {
			s.byPkg = append(s.byPkg, nil)
		}
		s.byPkg[t.pkg] = append(s.byPkg[t.pkg], ic)
	}
}

// propagate runs unit propagation from pkg. It returns the incompatibility
// proving failure, or nil.
func (s *solver) propagate(pkg int) (*incompat, error) {
	changed := []int{pkg}
	queued := map[int]bool{pkg: true}
next:
	for len(changed) > 0 {
		p := changed[len(changed)-1]
		changed = changed[:len(changed)-1]
		delete(queued, p)
		list := s.byPkg[p]
		for i := len(list) - 1; i >= 0; i-- {
			ic := list[i]
			unsat, rel := s.check(ic)
			switch rel {
			case relSatisfied:
				root, failed := s.resolveConflict(ic)
				if failed {
					return root, nil
				}
				t, _ := s.check(root)
				s.assign(t.pkg, s.negate(t).set, root, -1)
				changed = append(changed[:0], t.pkg)
				clear(queued)
				queued[t.pkg] = true
				continue next
			case relInconclusive:
				s.assign(unsat.pkg, s.negate(unsat).set, ic, -1)
				if !queued[unsat.pkg] {
					changed = append(changed, unsat.pkg)
					queued[unsat.pkg] = true
				}
			}
		}
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// check classifies ic against the partial solution: relSatisfied (a
// conflict), relInconclusive with the one term not yet satisfied (almost
// satisfied: propagate its negation), or relContradicted (nothing to do).
func (s *solver) check(ic *incompat) (term, relation) {
	var unsat term
	found := false
	for _, t := range ic.terms {
		switch s.relation(t) {
		case relContradicted:
			return term{}, relContradicted
		case relInconclusive:
			if found {
				return term{}, relContradicted // two open terms: nothing to derive
			}
			unsat, found = t, true
		}
	}
	if !found {
		return term{}, relSatisfied
	}
	return unsat, relInconclusive
}

// resolveConflict learns from the satisfied incompatibility ic until it
// finds one that backtracking makes almost satisfied, and backtracks. It
// reports failed when the learned incompatibility proves there is no
// solution.
func (s *solver) resolveConflict(ic *incompat) (*incompat, bool) {
	learned := false
	for {
		if s.isFailure(ic) {
			return ic, true
		}
		var (
			recentTerm term
			recent     = -1
			diff       vset
			prevLevel  = 1
		)
		for _, t := range ic.terms {
			sat := s.satisfier(t)
			if recent < 0 {
				recent, recentTerm = sat, t
			} else if recent < sat {
				prevLevel = max(prevLevel, s.assigns[recent].level)
				recent, recentTerm, diff = sat, t, nil
			} else {
				prevLevel = max(prevLevel, s.assigns[sat].level)
			}
			if recentTerm.pkg == t.pkg {
				a := s.assigns[recent]
				d := a.set.and(t.set.not(s.pkgs[t.pkg].n))
				diff = nil
				if !d.isEmpty() {
					diff = d
					inv := term{pkg: t.pkg, set: d.not(s.pkgs[t.pkg].n)}
					prevLevel = max(prevLevel, s.assigns[s.satisfier(inv)].level)
				}
			}
		}
		sat := s.assigns[recent]
		if prevLevel < sat.level || sat.cause == nil {
			s.backtrack(prevLevel)
			if learned {
				s.addIncompat(ic)
			}
			return ic, false
		}
		terms := make([]term, 0, len(ic.terms)+len(sat.cause.terms))
		for _, t := range ic.terms {
			if t.pkg != recentTerm.pkg {
				terms = append(terms, t)
			}
		}
		for _, t := range sat.cause.terms {
			if t.pkg != sat.pkg {
				terms = append(terms, t)
			}
		}
		if diff != nil {
			terms = append(terms, term{pkg: recentTerm.pkg, set: diff.not(s.pkgs[recentTerm.pkg].n)})
		}
		ic = s.newDerived(terms, ic, sat.cause)
		learned = true
		s.stats.Conflicts++
	}
}

// solve runs PubGrub from the root. It returns the failure incompatibility
// when there is no solution.
func (s *solver) solve(ctx context.Context) (*incompat, error) {
	s.ctx = ctx
	s.addIncompat(&incompat{terms: []term{{pkg: rootID, set: s.negate(term{pkg: rootID, set: s.single(rootID, 0)}).set}}, kind: causeRoot, rootIdx: -1})
	next := rootID
	for {
		fail, err := s.propagate(next)
		if err != nil || fail != nil {
			return fail, err
		}
		pkg := s.choosePackage()
		if pkg < 0 {
			return nil, nil
		}
		next = pkg
		version := s.pickVersion(pkg, s.accum(pkg))
		deps, fresh, err := s.dependencies(pkg, version)
		var ue *UnavailableError
		if errors.As(err, &ue) {
			// The provider found out late that this version cannot be used:
			// forbid it and choose again.
			s.addIncompat(&incompat{terms: []term{{pkg: pkg, set: s.single(pkg, version)}}, kind: causeUnavailable, note: ue.Reason, rootIdx: -1})
			s.stats.Decisions++
			continue
		}
		if err != nil {
			return nil, err
		}
		conflict := false
		for _, ic := range deps {
			if fresh {
				s.addIncompat(ic)
			}
			if !conflict && s.depConflicts(ic, pkg) {
				conflict = true
			}
		}
		if !conflict {
			s.decide(pkg, version)
		}
		s.stats.Decisions++
	}
}

// depConflicts reports whether every term of ic other than pkg's is already
// satisfied, so deciding pkg would immediately conflict.
func (s *solver) depConflicts(ic *incompat, pkg int) bool {
	for _, t := range ic.terms {
		if t.pkg == pkg {
			continue
		}
		if s.relation(t) != relSatisfied {
			return false
		}
	}
	return true
}

// choosePackage returns the undecided package with a positive derivation
// to decide next, or -1 when every required package is decided: packages
// the request pins first, then the one with the fewest allowed candidates,
// ties broken by the one seen first.
func (s *solver) choosePackage() int {
	best, bestCount, bestClass := -1, 0, 0
	for pkg := range s.states {
		st := &s.states[pkg]
		if st.decided >= 0 || len(st.accum) == 0 {
			continue
		}
		p := s.pkgs[pkg]
		a := st.accum[len(st.accum)-1]
		if a.has(p.n) {
			continue // not required (yet)
		}
		c := a.count(p.n)
		class := 1
		if p.extra == "" && s.pinned[p.name] {
			class = 0
		}
		if best < 0 || class < bestClass || class == bestClass && (c < bestCount || (c == bestCount && p.order < s.pkgs[best].order)) {
			best, bestCount, bestClass = pkg, c, class
		}
	}
	return best
}

// single returns the set holding only candidate i of pkg.
func (s *solver) single(pkg, i int) vset {
	set := emptySet(s.pkgs[pkg].n)
	set.set(i)
	return set
}
