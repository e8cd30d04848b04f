package fetch

import (
	"bytes"
	"encoding/json"
	"os"
)

// Cached offers what Get would serve from the cache without a request
// (offline, or a fresh or immutable entry) without reading its body: the
// Response has the final URL, status, header, Size and BodySHA256 of the
// cached body, and no Body. use says whether that is enough (a caller
// holding something derived from the body under its SHA-256); if it
// returns true the response counts as a cache hit and Cached returns it,
// else Cached returns false and reads nothing more. Get does the same
// with Request.UseCached, and goes on when it is refused. The body is not
// checked against its hash here (it is not read): what the caller derived
// from it was derived when the body passed that check.
func (c *Client) Cached(r Request, use func(*Response) bool) (*Response, bool) {
	r.URL = c.learn(r.URL)
	r.UseCached = use
	if _, _, _, used := c.cachedEntry(r, true); used != nil {
		c.countUsed(r.URL, used)
		return used, true
	}
	return nil, false
}

// readFirstLine returns the first line of the file at p, newline
// included, or nil when it cannot be read or has no newline in its first
// 4 KB (an unusually long line: Get reads such an entry whole). Most
// metadata lines are a few hundred bytes: one read of 1 KB finds them.
func readFirstLine(p string) []byte {
	f, err := os.Open(p)
	if err != nil {
		return nil
	}
	defer f.Close()
	buf := make([]byte, 1024)
	n := 0
	for n < 4096 {
		if n == len(buf) {
			buf = append(buf, make([]byte, len(buf))...)
		}
		m, err := f.Read(buf[n:])
		if i := bytes.IndexByte(buf[n:n+m], '\n'); i >= 0 {
			return buf[:n+i+1]
		}
		n += m
		if err != nil {
			return nil
		}
	}
	return nil
}

// loadMeta reads the metadata line of key's entry alone, or returns nil.
// Nothing is removed: a damaged entry is Get's to discard.
func (d *diskCache) loadMeta(key, rawURL string) *cacheEntry {
	var line []byte
	if b, ok := behind.queued(d.path(key)); ok {
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 {
			return nil
		}
		line = b[:nl+1]
	} else {
		if line = readFirstLine(d.path(key)); line == nil {
			return nil
		}
	}
	var e cacheEntry
	if json.Unmarshal(line, &e) != nil || e.URL != rawURL || e.SHA256 == "" {
		return nil
	}
	return &e
}
