package fetch

import (
	"bufio"
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
// else Cached returns false and the caller calls Get. The body is not
// checked against its hash here (it is not read): what the caller derived
// from it was derived when the body passed that check.
func (c *Client) Cached(r Request, use func(*Response) bool) (*Response, bool) {
	if c.cache == nil || r.NoStore {
		return nil, false
	}
	r.URL = c.learn(r.URL)
	if !c.cfg.Offline && requestNoCache(r.Header) {
		return nil, false
	}
	e := c.cache.loadMeta(cacheKey(r.URL, r.Accept), r.URL)
	if e == nil {
		return nil, false
	}
	fresh := !c.cfg.Offline && (r.Immutable || (!c.cfg.Refresh && c.fresh(e, c.now())))
	if !c.cfg.Offline && !fresh {
		return nil, false
	}
	res := e.response()
	res.Size = e.Size
	if !use(res) {
		return nil, false
	}
	c.count(func(s *Stats) {
		s.CacheHits++
		if fresh {
			s.FreshHits++
		}
	})
	if fresh {
		c.logf("GET %s: fresh, %d bytes from the cache", r.URL, e.Size)
	}
	return res, true
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
		f, err := os.Open(d.path(key))
		if err != nil {
			return nil
		}
		defer f.Close()
		line, err = bufio.NewReaderSize(f, 4096).ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			return nil // an unusually long line: Get reads the entry whole
		}
		if err != nil {
			return nil
		}
	}
	var e cacheEntry
	if json.Unmarshal(line, &e) != nil || e.URL != rawURL || e.SHA256 == "" {
		return nil
	}
	return &e
}
