// Package index defines what every wheel source has in common: the files of a
// project, and the core metadata of one file.
//
// Sources are the Simple API of a package index (package pypi), find-links
// pages and folders, GitHub release assets (package github) and Hugging Face
// Hub repositories (package hub). Each implements Lister, and those that can
// read core metadata without downloading a whole file implement
// MetadataReader. Consumers (the resolver's adapter, `zgpu wheel find`) see
// only these interfaces. FilesOf picks one project's files out of a flat
// listing, for the sources that list many projects at once.
package index

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// File is one distribution file of a project, as a source lists it.
type File struct {
	Filename       string            // e.g. "flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl"
	URL            string            // absolute download URL, with any #fragment removed
	Hashes         map[string]string // algorithm -> lowercase hex digest; nil when unknown
	Size           int64             // bytes; 0 when unknown
	RequiresPython string            // PEP 440 specifiers from data-requires-python / requires-python; "" when absent
	Yanked         bool              // PEP 592
	YankedReason   string
	UploadTime     time.Time // zero when unknown
	// CoreMetadata reports that the source serves the file's METADATA on its
	// own (PEP 658/714: URL + ".metadata"); MetadataHashes verifies it.
	CoreMetadata   bool
	MetadataHashes map[string]string
	// Origin says where the file was listed, for humans:
	// "https://pypi.org/simple/torch/", "github.com/Dao-AILab/flash-attention@v2.8.3",
	// "hf.co/datasets/multimodalart/zerogpu-blackwell-wheels".
	Origin string
	// Path is the file's path inside its repository for Hub sources
	// ("wheels/pt28-cu128-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl"),
	// the release tag for GitHub sources; "" otherwise.
	Path string
}

// Metadata is the part of a distribution's core metadata (METADATA or
// PKG-INFO) that resolution needs.
type Metadata struct {
	Name           string
	Version        string
	RequiresDist   []string // PEP 508 requirement strings, as written
	RequiresPython string
	ProvidesExtra  []string
}

// Lister lists the files of a project. project is any spelling of the name;
// implementations normalize it (PEP 503).
type Lister interface {
	Files(ctx context.Context, project string) ([]File, error)
}

// Filter selects, by filename, the files a listing needs to hold. Key names
// the selection (a source that caches filtered listings keys them on it);
// New returns a fresh predicate for one listing (it may keep state, such as
// the versions seen so far), called in the listing's order.
type Filter struct {
	Key string
	New func() func(filename string) bool
}

// FilteredLister is a Lister that can skip the files a Filter rejects before
// building them (a project page of thousands of files, of which a target
// can install a few, costs a scan rather than thousands of Files). The
// files kept are those Files returns that the predicate accepts, in the
// same order.
type FilteredLister interface {
	Lister
	FilesFiltered(ctx context.Context, project string, f Filter) ([]File, error)
}

// ListFiltered lists project on l with f when l can filter, else with
// Files and the predicate applied to its answer.
func ListFiltered(ctx context.Context, l Lister, project string, f Filter) ([]File, error) {
	if fl, ok := l.(FilteredLister); ok {
		return fl.FilesFiltered(ctx, project, f)
	}
	files, err := l.Files(ctx, project)
	if err != nil || f.New == nil {
		return files, err
	}
	keep := f.New()
	out := files[:0:0]
	for _, file := range files {
		if keep(file.Filename) {
			out = append(out, file)
		}
	}
	return out, nil
}

// MetadataReader reads the core metadata of one file of a project without
// downloading the whole file when it can.
type MetadataReader interface {
	Metadata(ctx context.Context, f File) (Metadata, error)
}

// ErrNotFound is matched (errors.Is) by every "no such project" error.
var ErrNotFound = errors.New("not found")

// NotFoundError says that a source does not know a project.
type NotFoundError struct {
	Project string // as asked
	Source  string // the index URL, repository or folder asked
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("project %q not found on %s", e.Project, e.Source)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// ValidRepoPart reports whether s is a valid owner or name part of a
// repository on GitHub or the Hub: ASCII letters, digits, '-', '_' and '.',
// neither empty nor "." nor "..".
func ValidRepoPart(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
