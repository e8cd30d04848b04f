package hub

import (
	"context"
	"encoding/hex"
	"errors"
	"path"
	"strings"
	"sync"

	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/wheeltags"
)

// Wheels returns every wheel and sdist in r (the whole tree, recursively)
// as index.File: Filename the base name, Path the path in the repository
// ("wheels/pt28-cu128-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl"),
// URL the resolve URL, Hashes the SHA-256 of LFS files, Size, and Origin
// r.Origin(). Files are in the Hub's listing order (by path).
func (c *Client) Wheels(ctx context.Context, r Repo) ([]index.File, error) {
	entries, err := c.Tree(ctx, r, "", true)
	if err != nil {
		return nil, err
	}
	var out []index.File
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		base := path.Base(e.Path)
		if _, ok := wheeltags.ProjectOf(base); !ok {
			continue
		}
		f := index.File{
			Filename: base,
			URL:      c.ResolveURL(r, e.Path),
			Size:     e.Size,
			Origin:   r.Origin(),
			Path:     e.Path,
		}
		if e.LFS != nil {
			if b, err := hex.DecodeString(e.LFS.OID); err == nil && len(b) == 32 {
				f.Hashes = map[string]string{"sha256": strings.ToLower(e.LFS.OID)}
			}
			if e.LFS.Size > 0 {
				f.Size = e.LFS.Size
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// Lister returns an index.Lister over the wheels of r: Files(project) keeps
// the files whose filename names project (PEP 503-normalized) and reports
// an *index.NotFoundError when none does. The repository is listed once per
// Lister.
func (c *Client) Lister(r Repo) index.Lister {
	return &lister{c: c, repo: r}
}

type lister struct {
	c    *Client
	repo Repo

	mu    sync.Mutex
	files []index.File
	done  bool
}

func (l *lister) all(ctx context.Context) ([]index.File, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done {
		return l.files, nil
	}
	files, err := l.c.Wheels(ctx, l.repo)
	if err != nil {
		return nil, err
	}
	l.files, l.done = files, true
	return files, nil
}

func (l *lister) Files(ctx context.Context, project string) ([]index.File, error) {
	all, err := l.all(ctx)
	if err != nil {
		return nil, err
	}
	return index.FilesOf(all, project, l.repo.Origin())
}

// KernelVariants returns the build variants of a `kernels` repository: the
// names of the directories under build/ ("torch28-cxx11-cu128-x86_64-linux").
func (c *Client) KernelVariants(ctx context.Context, r Repo) ([]string, error) {
	entries, err := c.Tree(ctx, r, "build", false)
	if err != nil {
		var nf *RepoNotFoundError
		if errors.As(err, &nf) && nf.Path != "" {
			return nil, nil // a repository without build/ has no variants
		}
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, path.Base(e.Path))
		}
	}
	return out, nil
}
