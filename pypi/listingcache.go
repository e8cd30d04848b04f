package pypi

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"slices"
	"time"

	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
)

// The parsed form of a project page (the files the filter keeps) is kept
// beside the HTTP cache (fetch.Client.Derived), keyed by the SHA-256 of
// the page body, the page URL, the filter and listingFormat: a warm or
// offline run reads it instead of parsing the page's JSON or HTML again,
// and offline (or fresh) the page itself is not read at all. The body's
// hash in the key makes a stale listing impossible: a changed page has
// another key. Every page has one, small ones too: W1's 68 pages under
// 32 KB (450 KB of JSON, nearly every file kept: a URL to resolve, hashes
// and times to decode per file) took more CPU to parse than their parsed
// forms to read (offline W1, 25 profiles each, twice: 7-15 ms less per
// run; warm the same; cold writes them off the requests' path).

// listingFormat is bumped when the encoding or the parsers' output changes.
const listingFormat = "listing-v1"

// listingKey names the parsed form of res's body kept by the filter named
// filterKey: the body's SHA-256 (the cache's, when it computed one), the
// final URL and the content type.
func listingKey(res *fetch.Response, filterKey string) string {
	sum := res.BodySHA256
	if sum == "" {
		b := sha256.Sum256(res.Body)
		sum = hex.EncodeToString(b[:])
	}
	h := sha256.Sum256([]byte(listingFormat + "\x00" + res.URL + "\x00" + res.Header.Get("Content-Type") + "\x00" + sum + "\x00" + filterKey))
	return hex.EncodeToString(h[:])
}

// encodeFiles writes files in a compact binary form: for each file its
// strings (length-prefixed), hash maps and numbers, in a fixed order.
func encodeFiles(files []index.File) []byte {
	b := binary.AppendUvarint(nil, uint64(len(files)))
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	hashes := func(h map[string]string) {
		b = binary.AppendUvarint(b, uint64(len(h)))
		if len(h) == 1 {
			for k, v := range h {
				str(k)
				str(v)
			}
			return
		}
		keys := make([]string, 0, len(h))
		for k := range h {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			str(k)
			str(h[k])
		}
	}
	for _, f := range files {
		str(f.Filename)
		str(f.URL)
		hashes(f.Hashes)
		b = binary.AppendVarint(b, f.Size)
		str(f.RequiresPython)
		flags := byte(0)
		if f.Yanked {
			flags |= 1
		}
		if f.CoreMetadata {
			flags |= 2
		}
		if !f.UploadTime.IsZero() {
			flags |= 4
		}
		b = append(b, flags)
		str(f.YankedReason)
		if !f.UploadTime.IsZero() {
			b = binary.AppendVarint(b, f.UploadTime.UnixNano())
		}
		hashes(f.MetadataHashes)
		str(f.Origin)
		str(f.Path)
	}
	return b
}

var errListing = errors.New("bad cached listing")

// decodeFiles reads encodeFiles' output.
func decodeFiles(b []byte) ([]index.File, error) {
	bad := false
	uv := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	sv := func() int64 {
		v, n := binary.Varint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	str := func() string {
		n := uv()
		if bad || n > uint64(len(b)) {
			bad = true
			return ""
		}
		s := string(b[:n])
		b = b[n:]
		return s
	}
	hashes := func() map[string]string {
		n := uv()
		if bad || n == 0 || n > uint64(len(b)) {
			return nil
		}
		h := make(map[string]string, n)
		for range n {
			k := str()
			h[k] = str()
		}
		return h
	}
	n := uv()
	if bad || n > uint64(len(b)) {
		return nil, errListing
	}
	files := make([]index.File, n)
	for i := range files {
		f := &files[i]
		f.Filename = str()
		f.URL = str()
		f.Hashes = hashes()
		f.Size = sv()
		f.RequiresPython = str()
		if len(b) == 0 {
			return nil, errListing
		}
		flags := b[0]
		b = b[1:]
		f.Yanked, f.CoreMetadata = flags&1 != 0, flags&2 != 0
		f.YankedReason = str()
		if flags&4 != 0 {
			f.UploadTime = time.Unix(0, sv()).UTC()
		}
		f.MetadataHashes = hashes()
		f.Origin = str()
		f.Path = str()
		if bad {
			return nil, errListing
		}
	}
	if len(b) != 0 {
		return nil, errListing
	}
	return files, nil
}
