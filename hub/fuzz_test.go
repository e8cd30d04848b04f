package hub

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zgpu/zgpu/fetch"
)

// FuzzParseRepo checks that a parsed repository prints back to a string
// that parses to the same repository.
func FuzzParseRepo(f *testing.F) {
	for _, s := range []string{"datasets/a/b", "kernels/k/f@v1", "a/b@refs/pr/1", "models/x/y", "a", "a/b/c/d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRepo(s)
		if err != nil {
			return
		}
		r2, err := ParseRepo(r.String())
		if err != nil || r2 != r {
			t.Errorf("ParseRepo(%q) = %+v; String %q reparses to %+v, %v", s, r, r.String(), r2, err)
		}
	})
}

// FuzzEscape checks that escaped revisions and paths decode to what they
// encode, and that a revision keeps no '/'.
func FuzzEscape(f *testing.F) {
	f.Add("refs/pr/1", "wheels/a+b c.whl")
	f.Fuzz(func(t *testing.T, rev, path string) {
		er := escapeRevision(rev)
		if strings.Contains(er, "/") {
			t.Errorf("escapeRevision(%q) = %q keeps a slash", rev, er)
		}
		if got, err := url.PathUnescape(er); err != nil || got != rev {
			t.Errorf("escapeRevision(%q) = %q decodes to %q, %v", rev, er, got, err)
		}
		ep := escapePath(path)
		if strings.Contains(ep, "+") {
			t.Errorf("escapePath(%q) = %q keeps a '+'", path, ep)
		}
		if got, err := url.PathUnescape(ep); err != nil || got != path {
			t.Errorf("escapePath(%q) = %q decodes to %q, %v", path, ep, got, err)
		}
	})
}

// bodyServer serves whatever the current fuzz input says: its Link header
// and body, for every path.
type bodyServer struct {
	mu         sync.Mutex
	link, body string
}

func (s *bodyServer) set(link, body string) {
	s.mu.Lock()
	s.link, s.body = link, body
	s.mu.Unlock()
}

func (s *bodyServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	link, body := s.link, s.body
	s.mu.Unlock()
	if link != "" {
		w.Header().Set("Link", link)
	}
	if strings.HasSuffix(r.URL.Path, "/logs/build") {
		w.Header().Set("Content-Type", "text/event-stream")
	}
	io.WriteString(w, body)
}

// FuzzDecoders: the Hub's JSON answers (tree listing, Space runtime,
// Space listing, with a Link header of any content) and its log event
// stream, served over a loopback server, are decoded or refused with an
// error; never a panic, a hang or a request off the loopback host.
func FuzzDecoders(f *testing.F) {
	f.Add("", `[{"type":"file","path":"a.whl","size":3,"oid":"x","lfs":{"oid":"y","size":3}}]`)
	f.Add(`</api/x?cursor=2>; rel="next"`, `[{"type":"directory","path":"d"}]`)
	f.Add("", `{"stage":"RUNNING","hardware":{"current":"zero-a10g"}}`)
	f.Add("", `[{"id":"o/s","sdk":"gradio","runtime":{"stage":"BUILD_ERROR"}}]`)
	f.Add("", "data: {\"data\": \"line\\n\"}\n\ndata: raw\n\n: keep-alive\n")
	f.Add(`<http://example.com/x>; rel="next"`, `[`)
	srv := &bodyServer{}
	ts := httptest.NewServer(srv)
	f.Cleanup(ts.Close)
	host := strings.TrimPrefix(ts.URL, "http://")
	host, _, _ = strings.Cut(host, ":")
	c := New(fetch.New(fetch.Config{MaxRetries: -1, Timeout: 5 * time.Second, AllowHosts: []string{host}}), ts.URL)
	repo, err := ParseRepo("spaces/o/s")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, link, body string) {
		srv.set(link, body)
		ctx := context.Background()
		c.Tree(ctx, repo, "", true)
		c.Runtime(ctx, repo)
		c.ListSpaces(ctx, "o")
		c.Logs(ctx, repo, "build", LogLimits{Total: 2 * time.Second, Idle: 200 * time.Millisecond, MaxBytes: 1 << 16})
	})
}
