package fetch

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseCacheControl(t *testing.T) {
	tests := []struct {
		in   string
		want cacheControl
	}{
		{"", cacheControl{}},
		{"max-age=600, public", cacheControl{maxAge: 600 * time.Second, hasMaxAge: true}},
		{"public,max-age=0", cacheControl{hasMaxAge: true}},
		{`max-age="60"`, cacheControl{maxAge: time.Minute, hasMaxAge: true}},
		{"s-maxage=30", cacheControl{maxAge: 30 * time.Second, hasMaxAge: true}},
		{"s-maxage=30, max-age=60", cacheControl{maxAge: time.Minute, hasMaxAge: true}},
		{"max-age=60, max-age=5", cacheControl{maxAge: time.Minute, hasMaxAge: true}},
		{"MAX-AGE=60, Must-Revalidate", cacheControl{maxAge: time.Minute, hasMaxAge: true, mustRevalidate: true}},
		{"no-cache", cacheControl{noCache: true}},
		{`no-cache="Set-Cookie, Link", max-age=60`, cacheControl{noCache: true, maxAge: time.Minute, hasMaxAge: true}},
		{"no-store", cacheControl{noStore: true}},
		{"proxy-revalidate", cacheControl{mustRevalidate: true}},
		{"max-age=365000000, immutable, public", cacheControl{maxAge: 365000000 * time.Second, hasMaxAge: true}},
		{"max-age=99999999999999999999", cacheControl{maxAge: time.Duration(1<<63 - 1), hasMaxAge: true}},
		// A malformed lifetime is an immediately stale response.
		{"max-age=-1", cacheControl{hasMaxAge: true}},
		{"max-age=1.5", cacheControl{hasMaxAge: true}},
		{"max-age", cacheControl{hasMaxAge: true}},
		{"max-age=60, s-maxage=x", cacheControl{hasMaxAge: true}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, parseCacheControl(tt.in), cmp.AllowUnexported(cacheControl{})); diff != "" {
			t.Errorf("parseCacheControl(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// ccServer answers with an ETag, 304 to a matching If-None-Match, and the
// Cache-Control and Age headers its fields say at the time of the request.
type ccServer struct {
	mu           sync.Mutex
	cacheControl string
	age          string
	log          []string // "plain" or "conditional", one per request
	url          string
}

func newCCServer(t *testing.T, cacheControl, age string) *ccServer {
	s := &ccServer{cacheControl: cacheControl, age: age}
	s.url = newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.cacheControl != "" {
			w.Header().Set("Cache-Control", s.cacheControl)
		}
		if s.age != "" {
			w.Header().Set("Age", s.age)
		}
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			s.log = append(s.log, "conditional")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		s.log = append(s.log, "plain")
		fmt.Fprint(w, "body")
	})) + "/page"
	return s
}

func (s *ccServer) set(cacheControl, age string) {
	s.mu.Lock()
	s.cacheControl, s.age = cacheControl, age
	s.mu.Unlock()
}

func (s *ccServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

// fakeClock is a settable clock for Client.now.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func clockedClient(t *testing.T, cfg Config) (*Client, *fakeClock) {
	clock := &fakeClock{t: time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)}
	c := New(cfg)
	c.now = clock.now
	return c, clock
}

func TestFreshness(t *testing.T) {
	tests := []struct {
		name         string
		cacheControl string
		age          string
		maxFreshness time.Duration
		after        time.Duration // between the first Get and the second
		want         string        // the second Get: "fresh" (no request) or "conditional"
	}{
		{"fresh at once", "max-age=600, public", "", 0, 0, "fresh"},
		{"fresh until the end", "max-age=600, public", "", 0, 599 * time.Second, "fresh"},
		{"stale at max-age", "max-age=600, public", "", 0, 600 * time.Second, "conditional"},
		{"Age counts", "max-age=600", "590", 0, 9 * time.Second, "fresh"},
		{"Age makes it stale", "max-age=600", "590", 0, 10 * time.Second, "conditional"},
		{"Age beyond max-age", "max-age=600", "900", 0, 0, "conditional"},
		{"s-maxage", "s-maxage=60", "", 0, 30 * time.Second, "fresh"},
		{"max-age beats s-maxage", "s-maxage=600, max-age=10", "", 0, 30 * time.Second, "conditional"},
		{"must-revalidate while fresh", "max-age=60, must-revalidate", "", 0, 30 * time.Second, "fresh"},
		{"must-revalidate when stale", "max-age=60, must-revalidate", "", 0, 61 * time.Second, "conditional"},
		{"no-cache", "no-cache, max-age=600", "", 0, 0, "conditional"},
		{"no-store", "no-store, max-age=600", "", 0, 0, "conditional"},
		{"no Cache-Control", "", "", 0, 0, "conditional"},
		{"max-age=0", "max-age=0", "", 0, 0, "conditional"},
		{"malformed max-age", "max-age=ten", "", 0, 0, "conditional"},
		{"capped by the default", "max-age=365000000, immutable", "", 0, DefaultMaxFreshness, "conditional"},
		{"under the default cap", "max-age=365000000, immutable", "", 0, DefaultMaxFreshness - time.Second, "fresh"},
		{"capped by MaxFreshness", "max-age=600", "", time.Minute, 2 * time.Minute, "conditional"},
		{"freshness turned off", "max-age=600", "", -1, 0, "conditional"},
		{"clock went backwards", "max-age=600", "", 0, -time.Second, "conditional"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newCCServer(t, tt.cacheControl, tt.age)
			cfg := fastConfig(t.TempDir())
			cfg.MaxFreshness = tt.maxFreshness
			c, clock := clockedClient(t, cfg)
			ctx := context.Background()
			if _, err := c.Get(ctx, Request{URL: s.url}); err != nil {
				t.Fatal(err)
			}
			clock.advance(tt.after)
			res, err := c.Get(ctx, Request{URL: s.url})
			if err != nil {
				t.Fatal(err)
			}
			if string(res.Body) != "body" || !res.FromCache {
				t.Errorf("second Get = %q, FromCache %v", res.Body, res.FromCache)
			}
			want := []string{"plain"}
			wantStats := Stats{Requests: 1, CacheHits: 1, FreshHits: 1, BytesDownloaded: 4, PeakConcurrency: 1}
			if tt.want == "conditional" {
				want = append(want, "conditional")
				wantStats = Stats{Requests: 2, ConditionalRequests: 1, CacheHits: 1, NotModified: 1, BytesDownloaded: 4, PeakConcurrency: 1}
			}
			if diff := cmp.Diff(want, s.requests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantStats, c.Stats()); diff != "" {
				t.Errorf("Stats (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNotModifiedRenewsFreshness checks that a 304 restarts the freshness
// lifetime with the headers it carries (RFC 9111 section 4.3.4), so that a
// revalidated entry is fresh again instead of revalidated on every use.
func TestNotModifiedRenewsFreshness(t *testing.T) {
	s := newCCServer(t, "max-age=60", "")
	c, clock := clockedClient(t, fastConfig(t.TempDir()))
	get := func() {
		t.Helper()
		if res, err := c.Get(context.Background(), Request{URL: s.url}); err != nil || string(res.Body) != "body" {
			t.Fatalf("Get: %v", err)
		}
	}
	get()               // plain
	clock.advance(61e9) // stale
	s.set("max-age=120", "100")
	get()               // conditional: renews with max-age=120, Age 100
	clock.advance(19e9) // age 119 < 120: fresh
	get()
	clock.advance(1e9) // age 120: stale
	s.set("no-cache", "")
	get() // conditional: renews with no-cache
	clock.advance(0)
	get() // no-cache: conditional again
	want := []string{"plain", "conditional", "conditional", "conditional"}
	if diff := cmp.Diff(want, s.requests()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if st := c.Stats(); st.FreshHits != 1 || st.NotModified != 3 {
		t.Errorf("Stats = %+v, want 1 fresh hit and 3 not modified", st)
	}
}

func TestImmutable(t *testing.T) {
	s := newCCServer(t, "", "") // nothing says the page is fresh
	dir := t.TempDir()
	c, clock := clockedClient(t, fastConfig(dir))
	ctx := context.Background()
	r := Request{URL: s.url, Immutable: true}
	for i := 0; i < 3; i++ {
		res, err := c.Get(ctx, r)
		if err != nil || string(res.Body) != "body" || res.FromCache != (i > 0) {
			t.Fatalf("Get %d: %v, %q, FromCache %v", i, err, res.Body, res.FromCache)
		}
		clock.advance(365 * 24 * time.Hour)
	}
	if diff := cmp.Diff([]string{"plain"}, s.requests()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	// Without Immutable the same entry is revalidated.
	if _, err := c.Get(ctx, Request{URL: s.url}); err != nil {
		t.Fatal(err)
	}
	// Discard forgets the entry: the next Get is unconditional.
	if err := c.Discard(r); err != nil {
		t.Fatal(err)
	}
	if err := c.Discard(r); err != nil {
		t.Errorf("Discard of a missing entry: %v", err)
	}
	if res, err := c.Get(ctx, r); err != nil || res.FromCache {
		t.Fatalf("Get after Discard: %v, FromCache %v", err, res.FromCache)
	}
	if diff := cmp.Diff([]string{"plain", "conditional", "plain"}, s.requests()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	want := Stats{Requests: 3, ConditionalRequests: 1, CacheHits: 3, FreshHits: 2, NotModified: 1, BytesDownloaded: 8, PeakConcurrency: 1}
	if diff := cmp.Diff(want, c.Stats()); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
}

// TestCorruptFreshEntryIsRefetched checks that an entry served without a
// request is still verified: a corrupt one is discarded and refetched.
func TestCorruptFreshEntryIsRefetched(t *testing.T) {
	for _, immutable := range []bool{false, true} {
		t.Run(fmt.Sprint("immutable=", immutable), func(t *testing.T) {
			s := newCCServer(t, "max-age=600", "")
			dir := t.TempDir()
			c, _ := clockedClient(t, fastConfig(dir))
			r := Request{URL: s.url, Immutable: immutable}
			if _, err := c.Get(context.Background(), r); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, "http", cacheKey(r.URL, "")+".entry")
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			data[len(data)-1] ^= 1
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			res, err := c.Get(context.Background(), r)
			if err != nil || string(res.Body) != "body" || res.FromCache {
				t.Fatalf("Get of a corrupt entry: %v, %q, FromCache %v", err, res.Body, res.FromCache)
			}
			if diff := cmp.Diff([]string{"plain", "plain"}, s.requests()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOfflineServesStaleEntries checks that Offline ignores freshness.
func TestOfflineServesStaleEntries(t *testing.T) {
	s := newCCServer(t, "max-age=1", "")
	dir := t.TempDir()
	c, _ := clockedClient(t, fastConfig(dir))
	if _, err := c.Get(context.Background(), Request{URL: s.url}); err != nil {
		t.Fatal(err)
	}
	cfg := fastConfig(dir)
	cfg.Offline = true
	off, clock := clockedClient(t, cfg)
	clock.advance(time.Hour)
	res, err := off.Get(context.Background(), Request{URL: s.url})
	if err != nil || string(res.Body) != "body" || !res.FromCache {
		t.Fatalf("offline Get of a stale entry: %v", err)
	}
	if st := off.Stats(); st.Requests != 0 || st.CacheHits != 1 || st.FreshHits != 0 {
		t.Errorf("offline Stats = %+v", st)
	}
}

// TestRequestNoCache checks that a caller can ask for revalidation of a
// fresh (or immutable) entry with request headers.
func TestRequestNoCache(t *testing.T) {
	s := newCCServer(t, "max-age=600", "")
	c, _ := clockedClient(t, fastConfig(t.TempDir()))
	gets := []Request{
		{URL: s.url},
		{URL: s.url, Header: http.Header{"Cache-Control": {"no-cache"}}},
		{URL: s.url, Header: http.Header{"Cache-Control": {"max-age=0"}}, Immutable: true},
		{URL: s.url, Header: http.Header{"Pragma": {"no-cache"}}},
		{URL: s.url, Header: http.Header{"Cache-Control": {"max-age=60"}}},
		{URL: s.url, Immutable: true},
	}
	for i, r := range gets {
		if res, err := c.Get(context.Background(), r); err != nil || string(res.Body) != "body" {
			t.Fatalf("Get %d: %v", i, err)
		}
	}
	want := []string{"plain", "conditional", "conditional", "conditional"}
	if diff := cmp.Diff(want, s.requests()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// FuzzParseCacheControl checks that any header value parses without panic
// into a non-negative lifetime, and that a fresh verdict never outlives it.
func FuzzParseCacheControl(f *testing.F) {
	for _, s := range []string{"max-age=600, public", `no-cache="a,b", max-age=1`, "s-maxage=99999999999999999999", "max-age=", ",,,"} {
		f.Add(s, int64(0), int64(30))
	}
	f.Fuzz(func(t *testing.T, v string, age, after int64) {
		cc := parseCacheControl(v)
		if cc.maxAge < 0 || (!cc.hasMaxAge && cc.maxAge != 0) {
			t.Fatalf("parseCacheControl(%q) = %+v", v, cc)
		}
		c := New(Config{})
		stored := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		e := &cacheEntry{CacheControl: v, Age: age % (1 << 31), Stored: stored}
		if e.Age < 0 {
			e.Age = -e.Age
		}
		now := stored.Add(time.Duration(after%(1<<40)) * time.Millisecond)
		if c.fresh(e, now) && (cc.noCache || cc.noStore || now.Sub(stored) >= min(cc.maxAge, DefaultMaxFreshness)) {
			t.Fatalf("fresh(%q, age %d, after %v) with %+v", v, e.Age, now.Sub(stored), cc)
		}
	})
}
