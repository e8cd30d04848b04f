// Package fakes runs httptest servers that stand in for the network sources
// zgpu reads: a PyPI-shaped Simple API index serving a mirror folder
// (../shared/mirror by default), GitHub releases and the Hugging Face Hub.
//
// Every fake records the requests it gets (Requests, Count), can add latency
// to each request (WithLatency) and inject faults per path (WithFaults:
// statuses with Retry-After, a connection reset mid-body, a body shorter than
// its Content-Length, a hung response). Files are served with a strong ETag
// (the SHA-256 of the content), honour If-None-Match (304) and HTTP Range
// requests, so cache and range-read tests exercise real protocol paths. The
// PyPI fake also sends PyPI's Cache-Control headers (a 10-minute max-age on
// pages, a year-long one on files), which WithCacheControl changes or turns
// off.
package fakes

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Request is one request a fake received.
type Request struct {
	Method string
	Path   string      // escaped path, as sent
	Query  string      // raw query
	Header http.Header // If-None-Match, Range, Accept, Authorization, ...
	Status int         // the status the fake answered with (0 while it has not)
}

// FaultKind is what a Fault does to a response.
type FaultKind int

const (
	// FaultStatus answers with Status (and Retry-After, when set).
	FaultStatus FaultKind = iota
	// FaultReset sends the headers and half of the body, then resets the
	// connection.
	FaultReset
	// FaultTruncate declares a Content-Length larger than the body it sends,
	// then ends the response.
	FaultTruncate
	// FaultHang never answers; the request ends when the client gives up or
	// the server closes.
	FaultHang
	// FaultHuge announces a 1 TiB body (Content-Length) and sends data
	// until the client hangs up: an oversized answer.
	FaultHuge
	// FaultGarbage answers 200 with a body that is no page, JSON or
	// metadata at all (bytes that are not even UTF-8).
	FaultGarbage
)

// Fault is one injected failure. Faults for the same Path are used in the
// order given, one per request to that path; once they are used up the path
// is served normally.
type Fault struct {
	Path       string // request path, e.g. "/simple/numpy/"; "*" matches every path
	Kind       FaultKind
	Status     int    // FaultStatus
	RetryAfter string // FaultStatus: Retry-After header value, if any
}

// Option configures a fake.
type Option func(*options)

type options struct {
	latency  time.Duration
	faults   []Fault
	htmlOnly bool
	overlay  bool
	noRange  bool
	noETag   bool

	cacheControl    string // PyPI: Cache-Control of pages (WithCacheControl)
	cacheControlSet bool
}

// WithMirrorOverlay serves testdata/mirror-overlay over a PyPI fake's
// folder (MirrorOverlay): the releases the platform's builder installs that
// the test mirror lacks (spaces 0.51.3, authlib, mcp 1.21.0, torch 2.13.0).
func WithMirrorOverlay() Option { return func(o *options) { o.overlay = true } }

// WithLatency delays every response by d.
func WithLatency(d time.Duration) Option { return func(o *options) { o.latency = d } }

// WithFaults injects faults (see Fault).
func WithFaults(f ...Fault) Option {
	return func(o *options) { o.faults = append(o.faults, f...) }
}

// WithoutRange makes the fake ignore Range headers and send whole files.
func WithoutRange() Option { return func(o *options) { o.noRange = true } }

// WithoutETag makes the fake send no ETag and ignore If-None-Match.
func WithoutETag() Option { return func(o *options) { o.noETag = true } }

// recorder is the part every fake shares: request log, latency, faults.
type recorder struct {
	opts options

	mu      sync.Mutex
	reqs    []Request
	faults  map[string][]Fault
	latency time.Duration // opts.latency, changed by SetLatency
	quit    chan struct{}
}

func newRecorder(opts []Option) *recorder {
	r := &recorder{faults: map[string][]Fault{}, quit: make(chan struct{})}
	for _, o := range opts {
		o(&r.opts)
	}
	for _, f := range r.opts.faults {
		r.faults[f.Path] = append(r.faults[f.Path], f)
	}
	r.latency = r.opts.latency
	return r
}

// start serves h behind the recorder and registers its shutdown with tb.
func (r *recorder) start(h http.Handler) *httptest.Server {
	srv := httptest.NewServer(r.wrap(h))
	return srv
}

// stop releases hung handlers and closes srv.
func (r *recorder) stop(srv *httptest.Server) {
	r.mu.Lock()
	select {
	case <-r.quit:
	default:
		close(r.quit)
	}
	r.mu.Unlock()
	srv.CloseClientConnections()
	srv.Close()
}

func (r *recorder) nextFault(path string) (Fault, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, key := range []string{path, "*"} {
		if q := r.faults[key]; len(q) > 0 {
			r.faults[key] = q[1:]
			return q[0], true
		}
	}
	return Fault{}, false
}

func (r *recorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		i := len(r.reqs)
		r.reqs = append(r.reqs, Request{Method: req.Method, Path: req.URL.EscapedPath(), Query: req.URL.RawQuery, Header: req.Header.Clone()})
		d := r.latency
		r.mu.Unlock()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			r.mu.Lock()
			if i < len(r.reqs) {
				r.reqs[i].Status = sw.status
			}
			r.mu.Unlock()
		}()
		if d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-req.Context().Done():
				t.Stop()
				return
			case <-r.quit:
				t.Stop()
				return
			}
		}
		if f, ok := r.nextFault(req.URL.Path); ok {
			r.fault(sw, req, f, h)
			return
		}
		h.ServeHTTP(sw, req)
	})
}

// statusWriter remembers the status a handler wrote, for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Hijack lets a reset fault take the connection over.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("fakes: response writer cannot be hijacked")
	}
	return hj.Hijack()
}

// Flush passes a flush on to the connection.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// setLatency delays every later response by d.
func (r *recorder) setLatency(d time.Duration) {
	r.mu.Lock()
	r.latency = d
	r.mu.Unlock()
}

// failNext makes the next n requests, whatever their path, answer status.
func (r *recorder) failNext(n, status int) {
	r.mu.Lock()
	for i := 0; i < n; i++ {
		r.faults["*"] = append(r.faults["*"], Fault{Path: "*", Kind: FaultStatus, Status: status})
	}
	r.mu.Unlock()
}

// fault applies f. Reset and Truncate send a prefix of what h would have
// sent, so the client sees a plausible response cut short.
func (r *recorder) fault(w http.ResponseWriter, req *http.Request, f Fault, h http.Handler) {
	switch f.Kind {
	case FaultStatus:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		code := f.Status
		if code == 0 {
			code = http.StatusServiceUnavailable
		}
		http.Error(w, fmt.Sprintf("injected %d", code), code)
	case FaultHuge:
		w.Header().Set("Content-Length", strconv.FormatInt(1<<40, 10))
		w.WriteHeader(http.StatusOK)
		chunk := make([]byte, 64<<10)
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			select {
			case <-req.Context().Done():
				return
			case <-r.quit:
				return
			default:
			}
		}
	case FaultGarbage:
		w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("\xff\xfe{\"files\": [\x00\x01"))
	case FaultHang:
		select {
		case <-req.Context().Done():
		case <-r.quit:
		}
	case FaultReset, FaultTruncate:
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body := rec.Body.Bytes()
		if len(body) < 2 {
			body = append(body, "padding-for-a-partial-body"...)
		}
		half := body[:len(body)/2]
		if f.Kind == FaultTruncate {
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(rec.Code)
			w.Write(half)
			return // the server closes the connection: the client reads a short body
		}
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic("fakes: response writer cannot be hijacked")
		}
		conn, buf, err := hj.Hijack()
		if err != nil {
			return
		}
		fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", rec.Code, http.StatusText(rec.Code))
		rec.Header().Set("Content-Length", strconv.Itoa(len(body)))
		rec.Header().Write(buf)
		buf.WriteString("\r\n")
		buf.Write(half)
		buf.Flush()
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0) // close with RST
		}
		conn.Close()
	}
}

// requests returns a copy of the log.
func (r *recorder) requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.reqs...)
}

// count returns how many requests had a path starting with prefix.
func (r *recorder) count(prefix string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, q := range r.reqs {
		if strings.HasPrefix(q.Path, prefix) {
			n++
		}
	}
	return n
}

// reset clears the log.
func (r *recorder) reset() {
	r.mu.Lock()
	r.reqs = nil
	r.mu.Unlock()
}

// WriteTree writes files (slash-separated path -> content) under root,
// creating folders as needed: a fixture tree for PyPI or a find-links
// folder. It fails tb on the first error.
func WriteTree(tb testing.TB, root string, files map[string]string) {
	tb.Helper()
	for p, content := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// ETag returns the strong ETag the fakes give to data.
func ETag(data []byte) string {
	sum := sha256.Sum256(data)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// serveBytes writes data with a strong ETag, honouring If-None-Match and,
// unless disabled, Range (via http.ServeContent).
func (r *recorder) serveBytes(w http.ResponseWriter, req *http.Request, name, contentType string, data []byte) {
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	if !r.opts.noETag {
		w.Header().Set("ETag", ETag(data))
	}
	if r.opts.noRange {
		req.Header.Del("Range")
		if !r.opts.noETag && etagMatch(req.Header.Get("If-None-Match"), ETag(data)) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.WriteHeader(http.StatusOK)
		if req.Method != http.MethodHead {
			w.Write(data)
		}
		return
	}
	if r.opts.noETag {
		req.Header.Del("If-None-Match")
	}
	http.ServeContent(w, req, name, time.Time{}, strings.NewReader(string(data)))
}

// etagMatch reports whether an If-None-Match value matches etag.
func etagMatch(header, etag string) bool {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimSpace(v)
		if v == "*" || strings.TrimPrefix(v, "W/") == etag {
			return true
		}
	}
	return false
}
