package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/check"
)

// checkWritten runs the `deps check` rules on every file zgpu wrote for a
// corpus Space (written[i] is corpus/NAME's output, NAME.txt): a file zgpu
// writes must pass its own check with zero problems. The target is the
// Space's README, as the builder reads it.
func checkWritten(t *testing.T, corpus string, written []string) {
	t.Helper()
	c := catalog.Default()
	if p := os.Getenv("ZGPU_CATALOG"); p != "" {
		var err error
		if c, err = catalog.Load(p); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range written {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		tg, err := check.TargetFor(filepath.Join(corpus, name, "requirements.txt"))
		if err != nil {
			t.Errorf("%s: README: %v", name, err)
			continue
		}
		ps, err := check.File(f, c, tg)
		if err != nil {
			t.Errorf("%s: deps check: %v", name, err)
			continue
		}
		if len(ps) > 0 {
			data, _ := os.ReadFile(f)
			t.Errorf("%s: zgpu wrote a file its own check rejects:\n%s\n%s", name, check.Summary(f, ps), data)
		}
	}
	t.Logf("deps check: %d written files checked", len(written))
}
