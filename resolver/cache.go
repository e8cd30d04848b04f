package resolver

import (
	"context"
	"errors"

	"github.com/zgpu/zgpu/pep508"
)

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
