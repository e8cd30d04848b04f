package fetch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// diskCache stores one file per (URL, Accept): a line of JSON metadata, a
// newline, then the body. Files are written atomically.
type diskCache struct {
	dir string
	// behind queues writes (Config.WriteBehind, writebehind.go); their
	// errors go to logf.
	behind bool
	logf   func(string, ...any)

	mkdir    sync.Once // the folder is made at the first write
	mkdirErr error
}

// cacheEntry is the metadata line of a cache file.
type cacheEntry struct {
	URL          string `json:"url"`       // as requested
	FinalURL     string `json:"final_url"` // after redirects
	Status       int    `json:"status"`
	ContentType  string `json:"content_type,omitempty"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// Link is the Link header: paginated listings (GitHub, the Hub) name
	// their next page in it, so a cached page must keep it.
	Link string `json:"link,omitempty"`
	// CacheControl and Age are the response's headers of those names, the
	// inputs of freshness; Stored is when the response (or the last 304
	// renewing it) arrived.
	CacheControl string    `json:"cache_control,omitempty"`
	Age          int64     `json:"age,omitempty"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`
	Stored       time.Time `json:"stored"`

	body []byte
}

// cacheFormat is bumped when the layout changes; older entries are misses.
const cacheFormat = "v2"

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// cacheKey names the entry of a URL fetched with an Accept header.
func cacheKey(rawURL, accept string) string {
	h := sha256.Sum256([]byte(cacheFormat + "\x00" + rawURL + "\x00" + accept))
	return hex.EncodeToString(h[:])
}

// path names an entry. The folder is flat: a cold run writes a few hundred
// entries, and a folder per key prefix cost a mkdir for most of them (a
// fifth of a cold lock's CPU).
func (d *diskCache) path(key string) string {
	return filepath.Join(d.dir, key+".entry")
}

// makeDir makes the cache folder once.
func (d *diskCache) makeDir() error {
	d.mkdir.Do(func() { d.mkdirErr = os.MkdirAll(d.dir, 0o700) })
	return d.mkdirErr
}

// load returns the entry for key, or nil. An entry that cannot be decoded,
// does not belong to rawURL, or whose body fails its checksum is removed.
func (d *diskCache) load(key, rawURL string, logf func(string, ...any)) *cacheEntry {
	p := d.path(key)
	data, err := readCacheFile(p)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			logf("cache: %v", err)
		}
		return nil
	}
	e, err := decodeEntry(data)
	if err == nil && e.URL != rawURL {
		err = fmt.Errorf("entry is for another URL")
	}
	if err != nil {
		logf("cache: discarding %s: %v", p, err)
		removeCacheFile(p)
		return nil
	}
	return e
}

// decodeEntry parses and verifies a cache file.
func decodeEntry(data []byte) (*cacheEntry, error) {
	nl := bytes.IndexByte(data, '\n')
	if nl < 0 {
		return nil, errors.New("no metadata line")
	}
	var e cacheEntry
	if err := json.Unmarshal(data[:nl], &e); err != nil {
		return nil, fmt.Errorf("bad metadata: %v", err)
	}
	body := data[nl+1:]
	if int64(len(body)) != e.Size {
		return nil, fmt.Errorf("body is %d bytes, want %d", len(body), e.Size)
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != e.SHA256 {
		return nil, errors.New("body checksum mismatch")
	}
	e.body = body
	return &e, nil
}

// store writes res, received at now, as the entry for key.
// It sets res.BodySHA256.
func (d *diskCache) store(key, rawURL string, res *Response, now time.Time, old *cacheEntry) error {
	res.BodySHA256 = sha256Hex(res.Body)
	e := &cacheEntry{
		URL:          stripUserinfo(rawURL),
		FinalURL:     stripUserinfo(res.URL),
		Status:       res.Status,
		ContentType:  res.Header.Get("Content-Type"),
		ETag:         res.Header.Get("ETag"),
		LastModified: res.Header.Get("Last-Modified"),
		Link:         res.Header.Get("Link"),
		CacheControl: strings.Join(res.Header.Values("Cache-Control"), ", "),
		Age:          ageHeader(res.Header),
		Size:         int64(len(res.Body)),
		SHA256:       res.BodySHA256,
		Stored:       now.UTC(),
		body:         res.Body,
	}
	if old != nil && old.sameAs(e) && !parseCacheControl(e.CacheControl).hasMaxAge {
		// The server sent what the cache holds, and nothing in the entry
		// depends on when it was stored (no max-age): rewriting it would
		// cost a file per page on every warm run against an index that
		// sends no validators.
		return nil
	}
	return d.write(key, e)
}

// sameAs reports whether n stores what e stores, but for when (its body
// compared by size and SHA-256).
func (e *cacheEntry) sameAs(n *cacheEntry) bool {
	return e.URL == n.URL && e.FinalURL == n.FinalURL && e.Status == n.Status &&
		e.ContentType == n.ContentType && e.ETag == n.ETag && e.LastModified == n.LastModified &&
		e.Link == n.Link && e.CacheControl == n.CacheControl && e.Size == n.Size && e.SHA256 == n.SHA256
}

// write writes e (metadata and body) as the entry for key.
func (d *diskCache) write(key string, e *cacheEntry) error {
	meta, err := json.Marshal(e)
	if err != nil {
		return err
	}
	p := d.path(key)
	// The cache is private to its user (RFC 9111's private cache): its
	// folder is created 0700 and its entries 0600.
	if err := d.makeDir(); err != nil {
		return err
	}
	if d.behind {
		behind.put(p, d.logf, append(meta, '\n'), e.body)
		return nil
	}
	return writeEntry(p, append(meta, '\n'), e.body)
}

// writeEntry writes parts, one after another, to p through a temporary
// file renamed over it, so that a reader sees the old entry or the new one,
// never a part. Unlike
// atomicfile, it does not fsync: an entry is a copy of a response, and one
// that a crash leaves short or garbled fails its size or SHA-256 check
// when read, is deleted and fetched again. Entries are private to the
// user (0600, os.CreateTemp's mode). (An fsync per entry cost 6-8%
// of a cold lock's wall time, while holding a request slot.)
func writeEntry(p string, parts ...[]byte) error {
	f, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	bufs := net.Buffers(parts)
	_, err = bufs.WriteTo(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// renew updates e from the headers of a 304 that validated it at now (RFC
// 9111 section 4.3.4): the validators and Cache-Control it carries, its Age,
// and the time stored, which restarts the freshness lifetime. It reports
// whether rewriting e is worth a disk write: when it can now be fresh, or
// when its Cache-Control changed. (An entry that is never fresh, the
// common case of a server without Cache-Control, is not rewritten on every
// 304.)
func (e *cacheEntry) renew(h http.Header, now time.Time) bool {
	changed := false
	if v := h.Get("ETag"); v != "" && v != e.ETag {
		e.ETag, changed = v, true
	}
	if v := h.Get("Last-Modified"); v != "" && v != e.LastModified {
		e.LastModified, changed = v, true
	}
	if vs := h.Values("Cache-Control"); len(vs) > 0 {
		if v := strings.Join(vs, ", "); v != e.CacheControl {
			e.CacheControl, changed = v, true
		}
	}
	e.Age = ageHeader(h)
	e.Stored = now.UTC()
	cc := parseCacheControl(e.CacheControl)
	return changed || (cc.hasMaxAge && cc.maxAge > 0 && !cc.noCache && !cc.noStore)
}

// response rebuilds a Response from a cache entry.
func (e *cacheEntry) response() *Response {
	h := http.Header{}
	if e.ContentType != "" {
		h.Set("Content-Type", e.ContentType)
	}
	if e.ETag != "" {
		h.Set("ETag", e.ETag)
	}
	if e.LastModified != "" {
		h.Set("Last-Modified", e.LastModified)
	}
	if e.Link != "" {
		h.Set("Link", e.Link)
	}
	status := e.Status
	if status == 0 {
		status = http.StatusOK
	}
	return &Response{URL: e.FinalURL, Status: status, Header: h, Body: e.body, FromCache: true, BodySHA256: e.SHA256}
}
