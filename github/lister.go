package github

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/zgpu/zgpu/index"
)

// Assets returns every asset of every published release of repo as an
// index.File: Filename the asset name, URL its browser_download_url, Path the
// release tag, Origin "github.com/owner/repo@tag", Size, UploadTime (the
// asset's updated_at, else created_at) and a sha256 hash when the API gives
// a digest. Files are in release order, newest release first; a filename
// published in several releases appears once per release. The listing is
// made once per Client and repository.
func (c *Client) Assets(ctx context.Context, repo string) ([]index.File, error) {
	c.mu.Lock()
	call := c.assets[repo]
	if call == nil {
		call = &assetsCall{}
		c.assets[repo] = call
	}
	c.mu.Unlock()
	call.once.Do(func() {
		call.files, call.err = c.listAssets(ctx, repo)
	})
	if call.err != nil && ctx.Err() == nil && errorsIsContext(call.err) {
		// The first caller's context ended; let a later caller try again.
		c.mu.Lock()
		delete(c.assets, repo)
		c.mu.Unlock()
		return c.Assets(ctx, repo)
	}
	return call.files, call.err
}

func (c *Client) listAssets(ctx context.Context, repo string) ([]index.File, error) {
	rels, err := c.Releases(ctx, repo)
	if err != nil {
		return nil, err
	}
	var files []index.File
	for _, r := range rels {
		for _, a := range r.Assets {
			f := index.File{
				Filename:   a.Name,
				URL:        a.URL,
				Size:       a.Size,
				UploadTime: a.UpdatedAt,
				Origin:     "github.com/" + repo + "@" + r.Tag,
				Path:       r.Tag,
			}
			if f.UploadTime.IsZero() {
				f.UploadTime = a.CreatedAt
			}
			if hexDigest, ok := strings.CutPrefix(a.Digest, "sha256:"); ok && isSHA256(hexDigest) {
				f.Hashes = map[string]string{"sha256": strings.ToLower(hexDigest)}
			}
			files = append(files, f)
		}
	}
	return files, nil
}

func isSHA256(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == 32
}

// Lister returns an index.Lister over the assets of repo: Files(project)
// keeps the assets whose filename names project (PEP 503-normalized), and
// reports an *index.NotFoundError when none does.
func (c *Client) Lister(repo string) index.Lister {
	return &lister{c: c, repo: repo}
}

type lister struct {
	c    *Client
	repo string
}

func (l *lister) Files(ctx context.Context, project string) ([]index.File, error) {
	all, err := l.c.Assets(ctx, l.repo)
	if err != nil {
		return nil, err
	}
	want := normalize(project)
	var out []index.File
	for _, f := range all {
		if name, ok := ProjectOf(f.Filename); ok && name == want {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, &index.NotFoundError{Project: project, Source: "github.com/" + l.repo}
	}
	return out, nil
}

// ProjectOf returns the PEP 503-normalized project name of a wheel
// ({name}-{version}-...whl: the part before the first '-') or of an sdist
// ({name}-{version}.tar.gz or .zip: the part before the last '-'). ok is
// false for other files (checksums, archives of sources, ...).
func ProjectOf(filename string) (name string, ok bool) {
	switch {
	case strings.HasSuffix(filename, ".whl"):
		name, _, ok = strings.Cut(filename, "-")
	case strings.HasSuffix(filename, ".tar.gz"), strings.HasSuffix(filename, ".zip"):
		stem := strings.TrimSuffix(strings.TrimSuffix(filename, ".tar.gz"), ".zip")
		i := strings.LastIndexByte(stem, '-')
		if i > 0 {
			name, ok = stem[:i], true
		}
	}
	if !ok || name == "" {
		return "", false
	}
	return normalize(name), true
}

// normalize is PEP 503 name normalization: each run of '-', '_' and '.'
// becomes one '-', and the result is lower-cased.
func normalize(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	sep := false
	for i := 0; i < len(name); i++ {
		ch := name[i]
		if ch == '-' || ch == '_' || ch == '.' {
			if !sep {
				b.WriteByte('-')
			}
			sep = true
			continue
		}
		sep = false
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		b.WriteByte(ch)
	}
	return b.String()
}

func errorsIsContext(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
