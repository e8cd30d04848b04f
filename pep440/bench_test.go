package pep440

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zgpu/zgpu/internal/testonly/shared"
)

// The benchmarks run on real data from ../shared/mirror: the versions of
// PROVENANCE.tsv and the specifier sets of Requires-Dist lines in the
// metadata files, repeated to batches of 100,000.
const batch = 100_000

var (
	benchOnce     sync.Once
	benchVersions []string
	benchSpecs    []string
)

func loadBenchData(b *testing.B) {
	dir := shared.Dir(b, "mirror")
	benchOnce.Do(func() {
		f, err := os.Open(filepath.Join(dir, "PROVENANCE.tsv"))
		if err != nil {
			return
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Scan() // header
		for sc.Scan() {
			if fields := strings.Split(sc.Text(), "\t"); len(fields) > 1 {
				benchVersions = append(benchVersions, fields[1])
			}
		}
		names, _ := filepath.Glob(filepath.Join(dir, "files", "*.metadata"))
		sort.Strings(names)
		for i, name := range names {
			if i%10 != 0 { // every tenth file is plenty
				continue
			}
			data, err := os.ReadFile(name)
			if err != nil {
				continue
			}
			for _, line := range strings.Split(string(data), "\n") {
				req, ok := strings.CutPrefix(line, "Requires-Dist: ")
				if !ok {
					continue
				}
				req, _, _ = strings.Cut(req, ";")
				if i := strings.IndexAny(req, "<>=!~"); i >= 0 {
					spec := strings.Trim(strings.TrimSpace(req[i:]), "()")
					if _, err := ParseSpecifiers(spec); err == nil {
						benchSpecs = append(benchSpecs, spec)
					}
				}
			}
		}
	})
	if len(benchVersions) == 0 || len(benchSpecs) == 0 {
		b.Skip("no benchmark data in ../shared/mirror")
	}
}

// cycle repeats xs to n items.
func cycle[T any](xs []T, n int) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = xs[i%len(xs)]
	}
	return out
}

// perItem reports wall-clock and CPU nanoseconds per item of a batch of n;
// cpu0 is cpuTime() before the loop.
func perItem(b *testing.B, n int, cpu0 time.Duration) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/item")
	if c := cpuTime() - cpu0; c > 0 {
		b.ReportMetric(float64(c.Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/item")
	}
}

// BenchmarkParse parses 100,000 real version strings per op.
func BenchmarkParse(b *testing.B) {
	loadBenchData(b)
	in := cycle(benchVersions, batch)
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		for _, s := range in {
			if _, err := Parse(s); err != nil {
				b.Fatal(err)
			}
		}
	}
	perItem(b, batch, cpu0)
}

// BenchmarkParseSpecifiers parses 100,000 real specifier sets per op.
func BenchmarkParseSpecifiers(b *testing.B) {
	loadBenchData(b)
	in := cycle(benchSpecs, batch)
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		for _, s := range in {
			if _, err := ParseSpecifiers(s); err != nil {
				b.Fatal(err)
			}
		}
	}
	perItem(b, batch, cpu0)
}

// BenchmarkContains checks 100,000 (specifier set, version) pairs per op.
func BenchmarkContains(b *testing.B) {
	loadBenchData(b)
	sets := make([]Specifiers, len(benchSpecs))
	for i, s := range benchSpecs {
		sets[i] = MustParseSpecifiers(s)
	}
	vs := make([]Version, len(benchVersions))
	for i, s := range benchVersions {
		vs[i] = MustParse(s)
	}
	ss := cycle(sets, batch)
	// A prime stride pairs every set with many versions.
	pv := make([]Version, batch)
	for i := range pv {
		pv[i] = vs[(i*7919)%len(vs)]
	}
	b.ReportAllocs()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		for i := range ss {
			if ss[i].Contains(pv[i], false) {
				n++
			}
		}
	}
	if n == 0 {
		b.Fatal("nothing matched")
	}
	perItem(b, batch, cpu0)
}

// BenchmarkSort sorts 100,000 parsed versions per op.
func BenchmarkSort(b *testing.B) {
	loadBenchData(b)
	vs := make([]Version, len(benchVersions))
	for i, s := range benchVersions {
		vs[i] = MustParse(s)
	}
	in := cycle(vs, batch)
	work := make([]Version, batch)
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		copy(work, in)
		slices.SortFunc(work, Compare)
	}
	perItem(b, batch, cpu0)
}

// BenchmarkString formats 100,000 parsed versions per op.
func BenchmarkString(b *testing.B) {
	loadBenchData(b)
	vs := make([]Version, len(benchVersions))
	for i, s := range benchVersions {
		vs[i] = MustParse(s)
	}
	in := cycle(vs, batch)
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		for _, v := range in {
			_ = v.String()
		}
	}
	perItem(b, batch, cpu0)
}
