package resolver

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
)

// Candidate is one version of a package as the provider lists it.
type Candidate struct {
	Version pep440.Version
	// URL is set for a direct URL candidate (a requirement "name @ url").
	URL string
	// Yanked marks a PEP 592 yanked release: the resolver takes it only for
	// a requirement that pins it exactly (== or === without a wildcard).
	Yanked bool
	// RequiresPython is the candidate's Requires-Python ("" when absent); the
	// resolver drops candidates whose Requires-Python excludes the target's
	// python_full_version. An invalid value is ignored, as pip does.
	RequiresPython string
	// Unavailable, when not empty, says why the target cannot install this
	// version (policy or platform filtering done by the provider, e.g. "no
	// wheel for cp312 manylinux_2_28_x86_64"). The resolver never picks it
	// and names the reason when it explains a failure.
	Unavailable string
	// Data is the provider's own and is handed back to Dependencies as is.
	Data any
}

// Provider supplies candidates and their dependencies. Names are PEP 503
// normalized. The resolver calls each method at most once per argument
// within one Resolve call, from one goroutine.
type Provider interface {
	// Candidates returns the versions of a package, in any order; an unknown
	// package has none (nil, nil). Errors abort resolution.
	Candidates(ctx context.Context, name string) ([]Candidate, error)
	// Dependencies returns the Requires-Dist of one candidate, unevaluated:
	// the resolver evaluates markers and extras.
	Dependencies(ctx context.Context, name string, c Candidate) ([]pep508.Requirement, error)
}

// UnavailableError is returned by Provider.Dependencies (possibly wrapped)
// when reading a candidate's metadata shows that the target cannot use it
// after all (its metadata's Requires-Python excludes the target, its
// metadata names another version): the resolver forbids that version, with
// Reason in explanations, and goes on, as pip discards such candidates.
type UnavailableError struct {
	Reason string
}

func (e *UnavailableError) Error() string { return "candidate unavailable: " + e.Reason }

// URLProvider is implemented by providers that can describe a direct URL
// candidate (its version and, through Dependencies, its requirements).
// Without it a request naming a URL fails with an error.
type URLProvider interface {
	URLCandidate(ctx context.Context, name, url string) (Candidate, error)
}

// Prefetcher is implemented by providers that can fetch metadata ahead of
// the resolver. Prefetch is called, without waiting, for candidates the
// resolver is likely to ask Dependencies of next (the preferred or best
// candidate of each newly seen package); it must not block for long.
type Prefetcher interface {
	Prefetch(ctx context.Context, name string, c Candidate)
}

// Requirement is a requirement of the request with where it was written, for
// explanations ("requirements.txt:3", "pyproject.toml"); Origin may be "".
type Requirement struct {
	pep508.Requirement
	Origin string
}

// Request is what to resolve, for which target.
type Request struct {
	Requirements []Requirement
	// Constraints restrict a package only if something requires it; they
	// never add one (pip's -c). Extras in a constraint are ignored.
	Constraints []Requirement
	// Env is the target environment markers are evaluated in (PEP 508
	// names); python_full_version also filters Requires-Python.
	Env map[string]string
	// Pre allows pre-releases of every package (pip --pre).
	Pre bool
	// Preferences are versions tried first (from an existing lock), so a
	// re-lock moves nothing it need not move.
	Preferences map[string]pep440.Version
	// Upgrade ignores all preferences; UpgradePackages ignores those of the
	// named packages.
	Upgrade         bool
	UpgradePackages []string
	// NoSuggestions skips computing suggested changes when there is no
	// solution (each suggestion costs a resolution).
	NoSuggestions bool
}

// Via says which requirement pulled a package in.
type Via struct {
	// From is "" for the request itself, else "name version" of the
	// depending package ("name[extra] version" for an extra's requirement).
	From string
	// Origin is where a request requirement was written ("" otherwise).
	Origin string
	// Requirement is the requirement as written, without its marker.
	Requirement string
}

// Resolved is one package of a solution.
type Resolved struct {
	Name      string // PEP 503 normalized
	Version   pep440.Version
	Candidate Candidate
	Extras    []string // extras selected, sorted
	Via       []Via    // sorted
}

// Explanation says why there is no solution.
type Explanation struct {
	// Derivation is PubGrub's derivation in English, one sentence a line,
	// lines referenced later numbered "(1)".
	Derivation string
	// Suggestions are changes to the request that would make it resolvable,
	// each verified by resolving again.
	Suggestions []string
}

// String returns the derivation followed by the suggestions.
func (e *Explanation) String() string {
	var b strings.Builder
	b.WriteString(e.Derivation)
	if len(e.Suggestions) > 0 {
		b.WriteString("\n\nSuggested changes:\n")
		for _, s := range e.Suggestions {
			b.WriteString("  - " + s + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// Stats counts the work a resolution did.
type Stats struct {
	Decisions int // versions tried
	Conflicts int // conflicts resolved (learned incompatibilities)
	Packages  int // packages (and extras) seen
}

// Result is a resolution: a solution, or an explanation of why none exists.
type Result struct {
	Packages []Resolved // sorted by name; nil when Unsat
	Unsat    *Explanation
	Stats    Stats
}

// Resolve resolves req against p. No solution is a Result with Unsat set;
// the error is only for provider failures, invalid input the provider
// cannot serve (a URL without a URLProvider) and cancellation.
func Resolve(ctx context.Context, p Provider, req Request) (*Result, error) {
	c := newCachingProvider(p)
	return resolve(ctx, c, req, !req.NoSuggestions)
}

func resolve(ctx context.Context, p *cachingProvider, req Request, suggest bool) (*Result, error) {
	s, err := newSolver(ctx, p, req)
	if err != nil {
		return nil, err
	}
	fail, err := s.solve(ctx)
	if err != nil {
		return nil, err
	}
	s.stats.Packages = len(s.pkgs) - 1
	if fail != nil {
		ex := &Explanation{Derivation: s.explain(fail)}
		if suggest {
			sg, err := suggestions(ctx, p, req, s, fail)
			if err != nil {
				return nil, err
			}
			ex.Suggestions = sg
		}
		return &Result{Unsat: ex, Stats: s.stats}, nil
	}
	return &Result{Packages: s.solution(), Stats: s.stats}, nil
}

// solution reads the decided versions back as Resolved packages.
func (s *solver) solution() []Resolved {
	byBase := map[int]*Resolved{}
	var out []*Resolved
	for id, st := range s.states {
		p := s.pkgs[id]
		if id == rootID || st.decided < 0 || p.extra != "" {
			continue
		}
		r := &Resolved{Name: p.name, Version: p.cands[st.decided].Version, Candidate: p.cands[st.decided]}
		byBase[id] = r
		out = append(out, r)
	}
	seen := map[string]bool{}
	for id, st := range s.states {
		if st.decided < 0 {
			continue
		}
		p := s.pkgs[id]
		if p.extra != "" {
			byBase[p.base].Extras = append(byBase[p.base].Extras, p.extra)
		}
		for _, ic := range s.depsOf[depKey{id, st.decided}] {
			if ic.kind != causeDependency || ic.constraint {
				continue
			}
			dp := s.pkgs[ic.dep]
			if dp.base == p.base && id != rootID {
				continue // name[extra] -> name
			}
			r := byBase[dp.base]
			if r == nil {
				continue
			}
			from := ""
			if id != rootID {
				from = p.display() + " " + p.cands[st.decided].Version.String()
			}
			key := r.Name + "\x00" + from + "\x00" + ic.req + "\x00" + ic.origin
			if seen[key] {
				continue
			}
			seen[key] = true
			r.Via = append(r.Via, Via{From: from, Origin: ic.origin, Requirement: ic.req})
		}
	}
	res := make([]Resolved, 0, len(out))
	for _, r := range out {
		sort.Strings(r.Extras)
		sort.Slice(r.Via, func(i, j int) bool {
			a, b := r.Via[i], r.Via[j]
			if a.From != b.From {
				return a.From < b.From
			}
			if a.Requirement != b.Requirement {
				return a.Requirement < b.Requirement
			}
			return a.Origin < b.Origin
		})
		res = append(res, *r)
	}
	sort.Slice(res, func(i, j int) bool { return res[i].Name < res[j].Name })
	return res
}

// String formats a solution as "name[extras]==version" or "name @ url".
func (r Resolved) String() string {
	n := r.Name
	if len(r.Extras) > 0 {
		n += "[" + strings.Join(r.Extras, ",") + "]"
	}
	if r.Candidate.URL != "" {
		return fmt.Sprintf("%s @ %s", n, r.Candidate.URL)
	}
	return n + "==" + r.Version.String()
}

// cachingProvider remembers provider answers for one Resolve call and the
// re-resolutions its suggestions run.
type cachingProvider struct {
	p     Provider
	cands map[string][]Candidate
	urls  map[[2]string]Candidate
	deps  map[any][]pep508.Requirement
}

func newCachingProvider(p Provider) *cachingProvider {
	return &cachingProvider{p: p, cands: map[string][]Candidate{}, urls: map[[2]string]Candidate{}, deps: map[any][]pep508.Requirement{}}
}

func (c *cachingProvider) candidates(ctx context.Context, name string) ([]Candidate, error) {
	if cs, ok := c.cands[name]; ok {
		return cs, nil
	}
	cs, err := c.p.Candidates(ctx, name)
	if err != nil {
		return nil, err
	}
	c.cands[name] = cs
	return cs, nil
}

func (c *cachingProvider) urlCandidate(ctx context.Context, up URLProvider, name, url string) (Candidate, error) {
	k := [2]string{name, url}
	if cand, ok := c.urls[k]; ok {
		return cand, nil
	}
	cand, err := up.URLCandidate(ctx, name, url)
	if err != nil {
		return Candidate{}, err
	}
	c.urls[k] = cand
	return cand, nil
}

type depsCacheKey struct{ name, version, url string }

func (c *cachingProvider) dependencies(ctx context.Context, name string, cand Candidate) ([]pep508.Requirement, error) {
	k := depsCacheKey{name, cand.Version.String(), cand.URL}
	if d, ok := c.deps[k]; ok {
		return d, nil
	}
	d, err := c.p.Dependencies(ctx, name, cand)
	if err != nil {
		return nil, err
	}
	c.deps[k] = d
	return d, nil
}

var errNoURLProvider = errors.New("the provider cannot resolve direct URLs")
