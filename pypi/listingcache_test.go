package pypi

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/internal/testonly/shared"
)

func TestListingEncodingRoundTrips(t *testing.T) {
	dir := shared.Dir(t, "mirror", "simple", "torch")
	for _, p := range []struct{ file, ct string }{{"index.json", "application/vnd.pypi.simple.v1+json"}, {"index.html", "text/html"}} {
		body, err := os.ReadFile(filepath.Join(dir, p.file))
		if err != nil {
			t.Fatal(err)
		}
		files, err := ParsePage(body, p.ct, "https://mirror.test/simple/torch/")
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, index.File{Filename: "x-1.tar.gz", URL: "u", Yanked: true, YankedReason: "bad", Origin: "o", Path: "p", MetadataHashes: map[string]string{"sha256": "ab", "md5": "cd"}, CoreMetadata: true, Size: -1})
		data := encodeFiles(files)
		got, err := decodeFiles(data)
		if err != nil {
			t.Fatalf("%s: %v", p.file, err)
		}
		if diff := cmp.Diff(files, got); diff != "" {
			t.Errorf("%s: decoded listing differs (-parsed +decoded):\n%s", p.file, diff)
		}
		for _, n := range []int{0, 1, len(data) / 2, len(data) - 1} {
			if _, err := decodeFiles(data[:n]); err == nil {
				t.Errorf("%s: a listing cut to %d of %d bytes decoded without error", p.file, n, len(data))
			}
		}
		if _, err := decodeFiles(append(data, 0)); err == nil {
			t.Errorf("%s: trailing bytes accepted", p.file)
		}
	}
}

// TestListingCacheServesWarmRuns: a second Index over the same cache reads
// the parsed listing (no parse), gets the same files, and a corrupt
// parsed listing is ignored.
func TestListingCacheServesWarmRuns(t *testing.T) {
	srv := fakes.PyPI(t, "")
	cache := t.TempDir()
	list := func(offline bool) []index.File {
		t.Helper()
		ix := New(srv.URL, fetch.New(fetch.Config{CacheDir: cache, Offline: offline}))
		files, err := ix.Files(context.Background(), "torch")
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	cold := list(false)
	derived, _ := filepath.Glob(filepath.Join(cache, "derived", "*"))
	if len(derived) != 1 {
		t.Fatalf("%d parsed listings stored, want 1", len(derived))
	}
	if diff := cmp.Diff(cold, list(true)); diff != "" {
		t.Errorf("offline listing from the parsed cache differs (-cold +offline):\n%s", diff)
	}
	// The page's body is not read when its parsed form is there: damaged,
	// the listing is still served (Get would discard the entry).
	entries, _ := filepath.Glob(filepath.Join(cache, "http", "*.entry"))
	if len(entries) != 1 {
		t.Fatalf("%d cache entries, want torch's page", len(entries))
	}
	page, err := os.ReadFile(entries[0])
	if err != nil {
		t.Fatal(err)
	}
	damaged := append([]byte(nil), page...)
	damaged[len(damaged)-2] ^= 0xff
	if err := os.WriteFile(entries[0], damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cold, list(true)); diff != "" {
		t.Errorf("offline listing with the page's body unread differs (-cold +offline):\n%s", diff)
	}
	if err := os.WriteFile(entries[0], page, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(derived[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-1] ^= 0xff
	if err := os.WriteFile(derived[0], b, 0o600); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cold, list(true)); diff != "" {
		t.Errorf("listing with a corrupt parsed cache differs (-cold +offline):\n%s", diff)
	}
}
