package lock_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/lock"
	"github.com/zgpu/zgpu/pypi"
)

// plainLister hides an index's FilesFiltered: the provider then groups
// every file of each page.
type plainLister struct{ l index.Lister }

func (p plainLister) Files(ctx context.Context, project string) ([]index.File, error) {
	return p.l.Files(ctx, project)
}

// TestFilteredListingsLockTheSame: the lock built from filtered listings
// (pypi builds only the files the target can use) is the lock built from
// whole pages: the same pins, hashes and "# via" lines for the 160 corpus
// roots, and the same explanation when no version installs on the target.
func TestFilteredListingsLockTheSame(t *testing.T) {
	if testing.Short() {
		t.Skip("large locks in -short mode")
	}
	s := fakes.PyPI(t, "")
	data, err := os.ReadFile(filepath.Join("..", "bench", "sets", "corpus-160.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sets := [][]string{strings.Fields(string(data)), {"numpy==1.24.4"}}
	for _, roots := range sets {
		var outs []string
		for _, filtered := range []bool{true, false} {
			ix := pypi.New(s.URL, fetch.New(fetch.Config{MaxRetries: -1}))
			var l index.Lister = ix
			if !filtered {
				l = plainLister{ix}
			}
			res, err := lock.Lock(context.Background(), l, ix, lock.Options{Target: target}, request(t, roots...))
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if res.Unsat != nil {
				b.WriteString(res.Unsat.Derivation)
			} else if err := lock.Format(&b, res.Pins, lock.FormatOptions{Hashes: true, Via: true}); err != nil {
				t.Fatal(err)
			}
			outs = append(outs, b.String())
		}
		if outs[0] != outs[1] {
			t.Errorf("%.60v: filtered listings give another answer:\n--- filtered\n%s\n--- whole pages\n%s", roots, outs[0], outs[1])
		}
		if len(roots) == 1 && !strings.Contains(outs[0], "no wheel for") {
			t.Errorf("%v: expected an explanation naming a release without a wheel for the target:\n%s", roots, outs[0])
		}
	}
}
