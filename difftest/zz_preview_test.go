package difftest

import (
	"context"
	"testing"
	"time"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/internal/shared"
	"github.com/zgpu/zgpu/internal/validate"
	"github.com/zgpu/zgpu/lock"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/pypi"
	"github.com/zgpu/zgpu/resolver"
)

func TestZZPreview(t *testing.T) {
	mirror := shared.Dir(t, "mirror")
	m := validate.Open(mirror)
	cases := allCases(t, m)
	s := fakes.PyPI(t, mirror)
	c := fetch.New(fetch.Config{MaxRetries: -1})
	ix, rd := pypi.New(s.URL, c), pypi.NewReader(c)
	for _, tc := range cases {
		full := map[string]string{"3.12": "3.12.1", "3.10": "3.10.13"}[tc.Python]
		req := resolver.Request{Env: pep508.LinuxEnv(full), NoSuggestions: true}
		vreq := validate.Request{Env: req.Env, Target: target(tc.Python)}
		for _, s := range tc.Requirements {
			r, _ := pep508.ParseRequirement(s)
			req.Requirements = append(req.Requirements, resolver.Requirement{Requirement: r})
			vreq.Requirements = append(vreq.Requirements, r)
		}
		start := time.Now()
		res, err := lock.Lock(context.Background(), ix, rd, lock.Options{Target: target(tc.Python), Env: req.Env}, req)
		if err != nil {
			t.Errorf("%s: %v", tc.ID, err)
			continue
		}
		if res.Unsat != nil {
			t.Logf("%s: unsat %v\n%s", tc.ID, time.Since(start), res.Unsat.Derivation)
			continue
		}
		sol := map[string]string{}
		for _, p := range res.Pins {
			sol[p.Name] = p.Version
		}
		probs := m.Check(vreq, sol)
		t.Logf("%s: %d pins %v, %d problems %v", tc.ID, len(sol), time.Since(start), len(probs), probs)
	}
}
