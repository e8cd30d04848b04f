package resolver_test

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/resolver"
	"github.com/zgpu/zgpu/resolver/memory"
)

// chosen is one package of a candidate solution.
type chosen struct {
	version pep440.Version
	url     string
	extras  []string
}

func solutionOf(res *resolver.Result) map[string]chosen {
	out := map[string]chosen{}
	for _, p := range res.Packages {
		out[p.Name] = chosen{version: p.Version, url: p.Candidate.URL, extras: append([]string{}, p.Extras...)}
	}
	return out
}

// validate checks a solution independently of the resolver: every chosen
// release exists and installs on the target; every request requirement and
// every dependency of every chosen package (with the extras asked of it)
// whose marker holds is satisfied under the documented rules (yanked only
// when pinned, pre-releases per requirement); constraints hold; exactly the
// packages and extras something requires are chosen.
func validate(u *memory.Provider, req resolver.Request, sol map[string]chosen) error {
	py, _ := pep440.Parse(req.Env["python_full_version"])
	release := func(name string, c chosen) (memory.Release, bool) {
		if c.url != "" {
			cand, err := u.URLCandidate(ctxBG, name, c.url)
			if err != nil {
				return memory.Release{}, false
			}
			deps, _ := u.Dependencies(ctxBG, name, cand)
			return memory.Release{Candidate: cand, Deps: deps}, true
		}
		for _, r := range u.Releases(name) {
			if r.Candidate.Version.Compare(c.version) == 0 {
				return r, true
			}
		}
		return memory.Release{}, false
	}
	installs := func(c resolver.Candidate) bool {
		if c.Unavailable != "" {
			return false
		}
		if c.RequiresPython == "" {
			return true
		}
		spec, err := pep440.ParseSpecifiers(c.RequiresPython)
		return err != nil || spec.Contains(py, true)
	}
	satisfied := func(r pep508.Requirement) error {
		name := pep508.NormalizeName(r.Name)
		c, ok := sol[name]
		if !ok {
			return fmt.Errorf("%s required but not chosen", r)
		}
		if r.URL != "" {
			if c.url != r.URL {
				return fmt.Errorf("%s: chosen %s %s", r, c.version, c.url)
			}
			return nil
		}
		if !r.Specifiers.Contains(c.version, true) {
			return fmt.Errorf("%s: chosen %s", r, c.version)
		}
		if c.url != "" {
			return nil
		}
		rel, _ := release(name, c)
		pinned := len(r.Specifiers) == 1 && (r.Specifiers[0].Op == "===" ||
			r.Specifiers[0].Op == "==" && !hasWildcard(r.Specifiers[0].Version))
		if rel.Candidate.Yanked && !pinned {
			return fmt.Errorf("%s: chosen %s is yanked", r, c.version)
		}
		if c.version.IsPrerelease() && !req.Pre && !r.Specifiers.Prereleases() {
			for _, o := range u.Releases(name) {
				if installs(o.Candidate) && !o.Candidate.Version.IsPrerelease() && r.Specifiers.Contains(o.Candidate.Version, true) {
					return fmt.Errorf("%s: chosen pre-release %s although final %s satisfies it", r, c.version, o.Candidate.Version)
				}
			}
		}
		return nil
	}
	for name, c := range sol {
		rel, ok := release(name, c)
		if !ok {
			return fmt.Errorf("%s %s: no such release", name, c.version)
		}
		if !installs(rel.Candidate) {
			return fmt.Errorf("%s %s does not install on the target", name, c.version)
		}
	}
	// Walk what is required, growing the extras asked of each package.
	asked := map[string][]string{}
	required := map[string]bool{}
	var check []pep508.Requirement
	for _, r := range req.Requirements {
		if r.Marker.Evaluate(req.Env) {
			check = append(check, r.Requirement)
		}
	}
	done := map[string]bool{} // "name\x00extra" whose deps were queued
	for len(check) > 0 {
		r := check[0]
		check = check[1:]
		if err := satisfied(r); err != nil {
			return err
		}
		name := pep508.NormalizeName(r.Name)
		required[name] = true
		for _, e := range append([]string{""}, r.Extras...) {
			e = pep508.NormalizeName(e)
			if e != "" && !slices.Contains(asked[name], e) {
				asked[name] = append(asked[name], e)
			}
			if done[name+"\x00"+e] {
				continue
			}
			done[name+"\x00"+e] = true
			rel, _ := release(name, sol[name])
			for _, d := range rel.Deps {
				var holds bool
				if e == "" {
					holds = d.Marker.Evaluate(req.Env)
				} else {
					holds = d.Marker.EvaluateExtras(req.Env, []string{e})
				}
				if holds {
					check = append(check, d)
				}
			}
		}
	}
	for _, r := range req.Constraints {
		if _, ok := sol[pep508.NormalizeName(r.Name)]; ok && r.Marker.Evaluate(req.Env) {
			r.Extras = nil
			if err := satisfied(r.Requirement); err != nil {
				return fmt.Errorf("constraint %v", err)
			}
		}
	}
	for name, c := range sol {
		if !required[name] {
			return fmt.Errorf("%s %s chosen but nothing requires it", name, c.version)
		}
		want := append([]string(nil), asked[name]...)
		sort.Strings(want)
		got := append([]string(nil), c.extras...)
		sort.Strings(got)
		if c.extras != nil && !slices.Equal(want, got) {
			return fmt.Errorf("%s: extras %v, asked %v", name, got, want)
		}
	}
	return nil
}

var ctxBG = context.Background()

func hasWildcard(v string) bool { return len(v) >= 2 && v[len(v)-2:] == ".*" }

func mustVersion(tb interface {
	Helper()
	Fatal(...any)
}, s string) pep440.Version {
	tb.Helper()
	v, err := pep440.Parse(s)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}
