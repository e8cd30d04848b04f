package catalog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/zgpu/zgpu/internal/inputfile"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/zgpu/zgpu/internal/atomicfile"
)

// FormatVersion is the schema version of the catalog file this zgpu reads
// ([catalog] format). A catalog of another format is refused by Verify.
const FormatVersion = 1

// DefaultUpdateURL is where `zgpu catalog update` downloads a newer catalog
// from when neither --from nor ZGPU_CATALOG_URL names another place: the
// catalog asset of the project's latest release, with its SHA-256 published
// beside it (URL + ".sha256", as sha256sum prints it).
const DefaultUpdateURL = "https://github.com/zgpu/zgpu/releases/latest/download/zerogpu.toml"

// cachedName is the file name of the updated catalog in the cache folder.
const cachedName = "zerogpu.toml"

// Origins of a catalog (Catalog.Origin, besides a file path).
const (
	OriginEmbedded = "embedded"
	OriginCache    = "cache"
)

// MaxFileSize bounds a catalog file read or downloaded.
const MaxFileSize = 4 << 20

// StaleAfter is how old a catalog may get before zgpu warns that it may
// lag the platform.
const StaleAfter = 90 * 24 * time.Hour

// CachedPath returns where the updated catalog lives under cacheDir
// ("" when cacheDir is "").
func CachedPath(cacheDir string) string {
	if cacheDir == "" {
		return ""
	}
	return filepath.Join(cacheDir, "catalog", cachedName)
}

// DateOf returns the catalog's date as a time (a "2026-12" date is the first
// of the month), or false when it does not parse.
func (c *Catalog) DateOf() (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", "2006-01"} {
		if t, err := time.Parse(layout, c.Meta.Date); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// Label names the catalog for output headers: its date and where it came
// from ("2026-12-07, embedded", "2027-02-01, updated in the cache",
// "2026-12-07, file overrides.toml").
func (c *Catalog) Label() string {
	switch c.Origin {
	case OriginEmbedded, "":
		return c.Meta.Date + ", embedded"
	case OriginCache:
		return c.Meta.Date + ", updated in the cache"
	}
	return c.Meta.Date + ", file " + filepath.Base(c.Origin)
}

// Stale returns a warning when the catalog is older than StaleAfter at now,
// with the command that updates it; "" otherwise.
func (c *Catalog) Stale(now time.Time) string {
	d, ok := c.DateOf()
	if !ok || now.Sub(d) <= StaleAfter {
		return ""
	}
	return fmt.Sprintf("the ZeroGPU catalog (%s) is %d days old; the platform's facts (torch allow-list, builder) may have moved: run `zgpu catalog update`",
		c.Label(), int(now.Sub(d).Hours()/24))
}

// Verify checks a downloaded catalog: data hashes to sum (a hex SHA-256, or
// a sha256sum line "HEX  NAME"; "" skips the check), is a whole catalog
// file of FormatVersion with a date, and parses and validates on its own.
func Verify(data []byte, sum string) (*Catalog, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("catalog is %d bytes, more than the %d allowed", len(data), MaxFileSize)
	}
	if sum != "" {
		want := strings.ToLower(strings.Fields(sum + " x")[0])
		got := sha256.Sum256(data)
		if len(want) != 64 {
			return nil, fmt.Errorf("checksum %q is not a hex SHA-256", want)
		}
		if hex.EncodeToString(got[:]) != want {
			return nil, fmt.Errorf("SHA-256 mismatch: the file hashes to %s, the published checksum is %s", hex.EncodeToString(got[:]), want)
		}
	}
	var head struct {
		Catalog struct {
			Name   string `toml:"name"`
			Format int    `toml:"format"`
			Date   string `toml:"date"`
		} `toml:"catalog"`
	}
	if err := toml.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("not a catalog file: %s", tomlError(err))
	}
	if head.Catalog.Format != FormatVersion {
		return nil, fmt.Errorf("catalog format %d, this zgpu reads format %d (a newer zgpu may be needed)", head.Catalog.Format, FormatVersion)
	}
	c, err := parse(data, OriginCache)
	if err != nil {
		return nil, fmt.Errorf("invalid catalog: %v", err)
	}
	if _, ok := c.DateOf(); !ok {
		return nil, fmt.Errorf("catalog date %q is not YYYY-MM-DD", c.Meta.Date)
	}
	return c, nil
}

// ErrNotNewer is returned by Install for a catalog that is not newer than
// the one in use.
var ErrNotNewer = errors.New("not newer than the catalog in use")

// Install verifies data (see Verify) and stores it, with its checksum, as
// the cached catalog of cacheDir, unless it is older than current (an
// error) or of the same date (ErrNotNewer, nothing written). On any error
// the previous cached catalog stays.
func Install(cacheDir string, data []byte, sum string, current *Catalog) (*Catalog, error) {
	c, err := Verify(data, sum)
	if err != nil {
		return nil, err
	}
	nd, _ := c.DateOf()
	if cd, ok := current.DateOf(); ok {
		if nd.Before(cd) {
			return nil, fmt.Errorf("catalog dated %s is older than the one in use (%s): refused", c.Meta.Date, current.Label())
		}
		if nd.Equal(cd) {
			return current, ErrNotNewer
		}
	}
	p := CachedPath(cacheDir)
	if p == "" {
		return nil, fmt.Errorf("no cache folder to store the catalog in")
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	h := sha256.Sum256(data)
	if err := atomicfile.WriteFile(p+".sha256", []byte(hex.EncodeToString(h[:])+"  "+cachedName+"\n"), 0o644); err != nil {
		return nil, err
	}
	if err := atomicfile.WriteFile(p, data, 0o644); err != nil {
		return nil, err
	}
	c.OriginPath = p
	return c, nil
}

// Cached returns the catalog stored by Install in cacheDir, or nil when
// there is none or it no longer verifies (a damaged file is ignored, not
// fatal: the embedded catalog still works).
func Cached(cacheDir string) *Catalog {
	p := CachedPath(cacheDir)
	if p == "" {
		return nil
	}
	data, err := ReadFile(p)
	if err != nil {
		return nil
	}
	sum, _ := os.ReadFile(p + ".sha256")
	c, err := Verify(data, string(bytes.TrimSpace(sum)))
	if err != nil {
		return nil
	}
	c.OriginPath = p
	return c
}

// Select returns the catalog to use: the newest (by [catalog] date) of the
// embedded one, the cached update in cacheDir and the file at explicit
// (--catalog or ZGPU_CATALOG, which overrides sections of the embedded
// catalog; "" for none). On a tie the explicit file wins, then the cached
// one. note says why an explicit file was passed over ("" otherwise).
func Select(explicit, cacheDir string) (c *Catalog, note string, err error) {
	best := Default()
	if cached := Cached(cacheDir); cached != nil && newer(cached, best, true) {
		best = cached
	}
	if explicit == "" {
		return best, "", nil
	}
	ex, err := Load(explicit)
	if err != nil {
		return nil, "", err
	}
	ex.OriginPath = explicit
	if newer(ex, best, true) {
		return ex, "", nil
	}
	return best, fmt.Sprintf("catalog %s is dated %s, older than the %s catalog: using the newer one", explicit, ex.Meta.Date, best.Label()), nil
}

// newer reports whether a is newer than b (or as new, when tie).
func newer(a, b *Catalog, tie bool) bool {
	ad, aok := a.DateOf()
	bd, bok := b.DateOf()
	switch {
	case !aok:
		return false
	case !bok:
		return true
	case ad.Equal(bd):
		return tie
	}
	return ad.After(bd)
}

// ReadFile reads a catalog file of at most MaxFileSize bytes (a regular
// file: a FIFO or a device is refused, see inputfile).
func ReadFile(p string) ([]byte, error) { return inputfile.ReadFileMax(p, MaxFileSize) }

// EmbeddedTOML returns the embedded catalog file (catalog/data/zerogpu.toml),
// the file a release publishes for `zgpu catalog update`.
func EmbeddedTOML() []byte { return append([]byte(nil), embeddedTOML...) }
