package fetch

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteBehindQueue: the last write queued for a path is the one done,
// a removal drops a queued write, and queued contents are readable before
// they reach the disk. (run is called here by hand: put starts no
// goroutine while the queue is marked running.)
func TestWriteBehindQueue(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	w := newWriteBehind()
	w.running = true
	w.put(a, t.Logf, []byte("first"))
	w.put(a, t.Logf, []byte("sec"), []byte("ond"))
	w.put(b, t.Logf, []byte("dropped"))
	if got, ok := w.queued(a); !ok || string(got) != "second" {
		t.Errorf("queued(a) = %q, %v; want the last write", got, ok)
	}
	if err := w.remove(b); err == nil || !os.IsNotExist(err) {
		t.Errorf("remove(b) before its write: err = %v, want not-exist (nothing on disk yet)", err)
	}
	if _, ok := w.queued(b); ok {
		t.Error("a removed write is still queued")
	}
	w.run()
	w.flush()
	if got, err := os.ReadFile(a); err != nil || string(got) != "second" {
		t.Errorf("a = %q, %v; want the last write", got, err)
	}
	if _, err := os.Stat(b); !os.IsNotExist(err) {
		t.Errorf("b was written after its removal: %v", err)
	}
	if len(w.pending) != 0 || w.running {
		t.Errorf("after run: %d pending, running %v", len(w.pending), w.running)
	}
}

// TestWriteBehindClient: with Config.WriteBehind, a response is cached
// once Flush returns, and read back from the queue before that, by any
// client of the process (offline here).
func TestWriteBehindClient(t *testing.T) {
	_, u := demoServer(t)
	cache := t.TempDir()
	c := New(Config{CacheDir: cache, WriteBehind: true, MaxRetries: -1})
	behind.fileMu.Lock() // hold the writer back
	if _, err := c.Get(context.Background(), Request{URL: u}); err != nil {
		behind.fileMu.Unlock()
		t.Fatal(err)
	}
	off := New(Config{CacheDir: cache, Offline: true})
	res, err := off.Get(context.Background(), Request{URL: u})
	entries, _ := filepath.Glob(filepath.Join(cache, "http", "*.entry"))
	behind.fileMu.Unlock()
	if err != nil || string(res.Body) != payload {
		t.Errorf("offline Get of a queued entry: %v", err)
	}
	if len(entries) != 0 {
		t.Errorf("entries on disk while the writer was held: %v", entries)
	}
	Flush()
	entries, _ = filepath.Glob(filepath.Join(cache, "http", "*.entry"))
	if len(entries) != 1 {
		t.Errorf("entries after Flush: %v, want 1", entries)
	}
}
