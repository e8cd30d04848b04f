package pypi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zgpu/zgpu/fakes"
)

// rewriteCacheEntry replaces the body of the fetch cache entry whose URL
// ends in suffix, fixing its size and checksum so that fetch's own check
// passes: only a hash the caller knows can catch it. It fails the test
// unless exactly one entry matches.
func rewriteCacheEntry(t *testing.T, cache, suffix string, body []byte) {
	t.Helper()
	var found []string
	err := filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".entry") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		nl := bytes.IndexByte(data, '\n')
		var meta map[string]any
		if nl < 0 || json.Unmarshal(data[:nl], &meta) != nil {
			t.Fatalf("%s: not a cache entry", p)
		}
		if u, _ := meta["url"].(string); !strings.HasSuffix(u, suffix) {
			return nil
		}
		sum := sha256.Sum256(body)
		meta["sha256"] = hex.EncodeToString(sum[:])
		meta["size"] = len(body)
		line, err := json.Marshal(meta)
		if err != nil {
			return err
		}
		found = append(found, p)
		return os.WriteFile(p, append(append(line, '\n'), body...), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 {
		t.Fatalf("%d cache entries for *%s, want 1", len(found), suffix)
	}
}

// TestTamperedCachedMetadataIsRefetched checks that a content-addressed
// metadata file, served from the cache without a request, is still
// verified: a cached copy that fails the listing's hash is discarded and
// fetched again once; if the index serves a bad copy too, that is an error
// and nothing bad stays cached.
func TestTamperedCachedMetadataIsRefetched(t *testing.T) {
	good := "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
	bad := good + "Requires-Dist: evil\n"
	const metaPath = "/files/demo-1.0-py3-none-any.whl.metadata"
	root := t.TempDir()
	fakes.WriteTree(t, root, map[string]string{
		"simple/demo/index.json": `{"meta": {"api-version": "1.1"}, "name": "demo", "files": [
 {"filename": "demo-1.0-py3-none-any.whl", "url": "../../files/demo-1.0-py3-none-any.whl", "hashes": {},
  "core-metadata": {"sha256": "` + sha(good) + `"}}]}`,
		"files/demo-1.0-py3-none-any.whl.metadata": good,
	})
	s := fakes.PyPI(t, root)
	cache := t.TempDir()
	ctx := context.Background()
	files, err := New(s.URL, testClient(cache)).Files(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	read := func() (*Index, error) {
		t.Helper()
		ix := New(s.URL, testClient(cache))
		_, err := ix.Metadata(ctx, files[0])
		return ix, err
	}
	if _, err := read(); err != nil {
		t.Fatal(err)
	}

	// A warm read makes no request.
	s.ResetRequests()
	if _, err := read(); err != nil || s.Count(metaPath) != 0 {
		t.Fatalf("warm read: %v, %d requests", err, s.Count(metaPath))
	}

	// A tampered cached copy: one unconditional request, the good file.
	rewriteCacheEntry(t, cache, ".metadata", []byte(bad))
	ix, err := read()
	if err != nil {
		t.Fatalf("read with a tampered cache entry: %v", err)
	}
	if diff := cmp.Diff([]string{""}, inm(s.Requests())); diff != "" {
		t.Errorf("If-None-Match of the requests (-want +got):\n%s", diff)
	}
	if st := ix.Stats(); st.CacheMismatches != 1 || st.MetadataFiles != 1 {
		t.Errorf("Stats = %+v, want 1 cache mismatch, 1 metadata file", st)
	}
	// ... which is cached again.
	s.ResetRequests()
	if _, err := read(); err != nil || len(s.Requests()) != 0 {
		t.Fatalf("read after the refetch: %v, %d requests", err, len(s.Requests()))
	}

	// Tampered cache and a tampered index: an error after one refetch.
	rewriteCacheEntry(t, cache, ".metadata", []byte(bad))
	fakes.WriteTree(t, root, map[string]string{"files/demo-1.0-py3-none-any.whl.metadata": bad})
	s.ResetRequests()
	if _, err := read(); err == nil || !strings.Contains(err.Error(), "sha256 mismatch") {
		t.Fatalf("read with both copies tampered: %v, want a sha256 mismatch", err)
	}
	if n := len(s.Requests()); n != 1 {
		t.Errorf("%d requests, want 1 (one refetch)", n)
	}
	// The bad copy was not kept: the next read asks the index again.
	fakes.WriteTree(t, root, map[string]string{"files/demo-1.0-py3-none-any.whl.metadata": good})
	s.ResetRequests()
	if _, err := read(); err != nil || len(s.Requests()) != 1 {
		t.Errorf("read after the index is fixed: %v, %d requests, want 1", err, len(s.Requests()))
	}
}

// inm lists the If-None-Match header of each request.
func inm(reqs []fakes.Request) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = r.Header.Get("If-None-Match")
	}
	return out
}
