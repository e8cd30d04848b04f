package zerogpu

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/project"
)

// groupsProject has a dev and a lint dependency group.
const groupsProject = `[project]
name = "x"
version = "0"
dependencies = ["torch"]
[dependency-groups]
dev = ["pytest"]
lint = ["ruff"]
`

// TestFromProject checks which file speaks for the Space and how its
// requirements become Plan's input.
func TestFromProject(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		ex    ExportOptions
		want  []string
		cons  []string
	}{
		{
			name: "pyproject: uv sources become direct references, overrides replace and restrict",
			files: map[string]string{"pyproject.toml": `[project]
name = "x"
version = "0"
dependencies = ["numpy>=2", "mylib", "pandas"]
[tool.uv]
override-dependencies = ["numpy<2", "scipy<1.14"]
constraint-dependencies = ["pandas<3"]
[tool.uv.sources]
mylib = { git = "https://github.com/o/mylib", rev = "abc123" }
`},
			want: []string{"numpy<2", "mylib@ git+https://github.com/o/mylib@abc123", "pandas"},
			cons: []string{"pandas<3", "scipy<1.14"},
		},
		{
			name:  "pyproject groups only when asked",
			files: map[string]string{"pyproject.toml": groupsProject},
			ex:    ExportOptions{Groups: []string{"dev"}},
			want:  []string{"torch", "pytest"},
		},
		{
			name:  "pyproject without a lock: no group unless named, as uv pip compile",
			files: map[string]string{"pyproject.toml": groupsProject},
			want:  []string{"torch"},
		},
		{
			name:  "pyproject: --no-dev",
			files: map[string]string{"pyproject.toml": groupsProject},
			ex:    ExportOptions{NoDev: true},
			want:  []string{"torch"},
		},
		{
			name:  "pyproject: --only-group",
			files: map[string]string{"pyproject.toml": groupsProject},
			ex:    ExportOptions{OnlyGroups: []string{"lint"}},
			want:  []string{"ruff"},
		},
		{
			name: "Poetry dependencies, python left out",
			files: map[string]string{"pyproject.toml": `[tool.poetry]
name = "x"
version = "0"
[tool.poetry.dependencies]
python = "^3.10"
torch = "^2.8"
`},
			want: []string{"torch<3.0,>=2.8"}, // packaging prints a set sorted
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			p, err := project.Load(dir, project.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			in, err := FromProject(p, catalog.Default(), "3.12.12", tc.ex)
			if err != nil {
				t.Fatal(err)
			}
			var got, cons []string
			for _, r := range in.Requirements {
				got = append(got, r.Req.String())
			}
			for _, r := range in.Constraints {
				cons = append(cons, r.Req.String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("requirements (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.cons, cons); diff != "" {
				t.Errorf("constraints (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFromProjectNothingToRead(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("---\nsdk: gradio\n---\n"), 0o644)
	p, err := project.Load(filepath.Join(dir, "README.md"), project.LoadOptions{})
	if err != nil {
		t.Skipf("project.Load refuses a README alone: %v", err)
	}
	if _, err := FromProject(p, catalog.Default(), "3.12.12", ExportOptions{}); err == nil {
		t.Errorf("a README alone must be an error, not an empty requirements file")
	}
}

// A uv.lock export leaves out huggingface-hub when only dependencies need
// it (the platform preinstalls it), keeps it when the project asks for it,
// and records the gradio the lock was resolved with.
func TestFromLockPreinstalled(t *testing.T) {
	lock := `version = 1
requires-python = ">=3.10"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "gradio" }, { name = "transformers" }%s]

[[package]]
name = "gradio"
version = "5.38.2"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "huggingface-hub" }]

[[package]]
name = "transformers"
version = "4.57.1"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "huggingface-hub" }]

[[package]]
name = "huggingface-hub"
version = "0.36.0"
source = { registry = "https://pypi.org/simple" }
`
	for _, tc := range []struct {
		direct string
		want   []string
		left   []string
	}{
		{"", []string{"transformers==4.57.1"}, []string{"huggingface-hub"}},
		{`, { name = "huggingface-hub" }`, []string{"huggingface-hub==0.36.0", "transformers==4.57.1"}, nil},
	} {
		dir := t.TempDir()
		pyproject := "[project]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"gradio\", \"transformers\"]\n"
		if err := os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(pyproject), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "uv.lock"), []byte(fmt.Sprintf(lock, tc.direct)), 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := project.Load(dir, project.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		in, err := FromProject(p, catalog.Default(), "3.12.12", ExportOptions{NoEmitPackage: []string{"spaces", "gradio"}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range in.Requirements {
			got = append(got, r.Text)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("direct %q: requirements (-want +got):\n%s", tc.direct, diff)
		}
		if diff := cmp.Diff(tc.left, in.LeftOut); diff != "" {
			t.Errorf("direct %q: left out (-want +got):\n%s", tc.direct, diff)
		}
		if in.LockedGradio != "5.38.2" {
			t.Errorf("LockedGradio = %q", in.LockedGradio)
		}
	}
}
