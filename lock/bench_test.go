package lock_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/lock"
	"github.com/zgpu/zgpu/pypi"
)

// BenchmarkLockMirror locks "torch transformers accelerate" (55 packages)
// against the fake index with 5ms of latency per response, with and without
// concurrent prefetching: the difference is what Prefetch buys.
func BenchmarkLockMirror(b *testing.B) {
	s := fakes.PyPI(b, "", fakes.WithLatency(5*time.Millisecond))
	for _, conc := range []int{1, 8} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c := fetch.New(fetch.Config{MaxRetries: -1})
				req := request(b, "torch", "transformers", "accelerate")
				res, err := lock.Lock(context.Background(), pypi.New(s.URL, c), pypi.NewReader(c), lock.Options{Target: target, Concurrency: conc}, req)
				if err != nil || res.Unsat != nil {
					b.Fatal(err, res.Unsat)
				}
			}
		})
	}
}
