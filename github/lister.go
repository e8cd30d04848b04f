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
	return index.FilesOf(all, project, "github.com/"+l.repo)
}

func errorsIsContext(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
