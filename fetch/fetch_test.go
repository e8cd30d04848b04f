package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/zgpu/zgpu/fakes"
)

// tree writes files (path -> content) under a temporary folder.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	fakes.WriteTree(t, root, files)
	return root
}

var payload = `{"name": "demo", "files": [` + strings.Repeat(`{"filename": "demo-1.0-py3-none-any.whl"},`, 40) + `{}]}`

// demoServer serves payload at the returned URL with no Cache-Control, so
// that every cached use is a conditional request.
func demoServer(t *testing.T, opts ...fakes.Option) (*fakes.Server, string) {
	t.Helper()
	root := tree(t, map[string]string{"files/data.json": payload, "simple/index.html": "<a href='x'>x</a>"})
	s := fakes.PyPI(t, root, append([]fakes.Option{fakes.WithCacheControl("")}, opts...)...)
	return s, s.Base + "/files/data.json"
}

// fastConfig retries quickly.
func fastConfig(cache string) Config {
	return Config{CacheDir: cache, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond, Timeout: 5 * time.Second}
}

func TestRetriedFaultsRecoverAndKeepTheCacheSound(t *testing.T) {
	path := "/files/data.json"
	tests := []struct {
		name   string
		faults []fakes.Fault
	}{
		{"500", []fakes.Fault{{Path: path, Status: 500}}},
		{"502 then 503", []fakes.Fault{{Path: path, Status: 502}, {Path: path, Status: 503}}},
		{"503 504 500", []fakes.Fault{{Path: path, Status: 503}, {Path: path, Status: 504}, {Path: path, Status: 500}}},
		{"429", []fakes.Fault{{Path: path, Status: 429, RetryAfter: "0"}}},
		{"reset mid-body", []fakes.Fault{{Path: path, Kind: fakes.FaultReset}}},
		{"truncated body", []fakes.Fault{{Path: path, Kind: fakes.FaultTruncate}}},
		{"truncated twice", []fakes.Fault{{Path: path, Kind: fakes.FaultTruncate}, {Path: path, Kind: fakes.FaultTruncate}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, u := demoServer(t, fakes.WithFaults(tt.faults...))
			cache := t.TempDir()
			c := New(fastConfig(cache))
			res, err := c.Get(context.Background(), Request{URL: u, Accept: "application/json"})
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if string(res.Body) != payload {
				t.Fatalf("body = %q, want the payload", res.Body)
			}
			if got, want := s.Count(path), len(tt.faults)+1; got != want {
				t.Errorf("server saw %d requests, want %d", got, want)
			}
			if got := c.Stats().Retries; got != int64(len(tt.faults)) {
				t.Errorf("Stats.Retries = %d, want %d", got, len(tt.faults))
			}
			// The next call revalidates the cached entry: a conditional
			// request, a 304, and the same body.
			res2, err := c.Get(context.Background(), Request{URL: u, Accept: "application/json"})
			if err != nil {
				t.Fatalf("second Get: %v", err)
			}
			if !res2.FromCache || string(res2.Body) != payload {
				t.Errorf("second Get: FromCache=%v body ok=%v, want a cached payload", res2.FromCache, string(res2.Body) == payload)
			}
			reqs := s.Requests()
			if last := reqs[len(reqs)-1]; last.Header.Get("If-None-Match") == "" {
				t.Errorf("second Get was not conditional: %v", last.Header)
			}
			if st := c.Stats(); st.NotModified != 1 || st.CacheHits != 1 {
				t.Errorf("Stats = %+v, want 1 NotModified and 1 CacheHit", st)
			}
		})
	}
}

func TestPermanentFailuresLeaveNoEntry(t *testing.T) {
	path := "/files/data.json"
	tests := []struct {
		name    string
		faults  []fakes.Fault
		retries int
		timeout time.Duration
		want    string // in the error
		status  int    // of the *StatusError, 0 for none
	}{
		{"500 every time", []fakes.Fault{{Path: path, Status: 500}, {Path: path, Status: 500}}, 1, 0, "500", 500},
		{"404", []fakes.Fault{{Path: path, Status: 404}}, 3, 0, "404 Not Found", 404},
		{"403 is not retried", []fakes.Fault{{Path: path, Status: 403}}, 3, 0, "403", 403},
		{"hung server", []fakes.Fault{{Path: path, Kind: fakes.FaultHang}, {Path: path, Kind: fakes.FaultHang}}, 1, 150 * time.Millisecond, "timed out", 0},
		{"reset every time", []fakes.Fault{{Path: path, Kind: fakes.FaultReset}, {Path: path, Kind: fakes.FaultReset}}, 1, 0, "2 attempts", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, u := demoServer(t, fakes.WithFaults(tt.faults...))
			cache := t.TempDir()
			cfg := fastConfig(cache)
			cfg.MaxRetries = tt.retries
			if tt.timeout > 0 {
				cfg.Timeout = tt.timeout
			}
			c := New(cfg)
			_, err := c.Get(context.Background(), Request{URL: u})
			if err == nil {
				t.Fatal("Get succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
			var se *StatusError
			if got := errors.As(err, &se); got != (tt.status != 0) || (got && se.Status != tt.status) {
				t.Errorf("error %v (%T): want a StatusError %d", err, err, tt.status)
			}
			if got := IsNotFound(err); got != (tt.status == 404) {
				t.Errorf("IsNotFound = %v", got)
			}
			if n := s.Count(path); n != len(tt.faults) {
				t.Errorf("server saw %d requests, want %d", n, len(tt.faults))
			}
			entries, _ := filepath.Glob(filepath.Join(cache, "http", "*"))
			if len(entries) != 0 {
				t.Errorf("cache holds %v after a failure", entries)
			}
			res, err := c.Get(context.Background(), Request{URL: u})
			if err != nil || string(res.Body) != payload || res.FromCache {
				t.Fatalf("next Get: err=%v, want the payload from the network", err)
			}
		})
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	path := "/files/data.json"
	s, u := demoServer(t, fakes.WithFaults(fakes.Fault{Path: path, Status: 429, RetryAfter: "1"}))
	c := New(fastConfig(""))
	start := time.Now()
	if _, err := c.Get(context.Background(), Request{URL: u}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("retried after %v, before the 1s Retry-After", d)
	}
	if s.Count(path) != 2 {
		t.Errorf("server saw %d requests, want 2", s.Count(path))
	}
}

func TestRetryAfterTooLongGivesUp(t *testing.T) {
	path := "/files/data.json"
	s, u := demoServer(t, fakes.WithFaults(fakes.Fault{Path: path, Status: 503, RetryAfter: "3600"}))
	c := New(fastConfig(""))
	_, err := c.Get(context.Background(), Request{URL: u})
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 503 {
		t.Fatalf("err = %v, want a 503 StatusError", err)
	}
	if s.Count(path) != 1 {
		t.Errorf("server saw %d requests, want 1", s.Count(path))
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"Wed, 25 Nov 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Wednesday, 25-Nov-26 12:01:00 GMT", time.Minute, true}, // RFC 850
		{"Wed Nov 25 12:00:05 2026", 5 * time.Second, true},      // asctime
		{"Wed, 25 Nov 2026 11:00:00 GMT", 0, true},               // in the past
		{"-3", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestExpBackoff(t *testing.T) {
	min, max := 100*time.Millisecond, time.Second
	tests := []struct {
		attempt int
		jitter  float64
		want    time.Duration
	}{
		{0, 0, 50 * time.Millisecond},
		{0, 0.999999, 100 * time.Millisecond},
		{1, 0, 100 * time.Millisecond},
		{3, 0, 400 * time.Millisecond},
		{4, 0, 500 * time.Millisecond}, // capped at max
		{30, 0.5, 750 * time.Millisecond},
	}
	for _, tt := range tests {
		got := expBackoff(min, max, tt.attempt, tt.jitter).Round(time.Millisecond)
		if got != tt.want {
			t.Errorf("expBackoff(attempt %d, jitter %v) = %v, want %v", tt.attempt, tt.jitter, got, tt.want)
		}
	}
}

func TestRevalidationSeesChanges(t *testing.T) {
	root := tree(t, map[string]string{"files/data.json": "one"})
	s := fakes.PyPI(t, root, fakes.WithCacheControl(""))
	u := s.Base + "/files/data.json"
	c := New(fastConfig(t.TempDir()))
	get := func() *Response {
		t.Helper()
		res, err := c.Get(context.Background(), Request{URL: u})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if r := get(); string(r.Body) != "one" || r.FromCache {
		t.Fatalf("first Get = %q fromCache=%v", r.Body, r.FromCache)
	}
	if r := get(); string(r.Body) != "one" || !r.FromCache {
		t.Fatalf("second Get = %q fromCache=%v, want a 304 from the cache", r.Body, r.FromCache)
	}
	if err := os.WriteFile(filepath.Join(root, "files", "data.json"), []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := get(); string(r.Body) != "two" || r.FromCache {
		t.Fatalf("after a change Get = %q fromCache=%v", r.Body, r.FromCache)
	}
	if r := get(); string(r.Body) != "two" || !r.FromCache {
		t.Fatalf("after a change, cached Get = %q fromCache=%v", r.Body, r.FromCache)
	}
	want := Stats{Requests: 4, ConditionalRequests: 3, CacheHits: 2, NotModified: 2, BytesDownloaded: 6, PeakConcurrency: 1}
	if diff := cmp.Diff(want, c.Stats()); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
}

func TestLastModifiedRevalidation(t *testing.T) {
	lm := "Tue, 24 Nov 2026 10:00:00 GMT"
	var mu sync.Mutex
	var seen []string
	srv := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("If-Modified-Since"))
		mu.Unlock()
		if r.Header.Get("If-Modified-Since") == lm {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Last-Modified", lm)
		fmt.Fprint(w, "body")
	}))
	c := New(fastConfig(t.TempDir()))
	for i := 0; i < 2; i++ {
		res, err := c.Get(context.Background(), Request{URL: srv + "/x"})
		if err != nil || string(res.Body) != "body" || res.FromCache != (i == 1) {
			t.Fatalf("Get %d: %v %q fromCache=%v", i, err, res.Body, res.FromCache)
		}
	}
	if diff := cmp.Diff([]string{"", lm}, seen); diff != "" {
		t.Errorf("If-Modified-Since sent (-want +got):\n%s", diff)
	}
}

// damageEntry gets u with c, whose cache is the folder cache, and rewrites
// the one entry it holds with corrupt.
func damageEntry(t *testing.T, c *Client, u, cache string, corrupt func([]byte) []byte) {
	t.Helper()
	if _, err := c.Get(context.Background(), Request{URL: u}); err != nil {
		t.Fatal(err)
	}
	entries, _ := filepath.Glob(filepath.Join(cache, "http", "*.entry"))
	if len(entries) != 1 {
		t.Fatalf("cache entries = %v, want 1", entries)
	}
	b, _ := os.ReadFile(entries[0])
	if err := os.WriteFile(entries[0], corrupt(b), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptEntriesAreDiscarded(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func([]byte) []byte
	}{
		{"flipped body byte", func(b []byte) []byte { b[len(b)-3] ^= 1; return b }},
		{"truncated body", func(b []byte) []byte { return b[:len(b)-10] }},
		{"bad json", func(b []byte) []byte { return append([]byte("{not json"), b[bytes.IndexByte(b, '\n'):]...) }},
		{"no newline", func(b []byte) []byte { return b[:bytes.IndexByte(b, '\n')] }},
		{"empty", func(b []byte) []byte { return nil }},
		{"other url", func(b []byte) []byte { return bytes.Replace(b, []byte("data.json"), []byte("datb.json"), 1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, u := demoServer(t)
			cache := t.TempDir()
			c := New(fastConfig(cache))
			damageEntry(t, c, u, cache, tt.corrupt)
			// Offline, a corrupt entry is a miss.
			off := New(Config{CacheDir: cache, Offline: true})
			if _, err := off.Get(context.Background(), Request{URL: u}); !errors.Is(err, ErrOffline) {
				t.Errorf("offline Get of a corrupt entry: err = %v, want ErrOffline", err)
			}
			// Online, it is fetched again without a conditional header.
			s.ResetRequests()
			if _, err := c.Get(context.Background(), Request{URL: u}); err != nil {
				t.Fatal(err)
			}
			res, err := c.Get(context.Background(), Request{URL: u})
			if err != nil || string(res.Body) != payload {
				t.Fatalf("Get after repair: %v", err)
			}
			reqs := s.Requests()
			if len(reqs) != 2 || reqs[0].Header.Get("If-None-Match") != "" || reqs[1].Header.Get("If-None-Match") == "" {
				t.Errorf("requests after corruption: %+v, want one plain then one conditional", reqs)
			}
		})
	}
}

// TestRevalidationReadsTheBodyOnlyOn304: a stale entry is revalidated
// with its validators without its body being read; when the server
// answers 304 but the cached body fails its check, the body is requested
// again, unconditionally, and the entry repaired.
func TestRevalidationReadsTheBodyOnlyOn304(t *testing.T) {
	s, u := demoServer(t)
	cache := t.TempDir()
	c := New(fastConfig(cache))
	damageEntry(t, c, u, cache, func(b []byte) []byte {
		b[len(b)-3] ^= 1 // the metadata line stays valid
		return b
	})
	s.ResetRequests()
	for i := 0; i < 2; i++ {
		res, err := c.Get(context.Background(), Request{URL: u})
		if err != nil || string(res.Body) != payload {
			t.Fatalf("Get %d: %v %q", i, err, res.Body)
		}
	}
	var cond []bool
	for _, r := range s.Requests() {
		cond = append(cond, r.Header.Get("If-None-Match") != "")
	}
	// The damaged entry: a conditional request (304), then a plain one;
	// the repaired entry: one conditional request (304).
	if diff := cmp.Diff([]bool{true, false, true}, cond); diff != "" {
		t.Errorf("conditional requests (-want +got):\n%s", diff)
	}
}

func TestOffline(t *testing.T) {
	s, u := demoServer(t)
	cache := t.TempDir()
	if _, err := New(fastConfig(cache)).Get(context.Background(), Request{URL: u, Accept: "a/b"}); err != nil {
		t.Fatal(err)
	}
	s.ResetRequests()
	off := New(Config{CacheDir: cache, Offline: true})
	res, err := off.Get(context.Background(), Request{URL: u, Accept: "a/b"})
	if err != nil || !res.FromCache || string(res.Body) != payload || res.URL != u {
		t.Fatalf("offline hit: err=%v", err)
	}
	for _, r := range []Request{{URL: u, Accept: "c/d"}, {URL: u + "?x"}, {URL: u, Accept: "a/b", NoStore: true}} {
		_, err := off.Get(context.Background(), r)
		if !errors.Is(err, ErrOffline) {
			t.Errorf("offline miss %+v: err = %v, want ErrOffline", r, err)
		}
	}
	if _, _, err := off.GetRange(context.Background(), u, 0, 3); !errors.Is(err, ErrOffline) {
		t.Errorf("offline GetRange: err = %v", err)
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("offline client made %d requests", n)
	}
	if st := off.Stats(); st.Requests != 0 || st.CacheHits != 1 {
		t.Errorf("offline Stats = %+v", st)
	}
	if !strings.Contains(ErrOffline.Error(), "--offline") {
		t.Errorf("ErrOffline = %q, should tell the user what to do", ErrOffline)
	}
}

func TestNoStoreIsNotCached(t *testing.T) {
	_, u := demoServer(t)
	cache := t.TempDir()
	c := New(fastConfig(cache))
	if _, err := c.Get(context.Background(), Request{URL: u, NoStore: true}); err != nil {
		t.Fatal(err)
	}
	if entries, _ := filepath.Glob(filepath.Join(cache, "http", "*")); len(entries) != 0 {
		t.Errorf("NoStore body cached: %v", entries)
	}
}

func TestContextCancelStopsAHungRequest(t *testing.T) {
	path := "/files/data.json"
	_, u := demoServer(t, fakes.WithFaults(fakes.Fault{Path: path, Kind: fakes.FaultHang}))
	c := New(fastConfig(""))
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	_, err := c.Get(ctx, Request{URL: u})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestPerHostLimit(t *testing.T) {
	s, u := demoServer(t, fakes.WithLatency(30*time.Millisecond))
	cfg := fastConfig("")
	cfg.MaxPerHost = 3
	c := New(cfg)
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Get(context.Background(), Request{URL: u})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	st := c.Stats()
	if st.PeakConcurrency > 3 {
		t.Errorf("PeakConcurrency = %d, above MaxPerHost 3", st.PeakConcurrency)
	}
	if st.PeakConcurrency < 2 {
		t.Errorf("PeakConcurrency = %d: requests did not overlap", st.PeakConcurrency)
	}
	if s.Count("/files/") != 12 {
		t.Errorf("server saw %d requests", s.Count("/files/"))
	}
}

// BenchmarkGetOffline measures a cache hit read from disk and verified.
func BenchmarkGetOffline(b *testing.B) {
	root := b.TempDir()
	os.MkdirAll(filepath.Join(root, "files"), 0o755)
	os.WriteFile(filepath.Join(root, "files", "data.json"), []byte(payload), 0o644)
	s := fakes.PyPI(b, root)
	u := s.Base + "/files/data.json"
	cache := b.TempDir()
	if _, err := New(Config{CacheDir: cache}).Get(context.Background(), Request{URL: u}); err != nil {
		b.Fatal(err)
	}
	c := New(Config{CacheDir: cache, Offline: true})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Get(context.Background(), Request{URL: u}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetRevalidate measures a conditional request answered 304.
func BenchmarkGetRevalidate(b *testing.B) {
	root := b.TempDir()
	os.MkdirAll(filepath.Join(root, "files"), 0o755)
	os.WriteFile(filepath.Join(root, "files", "data.json"), []byte(payload), 0o644)
	s := fakes.PyPI(b, root)
	u := s.Base + "/files/data.json"
	c := New(Config{CacheDir: b.TempDir()})
	if _, err := c.Get(context.Background(), Request{URL: u}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := c.Get(context.Background(), Request{URL: u})
		if err != nil || !res.FromCache {
			b.Fatal(err)
		}
	}
}
