package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/zgpu/zgpu/internal/testonly/shared"
)

// hookCorpusSpace is the corpus Space the hooks run on: one whose
// dependencies lock against the offline mirror.
const hookCorpusSpace = "022-kontext-photo-mate-v2"

// preCommitHook is an entry of .pre-commit-hooks.yaml.
type preCommitHook struct {
	ID            string `yaml:"id"`
	Entry         string `yaml:"entry"`
	Language      string `yaml:"language"`
	Files         string `yaml:"files"`
	PassFilenames *bool  `yaml:"pass_filenames"`
}

// TestPreCommitHooks runs each hook of .pre-commit-hooks.yaml as pre-commit
// would, from the root of a copy of a corpus Space: its entry, plus the
// files its `files` pattern matches when pass_filenames is on. On the file
// zgpu wrote both pass; after a `spaces` line is added both fail.
func TestPreCommitHooks(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []preCommitHook
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatalf(".pre-commit-hooks.yaml: %v", err)
	}
	ids := map[string]bool{}
	for _, h := range hooks {
		ids[h.ID] = true
		if f := strings.Fields(h.Entry); len(f) < 3 || f[0] != "zgpu" || h.Language != "golang" {
			t.Errorf("hook %s: entry %q, language %q: want a zgpu command built by pre-commit's golang support", h.ID, h.Entry, h.Language)
		}
	}
	if !ids["zgpu-check"] || !ids["zgpu-resolve"] {
		t.Fatalf("hooks %v: want zgpu-check and zgpu-resolve", ids)
	}

	src := filepath.Join(shared.Dir(t, "corpus"), hookCorpusSpace)
	serveFixtures(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	repo := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(repo, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(repo)
	var stderr bytes.Buffer
	if code := runWith([]string{"deps", "resolve", "-o", "requirements.txt", "-q"}, nil, &bytes.Buffer{}, &stderr); code != 0 {
		t.Fatalf("deps resolve on %s: exit %d\n%s", hookCorpusSpace, code, stderr.String())
	}
	run := func(h preCommitHook) (int, string) {
		args := strings.Fields(h.Entry)[1:]
		if h.PassFilenames == nil || *h.PassFilenames {
			re := regexp.MustCompile(h.Files)
			entries, _ := os.ReadDir(".")
			for _, e := range entries {
				if re.MatchString(e.Name()) {
					args = append(args, e.Name())
				}
			}
		}
		var out bytes.Buffer
		return runWith(args, nil, &out, &out), strings.Join(args, " ") + "\n" + out.String()
	}
	for _, h := range hooks {
		if code, out := run(h); code != 0 {
			t.Errorf("hook %s on the file zgpu wrote: exit %d, want 0: %s", h.ID, code, out)
		}
	}
	f, err := os.OpenFile("requirements.txt", os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("spaces==0.30.4\n")
	f.Close()
	for _, h := range hooks {
		if code, out := run(h); code != 1 || !strings.Contains(out, "spaces") {
			t.Errorf("hook %s after adding a spaces pin: exit %d, want 1 naming spaces: %s", h.ID, code, out)
		}
	}
}
