package resolver

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
)

// pkg is one package of the resolution: a real project, a virtual
// "name[extra]" package, or the root.
type pkg struct {
	name  string // normalized project name; "root" for the root
	extra string // the extra of a virtual extras package
	base  int    // the project's own id (itself unless extra != "")
	cands []Candidate
	n     int
	full  vset
	order int  // first-seen order, for deterministic tie-breaks
	url   bool // fixed to a direct URL candidate
	// finals reports whether any installable candidate is a final release.
	installable vset // candidates not excluded by the target
}

func (p *pkg) display() string {
	if p.extra != "" {
		return p.name + "[" + p.extra + "]"
	}
	return p.name
}

type depKey struct{ pkg, version int }

// solver holds one resolution's state.
type solver struct {
	ctx   context.Context
	p     *cachingProvider
	req   Request
	pyver pep440.Version
	hasPy bool

	pkgs  []*pkg
	byKey map[string]int
	urls  map[string]string // normalized name -> URL fixed by the request
	// pinned names the packages the request pins (== or a URL): decided
	// first, as uv and pip do, so conflicts are found against the pins.
	pinned map[string]bool

	byPkg   [][]*incompat
	assigns []assignment
	states  []pkgState
	level   int

	depsOf   map[depKey][]*incompat
	upgrade  map[string]bool
	matchMem map[matchKey]matchResult
	pyOK     map[string]bool // Requires-Python -> holds for the target
	merged   map[mergeKey]*incompat

	stats Stats
}

type matchKey struct {
	pkg  int
	spec string
	url  string
}

type matchResult struct {
	set  vset
	note string
}

func newSolver(ctx context.Context, p *cachingProvider, req Request) (*solver, error) {
	s := &solver{
		ctx: ctx, p: p, req: req,
		byKey:    map[string]int{},
		urls:     map[string]string{},
		pinned:   map[string]bool{},
		depsOf:   map[depKey][]*incompat{},
		upgrade:  map[string]bool{},
		matchMem: map[matchKey]matchResult{},
		pyOK:     map[string]bool{},
		merged:   map[mergeKey]*incompat{},
	}
	for _, n := range req.UpgradePackages {
		s.upgrade[pep508.NormalizeName(n)] = true
	}
	if v, ok := req.Env["python_full_version"]; ok {
		if pv, err := pep440.Parse(v); err == nil {
			s.pyver, s.hasPy = pv, true
		}
	}
	for _, r := range req.Requirements {
		if isPin(r.Specifiers) && s.applies(r.Requirement, "") {
			s.pinned[pep508.NormalizeName(r.Name)] = true
		}
	}
	root := &pkg{name: "root", n: 1, cands: []Candidate{{}}}
	s.addPkg(root, "\x00root")
	// URLs fixed by the request: the first URL of a name wins; a second,
	// different one becomes an unsatisfiable root dependency (see matchSet).
	for _, list := range [][]Requirement{req.Requirements, req.Constraints} {
		for _, r := range list {
			if r.URL == "" || !s.applies(r.Requirement, "") {
				continue
			}
			n := pep508.NormalizeName(r.Name)
			s.pinned[n] = true
			if _, ok := s.urls[n]; !ok {
				s.urls[n] = r.URL
			}
		}
	}
	return s, nil
}

func (s *solver) addPkg(p *pkg, key string) int {
	id := len(s.pkgs)
	if p.extra == "" {
		p.base = id
	}
	p.order = id
	p.full = fullSet(p.n)
	s.pkgs = append(s.pkgs, p)
	s.byKey[key] = id
	s.ensureState(id)
	for len(s.byPkg) <= id {
		s.byPkg = append(s.byPkg, nil)
	}
	return id
}

// lookup returns the id of name (normalized) or name[extra], loading its
// candidates the first time.
func (s *solver) lookup(name, extra string) (int, error) {
	key := name
	if extra != "" {
		key += "[" + extra + "]"
	}
	if id, ok := s.byKey[key]; ok {
		return id, nil
	}
	if extra != "" {
		base, err := s.lookup(name, "")
		if err != nil {
			return 0, err
		}
		b := s.pkgs[base]
		p := &pkg{name: name, extra: extra, cands: b.cands, n: b.n, url: b.url, installable: b.installable}
		id := s.addPkg(p, key)
		p.base = base
		return id, nil
	}
	var cands []Candidate
	url := s.urls[name]
	if url != "" {
		up, ok := s.p.p.(URLProvider)
		if !ok {
			return 0, fmt.Errorf("%s @ %s: %w", name, url, errNoURLProvider)
		}
		c, err := s.p.urlCandidate(s.ctx, up, name, url)
		if err != nil {
			return 0, err
		}
		c.URL = url
		cands = []Candidate{c}
	} else {
		cs, err := s.p.candidates(s.ctx, name)
		if err != nil {
			return 0, err
		}
		cands = sortCandidates(cs)
	}
	p := &pkg{name: name, cands: cands, n: len(cands), url: url != ""}
	id := s.addPkg(p, key)
	s.excludeForTarget(id)
	s.prefetch(id)
	return id, nil
}

// sortCandidates returns the candidates best first (highest version first),
// dropping URL candidates and repeated versions.
func sortCandidates(cs []Candidate) []Candidate {
	idx := make([]int, 0, len(cs))
	for i, c := range cs {
		if c.URL == "" {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cs[b].Version.Compare(cs[a].Version) })
	out := make([]Candidate, 0, len(idx))
	for k, i := range idx {
		if k > 0 && cs[i].Version.Compare(cs[idx[k-1]].Version) == 0 {
			continue
		}
		out = append(out, cs[i])
	}
	return out
}

// excludeForTarget adds the incompatibilities that forbid candidates the
// target cannot install: one per distinct Unavailable reason and one per
// distinct Requires-Python the target's Python does not satisfy.
func (s *solver) excludeForTarget(id int) {
	p := s.pkgs[id]
	p.installable = emptySet(p.n)
	unavail := map[string]vset{}
	var reasons []string
	rpy := map[string]vset{}
	var rps []string
	for i, c := range p.cands {
		switch {
		case c.Unavailable != "":
			if unavail[c.Unavailable] == nil {
				unavail[c.Unavailable] = emptySet(p.n)
				reasons = append(reasons, c.Unavailable)
			}
			unavail[c.Unavailable].set(i)
		case !s.pythonOK(c.RequiresPython):
			if rpy[c.RequiresPython] == nil {
				rpy[c.RequiresPython] = emptySet(p.n)
				rps = append(rps, c.RequiresPython)
			}
			rpy[c.RequiresPython].set(i)
		default:
			p.installable.set(i)
		}
	}
	for _, r := range reasons {
		s.addIncompat(&incompat{terms: []term{{pkg: id, set: unavail[r]}}, kind: causeUnavailable, note: r, rootIdx: -1})
	}
	for _, r := range rps {
		s.addIncompat(&incompat{terms: []term{{pkg: id, set: rpy[r]}}, kind: causeRequiresPython, note: r, rootIdx: -1})
	}
}

func (s *solver) pythonOK(rp string) bool {
	if rp == "" || !s.hasPy {
		return true
	}
	if ok, seen := s.pyOK[rp]; seen {
		return ok
	}
	spec, err := pep440.ParseSpecifiers(rp)
	ok := err != nil || spec.Contains(s.pyver, true)
	s.pyOK[rp] = ok
	return ok
}

func (s *solver) prefetch(id int) {
	pf, ok := s.p.p.(Prefetcher)
	if !ok {
		return
	}
	p := s.pkgs[id]
	if i := s.preferred(id, p.installable); i >= 0 {
		pf.Prefetch(s.ctx, p.name, p.cands[i])
	}
}

// preferred returns the preferred candidate of id within allowed: the
// locked version unless upgraded, else the best.
func (s *solver) preferred(id int, allowed vset) int {
	p := s.pkgs[id]
	if id != p.base {
		if d := s.states[p.base].decided; d >= 0 && allowed.has(d) {
			return d
		}
	}
	if !s.req.Upgrade && !s.upgrade[p.name] {
		if v, ok := s.req.Preferences[p.name]; ok {
			for i, c := range p.cands {
				if allowed.has(i) && c.Version.Compare(v) == 0 {
					return i
				}
			}
		}
	}
	return allowed.first(p.n)
}

// pickVersion chooses the version to try for pkg within allowed.
func (s *solver) pickVersion(id int, allowed vset) int {
	return s.preferred(id, allowed)
}

// applies evaluates r's marker for the target with the given extra ("" for
// none).
func (s *solver) applies(r pep508.Requirement, extra string) bool {
	if r.Marker == nil {
		return true
	}
	if extra == "" {
		return r.Marker.Evaluate(s.req.Env)
	}
	return r.Marker.EvaluateExtras(s.req.Env, []string{extra})
}

// dependencies returns the dependency incompatibilities of one version;
// fresh reports that they were built by this call (the caller adds them to
// the solver).
func (s *solver) dependencies(id, version int) (ics []*incompat, fresh bool, err error) {
	key := depKey{id, version}
	if ics, ok := s.depsOf[key]; ok {
		return ics, false, nil
	}
	ics, err = s.buildDependencies(id, version)
	if err != nil {
		return nil, false, err
	}
	if id != rootID {
		for i, ic := range ics {
			ics[i] = s.mergeDependency(ic)
		}
	}
	s.depsOf[key] = ics
	return ics, true, nil
}

func (s *solver) buildDependencies(id, version int) ([]*incompat, error) {
	p := s.pkgs[id]
	self := term{pkg: id, set: s.single(id, version)}
	var ics []*incompat
	add := func(r pep508.Requirement, origin string, constraint bool, index int) error {
		ic, err := s.depIncompat(self, r, origin, constraint, index)
		if err != nil {
			return err
		}
		ics = append(ics, ic...)
		return nil
	}
	switch {
	case id == rootID:
		for i, r := range s.req.Requirements {
			if s.applies(r.Requirement, "") {
				if err := add(r.Requirement, r.Origin, false, i); err != nil {
					return nil, err
				}
			}
		}
		for i, r := range s.req.Constraints {
			if s.applies(r.Requirement, "") {
				r.Extras = nil
				if err := add(r.Requirement, r.Origin, true, i); err != nil {
					return nil, err
				}
			}
		}
	default:
		c := p.cands[version]
		reqs, err := s.p.dependencies(s.ctx, p.name, c)
		if err != nil {
			return nil, err
		}
		if p.extra != "" {
			ics = append(ics, &incompat{
				terms: []term{self, {pkg: p.base, set: s.single(p.base, version).not(p.n)}},
				kind:  causeDependency, dep: p.base, rootIdx: -1,
				req: p.name + "==" + c.Version.String(),
			})
			for _, r := range reqs {
				if s.applies(r, p.extra) && !s.applies(r, "") {
					if err := add(r, "", false, -1); err != nil {
						return nil, err
					}
				}
			}
		} else {
			for _, r := range reqs {
				if s.applies(r, "") {
					if err := add(r, "", false, -1); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	return ics, nil
}

// mergeKey identifies a dependency that several versions of a package may
// share.
type mergeKey struct {
	pkg, dep int
	req      string
}

// mergeDependency widens ic, "P v depends on Q S", to every loaded version
// of P with the same dependency ("P >=1.0,<=1.4 depends on Q S"), as pub
// does with version ranges: the wider incompatibility implies the narrower
// ones, lets propagation rule out all those versions at once and makes
// explanations shorter.
func (s *solver) mergeDependency(ic *incompat) *incompat {
	if ic.kind != causeDependency || len(ic.terms) != 2 {
		return ic
	}
	k := mergeKey{pkg: ic.terms[0].pkg, dep: ic.terms[1].pkg, req: ic.req}
	prev, ok := s.merged[k]
	if !ok || !prev.terms[1].set.equal(ic.terms[1].set) {
		s.merged[k] = ic
		return ic
	}
	m := *ic
	m.terms = []term{{pkg: k.pkg, set: prev.terms[0].set.or(ic.terms[0].set)}, ic.terms[1]}
	s.merged[k] = &m
	return &m
}

// depIncompat turns "self depends on r" into incompatibilities: one for the
// project and one for each extra.
func (s *solver) depIncompat(self term, r pep508.Requirement, origin string, constraint bool, rootIdx int) ([]*incompat, error) {
	name := pep508.NormalizeName(r.Name)
	extras := append([]string{""}, normalizeExtras(r.Extras)...)
	text := requirementText(r)
	var out []*incompat
	for _, e := range extras {
		id, err := s.lookup(name, e)
		if err != nil {
			return nil, err
		}
		p := s.pkgs[id]
		m := s.match(id, r)
		set := m.set
		if constraint {
			set = set.clone()
			set.set(p.n)
		}
		if id == self.pkg {
			// A package requiring itself: satisfied, or it forbids itself.
			v := self.set.first(p.n)
			if set.has(v) {
				continue
			}
			out = append(out, &incompat{terms: []term{self}, kind: causeNoVersions, dep: id, req: text, origin: origin, note: m.note, constraint: constraint, rootIdx: rootIdx})
			continue
		}
		if set.isEmpty() {
			out = append(out, &incompat{terms: []term{self}, kind: causeNoVersions, dep: id, req: text, origin: origin, note: m.note, constraint: constraint, rootIdx: rootIdx})
			continue
		}
		out = append(out, &incompat{
			terms: []term{self, {pkg: id, set: set.not(p.n)}},
			kind:  causeDependency, dep: id, req: text, origin: origin, constraint: constraint, rootIdx: rootIdx,
			note: m.note,
		})
	}
	return out, nil
}

func normalizeExtras(es []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range es {
		n := pep508.NormalizeName(e)
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// requirementText is r as written, without its marker.
func requirementText(r pep508.Requirement) string {
	var b strings.Builder
	b.WriteString(r.Name)
	if len(r.Extras) > 0 {
		b.WriteString("[" + strings.Join(r.Extras, ",") + "]")
	}
	if r.URL != "" {
		b.WriteString(" @ " + r.URL)
		return b.String()
	}
	b.WriteString(r.Specifiers.String())
	return b.String()
}

// match returns the candidates of id that r allows, with pip's rules:
//   - pre-releases: allowed with Request.Pre, or when r's specifiers name a
//     pre-release, or when no installable final release satisfies r;
//   - yanked: allowed only when r pins exactly one version (== or ===
//     without a wildcard);
//   - a package fixed to a URL: its one candidate matches a requirement
//     with the same URL or whose specifiers contain its version.
//
// note says which matching candidates the rules excluded.
func (s *solver) match(id int, r pep508.Requirement) matchResult {
	key := matchKey{pkg: id, spec: r.Specifiers.String(), url: r.URL}
	if m, ok := s.matchMem[key]; ok {
		return m
	}
	m := s.computeMatch(id, r)
	s.matchMem[key] = m
	return m
}

func (s *solver) computeMatch(id int, r pep508.Requirement) matchResult {
	p := s.pkgs[id]
	set := emptySet(p.n)
	if p.url {
		c := p.cands[0]
		switch {
		case r.URL != "" && r.URL != c.URL:
			return matchResult{set: set, note: fmt.Sprintf("it conflicts with %s @ %s", p.name, c.URL)}
		case r.URL != "" || r.Specifiers.Contains(c.Version, true):
			set.set(0)
			return matchResult{set: set}
		}
		return matchResult{set: set, note: fmt.Sprintf("%s is fixed to %s (version %s)", p.name, c.URL, c.Version)}
	}
	if r.URL != "" {
		return matchResult{set: set, note: "a direct URL is honoured only in the request"}
	}
	if p.n == 0 {
		return matchResult{set: set}
	}
	spec := r.Specifiers
	allowPre := s.req.Pre || spec.Prereleases()
	pinned := isPin(spec)
	var matched, finals []int
	for i, c := range p.cands {
		if !spec.Contains(c.Version, true) {
			continue
		}
		matched = append(matched, i)
		if p.installable.has(i) && !c.Version.IsPrerelease() {
			finals = append(finals, i)
		}
	}
	if !allowPre && len(finals) == 0 {
		allowPre = true // packaging's rule: no final release satisfies
	}
	var yanked, pre []string
	for _, i := range matched {
		c := p.cands[i]
		switch {
		case c.Yanked && !pinned:
			yanked = append(yanked, c.Version.String())
		case c.Version.IsPrerelease() && !allowPre:
			pre = append(pre, c.Version.String())
		default:
			set.set(i)
		}
	}
	var parts []string
	if len(yanked) > 0 {
		parts = append(parts, plural("yanked", yanked)+" excluded")
	}
	if len(pre) > 0 {
		parts = append(parts, plural("pre-release", pre)+" excluded")
	}
	return matchResult{set: set, note: strings.Join(parts, "; ")}
}

// plural says "pre-release 2.0b1" or "pre-releases 2.0b1, 2.1b1" (at most
// four listed).
func plural(what string, vs []string) string {
	if len(vs) > 1 && what != "yanked" {
		what += "s"
	}
	if len(vs) > 4 {
		return fmt.Sprintf("%s %s, … (%d)", what, strings.Join(vs[:4], ", "), len(vs))
	}
	return what + " " + strings.Join(vs, ", ")
}

// isPin reports whether spec is a single == or === without a wildcard.
func isPin(spec pep440.Specifiers) bool {
	if len(spec) != 1 {
		return false
	}
	op, v := spec[0].Op, spec[0].Version
	return op == "===" || (op == "==" && !strings.HasSuffix(v, ".*"))
}
