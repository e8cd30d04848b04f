package pypi

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/url"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/zgpu/zgpu/coremeta"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/pep508"
)

// ErrNoMetadata is returned for a file whose metadata cannot be read
// without building it (an sdist with no PEP 658 metadata file).
var ErrNoMetadata = errors.New("no core metadata without building the sdist")

// MaxFullDownload is the largest wheel (by its listed size) downloaded whole
// to read its METADATA when the server refuses range requests.
const MaxFullDownload = 512 << 20

// Reader reads the core metadata of files by URL: the PEP 658 metadata
// file when the source serves one (verified against its hash), else the
// wheel's METADATA through range requests, else a full download. file://
// URLs are read from disk. It implements index.MetadataReader for any
// source whose files have URLs.
type Reader struct {
	client *fetch.Client

	mu    sync.Mutex
	stats Stats
}

// NewReader returns a Reader using c.
func NewReader(c *fetch.Client) *Reader { return &Reader{client: c} }

// Stats returns a snapshot of the counters.
func (r *Reader) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

func (r *Reader) count(f func(*Stats)) {
	r.mu.Lock()
	f(&r.stats)
	r.mu.Unlock()
}

// Metadata reads the core metadata of f.
func (r *Reader) Metadata(ctx context.Context, f index.File) (index.Metadata, error) {
	if f.CoreMetadata {
		m, err := r.metadataFile(ctx, f)
		if err == nil || !isNotFound(err) {
			return m, err
		}
		// A listed but missing metadata file: read the wheel instead, as pip
		// does. If the wheel is missing too, say both.
		m, err = r.fromWheel(ctx, f)
		if err != nil && isNotFound(err) {
			return m, fmt.Errorf("%s: the index lists its core metadata (PEP 658) but serves neither that file nor the wheel: %w", f.Filename, err)
		}
		return m, err
	}
	return r.fromWheel(ctx, f)
}

// fromWheel reads the METADATA of wheel f: from disk for a file: URL, else
// through range requests, else by downloading it whole.
func (r *Reader) fromWheel(ctx context.Context, f index.File) (index.Metadata, error) {
	if !strings.HasSuffix(strings.ToLower(f.Filename), ".whl") {
		return index.Metadata{}, fmt.Errorf("%s: %w", f.Filename, ErrNoMetadata)
	}
	if strings.HasPrefix(f.URL, "file:") {
		p, err := filePath(f.URL)
		if err != nil {
			return index.Metadata{}, err
		}
		zr, err := zip.OpenReader(p)
		if err != nil {
			return index.Metadata{}, fmt.Errorf("%s: %v", f.Filename, err)
		}
		defer zr.Close()
		return wheelMetadata(&zr.Reader, f.Filename)
	}
	m, err := r.rangeMetadata(ctx, f)
	if !errors.Is(err, fetch.ErrRangeUnsupported) {
		return m, err
	}
	if f.Size > MaxFullDownload {
		return index.Metadata{}, fmt.Errorf("%s: the server refuses range requests and the wheel is %d bytes (over %d); not downloading it whole", f.Filename, f.Size, int64(MaxFullDownload))
	}
	res, err := r.client.Get(ctx, fetch.Request{URL: f.URL, NoStore: true, MaxBytes: MaxFullDownload})
	if err != nil {
		return index.Metadata{}, err
	}
	r.count(func(s *Stats) { s.FullDownloads++ })
	if err := verify(res.Body, f.Hashes); err != nil {
		return index.Metadata{}, fmt.Errorf("%s: %v", f.Filename, err)
	}
	zr, err := zip.NewReader(bytes.NewReader(res.Body), int64(len(res.Body)))
	if err != nil {
		return index.Metadata{}, fmt.Errorf("%s: %v", f.Filename, err)
	}
	return wheelMetadata(zr, f.Filename)
}

// metadataFile reads and verifies f.URL + ".metadata".
func (r *Reader) metadataFile(ctx context.Context, f index.File) (index.Metadata, error) {
	u, err := url.Parse(f.URL)
	if err != nil {
		return index.Metadata{}, fmt.Errorf("%s: bad URL: %v", f.Filename, err)
	}
	u.Path += ".metadata"
	u.RawPath = ""
	var body []byte
	if u.Scheme == "file" {
		p, err := filePath(u.String())
		if err != nil {
			return index.Metadata{}, err
		}
		if body, err = os.ReadFile(p); err != nil {
			return index.Metadata{}, err
		}
		r.count(func(s *Stats) { s.MetadataFiles++ })
		if err := verify(body, f.MetadataHashes); err != nil {
			return index.Metadata{}, fmt.Errorf("metadata file of %s: %v", f.Filename, err)
		}
	} else if body, err = r.verifiedGet(ctx, u.String(), f); err != nil {
		return index.Metadata{}, err
	}
	m, err := coremeta.Parse(body)
	if err != nil {
		return index.Metadata{}, fmt.Errorf("metadata file of %s: %w", f.Filename, err)
	}
	return m, nil
}

// verifiedGet fetches the metadata file at rawURL and checks it against
// f.MetadataHashes. A file the listing gives a strong hash for is content
// addressed: it is requested as Immutable, so a cached copy is used without
// a request. A body that fails the check has its cache entry discarded; if
// it came from the cache it is fetched once more, else (or if the second
// copy fails too) the mismatch is the error.
func (r *Reader) verifiedGet(ctx context.Context, rawURL string, f index.File) ([]byte, error) {
	req := fetch.Request{URL: rawURL, Immutable: contentAddressed(f.MetadataHashes)}
	for attempt := 0; ; attempt++ {
		res, err := r.client.Get(ctx, req)
		if err != nil {
			return nil, err
		}
		if attempt == 0 {
			r.count(func(s *Stats) { s.MetadataFiles++ })
		}
		err = verify(res.Body, f.MetadataHashes)
		if err == nil {
			return res.Body, nil
		}
		if derr := r.client.Discard(req); derr != nil {
			return nil, fmt.Errorf("metadata file of %s: %v (and discarding the cached copy: %v)", f.Filename, err, derr)
		}
		if !res.FromCache || attempt > 0 {
			return nil, fmt.Errorf("metadata file of %s: %v", f.Filename, err)
		}
		r.count(func(s *Stats) { s.CacheMismatches++ })
	}
}

// contentAddressed reports whether want names a hash strong enough to
// address content by: sha256 or longer.
func contentAddressed(want map[string]string) bool {
	for _, name := range []string{"sha256", "sha384", "sha512"} {
		if want[name] != "" {
			return true
		}
	}
	return false
}

// hashes we can check, strongest first.
var hashOrder = []struct {
	name string
	new  func() hash.Hash
}{
	{"sha512", sha512.New}, {"sha384", sha512.New384}, {"sha256", sha256.New},
	{"sha224", sha256.New224}, {"sha1", sha1.New}, {"md5", md5.New},
}

// verify checks data against the strongest known hash in want; with none
// known there is nothing to check.
func verify(data []byte, want map[string]string) error {
	for _, h := range hashOrder {
		w, ok := want[h.name]
		if !ok {
			continue
		}
		d := h.new()
		d.Write(data)
		got := hex.EncodeToString(d.Sum(nil))
		if got != strings.ToLower(w) {
			return fmt.Errorf("%s mismatch: got %s, want %s", h.name, got, w)
		}
		return nil
	}
	return nil
}

// wheelMetadata finds and parses <name>-<version>.dist-info/METADATA.
func wheelMetadata(zr *zip.Reader, filename string) (index.Metadata, error) {
	zf, err := findMetadata(zr.File, filename)
	if err != nil {
		return index.Metadata{}, err
	}
	rc, err := zf.Open()
	if err != nil {
		return index.Metadata{}, fmt.Errorf("%s: %s: %v", filename, zf.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, 16<<20))
	if err != nil {
		return index.Metadata{}, fmt.Errorf("%s: %s: %v", filename, zf.Name, err)
	}
	m, err := coremeta.Parse(data)
	if err != nil {
		return index.Metadata{}, fmt.Errorf("%s: %s: %w", filename, zf.Name, err)
	}
	return m, nil
}

// findMetadata picks the METADATA of a top-level .dist-info folder,
// preferring the folder named after the wheel (PEP 427).
func findMetadata(files []*zip.File, filename string) (*zip.File, error) {
	var cands []*zip.File
	for _, zf := range files {
		dir, base := path.Split(zf.Name)
		dir = strings.TrimSuffix(dir, "/")
		if base == "METADATA" && strings.HasSuffix(dir, ".dist-info") && !strings.Contains(dir, "/") {
			cands = append(cands, zf)
		}
	}
	switch len(cands) {
	case 0:
		return nil, fmt.Errorf("%s: no .dist-info/METADATA in the wheel", filename)
	case 1:
		return cands[0], nil
	}
	parts := strings.SplitN(strings.TrimSuffix(filename, ".whl"), "-", 3)
	if len(parts) >= 2 {
		want := pep508.NormalizeName(parts[0]) + "-" + parts[1] + ".dist-info/"
		for _, zf := range cands {
			dir, _ := path.Split(zf.Name)
			n, v, _ := strings.Cut(strings.TrimSuffix(dir, ".dist-info/"), "-")
			if pep508.NormalizeName(n)+"-"+v+".dist-info/" == want {
				return zf, nil
			}
		}
	}
	return nil, fmt.Errorf("%s: %d .dist-info folders and none named after the wheel", filename, len(cands))
}

// filePath turns a file:// URL into a local path.
func filePath(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "file" {
		return "", fmt.Errorf("expected a file:// URL, got %q", raw)
	}
	if u.Host != "" && u.Host != "localhost" {
		return "", fmt.Errorf("file URL with a remote host %q", raw)
	}
	return u.Path, nil
}
