package fakes

import (
	"encoding/json"
	"errors"
	"io/fs"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/internal/testonly/shared"
	"github.com/zgpu/zgpu/pep508"
)

// Media types of the Simple API (PEP 691).
const (
	simpleJSON   = "application/vnd.pypi.simple.v1+json"
	simpleHTML   = "application/vnd.pypi.simple.v1+html"
	textHTML     = "text/html"
	latestJSON   = "application/vnd.pypi.simple.latest+json"
	latestHTML   = "application/vnd.pypi.simple.latest+html"
	contentJSON  = simpleJSON
	contentHTMLT = "text/html; charset=utf-8"
)

// Server is a running fake.
type Server struct {
	// URL is the index URL for PyPI fakes (ending in "/simple/"); Base is
	// the server root without a trailing slash.
	URL  string
	Base string

	srv  *httptest.Server
	rec  *recorder
	root string
	// overlay is a mirror-shaped folder whose pages add files to root's and
	// whose files are served first (WithMirrorOverlay); "" for none.
	overlay string
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request { return s.rec.requests() }

// Count returns how many requests had a path starting with pathPrefix.
func (s *Server) Count(pathPrefix string) int { return s.rec.count(pathPrefix) }

// ResetRequests clears the request log.
func (s *Server) ResetRequests() { s.rec.reset() }

// Close stops the server; tests need not call it (tb.Cleanup does).
func (s *Server) Close() { s.rec.stop(s.srv) }

// WithHTMLOnly makes a PyPI fake serve only HTML pages (PEP 503), as an
// index that predates PEP 691 does, whatever the Accept header.
func WithHTMLOnly() Option { return func(o *options) { o.htmlOnly = true } }

// Cache-Control values PyPI sends: pypi.org's Simple API pages, and
// files.pythonhosted.org's files (wheels, sdists, .metadata files).
const (
	PageCacheControl = "max-age=600, public"
	FileCacheControl = "max-age=365000000, immutable, public"
)

// WithCacheControl makes a PyPI fake answer project pages and the root with
// Cache-Control v instead of PageCacheControl; "" sends no Cache-Control on
// any response, files included, like a plain static server, so that a
// client's cache must revalidate everything (the 304 path).
func WithCacheControl(v string) Option {
	return func(o *options) { o.cacheControl, o.cacheControlSet = v, true }
}

// pageCC and fileCC are the Cache-Control values of pages and files.
func (s *Server) pageCC() string {
	if s.rec.opts.cacheControlSet {
		return s.rec.opts.cacheControl
	}
	return PageCacheControl
}

func (s *Server) fileCC() string {
	if s.rec.opts.cacheControlSet && s.rec.opts.cacheControl == "" {
		return ""
	}
	return FileCacheControl
}

// PyPI serves a mirror-shaped folder as a Simple API index:
//
//	/simple/                 root page (index.json or index.html)
//	/simple/<name>/          project page, PEP 691 content negotiation between
//	                         <root>/simple/<name>/index.json and index.html;
//	                         a name not in normalized form redirects to it
//	/files/<file>            <root>/files/<file> (wheels, .metadata files)
//
// Pages carry Cache-Control PageCacheControl and files FileCacheControl, as
// PyPI's do (see WithCacheControl).
//
// root "" is the shared offline mirror (../shared/mirror); tests that need
// other pages write their own tree in a temporary folder. The server stops
// when the test ends.
func PyPI(tb testing.TB, root string, opts ...Option) *Server {
	tb.Helper()
	if root == "" {
		root = shared.Dir(tb, "mirror")
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		tb.Fatalf("fakes.PyPI: %s is not a folder", root)
	}
	s := &Server{rec: newRecorder(opts), root: root}
	if s.rec.opts.overlay {
		s.overlay = MirrorOverlay()
	}
	s.srv = s.rec.start(http.HandlerFunc(s.serve))
	s.Base = s.srv.URL
	s.URL = s.srv.URL + "/simple/"
	tb.Cleanup(s.Close)
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	switch {
	case p == "/simple" || p == "/simple/":
		if p == "/simple" {
			http.Redirect(w, r, "/simple/", http.StatusMovedPermanently)
			return
		}
		s.servePage(w, r, "simple")
	case strings.HasPrefix(p, "/simple/"):
		rest := strings.TrimPrefix(p, "/simple/")
		name, tail, _ := strings.Cut(rest, "/")
		if tail != "" || name == "" {
			http.NotFound(w, r)
			return
		}
		if norm := pep508.NormalizeName(name); norm != name || !strings.HasSuffix(p, "/") {
			http.Redirect(w, r, "/simple/"+norm+"/", http.StatusMovedPermanently)
			return
		}
		s.servePage(w, r, filepath.Join("simple", name))
	case strings.HasPrefix(p, "/files/"):
		name := strings.TrimPrefix(p, "/files/")
		if name == "" || strings.Contains(name, "/") || name == ".." {
			http.NotFound(w, r)
			return
		}
		file := filepath.Join(s.root, "files", name)
		if s.overlay != "" {
			if o := filepath.Join(s.overlay, "files", name); exists(o) {
				file = o
			}
		}
		s.serveFile(w, r, file)
	default:
		http.NotFound(w, r)
	}
}

// servePage answers a root or project page (rel, "simple/<name>") in the
// negotiated format.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, rel string) {
	w.Header().Set("Vary", "Accept")
	jsonPath := filepath.Join(s.root, rel, "index.json")
	htmlPath := filepath.Join(s.root, rel, "index.html")
	var overJSON, overHTML string
	if s.overlay != "" {
		overJSON, overHTML = filepath.Join(s.overlay, rel, "index.json"), filepath.Join(s.overlay, rel, "index.html")
	}
	hasJSON := exists(jsonPath) || exists(overJSON)
	hasHTML := exists(htmlPath) || exists(overHTML)
	if s.rec.opts.htmlOnly {
		hasJSON = false
	}
	if !hasJSON && !hasHTML {
		http.NotFound(w, r)
		return
	}
	var offers []string
	if hasJSON {
		offers = append(offers, simpleJSON, latestJSON)
	}
	if hasHTML {
		offers = append(offers, simpleHTML, latestHTML, textHTML)
	}
	accept := r.Header.Get("Accept")
	if s.rec.opts.htmlOnly {
		accept = "" // an old index does not negotiate
	}
	choice := negotiate(accept, offers)
	switch choice {
	case "":
		http.Error(w, "not acceptable", http.StatusNotAcceptable)
	case simpleJSON, latestJSON:
		s.servePageAs(w, r, jsonPath, overJSON, mergeJSON, contentJSON)
	case simpleHTML, latestHTML:
		s.servePageAs(w, r, htmlPath, overHTML, mergeHTML, simpleHTML)
	default:
		s.servePageAs(w, r, htmlPath, overHTML, mergeHTML, contentHTMLT)
	}
}

// servePageAs serves the page at file, with the files of the overlay's page
// over added (merge), or the overlay's page alone when file does not exist.
func (s *Server) servePageAs(w http.ResponseWriter, r *http.Request, file, over string, merge func(base, add []byte) ([]byte, error), contentType string) {
	if !exists(over) {
		s.serveFileAs(w, r, file, contentType, s.pageCC())
		return
	}
	if !exists(file) {
		s.serveFileAs(w, r, over, contentType, s.pageCC())
		return
	}
	base, err1 := os.ReadFile(file)
	add, err2 := os.ReadFile(over)
	data, err3 := merge(base, add)
	if err := errors.Join(err1, err2, err3); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if cc := s.pageCC(); cc != "" {
		w.Header().Set("Cache-Control", cc)
	}
	s.rec.serveBytes(w, r, filepath.Base(file), contentType, data)
}

// mergeJSON adds the files and versions of the PEP 691 page add to base's.
func mergeJSON(base, add []byte) ([]byte, error) {
	var b, a map[string]any
	if err := json.Unmarshal(base, &b); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(add, &a); err != nil {
		return nil, err
	}
	for _, key := range []string{"files", "versions", "projects"} {
		if extra, ok := a[key].([]any); ok {
			have, _ := b[key].([]any)
			b[key] = append(have, extra...)
		}
	}
	return json.MarshalIndent(b, "", "  ")
}

// mergeHTML adds the links of the PEP 503 page add before base's </body>.
func mergeHTML(base, add []byte) ([]byte, error) {
	var links []string
	for line := range strings.Lines(string(add)) {
		if strings.Contains(line, "<a ") {
			links = append(links, line)
		}
	}
	i := strings.LastIndex(string(base), "</body>")
	if i < 0 {
		return nil, errors.New("overlay: the mirror's page has no </body>")
	}
	return []byte(string(base[:i]) + strings.Join(links, "") + string(base[i:])), nil
}

func exists(path string) bool {
	if path == "" {
		return false
	}
	_, err := os.Stat(path)
	return err == nil
}

// MirrorOverlay is the folder of releases the builder installs that the
// test mirror lacks (testdata/mirror-overlay; see its README).
func MirrorOverlay() string {
	return filepath.Join(shared.Root(), "testdata", "mirror-overlay")
}

func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, file string) {
	ct := mime.TypeByExtension(path.Ext(file))
	switch {
	case strings.HasSuffix(file, ".metadata"):
		ct = "text/plain; charset=utf-8"
	case ct == "":
		ct = "application/octet-stream"
	}
	s.serveFileAs(w, r, file, ct, s.fileCC())
}

// serveFileAs serves file with a Content-Type and, when cacheControl is not
// empty, a Cache-Control header.
func (s *Server) serveFileAs(w http.ResponseWriter, r *http.Request, file, contentType, cacheControl string) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if cacheControl != "" {
		w.Header().Set("Cache-Control", cacheControl)
	}
	s.rec.serveBytes(w, r, filepath.Base(file), contentType, data)
}

// negotiate picks the offer the Accept header likes best (RFC 9110 section
// 12.5.1): highest q, then the most specific range, then server order. An
// empty header accepts text/html (what an old client gets).
func negotiate(accept string, offers []string) string {
	if strings.TrimSpace(accept) == "" {
		for _, o := range offers {
			if o == textHTML {
				return o
			}
		}
		if len(offers) > 0 {
			return offers[len(offers)-1]
		}
		return ""
	}
	type rng struct {
		typ  string
		q    float64
		spec int
	}
	var ranges []rng
	for _, part := range strings.Split(accept, ",") {
		fields := strings.Split(part, ";")
		typ := strings.ToLower(strings.TrimSpace(fields[0]))
		if typ == "" {
			continue
		}
		q := 1.0
		for _, p := range fields[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		spec := 2
		if typ == "*/*" {
			spec = 0
		} else if strings.HasSuffix(typ, "/*") {
			spec = 1
		}
		ranges = append(ranges, rng{typ, q, spec})
	}
	type cand struct {
		offer string
		q     float64
		order int
	}
	var cands []cand
	for i, o := range offers {
		best, bestSpec := -1.0, -1
		for _, r := range ranges {
			match := r.typ == o || r.typ == "*/*" ||
				(r.spec == 1 && strings.HasPrefix(o, strings.TrimSuffix(r.typ, "*")))
			if match && r.spec > bestSpec {
				best, bestSpec = r.q, r.spec
			}
		}
		if best > 0 {
			cands = append(cands, cand{o, best, i})
		}
	}
	if len(cands) == 0 {
		return ""
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].q != cands[j].q {
			return cands[i].q > cands[j].q
		}
		return cands[i].order < cands[j].order
	})
	return cands[0].offer
}
