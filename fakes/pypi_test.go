package fakes

import (
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func pypiGet(t *testing.T, url string, h map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultTransport.RoundTrip(req) // no redirects followed
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestPyPINegotiation(t *testing.T) {
	s := PyPI(t, "")
	tests := []struct {
		accept, wantType string
		status           int
	}{
		{"application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01", "application/vnd.pypi.simple.v1+json", 200},
		{"application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.v1+html", 200},
		{"text/html", "text/html; charset=utf-8", 200},
		{"", "text/html; charset=utf-8", 200},
		{"application/vnd.pypi.simple.v1+json;q=0.1, text/html", "text/html; charset=utf-8", 200},
		{"application/vnd.pypi.simple.latest+json", "application/vnd.pypi.simple.v1+json", 200},
		{"*/*", "application/vnd.pypi.simple.v1+json", 200},
		{"image/png", "", 406},
	}
	for _, tt := range tests {
		resp, body := pypiGet(t, s.URL+"numpy/", map[string]string{"Accept": tt.accept})
		if resp.StatusCode != tt.status {
			t.Errorf("Accept %q: status %d, want %d", tt.accept, resp.StatusCode, tt.status)
			continue
		}
		if tt.status != 200 {
			continue
		}
		if ct := resp.Header.Get("Content-Type"); ct != tt.wantType {
			t.Errorf("Accept %q: Content-Type %q, want %q", tt.accept, ct, tt.wantType)
		}
		if isJSON := strings.HasPrefix(body, "{"); isJSON != strings.Contains(tt.wantType, "json") {
			t.Errorf("Accept %q: body starts %q", tt.accept, body[:20])
		}
	}
	html := PyPI(t, "", WithHTMLOnly())
	resp, body := pypiGet(t, html.URL+"numpy/", map[string]string{"Accept": "application/vnd.pypi.simple.v1+json"})
	if resp.StatusCode != 200 || strings.HasPrefix(body, "{") {
		t.Errorf("HTML-only fake served %d %q", resp.StatusCode, body[:20])
	}
}

func TestPyPIPaths(t *testing.T) {
	s := PyPI(t, "")
	tests := []struct {
		path     string
		status   int
		location string
	}{
		{"/simple/", 200, ""},
		{"/simple", 301, "/simple/"},
		{"/simple/NumPy/", 301, "/simple/numpy/"},
		{"/simple/numpy", 301, "/simple/numpy/"},
		{"/simple/no-such-thing/", 404, ""},
		{"/simple/numpy/extra", 404, ""},
		{"/files/accelerate-0.29.3-py3-none-any.whl.metadata", 200, ""},
		{"/files/accelerate-0.29.3-py3-none-any.whl", 404, ""}, // the mirror holds metadata only
		{"/files/../README.md", 404, ""},
		{"/other", 404, ""},
	}
	for _, tt := range tests {
		resp, _ := pypiGet(t, s.Base+tt.path, nil)
		if resp.StatusCode != tt.status || resp.Header.Get("Location") != tt.location {
			t.Errorf("%s: %d %q, want %d %q", tt.path, resp.StatusCode, resp.Header.Get("Location"), tt.status, tt.location)
		}
	}
	if n := s.Count("/simple/"); n != 5 {
		t.Errorf("Count(/simple/) = %d, want 5", n)
	}
	if n := len(s.Requests()); n != len(tests) {
		t.Errorf("%d requests logged, want %d", n, len(tests))
	}
}

func TestPyPIETagAndRange(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "files"), 0o755)
	os.WriteFile(filepath.Join(root, "files", "b.bin"), []byte("0123456789"), 0o644)
	s := PyPI(t, root)
	u := s.Base + "/files/b.bin"
	resp, _ := pypiGet(t, u, nil)
	etag := resp.Header.Get("ETag")
	if etag != ETag([]byte("0123456789")) {
		t.Fatalf("ETag = %q", etag)
	}
	resp, body := pypiGet(t, u, map[string]string{"If-None-Match": etag})
	if resp.StatusCode != 304 || body != "" {
		t.Errorf("If-None-Match: %d %q", resp.StatusCode, body)
	}
	resp, body = pypiGet(t, u, map[string]string{"Range": "bytes=2-4"})
	if resp.StatusCode != 206 || body != "234" || resp.Header.Get("Content-Range") != "bytes 2-4/10" {
		t.Errorf("Range: %d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Range"))
	}
	if got := s.Requests()[2].Header.Get("Range"); got != "bytes=2-4" {
		t.Errorf("logged Range = %q", got)
	}
	plain := PyPI(t, root, WithoutRange(), WithoutETag())
	resp, body = pypiGet(t, plain.Base+"/files/b.bin", map[string]string{"Range": "bytes=2-4", "If-None-Match": etag})
	if resp.StatusCode != 200 || body != "0123456789" || resp.Header.Get("ETag") != "" {
		t.Errorf("WithoutRange/WithoutETag: %d %q", resp.StatusCode, body)
	}
}

func TestPyPIFaults(t *testing.T) {
	p := "/simple/numpy/"
	s := PyPI(t, "", WithFaults(
		Fault{Path: p, Status: 503, RetryAfter: "2"},
		Fault{Path: p, Kind: FaultTruncate},
		Fault{Path: p, Kind: FaultReset},
		Fault{Path: p, Kind: FaultHang},
	), WithLatency(time.Millisecond))
	resp, _ := pypiGet(t, s.URL+"numpy/", nil)
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("status fault: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Truncated: the declared length is not delivered.
	req, _ := http.NewRequest("GET", s.URL+"numpy/", nil)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil {
		t.Error("truncated body read without error")
	}
	// Reset: headers, part of the body, then a reset.
	resp, err = http.DefaultTransport.RoundTrip(req.Clone(req.Context()))
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Error("reset body read without error")
	}
	// Hang: nothing comes back before the deadline.
	c := &http.Client{Timeout: 100 * time.Millisecond}
	_, err = c.Get(s.URL + "numpy/")
	var ne net.Error
	if err == nil || !(strings.Contains(err.Error(), "Timeout") || (errors.As(err, &ne) && ne.Timeout())) {
		t.Errorf("hang: err = %v", err)
	}
	// Faults used up: normal service.
	if resp, _ := pypiGet(t, s.URL+"numpy/", nil); resp.StatusCode != 200 {
		t.Errorf("after the faults: %d", resp.StatusCode)
	}
}

func TestPyPICacheControl(t *testing.T) {
	root := t.TempDir()
	WriteTree(t, root, map[string]string{
		"simple/index.html":       `<a href="demo/">demo</a>`,
		"simple/demo/index.html":  `<a href="../../files/demo-1.0-py3-none-any.whl">x</a>`,
		"files/demo-1.0.tar.gz":   "sdist",
		"files/demo.whl.metadata": "Name: demo",
	})
	paths := []string{"/simple/", "/simple/demo/", "/files/demo-1.0.tar.gz", "/files/demo.whl.metadata", "/simple/nothing/", "/simple/Demo/"}
	tests := []struct {
		name string
		opts []Option
		want []string // Cache-Control for each of paths
	}{
		{"like PyPI", nil, []string{PageCacheControl, PageCacheControl, FileCacheControl, FileCacheControl, "", ""}},
		{"other page value", []Option{WithCacheControl("no-cache")}, []string{"no-cache", "no-cache", FileCacheControl, FileCacheControl, "", ""}},
		{"off", []Option{WithCacheControl("")}, []string{"", "", "", "", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := PyPI(t, root, tt.opts...)
			for i, p := range paths {
				resp, _ := pypiGet(t, s.Base+p, nil)
				if got := resp.Header.Get("Cache-Control"); got != tt.want[i] {
					t.Errorf("GET %s (%d): Cache-Control %q, want %q", p, resp.StatusCode, got, tt.want[i])
				}
			}
			// A 304 carries it too, so that a client can renew its entry.
			resp, _ := pypiGet(t, s.Base+"/simple/demo/", nil)
			resp, _ = pypiGet(t, s.Base+"/simple/demo/", map[string]string{"If-None-Match": resp.Header.Get("ETag")})
			if resp.StatusCode != http.StatusNotModified || resp.Header.Get("Cache-Control") != tt.want[1] {
				t.Errorf("304: %d, Cache-Control %q, want %q", resp.StatusCode, resp.Header.Get("Cache-Control"), tt.want[1])
			}
		})
	}
}
