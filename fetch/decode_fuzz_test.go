package fetch

import (
	"testing"
	"time"
)

// FuzzDecodeEntry: a cache file of any content is decoded or refused,
// never trusted unchecked, and never crashes the reader.
func FuzzDecodeEntry(f *testing.F) {
	f.Add([]byte(`{"url":"u","final_url":"u","status":200,"size":2,"sha256":"x"}` + "\nhi"))
	f.Add([]byte("no metadata line"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := decodeEntry(data)
		if err == nil && int64(len(e.body)) != e.Size {
			t.Fatalf("accepted an entry whose body is %d bytes, metadata says %d", len(e.body), e.Size)
		}
	})
}

// FuzzParseNetrc: any netrc text gives credentials with a host (the
// default entry last) and never crashes.
func FuzzParseNetrc(f *testing.F) {
	f.Add("machine h login u password p\ndefault login a password b\n")
	f.Add("macdef init\ncd /\n\nmachine x")
	f.Fuzz(func(t *testing.T, s string) {
		creds := parseNetrc([]byte(s))
		for i, c := range creds {
			if c.Host == "" && i != len(creds)-1 {
				t.Fatalf("default entry not last: %+v", creds)
			}
		}
	})
}

// FuzzHeaders: the response headers the client interprets (Content-Range,
// Retry-After, Cache-Control) parse or fail cleanly.
func FuzzHeaders(f *testing.F) {
	f.Add("bytes 0-3/16", "120", "max-age=600, public")
	f.Add("bytes 12-15/*", "Wed, 21 Oct 2015 07:28:00 GMT", "no-cache, s-maxage=5")
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, cr, ra, cc string) {
		if first, last, total, err := parseContentRange(cr); err == nil && (last < first || (total >= 0 && total <= last)) {
			t.Fatalf("parseContentRange(%q) = %d, %d, %d", cr, first, last, total)
		}
		if d, ok := parseRetryAfter(ra, now); ok && d < 0 {
			t.Fatalf("parseRetryAfter(%q) = %v", ra, d)
		}
		parseCacheControl(cc)
	})
}
