package pypi

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/wheeltags"
)

// FindLinks is a pip --find-links location: an HTML page of links (http,
// https or file URL, or a local .html file) or a local folder of
// distribution files. Every link or file whose name belongs to the project
// is a file of the project. It implements index.Lister and
// index.MetadataReader.
//
// As in pip, a folder is read without recursing, and the page is read once
// and then kept for the life of the FindLinks.
type FindLinks struct {
	*Reader
	location string
	client   *fetch.Client

	mu    sync.Mutex // guards done and files; held while reading the location
	done  bool
	files []index.File
}

// NewFindLinks returns the find-links location loc: a URL or a local path.
func NewFindLinks(loc string, c *fetch.Client) *FindLinks {
	return &FindLinks{Reader: NewReader(c), location: loc, client: c}
}

// Location returns the location as given.
func (fl *FindLinks) Location() string { return fl.location }

// Files lists the files of project found at the location. A location that
// lists nothing for the project is an *index.NotFoundError.
func (fl *FindLinks) Files(ctx context.Context, project string) ([]index.File, error) {
	all, err := fl.all(ctx)
	if err != nil {
		return nil, err
	}
	return index.FilesOf(all, project, fl.location)
}

// all reads the location once; a failure is not remembered.
func (fl *FindLinks) all(ctx context.Context) ([]index.File, error) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	if fl.done {
		return fl.files, nil
	}
	var files []index.File
	var err error
	loc := fl.location
	switch {
	case strings.HasPrefix(loc, "http://") || strings.HasPrefix(loc, "https://"):
		files, err = fl.page(ctx, loc)
	default:
		p := loc
		if strings.HasPrefix(loc, "file:") {
			if p, err = filePath(loc); err != nil {
				return nil, err
			}
		}
		files, err = fl.local(p)
	}
	if err != nil {
		return nil, err
	}
	for i := range files {
		files[i].Origin = loc
	}
	fl.files, fl.done = files, true
	return files, nil
}

func (fl *FindLinks) page(ctx context.Context, pageURL string) ([]index.File, error) {
	res, err := fl.client.Get(ctx, fetch.Request{URL: pageURL, Accept: "text/html"})
	if err != nil {
		return nil, err
	}
	fl.count(func(s *Stats) { s.Pages++ })
	return parseHTML(res.Body, res.URL, nil)
}

// local lists a folder, or reads a local HTML page.
func (fl *FindLinks) local(p string) ([]index.File, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		body, err := os.ReadFile(abs)
		if err != nil {
			return nil, err
		}
		return parseHTML(body, fileURL(abs), nil)
	}
	ents, err := os.ReadDir(abs)
	if err != nil {
		return nil, err
	}
	var files []index.File
	for _, e := range ents {
		if _, ok := wheeltags.ProjectOf(e.Name()); e.IsDir() || !ok {
			continue
		}
		full := filepath.Join(abs, e.Name())
		f := index.File{Filename: e.Name(), URL: fileURL(full)}
		if info, err := e.Info(); err == nil {
			f.Size = info.Size()
		}
		if _, err := os.Stat(full + ".metadata"); err == nil {
			f.CoreMetadata = true
		}
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Filename < files[j].Filename })
	return files, nil
}

// fileURL is the file:// URL of an absolute path.
func fileURL(abs string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}

var _ index.Lister = (*FindLinks)(nil)

// String describes the location, for messages.
func (fl *FindLinks) String() string { return fmt.Sprintf("find-links %s", fl.location) }
