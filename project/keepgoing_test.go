package project

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestLoadKeepGoing checks that KeepGoing reads past bad requirement lines
// and unreadable files, records each with its position, and that without
// it Load fails at the first one.
func TestLoadKeepGoing(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	req := write("requirements.txt", "torch==2.8.0\nnumpy (>=2\neinops\nflash-attn=2.8.3\ngradio\n")
	py := write("pyproject.toml", "[project]\nname = \"x\"\ndependencies = \"torch\"\n")
	lock := write("uv.lock", "version = 1\n[[package]]\nname = \"a\"\nsource = { bogus = \"x\" }\n")
	write("README.md", "---\nsdk: gradio\npython_version: \"3.12\"\n---\n")

	p, err := Load(dir, LoadOptions{KeepGoing: true})
	if err != nil {
		t.Fatalf("Load(KeepGoing): %v", err)
	}
	var raws []string
	for _, r := range p.Requirements {
		raws = append(raws, r.Raw)
	}
	if diff := cmp.Diff([]string{"torch==2.8.0", "einops", "gradio"}, raws); diff != "" {
		t.Errorf("requirements (-want +got):\n%s", diff)
	}
	if p.PythonVersion != "3.12" {
		t.Errorf("python_version = %q: files after the bad ones were not read", p.PythonVersion)
	}
	want := []*LoadError{
		{Origin: Origin{File: lock, Line: 4, Col: 10}, Message: "package a: expected a source of kind registry, git, url, path, directory, editable or virtual, found bogus"},
		{Origin: Origin{File: py, Line: 3, Col: 16}, Message: "project.dependencies: expected an array of strings, found a string", Hint: `write it as an array: ["torch"]`},
		{Origin: Origin{File: req, Line: 2, Col: 11}, Message: "invalid requirement: expected ')'", Text: "numpy (>=2"},
		{Origin: Origin{File: req, Line: 4, Col: 11}, Message: "invalid requirement: expected end or ';' after name and no valid version specifier", Text: "flash-attn=2.8.3", Hint: `did you mean "flash-attn==2.8.3"?`},
	}
	if diff := cmp.Diff(want, p.Errors, cmpopts.IgnoreFields(LoadError{}, "Err")); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	for _, e := range p.Errors {
		if e.Err == nil || e.Error() != e.Err.Error() {
			t.Errorf("LoadError %+v does not carry its error", e)
		}
	}

	if _, err := Load(dir, LoadOptions{}); err == nil || err.Error() != lock+":4:10: package a: expected a source of kind registry, git, url, path, directory, editable or virtual, found bogus" {
		t.Errorf("Load without KeepGoing: err = %v, want the first error", err)
	}
	if _, err := Load(filepath.Join(dir, "missing"), LoadOptions{KeepGoing: true}); err == nil {
		t.Errorf("Load(missing folder, KeepGoing): no error")
	}
}
