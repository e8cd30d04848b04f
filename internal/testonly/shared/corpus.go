package shared

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// shipped are the files a corpus Space ships beside its dependency files
// that its requirements install (./texture_baker/): the corpus holds only
// the dependency files, and pip (like zgpu) accepts a path line only for a
// folder that exists, so the tests' copy of the corpus adds a placeholder
// package for each. The reference corpus itself stays as it is.
var shipped = map[string][]string{
	"043-stable-fast-3d": {"texture_baker", "uv_unwrapper"},
}

// placeholderPyproject is the pyproject.toml of a shipped local package.
const placeholderPyproject = `# Placeholder for the local package the Space ships (its requirements.txt
# installs this folder); added by the tests' copy of the corpus.
[project]
name = %q
version = "0.0.0"
`

// corpusCopy returns a copy of the corpus folder src with the shipped
// local packages added, made once per content under the user's cache.
func corpusCopy(src string) (string, error) {
	return onceFor("corpus "+src, func() (string, error) { return corpusCopyOnce(src) })
}

func corpusCopyOnce(src string) (string, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		files[rel] = data
		return nil
	})
	if err != nil {
		return "", err
	}
	for space, pkgs := range shipped {
		if _, err := os.Stat(filepath.Join(src, space)); err != nil {
			continue
		}
		for _, pkg := range pkgs {
			rel := filepath.Join(space, pkg, "pyproject.toml")
			if _, ok := files[rel]; !ok {
				files[rel] = []byte(fmt.Sprintf(placeholderPyproject, strings.ReplaceAll(pkg, "_", "-")))
			}
		}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n + "\x00"))
		h.Write(files[n])
		h.Write([]byte{0})
	}
	key := "corpus-" + hex.EncodeToString(h.Sum(nil)[:8])
	return materialize(key, func(dir string) error {
		for _, n := range names {
			p := filepath.Join(dir, n)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(p, files[n], 0o644); err != nil {
				return err
			}
		}
		return nil
	})
}
