package lock

import (
	"context"
	"slices"
	"strings"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/resolver"
)

// wavefront is what the prefetcher knows of the projects a resolution
// reaches: for each, the requirements on it seen so far (from the request
// and from every metadata file read), so that it reads the metadata of the
// release those requirements allow rather than of the newest one.
type wavefront struct {
	plans map[string]*plan
	urls  map[string]bool // projects the request fixes to a direct URL
	prefs map[string]pep440.Version
	pre   bool // the request allows pre-releases of every project
}

func newWavefront() wavefront {
	return wavefront{plans: map[string]*plan{}, urls: map[string]bool{}, prefs: map[string]pep440.Version{}}
}

// plan is what the prefetcher knows of one project.
type plan struct {
	specs  []pep440.Specifiers // distinct specifier sets of requirements on it
	root   []pep440.Specifiers // those of the request (requirements and constraints)
	seen   map[string]bool     // their strings
	pre    bool                // one of them names a pre-release
	pin    bool                // one of them pins a version (yanked releases allowed)
	extras []string            // extras requested so far
	wanted bool                // a requirement names it (not only a constraint)
	known  bool                // a requirement or constraint on it was seen
	hint   *release            // the resolver's own guess (Prefetch)
	// depth is the shortest distance from the request's roots at which a
	// requirement on the project was seen (0 for the roots; -1 while no
	// requirement was seen): the scheduler serves deeper requests first.
	depth  int
	chosen *release // the release whose dependencies are followed ahead
	// followed lists, per release, the extras ("" for the project itself)
	// whose dependencies were followed.
	followed map[*release][]string
	bad      map[*release]bool // releases their metadata rules out
}

func (w *wavefront) plan(name string) *plan {
	pl := w.plans[name]
	if pl == nil {
		pl = &plan{seen: map[string]bool{}, followed: map[*release][]string{}, bad: map[*release]bool{}, depth: -1}
		w.plans[name] = pl
	}
	return pl
}

// depth returns the depth of name's plan, 0 when unknown. Called with the
// Provider's mu held.
func (w *wavefront) depth(name string) int {
	if pl := w.plans[name]; pl != nil && pl.depth > 0 {
		return pl.depth
	}
	return 0
}

// need is one requirement on a project, as the prefetcher records it.
type need struct {
	spec       pep440.Specifiers
	extras     []string
	constraint bool     // restricts the project without requiring it
	root       bool     // a requirement or constraint of the request
	hint       *release // Prefetch's candidate
	depth      int      // of the project requiring it (roots: 0), plus one
}

// add records n and reports whether the plan's choice may have changed.
func (pl *plan) add(n need) bool {
	changed := false
	if n.hint == nil && (pl.depth < 0 || n.depth < pl.depth) {
		pl.depth = n.depth
	}
	if n.hint == nil && !pl.known {
		pl.known = true
		changed = true
	}
	if len(n.spec) > 0 {
		k := n.spec.String()
		if !pl.seen[k] {
			pl.seen[k] = true
			pl.specs = append(pl.specs, n.spec)
			if n.root {
				pl.root = append(pl.root, n.spec)
			}
			pl.pre = pl.pre || n.spec.Prereleases()
			pl.pin = pl.pin || isPin(n.spec)
			changed = true
		}
	}
	for _, e := range n.extras {
		e = pep508.NormalizeName(e)
		if !slices.Contains(pl.extras, e) {
			pl.extras = append(pl.extras, e)
			changed = true
		}
	}
	if n.hint != nil && pl.hint == nil {
		pl.hint = n.hint
		changed = true
	}
	return changed
}

// pending returns the extras ("" for the project) whose dependencies of r
// are not followed yet, and marks them followed.
func (pl *plan) pending(r *release) []string {
	done := pl.followed[r]
	var out []string
	for _, e := range append([]string{""}, pl.extras...) {
		if !slices.Contains(done, e) {
			out = append(out, e)
		}
	}
	pl.followed[r] = append(done, out...)
	return out
}

func (pl *plan) followedAll(r *release) bool {
	done := pl.followed[r]
	if !slices.Contains(done, "") {
		return false
	}
	for _, e := range pl.extras {
		if !slices.Contains(done, e) {
			return false
		}
	}
	return true
}

// isPin reports whether spec is one == or === without a wildcard, the
// requirements that may select a yanked release.
func isPin(spec pep440.Specifiers) bool {
	if len(spec) != 1 {
		return false
	}
	op, v := spec[0].Op, spec[0].Version
	return op == "===" || op == "==" && !strings.HasSuffix(v, ".*")
}

// Prefetch implements resolver.Prefetcher. The resolver names the best or
// preferred candidate of a package it has just listed. When a requirement
// or constraint on the package was seen (always, when this Provider read
// the metadata that introduced it or Lock seeded the request) the
// prefetcher ignores the guess: it has already read the release those
// requirements allow, or, for a package only a constraint names, reads
// nothing. Otherwise it reads the guess. Either way, when the release's
// metadata arrives the projects it depends on are listed and their allowed
// releases prefetched in turn: a wavefront over the dependency graph,
// bounded by Options.Concurrency, behind every request the resolver waits
// for.
func (p *Provider) Prefetch(ctx context.Context, name string, c resolver.Candidate) {
	r, ok := c.Data.(*release)
	if !ok || len(r.files) == 0 || r.url != "" {
		return
	}
	p.want(ctx, name, need{hint: r})
}

// seed records the request's requirements, constraints and preferences and
// starts listing the projects it requires, before the resolver asks.
func (p *Provider) seed(ctx context.Context, req resolver.Request) {
	applies := func(r pep508.Requirement) bool { return r.Marker == nil || r.Marker.Evaluate(p.opt.Env) }
	p.mu.Lock()
	w := &p.wave
	w.pre = req.Pre
	if !req.Upgrade {
		for name, v := range req.Preferences {
			w.prefs[pep508.NormalizeName(name)] = v
		}
		for _, name := range req.UpgradePackages {
			delete(w.prefs, pep508.NormalizeName(name))
		}
	}
	for _, list := range [][]resolver.Requirement{req.Requirements, req.Constraints} {
		for _, r := range list {
			if r.URL != "" && applies(r.Requirement) {
				w.urls[pep508.NormalizeName(r.Name)] = true
			}
		}
	}
	p.mu.Unlock()
	// Constraints first: a listing started below reads them when it
	// chooses the release to read ahead.
	var constrained []string
	for _, r := range req.Constraints {
		if r.URL == "" && applies(r.Requirement) {
			name := pep508.NormalizeName(r.Name)
			p.want(ctx, name, need{spec: r.Specifiers, constraint: true, root: true})
			constrained = append(constrained, name)
		}
	}
	// Then the requests are sent in the order a server serves them: what
	// the lock certainly needs (the dependency chains start there) before
	// the projects only a constraint names.
	for _, r := range req.Requirements {
		if r.URL == "" && applies(r.Requirement) {
			p.want(ctx, pep508.NormalizeName(r.Name), need{spec: r.Specifiers, extras: r.Extras, root: true})
		}
	}
	for _, r := range p.opt.Prefetch {
		if r.URL == "" && applies(r) {
			p.want(ctx, pep508.NormalizeName(r.Name), need{spec: r.Specifiers, extras: r.Extras})
		}
	}
	// The resolver lists every constrained project before its first
	// decision, one after another: list them all at once.
	for _, name := range constrained {
		p.listAhead(ctx, name)
	}
}

// want records a requirement on name and, once the project is listed,
// prefetches the release the requirements known so far allow.
func (p *Provider) want(ctx context.Context, name string, n need) {
	p.mu.Lock()
	pl := p.wave.plan(name)
	changed := pl.add(n)
	if p.wave.urls[name] {
		// Fixed to a URL: never listed; the extras recorded are followed
		// when the resolver reads its metadata.
		p.mu.Unlock()
		return
	}
	// The resolver lists (and names in Prefetch) what only a constraint
	// names; that is no reason to read its metadata.
	requires := !n.constraint && (n.hint == nil || !pl.known)
	first := requires && !pl.wanted
	pl.wanted = pl.wanted || requires
	wanted := pl.wanted
	f := p.projects[name]
	p.mu.Unlock()
	switch {
	case !wanted || !first && !changed:
	case f != nil && isDone(f.done):
		if f.err == nil {
			p.advance(ctx, name, f.val)
		}
	case first:
		// Whoever lists the project, advance after it is listed; a later
		// want that finds the listing in flight relies on this advance,
		// which reads the plan after the listing is done.
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			if proj, err := p.project(ctx, name, false); err == nil {
				p.advance(ctx, name, proj)
			}
		}()
	}
}

// listAhead lists name in the background, without reading metadata.
func (p *Provider) listAhead(ctx context.Context, name string) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.project(ctx, name, false)
	}()
}

func isDone(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// advance prefetches the metadata of the release name's plan allows and
// follows its dependencies. Only the first release chosen for a project
// has its dependencies followed ahead of the resolver: a later choice
// (requirements seen since ruled the first out) is often a version the
// resolver only tries while backtracking, so its metadata is read but its
// dependencies are followed when the resolver asks for them.
func (p *Provider) advance(ctx context.Context, name string, proj *project) {
	p.mu.Lock()
	pl := p.wave.plan(name)
	r := p.choose(name, proj, pl)
	if r != nil && pl.chosen == nil {
		pl.chosen = r
	}
	first := r == pl.chosen
	todo := r != nil && !pl.followedAll(r)
	if todo && !first {
		_, started := p.metas[r.usable()[0].URL]
		todo = !started
	}
	p.mu.Unlock()
	if !todo {
		return
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		if m, err := p.metadata(ctx, name, r.usable()[0], false); err == nil && first {
			p.follow(ctx, name, r, m)
		}
	}()
}

// follow records the requirements of r (read from m) that hold on the
// target, for the project and each extra requested so far, and lists their
// projects. A release its metadata rules out is skipped for the next one.
func (p *Provider) follow(ctx context.Context, name string, r *release, m *meta) {
	p.mu.Lock()
	pl := p.wave.plan(name)
	if p.inconsistent(r, m.md) != "" {
		pl.bad[r] = true
		if pl.chosen == r {
			pl.chosen = nil // the next choice is followed in its place
		}
		f := p.projects[name]
		p.mu.Unlock()
		if r.url == "" && f != nil && isDone(f.done) && f.err == nil {
			p.advance(ctx, name, f.val)
		}
		return
	}
	extras := pl.pending(r)
	depth := max(pl.depth, 0) + 1
	p.mu.Unlock()
	if len(extras) == 0 {
		return
	}
	for _, req := range m.reqs {
		if req.URL != "" || !p.holds(req, extras) {
			continue
		}
		p.want(ctx, pep508.NormalizeName(req.Name), need{spec: req.Specifiers, extras: req.Extras, depth: depth})
	}
}

// holds reports whether a dependency's marker holds on the target for the
// project or one of extras. Without Options.Env, markers are assumed to
// hold unless they test an extra.
func (p *Provider) holds(r pep508.Requirement, extras []string) bool {
	if r.Marker == nil {
		return true
	}
	if p.opt.Env == nil {
		return !slices.Contains(r.Marker.Variables(), "extra")
	}
	for _, e := range extras {
		var es []string
		if e != "" {
			es = []string{e}
		}
		if r.Marker.EvaluateExtras(p.opt.Env, es) {
			return true
		}
	}
	return false
}

// choose returns the release to prefetch for a plan: the preferred version
// (Request.Preferences) or else the highest one that installs on the
// target and that every requirement seen allows, with pip's rules for
// pre-releases and yanked releases. When the requirements seen allow none
// together (some came from releases the resolver will not pick), the
// request's requirements and the last one seen, else the request's alone:
// the request's are always in force. When no requirement on the project
// was seen, the resolver's hint. Called with mu held.
func (p *Provider) choose(name string, proj *project, pl *plan) *release {
	if !pl.known {
		if pl.hint == nil || pl.bad[pl.hint] {
			return nil
		}
		return pl.hint
	}
	if r := p.pick(name, proj, pl, pl.specs); r != nil || len(pl.specs) == len(pl.root) {
		return r
	}
	last := pl.specs[len(pl.specs)-1]
	if !slices.ContainsFunc(pl.root, func(s pep440.Specifiers) bool { return s.String() == last.String() }) {
		if r := p.pick(name, proj, pl, append(slices.Clip(pl.root), last)); r != nil {
			return r
		}
	}
	return p.pick(name, proj, pl, pl.root)
}

func (p *Provider) pick(name string, proj *project, pl *plan, specs []pep440.Specifiers) *release {
	ok := func(r *release) bool {
		if len(r.files) == 0 || r.pyExcluded || pl.bad[r] || r.usable()[0].Yanked && !pl.pin {
			return false
		}
		for _, s := range specs {
			if !s.Contains(r.version, true) {
				return false
			}
		}
		return true
	}
	if v, has := p.wave.prefs[name]; has {
		for _, r := range proj.best {
			if r.version.Compare(v) == 0 && ok(r) {
				return r
			}
		}
	}
	allowPre := p.wave.pre || pl.pre
	var firstPre *release
	for _, r := range proj.best {
		if !ok(r) {
			continue
		}
		if !r.version.IsPrerelease() || allowPre {
			return r
		}
		if firstPre == nil {
			firstPre = r
		}
	}
	return firstPre
}
