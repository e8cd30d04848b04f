package pypi

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/internal/shared"
)

func benchPage(b *testing.B, file, contentType string) {
	dir := shared.Dir(b, "mirror", "simple", "torch")
	body, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePage(body, contentType, "https://mirror.test/simple/torch/"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseJSONTorch(b *testing.B) {
	benchPage(b, "index.json", "application/vnd.pypi.simple.v1+json")
}
func BenchmarkParseHTMLTorch(b *testing.B) { benchPage(b, "index.html", "text/html") }

// BenchmarkList200Concurrent lists 200 projects of the mirror from the fake
// index with 20ms of latency per request, concurrently under the client's
// per-host limit: the wall time should be a few request times, not 200.
func BenchmarkList200Concurrent(b *testing.B) {
	ents, err := os.ReadDir(shared.Dir(b, "mirror", "simple"))
	if err != nil {
		b.Fatal(err)
	}
	var projects []string
	for _, e := range ents {
		if e.IsDir() && len(projects) < 200 {
			projects = append(projects, e.Name())
		}
	}
	s := fakes.PyPI(b, "", fakes.WithLatency(20*time.Millisecond))
	var peak int64
	for b.Loop() {
		c := fetch.New(fetch.Config{MaxPerHost: 16})
		ix := New(s.URL, c)
		g, ctx := errgroup.WithContext(context.Background())
		for _, p := range projects {
			g.Go(func() error {
				_, err := ix.Files(ctx, p)
				return err
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
		peak = c.Stats().PeakConcurrency
	}
	b.ReportMetric(float64(peak), "peak-concurrency")
	b.ReportMetric(float64(len(projects)), "projects")
}
