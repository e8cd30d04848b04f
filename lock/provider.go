package lock

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/resolver"
	"github.com/zgpu/zgpu/wheeltags"
)

// Options shape what the provider offers the resolver.
type Options struct {
	// Target is the interpreter and platform wheels must install on.
	Target wheeltags.Target
	// AllowSdist lets a version with no installable wheel be used through
	// its sdist (a pure-Python package the target can build); its
	// dependencies are what the MetadataReader gives for the sdist (zgpu's
	// gives none: an index lists none). Off, the policy is wheels only.
	AllowSdist bool
	// SdistFor lets the sdist in, as AllowSdist does, for these projects
	// only (normalized names); the others stay wheels only.
	SdistFor map[string]bool
	// Concurrency bounds the index requests in flight (listings and
	// metadata, prefetches included); default DefaultConcurrency. Requests
	// the resolver waits for are served before queued prefetches, and
	// among each, the deepest in the dependency graph first. (An index
	// client may bound requests per host too: fetch.Config.MaxPerHost.)
	Concurrency int
	// Env is the target environment: prefetching follows only dependencies
	// whose markers hold in it (for the project or an extra requested of
	// it) and skips releases whose Requires-Python excludes its
	// python_full_version. Lock defaults it to the request's Env. Without
	// it, every dependency not under an extra is followed.
	Env map[string]string
	// Memo, when set, keeps the projects a lock listed for the next lock of
	// the same roots, which lists them all when it starts (memo.go);
	// MemoScope names what else the answer depends on (the indexes).
	Memo      Memo
	MemoScope string
	// Prefetch are requirements the lock will certainly meet although
	// the request reaches them only through a dependency (what the
	// platform installs with spaces): read ahead from the start, as if the
	// request named them, but never given to the resolver.
	Prefetch []pep508.Requirement
}

// DefaultConcurrency is Options.Concurrency's default, fetch's
// DefaultMaxPerHost (see there why not more): a cold lock is bound by the
// dependency graph's depth times the round trip only while each level of
// the graph fits in flight at once; a warm one revalidates every page the
// last lock listed at once (memo.go), 88 for W1, in two waves.
const DefaultConcurrency = 50

// Provider is a resolver.Provider, URLProvider and Prefetcher over an index:
// each project is listed once, metadata is read once per file (PEP 658 when
// the index serves it) and no wheel is downloaded by the provider itself.
// It is safe for concurrent use. Prefetches run on the context they were
// started with (Prefetch's, Dependencies'); cancel it and call Wait to stop
// them.
type Provider struct {
	lister index.Lister
	meta   index.MetadataReader
	opt    Options
	sched  *sched
	wg     sync.WaitGroup
	pyver  pep440.Version // the target's python_full_version, when Env has it
	hasPy  bool

	mu       sync.Mutex
	projects map[string]*future[*project]
	metas    map[string]*future[*meta]
	filter   index.Filter    // what group can use of a listing (filter.go)
	wave     wavefront       // guarded by mu
	asked    map[string]bool // projects the resolver listed
}

// future is a value computed once, waited for by everyone who asks.
type future[T any] struct {
	done   chan struct{}
	ticket *ticket // the request's place in the scheduler
	val    T
	err    error
}

// wait waits for f as a foreground or background caller; a foreground
// caller promotes the request it waits for.
func (p *Provider) wait(ctx context.Context, t *ticket, done chan struct{}, fg bool) error {
	if fg {
		p.sched.promote(t)
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// project is one project's files grouped into releases.
type project struct {
	releases []*release
	best     []*release // releases, highest version first
}

// release is one version of a project and the files the target can use.
type release struct {
	name    string
	version pep440.Version
	files   []index.File // installable files, best first (wheels by tag rank, then an allowed sdist)
	url     string       // set for a direct URL release
	reason  string       // why nothing installs, when files is empty
	// pyExcluded: the listing's Requires-Python (of the best file)
	// excludes the target's Python; the resolver will not pick it.
	pyExcluded bool
}

// NewProvider returns a Provider reading listings from l and metadata from m.
func NewProvider(l index.Lister, m index.MetadataReader, opt Options) *Provider {
	if opt.Concurrency <= 0 {
		opt.Concurrency = DefaultConcurrency
	}
	p := &Provider{
		lister:   l,
		meta:     m,
		opt:      opt,
		sched:    newSched(opt.Concurrency),
		projects: map[string]*future[*project]{},
		metas:    map[string]*future[*meta]{},
		wave:     newWavefront(),
		asked:    map[string]bool{},
		filter:   listingFilter(opt.Target),
	}
	if v, err := pep440.Parse(opt.Env["python_full_version"]); err == nil {
		p.pyver, p.hasPy = v, true
	}
	return p
}

// Wait waits for every prefetch started so far to finish.
func (p *Provider) Wait() { p.wg.Wait() }

// project lists name once; later and concurrent callers share the answer.
// A project the index does not know has no releases. fg says whether the
// resolver waits for the answer (else it is a prefetch).
func (p *Provider) project(ctx context.Context, name string, fg bool) (*project, error) {
	p.mu.Lock()
	f, ok := p.projects[name]
	if !ok {
		f = &future[*project]{done: make(chan struct{}), ticket: newTicket(fg, p.wave.depth(name))}
		p.projects[name] = f
	}
	p.mu.Unlock()
	if ok {
		if err := p.wait(ctx, f.ticket, f.done, fg); err != nil {
			return nil, err
		}
		if f.err != nil && isCanceled(f.err) && ctx.Err() == nil {
			return p.project(ctx, name, fg) // another caller's context ended
		}
		return f.val, f.err
	}
	defer close(f.done)
	if err := p.sched.acquire(ctx, f.ticket); err != nil {
		f.err = err
		p.forgetProject(name)
		return nil, err
	}
	files, err := index.ListFiltered(ctx, p.lister, name, p.filter)
	p.sched.release(f.ticket)
	switch {
	case errors.Is(err, index.ErrNotFound):
		f.val = &project{}
	case err != nil:
		f.err = err
		if ctx.Err() != nil || isCanceled(err) {
			// A canceled listing may be asked again (the cancel may be
			// another caller's, whose request this one shared).
			p.forgetProject(name)
		}
	default:
		f.val = p.group(name, files)
	}
	return f.val, f.err
}

func (p *Provider) forgetProject(name string) {
	p.mu.Lock()
	delete(p.projects, name)
	p.mu.Unlock()
}

// group sorts a project's files into releases.
func (p *Provider) group(name string, files []index.File) *project {
	type acc struct {
		r      *release
		wheels []rankedFile
		sdists []index.File
		any    bool
	}
	byVersion := map[string]*acc{}
	var order []string
	get := func(v pep440.Version) *acc {
		k := v.String()
		a := byVersion[k]
		if a == nil {
			a = &acc{r: &release{name: name, version: v}}
			byVersion[k] = a
			order = append(order, k)
		}
		return a
	}
	wheels := newWheelCache(p.opt.Target)
	for _, f := range files {
		switch {
		case wheeltags.IsWheelFilename(f.Filename):
			h, tg, ok := wheels.parse(f.Filename)
			if !ok || h.name != name {
				continue
			}
			a := get(h.version)
			a.any = true
			if tg.installs {
				a.wheels = append(a.wheels, rankedFile{f, tg.rank})
			}
		case wheeltags.IsSdistFilename(f.Filename):
			s, err := wheeltags.ParseSdistFilename(f.Filename)
			if err != nil || s.Name != name {
				continue
			}
			a := get(s.Version)
			a.sdists = append(a.sdists, f)
		}
	}
	proj := &project{}
	pyOK := map[string]bool{}
	for _, k := range order {
		a := byVersion[k]
		sort.SliceStable(a.wheels, func(i, j int) bool {
			if a.wheels[i].rank != a.wheels[j].rank {
				return a.wheels[i].rank < a.wheels[j].rank
			}
			return a.wheels[i].f.Filename < a.wheels[j].f.Filename
		})
		for _, w := range a.wheels {
			a.r.files = append(a.r.files, w.f)
		}
		switch {
		case len(a.r.files) > 0:
		case len(a.sdists) > 0 && (p.opt.AllowSdist || p.opt.SdistFor[pep508.NormalizeName(name)]):
			a.r.files = a.sdists
		case a.any:
			a.r.reason = "no wheel for " + p.opt.Target.String()
		default:
			a.r.reason = "only an sdist, and the policy is wheels only"
		}
		if fs := a.r.usable(); len(fs) > 0 && fs[0].RequiresPython != "" && p.hasPy {
			rp := fs[0].RequiresPython
			ok, seen := pyOK[rp]
			if !seen {
				spec, err := pep440.ParseSpecifiers(rp)
				ok = err != nil || spec.Contains(p.pyver, true)
				pyOK[rp] = ok
			}
			a.r.pyExcluded = !ok
		}
		proj.releases = append(proj.releases, a.r)
	}
	proj.best = slices.Clone(proj.releases)
	slices.SortStableFunc(proj.best, func(a, b *release) int { return b.version.Compare(a.version) })
	return proj
}

type rankedFile struct {
	f    index.File
	rank int
}

// usable returns the files pip would consider: the non-yanked ones, or all
// of them when every one is yanked.
func (r *release) usable() []index.File {
	var out []index.File
	for _, f := range r.files {
		if !f.Yanked {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return r.files
	}
	return out
}

func (r *release) candidate() resolver.Candidate {
	c := resolver.Candidate{Version: r.version, URL: r.url, Unavailable: r.reason, Data: r}
	if fs := r.usable(); len(fs) > 0 {
		c.Yanked = fs[0].Yanked
		c.RequiresPython = fs[0].RequiresPython
	}
	return c
}

// Candidates implements resolver.Provider.
func (p *Provider) Candidates(ctx context.Context, name string) ([]resolver.Candidate, error) {
	p.mu.Lock()
	p.asked[name] = true
	p.mu.Unlock()
	proj, err := p.project(ctx, name, true)
	if err != nil {
		return nil, err
	}
	out := make([]resolver.Candidate, 0, len(proj.releases))
	for _, r := range proj.releases {
		out = append(out, r.candidate())
	}
	return out, nil
}

// URLCandidate implements resolver.URLProvider for URLs of wheels (and of
// sdists when allowed); the version comes from the filename.
func (p *Provider) URLCandidate(ctx context.Context, name, rawURL string) (resolver.Candidate, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return resolver.Candidate{}, err
	}
	file := path.Base(u.Path)
	f := index.File{Filename: file, URL: strings.SplitN(rawURL, "#", 2)[0], Origin: rawURL}
	if frag := u.Fragment; strings.HasPrefix(frag, "sha256=") {
		f.Hashes = map[string]string{"sha256": strings.TrimPrefix(frag, "sha256=")}
	}
	r := &release{name: name, url: rawURL}
	switch {
	case wheeltags.IsWheelFilename(file):
		w, err := wheeltags.ParseWheelFilename(file)
		if err != nil {
			return resolver.Candidate{}, err
		}
		if w.Name != name {
			return resolver.Candidate{}, fmt.Errorf("%s is a wheel of %s, not %s", file, w.Name, name)
		}
		r.version = w.Version
		if _, ok := p.opt.Target.Rank(w.Tags); ok {
			r.files = []index.File{f}
		} else {
			r.reason = "the wheel does not install on " + p.opt.Target.String()
		}
	case wheeltags.IsSdistFilename(file):
		s, err := wheeltags.ParseSdistFilename(file)
		if err != nil {
			return resolver.Candidate{}, err
		}
		r.version = s.Version
		if p.opt.AllowSdist {
			r.files = []index.File{f}
		} else {
			r.reason = "an sdist, and the policy is wheels only"
		}
	default:
		return resolver.Candidate{}, fmt.Errorf("%s: expected a wheel or sdist URL", rawURL)
	}
	return r.candidate(), nil
}

// Dependencies implements resolver.Provider: the Requires-Dist of the best
// installable file of the release.
func (p *Provider) Dependencies(ctx context.Context, name string, c resolver.Candidate) ([]pep508.Requirement, error) {
	r, ok := c.Data.(*release)
	if !ok || len(r.files) == 0 {
		return nil, fmt.Errorf("%s %s: not a candidate of this provider", name, c.Version)
	}
	m, err := p.metadata(ctx, name, r.usable()[0], true)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", name, c.Version, err)
	}
	if reason := p.inconsistent(r, m.md); reason != "" {
		return nil, fmt.Errorf("%s %s: %w", name, c.Version, &resolver.UnavailableError{Reason: reason})
	}
	if m.invalid != nil {
		return nil, fmt.Errorf("%s %s: Requires-Dist: %w", name, c.Version, m.invalid)
	}
	p.follow(ctx, name, r, m)
	return slices.Clone(m.reqs), nil
}

// inconsistent says why metadata rules a release out, as pip discards such
// candidates: a Requires-Python that excludes the target's Python (Options.Env
// python_full_version), or a version other than the listed one (compared
// without local labels, which renamed CUDA wheels add; not for URLs).
func (p *Provider) inconsistent(r *release, md index.Metadata) string {
	if md.RequiresPython != "" {
		if py, err := pep440.Parse(p.opt.Env["python_full_version"]); err == nil {
			if spec, err := pep440.ParseSpecifiers(md.RequiresPython); err == nil && !spec.Contains(py, true) {
				return "its metadata requires Python " + md.RequiresPython
			}
		}
	}
	if r.url == "" && md.Version != "" {
		if mv, err := pep440.Parse(md.Version); err == nil && mv.Public().Compare(r.version.Public()) != 0 {
			return "its metadata says version " + md.Version
		}
	}
	return ""
}

// meta is a file's core metadata with its Requires-Dist parsed.
type meta struct {
	md      index.Metadata
	reqs    []pep508.Requirement // the valid ones
	invalid error                // the first invalid one's error
}

// metadata reads the metadata of f, a file of project name, once;
// concurrent callers share the read. A failed read is forgotten so that a
// later caller tries again. fg says whether the resolver waits for it
// (else it is a prefetch).
func (p *Provider) metadata(ctx context.Context, name string, f index.File, fg bool) (*meta, error) {
	p.mu.Lock()
	fu, ok := p.metas[f.URL]
	if !ok {
		fu = &future[*meta]{done: make(chan struct{}), ticket: newTicket(fg, p.wave.depth(name))}
		p.metas[f.URL] = fu
	}
	p.mu.Unlock()
	if ok {
		if err := p.wait(ctx, fu.ticket, fu.done, fg); err != nil {
			return nil, err
		}
		if fu.err == nil {
			return fu.val, nil
		}
		return p.metadata(ctx, name, f, fg)
	}
	defer close(fu.done)
	if err := p.sched.acquire(ctx, fu.ticket); err != nil {
		fu.err = err
	} else {
		var md index.Metadata
		md, fu.err = p.meta.Metadata(ctx, f)
		p.sched.release(fu.ticket)
		if fu.err == nil {
			fu.val = parseMeta(md)
		}
	}
	if fu.err != nil {
		p.mu.Lock()
		delete(p.metas, f.URL)
		p.mu.Unlock()
	}
	return fu.val, fu.err
}

func parseMeta(md index.Metadata) *meta {
	m := &meta{md: md, reqs: make([]pep508.Requirement, 0, len(md.RequiresDist))}
	for _, s := range md.RequiresDist {
		req, err := pep508.ParseRequirement(s)
		if err != nil {
			if m.invalid == nil {
				m.invalid = err
			}
			continue
		}
		m.reqs = append(m.reqs, req)
	}
	return m
}

func isCanceled(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
