package fakes

import (
	"cmp"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Space is a Space the Hub fake serves from memory (see HubServer.AddSpace):
//
//	GET /api/spaces/{owner}/{name}/tree/{revision}[/{path}]   as for fixture trees
//	GET /spaces/{owner}/{name}/resolve/{revision}/{path}       the file's content
//	GET /api/spaces/{owner}/{name}/runtime                      huggingface_hub's SpaceRuntime JSON
//	GET /api/spaces/{owner}/{name}/logs/{build|run}             server-sent events
//	GET /api/spaces?author=OWNER[&expand=...]                   the listing, paged with Link headers
//
// Log events are `data: {"data": "<line>\n", "timestamp": "<RFC 3339>"}`
// followed by a blank line, one per line of the log, as the Hub sends
// them. The Hub closes a finished log's stream; with Hang it keeps it
// open, sending a ": keep-alive" comment every 50 ms until the client
// goes.
type Space struct {
	// Files are the Space's files at "main"; Revisions holds other
	// revisions' files.
	Files     map[string]string
	Revisions map[string]map[string]string
	SDK       string // "gradio" when ""

	Stage        string // "RUNNING" when ""
	Hardware     string // current hardware flavor, "zero-a10g" when ""
	Requested    string // requested flavor, Hardware when ""
	ErrorMessage string

	BuildLog, RunLog string
	// Hang keeps the log streams open after their lines.
	Hang bool
	// Token, when set, makes the Space private: every endpoint answers 401
	// RepoNotFound without "Authorization: Bearer <Token>", and the
	// listing leaves it out.
	Token string
}

// AddSpace serves sp as the Space id ("owner/name").
func (s *HubServer) AddSpace(id string, sp Space) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.spaces == nil {
		s.spaces = map[string]*Space{}
	}
	s.spaces[id] = &sp
}

// space returns the Space id, or nil.
func (s *HubServer) space(id string) *Space {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.spaces[id]
}

// handleSpace answers the Space endpoints for in-memory Spaces; ok is false
// for any other request.
func (s *HubServer) handleSpace(w http.ResponseWriter, r *http.Request, segs []string) (status int, ok bool) {
	if len(segs) == 2 && segs[0] == "api" && segs[1] == "spaces" {
		return s.listSpaces(w, r), true
	}
	var sp *Space
	var rest []string
	switch {
	case len(segs) >= 5 && segs[0] == "api" && segs[1] == "spaces":
		sp, rest = s.space(segs[2]+"/"+segs[3]), segs[4:]
	case len(segs) >= 5 && segs[0] == "spaces" && segs[3] == "resolve":
		sp, rest = s.space(segs[1]+"/"+segs[2]), segs[3:]
	}
	if sp == nil {
		return 0, false
	}
	if sp.Token != "" && r.Header.Get("Authorization") != "Bearer "+sp.Token {
		return hubError(w, http.StatusUnauthorized, "RepoNotFound", "Repository not found"), true
	}
	switch {
	case rest[0] == "runtime" && len(rest) == 1:
		body, _ := json.Marshal(sp.runtime())
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(body)
		return http.StatusOK, true
	case rest[0] == "logs" && len(rest) == 2 && (rest[1] == "build" || rest[1] == "run"):
		text := sp.BuildLog
		if rest[1] == "run" {
			text = sp.RunLog
		}
		return serveEvents(w, r, text, sp.Hang), true
	case rest[0] == "tree" && len(rest) >= 2:
		raw, items, status := sp.tree(w, rest[1])
		if status != 0 {
			return status, true
		}
		return s.tree(w, r, raw, items, rest[1], rest[2:]), true
	case rest[0] == "resolve" && len(rest) >= 3:
		files, status := sp.files(w, rest[1])
		if status != 0 {
			return status, true
		}
		path, err := url.PathUnescape(strings.Join(rest[2:], "/"))
		body, found := files[path]
		if err != nil || !found {
			return hubError(w, http.StatusNotFound, "EntryNotFound", "Entry not found"), true
		}
		return serveBody(w, r, "text/plain; charset=utf-8", []byte(body)), true
	}
	return hubError(w, http.StatusNotFound, "", "Sorry, we can't find the page you are looking for."), true
}

// runtime is the Space's runtime as the Hub answers it.
func (sp *Space) runtime() map[string]any {
	stage, hw, req := sp.Stage, sp.Hardware, sp.Requested
	if stage == "" {
		stage = "RUNNING"
	}
	if hw == "" {
		hw = "zero-a10g"
	}
	if req == "" {
		req = hw
	}
	rt := map[string]any{
		"stage":     stage,
		"hardware":  map[string]any{"current": hw, "requested": req},
		"storage":   nil,
		"gcTimeout": 172800,
		"replicas":  map[string]any{"current": 1, "requested": 1},
		"devMode":   false,
		"sha":       strings.Repeat("0", 40),
	}
	if stage == "BUILD_ERROR" || stage == "BUILDING" {
		rt["hardware"].(map[string]any)["current"] = nil
	}
	if sp.ErrorMessage != "" {
		rt["errorMessage"] = sp.ErrorMessage
	}
	return rt
}

// files returns the files at the escaped revision, or writes 404.
func (sp *Space) files(w http.ResponseWriter, escRev string) (map[string]string, int) {
	rev, err := url.PathUnescape(escRev)
	if err != nil {
		return nil, hubError(w, http.StatusBadRequest, "", "bad revision")
	}
	if rev == "main" {
		return sp.Files, 0
	}
	if f, ok := sp.Revisions[rev]; ok {
		return f, 0
	}
	return nil, hubError(w, http.StatusNotFound, "RevisionNotFound", "Invalid rev id: "+rev)
}

// tree returns the tree items of the Space at the escaped revision.
func (sp *Space) tree(w http.ResponseWriter, escRev string) ([]json.RawMessage, []hubItem, int) {
	files, status := sp.files(w, escRev)
	if status != 0 {
		return nil, nil, status
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	var raw []json.RawMessage
	var items []hubItem
	for _, p := range paths {
		sum := sha1.Sum([]byte(fmt.Sprintf("blob %d\x00%s", len(files[p]), files[p])))
		it := hubItem{Type: "file", OID: hex.EncodeToString(sum[:]), Size: int64(len(files[p])), Path: p}
		b, _ := json.Marshal(it)
		raw, items = append(raw, b), append(items, it)
	}
	return raw, items, 0
}

// serveEvents writes text as a server-sent event stream, one event a line.
func serveEvents(w http.ResponseWriter, r *http.Request, text string, hang bool) int {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flush := func() {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	ts := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for i, line := range strings.SplitAfter(text, "\n") {
		if line == "" {
			continue
		}
		ev, _ := json.Marshal(map[string]string{"data": line, "timestamp": ts.Add(time.Duration(i) * time.Millisecond).Format(time.RFC3339Nano)})
		fmt.Fprintf(w, "data: %s\n\n", ev)
	}
	flush()
	for hang {
		select {
		case <-r.Context().Done():
			return http.StatusOK
		case <-time.After(50 * time.Millisecond):
			fmt.Fprint(w, ": keep-alive\n\n")
			flush()
		}
	}
	return http.StatusOK
}

// listSpaces answers GET /api/spaces?author=OWNER, paged.
func (s *HubServer) listSpaces(w http.ResponseWriter, r *http.Request) int {
	q := r.URL.Query()
	author := q.Get("author")
	expand := map[string]bool{}
	for _, e := range q["expand"] {
		expand[e] = true
	}
	s.mu.Lock()
	var ids []string
	for id, sp := range s.spaces {
		owner, _, _ := strings.Cut(id, "/")
		if (author == "" || owner == author) && (sp.Token == "" || r.Header.Get("Authorization") == "Bearer "+sp.Token) {
			ids = append(ids, id)
		}
	}
	s.mu.Unlock()
	slices.Sort(ids)
	off, end, ok := s.window(w, r, len(ids))
	if !ok {
		return http.StatusBadRequest
	}
	items := []map[string]any{}
	for _, id := range ids[off:end] {
		sp := s.space(id)
		owner, _, _ := strings.Cut(id, "/")
		it := map[string]any{"_id": fmt.Sprintf("%024x", sha1.Sum([]byte(id)))[:24], "id": id}
		if expand["author"] || len(expand) == 0 {
			it["author"] = owner
		}
		if expand["sdk"] || len(expand) == 0 {
			it["sdk"] = cmp.Or(sp.SDK, "gradio")
		}
		if expand["private"] || len(expand) == 0 {
			it["private"] = sp.Token != ""
		}
		if expand["runtime"] {
			it["runtime"] = sp.runtime()
		}
		items = append(items, it)
	}
	body, _ := json.Marshal(items)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(body)
	return http.StatusOK
}
