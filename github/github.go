// Package github lists the release assets of GitHub repositories, the place
// where flash-attn, mamba-ssm, causal-conv1d and community builds publish
// their prebuilt CUDA wheels.
//
// It implements the part of the GitHub REST API (version 2022-11-28) that
// zgpu needs: GET /repos/{owner}/{repo}/releases?per_page=100, following the
// RFC 8288 Link header's rel="next" until there is none, with
// "Accept: application/vnd.github+json" and "X-GitHub-Api-Version". Every
// request goes through package fetch, which adds GITHUB_TOKEN to requests for
// the API host only, caches bodies with ETags (a 304 does not count against
// GitHub's rate limit) and retries transient failures.
//
// The rate limit is read from X-RateLimit-Remaining and X-RateLimit-Reset.
// A 403 or 429 that says the limit is exhausted becomes a *RateLimitError
// naming the reset time; since fetch reports a failed status without its
// headers, the reset time is then read from GET /rate_limit (which does not
// count against the limit).
//
// Deviations from what a browser shows: draft releases are skipped (the API
// lists them only to collaborators); prereleases are kept and flagged;
// assets whose upload did not finish (state other than "uploaded") are
// skipped. The same filename may appear in several releases (mjun0812's
// builds re-upload wheels); every occurrence is kept, newest release first,
// so that a consumer taking the first match takes the newest.
package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
)

// DefaultAPIURL is the GitHub REST endpoint used when GITHUB_API_URL is
// not set.
const DefaultAPIURL = "https://api.github.com"

// APIVersion is the REST API version requested with X-GitHub-Api-Version.
const APIVersion = "2022-11-28"

// maxPages bounds a paginated listing, against a server that links a page
// to itself.
const maxPages = 200

// Client reads releases from one GitHub API endpoint. It is safe for
// concurrent use.
type Client struct {
	fc  *fetch.Client
	api string // without a trailing slash

	// Logf, when set, receives a line when the rate limit runs low.
	Logf func(format string, args ...any)
	// Now returns the current time (tests); time.Now when nil.
	Now func() time.Time

	mu     sync.Mutex
	rate   RateLimit
	assets map[string]*assetsCall
}

// assetsCall memoizes the assets of one repository for the Client's
// lifetime, so that several listers of one repository share one listing.
type assetsCall struct {
	once  sync.Once
	files []index.File
	err   error
}

// RateLimit is the last rate-limit state the API reported.
type RateLimit struct {
	Known     bool // false until a response carried the headers
	Limit     int
	Remaining int
	Reset     time.Time
}

// New returns a Client that reads apiURL (GITHUB_API_URL; DefaultAPIURL
// when "") through c.
func New(c *fetch.Client, apiURL string) *Client {
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	return &Client{fc: c, api: strings.TrimRight(apiURL, "/"), assets: map[string]*assetsCall{}}
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// RateLimit returns the rate-limit state of the last API response.
func (c *Client) RateLimit() RateLimit {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rate
}

// Release is one published release of a repository.
type Release struct {
	Tag         string
	Name        string
	Prerelease  bool
	PublishedAt time.Time // zero for a release never published
	CreatedAt   time.Time
	Assets      []Asset
}

// Asset is one file attached to a release.
type Asset struct {
	Name      string
	URL       string // browser_download_url
	Size      int64
	Digest    string // "sha256:<hex>" when the API gives one, else ""
	CreatedAt time.Time
	UpdatedAt time.Time
}

// RateLimitError says that the API refused a request because the rate limit
// is exhausted.
type RateLimitError struct {
	Reset time.Time // zero when unknown
	Now   time.Time // when the error was made, for the "(in 12m)" part
}

func (e *RateLimitError) Error() string {
	if e.Reset.IsZero() {
		return "github rate limit exhausted"
	}
	return fmt.Sprintf("github rate limit exhausted; resets at %s UTC (in %s)",
		e.Reset.UTC().Format("15:04"), roundWait(e.Reset.Sub(e.Now)))
}

// roundWait renders a wait as "12m", "1h5m" or "40s".
func roundWait(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < time.Minute:
		return d.Round(time.Second).String()
	}
	d = d.Round(time.Minute)
	s := d.String() // "1h5m0s"
	return strings.TrimSuffix(s, "0s")
}

// RepoNotFoundError says that the API does not know a repository (or hides
// a private one from the token used). It matches index.ErrNotFound.
type RepoNotFoundError struct {
	Repo string // "owner/repo"
	API  string
}

func (e *RepoNotFoundError) Error() string {
	return fmt.Sprintf("github repository %q not found on %s", e.Repo, e.API)
}

// Is makes errors.Is(err, index.ErrNotFound) true.
func (e *RepoNotFoundError) Is(target error) bool { return target == index.ErrNotFound }

// SplitRepo checks and splits "owner/repo".
func SplitRepo(repo string) (owner, name string, err error) {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || !index.ValidRepoPart(owner) || !index.ValidRepoPart(name) {
		return "", "", fmt.Errorf("github: expected a repository as owner/name, got %q", repo)
	}
	return owner, name, nil
}

// apiRelease and apiAsset are the JSON of the releases listing; unknown
// fields are ignored.
type apiRelease struct {
	TagName     string     `json:"tag_name"`
	Name        string     `json:"name"`
	Draft       bool       `json:"draft"`
	Prerelease  bool       `json:"prerelease"`
	CreatedAt   time.Time  `json:"created_at"`
	PublishedAt *time.Time `json:"published_at"`
	Assets      []apiAsset `json:"assets"`
}

type apiAsset struct {
	Name               string    `json:"name"`
	State              string    `json:"state"`
	Size               int64     `json:"size"`
	Digest             *string   `json:"digest"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	BrowserDownloadURL string    `json:"browser_download_url"`
}

// Releases returns the published releases of repo ("owner/repo"), newest
// first (by publication time, then creation time), drafts skipped.
func (c *Client) Releases(ctx context.Context, repo string) ([]Release, error) {
	owner, name, err := SplitRepo(repo)
	if err != nil {
		return nil, err
	}
	next := c.api + "/repos/" + url.PathEscape(owner) + "/" + url.PathEscape(name) + "/releases?per_page=100"
	var out []Release
	seen := map[string]bool{}
	for page := 0; next != ""; page++ {
		if page >= maxPages || seen[next] {
			return nil, fmt.Errorf("github: pagination of %s does not end", repo)
		}
		seen[next] = true
		resp, err := c.get(ctx, next, repo)
		if err != nil {
			return nil, err
		}
		var rels []apiRelease
		if err := json.Unmarshal(resp.Body, &rels); err != nil {
			return nil, fmt.Errorf("github: releases of %s: %v", repo, err)
		}
		for _, r := range rels {
			if r.Draft {
				continue
			}
			out = append(out, convertRelease(r))
		}
		next, err = fetch.NextLink(resp.Header.Get("Link"), resp.URL)
		if err != nil {
			return nil, fmt.Errorf("github: releases of %s: %v", repo, err)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return newer(out[i], out[j]) })
	return out, nil
}

func newer(a, b Release) bool {
	ta, tb := a.PublishedAt, b.PublishedAt
	if ta.IsZero() {
		ta = a.CreatedAt
	}
	if tb.IsZero() {
		tb = b.CreatedAt
	}
	return ta.After(tb)
}

func convertRelease(r apiRelease) Release {
	out := Release{Tag: r.TagName, Name: r.Name, Prerelease: r.Prerelease, CreatedAt: r.CreatedAt}
	if r.PublishedAt != nil {
		out.PublishedAt = *r.PublishedAt
	}
	for _, a := range r.Assets {
		if a.State != "" && a.State != "uploaded" || a.Name == "" || a.BrowserDownloadURL == "" {
			continue // not downloadable: still uploading, or no name or URL
		}
		as := Asset{Name: a.Name, URL: a.BrowserDownloadURL, Size: a.Size, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
		if a.Digest != nil {
			as.Digest = *a.Digest
		}
		out.Assets = append(out.Assets, as)
	}
	return out
}

// get fetches one API URL, recording the rate limit and turning failures
// into the package's errors.
func (c *Client) get(ctx context.Context, u, repo string) (*fetch.Response, error) {
	h := http.Header{}
	h.Set("X-GitHub-Api-Version", APIVersion)
	resp, err := c.fc.Get(ctx, fetch.Request{URL: u, Accept: "application/vnd.github+json", Header: h})
	if err != nil {
		var se *fetch.StatusError
		if errors.As(err, &se) {
			switch {
			case se.NotFound():
				return nil, &RepoNotFoundError{Repo: repo, API: c.api}
			case se.Status == http.StatusTooManyRequests ||
				se.Status == http.StatusForbidden && strings.Contains(strings.ToLower(se.Body), "rate limit"):
				return nil, c.rateLimitError(ctx)
			}
		}
		return nil, err
	}
	c.noteRate(resp.Header)
	return resp, nil
}

// noteRate records the X-RateLimit-* headers of a response, when present.
func (c *Client) noteRate(h http.Header) {
	rem, err1 := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	reset, err2 := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
	if err1 != nil || err2 != nil {
		return
	}
	limit, _ := strconv.Atoi(h.Get("X-RateLimit-Limit"))
	rl := RateLimit{Known: true, Limit: limit, Remaining: rem, Reset: time.Unix(reset, 0).UTC()}
	c.mu.Lock()
	c.rate = rl
	c.mu.Unlock()
	if c.Logf != nil && limit > 0 && rem < limit/10 {
		c.Logf("github: %d of %d API requests left until %s UTC", rem, limit, rl.Reset.Format("15:04"))
	}
}

// rateLimitError builds the error for an exhausted limit, asking
// /rate_limit for the reset time (that endpoint does not count).
func (c *Client) rateLimitError(ctx context.Context) error {
	e := &RateLimitError{Now: c.now()}
	resp, err := c.fc.Get(ctx, fetch.Request{URL: c.api + "/rate_limit", Accept: "application/vnd.github+json", NoStore: true,
		Header: http.Header{"X-Github-Api-Version": {APIVersion}}})
	if err == nil {
		var body struct {
			Resources struct {
				Core struct {
					Remaining int   `json:"remaining"`
					Reset     int64 `json:"reset"`
				} `json:"core"`
			} `json:"resources"`
		}
		if json.Unmarshal(resp.Body, &body) == nil && body.Resources.Core.Reset > 0 {
			e.Reset = time.Unix(body.Resources.Core.Reset, 0).UTC()
			return e
		}
	}
	if rl := c.RateLimit(); rl.Known {
		e.Reset = rl.Reset
	}
	return e
}
