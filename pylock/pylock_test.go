package pylock

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zgpu/zgpu/pep508"
)

func TestParse(t *testing.T) {
	l, err := Read("testdata/basic.pylock.toml")
	if err != nil {
		t.Fatal(err)
	}
	if l.LockVersion != "1.0" || l.CreatedBy != "zgpu-tests" || l.RequiresPython != ">=3.10" ||
		!cmp.Equal(l.Extras, []string{"video"}) || !cmp.Equal(l.DefaultGroups, []string{"dev"}) || len(l.Environments) != 2 {
		t.Errorf("header = %+v", l)
	}
	if len(l.Packages) != 8 {
		t.Fatalf("%d packages, want 8", len(l.Packages))
	}
	np := l.Packages[0]
	if np.Name != "numpy" || np.RequiresPython != ">=3.10" || len(np.Wheels) != 1 {
		t.Fatalf("numpy = %+v", np)
	}
	w := np.Wheels[0]
	if w.Name != "numpy-2.2.6-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl" || w.Size != 16000000 ||
		w.UploadTime != "2025-05-17T21:40:00Z" || w.Hashes["sha256"] == "" {
		t.Errorf("numpy wheel = %+v", w)
	}
	torch := l.Packages[1]
	if torch.Line != 20 || len(torch.Wheels) != 1 || torch.Wheels[0].Name != "torch-2.8.0+cu128-cp312-cp312-manylinux_2_28_x86_64.whl" ||
		torch.Index != "https://download.pytorch.org/whl/cu128" || len(torch.Dependencies) != 1 {
		t.Errorf("torch = %+v", torch)
	}
	if av := l.Packages[3]; av.Sdist == nil || av.Sdist.Name != "av-14.4.0.tar.gz" || av.Sdist.Size != 3900000 {
		t.Errorf("av sdist = %+v", av.Sdist)
	}
	if fa := l.Packages[5]; fa.Archive == nil || fa.Archive.Size != 256000000 || fa.Archive.Hashes["sha256"] == "" {
		t.Errorf("flash-attn archive = %+v", fa.Archive)
	}
	if d := l.Packages[6].Directory; d == nil || d.Path != "." || !d.Editable {
		t.Errorf("directory = %+v", d)
	}
	if v := l.Packages[7].VCS; v == nil || v.Type != "git" || v.CommitID != "0123456789abcdef0123456789abcdef01234567" || v.RequestedRevision != "v0.9.0" {
		t.Errorf("vcs = %+v", v)
	}
}

func names(pkgs []Package) []string {
	var out []string
	for _, p := range pkgs {
		out = append(out, p.Name+"=="+p.Version)
	}
	return out
}

func TestSelect(t *testing.T) {
	l, err := Read("testdata/basic.pylock.toml")
	if err != nil {
		t.Fatal(err)
	}
	darwin := pep508.LinuxEnv("3.12.12")
	darwin["sys_platform"], darwin["platform_system"] = "darwin", "Darwin"
	tests := []struct {
		name string
		opts SelectOptions
		want []string
	}{
		// Default groups: dev holds, so pytest; no extras, so no av, and
		// flash-attn's "'video' not in extras" holds on 3.12.
		{"3.12 defaults", SelectOptions{Env: pep508.LinuxEnv("3.12.12")},
			[]string{"numpy==2.2.6", "torch==2.8.0+cu128", "pytest==8.4.1", "flash-attn==2.8.3", "my-space==0.1.0", "kernels==0.9.0"}},
		// Requesting the video extra brings av and drops flash-attn; an
		// explicit empty group list drops pytest.
		{"3.12 video no groups", SelectOptions{Env: pep508.LinuxEnv("3.12.12"), Extras: []string{"Video"}, Groups: []string{}},
			[]string{"numpy==2.2.6", "torch==2.8.0+cu128", "av==14.4.0", "my-space==0.1.0", "kernels==0.9.0"}},
		// flash-attn is for Python 3.12 only.
		{"3.10", SelectOptions{Env: pep508.LinuxEnv("3.10.13")},
			[]string{"numpy==2.2.6", "torch==2.8.0+cu128", "pytest==8.4.1", "my-space==0.1.0", "kernels==0.9.0"}},
		// macOS gets the CPU torch from PyPI.
		{"darwin", SelectOptions{Env: darwin, Groups: []string{}},
			[]string{"numpy==2.2.6", "torch==2.8.0", "my-space==0.1.0", "kernels==0.9.0"}},
	}
	for _, tt := range tests {
		got, err := l.Select(tt.opts)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, names(got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestSelectErrors(t *testing.T) {
	py312 := pep508.LinuxEnv("3.12.12")
	tests := []struct {
		file string
		opts SelectOptions
		want string
	}{
		{"testdata/basic.pylock.toml", SelectOptions{Env: py312, Extras: []string{"audio"}}, `extra "audio" is not in the lock (extras: video)`},
		{"testdata/basic.pylock.toml", SelectOptions{Env: py312, Groups: []string{"docs"}}, `dependency group "docs" is not in the lock`},
		{"testdata/basic.pylock.toml", SelectOptions{Env: pep508.LinuxEnv("3.9.18")}, `outside the lock's requires-python ">=3.10"`},
		{"testdata/basic.pylock.toml", SelectOptions{}, "no target environment"},
		{"testdata/overlap.pylock.toml", SelectOptions{Env: py312}, "package torch is selected twice (lines 5 and 11)"},
		{"testdata/windows-only.pylock.toml", SelectOptions{Env: py312}, "the target is none of the lock's environments (sys_platform == 'win32')"},
	}
	for _, tt := range tests {
		l, err := Read(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		_, err = l.Select(tt.opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %+v: err = %v, want it to contain %q", tt.file, tt.opts.Extras, err, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ data, want string }{
		{"", `expected a top-level "lock-version"`},
		{"lock-version = \"2.0\"\ncreated-by = \"x\"\n", `pylock.toml:1:16: unsupported lock-version "2.0"`},
		{"lock-version = \"1.0\"\n", `expected a top-level "created-by"`},
		{"lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"a\"\nmarker = \"os_name ==\"\ndirectory = { path = \".\" }\n", "pylock.toml:5:10: package a: bad marker"},
		{"lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"a\"\n", "expected exactly one of vcs, directory, archive, or sdist/wheels"},
		{"lock-version = \"1.0\"\ncreated-by = 3\n", "pylock.toml:2:"},
	}
	for _, tt := range tests {
		_, err := Parse("pylock.toml", []byte(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", tt.data, err, tt.want)
		}
	}
	if _, err := Read("testdata/bad-source.pylock.toml"); err == nil || !strings.Contains(err.Error(), "testdata/bad-source.pylock.toml:4:1: package broken") {
		t.Errorf("bad-source: %v", err)
	}
}

func FuzzPylock(f *testing.F) {
	f.Add([]byte("lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"a\"\nmarker = \"'x' in extras\"\nwheels = [{ url = \"https://x/a-1-py3-none-any.whl\", hashes = { sha256 = \"00\" } }]\n"))
	f.Add([]byte("lock-version = \"1.0\"\ncreated-by = \"x\"\nenvironments = [\"sys_platform == 'linux'\"]\nrequires-python = \">=3.10\"\n[[packages]]\nname = \"b\"\ndirectory = { path = \".\" }\n"))
	env := pep508.LinuxEnv("3.12.12")
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse("pylock.toml", data)
		if err != nil {
			return
		}
		sel, err := l.Select(SelectOptions{Env: env, Extras: l.Extras, Groups: l.DependencyGroups})
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, p := range sel {
			if seen[p.Name] {
				t.Fatalf("package %s selected twice", p.Name)
			}
			seen[p.Name] = true
		}
	})
}
