package coremeta

import (
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/internal/testonly/shared"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want index.Metadata
	}{
		{
			name: "wheel METADATA with a description body",
			in: "Metadata-Version: 2.1\nName: Demo_Pkg\nVersion: 1.0.post1\nRequires-Python: >=3.9\n" +
				"Requires-Dist: numpy>=1.24\nRequires-Dist: torch ; extra == \"gpu\"\nProvides-Extra: gpu\n" +
				"Provides-Extra: docs\n\nRequires-Dist: not-a-header\nName: nope\n",
			want: index.Metadata{Name: "Demo_Pkg", Version: "1.0.post1", RequiresPython: ">=3.9",
				RequiresDist: []string{"numpy>=1.24", `torch ; extra == "gpu"`}, ProvidesExtra: []string{"gpu", "docs"}},
		},
		{
			name: "continuation lines, CRLF, case-insensitive names, BOM",
			in: "\xef\xbb\xbfmetadata-version: 1.2\r\nNAME: x\r\nversion:2\r\nDescription: line one\r\n" +
				"        |line two\r\n\tline three\r\nrequires-dist: a (>=1,\r\n  <2)\r\nRequires-Dist:\r\n",
			want: index.Metadata{Name: "x", Version: "2", RequiresDist: []string{"a (>=1, <2)"}},
		},
		{
			name: "no trailing newline, colon in value",
			in:   "Name: y\nVersion: 3\nRequires-Dist: z; python_version < \"3.10\" and platform_system == 'Linux'",
			want: index.Metadata{Name: "y", Version: "3", RequiresDist: []string{`z; python_version < "3.10" and platform_system == 'Linux'`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Name: a\nVersion 1\n", `coremeta: expected "Field: value" at line 2, got "Version 1"`},
		{"  continued\nName: a\n", "coremeta: expected a field name at line 1, found a continuation line"},
		{"Name: a\n", "coremeta: expected a Version field"},
		{"Version: 1\n", "coremeta: expected a Name field"},
		{"Name: a\nVersion: 1\nName: b\n", "coremeta: Name repeated at line 3 (first at line 1)"},
		{"Bad Field: x\n", `coremeta: expected a field name before ':' at line 1, got "Bad Field"`},
		{"", "coremeta: expected a Name field"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.in))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) error = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestFieldsLines(t *testing.T) {
	got, err := Fields([]byte("A: 1\nB: two\n  more\nC:\n\nD: body\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Field{{"A", "1", 1}, {"B", "two more", 2}, {"C", "", 4}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Fields (-want +got):\n%s", diff)
	}
}

// oracle is what pip's vendored packaging.metadata.parse_email returns.
const oracle = `
import json, sys
from pip._vendor.packaging.metadata import parse_email
out = []
for p in sys.stdin.read().split("\n"):
    if not p:
        continue
    raw, unparsed = parse_email(open(p, "rb").read())
    out.append({"name": raw.get("name", ""), "version": raw.get("version", ""),
                "requires_python": raw.get("requires_python", ""),
                "requires_dist": raw.get("requires_dist", []),
                "provides_extra": raw.get("provides_extra", []),
                "unparsed": sorted(unparsed)})
json.dump(out, sys.stdout)
`

// TestDifferentialMirror parses every distinct metadata document of the
// offline mirror with Parse and with pip's packaging, and compares.
func TestDifferentialMirror(t *testing.T) {
	dir := shared.Dir(t, "mirror", "files")
	paths, err := filepath.Glob(filepath.Join(dir, "*.metadata"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no metadata files in %s", dir)
	}
	sort.Strings(paths)
	seen := map[[32]byte]bool{}
	var distinct []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(b)
		if !seen[h] {
			seen[h] = true
			distinct = append(distinct, p)
		}
	}
	if testing.Short() && len(distinct) > 300 {
		distinct = distinct[:300]
	}
	type result struct {
		Name           string   `json:"name"`
		Version        string   `json:"version"`
		RequiresPython string   `json:"requires_python"`
		RequiresDist   []string `json:"requires_dist"`
		ProvidesExtra  []string `json:"provides_extra"`
		Unparsed       []string `json:"unparsed"`
	}
	var want []result
	out := shared.Oracle{Name: t.Name(), Args: []string{"-c", oracle}, Stdin: []byte(strings.Join(distinct, "\n")), Replace: []string{dir}}.Output(t)
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(distinct) {
		t.Fatalf("oracle returned %d results for %d files", len(want), len(distinct))
	}
	compared := 0
	for i, p := range distinct {
		w := want[i]
		if len(w.Unparsed) > 0 {
			t.Logf("%s: packaging left %v unparsed; skipped", filepath.Base(p), w.Unparsed)
			continue
		}
		b, _ := os.ReadFile(p)
		m, err := Parse(b)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(p), err)
			continue
		}
		got := result{Name: m.Name, Version: m.Version, RequiresPython: m.RequiresPython,
			RequiresDist: m.RequiresDist, ProvidesExtra: m.ProvidesExtra}
		if diff := cmp.Diff(w, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-packaging +coremeta):\n%s", filepath.Base(p), diff)
		}
		compared++
	}
	t.Logf("compared %d distinct metadata documents with pip's packaging", compared)
	if compared < len(distinct)*9/10 {
		t.Errorf("only %d of %d documents compared", compared, len(distinct))
	}
}

func BenchmarkParse(b *testing.B) {
	paths, _ := filepath.Glob(filepath.Join(shared.Dir(b, "mirror", "files"), "transformers-*.metadata"))
	if len(paths) == 0 {
		b.Skip("no transformers metadata in the mirror")
	}
	data, err := os.ReadFile(paths[0])
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("Name: a\nVersion: 1\nRequires-Dist: b\n\nbody"))
	f.Add([]byte("Name: a\r\n  cont\r\nVersion:1"))
	f.Add([]byte(" x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err == nil && (m.Name == "" || m.Version == "") {
			t.Errorf("Parse(%q) = %+v without error", data, m)
		}
		fields, err := Fields(data)
		if err != nil {
			return
		}
		for _, fl := range fields {
			if fl.Name == "" || fl.Line < 1 {
				t.Errorf("bad field %+v", fl)
			}
		}
	})
}
