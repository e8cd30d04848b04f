package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCachedOffersTheEntryWithoutItsBody: Cached answers with the cached
// body's hash and size, and no body, exactly where Get would not make a
// request (offline, immutable); it counts a hit only when the caller uses
// the answer, and it does not read the body (a damaged body is still
// offered, and Get still discards it).
func TestCachedOffersTheEntryWithoutItsBody(t *testing.T) {
	s, u := demoServer(t) // no Cache-Control: never fresh
	cache := t.TempDir()
	if _, err := New(fastConfig(cache)).Get(context.Background(), Request{URL: u}); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(payload))
	want := hex.EncodeToString(sum[:])
	check := func(name string, c *Client, r Request, served bool) {
		t.Helper()
		var offered *Response
		res, ok := c.Cached(r, func(res *Response) bool { offered = res; return false })
		if ok || res != nil {
			t.Errorf("%s: Cached returned an answer its caller refused", name)
		}
		if st := c.Stats(); st.CacheHits != 0 {
			t.Errorf("%s: a refused answer counted as a hit: %+v", name, st)
		}
		if (offered != nil) != served {
			t.Fatalf("%s: offered = %v, want an answer: %v", name, offered, served)
		}
		if !served {
			return
		}
		if offered.BodySHA256 != want || offered.Size != int64(len(payload)) || offered.Body != nil || !offered.FromCache {
			t.Errorf("%s: offered %+v, want the body's hash %s and size %d, no body", name, offered, want, len(payload))
		}
		if _, ok := c.Cached(r, func(*Response) bool { return true }); !ok || c.Stats().CacheHits != 1 {
			t.Errorf("%s: an answer used is not returned or not counted: %+v", name, c.Stats())
		}
	}
	off := fastConfig(cache)
	off.Offline = true
	check("offline", New(off), Request{URL: u}, true)
	check("online, not fresh", New(fastConfig(cache)), Request{URL: u}, false)
	check("online, immutable", New(fastConfig(cache)), Request{URL: u, Immutable: true}, true)
	check("no-store", New(off), Request{URL: u, NoStore: true}, false)
	check("another Accept", New(off), Request{URL: u, Accept: "text/html"}, false)
	if n := s.Count("/files/data.json"); n != 1 {
		t.Errorf("%d requests, want the first Get's only", n)
	}

	// A damaged body: Cached does not read it; Get discards the entry.
	entries, _ := filepath.Glob(filepath.Join(cache, "http", "*.entry"))
	if len(entries) != 1 {
		t.Fatalf("entries %v", entries)
	}
	b, _ := os.ReadFile(entries[0])
	b[len(b)-1] ^= 0xff
	if err := os.WriteFile(entries[0], b, 0o600); err != nil {
		t.Fatal(err)
	}
	check("offline, damaged body", New(off), Request{URL: u}, true)
	if _, err := New(off).Get(context.Background(), Request{URL: u}); err == nil {
		t.Errorf("Get served a damaged body")
	}
}

func TestReadFirstLine(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("x", 3000)
	for _, tt := range []struct{ data, want string }{
		{"meta\nbody", "meta\n"},
		{long + "\nbody", long + "\n"},
		{strings.Repeat("y", 4095) + "\n", strings.Repeat("y", 4095) + "\n"},
		{strings.Repeat("z", 4096) + "\n", ""},
		{"no newline", ""},
		{"", ""},
	} {
		p := filepath.Join(dir, "f")
		if err := os.WriteFile(p, []byte(tt.data), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := string(readFirstLine(p)); got != tt.want {
			t.Errorf("readFirstLine(%d bytes) = %d bytes, want %d", len(tt.data), len(got), len(tt.want))
		}
	}
	if readFirstLine(filepath.Join(dir, "missing")) != nil {
		t.Error("a missing file has a first line")
	}
}

// TestGetUseCached: Get offers UseCached what it would serve without a
// request; taken, it is returned without its body; refused, Get reads
// the body (offline) or revalidates (online, not fresh) as without it.
func TestGetUseCached(t *testing.T) {
	s, u := demoServer(t) // no Cache-Control: never fresh
	cache := t.TempDir()
	if _, err := New(fastConfig(cache)).Get(context.Background(), Request{URL: u}); err != nil {
		t.Fatal(err)
	}
	off := fastConfig(cache)
	off.Offline = true
	for _, take := range []bool{true, false} {
		offered := 0
		r := Request{URL: u, UseCached: func(res *Response) bool { offered++; return take }}
		res, err := New(off).Get(context.Background(), r)
		if err != nil || offered != 1 || (res.Body == nil) != take || !take && string(res.Body) != payload {
			t.Errorf("offline, take=%v: %v, offered %d times, body %q", take, err, offered, res.Body)
		}
		offered = 0
		res, err = New(fastConfig(cache)).Get(context.Background(), r)
		if err != nil || offered != 0 || string(res.Body) != payload {
			t.Errorf("online, not fresh, take=%v: %v, offered %d times (want 0), body %q", take, err, offered, res.Body)
		}
	}
	if n := s.Count("/files/data.json"); n != 3 {
		t.Errorf("%d requests, want 3 (the first Get and the two online ones)", n)
	}
}
