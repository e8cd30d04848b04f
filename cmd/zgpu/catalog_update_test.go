package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/fakes"
)

const catalogAsset = "/zgpu/zgpu/releases/latest/download/zerogpu.toml"

// catalogVersion returns the embedded catalog file with its date and torch
// allow-list replaced, and its sha256sum line.
func catalogVersion(t *testing.T, date, allowed string, format int) ([]byte, []byte) {
	t.Helper()
	s := string(catalog.EmbeddedTOML())
	cur := catalog.Default()
	s = strings.Replace(s, `date = "`+cur.Meta.Date+`"`, `date = "`+date+`"`, 1)
	s = strings.Replace(s, "format = 1", "format = "+string(rune('0'+format)), 1)
	if allowed != "" {
		old := `allowed = ["` + strings.Join(cur.Torch.Allowed, `", "`) + `"]`
		if !strings.Contains(s, old) {
			t.Fatalf("no %s in the embedded catalog", old)
		}
		s = strings.Replace(s, old, allowed, 1)
	}
	h := sha256.Sum256([]byte(s))
	return []byte(s), []byte(hex.EncodeToString(h[:]) + "  zerogpu.toml\n")
}

// catalogEnv points zgpu at a fresh cache and the fake release server.
func catalogEnv(t *testing.T, srv *fakes.ReleaseServer) string {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("ZGPU_CATALOG", "")
	t.Setenv("ZGPU_CATALOG_URL", srv.URL+catalogAsset)
	t.Setenv("ZGPU_ALLOW_HOSTS", "127.0.0.1,localhost")
	return filepath.Join(cache, "zgpu", "catalog", "zerogpu.toml")
}

// TestCatalogUpdate runs `zgpu catalog update` against a fake release
// server: each step starts from what the previous one left in the cache.
func TestCatalogUpdate(t *testing.T) {
	srv := fakes.Release(t)
	cached := catalogEnv(t, srv)
	good, goodSum := catalogVersion(t, "2027-02-01", `allowed = ["2.11.0", "2.12.1", "2.13.0", "2.14.1"]`, 1)

	// --offline never fetches, and nothing is stored.
	_, stderr, code := runCmd(t, "catalog", "update", "--offline")
	if code != 1 || !strings.Contains(stderr, "--offline: not fetching") || srv.Count() != 0 {
		t.Fatalf("--offline: exit %d, %d requests, stderr %q", code, srv.Count(), stderr)
	}

	// Unreachable (nothing published yet: 404): the embedded catalog stays.
	_, stderr, code = runCmd(t, "catalog", "update")
	if code != 1 || !strings.Contains(stderr, "the catalog in use stays ("+catalog.Default().Meta.Date+", embedded)") {
		t.Fatalf("unreachable: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(cached); err == nil {
		t.Fatal("a failed update stored a catalog")
	}

	// Wrong hash: refused.
	srv.Put(catalogAsset, good)
	srv.Put(catalogAsset+".sha256", []byte(strings.Repeat("0", 64)+"  zerogpu.toml\n"))
	_, stderr, code = runCmd(t, "catalog", "update")
	if code != 1 || !strings.Contains(stderr, "SHA-256 mismatch") {
		t.Fatalf("wrong hash: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(cached); err == nil {
		t.Fatal("a catalog with a wrong hash was stored")
	}

	// Another format: refused.
	other, otherSum := catalogVersion(t, "2027-02-01", "", 2)
	srv.Put(catalogAsset, other)
	srv.Put(catalogAsset+".sha256", otherSum)
	_, stderr, code = runCmd(t, "catalog", "update")
	if code != 1 || !strings.Contains(stderr, "catalog format 2, this zgpu reads format 1") {
		t.Fatalf("format 2: exit %d, stderr %q", code, stderr)
	}

	// A good, newer catalog: stored, and used from now on.
	srv.Put(catalogAsset, good)
	srv.Put(catalogAsset+".sha256", goodSum)
	stdout, stderr, code := runCmd(t, "catalog", "update")
	if code != 0 || !strings.Contains(stdout, "Updated the ZeroGPU catalog from "+catalog.Default().Meta.Date+" to 2027-02-01") {
		t.Fatalf("good update: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if data, err := os.ReadFile(cached); err != nil || string(data) != string(good) {
		t.Fatalf("cached catalog: %v", err)
	}
	stdout, _, code = runCmd(t, "target", "show")
	if code != 0 || !strings.Contains(stdout, "ZeroGPU catalog 2027-02-01, updated in the cache") || !strings.Contains(stdout, "allowed 2.11.0, 2.12.1, 2.13.0, 2.14.1;") {
		t.Fatalf("target show after the update:\n%s", stdout)
	}

	// The same again: up to date, nothing changes.
	stdout, _, code = runCmd(t, "catalog", "update")
	if code != 0 || !strings.Contains(stdout, "is up to date") {
		t.Fatalf("second update: exit %d, stdout %q", code, stdout)
	}

	// An older date than the cached one: refused, the cached one stays.
	old, oldSum := catalogVersion(t, "2026-10-01", "", 1)
	srv.Put(catalogAsset, old)
	srv.Put(catalogAsset+".sha256", oldSum)
	_, stderr, code = runCmd(t, "catalog", "update")
	if code != 1 || !strings.Contains(stderr, "older than the one in use (2027-02-01, updated in the cache): refused") {
		t.Fatalf("older: exit %d, stderr %q", code, stderr)
	}
	if data, _ := os.ReadFile(cached); string(data) != string(good) {
		t.Fatal("an older catalog replaced the cached one")
	}

	// The server gone: the cached catalog stays in use.
	srv.Close()
	_, stderr, code = runCmd(t, "catalog", "update", "--timeout", "2s")
	if code != 1 || !strings.Contains(stderr, "the catalog in use stays (2027-02-01, updated in the cache)") {
		t.Fatalf("server gone: exit %d, stderr %q", code, stderr)
	}

	// A damaged cached file is ignored: the embedded catalog is used again.
	os.WriteFile(cached, []byte("[catalog]\nformat = 1\n"), 0o644)
	stdout, _, _ = runCmd(t, "target", "show")
	if !strings.Contains(stdout, "ZeroGPU catalog "+catalog.Default().Meta.Date+", embedded") {
		t.Fatalf("target show with a damaged cache:\n%s", stdout)
	}
}

// TestCatalogUpdateFromFile takes a local file with --from, verified
// against FILE.sha256 when that exists, and never fetches.
func TestCatalogUpdateFromFile(t *testing.T) {
	srv := fakes.Release(t)
	catalogEnv(t, srv)
	dir := t.TempDir()
	good, goodSum := catalogVersion(t, "2027-03-01", "", 1)
	p := filepath.Join(dir, "zerogpu.toml")
	os.WriteFile(p, good, 0o644)
	os.WriteFile(p+".sha256", []byte(strings.Replace(string(goodSum), string(goodSum[:8]), "00000000", 1)), 0o644)
	if _, stderr, code := runCmd(t, "catalog", "update", "--offline", "--from", p); code != 1 || !strings.Contains(stderr, "SHA-256 mismatch") {
		t.Fatalf("wrong FILE.sha256: exit %d, stderr %q", code, stderr)
	}
	os.WriteFile(p+".sha256", goodSum, 0o644)
	if stdout, stderr, code := runCmd(t, "catalog", "update", "--offline", "--from", p); code != 0 || !strings.Contains(stdout, "to 2027-03-01") {
		t.Fatalf("--from FILE: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if srv.Count() != 0 {
		t.Errorf("--from FILE made %d requests", srv.Count())
	}
	if _, stderr, code := runCmd(t, "catalog", "update", "--from", "ftp://example.org/x.toml"); code != 2 || !strings.Contains(stderr, "expected an http(s) URL or a file path") {
		t.Errorf("ftp URL: exit %d, stderr %q", code, stderr)
	}
}

// TestCatalogSelectNewest: the newest of embedded, cached and --catalog
// wins; an older --catalog file is passed over with a warning.
func TestCatalogSelectNewest(t *testing.T) {
	srv := fakes.Release(t)
	catalogEnv(t, srv)
	dir := t.TempDir()
	older := filepath.Join(dir, "older.toml")
	os.WriteFile(older, []byte("[catalog]\ndate = \"2026-07-01\"\n[torch]\nallowed = [\"2.9.1\"]\n"), 0o644)
	newer := filepath.Join(dir, "newer.toml")
	os.WriteFile(newer, []byte("[catalog]\ndate = \"2027-05-01\"\n[torch]\nallowed = [\"2.13.0\", \"2.14.1\"]\n"), 0o644)

	stdout, _, code := runCmd(t, "target", "show", "--catalog", newer)
	if code != 0 || !strings.Contains(stdout, "ZeroGPU catalog 2027-05-01, file newer.toml") || !strings.Contains(stdout, "allowed 2.13.0, 2.14.1;") {
		t.Fatalf("newer --catalog:\n%s", stdout)
	}
	o := catalogOptions{Path: older}
	c, err := o.load()
	if err != nil {
		t.Fatal(err)
	}
	if c.Meta.Date != catalog.Default().Meta.Date || !strings.Contains(o.Note, "older.toml is dated 2026-07-01, older than") {
		t.Fatalf("older --catalog: chose %s, note %q", c.Label(), o.Note)
	}
}

// TestCatalogStaleWarning: more than 90 days after the catalog's date,
// commands warn once, with catalog update as the fix.
func TestCatalogStaleWarning(t *testing.T) {
	c := catalog.Default()
	d, ok := c.DateOf()
	if !ok {
		t.Fatalf("embedded date %q", c.Meta.Date)
	}
	o := catalogOptions{}
	if w := o.warnings(c, d.Add(90*24*time.Hour)); len(w) != 0 {
		t.Errorf("at 90 days: %q", w)
	}
	w := o.warnings(c, d.Add(91*24*time.Hour))
	if len(w) != 1 || !strings.Contains(w[0], "is 91 days old") || !strings.Contains(w[0], "zgpu catalog update") {
		t.Errorf("at 91 days: %q", w)
	}
}
