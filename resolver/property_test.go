package resolver_test

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/resolver"
	"github.com/zgpu/zgpu/resolver/memory"
)

// randomUniverse writes a small universe in memory's text format: nPkg
// packages of up to nVer versions each, with random dependencies (ranges,
// pins, exclusions, extras, markers that hold or not on the target) and a
// few yanked, pre-release, unavailable and Requires-Python-excluded
// releases. It returns the text and a request.
func randomUniverse(rng *rand.Rand, nPkg, nVer int) (string, string) {
	versions := []string{"1.0", "1.1", "2.0", "2.1b1", "3.0"}
	var b strings.Builder
	name := func(i int) string { return fmt.Sprintf("p%d", i) }
	spec := func() string {
		v := versions[rng.Intn(len(versions))]
		switch rng.Intn(9) {
		case 0, 7, 8:
			return ""
		case 1:
			return ">=" + v
		case 2:
			return "<" + v
		case 3:
			return "==" + v
		case 4:
			return "!=" + v
		case 5:
			return ">=" + versions[rng.Intn(2)] + ",<" + versions[2+rng.Intn(3)]
		}
		return "~=" + versions[rng.Intn(3)]
	}
	for p := 0; p < nPkg; p++ {
		nv := 2 + rng.Intn(nVer-1)
		perm := rng.Perm(len(versions))[:nv]
		for _, vi := range perm {
			fmt.Fprintf(&b, "%s %s", name(p), versions[vi])
			switch rng.Intn(16) {
			case 0:
				b.WriteString(" yanked")
			case 1:
				b.WriteString(" requires-python=>=3.13")
			case 2:
				b.WriteString(" unavailable=no wheel for the target")
			}
			b.WriteString("\n")
			for d := rng.Intn(3); d > 0; d-- {
				q := rng.Intn(nPkg)
				if q == p {
					continue
				}
				line := name(q)
				if rng.Intn(6) == 0 {
					line += "[x]"
				}
				line += spec()
				switch rng.Intn(8) {
				case 0:
					line += `; python_version < "3.10"`
				case 1:
					line += `; sys_platform == "linux"`
				case 2:
					line += `; extra == "x"`
				}
				fmt.Fprintf(&b, "    %s\n", line)
			}
		}
	}
	var r strings.Builder
	for k := 1 + rng.Intn(3); k > 0; k-- {
		q := rng.Intn(nPkg)
		x := ""
		if rng.Intn(5) == 0 {
			x = "[x]"
		}
		fmt.Fprintf(&r, "require %s%s%s\n", name(q), x, spec())
	}
	if rng.Intn(4) == 0 {
		fmt.Fprintf(&r, "constraint %s%s\n", name(rng.Intn(nPkg)), spec())
	}
	if rng.Intn(6) == 0 {
		r.WriteString("pre\n")
	}
	return b.String(), r.String()
}

// bruteForce reports whether any assignment of versions (or absence) to
// the universe's packages passes validate.
func bruteForce(u *memory.Provider, req resolver.Request) bool {
	names := u.Names()
	sol := map[string]chosen{}
	var rec func(i int) bool
	rec = func(i int) bool {
		if i == len(names) {
			return validate(u, req, sol) == nil
		}
		delete(sol, names[i])
		if rec(i + 1) {
			return true
		}
		for _, r := range u.Releases(names[i]) {
			sol[names[i]] = chosen{version: r.Candidate.Version}
			if rec(i + 1) {
				return true
			}
		}
		delete(sol, names[i])
		return false
	}
	return rec(0)
}

func TestRandomUniverses(t *testing.T) {
	seeds := 500
	if testing.Short() {
		seeds = 100
	}
	solved, unsat := 0, 0
	for seed := 1; seed <= seeds; seed++ {
		rng := rand.New(rand.NewSource(int64(seed)))
		uText, rText := randomUniverse(rng, 4+seed%3, 3)
		u, err := memory.Parse(uText)
		if err != nil {
			t.Fatalf("seed %d: universe: %v\n%s", seed, err, uText)
		}
		req, err := parseRequest(rText)
		if err != nil {
			t.Fatalf("seed %d: request: %v", seed, err)
		}
		req.NoSuggestions = true
		res, err := resolver.Resolve(context.Background(), u, req)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if res.Unsat == nil {
			solved++
			if err := validate(u, req, solutionOf(res)); err != nil {
				t.Errorf("seed %d: invalid solution: %v\nuniverse:\n%s\nrequest:\n%s\ngot:\n%s", seed, err, uText, rText, render(res))
			}
			continue
		}
		unsat++
		if bruteForce(u, req) {
			t.Errorf("seed %d: resolver found no solution but one exists\nuniverse:\n%s\nrequest:\n%s\nexplanation:\n%s", seed, uText, rText, res.Unsat)
		}
	}
	t.Logf("%d solved and validated, %d unsatisfiable confirmed by brute force", solved, unsat)
	if solved == 0 || unsat == 0 {
		t.Errorf("generator produced %d solvable and %d unsatisfiable universes; want both kinds", solved, unsat)
	}
}

var _ = pep440.Parse
var _ = pep508.NormalizeName

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
