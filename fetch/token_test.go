package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/zgpu/zgpu/fakes"
)

// newTestServer starts h and returns its URL.
func newTestServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// hostsTransport dials named hosts ("hub.test:80") to test servers.
func hostsTransport(hosts map[string]string) http.RoundTripper {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		if to, ok := hosts[strings.ToLower(host)]; ok {
			addr = to
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	return tr
}

// authLog records the Authorization header each host received.
type authLog struct {
	mu   sync.Mutex
	seen []string
}

func (a *authLog) handler(name string, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.seen = append(a.seen, name+" "+r.Header.Get("Authorization"))
		a.mu.Unlock()
		next(w, r)
	})
}

const secret = "hf_s3cr3tT0k3nValue"

func TestTokenScopedToItsHost(t *testing.T) {
	var log authLog
	other := httptest.NewServer(log.handler("other", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "blob")
	}))
	defer other.Close()
	hub := httptest.NewServer(log.handler("hub", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/redirect":
			http.Redirect(w, r, "http://cdn.test/file", http.StatusFound)
		case "/same":
			http.Redirect(w, r, "http://hub.test:8080/ok", http.StatusFound)
		case "/echo":
			// A server that echoes the header must not leak it into errors.
			http.Error(w, "bad credentials "+r.Header.Get("Authorization"), http.StatusUnauthorized)
		default:
			fmt.Fprint(w, "ok")
		}
	}))
	defer hub.Close()
	var logs []string
	var logMu sync.Mutex
	c := New(Config{
		Tokens: []Token{{Host: "hub.test:443", Value: secret}},
		Transport: hostsTransport(map[string]string{
			"hub.test": hub.Listener.Addr().String(),
			"cdn.test": other.Listener.Addr().String(),
		}),
		Logf: func(format string, args ...any) {
			logMu.Lock()
			logs = append(logs, fmt.Sprintf(format, args...))
			logMu.Unlock()
		},
		MaxRetries: -1,
	})
	ctx := context.Background()
	for _, u := range []string{"http://hub.test/ok", "http://HUB.test:9999/ok", "http://cdn.test/file", "http://hub.test/redirect", "http://hub.test/same"} {
		if _, err := c.Get(ctx, Request{URL: u, Header: http.Header{"Authorization": {"Bearer caller-set"}}}); err != nil {
			t.Fatalf("Get %s: %v", u, err)
		}
	}
	want := []string{
		"hub Bearer " + secret,
		"hub Bearer " + secret, // port-insensitive, case-insensitive
		"other ",
		"hub Bearer " + secret, "other ", // dropped on the cross-host redirect
		"hub Bearer " + secret, "hub Bearer " + secret, // kept on a same-host redirect
	}
	if strings.Join(log.seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("Authorization seen:\n%s\nwant:\n%s", strings.Join(log.seen, "\n"), strings.Join(want, "\n"))
	}

	_, err := c.Get(ctx, Request{URL: "http://hub.test/echo"})
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 401 {
		t.Fatalf("err = %v, want a 401", err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error leaks the token: %v", err)
	}
	_, err = c.Get(ctx, Request{URL: "http://user:" + secret + "@nowhere.invalid/x"})
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("error leaks URL userinfo: %v", err)
	}
	for _, l := range logs {
		if strings.Contains(l, secret) {
			t.Errorf("log line leaks the token: %q", l)
		}
	}
	if len(logs) == 0 {
		t.Error("no debug log lines")
	}
}

func TestRedactUserinfo(t *testing.T) {
	tests := map[string]string{
		`GET "https://u:p@host/x": bad`: `GET "https://u:****@host/x": bad`,
		"no url here":                   "no url here",
		"a@b http://host/a@b":           "a@b http://host/a@b",
		"ftp://tok@h":                   "ftp://****@h",
	}
	for in, want := range tests {
		if got := redactUserinfo(in); got != want {
			t.Errorf("redactUserinfo(%q) = %q, want %q", in, got, want)
		}
	}
	if got := redactURL("https://user:pw@example.com/simple/"); strings.Contains(got, "pw") || !strings.Contains(got, "example.com/simple/") {
		t.Errorf("redactURL = %q", got)
	}
}

func TestGetRange(t *testing.T) {
	root := tree(t, map[string]string{"files/blob.bin": "0123456789abcdef"})
	s := fakes.PyPI(t, root)
	u := s.Base + "/files/blob.bin"
	c := New(fastConfig(t.TempDir()))
	ctx := context.Background()
	tests := []struct {
		start, end int64
		want       string
	}{
		{0, 3, "0123"},
		{10, 15, "abcdef"},
		{10, 100, "abcdef"},
		{-4, 0, "cdef"},
	}
	for _, tt := range tests {
		body, total, err := c.GetRange(ctx, u, tt.start, tt.end)
		if err != nil || string(body) != tt.want || total != 16 {
			t.Errorf("GetRange(%d, %d) = %q, %d, %v; want %q, 16", tt.start, tt.end, body, total, err, tt.want)
		}
	}
	if _, _, err := c.GetRange(ctx, u, 20, 30); err == nil {
		t.Error("GetRange past the end succeeded")
	}
	for _, r := range s.Requests() {
		if r.Header.Get("Range") == "" {
			t.Errorf("request without Range: %+v", r)
		}
	}

	plain := fakes.PyPI(t, root, fakes.WithoutRange())
	before := c.Stats().BytesDownloaded
	_, _, err := c.GetRange(ctx, plain.Base+"/files/blob.bin", 0, 3)
	if !errors.Is(err, ErrRangeUnsupported) {
		t.Errorf("GetRange on a server without ranges: err = %v, want ErrRangeUnsupported", err)
	}
	if n := c.Stats().BytesDownloaded - before; n != 0 {
		t.Errorf("read %d bytes of a refused range", n)
	}
}

func TestParseContentRange(t *testing.T) {
	tests := []struct {
		in                 string
		first, last, total int64
		wantErr            bool
	}{
		{"bytes 0-3/16", 0, 3, 16, false},
		{"bytes 12-15/*", 12, 15, -1, false},
		{"bytes 3-1/16", 0, 0, 0, true},
		{"bytes 0-16/16", 0, 0, 0, true},
		{"items 0-3/16", 0, 0, 0, true},
		{"bytes 0-3", 0, 0, 0, true},
		{"bytes x-3/16", 0, 0, 0, true},
	}
	for _, tt := range tests {
		f, l, n, err := parseContentRange(tt.in)
		if (err != nil) != tt.wantErr || (!tt.wantErr && (f != tt.first || l != tt.last || n != tt.total)) {
			t.Errorf("parseContentRange(%q) = %d, %d, %d, %v", tt.in, f, l, n, err)
		}
	}
}

func TestDefaultCacheDir(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/tmp/xdg")
	if got := DefaultCacheDir(); got != "/tmp/xdg/zgpu" {
		t.Errorf("DefaultCacheDir = %q", got)
	}
	t.Setenv("XDG_CACHE_HOME", "relative")
	t.Setenv("HOME", "/home/someone")
	if got := DefaultCacheDir(); got != "/home/someone/.cache/zgpu" {
		t.Errorf("DefaultCacheDir with a relative XDG_CACHE_HOME = %q", got)
	}
}
