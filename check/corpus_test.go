package check

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/internal/testonly/shared"
)

// TestCorpus checks every corpus folder's own requirements.txt: each is
// read without error, every problem names its rule, a line of the file (or
// none, for python) and a message. The tally per rule is logged: these are
// real Spaces, most written before the current allow-list.
func TestCorpus(t *testing.T) {
	corpus := shared.Dir(t, "corpus")
	files, _ := filepath.Glob(filepath.Join(corpus, "*", "requirements.txt"))
	if len(files) == 0 {
		t.Fatal("no requirements.txt in the corpus")
	}
	c := catalog.Default()
	tally := map[string]int{}
	clean := 0
	for _, f := range files {
		tg, err := TargetFor(f)
		if err != nil {
			t.Errorf("%s: README: %v", f, err)
			continue
		}
		ps, err := File(f, c, tg)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if len(ps) == 0 {
			clean++
		}
		for _, p := range ps {
			tally[p.Rule]++
			if p.Rule == "" || p.Message == "" {
				t.Errorf("%s: incomplete problem %+v", f, p)
			}
			if p.Rule != "python" && p.Rule != "torch" && p.line.File != f {
				t.Errorf("%s: problem of another file: %+v", f, p)
			}
		}
	}
	var rules []string
	for r := range tally {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	for _, r := range rules {
		t.Logf("%-12s %d", r, tally[r])
	}
	t.Logf("%d files, %d without a problem", len(files), clean)
}

// BenchmarkLargestCorpusFile times a check of the largest requirements.txt
// of the corpus (what the pre-commit hook does on each commit).
func BenchmarkLargestCorpusFile(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(shared.Dir(b, "corpus"), "*", "requirements.txt"))
	var largest string
	var size int64
	for _, f := range files {
		if st, err := os.Stat(f); err == nil && st.Size() > size {
			largest, size = f, st.Size()
		}
	}
	c := catalog.Default()
	tg, err := TargetFor(largest)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s (%d bytes)", largest, size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := File(largest, c, tg); err != nil {
			b.Fatal(err)
		}
	}
}
