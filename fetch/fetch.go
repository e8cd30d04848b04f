// Package fetch is zgpu's one HTTP layer: every source (package indexes,
// find-links pages, GitHub, the Hugging Face Hub) reads the network through a
// Client.
//
// A Client retries transient failures with exponential backoff and jitter
// (connection errors, bodies cut short after the headers, and statuses 429,
// 500, 502, 503 and 504), honouring Retry-After (RFC 9110 section 10.2.3:
// delay-seconds or an HTTP-date) on 429 and 503. Each attempt has its own
// timeout, and at most MaxPerHost requests run at once against one host.
//
// Bodies are kept in an on-disk cache keyed by URL and Accept header, as a
// private cache in the sense of RFC 9111. A cached entry is served without a
// request while it is fresh (section 4.2): its Cache-Control max-age (else
// s-maxage) is its freshness lifetime, capped by Config.MaxFreshness (10
// minutes by default), and its age is the Age header it arrived with plus
// the time since it was stored; no-cache and no-store make it never fresh.
// A stale entry is revalidated with If-None-Match / If-Modified-Since (RFC
// 9110 section 13); a 304 serves the cached body and renews the entry's
// freshness from the 304's headers (section 4.3.4). A Request marked
// Immutable (the caller verifies the body against a hash it knows) is served
// from any cached entry without a request; Discard removes an entry that
// failed such a check. Entries carry a SHA-256 of their body and are written
// atomically; an entry that fails to decode or to verify is deleted and
// fetched again, never trusted. In Offline mode only the cache is read,
// fresh or not.
//
// Deviations from RFC 9111: Expires, heuristic freshness and the Date header
// are ignored (a response without max-age or s-maxage is always
// revalidated); s-maxage, meant for shared caches, is used when max-age is
// absent, as pip's cache does; a no-store response is still written, so that
// it can be revalidated, but never served without a request; stale entries
// are never served online, so must-revalidate needs nothing more.
//
// The cache lives in <CacheDir>/http/<sha256 of the key>.entry: one line of
// JSON metadata (URL, final URL, status, ETag, Last-Modified, Link,
// Cache-Control, Age, content type, size, SHA-256, time stored), a newline,
// the body. Only 200 responses to requests without NoStore are cached. A
// stale entry is revalidated from its metadata line; its body is read only
// on a 304. With Config.WriteBehind, files are written by one goroutine per
// process after the request returns (Flush waits for them).
//
// Tokens are scoped by host: a token is sent as "Authorization: Bearer" only
// to a request (or redirect hop) whose host equals the token's host, ports
// ignored. Token values never appear in errors or log lines, and URL
// userinfo is redacted.
//
// NextLink reads the rel="next" page of an RFC 8288 Link header, for the
// paged listings of GitHub and the Hub.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// DefaultMaxPerHost is Config.MaxPerHost's default, about what uv keeps in
// flight: enough for one level of a dependency graph at once. Over HTTPS
// the transport negotiates HTTP/2 where the server offers it (ALPN), and
// the requests share one connection; over HTTP/1.1 each request in flight
// holds a connection, and a burst of new connections larger than a small
// server's listen backlog is dropped by the kernel and retried after 200
// ms to seconds: at 100 (one burst for a warm W1 lock's 88 pages) the
// bench's mirror_server.py (backlog 5) dropped 900-1100 connections of a
// 300-root cold lock, which then took 4.4 s and once 32 s, against 200-400
// and 2.1-2.9 s at 50 (loaded machine, 2026-12-08 00:46 UTC).
const DefaultMaxPerHost = 50

// Token is a bearer token for one host.
type Token struct {
	Host  string // e.g. "huggingface.co"; a port, if any, is ignored
	Value string // sent as "Authorization: Bearer <Value>" to Host only
}

// Config configures a Client. The zero value is usable: no disk cache,
// online, defaults for timeouts, limits and retries.
type Config struct {
	CacheDir   string        // "" = no disk cache; DefaultCacheDir() = $XDG_CACHE_HOME/zgpu (or ~/.cache/zgpu)
	Offline    bool          // serve only from the cache; a miss is ErrOffline
	Refresh    bool          // no cached entry is fresh: each is revalidated with a conditional request (uv --refresh); content-addressed ones (Request.Immutable) stay
	Timeout    time.Duration // per attempt, body included; default 30s
	MaxPerHost int           // concurrent requests per host; default DefaultMaxPerHost
	MaxRetries int           // retries after the first attempt; default 4; negative = none
	Tokens     []Token
	UserAgent  string                           // default "zgpu"
	Logf       func(format string, args ...any) // debug log; never given a token
	Transport  http.RoundTripper                // tests; default a pooled http.Transport

	// MaxFreshness caps the freshness lifetime a response's Cache-Control
	// gives it: default DefaultMaxFreshness; negative = never serve a
	// cached entry without revalidating it (Immutable requests aside).
	MaxFreshness time.Duration

	// RetryWaitMin and RetryWaitMax bound the backoff between attempts
	// (defaults 500ms and 15s). A Retry-After header may ask for longer, up
	// to MaxRetryAfter (default 2m); longer requests give up instead.
	RetryWaitMin  time.Duration
	RetryWaitMax  time.Duration
	MaxRetryAfter time.Duration

	// Credentials are user names and passwords sent as HTTP Basic
	// authentication, each to its own host only (a bearer token of the
	// same host wins). The userinfo of a requested URL
	// (https://user:pass@host/simple) is learned as its host's credential
	// too, and NetrcPath, when set, names a netrc file read for hosts with
	// neither.
	Credentials []Credential
	NetrcPath   string
	// Getenv expands ${VAR} placeholders in a URL's userinfo; nil means
	// os.LookupEnv.
	Getenv func(string) (string, bool)

	// MaxBody caps the bytes of one response body (default DefaultMaxBody);
	// Request.MaxBytes overrides it for one request. A longer body is a
	// *BodyTooLargeError, never retried.
	MaxBody int64

	// WriteBehind queues the cache's file writes to one goroutine per
	// process instead of writing them in the request's goroutine
	// (writebehind.go): the client reads its own queued writes, and Flush
	// waits for them. A command sets it and calls Flush before it exits.
	WriteBehind bool

	// AllowHosts, when not empty, are the only hosts requests may go to
	// (redirects included); any other fails at once with a
	// *HostNotAllowedError, never retried. Tests and sandboxes set it
	// (ZGPU_ALLOW_HOSTS) so that nothing leaves the machine.
	AllowHosts []string
}

// DefaultMaxBody is the default cap of a response body: index pages,
// metadata files and API listings are far smaller (PyPI's largest Simple
// API pages are a few MB).
const DefaultMaxBody = 128 << 20

// BodyTooLargeError is a response body over its cap.
type BodyTooLargeError struct {
	URL   string // redacted
	Limit int64
}

func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("GET %s: response body exceeds the %d MiB cap", e.URL, e.Limit>>20)
}

// HostNotAllowedError is a request to a host outside Config.AllowHosts.
type HostNotAllowedError struct{ Host string }

func (e *HostNotAllowedError) Error() string {
	return fmt.Sprintf("host %s is not in the allowed hosts (ZGPU_ALLOW_HOSTS)", e.Host)
}

// hostAllowed reports whether requests may go to host.
func (c *Client) hostAllowed(host string) bool {
	if len(c.cfg.AllowHosts) == 0 {
		return true
	}
	for _, h := range c.cfg.AllowHosts {
		if strings.EqualFold(strings.TrimSpace(h), host) {
			return true
		}
	}
	return false
}

// ErrOffline is returned in Offline mode for anything not in the cache.
var ErrOffline = errors.New("not in the cache; run once without --offline")

// ErrRangeUnsupported is returned by GetRange when the server answers a range
// request with the whole body.
var ErrRangeUnsupported = errors.New("server does not support range requests")

// StatusError is a non-2xx response, after retries.
type StatusError struct {
	URL    string // redacted
	Status int
	Body   string // the first bytes of the body, for the message
	Hint   string // for 401 and 403: which credentials were missing or refused
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("GET %s: %d %s", e.URL, e.Status, http.StatusText(e.Status))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// Unauthorized reports whether the status is 401 or 403.
func (e *StatusError) Unauthorized() bool {
	return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
}

// NotFound reports whether the status is 404 or 410.
func (e *StatusError) NotFound() bool {
	return e.Status == http.StatusNotFound || e.Status == http.StatusGone
}

// IsNotFound reports whether err is (or wraps) a StatusError with status 404
// or 410.
func IsNotFound(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && se.NotFound()
}

// Request is one GET.
type Request struct {
	URL     string
	Accept  string      // also part of the cache key
	Header  http.Header // extra headers; an Authorization header here is dropped (use Config.Tokens)
	NoStore bool        // do not cache the body (wheel bodies, ranges)
	// MaxBytes caps the body of this request (0: Config.MaxBody).
	MaxBytes int64

	// A "Cache-Control: no-cache" or "max-age=0" in Header makes a cached
	// entry be revalidated even when fresh or Immutable.
	//
	// Immutable says the content at URL never changes and the caller
	// verifies it (e.g. against a sha256 from an index listing): any cached
	// entry is served without a request, fresh or not. On a failed check,
	// Discard the entry and Get again.
	Immutable bool

	// UseCached, when set, is offered the response the cache would serve
	// without a request (offline, fresh or immutable) before its body is
	// read: Body nil, Size and BodySHA256 set. If it returns true, Get
	// returns that response as it is, and the body is never read; a
	// caller holding something derived from the body under its SHA-256
	// (a parsed listing) needs no more. The body is not checked against
	// its hash then: what was derived from it was derived when it passed.
	UseCached func(*Response) bool
}

// Response is a successful (2xx) response with its whole body.
type Response struct {
	URL       string // final, after redirects
	Status    int
	Header    http.Header
	Body      []byte
	FromCache bool // served from the cache (fresh, immutable, offline, or 304)
	// BodySHA256 is the hex SHA-256 of Body when the cache computed it
	// (a response served from or written to the disk cache), else "".
	BodySHA256 string
	// Size is the body's length in a response of Client.Cached, which
	// does not read the body; 0 elsewhere (use len(Body)).
	Size int64
}

// Stats are a Client's counters, for tests and benchmarks.
type Stats struct {
	Requests            int64 // HTTP attempts sent, retries and redirect hops included
	ConditionalRequests int64 // attempts carrying If-None-Match or If-Modified-Since
	CacheHits           int64 // responses served from the cache (fresh, immutable, offline or 304)
	FreshHits           int64 // of CacheHits, those served online without a request (fresh or immutable)
	NotModified         int64 // 304 responses
	Retries             int64 // attempts after the first of a Get or GetRange
	BytesDownloaded     int64 // response body bytes read from the network
	PeakConcurrency     int64 // most attempts in flight at once, over all hosts
}

// Client is safe for concurrent use.
type Client struct {
	cfg   Config
	http  *http.Client
	cache *diskCache
	// derivedDir makes the derived data's folder once (derived.go).
	derivedDir sync.Once
	derivedErr error
	lt         *limitTransport

	now func() time.Time // the clock of freshness; tests replace it

	answered sync.Map // lower-case host -> true: a response came from it (IsUnreachable)

	credMu  sync.Mutex
	learned map[string]Credential // by lower-case host, from URL userinfo
	netrc   []Credential          // read once, on first need

	mu    sync.Mutex
	stats Stats
}

// DefaultCacheDir returns $XDG_CACHE_HOME/zgpu, or ~/.cache/zgpu, or "" when
// neither can be determined.
func DefaultCacheDir() string {
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "zgpu")
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".cache", "zgpu")
}

// New returns a Client for cfg, with defaults filled in.
func New(cfg Config) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxPerHost <= 0 {
		cfg.MaxPerHost = DefaultMaxPerHost
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 4
	} else if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "zgpu"
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = 500 * time.Millisecond
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = 15 * time.Second
	}
	if cfg.RetryWaitMax < cfg.RetryWaitMin {
		cfg.RetryWaitMax = cfg.RetryWaitMin
	}
	if cfg.MaxRetryAfter <= 0 {
		cfg.MaxRetryAfter = 2 * time.Minute
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.MaxFreshness == 0 {
		cfg.MaxFreshness = DefaultMaxFreshness
	}
	c := &Client{cfg: cfg, now: time.Now}
	base := cfg.Transport
	if base == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = cfg.MaxPerHost
		base = t
	}
	c.lt = newLimitTransport(base, c)
	c.http = &http.Client{
		Transport:     c.lt,
		Timeout:       cfg.Timeout,
		CheckRedirect: checkRedirect,
	}
	if cfg.CacheDir != "" {
		c.cache = &diskCache{dir: filepath.Join(cfg.CacheDir, "http"), behind: cfg.WriteBehind, logf: c.logf}
	}
	return c
}

// Stats returns a snapshot of the counters.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

func (c *Client) count(f func(s *Stats)) {
	c.mu.Lock()
	f(&c.stats)
	c.mu.Unlock()
}

func (c *Client) logf(format string, args ...any) {
	if c.cfg.Logf != nil {
		c.cfg.Logf("%s", c.redact(fmt.Sprintf(format, args...)))
	}
}

// checkRedirect allows ten hops and removes any Authorization header that
// came along: the transport adds the right token to each hop by its host.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	req.Header.Del("Authorization")
	return nil
}

// Get fetches r.URL, from the cache when it can. A non-2xx status after
// retries is a *StatusError (404 included).
func (c *Client) Get(ctx context.Context, r Request) (*Response, error) {
	// Credentials in the URL are the host's, sent by the transport; the
	// cache, messages and the Response never see them.
	r.URL = c.learn(r.URL)
	ent, key, hit, used := c.cachedEntry(r, false)
	if used != nil {
		c.countUsed(r.URL, used)
		return used, nil
	}
	if c.cfg.Offline {
		if ent == nil {
			return nil, fmt.Errorf("GET %s: %w", redactURL(r.URL), ErrOffline)
		}
		c.count(func(s *Stats) { s.CacheHits++ })
		return ent.response(), nil
	}
	if hit {
		c.count(func(s *Stats) { s.CacheHits++; s.FreshHits++ })
		out := ent.response()
		c.logf("GET %s: fresh, %d bytes from the cache", r.URL, len(out.Body))
		return out, nil
	}
	h := http.Header{}
	for k, v := range r.Header {
		h[k] = append([]string(nil), v...)
	}
	h.Del("Authorization")
	if r.Accept != "" {
		h.Set("Accept", r.Accept)
	}
	if ent != nil {
		if ent.ETag != "" {
			h.Set("If-None-Match", ent.ETag)
		}
		if ent.LastModified != "" {
			h.Set("If-Modified-Since", ent.LastModified)
		}
	}
	limit := r.MaxBytes
	if limit <= 0 {
		limit = c.cfg.MaxBody
	}
	res, err := c.doWith(ctx, r.URL, h, limit, nil)
	if err != nil {
		return nil, err
	}
	if res.Status == http.StatusNotModified && ent != nil {
		// Only now is the body read (and checked): a revalidation
		// answered with the whole body never needs the cached one.
		if full := c.cache.load(key, r.URL, c.logf); full != nil && full.SHA256 == ent.SHA256 {
			ent = full
		} else {
			// Damaged or replaced since its metadata line was read: ask
			// for the body itself.
			h.Del("If-None-Match")
			h.Del("If-Modified-Since")
			ent = nil
			if res, err = c.doWith(ctx, r.URL, h, limit, nil); err != nil {
				return nil, err
			}
		}
	}
	if res.Status == http.StatusNotModified {
		if ent == nil {
			return nil, &StatusError{URL: redactURL(r.URL), Status: res.Status}
		}
		c.count(func(s *Stats) { s.CacheHits++ })
		out := ent.response()
		c.logf("GET %s: not modified, %d bytes from the cache", r.URL, len(out.Body))
		if ent.renew(res.Header, c.now()) {
			if err := c.cache.write(key, ent); err != nil {
				c.logf("cache: %v", err)
			}
		}
		return out, nil
	}
	if res.Status < 200 || res.Status > 299 {
		return nil, c.statusError(r.URL, res)
	}
	if key != "" && res.Status == http.StatusOK {
		if err := c.cache.store(key, r.URL, res, c.now(), ent); err != nil {
			c.logf("cache: %v", err)
		}
	}
	return res, nil
}

// cachedEntry returns the cache's entry for r, its key ("" without a
// cache) and whether Get serves it without a request (offline, immutable
// or fresh). Such an entry is read whole and checked, unless r.UseCached
// takes it as it is (used: the response given to it). One that must be
// revalidated is read up to its metadata line only (validators, size and
// SHA-256, no body): a warm run against an index that sends no validators
// downloads every page again and never needs the cached copy. Get reads
// the body on a 304.
// With peekOnly, an entry r.UseCached refuses is not read (Cached).
func (c *Client) cachedEntry(r Request, peekOnly bool) (ent *cacheEntry, key string, hit bool, used *Response) {
	if c.cache == nil || r.NoStore {
		return nil, "", false, nil
	}
	key = cacheKey(r.URL, r.Accept)
	noCache := !c.cfg.Offline && requestNoCache(r.Header)
	whole := c.cfg.Offline || r.Immutable && !noCache
	if whole && r.UseCached == nil {
		ent = c.cache.load(key, r.URL, c.logf)
		return ent, key, ent != nil, nil
	}
	ent = c.cache.loadMeta(key, r.URL)
	if ent == nil {
		return nil, key, false, nil
	}
	if !whole && (noCache || c.cfg.Refresh || !c.fresh(ent, c.now())) {
		return ent, key, false, nil
	}
	if r.UseCached != nil {
		res := ent.response()
		res.Size = ent.Size
		if r.UseCached(res) {
			return ent, key, true, res
		}
		if peekOnly {
			return nil, key, false, nil
		}
	}
	ent = c.cache.load(key, r.URL, c.logf)
	return ent, key, ent != nil, nil
}

// countUsed counts a cached response taken by Request.UseCached.
func (c *Client) countUsed(rawURL string, res *Response) {
	c.count(func(s *Stats) {
		s.CacheHits++
		if !c.cfg.Offline {
			s.FreshHits++
		}
	})
	if !c.cfg.Offline {
		c.logf("GET %s: fresh, %d bytes from the cache", rawURL, res.Size)
	}
}

// Discard removes the cached entry of r (its URL and Accept), if any, so
// that the next Get sends an unconditional request. Callers use it when a
// cached body fails a check the cache cannot make (a hash from a listing).
func (c *Client) Discard(r Request) error {
	if c.cache == nil {
		return nil
	}
	err := removeCacheFile(c.cache.path(cacheKey(r.URL, r.Accept)))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// statusError is the *StatusError of a non-2xx response to rawURL, with a
// hint on credentials for 401 and 403.
func (c *Client) statusError(rawURL string, res *Response) *StatusError {
	e := &StatusError{URL: redactURL(rawURL), Status: res.Status, Body: c.redact(snippet(res.Body))}
	if e.Unauthorized() {
		host := hostOnly(urlHost(rawURL))
		_, basic := c.basicFor(host)
		e.Hint = authHint(host, basic || c.tokenFor(host) != "")
	}
	return e
}

// urlHost is the host (with port) of rawURL, or "".
func urlHost(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Host
}

// snippet returns the start of a body for an error message.
func snippet(b []byte) string {
	const max = 200
	s := string(b)
	if len(s) > max {
		s = s[:max] + "..."
	}
	for i, r := range s {
		if r == '\n' || r == '\r' {
			s = s[:i]
			break
		}
	}
	return s
}
