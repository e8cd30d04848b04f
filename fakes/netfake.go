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

// netFake is what the GitHub and Hub fakes add to the request recorder
// every fake shares: the httptest server, the page size of listings, and
// faults and latency set while the fake runs.
type netFake struct {
	*recorder
	srv *httptest.Server
	// URL is the base URL of the server, "http://127.0.0.1:port".
	URL string

	pageMu   sync.Mutex
	pageSize int
}

// newNetFake serves h, whose listings hold pageSize items a page.
func newNetFake(tb testing.TB, pageSize int, h func(w http.ResponseWriter, r *http.Request) int) *netFake {
	tb.Helper()
	f := &netFake{recorder: newRecorder(nil), pageSize: pageSize}
	f.srv = f.start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(w, r) }))
	f.URL = f.srv.URL
	tb.Cleanup(func() { f.stop(f.srv) })
	return f
}

// LocalhostURL returns the server's URL with the host "localhost" instead of
// 127.0.0.1, so that two fakes can stand for two different hosts (tokens
// are scoped by host name, ports ignored).
func (f *netFake) LocalhostURL() string {
	return strings.Replace(f.URL, "127.0.0.1", "localhost", 1)
}

// SetLatency delays every later response by d.
func (f *netFake) SetLatency(d time.Duration) { f.setLatency(d) }

// SetPageSize sets the most items (releases, tree entries) a page of a
// listing holds.
func (f *netFake) SetPageSize(n int) {
	f.pageMu.Lock()
	f.pageSize = n
	f.pageMu.Unlock()
}

// pageLen returns the page size set by SetPageSize.
func (f *netFake) pageLen() int {
	f.pageMu.Lock()
	defer f.pageMu.Unlock()
	return f.pageSize
}

// Fail makes the next n requests answer status (500, 503, ...) before the
// fake answers normally again.
func (f *netFake) Fail(n, status int) { f.failNext(n, status) }

// Requests returns a copy of the request log.
func (f *netFake) Requests() []Request { return f.requests() }

// Count returns how many requests the fake received.
func (f *netFake) Count() int { return f.count("") }

// CountPrefix returns how many requests had a path starting with prefix.
func (f *netFake) CountPrefix(prefix string) int { return f.count(prefix) }

// ResetLog forgets the requests received so far.
func (f *netFake) ResetLog() { f.reset() }

// Close shuts the server down; the test's cleanup also does.
func (f *netFake) Close() { f.stop(f.srv) }

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
