package lock_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/lock"
	"github.com/zgpu/zgpu/resolver"
)

// memIndex is an in-memory index.Lister and index.MetadataReader that
// records calls and the most requests in flight at once.
type memIndex struct {
	files map[string][]index.File
	meta  map[string]index.Metadata // by URL
	delay time.Duration

	mu       sync.Mutex
	listed   map[string]int
	read     map[string]int
	inFlight atomic.Int32
	peak     atomic.Int32
}

func newMemIndex() *memIndex {
	return &memIndex{files: map[string][]index.File{}, meta: map[string]index.Metadata{}, listed: map[string]int{}, read: map[string]int{}}
}

// add lists a wheel (or sdist) of name version with the given tag and
// dependencies.
func (m *memIndex) add(name, version, tag string, deps ...string) {
	fn := fmt.Sprintf("%s-%s-%s.whl", strings.ReplaceAll(name, "-", "_"), version, tag)
	if tag == "sdist" {
		fn = fmt.Sprintf("%s-%s.tar.gz", strings.ReplaceAll(name, "-", "_"), version)
	}
	u := "https://files.example/" + fn
	m.files[name] = append(m.files[name], index.File{Filename: fn, URL: u, Hashes: map[string]string{"sha256": fmt.Sprintf("%064x", len(m.meta)+1)}})
	m.meta[u] = index.Metadata{Name: name, Version: version, RequiresDist: deps}
}

func (m *memIndex) enter() func() {
	n := m.inFlight.Add(1)
	for {
		p := m.peak.Load()
		if n <= p || m.peak.CompareAndSwap(p, n) {
			break
		}
	}
	time.Sleep(m.delay)
	return func() { m.inFlight.Add(-1) }
}

func (m *memIndex) Files(ctx context.Context, project string) ([]index.File, error) {
	defer m.enter()()
	m.mu.Lock()
	m.listed[project]++
	m.mu.Unlock()
	fs, ok := m.files[project]
	if !ok {
		return nil, &index.NotFoundError{Project: project, Source: "mem"}
	}
	return fs, nil
}

func (m *memIndex) Metadata(ctx context.Context, f index.File) (index.Metadata, error) {
	defer m.enter()()
	m.mu.Lock()
	m.read[f.Filename]++
	m.mu.Unlock()
	md, ok := m.meta[f.URL]
	if !ok {
		return index.Metadata{}, errors.New("no metadata")
	}
	return md, nil
}

// wideIndex is a root with many dependencies, each with a dependency of its
// own, so prefetching has work to overlap.
func wideIndex(n int) (*memIndex, []string) {
	m := newMemIndex()
	var reqs []string
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("pkg%d", i)
		m.add(name, "1.0", "py3-none-any", fmt.Sprintf("leaf%d>=1", i))
		m.add(name, "2.0", "py3-none-any", fmt.Sprintf("leaf%d>=2", i))
		m.add(fmt.Sprintf("leaf%d", i), "2.0", "cp312-cp312-manylinux_2_17_x86_64")
		m.add(fmt.Sprintf("leaf%d", i), "3.0", "cp313-cp313-manylinux_2_17_x86_64") // not for cp312
		reqs = append(reqs, name)
	}
	return m, reqs
}

func TestProviderBoundsConcurrencyAndReadsOnce(t *testing.T) {
	m, reqs := wideIndex(30)
	m.delay = 2 * time.Millisecond
	before := runtime.NumGoroutine()
	res, err := lock.Lock(context.Background(), m, m, lock.Options{Target: target, Concurrency: 3}, request(t, reqs...))
	if err != nil {
		t.Fatal(err)
	}
	if res.Unsat != nil {
		t.Fatalf("no solution:\n%s", res.Unsat)
	}
	if got := len(res.Pins); got != 60 {
		t.Errorf("%d pins, want 60", got)
	}
	for _, p := range res.Pins {
		want := "2.0"
		if p.Version != want {
			t.Errorf("%s==%s, want %s", p.Name, p.Version, want)
		}
	}
	if p := m.peak.Load(); p > 3 {
		t.Errorf("peak %d requests in flight, want at most 3", p)
	}
	if p := m.peak.Load(); p < 2 {
		t.Errorf("peak %d requests in flight: nothing was prefetched", p)
	}
	for name, n := range m.listed {
		if n != 1 {
			t.Errorf("%s listed %d times", name, n)
		}
	}
	for name, n := range m.read {
		if n != 1 {
			t.Errorf("metadata of %s read %d times", name, n)
		}
	}
	// Only the chosen releases' metadata is read: 2.0 of each pkg and leaf.
	if len(m.read) != 60 {
		t.Errorf("%d metadata files read, want 60", len(m.read))
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Lock, %d before", n, before)
	}
}

func TestProviderPolicy(t *testing.T) {
	m := newMemIndex()
	m.add("cuda-ext", "1.0", "cp311-cp311-manylinux_2_17_x86_64")
	m.add("cuda-ext", "0.9", "sdist")
	m.add("purepy", "1.0", "sdist")
	ctx := context.Background()

	p := lock.NewProvider(m, m, lock.Options{Target: target})
	cs, err := p.Candidates(ctx, "cuda-ext")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range cs {
		got[c.Version.String()] = c.Unavailable
	}
	want := map[string]string{"1.0": "no wheel for cp312 linux x86_64 glibc 2.28", "0.9": "only an sdist, and the policy is wheels only"}
	for v, w := range want {
		if got[v] != w {
			t.Errorf("cuda-ext %s: Unavailable = %q, want %q", v, got[v], w)
		}
	}

	ps := lock.NewProvider(m, m, lock.Options{Target: target, AllowSdist: true})
	cs, _ = ps.Candidates(ctx, "purepy")
	if len(cs) != 1 || cs[0].Unavailable != "" {
		t.Errorf("purepy with AllowSdist: %+v", cs)
	}
	deps, err := ps.Dependencies(ctx, "purepy", cs[0])
	if err != nil || len(deps) != 0 {
		t.Errorf("Dependencies(purepy) = %v, %v", deps, err)
	}
	if _, err := ps.Dependencies(ctx, "purepy", resolver.Candidate{Version: cs[0].Version}); err == nil {
		t.Error("Dependencies of a foreign candidate succeeded")
	}
}

func TestURLCandidate(t *testing.T) {
	m := newMemIndex()
	p := lock.NewProvider(m, m, lock.Options{Target: target})
	ctx := context.Background()
	c, err := p.URLCandidate(ctx, "flash-attn", "https://github.com/x/releases/download/v2.8.3/flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl#sha256=ab")
	if err != nil {
		t.Fatal(err)
	}
	if c.Version.String() != "2.8.3+cu12torch2.8cxx11abitrue" {
		t.Errorf("version %s", c.Version)
	}
	if _, err := p.URLCandidate(ctx, "torch", "https://example.com/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl"); err == nil {
		t.Error("a wheel of another project was accepted")
	}
	if _, err := p.URLCandidate(ctx, "x", "https://example.com/x.zip.txt"); err == nil {
		t.Error("a URL that is neither wheel nor sdist was accepted")
	}
}

func TestIndexErrorAborts(t *testing.T) {
	m := newMemIndex()
	m.add("a", "1.0", "py3-none-any", "b")
	m.add("b", "1.0", "py3-none-any")
	delete(m.meta, m.files["b"][0].URL)
	_, err := lock.Lock(context.Background(), m, m, lock.Options{Target: target}, request(t, "a"))
	if err == nil || !strings.Contains(err.Error(), "no metadata") {
		t.Fatalf("err = %v, want the metadata error", err)
	}
}

func TestMetadataRulesOutRelease(t *testing.T) {
	m := newMemIndex()
	m.add("x", "1.0", "py3-none-any")
	m.add("x", "2.0", "py3-none-any")
	m.add("x", "3.0", "py3-none-any")
	// The listing says nothing of Requires-Python; the metadata does.
	u2 := m.files["x"][1].URL
	md := m.meta[u2]
	md.RequiresPython = ">=3.13"
	m.meta[u2] = md
	// 3.0's metadata names another version.
	u3 := m.files["x"][2].URL
	md = m.meta[u3]
	md.Version = "3.1"
	m.meta[u3] = md

	res, err := lock.Lock(context.Background(), m, m, lock.Options{Target: target}, request(t, "x"))
	if err != nil || res.Unsat != nil {
		t.Fatalf("Lock: %v %v", err, res.Unsat)
	}
	if len(res.Pins) != 1 || res.Pins[0].Version != "1.0" {
		t.Errorf("pins %+v, want x 1.0", res.Pins)
	}
	res, err = lock.Lock(context.Background(), m, m, lock.Options{Target: target}, request(t, "x>=2"))
	if err != nil || res.Unsat == nil {
		t.Fatalf("Lock: %v, unsat %v", err, res.Unsat)
	}
	for _, want := range []string{"x 2.0 cannot be installed on the target (its metadata requires Python >=3.13)", "x 3.0 cannot be installed on the target (its metadata says version 3.1)"} {
		if !strings.Contains(res.Unsat.Derivation, want) {
			t.Errorf("derivation lacks %q:\n%s", want, res.Unsat.Derivation)
		}
	}
}
