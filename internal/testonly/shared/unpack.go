package shared

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// unpacked memoizes onceFor (unpack, corpusCopy) within one test binary.
var unpacked sync.Map // key -> *unpackResult (onceFor)

type unpackResult struct {
	once sync.Once
	dir  string
	err  error
}

// unpack extracts a .tar.gz of reference material into a folder named by
// the archive's SHA-256 under the user's cache (else the temporary folder)
// and returns that folder. Test binaries running in parallel share it: each
// extracts into its own temporary folder and renames it into place, and the
// first rename wins. A folder already there is used as it is.
func unpack(archive string) (string, error) {
	return onceFor("unpack "+archive, func() (string, error) { return unpackOnce(archive) })
}

// onceFor runs make once per key within one test binary and returns its
// result to every caller.
func onceFor(key string, make func() (string, error)) (string, error) {
	v, _ := unpacked.LoadOrStore(key, &unpackResult{})
	r := v.(*unpackResult)
	r.once.Do(func() { r.dir, r.err = make() })
	return r.dir, r.err
}

func unpackOnce(archive string) (string, error) {
	data, err := os.ReadFile(archive)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return materialize(hex.EncodeToString(sum[:8]), func(tmp string) error {
		if err := extract(archive, tmp); err != nil {
			return fmt.Errorf("unpacking %s: %v", archive, err)
		}
		return nil
	})
}

// materialize returns the folder named key under the user's cache (else
// the temporary folder), filling it with fill the first time: fill writes
// into a temporary folder that is renamed into place, so that test
// binaries running in parallel share one complete copy.
func materialize(key string, fill func(dir string) error) (string, error) {
	root, err := os.UserCacheDir()
	if err != nil || os.MkdirAll(root, 0o755) != nil {
		root = os.TempDir()
	}
	dest := filepath.Join(root, "zgpu-testdata", key)
	if _, err := os.Stat(filepath.Join(dest, ".complete")); err == nil {
		return dest, nil
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dest), ".unpack-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := fill(tmp); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), nil, 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dest); err != nil {
		// Another test binary won the race.
		if _, err2 := os.Stat(filepath.Join(dest, ".complete")); err2 == nil {
			return dest, nil
		}
		return "", err
	}
	return dest, nil
}

// extract writes the regular files and folders of a .tar.gz under dir.
func extract(archive, dir string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean(filepath.FromSlash(h.Name))
		if filepath.IsAbs(name) || name == ".." || strings.HasPrefix(name, ".."+string(filepath.Separator)) {
			return fmt.Errorf("entry %q leaves the folder", h.Name)
		}
		p := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			out, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
			if err != nil {
				return err
			}
			_, err = io.Copy(out, tr)
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		}
	}
}
