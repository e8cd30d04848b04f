package fakes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// GitHubServer is a fake GitHub REST API serving release fixtures:
//
//	GET /repos/{owner}/{repo}/releases?per_page=N&page=P
//	GET /rate_limit
//
// The releases of {owner}/{repo} are read from
// {dir}/{owner}/{repo}/releases.json (a JSON array as the API returns it,
// newest first). Listings are paged: per_page is honoured up to PageSize
// (default 5, so that the fixtures span several pages), and a Link header
// names the next, last, first and previous pages as GitHub's does. Bodies
// carry an ETag, and a matching If-None-Match gets 304 without counting
// against the rate limit, as on GitHub.
//
// Every answer carries X-RateLimit-Limit, -Remaining, -Used, -Reset and
// -Resource headers; when the remaining count reaches zero the API answers
// 403 (or RateLimitStatus) with GitHub's "API rate limit exceeded" message
// until the limit is reset. /rate_limit never counts.
type GitHubServer struct {
	*netFake

	dir string

	// localDownloads serves asset URLs under the fake's own host
	// (WithLocalDownloads).
	localDownloads bool

	mu              sync.Mutex
	limit           int
	remaining       int
	reset           time.Time
	rateLimitStatus int
}

// GitHub starts a fake GitHub API serving the release fixtures in dir (see
// GitHubFixtures). The server stops when the test ends.
func GitHub(tb testing.TB, dir string, opts ...GitHubOption) *GitHubServer {
	tb.Helper()
	s := &GitHubServer{
		dir:             dir,
		limit:           5000,
		remaining:       5000,
		reset:           time.Now().Add(time.Hour).Truncate(time.Second),
		rateLimitStatus: http.StatusForbidden,
	}
	for _, o := range opts {
		o(s)
	}
	s.netFake = newNetFake(tb, 5, s.handle)
	return s
}

// GitHubOption configures a GitHub fake.
type GitHubOption func(*GitHubServer)

// WithLocalDownloads makes the fake answer as an API mirror (or GitHub
// Enterprise) does: each asset's browser_download_url is under the fake's
// own host, http://HOST/OWNER/REPO/releases/download/TAG/FILE, instead of
// https://github.com/.
func WithLocalDownloads() GitHubOption {
	return func(s *GitHubServer) { s.localDownloads = true }
}

// SetRateLimit sets the remaining request count and the reset time.
func (s *GitHubServer) SetRateLimit(remaining int, reset time.Time) {
	s.mu.Lock()
	s.remaining = remaining
	s.reset = reset.Truncate(time.Second)
	s.mu.Unlock()
}

// ExhaustRateLimit makes every later API request fail with status (403 or
// 429, as GitHub answers either) until reset.
func (s *GitHubServer) ExhaustRateLimit(status int, reset time.Time) {
	s.mu.Lock()
	s.remaining = 0
	s.reset = reset.Truncate(time.Second)
	s.rateLimitStatus = status
	s.mu.Unlock()
}

func (s *GitHubServer) rateHeaders(w http.ResponseWriter, spend bool) (exhausted bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !time.Now().Before(s.reset) {
		s.remaining = s.limit
		s.reset = time.Now().Add(time.Hour).Truncate(time.Second)
	}
	exhausted = s.remaining <= 0
	if spend && !exhausted {
		s.remaining--
	}
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(s.remaining, 0)))
	h.Set("X-RateLimit-Used", strconv.Itoa(s.limit-max(s.remaining, 0)))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(s.reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
	return exhausted
}

func ghError(w http.ResponseWriter, status int, msg string) int {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"message":%q,"documentation_url":"https://docs.github.com/rest","status":"%d"}`, msg, status)
	return status
}

func (s *GitHubServer) handle(w http.ResponseWriter, r *http.Request) int {
	w.Header().Set("X-GitHub-Api-Version-Selected", "2022-11-28")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return ghError(w, http.StatusMethodNotAllowed, "Method Not Allowed")
	}
	if r.URL.Path == "/rate_limit" {
		s.rateHeaders(w, false)
		h := w.Header()
		body := fmt.Sprintf(`{"resources":{"core":{"limit":%s,"remaining":%s,"reset":%s,"used":%s,"resource":"core"}},"rate":{"limit":%[1]s,"remaining":%[2]s,"reset":%[3]s,"used":%[4]s,"resource":"core"}}`,
			h.Get("X-RateLimit-Limit"), h.Get("X-RateLimit-Remaining"), h.Get("X-RateLimit-Reset"), h.Get("X-RateLimit-Used"))
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(body))
		return http.StatusOK
	}
	// A conditional request that matches does not count (GitHub's rule), so
	// decide on the rate limit after checking the ETag below.
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) != 4 || parts[0] != "repos" || parts[3] != "releases" {
		s.rateHeaders(w, true)
		return ghError(w, http.StatusNotFound, "Not Found")
	}
	data, err := os.ReadFile(filepath.Join(s.dir, parts[1], parts[2], "releases.json"))
	if err != nil {
		if s.rateHeaders(w, true) {
			return s.limited(w)
		}
		return ghError(w, http.StatusNotFound, "Not Found")
	}
	var releases []json.RawMessage
	if err := json.Unmarshal(data, &releases); err != nil {
		return ghError(w, http.StatusInternalServerError, "bad fixture: "+err.Error())
	}
	q := r.URL.Query()
	size := s.pageLen()
	if n, err := strconv.Atoi(q.Get("per_page")); err == nil && n > 0 && n < size {
		size = n
	}
	page := 1
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 0 {
		page = n
	}
	last := max((len(releases)+size-1)/size, 1)
	lo, hi := min((page-1)*size, len(releases)), min(page*size, len(releases))
	body, _ := json.Marshal(releases[lo:hi])
	if s.localDownloads {
		body = bytes.ReplaceAll(body, []byte(`"https://github.com/`), []byte(`"http://`+r.Host+`/`))
	}

	rels := map[string]string{}
	setPage := func(rel string, p int) {
		v := r.URL.Query()
		v.Set("page", strconv.Itoa(p))
		rels[rel] = v.Encode()
	}
	if page < last {
		setPage("next", page+1)
		setPage("last", last)
	}
	if page > 1 {
		setPage("prev", page-1)
		setPage("first", 1)
	}
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	if link := pageLinks(u, rels); link != "" {
		w.Header().Set("Link", link)
	}
	inm := r.Header.Get("If-None-Match") != ""
	if s.rateHeaders(w, !inm) {
		return s.limited(w)
	}
	return serveBody(w, r, "application/json; charset=utf-8", body)
}

func (s *GitHubServer) limited(w http.ResponseWriter) int {
	s.mu.Lock()
	status := s.rateLimitStatus
	s.mu.Unlock()
	w.Header().Del("Link")
	return ghError(w, status, "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)")
}
