package resolver_test

import (
	"context"
	"fmt"
	"math/rand"
	"testing"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/resolver"
	"github.com/zgpu/zgpu/resolver/memory"
)

// syntheticUniverse builds nPkg packages of nVer versions each (1.0 ...
// nVer.0). Version k of package i depends on two or three packages with a
// higher index, with lower bounds that rise with k, so the newest releases
// of a package tend to need newer dependencies than others allow and the
// resolver must backtrack. The request names the first ten packages.
func syntheticUniverse(tb testing.TB, nPkg, nVer int) (*memory.Provider, resolver.Request) {
	tb.Helper()
	rng := rand.New(rand.NewSource(42))
	u := memory.New()
	for i := 0; i < nPkg; i++ {
		for k := 1; k <= nVer; k++ {
			v, err := pep440.Parse(fmt.Sprintf("%d.0", k))
			if err != nil {
				tb.Fatal(err)
			}
			var deps []pep508.Requirement
			for d := 2 + rng.Intn(2); d > 0 && i+1 < nPkg; d-- {
				q := i + 1 + rng.Intn(min(20, nPkg-i-1))
				lo := 1 + rng.Intn(k)
				hi := lo + 3 + rng.Intn(nVer)
				s := fmt.Sprintf("p%d>=%d.0,<%d.0", q, lo, hi)
				if rng.Intn(10) == 0 {
					s += `; sys_platform == "win32"`
				}
				r, err := pep508.ParseRequirement(s)
				if err != nil {
					tb.Fatal(err)
				}
				deps = append(deps, r)
			}
			u.Add(fmt.Sprintf("p%d", i), resolver.Candidate{Version: v}, deps...)
		}
	}
	req := resolver.Request{Env: pep508.LinuxEnv("3.12.3"), NoSuggestions: true}
	for i := 0; i < 10 && i < nPkg; i++ {
		r, _ := pep508.ParseRequirement(fmt.Sprintf("p%d", i))
		req.Requirements = append(req.Requirements, resolver.Requirement{Requirement: r})
	}
	return u, req
}

func BenchmarkResolveSynthetic300x20(b *testing.B) {
	u, req := syntheticUniverse(b, 300, 20)
	b.ReportAllocs()
	var res *resolver.Result
	for b.Loop() {
		var err error
		res, err = resolver.Resolve(context.Background(), u, req)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(res.Packages)), "packages")
	b.ReportMetric(float64(res.Stats.Decisions), "decisions")
	b.ReportMetric(float64(res.Stats.Conflicts), "conflicts")
}

func TestSyntheticUniverseResolves(t *testing.T) {
	u, req := syntheticUniverse(t, 300, 20)
	res, err := resolver.Resolve(context.Background(), u, req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Unsat != nil {
		t.Fatalf("no solution:\n%s", res.Unsat)
	}
	if err := validate(u, req, solutionOf(res)); err != nil {
		t.Fatalf("invalid solution: %v", err)
	}
	for name, n := range u.CandidateCalls {
		if n != 1 {
			t.Errorf("Candidates(%s) called %d times, want 1", name, n)
		}
	}
	for key, n := range u.DependencyCalls {
		if n != 1 {
			t.Errorf("Dependencies(%s) called %d times, want 1", key, n)
		}
	}
}
