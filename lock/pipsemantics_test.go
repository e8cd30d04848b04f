package lock_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/internal/testonly/shared"
	"github.com/zgpu/zgpu/lock"
	"github.com/zgpu/zgpu/pypi"
	"github.com/zgpu/zgpu/resolver/memory"
)

// semanticsCase is a small universe that isolates one rule (yanked,
// pre-releases, extras, markers, Requires-Python, constraints), resolved by
// pip and by lock on the same index.
type semanticsCase struct {
	name        string
	universe    string // resolver/memory's text format
	reqs        []string
	constraints []string
	// deviation, when set, is a documented difference: zgpu's answer is
	// checked against want instead of pip's.
	deviation string
	want      map[string]string // nil: no solution
}

var semanticsCases = []semanticsCase{
	{name: "yanked-skipped", universe: "a 2.0 yanked\na 1.0\n", reqs: []string{"a"}},
	{name: "yanked-pinned", universe: "a 2.0 yanked\na 1.0\n", reqs: []string{"a==2.0"}},
	{name: "yanked-range-only", universe: "a 2.0 yanked\na 1.0\n", reqs: []string{"a>=2"}},
	{name: "prerelease-only", universe: "b 1.0b1\nb 0.9b2\n", reqs: []string{"b"}},
	{name: "prerelease-named", universe: "c 2.0rc1\nc 1.0\n", reqs: []string{"c>=2.0rc1"}},
	{name: "prerelease-not-named", universe: "c 2.0rc1\nc 1.0\n", reqs: []string{"c>=0.5"}},
	{name: "prerelease-transitive", universe: "d 1.0\n    c>=1.0\nc 2.0rc1\nc 1.0\n", reqs: []string{"d", "c>=2.0rc1"},
		deviation: "pip admits c's pre-releases for every requirement once one names a pre-release; zgpu applies the rule per requirement",
		want:      nil},
	{name: "extras-markers", universe: `e 1.0
    f; extra == "x"
    g; extra == "x" and python_version < "3.10"
    h; extra == "y"
    i; sys_platform == "win32"
    j; python_version >= "3.12"
f 1.0
g 1.0
h 1.0
i 1.0
j 1.0
`, reqs: []string{"e[x]"}},
	{name: "extra-of-extra", universe: `k 1.0
    k[b]; extra == "a"
    l; extra == "b"
l 1.0
`, reqs: []string{"k[a]"}},
	{name: "requires-python", universe: "m 2.0 requires-python=>=3.13\nm 1.5 requires-python=>=3.8,<3.12\nm 1.0 requires-python=>=3.8\n", reqs: []string{"m"}},
	{name: "constraint-restricts", universe: "n 2.0\nn 1.0\no 1.0\n    n\np 1.0\n", reqs: []string{"o"}, constraints: []string{"n<2", "p==1.0"}},
	{name: "backtrack", universe: "q 2.0\n    r>=2\nq 1.0\n    r<2\nr 2.0\n    s>=3\nr 1.0\ns 2.0\n", reqs: []string{"q"}},
}

// writeIndex lays a universe out as a PEP 691 index with PEP 658 metadata
// files, one pure-Python wheel per release.
func writeIndex(t *testing.T, root string, u *memory.Provider) {
	t.Helper()
	for _, name := range u.Names() {
		var files []map[string]any
		var versions []string
		for _, r := range u.Releases(name) {
			v := r.Candidate.Version.String()
			fn := fmt.Sprintf("%s-%s-py3-none-any.whl", strings.ReplaceAll(name, "-", "_"), v)
			var md strings.Builder
			fmt.Fprintf(&md, "Metadata-Version: 2.1\nName: %s\nVersion: %s\n", name, v)
			if rp := r.Candidate.RequiresPython; rp != "" {
				fmt.Fprintf(&md, "Requires-Python: %s\n", rp)
			}
			extras := map[string]bool{}
			for _, d := range r.Deps {
				fmt.Fprintf(&md, "Requires-Dist: %s\n", d.String())
				if d.Marker != nil {
					if s := d.Marker.String(); strings.Contains(s, "extra == ") {
						x := s[strings.Index(s, "extra == ")+len(`extra == "`):]
						extras[x[:strings.IndexByte(x, '"')]] = true
					}
				}
			}
			for x := range extras {
				fmt.Fprintf(&md, "Provides-Extra: %s\n", x)
			}
			sum := sha256.Sum256([]byte(md.String()))
			mdHash := hex.EncodeToString(sum[:])
			if err := os.MkdirAll(filepath.Join(root, "files"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, "files", fn+".metadata"), []byte(md.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			f := map[string]any{"filename": fn, "url": "../../files/" + fn, "hashes": map[string]string{},
				"core-metadata": map[string]string{"sha256": mdHash}, "yanked": r.Candidate.Yanked}
			if rp := r.Candidate.RequiresPython; rp != "" {
				f["requires-python"] = rp
			}
			files = append(files, f)
			versions = append(versions, v)
		}
		page, _ := json.Marshal(map[string]any{"meta": map[string]string{"api-version": "1.1"}, "name": name, "versions": versions, "files": files})
		dir := filepath.Join(root, "simple", name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "index.json"), page, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const pipSemantics = "testdata/pip-semantics.json"

// TestPipSemantics checks the resolver's rules against pip 23.2 (CPython
// 3.12.1) on small universes, through lock and a fake index. pip's answers
// are recorded in testdata/pip-semantics.json; -pip runs pip again.
func TestPipSemantics(t *testing.T) {
	recorded := map[string]map[string]string{}
	if !*livePip {
		data, err := os.ReadFile(pipSemantics)
		if err != nil {
			t.Fatalf("%v (run go test -run TestPipSemantics -pip)", err)
		}
		if err := json.Unmarshal(data, &recorded); err != nil {
			t.Fatal(err)
		}
	}
	var python string
	if *livePip {
		python = shared.PythonVersion(t, "3.12")
	}
	for _, tc := range semanticsCases {
		t.Run(tc.name, func(t *testing.T) {
			u, err := memory.Parse(tc.universe)
			if err != nil {
				t.Fatal(err)
			}
			root := t.TempDir()
			writeIndex(t, root, u)
			s := fakes.PyPI(t, root)
			if *livePip {
				pins, _ := pipResolve(t, python, s.URL, tc.reqs, tc.constraints)
				recorded[tc.name] = pins
			}
			pipPins, ok := recorded[tc.name]
			if !ok {
				t.Fatalf("no recorded pip answer (run with -pip)")
			}
			req := pipRequest(t, "3.12.1", tc.reqs, tc.constraints)
			c := fetch.New(fetch.Config{MaxRetries: -1})
			res, err := lock.Lock(context.Background(), pypi.New(s.URL, c), pypi.NewReader(c), lock.Options{Target: target}, req)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]string
			if res.Unsat == nil {
				got = pins(res)
			}
			want := pipPins
			if tc.deviation != "" {
				if cmp.Equal(pipPins, tc.want) {
					t.Errorf("pip now agrees with the documented deviation (%s)", tc.deviation)
				}
				want = tc.want
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("pins (-want +zgpu):\n%s", diff)
			}
		})
	}
	if *livePip {
		data, _ := json.MarshalIndent(recorded, "", "  ")
		if err := os.WriteFile(pipSemantics, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
