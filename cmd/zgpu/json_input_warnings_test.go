package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestJSONInputWarnings: a warning of reading the input (an unnamed VCS
// line) is in --json's input_warnings, as well as on stderr, once.
func TestJSONInputWarnings(t *testing.T) {
	dir := t.TempDir()
	readme := "---\nsdk: gradio\nsdk_version: 5.32.0\npython_version: \"3.12\"\n---\n"
	reqs := "numpy==2.1.0\ngit+https://github.com/example/some-tool.git\n"
	for name, data := range map[string]string{"README.md": readme, "requirements.txt": reqs} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	var stdout, stderr bytes.Buffer
	args := []string{"deps", "resolve", dir, "--offline", "--no-lock", "--json", "-o", filepath.Join(t.TempDir(), "out.txt")}
	if code := runWith(args, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var r struct {
		InputWarnings []string `json:"input_warnings"`
		Warnings      []string `json:"warnings"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatalf("%v: %s", err, stdout.String())
	}
	n := 0
	for _, w := range r.InputWarnings {
		if strings.Contains(w, "names no project") {
			n++
			if c := strings.Count(stderr.String(), w); c != 1 {
				t.Errorf("stderr has %q %d times, want once:\n%s", w, c, stderr.String())
			}
		}
	}
	if n != 1 {
		t.Errorf("input_warnings %q: want one about the unnamed VCS line", r.InputWarnings)
	}
}
