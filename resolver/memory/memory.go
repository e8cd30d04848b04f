// Package memory is an in-memory resolver.Provider for tests, built from Go
// calls or from a small text format describing a universe of packages.
//
// The text format has one release per unindented line and its dependencies
// on the indented lines below it:
//
//	# comment
//	name version [yanked] [requires-python=SPEC] [url=URL] [unavailable=REASON...]
//	    requirement (PEP 508, markers and extras allowed)
//
// unavailable= takes the rest of the line. A release with url= is a direct
// URL candidate: Candidates does not list it; URLCandidate returns it.
package memory

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/resolver"
)

// Release is one version of a package with its dependencies.
type Release struct {
	Candidate resolver.Candidate
	Deps      []pep508.Requirement
}

// Provider serves releases from memory. It counts calls so tests can check
// that a resolution asks each question once.
type Provider struct {
	mu       sync.Mutex
	releases map[string][]Release // normalized name -> index releases
	urls     map[string]Release   // url -> release
	names    map[string]string    // url -> normalized name

	CandidateCalls  map[string]int
	DependencyCalls map[string]int // "name version"
}

// New returns an empty Provider.
func New() *Provider {
	return &Provider{
		releases:        map[string][]Release{},
		urls:            map[string]Release{},
		names:           map[string]string{},
		CandidateCalls:  map[string]int{},
		DependencyCalls: map[string]int{},
	}
}

// Add adds a release. A candidate with a URL is served by URLCandidate only.
func (p *Provider) Add(name string, c resolver.Candidate, deps ...pep508.Requirement) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := pep508.NormalizeName(name)
	r := Release{Candidate: c, Deps: deps}
	if c.URL != "" {
		p.urls[c.URL] = r
		p.names[c.URL] = n
		return
	}
	p.releases[n] = append(p.releases[n], r)
}

// Names returns the package names with index releases, sorted.
func (p *Provider) Names() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for n := range p.releases {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Releases returns the index releases of name in the order added.
func (p *Provider) Releases(name string) []Release {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Release(nil), p.releases[pep508.NormalizeName(name)]...)
}

// Candidates implements resolver.Provider.
func (p *Provider) Candidates(ctx context.Context, name string) ([]resolver.Candidate, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	n := pep508.NormalizeName(name)
	p.CandidateCalls[n]++
	var out []resolver.Candidate
	for _, r := range p.releases[n] {
		out = append(out, r.Candidate)
	}
	return out, nil
}

// Dependencies implements resolver.Provider.
func (p *Provider) Dependencies(ctx context.Context, name string, c resolver.Candidate) ([]pep508.Requirement, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	n := pep508.NormalizeName(name)
	p.DependencyCalls[n+" "+c.Version.String()]++
	if c.URL != "" {
		if r, ok := p.urls[c.URL]; ok {
			return r.Deps, nil
		}
		return nil, fmt.Errorf("%s: no release at %s", n, c.URL)
	}
	for _, r := range p.releases[n] {
		if r.Candidate.Version.Compare(c.Version) == 0 {
			return r.Deps, nil
		}
	}
	return nil, fmt.Errorf("%s %s: no such release", n, c.Version)
}

// URLCandidate implements resolver.URLProvider.
func (p *Provider) URLCandidate(ctx context.Context, name, url string) (resolver.Candidate, error) {
	if err := ctx.Err(); err != nil {
		return resolver.Candidate{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	r, ok := p.urls[url]
	if !ok {
		return resolver.Candidate{}, fmt.Errorf("%s: nothing at %s", name, url)
	}
	if got, want := p.names[url], pep508.NormalizeName(name); got != want {
		return resolver.Candidate{}, fmt.Errorf("%s: %s holds %s", name, url, got)
	}
	return r.Candidate, nil
}

// Parse reads a universe in the text format of the package documentation.
func Parse(text string) (*Provider, error) {
	p := New()
	var (
		cur     *Release
		curName string
	)
	flush := func() {
		if cur != nil {
			p.Add(curName, cur.Candidate, cur.Deps...)
		}
		cur = nil
	}
	for i, line := range strings.Split(text, "\n") {
		lineno := i + 1
		if j := strings.Index(line, "#"); j >= 0 && (j == 0 || line[j-1] == ' ' || line[j-1] == '\t') {
			line = line[:j]
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if cur == nil {
				return nil, fmt.Errorf("line %d: requirement before any release", lineno)
			}
			r, err := pep508.ParseRequirement(strings.TrimSpace(line))
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", lineno, err)
			}
			cur.Deps = append(cur.Deps, r)
			continue
		}
		flush()
		name, rel, err := parseRelease(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", lineno, err)
		}
		cur, curName = &rel, name
	}
	flush()
	return p, nil
}

func parseRelease(line string) (string, Release, error) {
	fields := strings.Fields(line)
	if len(fields) < 2 {
		return "", Release{}, fmt.Errorf("expected \"name version\" in %q", line)
	}
	v, err := pep440.Parse(fields[1])
	if err != nil {
		return "", Release{}, err
	}
	r := Release{Candidate: resolver.Candidate{Version: v}}
	for k, f := range fields[2:] {
		switch {
		case f == "yanked":
			r.Candidate.Yanked = true
		case strings.HasPrefix(f, "requires-python="):
			r.Candidate.RequiresPython = strings.TrimPrefix(f, "requires-python=")
		case strings.HasPrefix(f, "url="):
			r.Candidate.URL = strings.TrimPrefix(f, "url=")
		case strings.HasPrefix(f, "unavailable="):
			r.Candidate.Unavailable = strings.Join(append([]string{strings.TrimPrefix(f, "unavailable=")}, fields[2+k+1:]...), " ")
			return fields[0], r, nil
		default:
			return "", Release{}, fmt.Errorf("expected yanked, requires-python=, url= or unavailable=, found %q", f)
		}
	}
	return fields[0], r, nil
}
