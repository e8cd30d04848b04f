package pypi

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/internal/testonly/shared"
	"github.com/zgpu/zgpu/wheeltags"
)

func benchPage(b *testing.B, file, contentType string) {
	benchParse(b, file, func(body []byte) error {
		_, err := ParsePage(body, contentType, "https://mirror.test/simple/torch/")
		return err
	})
}

// benchParse measures parse on torch's page (file).
func benchParse(b *testing.B, file string, parse func([]byte) error) {
	dir := shared.Dir(b, "mirror", "simple", "torch")
	body, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := parse(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseJSONTorch(b *testing.B) {
	benchPage(b, "index.json", "application/vnd.pypi.simple.v1+json")
}
func BenchmarkParseHTMLTorch(b *testing.B) { benchPage(b, "index.html", "text/html") }

// BenchmarkParseJSONTorchEncodingJSON is parseJSON's slow path alone, for
// comparison with the one-pass reader.
func BenchmarkParseJSONTorchEncodingJSON(b *testing.B) {
	base, _ := url.Parse("https://mirror.test/simple/torch/")
	benchParse(b, "index.json", func(body []byte) error {
		_, err := decodeJSON(body, base, nil)
		return err
	})
}

// BenchmarkParseJSONTorchFiltered keeps what a cp312 manylinux x86_64
// target can use (and sdists), as the lock's filter does.
func BenchmarkParseJSONTorchFiltered(b *testing.B) {
	t := wheeltags.Target{Python: [2]int{3, 12}, Glibc: [2]int{2, 36}}
	keep := func(name string) bool {
		if !wheeltags.IsWheelFilename(name) {
			return wheeltags.IsSdistFilename(name)
		}
		w, err := wheeltags.ParseWheelFilename(name)
		if err != nil {
			return false
		}
		_, ok := t.Rank(w.Tags)
		return ok
	}
	benchParse(b, "index.json", func(body []byte) error {
		_, err := parseJSON(body, "https://mirror.test/simple/torch/", keep)
		return err
	})
}

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

// BenchmarkWarmCache reads the page and the newest metadata file of 50
// mirror projects from the fake index (20ms of latency per request, PyPI's
// Cache-Control headers) the way a lock run does: cold (an empty cache),
// stale (a warm cache whose pages must be revalidated: fetch.Config
// MaxFreshness -1; metadata files are content addressed) and warm (a warm
// cache within the pages' max-age). requests/op is what each costs.
func BenchmarkWarmCache(b *testing.B) {
	ents, err := os.ReadDir(shared.Dir(b, "mirror", "simple"))
	if err != nil {
		b.Fatal(err)
	}
	var projects []string
	for _, e := range ents {
		if e.IsDir() && len(projects) < 50 {
			projects = append(projects, e.Name())
		}
	}
	s := fakes.PyPI(b, "", fakes.WithLatency(20*time.Millisecond))
	run := func(b *testing.B, c *fetch.Client) {
		ix := New(s.URL, c)
		g, ctx := errgroup.WithContext(context.Background())
		for _, p := range projects {
			g.Go(func() error {
				files, err := ix.Files(ctx, p)
				if err != nil {
					return err
				}
				for i := len(files) - 1; i >= 0; i-- {
					if files[i].CoreMetadata {
						_, err := ix.Metadata(ctx, files[i])
						return err
					}
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
	warmDir := b.TempDir()
	run(b, fetch.New(fetch.Config{CacheDir: warmDir}))
	for _, mode := range []struct {
		name         string
		maxFreshness time.Duration
	}{{"cold", 0}, {"stale", -1}, {"warm", 0}} {
		b.Run(mode.name, func(b *testing.B) {
			var reqs int64
			for b.Loop() {
				dir := warmDir
				if mode.name == "cold" {
					b.StopTimer()
					dir = b.TempDir()
					b.StartTimer()
				}
				c := fetch.New(fetch.Config{CacheDir: dir, MaxFreshness: mode.maxFreshness})
				run(b, c)
				reqs += c.Stats().Requests
			}
			b.ReportMetric(float64(reqs)/float64(b.N), "requests/op")
		})
	}
}
