package resolver_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/resolver"
	"github.com/zgpu/zgpu/resolver/memory"
)

func mustUniverse(t *testing.T, text string) *memory.Provider {
	t.Helper()
	u, err := memory.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func mustRequest(t *testing.T, text string) resolver.Request {
	t.Helper()
	r, err := parseRequest(text)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

const smallUniverse = `
a 2.0
    b>=2
a 1.0
    b<2
b 2.0
    c
b 1.0
c 1.0
`

// failing wraps a provider and fails Dependencies of one package.
type failing struct {
	*memory.Provider
	name string
}

var errBoom = errors.New("boom")

func (f failing) Dependencies(ctx context.Context, name string, c resolver.Candidate) ([]pep508.Requirement, error) {
	if name == f.name {
		return nil, errBoom
	}
	return f.Provider.Dependencies(ctx, name, c)
}

func TestProviderErrorAborts(t *testing.T) {
	u := mustUniverse(t, smallUniverse)
	_, err := resolver.Resolve(context.Background(), failing{u, "b"}, mustRequest(t, "require a"))
	if !errors.Is(err, errBoom) {
		t.Fatalf("err = %v, want %v", err, errBoom)
	}
}

func TestCanceledContext(t *testing.T) {
	u := mustUniverse(t, smallUniverse)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := resolver.Resolve(ctx, u, mustRequest(t, "require a"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// cancelAfter cancels the context after n Dependencies calls.
type cancelAfter struct {
	*memory.Provider
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Dependencies(ctx context.Context, name string, cand resolver.Candidate) ([]pep508.Requirement, error) {
	c.n--
	if c.n == 0 {
		c.cancel()
	}
	return c.Provider.Dependencies(context.Background(), name, cand)
}

func TestCanceledMidway(t *testing.T) {
	u, req := syntheticUniverse(t, 60, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := resolver.Resolve(ctx, &cancelAfter{Provider: u, n: 20, cancel: cancel}, req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestURLWithoutURLProvider(t *testing.T) {
	u := mustUniverse(t, smallUniverse)
	type plain struct{ resolver.Provider }
	_, err := resolver.Resolve(context.Background(), plain{u}, mustRequest(t, "require a @ https://example.com/a-1.0-py3-none-any.whl"))
	if err == nil || !strings.Contains(err.Error(), "direct URL") {
		t.Fatalf("err = %v, want a direct URL error", err)
	}
}

// recorder records Prefetch calls.
type recorder struct {
	*memory.Provider
	got []string
}

func (r *recorder) Prefetch(ctx context.Context, name string, c resolver.Candidate) {
	r.got = append(r.got, name+" "+c.Version.String())
}

func TestPrefetchBestCandidateOfEachNewPackage(t *testing.T) {
	rec := &recorder{Provider: mustUniverse(t, smallUniverse)}
	req := mustRequest(t, "require a\nprefer a==1.0")
	res, err := resolver.Resolve(context.Background(), rec, req)
	if err != nil || res.Unsat != nil {
		t.Fatalf("Resolve: %v %v", err, res.Unsat)
	}
	// a is preferred at 1.0; b's best is 2.0 (the resolver later takes 1.0).
	want := []string{"a 1.0", "b 2.0"}
	if diff := cmp.Diff(want, rec.got); diff != "" {
		t.Errorf("Prefetch calls (-want +got):\n%s", diff)
	}
}

func TestDeterministic(t *testing.T) {
	u, req := syntheticUniverse(t, 80, 8)
	first, err := resolver.Resolve(context.Background(), u, req)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		again, err := resolver.Resolve(context.Background(), u, req)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(render(first), render(again)); diff != "" {
			t.Fatalf("run %d differs (-first +again):\n%s", i, diff)
		}
	}
}

func TestValidatorRejects(t *testing.T) {
	u := mustUniverse(t, smallUniverse+"d 1.0 yanked\nd 0.9\n")
	req := mustRequest(t, "require a\nrequire d")
	v := func(s string) chosen {
		n, ver, _ := strings.Cut(s, "==")
		_ = n
		return chosen{version: mustVersion(t, ver), extras: []string{}}
	}
	tests := []struct {
		name string
		sol  map[string]chosen
		want string // substring of the error; "" = valid
	}{
		{"valid", map[string]chosen{"a": v("a==2.0"), "b": v("b==2.0"), "c": v("c==1.0"), "d": v("d==0.9")}, ""},
		{"missing dependency", map[string]chosen{"a": v("a==2.0"), "b": v("b==2.0"), "d": v("d==0.9")}, "c required but not chosen"},
		{"unsatisfied range", map[string]chosen{"a": v("a==2.0"), "b": v("b==1.0"), "d": v("d==0.9")}, "b>=2"},
		{"extra package", map[string]chosen{"a": v("a==1.0"), "b": v("b==1.0"), "c": v("c==1.0"), "d": v("d==0.9")}, "nothing requires it"},
		{"yanked unpinned", map[string]chosen{"a": v("a==1.0"), "b": v("b==1.0"), "d": v("d==1.0")}, "yanked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validate(u, req, tt.sol)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("validate: %v, want valid", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("validate: %v, want error containing %q", err, tt.want)
			}
		})
	}
}

func TestResultViaAndExtras(t *testing.T) {
	u := mustUniverse(t, `
x 1.0
    y; extra == "fast"
y 1.0
`)
	res, err := resolver.Resolve(context.Background(), u, mustRequest(t, "require x[fast]"))
	if err != nil || res.Unsat != nil {
		t.Fatalf("Resolve: %v %v", err, res.Unsat)
	}
	want := []resolver.Resolved{
		{Name: "x", Extras: []string{"fast"}, Via: []resolver.Via{{Origin: "requirements.txt:1", Requirement: "x[fast]"}}},
		{Name: "y", Via: []resolver.Via{{From: "x[fast] 1.0", Requirement: "y"}}},
	}
	for i := range res.Packages {
		res.Packages[i].Version = want[0].Version
		res.Packages[i].Candidate = resolver.Candidate{}
	}
	if diff := cmp.Diff(want, res.Packages, cmp.Comparer(func(a, b resolver.Candidate) bool { return true })); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
}

// lateUnavailable reports b 2.0 unavailable only when its dependencies are
// read.
type lateUnavailable struct{ *memory.Provider }

func (l lateUnavailable) Dependencies(ctx context.Context, name string, c resolver.Candidate) ([]pep508.Requirement, error) {
	if name == "b" && c.Version.String() == "2.0" {
		return nil, fmt.Errorf("b 2.0: %w", &resolver.UnavailableError{Reason: "metadata requires Python >=3.13"})
	}
	return l.Provider.Dependencies(ctx, name, c)
}

func TestUnavailableFromDependencies(t *testing.T) {
	u := mustUniverse(t, smallUniverse)
	res, err := resolver.Resolve(context.Background(), lateUnavailable{u}, mustRequest(t, "require b"))
	if err != nil || res.Unsat != nil {
		t.Fatalf("Resolve: %v %v", err, res.Unsat)
	}
	if got := render(res); got != "b==1.0\n    <- root: b (requirements.txt:1)\n" {
		t.Errorf("got\n%s", got)
	}
	res, err = resolver.Resolve(context.Background(), lateUnavailable{u}, mustRequest(t, "require b>=2"))
	if err != nil || res.Unsat == nil {
		t.Fatalf("Resolve: %v, unsat %v", err, res.Unsat)
	}
	want := "Because b 2.0 cannot be installed on the target (metadata requires Python >=3.13) and root depends on b>=2 (requirements.txt:1), version solving failed."
	if !strings.Contains(res.Unsat.Derivation, want) {
		t.Errorf("derivation:\n%s\nwant it to contain\n%s", res.Unsat.Derivation, want)
	}
}
