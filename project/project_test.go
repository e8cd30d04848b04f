package project

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zgpu/zgpu/internal/testonly/shared"
)

func TestLoadSpace(t *testing.T) {
	p, err := Load("testdata/space", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []Kind
	for _, f := range p.Files {
		kinds = append(kinds, f.Kind)
	}
	if diff := cmp.Diff([]Kind{Pyproject, Requirements, PreRequirements, Readme, Packages}, kinds); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	var reqs []string
	for _, r := range p.Requirements {
		reqs = append(reqs, r.Origin.String()+" "+r.Section+" "+r.Raw)
	}
	want := []string{
		"testdata/space/pyproject.toml:5 project.dependencies gradio>=5",
		"testdata/space/requirements.txt:3 requirements.txt torch==2.8.0",
		"testdata/space/requirements.txt:4 requirements.txt spaces",
		"testdata/space/requirements.txt:5 requirements.txt -e ./libs/local",
		"testdata/space/pre-requirements.txt:1 pre-requirements.txt pip>=24",
	}
	if diff := cmp.Diff(want, reqs); diff != "" {
		t.Errorf("requirements (-want +got):\n%s", diff)
	}
	if !p.Requirements[3].Editable {
		t.Errorf("-e line not editable")
	}
	var idx []string
	for _, ix := range p.Indexes {
		idx = append(idx, ix.Kind+" "+ix.URL+" "+ix.Origin.String())
	}
	wantIdx := []string{
		"uv https://download.pytorch.org/whl/cu128 testdata/space/pyproject.toml:10",
		"extra-index-url https://download.pytorch.org/whl/cu128 testdata/space/requirements.txt:1",
		"find-links https://example.invalid/wheels/ testdata/space/requirements.txt:2",
	}
	if diff := cmp.Diff(wantIdx, idx); diff != "" {
		t.Errorf("indexes (-want +got):\n%s", diff)
	}
	if len(p.Options) != 2 || p.Options[0].Name != "--extra-index-url" {
		t.Errorf("options = %+v", p.Options)
	}
	if len(p.Sources) != 1 || p.Sources[0].Index != "cu128" {
		t.Errorf("sources = %+v", p.Sources)
	}
	if p.PythonVersion != "3.10" || p.PythonVersionOrigin.String() != "testdata/space/README.md:5" {
		t.Errorf("python_version = %q at %s", p.PythonVersion, p.PythonVersionOrigin)
	}
	if p.SDK != "gradio" || p.SDKVersion != "5.49.1" || p.SDKVersionOrigin.Line != 4 {
		t.Errorf("sdk = %q %q at %s", p.SDK, p.SDKVersion, p.SDKVersionOrigin)
	}
	if p.RequiresPython != ">=3.10" {
		t.Errorf("requires-python = %q", p.RequiresPython)
	}
	if diff := cmp.Diff([]string{"ffmpeg", "libsm6", "libxext6"}, p.SystemPackages); diff != "" {
		t.Errorf("packages.txt (-want +got):\n%s", diff)
	}
}

func TestLoadFile(t *testing.T) {
	p, err := Load("testdata/space/requirements.txt", LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Files) != 1 || p.Files[0].Kind != Requirements || len(p.Requirements) != 3 || p.Dir != "testdata/space" {
		t.Errorf("project = %+v", p)
	}
	if _, err := Load("testdata/space/unknown.cfg", LoadOptions{}); err == nil {
		t.Errorf("missing file: want an error")
	}
}

func TestLoadErrors(t *testing.T) {
	_, err := Load("testdata/empty", LoadOptions{})
	want := "no dependency file in testdata/empty (looked for uv.lock, pylock.toml, pyproject.toml, requirements.txt, requirements.in, pre-requirements.txt)"
	if err == nil || err.Error() != want {
		t.Errorf("empty folder: err = %v, want %q", err, want)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "pyproject.toml")
	if err := os.WriteFile(bad, []byte("[project]\ndependencies = [\"torch (>=2.8\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(dir, LoadOptions{})
	if err == nil || !strings.HasPrefix(err.Error(), bad+":2:17: pep508: expected ')'") {
		t.Errorf("bad requirement: err = %v", err)
	}
	other := filepath.Join(dir, "setup.cfg")
	if err := os.WriteFile(other, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(other, LoadOptions{}); err == nil || !strings.Contains(err.Error(), "unknown file kind") {
		t.Errorf("setup.cfg: err = %v", err)
	}
}

func TestLoadWarnings(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("pyproject.toml", "[project]\nname = \"x\"\ndynamic = [\"dependencies\"]\n")
	write("requirements-gpu.txt", "torch==2.8.0\n")
	p, err := Load(dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		filepath.Join(dir, "pyproject.toml") + ": [project] dependencies are dynamic (computed by the build backend): zgpu cannot read them",
		filepath.Join(dir, "requirements-gpu.txt") + ": read in place of requirements.txt, which is missing (a Space build installs only requirements.txt)",
	}
	if diff := cmp.Diff(want, p.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if len(p.Requirements) != 1 || p.Requirements[0].Raw != "torch==2.8.0" {
		t.Errorf("requirements = %+v", p.Requirements)
	}
}

func TestKindOf(t *testing.T) {
	for path, want := range map[string]Kind{
		"a/uv.lock": UVLock, "pylock.toml": Pylock, "pylock.gpu.toml": Pylock, "x/pyproject.toml": Pyproject,
		"requirements.txt": Requirements, "requirements-dev.txt": Requirements, "reqs.in": RequirementsIn,
		"pre-requirements.txt": PreRequirements, "readme.md": Readme, "packages.txt": Packages,
	} {
		if got, ok := KindOf(path); !ok || got != want {
			t.Errorf("KindOf(%q) = %q, %v; want %q", path, got, ok, want)
		}
	}
}

// corpusErrors are the corpus folders pip itself cannot install, with the
// error zgpu gives.
var corpusErrors = map[string]string{
	// "diffusers=0.21.4": pip rejects a single "=".
	"054-pasd-fffiloni": `requirements.txt:1:10: invalid requirement: expected end or ';' after name and no valid version specifier: "diffusers=0.21.4"; did you mean "diffusers==0.21.4"?`,
}

// TestCorpus loads every Space folder of the corpus.
func TestCorpus(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(shared.Dir(t, "corpus"), "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range dirs {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			continue
		}
		n++
		p, err := Load(d, LoadOptions{})
		if want, ok := corpusErrors[filepath.Base(d)]; ok {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: err = %v, want it to contain %q", d, err, want)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if len(p.Requirements) == 0 && p.UVLock == nil {
			t.Errorf("%s: no requirements", d)
		}
		for _, r := range p.Requirements {
			if r.Origin.Line == 0 {
				t.Errorf("%s: %q has no line", d, r.Raw)
			}
		}
	}
	if n != 79 {
		t.Errorf("loaded %d corpus folders, want 79", n)
	}
}
