package uvlock

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zgpu/zgpu/internal/testonly/shared"
	"github.com/zgpu/zgpu/pep508"
)

// allLocks returns every uv.lock of the shared corpus and lock sources.
func allLocks(t testing.TB) []string {
	var out []string
	for _, dir := range []string{shared.Dir(t, "corpus"), shared.Dir(t, "mirror-src")} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && d.Name() == "uv.lock" {
				out = append(out, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestReadAll reads every real uv.lock and checks the graph is closed:
// every edge names a locked package (and version, when it gives one), and
// there is a root. It then exports each for CPython 3.12 on Linux.
func TestReadAll(t *testing.T) {
	locks := allLocks(t)
	if len(locks) < 17 {
		t.Fatalf("found %d uv.lock files, want at least 17", len(locks))
	}
	for _, path := range locks {
		l, err := Read(path)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if len(l.Packages) == 0 || len(l.Roots()) == 0 {
			t.Errorf("%s: %d packages, %d roots", path, len(l.Packages), len(l.Roots()))
		}
		for _, p := range l.Packages {
			if p.Source.Kind == "" {
				t.Errorf("%s: %s has no source", path, p.Name)
			}
			if p.Source.Kind == "registry" && len(p.Wheels) == 0 && p.Sdist == nil {
				t.Errorf("%s: registry package %s %s has no files", path, p.Name, p.Version)
			}
			for _, w := range p.Wheels {
				if !strings.HasSuffix(w.Filename, ".whl") {
					t.Errorf("%s: %s: wheel filename %q", path, p.Name, w.Filename)
				}
			}
			edges := append([]Dependency{}, p.Dependencies...)
			for _, d := range p.OptionalDependencies {
				edges = append(edges, d...)
			}
			for _, d := range p.DevDependencies {
				edges = append(edges, d...)
			}
			for _, d := range edges {
				found := false
				for _, q := range l.Lookup(d.Name) {
					if d.Version == "" || q.Version == d.Version {
						found = true
					}
				}
				if !found {
					t.Errorf("%s: %s depends on %s %s, which is not locked", path, p.Name, d.Name, d.Version)
				}
			}
		}
		sel, err := l.Export(ExportOptions{Env: pep508.LinuxEnv("3.12.12"), NoDev: true})
		if err != nil {
			t.Errorf("%s: Export: %v", path, err)
			continue
		}
		if len(sel) < 2 {
			t.Errorf("%s: Export selected %d packages", path, len(sel))
		}
		names := map[string]int{}
		for _, s := range sel {
			names[s.Name]++
			if c := s.Chain(); len(c) == 0 || c[len(c)-1] != s.Name {
				t.Errorf("%s: %s: chain %v does not end at it", path, s.Name, s.Chain())
			}
		}
		for n, c := range names {
			if c > 1 {
				t.Errorf("%s: %s selected %d times for one target", path, n, c)
			}
		}
	}
}

func TestParseFields(t *testing.T) {
	l, err := Read(filepath.Join(shared.Dir(t, "corpus"), "056-index-tts", "uv.lock"))
	if err != nil {
		t.Fatal(err)
	}
	if l.Version != 1 || l.Revision != 3 || l.RequiresPython != ">=3.10, <3.12" || len(l.ResolutionMarkers) != 9 {
		t.Errorf("header = %d %d %q %d markers", l.Version, l.Revision, l.RequiresPython, len(l.ResolutionMarkers))
	}
	roots := l.Roots()
	if len(roots) != 1 || roots[0].Name != "indextts" || roots[0].Source != (Source{Kind: "editable", Value: "."}) {
		t.Fatalf("roots = %+v", roots)
	}
	r := roots[0]
	if got := slices.Sorted(maps.Keys(r.OptionalDependencies)); !cmp.Equal(got, []string{"accel", "deepspeed", "test", "torch-compile", "webui"}) {
		t.Errorf("extras = %v", got)
	}
	if r.Metadata == nil || len(r.Metadata.RequiresDist) == 0 {
		t.Errorf("metadata not read")
	}
	var torch []string
	for _, p := range l.Lookup("torch") {
		torch = append(torch, p.Version+" "+p.Source.String())
	}
	want := []string{"2.8.0 registry=https://pypi.org/simple", "2.8.0+cu128 registry=https://download.pytorch.org/whl/cu128"}
	if diff := cmp.Diff(want, torch); diff != "" {
		t.Errorf("torch entries (-want +got):\n%s", diff)
	}
	acc := l.Lookup("accelerate")[0]
	if acc.Sdist == nil || acc.Sdist.Filename != "accelerate-1.8.1.tar.gz" || acc.Sdist.Size != 380872 ||
		acc.Sdist.UploadTime != "2025-06-20T15:36:14.618Z" || !strings.HasPrefix(acc.Sdist.Hash, "sha256:f60df9") {
		t.Errorf("accelerate sdist = %+v", acc.Sdist)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ data, want string }{
		{"version = 1\n[[package]]\nname = \"a\"\nsource = { registry = \"x\" \n", "uv.lock:4:"},
		{"[[package]]\nname = \"a\"\n", "expected a top-level \"version\""},
		{"version = 2\n", "unsupported uv.lock version 2"},
		{"version = 1\n[[package]]\nname = \"a\"\nsource = { bogus = \"x\" }\n", "package a: expected a source of kind"},
	}
	for _, tt := range tests {
		_, err := Parse("uv.lock", []byte(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", tt.data, err, tt.want)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	path := filepath.Join(shared.Dir(b, "mirror-src"), "20-huggingface-lerobot-08d8979a", "uv.lock")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(path, data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExport(b *testing.B) {
	path := filepath.Join(shared.Dir(b, "mirror-src"), "20-huggingface-lerobot-08d8979a", "uv.lock")
	l, err := Read(path)
	if err != nil {
		b.Fatal(err)
	}
	env := pep508.LinuxEnv("3.12.12")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Export(ExportOptions{Env: env, NoDev: true, AllExtras: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzUVLock(f *testing.F) {
	f.Add([]byte("version = 1\nrequires-python = \">=3.10\"\n[[package]]\nname = \"a\"\nversion = \"1\"\nsource = { editable = \".\" }\ndependencies = [{ name = \"b\", marker = \"sys_platform == 'linux'\" }]\n[[package]]\nname = \"b\"\nversion = \"2\"\nsource = { registry = \"https://pypi.org/simple\" }\nwheels = [{ url = \"https://x/b-2-py3-none-any.whl\", hash = \"sha256:00\", size = 1 }]\n"))
	f.Add([]byte("version = 1\n[[package]]\nname = \"a\"\nsource = { virtual = \".\" }\n[package.optional-dependencies]\nx = [{ name = \"a\", extra = [\"x\"] }]\n"))
	env := pep508.LinuxEnv("3.12.12")
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse("uv.lock", data)
		if err != nil {
			return
		}
		// Export must not panic, whatever the graph.
		_, _ = l.Export(ExportOptions{Env: env, AllExtras: true, AllGroups: true})
	})
}
