package pypi

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/zgpu/zgpu/index"
)

// Multi is several sources read as one, as pip reads --index-url,
// --extra-index-url and --find-links together: the files of a project are
// the union of what every source lists (in source order, a URL listed twice
// kept once), with no priority between sources. It implements index.Lister
// and index.MetadataReader.
type Multi struct {
	sources []index.Lister

	mu     sync.Mutex
	origin map[string]int // File.Origin -> source that listed it
}

// NewMulti returns the union of sources, queried concurrently.
func NewMulti(sources ...index.Lister) *Multi {
	return &Multi{sources: sources, origin: map[string]int{}}
}

// Sources returns the sources in order.
func (m *Multi) Sources() []index.Lister { return m.sources }

// Files lists project on every source. Sources that do not know the
// project are skipped; if none does, the error is an *index.NotFoundError
// naming them all. Any other failure fails the call, with the error of the
// first source (in order) that failed; the others are not canceled.
func (m *Multi) Files(ctx context.Context, project string) ([]index.File, error) {
	return m.FilesFiltered(ctx, project, index.Filter{})
}

// FilesFiltered is Files asking each source for the files f keeps
// (index.ListFiltered).
func (m *Multi) FilesFiltered(ctx context.Context, project string, f index.Filter) ([]index.File, error) {
	results := make([][]index.File, len(m.sources))
	notFound := make([]string, len(m.sources))
	errs := make([]error, len(m.sources))
	// Every source is waited for, none canceled when another fails: the
	// error is the first failing source's in order, not in time, and what
	// the others read still reaches the cache.
	var wg sync.WaitGroup
	for i, s := range m.sources {
		wg.Go(func() {
			files, err := index.ListFiltered(ctx, s, project, f)
			var nfe *index.NotFoundError
			if errors.As(err, &nfe) {
				notFound[i] = nfe.Source
				return
			}
			results[i], errs[i] = files, err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	var out []index.File
	seen := map[string]bool{}
	m.mu.Lock()
	for i, files := range results {
		for _, f := range files {
			if seen[f.URL] {
				continue
			}
			seen[f.URL] = true
			m.origin[f.Origin] = i
			out = append(out, f)
		}
	}
	m.mu.Unlock()
	var nf []string
	for _, s := range notFound {
		if s != "" {
			nf = append(nf, s)
		}
	}
	if out == nil && len(nf) > 0 {
		return nil, &index.NotFoundError{Project: project, Source: strings.Join(nf, ", ")}
	}
	return out, nil
}

// Metadata reads f's metadata through the source that listed it, or the
// first source that can read metadata.
func (m *Multi) Metadata(ctx context.Context, f index.File) (index.Metadata, error) {
	m.mu.Lock()
	i, ok := m.origin[f.Origin]
	m.mu.Unlock()
	if ok {
		if mr, ok := m.sources[i].(index.MetadataReader); ok {
			return mr.Metadata(ctx, f)
		}
	}
	for _, s := range m.sources {
		if mr, ok := s.(index.MetadataReader); ok {
			return mr.Metadata(ctx, f)
		}
	}
	return index.Metadata{}, errors.New("no source can read metadata")
}

var _ index.FilteredLister = (*Multi)(nil)
var _ index.MetadataReader = (*Multi)(nil)
