package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zgpu/zgpu/internal/testonly/shared"
)

func TestDepsShowText(t *testing.T) {
	dir := filepath.Join(shared.Dir(t, "corpus"), "056-index-tts")
	out, stderr, code := runCmd(t, "deps", "show", dir)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	// Compare with runs of spaces collapsed: column widths follow the data.
	squeeze := func(s string) string {
		var lines []string
		for _, l := range strings.Split(s, "\n") {
			lines = append(lines, strings.Join(strings.Fields(l), " "))
		}
		return strings.Join(lines, "\n")
	}
	got := squeeze(out)
	checkContains(t, "output", got,
		"Space "+dir+": read uv.lock, pyproject.toml\n",
		"python_version not set",
		"\nrequires-python >=3.10,<3.12\n",
		"\nRequirements (45):\n",
		"\npyproject.toml:57 project.dependencies torch==2.8.*\n",
		"\npyproject.toml:67 project.dependencies WeTextProcessing; sys_platform == 'linux'\n",
		"\npyproject.toml:82 project.optional-dependencies.accel flash-attn==2.8.3.post1\n",
		"\npyproject.toml:121 tool.uv.extra-build-dependencies.flash-attn torch\n",
		"\nIndexes:\npyproject.toml:137 uv https://download.pytorch.org/whl/cu128 name=pytorch-cuda explicit\n",
		"\nSources:\npyproject.toml:128 torch index=pytorch-cuda ; sys_platform == 'linux' or sys_platform == 'win32'\n",
		"\nLocks:\nuv.lock: version 1.3, 189 packages, requires-python \">=3.10, <3.12\"; root indextts\n",
	)
}

func TestDepsShowJSON(t *testing.T) {
	dir := filepath.Join(shared.Dir(t, "corpus"), "027-anychat")
	out, stderr, code := runCmd(t, "deps", "show", "--json", dir)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var got struct {
		Dir   string `json:"dir"`
		Files []struct {
			Kind, Path string
		} `json:"files"`
		SDK              string `json:"sdk"`
		SDKVersion       string `json:"sdk_version"`
		SDKVersionOrigin *struct {
			File      string
			Line, Col int
		} `json:"sdk_version_origin"`
		PythonVersionOrigin *struct{} `json:"python_version_origin"`
		Requirements        []struct {
			Requirement, Name, Section string
			Origin                     struct {
				File      string
				Line, Col int
			}
		} `json:"requirements"`
		Sources []struct {
			Package, Git string
		} `json:"sources"`
		Locks []struct {
			Kind     string
			Packages int
			Roots    []string
		} `json:"locks"`
		Options  []any `json:"options"`
		Warnings []any `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	var kinds []string
	for _, f := range got.Files {
		kinds = append(kinds, f.Kind)
	}
	if diff := cmp.Diff([]string{"uv.lock", "pyproject.toml", "requirements.txt", "pre-requirements.txt", "README.md"}, kinds); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if got.SDK != "gradio" || got.SDKVersion != "5.7.1" || got.SDKVersionOrigin == nil || got.SDKVersionOrigin.Line != 7 {
		t.Errorf("sdk = %q %q %+v", got.SDK, got.SDKVersion, got.SDKVersionOrigin)
	}
	if got.PythonVersionOrigin != nil {
		t.Errorf("python_version_origin = %+v, want null", got.PythonVersionOrigin)
	}
	if got.Options == nil || got.Warnings == nil {
		t.Errorf("empty lists must be [], not null")
	}
	var torch []string
	for _, r := range got.Requirements {
		if r.Name == "torch" {
			torch = append(torch, r.Section+" "+r.Requirement+" "+filepath.Base(r.Origin.File))
			if r.Origin.Line == 0 || r.Origin.Col == 0 {
				t.Errorf("torch requirement without line/col: %+v", r)
			}
		}
	}
	wantTorch := []string{"project.dependencies torch==2.4.0 pyproject.toml", "requirements.txt torch==2.4.0 requirements.txt"}
	if diff := cmp.Diff(wantTorch, torch); diff != "" {
		t.Errorf("torch requirements (-want +got):\n%s", diff)
	}
	if len(got.Sources) != 8 || got.Sources[0].Package != "anthropic-gradio" || got.Sources[0].Git != "https://github.com/AK391/anthropic-gradio.git" {
		t.Errorf("sources = %+v", got.Sources)
	}
	if len(got.Locks) != 1 || got.Locks[0].Kind != "uv.lock" || !cmp.Equal(got.Locks[0].Roots, []string{"anychat"}) {
		t.Errorf("locks = %+v", got.Locks)
	}
}

func TestDepsShowErrors(t *testing.T) {
	empty := t.TempDir()
	_, stderr, code := runCmd(t, "deps", "show", empty)
	if code != 1 || !strings.Contains(stderr, "no dependency file in "+empty+" (looked for uv.lock,") {
		t.Errorf("empty folder: exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = runCmd(t, "deps", "show", "a", "b")
	if code != 2 {
		t.Errorf("two arguments: exit %d (stderr %q), want 2", code, stderr)
	}
}

// TestDepsShowBadFiles checks that a pyproject.toml of the wrong shape and a
// bad requirement line are listed under Errors with their positions, while
// the rest of the Space is still shown, and that the exit code is 1.
func TestDepsShowBadFiles(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"pyproject.toml":   "[project]\nname = \"demo\"\ndependencies = \"torch\"\n",
		"requirements.txt": "torch==2.8.0\ntorch vision\neinops\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, stderr, code := runCmd(t, "deps", "show", dir)
	if code != 1 || stderr != "zgpu: 2 errors in the dependency files (listed under Errors in the report)\n" {
		t.Errorf("exit %d, stderr %q; want 1 and the count of errors", code, stderr)
	}
	checkContains(t, "output", out,
		"\nRequirements (2):\n",
		"requirements.txt:1  requirements.txt  torch==2.8.0\n",
		"requirements.txt:3  requirements.txt  einops\n",
		"\nErrors (2):\n"+
			"  pyproject.toml:3:16: project.dependencies: expected an array of strings, found a string; write it as an array: [\"torch\"]\n"+
			"  requirements.txt:2:7: invalid requirement: expected end or ';' after name and no valid version specifier: \"torch vision\"\n",
	)
	if strings.Contains(out, "interface {}") || strings.Contains(out, "[]string") {
		t.Errorf("output shows Go types:\n%s", out)
	}
}
