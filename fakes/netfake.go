package fakes

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// LoggedRequest is one request a GitHub or Hub fake received.
type LoggedRequest struct {
	Method string
	Path   string // escaped path, as sent
	Query  string // raw query
	Header http.Header
	Status int // the status the fake answered with
}

// netFake is what the GitHub and Hub fakes share: the httptest server, the
// request log, injected latency and faults, the page size of listings, and
// ETag handling.
type netFake struct {
	srv *httptest.Server
	// URL is the base URL of the server, "http://127.0.0.1:port".
	URL string

	mu       sync.Mutex
	log      []LoggedRequest
	latency  time.Duration
	faults   []int // statuses to answer the next requests with, in order
	pageSize int
}

// newNetFake serves h, whose listings hold pageSize items a page.
func newNetFake(tb testing.TB, pageSize int, h func(w http.ResponseWriter, r *http.Request) int) *netFake {
	tb.Helper()
	f := &netFake{pageSize: pageSize}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		lat := f.latency
		fault := 0
		if len(f.faults) > 0 {
			fault, f.faults = f.faults[0], f.faults[1:]
		}
		f.mu.Unlock()
		if lat > 0 {
			select {
			case <-time.After(lat):
			case <-r.Context().Done():
			}
		}
		var status int
		if fault != 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(fault)
			w.Write([]byte(`{"message":"injected fault"}`))
			status = fault
		} else {
			status = h(w, r)
		}
		f.mu.Lock()
		f.log = append(f.log, LoggedRequest{
			Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery,
			Header: r.Header.Clone(), Status: status,
		})
		f.mu.Unlock()
	}))
	f.URL = f.srv.URL
	tb.Cleanup(f.srv.Close)
	return f
}

// LocalhostURL returns the server's URL with the host "localhost" instead of
// 127.0.0.1, so that two fakes can stand for two different hosts (tokens
// are scoped by host name, ports ignored).
func (f *netFake) LocalhostURL() string {
	return strings.Replace(f.URL, "127.0.0.1", "localhost", 1)
}

// SetLatency delays every later response by d.
func (f *netFake) SetLatency(d time.Duration) {
	f.mu.Lock()
	f.latency = d
	f.mu.Unlock()
}

// SetPageSize sets the most items (releases, tree entries) a page of a
// listing holds.
func (f *netFake) SetPageSize(n int) {
	f.mu.Lock()
	f.pageSize = n
	f.mu.Unlock()
}

// pageLen returns the page size set by SetPageSize.
func (f *netFake) pageLen() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pageSize
}

// Fail makes the next n requests answer status (500, 503, ...) before the
// fake answers normally again.
func (f *netFake) Fail(n, status int) {
	f.mu.Lock()
	for i := 0; i < n; i++ {
		f.faults = append(f.faults, status)
	}
	f.mu.Unlock()
}

// Requests returns a copy of the request log.
func (f *netFake) Requests() []LoggedRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]LoggedRequest(nil), f.log...)
}

// Count returns how many requests the fake received.
func (f *netFake) Count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.log)
}

// CountPrefix returns how many requests had a path starting with prefix.
func (f *netFake) CountPrefix(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.log {
		if strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

// ResetLog forgets the requests received so far.
func (f *netFake) ResetLog() {
	f.mu.Lock()
	f.log = nil
	f.mu.Unlock()
}

// Close shuts the server down; the test's cleanup also does.
func (f *netFake) Close() { f.srv.Close() }

// serveBody writes body with a strong ETag, or 304 when the request's
// If-None-Match matches it. It returns the status written.
func serveBody(w http.ResponseWriter, r *http.Request, contentType string, body []byte) int {
	etag := ETag(body)
	w.Header().Set("ETag", etag)
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	w.Write(body)
	return http.StatusOK
}

// pageLinks returns a Link header (RFC 8288) for a paged listing of u, with
// the page query parameter set by set(page) for each relation that exists.
func pageLinks(u url.URL, rels map[string]string) string {
	var parts []string
	for _, rel := range []string{"prev", "next", "last", "first"} {
		q, ok := rels[rel]
		if !ok {
			continue
		}
		v := u
		v.RawQuery = q
		parts = append(parts, "<"+v.String()+`>; rel="`+rel+`"`)
	}
	return strings.Join(parts, ", ")
}

// fixtureDir returns testdata/elem under the module root.
func fixtureDir(elem ...string) string {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..")
	return filepath.Join(append([]string{root, "testdata"}, elem...)...)
}

// GitHubFixtures returns the folder of GitHub release fixtures
// (testdata/github), for GitHub.
func GitHubFixtures() string { return fixtureDir("github") }

// HubFixtures returns the folder of Hub tree fixtures (testdata/hub), for
// Hub.
func HubFixtures() string { return fixtureDir("hub") }
