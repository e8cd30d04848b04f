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
	"github.com/zgpu/zgpu/lock"
	"github.com/zgpu/zgpu/pypi"
)

// TestLockIndependentOfConcurrency locks bench/speed.sh's large root sets
// (160 corpus requirements, 300 roots) on the mirror with one request in
// flight and with the default: the files written must be the same, pins,
// hashes and "# via" lines included. The prefetcher changes when answers
// arrive, never what they are.
func TestLockIndependentOfConcurrency(t *testing.T) {
	if testing.Short() {
		t.Skip("large locks in -short mode")
	}
	s := fakes.PyPI(t, "")
	for _, set := range []string{"corpus-160", "synthetic-300"} {
		data, err := os.ReadFile(filepath.Join("..", "bench", "sets", set+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		roots := strings.Fields(string(data))
		var files []string
		for _, conc := range []int{1, 0} {
			c := fetch.New(fetch.Config{MaxRetries: -1, MaxPerHost: conc})
			res, err := lock.Lock(context.Background(), pypi.New(s.URL, c), pypi.NewReader(c), lock.Options{Target: target, Concurrency: conc}, request(t, roots...))
			if err != nil {
				t.Fatalf("%s with concurrency %d: %v", set, conc, err)
			}
			if res.Unsat != nil {
				t.Fatalf("%s with concurrency %d: %v", set, conc, res.Unsat)
			}
			var b bytes.Buffer
			if err := lock.Format(&b, res.Pins, lock.FormatOptions{Hashes: true, Via: true}); err != nil {
				t.Fatal(err)
			}
			files = append(files, b.String())
		}
		if files[0] != files[1] {
			t.Errorf("%s: the lock with one request in flight differs from the default's", set)
		}
		if n := strings.Count(files[0], "=="); n < len(roots) {
			t.Errorf("%s: %d pins for %d roots", set, n, len(roots))
		}
	}
}
