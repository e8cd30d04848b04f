package fetch

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/zgpu/zgpu/internal/redact"
)

// limitTransport wraps the real transport: it bounds concurrent attempts per
// host, adds the token of the request's host (and no other), and counts
// requests, bytes and concurrency. The slot taken for an attempt is released
// when its body is closed.
type limitTransport struct {
	base http.RoundTripper
	c    *Client

	mu       sync.Mutex
	sems     map[string]chan struct{}
	inFlight int64
}

func newLimitTransport(base http.RoundTripper, c *Client) *limitTransport {
	return &limitTransport{base: base, c: c, sems: map[string]chan struct{}{}}
}

func (t *limitTransport) sem(host string) chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.sems[host]
	if !ok {
		s = make(chan struct{}, t.c.cfg.MaxPerHost)
		t.sems[host] = s
	}
	return s
}

// tokenFor returns the token for host (port ignored, case-insensitive).
func (c *Client) tokenFor(host string) string {
	for _, tk := range c.cfg.Tokens {
		if tk.Value != "" && strings.EqualFold(hostOnly(tk.Host), host) {
			return tk.Value
		}
	}
	return ""
}

// hostAnswered reports whether the host of rawURL has answered a request
// of this client.
func (c *Client) hostAnswered(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	_, ok := c.answered.Load(strings.ToLower(u.Hostname()))
	return ok
}

// hostOnly strips a port (and brackets of an IPv6 literal) from host.
func hostOnly(host string) string {
	u := url.URL{Host: host}
	return u.Hostname()
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := strings.ToLower(req.URL.Hostname())
	if !t.c.hostAllowed(host) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &HostNotAllowedError{Host: host}
	}
	sem := t.sem(host)
	select {
	case sem <- struct{}{}:
	case <-req.Context().Done():
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, req.Context().Err()
	}
	release := sync.OnceFunc(func() {
		t.mu.Lock()
		t.inFlight--
		t.mu.Unlock()
		<-sem
	})
	t.mu.Lock()
	t.inFlight++
	n := t.inFlight
	t.mu.Unlock()

	r2 := req.Clone(req.Context())
	// The http.Client turned any userinfo of the URL into an Authorization
	// header already; drop it and add the host's own credential instead.
	r2.Header.Del("Authorization")
	if tok := t.c.tokenFor(host); tok != "" {
		r2.Header.Set("Authorization", "Bearer "+tok)
	} else if cr, ok := t.c.basicFor(host); ok {
		r2.SetBasicAuth(cr.Username, cr.Password)
	}
	r2.URL.User = nil
	cond := r2.Header.Get("If-None-Match") != "" || r2.Header.Get("If-Modified-Since") != ""
	t.c.count(func(s *Stats) {
		s.Requests++
		if cond {
			s.ConditionalRequests++
		}
		if n > s.PeakConcurrency {
			s.PeakConcurrency = n
		}
	})
	resp, err := t.base.RoundTrip(r2)
	if err != nil {
		release()
		return nil, err
	}
	t.c.answered.Store(host, true)
	if resp.StatusCode == http.StatusNotModified {
		t.c.count(func(s *Stats) { s.NotModified++ })
	}
	resp.Body = &countingBody{rc: resp.Body, c: t.c, release: release}
	return resp, nil
}

// countingBody counts the bytes read and frees the host slot on Close.
type countingBody struct {
	rc      io.ReadCloser
	c       *Client
	release func()
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		b.c.count(func(s *Stats) { s.BytesDownloaded += int64(n) })
	}
	return n, err
}

func (b *countingBody) Close() error {
	err := b.rc.Close()
	b.release()
	return err
}

// redactURL hides the credentials of a URL's userinfo for messages.
func redactURL(raw string) string { return redact.URL(raw) }

// redact removes token values and URL userinfo from a message.
func (c *Client) redact(s string) string {
	for _, tk := range c.cfg.Tokens {
		if tk.Value != "" {
			s = strings.ReplaceAll(s, tk.Value, "xxxxx")
		}
	}
	return redactUserinfo(s)
}

// redactErr is redact for an error; it unwraps *url.Error to redact its URL.
func (c *Client) redactErr(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Sprintf("timed out (limit %v per attempt)", c.cfg.Timeout)
	}
	if ue, ok := err.(*url.Error); ok {
		return c.redact(ue.Err.Error())
	}
	return c.redact(err.Error())
}

// redactUserinfo hides the credentials of every "scheme://user:pass@" in s.
func redactUserinfo(s string) string { return redact.Text(s) }
