package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCorpusMessages holds the corpus's messages to issue 10's "one problem
// per cause; warnings deduplicated; nearest lists unique": in each recorded
// run of testdata/golden (offline and --no-lock, which TestCorpusGolden
// keeps equal to what zgpu prints), no warning is printed twice, no two
// warnings of one cause name the same line of a file, no problem lists a
// nearest wheel or a fix twice, and no "# zgpu:" note of a written file
// gives a reason longer than noteLimit.
func TestCorpusMessages(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*", "*.txt"))
	if len(files) < 2*79 {
		t.Fatalf("%d golden files, want the corpus in two modes", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		stdout, stderr, _ := strings.Cut(string(data), "\n--- stderr\n")
		for _, msg := range messageRepeats(stderr) {
			t.Errorf("%s: %s", f, msg)
		}
		for _, l := range strings.Split(stdout, "\n") {
			if n := noteReason(l); len(n) > noteLimit {
				t.Errorf("%s: a note of %d characters (at most %d): %s", f, len(n), noteLimit, l)
			}
		}
	}
}

// noteLimit is the longest reason a "# zgpu:" note may give in the file
// ("under about 100 characters": notes are cut at a clause boundary up to
// 20 past 100; --json has the whole reason).
const noteLimit = 120

// noteReason returns the reason a line's "# zgpu:" note gives: the note of
// a changed line, or what follows "removed REQUIREMENT: " ("" for none).
func noteReason(line string) string {
	_, note, ok := strings.Cut(line, "# zgpu: ")
	if !ok {
		return ""
	}
	if rest, ok := strings.CutPrefix(note, "removed "); ok {
		if _, why, ok := strings.Cut(rest, ": "); ok {
			return why
		}
	}
	return note
}

// warnedLine is the file and line a warning names ("…/requirements.txt:19").
var warnedLine = regexp.MustCompile(`^warning: (\S+?\.(?:txt|toml|lock|md):\d+)[:\s]`)

// messageRepeats lists what stderr says twice: a warning, two warnings on
// one line of a file about one cause (sameCause), a problem's nearest wheel
// or fix.
func messageRepeats(stderr string) []string {
	var out []string
	seen := map[string]bool{}
	lineOf := map[string]string{}
	var nearest map[string]bool
	for _, l := range strings.Split(stderr, "\n") {
		switch t := strings.TrimSpace(l); {
		case strings.HasPrefix(l, "warning: "):
			if seen[l] {
				out = append(out, "warned twice: "+l)
			}
			seen[l] = true
			if m := warnedLine.FindStringSubmatch(l); m != nil {
				if prev, ok := lineOf[m[1]]; ok && sameCause(prev, l) {
					out = append(out, "two warnings on "+m[1]+": "+prev+" | "+l)
				}
				lineOf[m[1]] = l
			}
		case strings.HasPrefix(l, "  ") && !strings.HasPrefix(t, "nearest:") && !strings.HasPrefix(t, "fix:"):
			nearest = map[string]bool{} // a new problem
		case strings.HasPrefix(t, "nearest:"), strings.HasPrefix(t, "fix:"):
			if nearest[t] {
				out = append(out, "listed twice in one problem: "+t)
			}
			if nearest != nil {
				nearest[t] = true
			}
		}
	}
	return out
}

// sameCause reports whether two warnings on one line of a file are about
// one cause: both zgpu's (the reader's, about the line's syntax, carry a
// column and are pip's view; zgpu's are about the target), or both about
// a line that names no project.
func sameCause(a, b string) bool {
	col := regexp.MustCompile(`^warning: \S+:\d+:\d+: `)
	if col.MatchString(a) != col.MatchString(b) {
		return strings.Contains(a, "names no ") && strings.Contains(b, "names no ")
	}
	return true
}

// TestMessageRepeats: messageRepeats finds each kind of repeat.
func TestMessageRepeats(t *testing.T) {
	stderr := `warning: /s/requirements.txt:19:1: git+https://x/y.git names no project
warning: /s/requirements.txt:19: "git+https://x/y.git" names no package; kept as written
warning: README.md has no python_version
warning: README.md has no python_version
zgpu: no ZeroGPU-safe requirements for /s:
  /s/requirements.txt:4: no prebuilt flash-attn wheel fits
      nearest: a.whl: version 2.8.3 is outside flash-attn==2.5.7
      nearest: a.whl: version 2.8.3 is outside flash-attn==2.5.7
      fix: change the requirement
  /s/requirements.txt:5: no prebuilt natten wheel fits
      fix: change the requirement
`
	got := messageRepeats(stderr)
	if len(got) != 3 {
		t.Fatalf("got %d repeats, want 3 (two warnings on line 19, one warned twice, one nearest twice):\n%s", len(got), strings.Join(got, "\n"))
	}
}
