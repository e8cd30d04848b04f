// Package uvindex is uv's index strategy as an index.Lister: the indexes
// of a uv project ([[tool.uv.index]] in pyproject.toml, with the command
// line's and the environment's) read the way uv reads them, not the way pip
// does.
//
// uv's rules, as implemented:
//
//   - first index: the indexes are asked in priority order, and a package
//     comes only from the first index that has it (any version), even when
//     a later one has a newer version (uv's default "first-index" strategy;
//     "unsafe-best-match" is not implemented);
//   - the default index is asked last; a [[tool.uv.index]] with
//     default = true replaces PyPI as the default;
//   - explicit = true: the index serves only the packages that name it in
//     [tool.uv.sources] (package = { index = "name" }), never others;
//   - a package pinned to an index in [tool.uv.sources] comes from that
//     index only, explicit or not;
//   - find-links locations are flat indexes: their files are added to
//     whatever index serves the package.
//
// pip, which installs requirements.txt on the Space builder, does none of
// this: it merges the files of --index-url, every --extra-index-url and
// every --find-links and takes the best version across all. A lock made
// the uv way is still installable by pip when every package is pinned to
// the version the lock chose (and, with --generate-hashes, to its files).
package uvindex

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/pep508"
)

// Index is one index in priority order.
type Index struct {
	Name     string // as [[tool.uv.index]] names it ("" for an unnamed one)
	URL      string // for messages
	Explicit bool
	Lister   index.Lister
}

// Lister reads packages the uv way. It implements index.Lister and
// index.MetadataReader.
type Lister struct {
	// Indexes are in priority order, the default index last.
	Indexes []Index
	// Pins maps a normalized package name to the name of the index
	// [tool.uv.sources] sends it to.
	Pins map[string]string
	// FindLinks are flat indexes read for every package.
	FindLinks []index.Lister

	mu   sync.Mutex
	from map[string]index.Lister // file URL -> the lister that listed it
}

// Files lists project on the one index that serves it, with the
// find-links files.
func (l *Lister) Files(ctx context.Context, project string) ([]index.File, error) {
	name := pep508.NormalizeName(project)
	var tried []string
	var files []index.File
	var from index.Lister
	if pin, ok := l.Pins[name]; ok {
		ix, found := l.named(pin)
		if !found {
			return nil, fmt.Errorf("%s: [tool.uv.sources] sends it to the index %q, which no [[tool.uv.index]] defines", project, pin)
		}
		fs, err := ix.Lister.Files(ctx, project)
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		files, from, tried = fs, ix.Lister, []string{ix.URL}
	} else {
		// Every index is asked at once (the answers come in a round trip,
		// not one per index); the first in priority order that has the
		// package serves it.
		var asked []Index
		for _, ix := range l.Indexes {
			if !ix.Explicit {
				asked = append(asked, ix)
				tried = append(tried, ix.URL)
			}
		}
		found := make([][]index.File, len(asked))
		errs := make([]error, len(asked))
		var wg sync.WaitGroup
		for i, ix := range asked {
			wg.Go(func() { found[i], errs[i] = ix.Lister.Files(ctx, project) })
		}
		wg.Wait()
		for i, ix := range asked {
			if isNotFound(errs[i]) || (errs[i] == nil && len(found[i]) == 0) {
				continue
			}
			if errs[i] != nil {
				return nil, errs[i]
			}
			files, from = found[i], ix.Lister
			break
		}
	}
	l.record(files, from)
	for _, fl := range l.FindLinks {
		fs, err := fl.Files(ctx, project)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		l.record(fs, fl)
		files = append(files, fs...)
	}
	if len(files) == 0 {
		return nil, &index.NotFoundError{Project: project, Source: strings.Join(tried, ", ")}
	}
	return dedupe(files), nil
}

func (l *Lister) named(name string) (Index, bool) {
	for _, ix := range l.Indexes {
		if ix.Name == name {
			return ix, true
		}
	}
	return Index{}, false
}

func (l *Lister) record(files []index.File, from index.Lister) {
	if from == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.from == nil {
		l.from = map[string]index.Lister{}
	}
	for _, f := range files {
		if _, ok := l.from[f.URL]; !ok {
			l.from[f.URL] = from
		}
	}
}

// Metadata reads f's metadata through the source that listed it, or the
// first source that reads metadata.
func (l *Lister) Metadata(ctx context.Context, f index.File) (index.Metadata, error) {
	l.mu.Lock()
	from := l.from[f.URL]
	l.mu.Unlock()
	if mr, ok := from.(index.MetadataReader); ok {
		return mr.Metadata(ctx, f)
	}
	for _, ix := range l.Indexes {
		if mr, ok := ix.Lister.(index.MetadataReader); ok {
			return mr.Metadata(ctx, f)
		}
	}
	for _, fl := range l.FindLinks {
		if mr, ok := fl.(index.MetadataReader); ok {
			return mr.Metadata(ctx, f)
		}
	}
	return index.Metadata{}, errors.New("no source can read metadata")
}

func isNotFound(err error) bool {
	var nf *index.NotFoundError
	return errors.As(err, &nf)
}

// dedupe keeps the first file of each URL.
func dedupe(files []index.File) []index.File {
	seen := map[string]bool{}
	out := files[:0:0]
	for _, f := range files {
		if !seen[f.URL] {
			seen[f.URL] = true
			out = append(out, f)
		}
	}
	return out
}

var (
	_ index.Lister         = (*Lister)(nil)
	_ index.MetadataReader = (*Lister)(nil)
)
