package fakes

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// HubServer is a fake Hugging Face Hub serving tree fixtures:
//
//	GET /api/{models|datasets|spaces|kernels}/{owner}/{name}/tree/{revision}[/{path}]?recursive=true&cursor=C
//	GET /{""|datasets/|spaces/|kernels/}{owner}/{name}/resolve/{revision}/{path}
//
// The tree of a repository at a revision is read from
// {dir}/{type}s/{owner}/{name}/{revision}.json, revision escaped with
// url.PathEscape ("refs%2Fpr%2F1.json"): a JSON array of every entry of the
// repository, recursively, as the Hub lists them. The revision in a request
// must be escaped with no safe characters, as huggingface_hub does; an
// unescaped slash in it is read as the start of the path, as on the Hub.
// Listings are paged PageSize entries at a time (default 30) with an opaque
// cursor in a Link rel="next" URL. Bodies carry an ETag and honour
// If-None-Match. Errors carry the Hub's X-Error-Code (RepoNotFound,
// RevisionNotFound, EntryNotFound). Every answer carries the Hub's
// RateLimit and RateLimit-Policy headers; ExhaustRateLimit makes the API
// answer 429.
type HubServer struct {
	*netFake

	dir string

	mu        sync.Mutex
	exhausted bool
	retryIn   int // seconds until the window resets
	private   map[string]string
	spaces    map[string]*Space // AddSpace
}

// Hub starts a fake Hub serving the tree fixtures in dir (see HubFixtures).
// The server stops when the test ends.
func Hub(tb testing.TB, dir string) *HubServer {
	tb.Helper()
	s := &HubServer{dir: dir, retryIn: 300, private: map[string]string{}}
	s.netFake = newNetFake(tb, 30, s.handle)
	return s
}

// ExhaustRateLimit makes every later request answer 429, with a
// Retry-After of retryIn seconds.
func (s *HubServer) ExhaustRateLimit(retryIn int) {
	s.mu.Lock()
	s.exhausted = true
	s.retryIn = retryIn
	s.mu.Unlock()
}

// SetPrivate makes repo ("datasets/owner/name") answer only requests that
// carry "Authorization: Bearer token"; others get 401 with RepoNotFound, as
// the Hub answers for a private repository.
func (s *HubServer) SetPrivate(repo, token string) {
	s.mu.Lock()
	s.private[repo] = token
	s.mu.Unlock()
}

func hubError(w http.ResponseWriter, status int, code, msg string) int {
	if code != "" {
		w.Header().Set("X-Error-Code", code)
	}
	w.Header().Set("X-Error-Message", msg)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":%q}`, msg)
	return status
}

var repoTypes = map[string]string{"models": "", "datasets": "datasets/", "spaces": "spaces/", "kernels": "kernels/"}

func (s *HubServer) handle(w http.ResponseWriter, r *http.Request) int {
	s.mu.Lock()
	exhausted, retryIn := s.exhausted, s.retryIn
	s.mu.Unlock()
	remaining := 499
	if exhausted {
		remaining = 0
	}
	w.Header().Set("RateLimit", fmt.Sprintf(`"api";r=%d;t=%d`, remaining, retryIn))
	w.Header().Set("RateLimit-Policy", `"fixed window";"api";q=500;w=300`)
	if exhausted {
		w.Header().Set("Retry-After", strconv.Itoa(retryIn))
		return hubError(w, http.StatusTooManyRequests, "", "You have exceeded our hourly quotas for action: api")
	}
	segs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	if status, ok := s.handleSpace(w, r, segs); ok {
		return status
	}
	if len(segs) >= 6 && segs[0] == "api" && segs[4] == "tree" {
		if _, ok := repoTypes[segs[1]]; ok {
			raw, items, status := s.load(w, r, segs[1], segs[2]+"/"+segs[3], segs[5])
			if status != 0 {
				return status
			}
			return s.tree(w, r, raw, items, segs[5], segs[6:])
		}
	}
	// resolve: [type/]owner/name/resolve/rev/path...
	typ := "models"
	rest := segs
	if len(segs) > 0 && segs[0] != "models" {
		if _, ok := repoTypes[segs[0]]; ok {
			typ, rest = segs[0], segs[1:]
		}
	}
	if len(rest) >= 5 && rest[2] == "resolve" {
		return s.resolve(w, r, typ, rest[0]+"/"+rest[1], rest[3], rest[4:])
	}
	return hubError(w, http.StatusNotFound, "", "Sorry, we can't find the page you are looking for.")
}

type hubItem struct {
	Type string `json:"type"`
	OID  string `json:"oid"`
	Size int64  `json:"size"`
	Path string `json:"path"`
	LFS  *struct {
		OID string `json:"oid"`
	} `json:"lfs,omitempty"`
}

// load reads the fixture of repo at the escaped revision, checking access.
func (s *HubServer) load(w http.ResponseWriter, r *http.Request, typ, repo, escRev string) ([]json.RawMessage, []hubItem, int) {
	rev, err := url.PathUnescape(escRev)
	if err != nil {
		return nil, nil, hubError(w, http.StatusBadRequest, "", "bad revision")
	}
	s.mu.Lock()
	tok, private := s.private[typ+"/"+repo]
	s.mu.Unlock()
	if private && r.Header.Get("Authorization") != "Bearer "+tok {
		return nil, nil, hubError(w, http.StatusUnauthorized, "RepoNotFound", "Repository not found")
	}
	repoDir := filepath.Join(s.dir, typ, filepath.FromSlash(repo))
	if fi, err := os.Stat(repoDir); err != nil || !fi.IsDir() {
		return nil, nil, hubError(w, http.StatusNotFound, "RepoNotFound", "Repository not found")
	}
	data, err := os.ReadFile(filepath.Join(repoDir, url.PathEscape(rev)+".json"))
	if err != nil {
		return nil, nil, hubError(w, http.StatusNotFound, "RevisionNotFound", "Invalid rev id: "+rev)
	}
	var raw []json.RawMessage
	var items []hubItem
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, nil, hubError(w, http.StatusInternalServerError, "", "bad fixture: "+err.Error())
	}
	if err := json.Unmarshal(data, &items); err != nil {
		return nil, nil, hubError(w, http.StatusInternalServerError, "", "bad fixture: "+err.Error())
	}
	return raw, items, 0
}

// tree writes the page of the listing of raw (items decoded) the request
// asks for.
func (s *HubServer) tree(w http.ResponseWriter, r *http.Request, raw []json.RawMessage, items []hubItem, escRev string, pathSegs []string) int {
	dir := ""
	for _, p := range pathSegs {
		seg, err := url.PathUnescape(p)
		if err != nil {
			return hubError(w, http.StatusBadRequest, "", "bad path")
		}
		if seg != "" {
			dir += seg + "/"
		}
	}
	dir = strings.TrimSuffix(dir, "/")
	q := r.URL.Query()
	recursive := q.Get("recursive") == "true" || q.Get("recursive") == "1"
	var sel []json.RawMessage
	found := dir == ""
	for i, it := range items {
		if it.Path == dir && it.Type == "directory" {
			found = true
		}
		rel := it.Path
		if dir != "" {
			if !strings.HasPrefix(it.Path, dir+"/") {
				continue
			}
			rel = strings.TrimPrefix(it.Path, dir+"/")
		}
		if !recursive && strings.Contains(rel, "/") {
			continue
		}
		sel = append(sel, raw[i])
	}
	if !found {
		return hubError(w, http.StatusNotFound, "EntryNotFound", fmt.Sprintf("%s does not exist on %q", dir, escRev))
	}
	off, end, ok := s.window(w, r, len(sel))
	if !ok {
		return http.StatusBadRequest
	}
	page := sel[off:end]
	if page == nil {
		page = []json.RawMessage{}
	}
	body, _ := json.Marshal(page)
	return serveBody(w, r, "application/json; charset=utf-8", body)
}

// window returns the range of the n items of a listing that the request's
// cursor asks for, and sets the Link header to the next page, if any; ok
// is false after writing a 400 for a bad cursor.
func (s *HubServer) window(w http.ResponseWriter, r *http.Request, n int) (off, end int, ok bool) {
	if c := r.URL.Query().Get("cursor"); c != "" {
		i, err := strconv.Atoi(strings.TrimPrefix(c, "c"))
		if err != nil || !strings.HasPrefix(c, "c") || i < 0 {
			hubError(w, http.StatusBadRequest, "", "invalid cursor")
			return 0, 0, false
		}
		off = min(i, n)
	}
	end = min(off+s.pageLen(), n)
	if end < n {
		v := r.URL.Query()
		v.Set("cursor", "c"+strconv.Itoa(end))
		u := *r.URL
		u.Scheme, u.Host = "http", r.Host
		w.Header().Set("Link", pageLinks(u, map[string]string{"next": v.Encode()}))
	}
	return off, end, true
}

func (s *HubServer) resolve(w http.ResponseWriter, r *http.Request, typ, repo, escRev string, pathSegs []string) int {
	_, items, status := s.load(w, r, typ, repo, escRev)
	if status != 0 {
		return status
	}
	var segs []string
	for _, p := range pathSegs {
		seg, err := url.PathUnescape(p)
		if err != nil {
			return hubError(w, http.StatusBadRequest, "", "bad path")
		}
		segs = append(segs, seg)
	}
	path := strings.Join(segs, "/")
	for _, it := range items {
		if it.Path == path && it.Type == "file" {
			w.Header().Set("X-Repo-Commit", strings.Repeat("0", 40))
			etag := it.OID
			if it.LFS != nil {
				etag = it.LFS.OID
				w.Header().Set("X-Linked-Etag", `"`+etag+`"`)
				w.Header().Set("X-Linked-Size", strconv.FormatInt(it.Size, 10))
			}
			w.Header().Set("Content-Type", "application/octet-stream")
			w.WriteHeader(http.StatusOK)
			fmt.Fprintf(w, "fake body of %s\n", path)
			return http.StatusOK
		}
	}
	return hubError(w, http.StatusNotFound, "EntryNotFound", "Entry not found")
}
