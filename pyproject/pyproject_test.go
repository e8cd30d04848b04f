package pyproject

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zgpu/zgpu/internal/testonly/shared"
)

func raws(deps []Dependency) []string {
	var out []string
	for _, d := range deps {
		out = append(out, d.Raw)
	}
	return out
}

func origins(deps []Dependency) []string {
	var out []string
	for _, d := range deps {
		out = append(out, d.Origin.String())
	}
	return out
}

func TestFull(t *testing.T) {
	f, err := Read("testdata/full.toml")
	if err != nil {
		t.Fatal(err)
	}
	if !f.HasProject || f.Name != "demo-space" || f.RequiresPython != ">=3.10" {
		t.Errorf("project = %v %q %q", f.HasProject, f.Name, f.RequiresPython)
	}
	if diff := cmp.Diff([]string{"torch==2.8.0", "spaces>=0.40", "wetext>=0.0.9; sys_platform != 'linux'"}, raws(f.Dependencies)); diff != "" {
		t.Errorf("dependencies (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"testdata/full.toml:7:5", "testdata/full.toml:8:5", "testdata/full.toml:9:5"}, origins(f.Dependencies)); diff != "" {
		t.Errorf("origins (-want +got):\n%s", diff)
	}
	if got := f.Dependencies[2].Req.Name; got != "wetext" {
		t.Errorf("parsed name = %q", got)
	}
	if got := f.Dependencies[2].Req.Marker; got == nil {
		t.Errorf("marker not parsed")
	}
	if diff := cmp.Diff([]string{"av>=14"}, raws(f.OptionalDependencies["video"])); diff != "" {
		t.Errorf("optional (-want +got):\n%s", diff)
	}
	groups := map[string][]string{}
	for k, v := range f.DependencyGroups {
		groups[k] = raws(v)
	}
	wantGroups := map[string][]string{
		"lint": {"ruff"},
		"test": {"pytest>=8", "ruff"},
		"Dev":  {"pytest>=8", "ruff", "ipython"},
	}
	if diff := cmp.Diff(wantGroups, groups); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	// An included requirement keeps the origin of where it was written.
	if got := f.DependencyGroups["Dev"][1].Origin.String(); got != "testdata/full.toml:17:9" {
		t.Errorf("included origin = %s, want testdata/full.toml:17:9", got)
	}
	if diff := cmp.Diff([]string{"black"}, raws(f.UV.DevDependencies)); diff != "" {
		t.Errorf("dev-dependencies (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"numpy<2"}, raws(f.UV.OverrideDependencies)); diff != "" {
		t.Errorf("overrides (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"gradio<6"}, raws(f.UV.ConstraintDependencies)); diff != "" {
		t.Errorf("constraints (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"flash-attn"}, f.UV.NoBuildIsolationPackage); diff != "" {
		t.Errorf("no-build-isolation (-want +got):\n%s", diff)
	}
	bd := f.UV.ExtraBuildDependencies["flash-attn"]
	if len(bd) != 2 || bd[0].Raw != "torch" || !bd[0].MatchRuntime || bd[1].Raw != "ninja" || bd[1].MatchRuntime {
		t.Errorf("extra-build-dependencies = %+v", bd)
	}
	yes := true
	wantSources := map[string][]Source{
		"torch": {
			{Package: "torch", Index: "pytorch-cu128", Marker: "sys_platform == 'linux'", Origin: Origin{"testdata/full.toml", 31, 3}},
			{Package: "torch", Index: "pytorch-cpu", Marker: "sys_platform != 'linux'", Origin: Origin{"testdata/full.toml", 32, 3}},
		},
		"transformers":   {{Package: "transformers", Git: "https://github.com/huggingface/transformers.git", Rev: "v4.57.6", Origin: Origin{"testdata/full.toml", 34, 16}}},
		"local-lib":      {{Package: "local-lib", Path: "libs/local-lib", Editable: &yes, Origin: Origin{"testdata/full.toml", 35, 13}}},
		"member":         {{Package: "member", Workspace: true, Origin: Origin{"testdata/full.toml", 36, 10}}},
		"wheel-from-url": {{Package: "wheel-from-url", URL: "https://example.invalid/pkg-1.0-py3-none-any.whl", Origin: Origin{"testdata/full.toml", 37, 18}}},
	}
	if diff := cmp.Diff(wantSources, f.UV.Sources); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	wantIdx := []Index{
		{Name: "pytorch-cu128", URL: "https://download.pytorch.org/whl/cu128", Explicit: true, Origin: Origin{"testdata/full.toml", 39, 1}},
		{Name: "pytorch-cpu", URL: "https://download.pytorch.org/whl/cpu", Explicit: true, Origin: Origin{"testdata/full.toml", 44, 1}},
		{Name: "mirror", URL: "https://mirror.invalid/simple", Default: true, Origin: Origin{"testdata/full.toml", 49, 1}},
	}
	if diff := cmp.Diff(wantIdx, f.UV.Indexes); diff != "" {
		t.Errorf("indexes (-want +got):\n%s", diff)
	}
}

func TestUVSettings(t *testing.T) {
	f, err := Parse("pyproject.toml", []byte(`[tool.uv]
default-groups = ["dev", "gpu"]
index-url = "https://mirror.invalid/simple"
extra-index-url = ["https://extra.invalid/simple"]
find-links = ["https://wheels.invalid/"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"dev", "gpu"}, f.UV.DefaultGroups); diff != "" {
		t.Errorf("default-groups (-want +got):\n%s", diff)
	}
	want := []Index{
		{URL: "https://mirror.invalid/simple", Default: true, Origin: Origin{"pyproject.toml", 3, 13}},
		{URL: "https://extra.invalid/simple", Origin: Origin{"pyproject.toml", 4, 20}},
	}
	if diff := cmp.Diff(want, f.UV.Indexes); diff != "" {
		t.Errorf("indexes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Index{{URL: "https://wheels.invalid/", Origin: Origin{"pyproject.toml", 5, 15}}}, f.UV.FindLinks); diff != "" {
		t.Errorf("find-links (-want +got):\n%s", diff)
	}
	f, err = Parse("pyproject.toml", []byte("[tool.uv]\ndefault-groups = \"all\"\n"))
	if err != nil || !cmp.Equal(f.UV.DefaultGroups, []string{"all"}) {
		t.Errorf("default-groups = \"all\": %v %v", f, err)
	}
	if _, err = Parse("pyproject.toml", []byte("[tool.uv]\ndefault-groups = \"some\"\n")); err == nil || !strings.Contains(err.Error(), "pyproject.toml:2:18: expected a list of group names") {
		t.Errorf("bad default-groups: %v", err)
	}
}

func TestPoetry(t *testing.T) {
	f, err := Read("testdata/poetry.toml")
	if err != nil {
		t.Fatal(err)
	}
	po := f.Poetry
	if po == nil {
		t.Fatal("no Poetry section")
	}
	if po.Python != "^3.10" {
		t.Errorf("python = %q", po.Python)
	}
	want := []string{
		`av>=12,<13 ; (extra == "video")`,
		`diffusers @ git+https://github.com/huggingface/diffusers.git@v0.30.0`,
		`gradio[oauth]==4.44.*`,
		`local @ ./local`,
		`numpy>=1.26,<1.27`,
		`onnxruntime==1.19.2 ; sys_platform == "darwin"`,
		`onnxruntime>=1.19,<2.0 ; (sys_platform == 'linux')`,
		`pillow`,
		`rich`,
		`scipy>=1.11,<1.14`,
		`tomli>=2.0,<3.0 ; python_version < "3.11"`,
		`torch>=2.4.0,<3.0.0`,
		`uvloop>=0.19,<0.20 ; (sys_platform != 'win32')`,
	}
	if diff := cmp.Diff(want, raws(po.Dependencies)); diff != "" {
		t.Errorf("dependencies (-want +got):\n%s", diff)
	}
	for _, d := range po.Dependencies {
		switch d.Req.Name {
		case "rich":
			if diff := cmp.Diff([]string{">=13,<14", ">=14,<15"}, d.Alternatives); diff != "" {
				t.Errorf("rich alternatives (-want +got):\n%s", diff)
			}
		case "local":
			if d.Req.URL != "./local" {
				t.Errorf("local URL = %q", d.Req.URL)
			}
		case "torch":
			if d.Origin.Line != 7 {
				t.Errorf("torch origin = %s, want line 7", d.Origin)
			}
		}
	}
	if diff := cmp.Diff([]string{"black>=24,<25", "pytest>=8.0,<9.0"}, raws(po.Groups["dev"])); diff != "" {
		t.Errorf("dev group (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"av"}, po.Optional); diff != "" {
		t.Errorf("optional (-want +got):\n%s", diff)
	}
	if len(po.Sources) != 1 || !po.Sources[0].Explicit || po.Sources[0].URL != "https://download.pytorch.org/whl/cu121" {
		t.Errorf("sources = %+v", po.Sources)
	}
}

func TestPoetryConstraint(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"^1.2.3", []string{">=1.2.3,<2.0.0"}},
		{"^0.2.3", []string{">=0.2.3,<0.3.0"}},
		{"^0.0.3", []string{">=0.0.3,<0.0.4"}},
		{"^0.0", []string{">=0.0,<0.1"}},
		{"^0", []string{">=0,<1"}},
		{"^1.2", []string{">=1.2,<2.0"}},
		{"^1", []string{">=1,<2"}},
		{"~1.2.3", []string{">=1.2.3,<1.3.0"}},
		{"~1.2", []string{">=1.2,<1.3"}},
		{"~1", []string{">=1,<2"}},
		{"~=1.2", []string{"~=1.2"}},
		{"1.2.*", []string{"==1.2.*"}},
		{"1.2", []string{"==1.2"}},
		{"=1.2", []string{"==1.2"}},
		{"*", []string{""}},
		{"", []string{""}},
		{">= 1.2, < 2.0", []string{">=1.2,<2.0"}},
		{">=1.2 <2.0", []string{">=1.2,<2.0"}},
		{"!=1.5", []string{"!=1.5"}},
		{"^1.0 || ^2.0", []string{">=1.0,<2.0", ">=2.0,<3.0"}},
		{"1.0|2.0", []string{"==1.0", "==2.0"}},
		{"^1.2.3b1", []string{">=1.2.3b1,<2.0.0"}},
	}
	for _, tt := range tests {
		got, err := PoetryConstraint(tt.in)
		if err != nil {
			t.Errorf("PoetryConstraint(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("PoetryConstraint(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	for _, bad := range []string{"^abc", "latest", "~x"} {
		if _, err := PoetryConstraint(bad); err == nil {
			t.Errorf("PoetryConstraint(%q): want an error", bad)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		file string
		want []string // substrings
	}{
		{"testdata/cycle.toml", []string{"testdata/cycle.toml:", "include cycle: a -> b -> c -> a"}},
		{"testdata/malformed.toml", []string{"testdata/malformed.toml:5:5: ", "expected ',' or ']'", `"    \"numpy\","`}},
		{"testdata/badreq.toml", []string{"testdata/badreq.toml:5:5: ", "numpy (>=2"}},
	}
	for _, tt := range tests {
		_, err := Read(tt.file)
		if err == nil {
			t.Errorf("Read(%s): want an error", tt.file)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Read(%s) = %q, want it to contain %q", tt.file, err, w)
			}
		}
	}
}

// TestCorpus reads every pyproject.toml of the shared corpus and lock
// sources.
func TestCorpus(t *testing.T) {
	n := 0
	for _, dir := range []string{shared.Dir(t, "corpus"), shared.Dir(t, "mirror-src")} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.Name() != "pyproject.toml" {
				return err
			}
			n++
			f, err := Read(path)
			if err != nil {
				t.Errorf("%v", err)
				return nil
			}
			for _, dep := range f.AllDependencies() {
				if dep.Req.Name == "" || dep.Origin.Line == 0 {
					t.Errorf("%s: requirement %q has no name or no line", path, dep.Raw)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 18 {
		t.Errorf("read %d pyproject.toml files, want at least 18", n)
	}
}

func FuzzPyproject(f *testing.F) {
	for _, name := range []string{"full.toml", "poetry.toml", "cycle.toml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, err := Parse("pyproject.toml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "pyproject.toml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for _, d := range pf.AllDependencies() {
			if d.Origin.File != "pyproject.toml" {
				t.Fatalf("dependency %q without origin", d.Raw)
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	path := filepath.Join(shared.Dir(b, "corpus"), "056-index-tts", "pyproject.toml")
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

func TestJunkRequiresPython(t *testing.T) {
	_, err := Parse("pyproject.toml", []byte("[project]\nname = \"x\"\nrequires-python = \"python 3, please\"\n"))
	want := `pyproject.toml:3:19: project.requires-python: expected a version specifier such as ">=3.10", found "python 3, please"`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %v, want %s...", err, want)
	}
	if _, err := Parse("pyproject.toml", []byte("[project]\nname = \"x\"\nrequires-python = \">=3.10, <3.14\"\n")); err != nil {
		t.Errorf("valid requires-python: %v", err)
	}
}
