package resolver_test

import (
	"context"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/resolver"
	"github.com/zgpu/zgpu/resolver/memory"
)

// FuzzResolve resolves arbitrary universes and requests: the resolver must
// not panic or fail, and every solution must pass validate. The input is a
// universe and a request separated by a line "--".
func FuzzResolve(f *testing.F) {
	f.Add("a 1.0\n    b>=1\nb 1.0\nb 2.0 yanked\n--\nrequire a\n")
	f.Add("a 2.0\n    b[x]<2; extra == \"y\"\na 1.0\nb 1.0\n    c; extra == \"x\"\nc 1.0b1\n--\nrequire a[y]\nconstraint c<2\n")
	f.Add("x 1.0 requires-python=>=3.13\nx 0.9 unavailable=no wheel\n--\nrequire x\npre\n")
	f.Fuzz(func(t *testing.T, in string) {
		uText, rText, ok := strings.Cut(in, "\n--\n")
		if !ok {
			return
		}
		u, err := memory.Parse(uText)
		if err != nil {
			return
		}
		req, err := parseRequest(rText)
		if err != nil {
			return
		}
		for _, r := range req.Requirements {
			if r.URL != "" {
				return
			}
		}
		res, err := resolver.Resolve(context.Background(), u, req)
		if err != nil {
			t.Fatalf("Resolve: %v", err)
		}
		if res.Unsat == nil {
			if err := validate(u, req, solutionOf(res)); err != nil {
				t.Fatalf("invalid solution: %v\n%s", err, render(res))
			}
		} else if res.Unsat.Derivation == "" {
			t.Fatal("empty explanation")
		}
	})
}
