package lock_test

import (
	"context"
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/lock"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/resolver"
)

// keys returns the sorted keys of a count map.
func keys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// lockReads locks req over m and returns the pins and the projects listed
// and metadata files read, by anyone (resolver or prefetcher).
func lockReads(t *testing.T, m *memIndex, req resolver.Request) (pins map[string]string, listed, read []string) {
	t.Helper()
	res, err := lock.Lock(context.Background(), m, m, lock.Options{Target: target}, req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Unsat != nil {
		t.Fatalf("no solution:\n%s", res.Unsat)
	}
	pins = map[string]string{}
	for _, p := range res.Pins {
		pins[p.Name] = p.Version
	}
	return pins, keys(m.listed), keys(m.read)
}

// Prefetching reads the release the known requirements allow, not the
// newest one, so nothing is read that the resolver will not use: here the
// newest b, c and t, and what they alone depend on.
func TestPrefetchReadsOnlyWhatIsAllowed(t *testing.T) {
	const any = "py3-none-any"
	tests := []struct {
		name       string
		build      func(m *memIndex)
		req        resolver.Request
		wantPins   map[string]string
		wantListed []string
		wantRead   []string
	}{
		{
			name: "pins and specifiers of dependencies",
			build: func(m *memIndex) {
				m.add("a", "1.0", any)
				m.add("a", "2.0", any, "c<2")
				m.add("b", "1.0", any)
				m.add("b", "2.0", any, "d") // b==1.0 is requested
				m.add("c", "1.0", any)
				m.add("c", "2.0", any, "e") // a 2.0 wants c<2
				m.add("d", "1.0", any)
				m.add("e", "1.0", any)
			},
			req:        request(t, "a", "b==1.0"),
			wantPins:   map[string]string{"a": "2.0", "b": "1.0", "c": "1.0"},
			wantListed: []string{"a", "b", "c"},
			wantRead:   []string{"a-2.0-py3-none-any.whl", "b-1.0-py3-none-any.whl", "c-1.0-py3-none-any.whl"},
		},
		{
			// The newest v needs the newest t, which the request rules
			// out: the request's pin is always in force, so the newest t
			// and heavy2 are never read, though the resolver reads v 2.0.
			name: "the request's pin beats a dependency's",
			build: func(m *memIndex) {
				m.add("t", "1.0", any, "heavy1")
				m.add("t", "2.0", any, "heavy2")
				m.add("v", "1.0", any, "t==1.0")
				m.add("v", "2.0", any, "t==2.0")
				m.add("heavy1", "1.0", any)
				m.add("heavy2", "1.0", any)
			},
			req:        request(t, "t==1.0", "v"),
			wantPins:   map[string]string{"t": "1.0", "v": "1.0", "heavy1": "1.0"},
			wantListed: []string{"heavy1", "t", "v"},
			wantRead:   []string{"heavy1-1.0-py3-none-any.whl", "t-1.0-py3-none-any.whl", "v-1.0-py3-none-any.whl", "v-2.0-py3-none-any.whl"},
		},
		{
			name: "constraints and preferences",
			build: func(m *memIndex) {
				m.add("a", "1.0", any, "b", "c")
				m.add("b", "1.0", any)
				m.add("b", "2.0", any, "d") // constrained out
				m.add("c", "1.0", any)
				m.add("c", "2.0", any, "d") // c 1.0 is preferred
				m.add("d", "1.0", any)
				m.add("z", "1.0", any) // only constrained: listed by the resolver, not read
			},
			req: func() resolver.Request {
				r := request(t, "a")
				for _, s := range []string{"b<2", "z==1.0"} {
					c, _ := pep508.ParseRequirement(s)
					r.Constraints = append(r.Constraints, resolver.Requirement{Requirement: c})
				}
				r.Preferences = map[string]pep440.Version{"c": pep440.MustParse("1.0")}
				return r
			}(),
			wantPins:   map[string]string{"a": "1.0", "b": "1.0", "c": "1.0"},
			wantListed: []string{"a", "b", "c", "z"},
			wantRead:   []string{"a-1.0-py3-none-any.whl", "b-1.0-py3-none-any.whl", "c-1.0-py3-none-any.whl"},
		},
		{
			// The listing says the newest x needs Python 3.13 and the next
			// one is yanked: neither is prefetched.
			name: "requires-python and yanked from the listing",
			build: func(m *memIndex) {
				m.add("x", "1.0", any)
				m.add("x", "2.0", any, "y")
				m.add("x", "3.0", any, "y")
				m.add("y", "1.0", any)
				m.files["x"][1].Yanked = true
				m.files["x"][2].RequiresPython = ">=3.13"
			},
			req:        request(t, "x"),
			wantPins:   map[string]string{"x": "1.0"},
			wantListed: []string{"x"},
			wantRead:   []string{"x-1.0-py3-none-any.whl"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMemIndex()
			tt.build(m)
			pins, listed, read := lockReads(t, m, tt.req)
			if diff := cmp.Diff(tt.wantPins, pins); diff != "" {
				t.Errorf("pins (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantListed, listed); diff != "" {
				t.Errorf("projects listed (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantRead, read); diff != "" {
				t.Errorf("metadata read (-want +got):\n%s", diff)
			}
		})
	}
}

// One Prefetch call walks the whole dependency graph the target needs,
// without the resolver asking for anything more: dependencies under the
// extras requested, not under others, and not those whose markers fail on
// the target.
func TestPrefetchWalksTheGraph(t *testing.T) {
	const any = "py3-none-any"
	m := newMemIndex()
	m.add("a", "1.0", any, "b[fast]>=1", "w; sys_platform == 'win32'")
	m.add("b", "0.5", any)
	m.add("b", "1.0", any, "c", "x; extra == 'fast'", "y; extra == 'slow'")
	m.add("c", "1.0", any, "d<2")
	m.add("d", "1.0", any)
	m.add("d", "2.0", any)
	m.add("x", "1.0", any)
	m.add("y", "1.0", any)
	m.add("w", "1.0", any)
	ctx := context.Background()
	p := lock.NewProvider(m, m, lock.Options{Target: target, Env: pep508.LinuxEnv("3.12.1")})
	cs, err := p.Candidates(ctx, "a")
	if err != nil || len(cs) != 1 {
		t.Fatalf("Candidates(a) = %v, %v", cs, err)
	}
	p.Prefetch(ctx, "a", cs[0])
	p.Wait()
	if diff := cmp.Diff([]string{"a", "b", "c", "d", "x"}, keys(m.listed)); diff != "" {
		t.Errorf("projects listed (-want +got):\n%s", diff)
	}
	want := []string{"a-1.0-py3-none-any.whl", "b-1.0-py3-none-any.whl", "c-1.0-py3-none-any.whl", "d-1.0-py3-none-any.whl", "x-1.0-py3-none-any.whl"}
	if diff := cmp.Diff(want, keys(m.read)); diff != "" {
		t.Errorf("metadata read (-want +got):\n%s", diff)
	}
	for name, n := range m.listed {
		if n != 1 {
			t.Errorf("%s listed %d times", name, n)
		}
	}
	// The resolver's questions are then answered without a request.
	before := len(m.read) + len(m.listed)
	cs, _ = p.Candidates(ctx, "b")
	i := slices.IndexFunc(cs, func(c resolver.Candidate) bool { return c.Version.String() == "1.0" })
	if _, err := p.Dependencies(ctx, "b", cs[i]); err != nil {
		t.Fatal(err)
	}
	if after := len(m.read) + len(m.listed); after != before {
		t.Errorf("%d requests after prefetching, want none", after-before)
	}
}

// A release whose metadata rules it out (here its Requires-Python) is
// skipped by the prefetcher for the next one, as the resolver does.
func TestPrefetchSkipsReleasesTheMetadataRulesOut(t *testing.T) {
	const any = "py3-none-any"
	m := newMemIndex()
	m.add("a", "1.0", any, "b")
	m.add("a", "2.0", any, "c")
	m.add("b", "1.0", any)
	m.add("c", "1.0", any)
	u := m.files["a"][1].URL
	md := m.meta[u]
	md.RequiresPython = ">=3.13"
	m.meta[u] = md
	pins, listed, _ := lockReads(t, m, request(t, "a"))
	if diff := cmp.Diff(map[string]string{"a": "1.0", "b": "1.0"}, pins); diff != "" {
		t.Errorf("pins (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a", "b"}, listed); diff != "" {
		t.Errorf("projects listed (-want +got):\n%s", diff)
	}
}
