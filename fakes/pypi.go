package fakes

import (
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
		s.servePage(w, r, filepath.Join(s.root, "simple"))
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
		s.servePage(w, r, filepath.Join(s.root, "simple", name))
	case strings.HasPrefix(p, "/files/"):
		name := strings.TrimPrefix(p, "/files/")
		if name == "" || strings.Contains(name, "/") || name == ".." {
			http.NotFound(w, r)
			return
		}
		s.serveFile(w, r, filepath.Join(s.root, "files", name))
	default:
		http.NotFound(w, r)
	}
}

// servePage answers a root or project page in the negotiated format.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, dir string) {
	w.Header().Set("Vary", "Accept")
	jsonPath := filepath.Join(dir, "index.json")
	htmlPath := filepath.Join(dir, "index.html")
	_, jerr := os.Stat(jsonPath)
	_, herr := os.Stat(htmlPath)
	if s.rec.opts.htmlOnly {
		jerr = fs.ErrNotExist
	}
	if jerr != nil && herr != nil {
		http.NotFound(w, r)
		return
	}
	var offers []string
	if jerr == nil {
		offers = append(offers, simpleJSON, latestJSON)
	}
	if herr == nil {
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
		s.serveFileAs(w, r, jsonPath, contentJSON, s.pageCC())
	case simpleHTML, latestHTML:
		s.serveFileAs(w, r, htmlPath, simpleHTML, s.pageCC())
	default:
		s.serveFileAs(w, r, htmlPath, contentHTMLT, s.pageCC())
	}
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
