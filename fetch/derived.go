package fetch

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Derived data: what a caller computes from cached responses (a parsed
// project page) and keeps beside them, under <CacheDir>/derived/<key>,
// so that a warm run skips the computation. The caller's key must name
// everything the data depends on (a hash of the body it came from, the
// format); entries carry a SHA-256 of their data, and one that fails it is
// deleted and reported as a miss. Offline mode reads and writes them too:
// they are local.

// Derived returns the data stored under key, or nil.
func (c *Client) Derived(key string) []byte {
	p := c.derivedPath(key)
	if p == "" {
		return nil
	}
	b, err := readCacheFile(p)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.logf("cache: %v", err)
		}
		return nil
	}
	if len(b) < sha256.Size {
		removeCacheFile(p)
		return nil
	}
	sum := sha256.Sum256(b[sha256.Size:])
	if !bytes.Equal(sum[:], b[:sha256.Size]) {
		c.logf("cache: discarding %s: checksum mismatch", p)
		removeCacheFile(p)
		return nil
	}
	return b[sha256.Size:]
}

// StoreDerived keeps data under key; without a cache it does nothing.
// Failures are logged, not returned: the data can be computed again.
func (c *Client) StoreDerived(key string, data []byte) {
	p := c.derivedPath(key)
	if p == "" {
		return
	}
	c.derivedDir.Do(func() { c.derivedErr = os.MkdirAll(filepath.Dir(p), 0o700) })
	if c.derivedErr != nil {
		c.logf("cache: %v", c.derivedErr)
		return
	}
	sum := sha256.Sum256(data)
	if c.cfg.WriteBehind {
		behind.put(p, c.logf, sum[:], data)
		return
	}
	if err := writeEntry(p, sum[:], data); err != nil {
		c.logf("cache: %v", err)
	}
}

// HasCache reports whether the client has a disk cache.
func (c *Client) HasCache() bool { return c.cache != nil }

func (c *Client) derivedPath(key string) string {
	if c.cache == nil || len(key) < 3 || filepath.Base(key) != key {
		return ""
	}
	return filepath.Join(filepath.Dir(c.cache.dir), "derived", key)
}
