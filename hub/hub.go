// Package hub reads file listings of Hugging Face Hub repositories: the
// wheels of a dataset such as multimodalart/zerogpu-blackwell-wheels, and the
// build variants of a `kernels` repository such as
// kernels-community/flash-attn2.
//
// It implements, as huggingface_hub does (hf_api.py, file_download.py):
//
//	tree     GET {endpoint}/api/{models|datasets|spaces|kernels}/{owner}/{name}/tree/{revision}[/{path}]?recursive=true
//	resolve  {endpoint}/{""|datasets/|spaces/|kernels/}{owner}/{name}/resolve/{revision}/{path}
//
// The revision is escaped with no safe characters ("refs/pr/1" becomes
// "refs%2Fpr%2F1"); a path is escaped segment by segment, '/' kept and '+'
// escaped as "%2B" (wheel local versions carry '+'). Tree listings are paged:
// the Link header's rel="next" URL, which carries an opaque cursor, is
// followed verbatim until there is none. Items are
// {type, oid, size, path, lfs{oid, size}}; the LFS oid is the file's SHA-256.
//
// Every request goes through package fetch: HF_TOKEN is sent to the Hub's
// host only, bodies are cached with ETags, HF_HUB_OFFLINE=1 maps to fetch's
// offline mode (the caller sets it). Errors say which repository and
// revision a 401/404 is about; the Hub answers 401 both for a private
// repository without a token and for a repository that does not exist.
package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
)

// DefaultEndpoint is the Hub used when HF_ENDPOINT is not set.
const DefaultEndpoint = "https://huggingface.co"

// maxPages bounds a paginated listing.
const maxPages = 1000

// Type is a repository type.
type Type string

const (
	Model   Type = "model"
	Dataset Type = "dataset"
	Space   Type = "space"
	Kernel  Type = "kernel"
)

// apiSegment returns "models", "datasets", "spaces" or "kernels".
func (t Type) apiSegment() string { return string(t) + "s" }

// urlPrefix returns the prefix of resolve URLs: "" for models.
func (t Type) urlPrefix() string {
	if t == Model || t == "" {
		return ""
	}
	return string(t) + "s/"
}

// Repo names a repository at a revision.
type Repo struct {
	Type     Type
	ID       string // "owner/name"
	Revision string // "main" when ""
}

// ParseRepo parses "[models/|datasets/|spaces/|kernels/]owner/name[@revision]"
// ("datasets/multimodalart/zerogpu-blackwell-wheels",
// "kernels/kernels-community/flash-attn2@v1"). Without a type prefix the
// repository is a model, as on the Hub.
func ParseRepo(s string) (Repo, error) {
	r := Repo{Type: Model, Revision: "main"}
	rest := s
	if i := strings.IndexByte(rest, '@'); i >= 0 {
		r.Revision = rest[i+1:]
		rest = rest[:i]
		if r.Revision == "" {
			return Repo{}, fmt.Errorf("hub: expected a revision after '@' in %q", s)
		}
	}
	parts := strings.Split(rest, "/")
	if len(parts) == 3 {
		switch parts[0] {
		case "models":
			r.Type = Model
		case "datasets":
			r.Type = Dataset
		case "spaces":
			r.Type = Space
		case "kernels":
			r.Type = Kernel
		default:
			return Repo{}, fmt.Errorf("hub: expected models/, datasets/, spaces/ or kernels/ at the start of %q", s)
		}
		parts = parts[1:]
	}
	if len(parts) != 2 || !index.ValidRepoPart(parts[0]) || !index.ValidRepoPart(parts[1]) {
		return Repo{}, fmt.Errorf("hub: expected a repository as [type/]owner/name[@revision], got %q", s)
	}
	r.ID = parts[0] + "/" + parts[1]
	return r, nil
}

// String returns the repository as ParseRepo reads it, the revision left
// out when it is "main".
func (r Repo) String() string {
	s := r.Type.urlPrefix() + r.ID
	if r.Type == Model {
		s = "models/" + r.ID
	}
	if rev := r.revision(); rev != "main" {
		s += "@" + rev
	}
	return s
}

// Origin returns the human name of the repository used in index.File.Origin:
// "hf.co/datasets/multimodalart/zerogpu-blackwell-wheels".
func (r Repo) Origin() string { return "hf.co/" + r.Type.urlPrefix() + r.ID }

func (r Repo) revision() string {
	if r.Revision == "" {
		return "main"
	}
	return r.Revision
}

// Entry is one item of a tree listing.
type Entry struct {
	Type string `json:"type"` // "file" or "directory"
	OID  string `json:"oid"`  // git object id
	Size int64  `json:"size"`
	Path string `json:"path"`
	LFS  *LFS   `json:"lfs,omitempty"`
}

// LFS describes a file stored with Git LFS (or Xet).
type LFS struct {
	OID  string `json:"oid"` // SHA-256 of the file
	Size int64  `json:"size"`
}

// IsDir reports whether the entry is a directory.
func (e Entry) IsDir() bool { return e.Type == "directory" }

// Client reads one Hub endpoint. It is safe for concurrent use.
type Client struct {
	fc       *fetch.Client
	endpoint string
}

// New returns a Client for endpoint (HF_ENDPOINT; DefaultEndpoint when "")
// reading through c.
func New(c *fetch.Client, endpoint string) *Client {
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	return &Client{fc: c, endpoint: strings.TrimRight(endpoint, "/")}
}

// escapePath escapes a repository path as Python's urllib.parse.quote does
// with safe="/": letters, digits, '_', '.', '-', '~' and '/' are kept, every
// other byte ('+' included) is percent-encoded.
func escapePath(p string) string { return quote(p, "/") }

// escapeRevision escapes a revision as quote(revision, safe="") does:
// "refs/pr/1" becomes "refs%2Fpr%2F1".
func escapeRevision(rev string) string { return quote(rev, "") }

func quote(s, safe string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '_' || c == '.' || c == '-' || c == '~' || strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// TreeURL returns the first page URL of the tree listing of path ("" for the
// root) in r.
func (c *Client) TreeURL(r Repo, path string, recursive bool) string {
	u := c.endpoint + "/api/" + r.Type.apiSegment() + "/" + r.ID + "/tree/" + escapeRevision(r.revision())
	if p := strings.Trim(path, "/"); p != "" {
		u += "/" + escapePath(p)
	}
	if recursive {
		u += "?recursive=true"
	}
	return u
}

// ResolveURL returns the download URL of path in r.
func (c *Client) ResolveURL(r Repo, path string) string {
	return c.endpoint + "/" + r.Type.urlPrefix() + r.ID + "/resolve/" + escapeRevision(r.revision()) + "/" + escapePath(strings.TrimPrefix(path, "/"))
}

// Tree lists path ("" for the root) in r, every page of it; recursive lists
// the whole subtree.
func (c *Client) Tree(ctx context.Context, r Repo, path string, recursive bool) ([]Entry, error) {
	var out []Entry
	err := c.pages(ctx, c.TreeURL(r, path, recursive), "tree of "+r.String(), func(body []byte) error {
		var items []Entry
		if err := json.Unmarshal(body, &items); err != nil {
			return err
		}
		out = append(out, items...)
		return nil
	})
	if err != nil {
		return nil, c.explain(err, r, path)
	}
	return out, nil
}

// pages GETs first and every page its Link headers name next, giving each
// body to page; what names the listing in errors.
func (c *Client) pages(ctx context.Context, first, what string, page func(body []byte) error) error {
	seen := map[string]bool{}
	for n, next := 0, first; next != ""; n++ {
		if n >= maxPages || seen[next] {
			return fmt.Errorf("hub: pagination of %s does not end", what)
		}
		seen[next] = true
		resp, err := c.fc.Get(ctx, fetch.Request{URL: next, Accept: "application/json"})
		if err != nil {
			return err
		}
		if err := page(resp.Body); err != nil {
			return fmt.Errorf("hub: %s: %v", what, err)
		}
		if next, err = fetch.NextLink(resp.Header.Get("Link"), resp.URL); err != nil {
			return fmt.Errorf("hub: %s: %v", what, err)
		}
	}
	return nil
}

// RepoNotFoundError says that the Hub does not know a repository, a
// revision or a path in it, or will not show it without a token. It matches
// index.ErrNotFound.
type RepoNotFoundError struct {
	Repo   Repo
	Path   string // "" for the repository itself
	Status int    // 401, 404 or 410
}

func (e *RepoNotFoundError) Error() string {
	what := fmt.Sprintf("hub repository %s (revision %q)", e.Repo.Origin(), e.Repo.revision())
	if e.Path != "" {
		what = fmt.Sprintf("%q in %s", e.Path, what)
	}
	if e.Status == http.StatusUnauthorized {
		return what + " not found, or private (set HF_TOKEN)"
	}
	return what + " not found"
}

// Is makes errors.Is(err, index.ErrNotFound) true.
func (e *RepoNotFoundError) Is(target error) bool { return target == index.ErrNotFound }

// ErrRateLimited is matched by errors for a request the Hub refused with 429.
var ErrRateLimited = errors.New("hugging face hub rate limit exhausted")

func (c *Client) explain(err error, r Repo, path string) error {
	var se *fetch.StatusError
	if !errors.As(err, &se) {
		return err
	}
	switch {
	case se.NotFound() || se.Status == http.StatusUnauthorized:
		return &RepoNotFoundError{Repo: r, Path: path, Status: se.Status}
	case se.Status == http.StatusTooManyRequests:
		return fmt.Errorf("%w (listing %s); wait for the 5-minute window to reset, or set HF_TOKEN for a higher limit", ErrRateLimited, r.Origin())
	}
	return err
}
