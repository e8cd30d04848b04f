package fetch

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestUnchangedResponseIsNotRewritten: against a server that sends no
// validators and no max-age (every Get is a full 200), an identical body
// leaves the entry as it is (a warm run writes no file), while a changed
// body or a response with a max-age (whose freshness counts from when it
// was stored) rewrites it.
func TestUnchangedResponseIsNotRewritten(t *testing.T) {
	var mu sync.Mutex
	body, cc := "one", ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if cc != "" {
			w.Header().Set("Cache-Control", cc)
		}
		w.Write([]byte(body))
	}))
	defer srv.Close()
	cache := t.TempDir()
	c := New(fastConfig(cache))
	entry := func() os.FileInfo {
		t.Helper()
		es, _ := filepath.Glob(filepath.Join(cache, "http", "*.entry"))
		if len(es) != 1 {
			t.Fatalf("entries %v, want 1", es)
		}
		fi, err := os.Stat(es[0])
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	get := func(want string) {
		t.Helper()
		res, err := c.Get(context.Background(), Request{URL: srv.URL + "/p"})
		if err != nil || string(res.Body) != want || res.BodySHA256 == "" {
			t.Fatalf("Get = %v, %v; want %q with its SHA-256", res, err, want)
		}
	}
	set := func(b, c string) { mu.Lock(); body, cc = b, c; mu.Unlock() }
	rewritten := func(before os.FileInfo) bool {
		return !os.SameFile(before, entry())
	}

	get("one")
	first := entry()
	get("one")
	if rewritten(first) {
		t.Errorf("an identical response without max-age rewrote the entry")
	}
	set("two", "")
	get("two")
	if !rewritten(first) {
		t.Errorf("a changed body was not stored")
	}
	set("two", "max-age=600")
	second := entry()
	c2 := New(Config{CacheDir: cache, Refresh: true, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond, Timeout: 5 * time.Second})
	if _, err := c2.Get(context.Background(), Request{URL: srv.URL + "/p"}); err != nil {
		t.Fatal(err)
	}
	if !rewritten(second) {
		t.Errorf("a new Cache-Control was not stored")
	}
	third := entry()
	if _, err := c2.Get(context.Background(), Request{URL: srv.URL + "/p"}); err != nil {
		t.Fatal(err)
	}
	if !rewritten(third) {
		t.Errorf("an identical response with max-age was not stored again (its freshness counts from now)")
	}
}
