// Package pypi reads package indexes that speak the Simple Repository API,
// and find-links pages and folders, as index.Lister and index.MetadataReader.
//
// Implemented: PEP 503 (HTML project pages; name normalization), PEP 691
// (JSON pages, negotiated with the Accept header, with HTML as the
// fallback), PEP 592 (yanked files, with a reason), PEP 629 (api-version:
// only major version 1 is read), PEP 658 and PEP 714 (core metadata served
// beside a file as URL + ".metadata", under the core-metadata key or the
// older dist-info-metadata one, verified against its hash), PEP 700
// (versions, size and upload-time). URLs are resolved against the final
// page URL (after redirects), or a <base href> on HTML pages; a "#alg=hex"
// fragment becomes the file's hash.
//
// Caching is fetch's: project pages follow the index's Cache-Control (PyPI
// lets them be reused for 10 minutes without a request). A metadata file
// whose listing gives a sha256 (or stronger) hash is content addressed: it
// is read as fetch.Request.Immutable, so a cached copy costs no request, and
// it is still verified on every read; a cached copy that fails the hash is
// discarded and fetched once more (Stats.CacheMismatches).
//
// Without a metadata file, the METADATA of a wheel is read with HTTP range
// requests on its zip central directory (see Reader); only a server that
// ignores Range costs a full download.
//
// Deviations from pip: the Simple API root page is never read (projects are
// addressed directly); a JSON api-version other than 1.x is an error rather
// than a warning; a Multi lister fails when one of its indexes fails
// (other than "not found") instead of warning and going on.
package pypi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/pep508"
)

// Accept is the Accept header of a project page request: PEP 691 JSON
// first, then HTML (PEP 691's recommended value).
const Accept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"

// DefaultIndexURL is PyPI's Simple API.
const DefaultIndexURL = "https://pypi.org/simple/"

// Index is one Simple API index, e.g. https://pypi.org/simple/. It
// implements index.Lister and index.MetadataReader.
type Index struct {
	*Reader
	url    string
	client *fetch.Client

	mu    sync.Mutex
	pages map[string]*pageCall
}

type pageCall struct {
	done  chan struct{}
	files []index.File
	err   error
}

// New returns the index at indexURL (a trailing slash is added).
func New(indexURL string, c *fetch.Client) *Index {
	if !strings.HasSuffix(indexURL, "/") {
		indexURL += "/"
	}
	return &Index{Reader: NewReader(c), url: indexURL, client: c, pages: map[string]*pageCall{}}
}

// URL returns the index URL, with its trailing slash.
func (ix *Index) URL() string { return ix.url }

// Files lists the files of project from its page <index>/<normalized>/.
// Results are remembered for the life of the Index; concurrent calls for
// one project share one request. A 404 is an *index.NotFoundError.
func (ix *Index) Files(ctx context.Context, project string) ([]index.File, error) {
	return ix.FilesFiltered(ctx, project, index.Filter{})
}

// FilesFiltered is Files building only the files f keeps: the page is
// fetched (or read from the cache) once for every filter, parsed once per
// filter, and its parsed form cached per filter (f.Key).
func (ix *Index) FilesFiltered(ctx context.Context, project string, f index.Filter) ([]index.File, error) {
	name := pep508.NormalizeName(strings.TrimSpace(project))
	if name == "" {
		return nil, fmt.Errorf("empty project name")
	}
	key := name + "\x00" + f.Key
	ix.mu.Lock()
	call, ok := ix.pages[key]
	if !ok {
		call = &pageCall{done: make(chan struct{})}
		ix.pages[key] = call
		ix.mu.Unlock()
		call.files, call.err = ix.fetchFiles(ctx, project, name, f)
		if call.err != nil {
			// Do not remember failures: a later call may succeed.
			ix.mu.Lock()
			delete(ix.pages, key)
			ix.mu.Unlock()
		}
		close(call.done)
	} else {
		ix.mu.Unlock()
		select {
		case <-call.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if call.err != nil && ctx.Err() == nil && (errors.Is(call.err, context.Canceled) || errors.Is(call.err, context.DeadlineExceeded)) {
			// The caller that made the request was canceled, not this
			// one (a lock the torch loop no longer needs): ask again.
			return ix.FilesFiltered(ctx, project, f)
		}
	}
	if call.err != nil {
		if _, nf := call.err.(*index.NotFoundError); nf {
			return nil, &index.NotFoundError{Project: project, Source: ix.url}
		}
		return nil, call.err
	}
	return append([]index.File(nil), call.files...), nil
}

func (ix *Index) fetchFiles(ctx context.Context, project, name string, filter index.Filter) ([]index.File, error) {
	pageURL := ix.url + name + "/"
	var keep func(string) bool
	if filter.New != nil {
		keep = filter.New()
	}
	if strings.HasPrefix(pageURL, "file:") {
		return ix.localFiles(project, pageURL, keep)
	}
	var files []index.File
	res, err := ix.client.Get(ctx, fetch.Request{URL: pageURL, Accept: Accept, UseCached: ix.cachedListing(filter.Key, &files)})
	if err != nil {
		if fetch.IsNotFound(err) {
			return nil, &index.NotFoundError{Project: project, Source: ix.url}
		}
		return nil, err
	}
	ix.count(func(s *Stats) { s.Pages++ })
	if res.Body != nil || files == nil {
		if files, err = ix.parseCached(res, filter.Key, keep); err != nil {
			return nil, fmt.Errorf("%s: %w", res.URL, err)
		}
	}
	for i := range files {
		files[i].Origin = ix.url + name + "/"
	}
	return files, nil
}

// cachedListing is the fetch.Request.UseCached of a project page: a page
// the cache would serve without a request (offline, or fresh) is not read
// when its parsed form is kept (listingcache.go); it is decoded into
// *files instead. The page's body is read, hashed and parsed only when
// its parsed form is missing.
func (ix *Index) cachedListing(filterKey string, files *[]index.File) func(*fetch.Response) bool {
	return func(res *fetch.Response) bool {
		data := ix.client.Derived(listingKey(res, filterKey))
		if data == nil {
			return false
		}
		fs, err := decodeFiles(data)
		if err != nil {
			return false
		}
		if fs == nil {
			fs = []index.File{}
		}
		*files = fs
		return true
	}
}

// parseCached parses a project page, keeping the files keep accepts, or
// reads its parsed form from the cache when an earlier run parsed the same
// body with the same filter (listingcache.go).
func (ix *Index) parseCached(res *fetch.Response, filterKey string, keep func(string) bool) ([]index.File, error) {
	ct := res.Header.Get("Content-Type")
	if !ix.client.HasCache() {
		return parsePage(res.Body, ct, res.URL, keep)
	}
	key := listingKey(res, filterKey)
	if data := ix.client.Derived(key); data != nil {
		if files, err := decodeFiles(data); err == nil {
			return files, nil
		}
	}
	files, err := parsePage(res.Body, ct, res.URL, keep)
	if err == nil {
		ix.client.StoreDerived(key, encodeFiles(files))
	}
	return files, err
}

// localFiles reads a project page of a file:// index: the folder's
// index.json (PEP 691), else its index.html, as a static mirror holds them.
func (ix *Index) localFiles(project, pageURL string, keep func(string) bool) ([]index.File, error) {
	dir, err := filePath(pageURL)
	if err != nil {
		return nil, err
	}
	for _, p := range []struct{ file, ct string }{{"index.json", "application/vnd.pypi.simple.v1+json"}, {"index.html", "text/html"}} {
		body, err := os.ReadFile(filepath.Join(dir, p.file))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		ix.count(func(s *Stats) { s.Pages++ })
		files, err := parsePage(body, p.ct, pageURL, keep)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, p.file), err)
		}
		for i := range files {
			files[i].Origin = pageURL
		}
		return files, nil
	}
	return nil, &index.NotFoundError{Project: project, Source: ix.url}
}

// ParsePage parses a project page in the format its Content-Type names
// (PEP 691 JSON, or HTML), resolving URLs against pageURL. With no usable
// Content-Type, a body starting with '{' is read as JSON.
func ParsePage(body []byte, contentType, pageURL string) ([]index.File, error) {
	return parsePage(body, contentType, pageURL, nil)
}

// parsePage is ParsePage building only the files keep accepts (nil: all).
func parsePage(body []byte, contentType, pageURL string, keep func(string) bool) ([]index.File, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch {
	case mt == "application/vnd.pypi.simple.v1+json" || mt == "application/vnd.pypi.simple.latest+json" || mt == "application/json":
		return parseJSON(body, pageURL, keep)
	case strings.HasSuffix(mt, "+json"):
		return nil, fmt.Errorf("unsupported Simple API format %q", mt)
	case mt == "text/html" || mt == "application/vnd.pypi.simple.v1+html" || mt == "application/vnd.pypi.simple.latest+html" || mt == "application/xhtml+xml":
		return parseHTML(body, pageURL, keep)
	}
	if bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		return parseJSON(body, pageURL, keep)
	}
	return parseHTML(body, pageURL, keep)
}

// Stats counts what a Reader or Index did.
type Stats struct {
	Pages         int64 // project pages read (network or cache)
	MetadataFiles int64 // PEP 658 .metadata files read
	RangeReads    int64 // wheels whose METADATA was read with range requests
	RangeRequests int64 // HTTP range requests made for them
	FullDownloads int64 // wheels downloaded whole because ranges were refused

	// CacheMismatches counts cached metadata files that failed the hash of
	// their listing and were fetched again.
	CacheMismatches int64
}

var _ index.FilteredLister = (*Index)(nil)
var _ index.MetadataReader = (*Index)(nil)

// isNotFound reports whether err is a 404 from the server.
func isNotFound(err error) bool { return fetch.IsNotFound(err) }
