package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/hub"
)

// spaceRefHelp documents Space references, for the Long help of commands
// that take a DIR.
const spaceRefHelp = `Space references:
  Where a DIR is expected, a Space on the Hub may be named instead:
  OWNER/NAME, spaces/OWNER/NAME or https://huggingface.co/spaces/OWNER/NAME,
  optionally followed by @REVISION (a branch, tag, commit or refs/pr/N). A
  local folder of that name wins. zgpu lists the Space's files
  ($HF_ENDPOINT/api/spaces/OWNER/NAME/tree/REVISION) and reads README.md,
  requirements.txt, pre-requirements.txt, pyproject.toml, uv.lock,
  pylock.toml and packages.txt from it; HF_TOKEN is sent for private Spaces.
  zgpu never writes to the Space: -o writes a local file.`

// spaceRef reports whether arg names a Space rather than a local path: it
// does not exist locally and reads as a Space reference.
func spaceRef(arg string) (hub.Repo, bool) {
	if arg == "" || arg == "." || arg == "-" {
		return hub.Repo{}, false
	}
	if _, err := os.Lstat(arg); err == nil {
		return hub.Repo{}, false
	}
	r, err := hub.ParseSpaceRef(arg)
	return r, err == nil
}

// hubClient returns the Hub client the network flags and environment ask
// for (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE).
func hubClient(g *globalOptions, n *netOptions) *hub.Client {
	return hub.New(fetch.New(n.hubFetchConfig(g)), os.Getenv("HF_ENDPOINT"))
}

// defaultNet is the network configuration of commands without network
// flags: the default cache, timeout and limits.
func defaultNet() *netOptions {
	return &netOptions{CacheDir: fetch.DefaultCacheDir(), Timeout: 30 * time.Second, Jobs: 8}
}

// localDir returns a folder holding the project arg names: arg itself when
// it is a local path, or, for a Space reference, a temporary folder with
// the Space's dependency files downloaded from the Hub. Pass the command's
// result through done: it removes what localDir made and names the Space's
// files in errors as hf.co/spaces/OWNER/NAME/FILE, not by the temporary
// folder.
func localDir(ctx context.Context, g *globalOptions, n *netOptions, arg string) (dir string, done func(error) error, err error) {
	r, ok := spaceRef(arg)
	if !ok {
		return arg, func(err error) error { return err }, nil
	}
	dir, cleanup, err := downloadSpace(ctx, g, hubClient(g, n), r)
	if err != nil {
		return "", nil, err
	}
	label := r.Origin()
	if r.Revision != "main" {
		label += "@" + r.Revision
	}
	return dir, func(err error) error {
		cleanup()
		if err == nil {
			return nil
		}
		return &spaceError{err: err, dir: dir, label: label}
	}, nil
}

// spaceError is an error about files downloaded from a Space, the
// temporary folder replaced by the Space's name.
type spaceError struct {
	err        error
	dir, label string
}

func (e *spaceError) Error() string { return strings.ReplaceAll(e.err.Error(), e.dir, e.label) }
func (e *spaceError) Unwrap() error { return e.err }

// downloadSpace writes the dependency files of the Space r into a new
// temporary folder named after it.
func downloadSpace(ctx context.Context, g *globalOptions, c *hub.Client, r hub.Repo) (dir string, cleanup func(), err error) {
	tmp, err := os.MkdirTemp("", "zgpu-space-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(tmp) }
	dir = filepath.Join(tmp, strings.ReplaceAll(r.ID, "/", "--"))
	if err := os.Mkdir(dir, 0o755); err != nil {
		cleanup()
		return "", nil, err
	}
	names, err := c.DownloadSpace(ctx, r, dir)
	if err != nil {
		cleanup()
		return "", nil, fmt.Errorf("reading Space %s: %w", r.ID, err)
	}
	if len(names) == 0 {
		cleanup()
		return "", nil, fmt.Errorf("space %s has none of %s at revision %q", r.ID, strings.Join(hub.SpaceFiles, ", "), r.Revision)
	}
	g.Debugf("Space %s@%s: read %s", r.ID, r.Revision, strings.Join(names, ", "))
	return dir, cleanup, nil
}
