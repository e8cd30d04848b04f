package lock

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
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
	// dependencies are read from the sdist by the MetadataReader. Off, the
	// policy is wheels only.
	AllowSdist bool
	// Concurrency bounds the index requests in flight (listings and
	// metadata, prefetches included); default 8.
	Concurrency int
	// Env, when set, lets prefetching skip dependencies whose markers fail
	// on the target; dependencies under an extra are never prefetched.
	Env map[string]string
}

// Provider is a resolver.Provider, URLProvider and Prefetcher over an index:
// each project is listed once, metadata is read once per file (PEP 658 when
// the index serves it) and no wheel is downloaded by the provider itself.
// It is safe for concurrent use; Wait waits for prefetches in flight.
type Provider struct {
	lister index.Lister
	meta   index.MetadataReader
	opt    Options
	sem    chan struct{}
	wg     sync.WaitGroup

	mu       sync.Mutex
	projects map[string]*future[*project]
	metas    map[string]*future[index.Metadata]
}

// future is a value computed once, waited for by everyone who asks.
type future[T any] struct {
	done chan struct{}
	val  T
	err  error
}

// project is one project's files grouped into releases.
type project struct {
	releases []*release
}

// release is one version of a project and the files the target can use.
type release struct {
	name    string
	version pep440.Version
	files   []index.File // installable files, best first (wheels by tag rank, then an allowed sdist)
	url     string       // set for a direct URL release
	reason  string       // why nothing installs, when files is empty
}

// NewProvider returns a Provider reading listings from l and metadata from m.
func NewProvider(l index.Lister, m index.MetadataReader, opt Options) *Provider {
	if opt.Concurrency <= 0 {
		opt.Concurrency = 8
	}
	return &Provider{
		lister:   l,
		meta:     m,
		opt:      opt,
		sem:      make(chan struct{}, opt.Concurrency),
		projects: map[string]*future[*project]{},
		metas:    map[string]*future[index.Metadata]{},
	}
}

// Wait waits for every prefetch started so far to finish.
func (p *Provider) Wait() { p.wg.Wait() }

func (p *Provider) acquire(ctx context.Context) error {
	select {
	case p.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Provider) release() { <-p.sem }

// project lists name once; later and concurrent callers share the answer.
// A project the index does not know has no releases.
func (p *Provider) project(ctx context.Context, name string) (*project, error) {
	p.mu.Lock()
	f, ok := p.projects[name]
	if !ok {
		f = &future[*project]{done: make(chan struct{})}
		p.projects[name] = f
	}
	p.mu.Unlock()
	if ok {
		select {
		case <-f.done:
			return f.val, f.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	defer close(f.done)
	if err := p.acquire(ctx); err != nil {
		f.err = err
		p.forgetProject(name)
		return nil, err
	}
	files, err := p.lister.Files(ctx, name)
	p.release()
	switch {
	case errors.Is(err, index.ErrNotFound):
		f.val = &project{}
	case err != nil:
		f.err = err
		if ctx.Err() != nil {
			p.forgetProject(name) // a canceled listing may be asked again
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
	for _, f := range files {
		switch {
		case wheeltags.IsWheelFilename(f.Filename):
			w, err := wheeltags.ParseWheelFilename(f.Filename)
			if err != nil || w.Name != name {
				continue
			}
			a := get(w.Version)
			a.any = true
			if rank, ok := p.opt.Target.Rank(w.Tags); ok {
				a.wheels = append(a.wheels, rankedFile{f, rank})
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
		case len(a.sdists) > 0 && p.opt.AllowSdist:
			a.r.files = a.sdists
		case a.any:
			a.r.reason = "no wheel for " + p.opt.Target.String()
		default:
			a.r.reason = "only an sdist, and the policy is wheels only"
		}
		proj.releases = append(proj.releases, a.r)
	}
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
	proj, err := p.project(ctx, name)
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
	md, err := p.metadata(ctx, r.usable()[0])
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", name, c.Version, err)
	}
	if reason := p.inconsistent(r, md); reason != "" {
		return nil, fmt.Errorf("%s %s: %w", name, c.Version, &resolver.UnavailableError{Reason: reason})
	}
	reqs := make([]pep508.Requirement, 0, len(md.RequiresDist))
	for _, s := range md.RequiresDist {
		req, err := pep508.ParseRequirement(s)
		if err != nil {
			return nil, fmt.Errorf("%s %s: Requires-Dist: %w", name, c.Version, err)
		}
		reqs = append(reqs, req)
	}
	return reqs, nil
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

// metadata reads f's metadata once; concurrent callers share the read. A
// failed read is forgotten so that a later caller tries again.
func (p *Provider) metadata(ctx context.Context, f index.File) (index.Metadata, error) {
	p.mu.Lock()
	fu, ok := p.metas[f.URL]
	if !ok {
		fu = &future[index.Metadata]{done: make(chan struct{})}
		p.metas[f.URL] = fu
	}
	p.mu.Unlock()
	if ok {
		select {
		case <-fu.done:
			if fu.err == nil {
				return fu.val, nil
			}
			return p.metadata(ctx, f)
		case <-ctx.Done():
			return index.Metadata{}, ctx.Err()
		}
	}
	defer close(fu.done)
	if err := p.acquire(ctx); err != nil {
		fu.err = err
	} else {
		fu.val, fu.err = p.meta.Metadata(ctx, f)
		p.release()
	}
	if fu.err != nil {
		p.mu.Lock()
		delete(p.metas, f.URL)
		p.mu.Unlock()
	}
	return fu.val, fu.err
}

// Prefetch implements resolver.Prefetcher: it reads the candidate's
// metadata in the background, then lists the projects it depends on, so
// both are ready when the resolver asks.
func (p *Provider) Prefetch(ctx context.Context, name string, c resolver.Candidate) {
	r, ok := c.Data.(*release)
	if !ok || len(r.files) == 0 {
		return
	}
	f := r.usable()[0]
	p.mu.Lock()
	_, started := p.metas[f.URL]
	p.mu.Unlock()
	if started {
		return
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		md, err := p.metadata(ctx, f)
		if err != nil {
			return
		}
		for _, s := range md.RequiresDist {
			req, err := pep508.ParseRequirement(s)
			if err != nil || req.URL != "" || !p.likely(req) {
				continue
			}
			dep := pep508.NormalizeName(req.Name)
			p.mu.Lock()
			_, listed := p.projects[dep]
			p.mu.Unlock()
			if listed {
				continue
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.project(ctx, dep)
			}()
		}
	}()
}

// likely reports whether a dependency is worth listing ahead of the
// resolver: not under an extra, and its marker holds when Env is known.
func (p *Provider) likely(r pep508.Requirement) bool {
	if r.Marker == nil {
		return true
	}
	for _, v := range r.Marker.Variables() {
		if v == "extra" {
			return false
		}
	}
	return p.opt.Env == nil || r.Marker.Evaluate(p.opt.Env)
}
