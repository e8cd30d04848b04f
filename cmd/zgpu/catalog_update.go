package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/fetch"
)

func init() { register("catalog", newCatalogUpdateCmd) }

type catalogUpdateOptions struct {
	g        *globalOptions
	From     string
	CacheDir string
	Offline  bool
	Timeout  time.Duration
}

const catalogUpdateLong = `Download a newer ZeroGPU catalog (the platform's torch allow-list, builder
install set, side-car pairings, CUDA package registry ...) without a new zgpu
release, verify it and store it in the cache folder
($XDG_CACHE_HOME/zgpu/catalog/zerogpu.toml).

The catalog is a TOML file of the same format as the embedded one, with a
format version and a date in its [catalog] table, and its SHA-256 published
beside it (the same URL + ".sha256", as sha256sum prints it). It is taken
from --from (an https URL or a local file), else $ZGPU_CATALOG_URL, else the
catalog asset of zgpu's latest release:
  ` + catalog.DefaultUpdateURL + `

A download is refused, and the catalog in use stays, when its checksum does
not match, its format is not the one this zgpu reads, it does not validate,
or it is older than the catalog in use. A local file is checked against
FILE.sha256 when that file exists.

Every command then uses the newest (by date) of the embedded catalog, the
cached update, and a --catalog file (or $ZGPU_CATALOG); zgpu target show says
which one. --offline never fetches (only --from FILE works).`

func newCatalogUpdateCmd(g *globalOptions) *cobra.Command {
	o := &catalogUpdateOptions{g: g}
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Download, verify and cache a newer ZeroGPU catalog",
		Long:  catalogUpdateLong,
		Example: `  zgpu catalog update
  zgpu catalog update --from https://example.org/zerogpu.toml
  zgpu catalog update --from ./zerogpu.toml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runCatalogUpdate(cmd.Context(), o) },
	}
	fs := cmd.Flags()
	fs.StringVar(&o.From, "from", "", "the catalog's `URL` or FILE (default $ZGPU_CATALOG_URL, then the latest release's asset)")
	fs.StringVar(&o.CacheDir, "cache-dir", fetch.DefaultCacheDir(), "cache `folder` the catalog is stored in")
	fs.BoolVar(&o.Offline, "offline", false, "never fetch (only --from FILE works)")
	fs.DurationVar(&o.Timeout, "timeout", 30*time.Second, "timeout of each HTTP attempt")
	return cmd
}

// updateSource returns where to take the catalog from and whether it is a
// URL.
func (o *catalogUpdateOptions) updateSource() (string, bool, error) {
	src := o.From
	if src == "" {
		src = strings.TrimSpace(os.Getenv("ZGPU_CATALOG_URL"))
	}
	if src == "" {
		src = catalog.DefaultUpdateURL
	}
	u, err := url.Parse(src)
	if err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return src, true, nil
	}
	if err == nil && u.Scheme != "" && len(u.Scheme) > 1 {
		return "", false, usagef("--from %s: expected an http(s) URL or a file path", src)
	}
	return src, false, nil
}

func runCatalogUpdate(ctx context.Context, o *catalogUpdateOptions) error {
	src, isURL, err := o.updateSource()
	if err != nil {
		return err
	}
	current, _, err := catalog.Select("", o.CacheDir)
	if err != nil {
		return err
	}
	var data []byte
	var sum string
	if isURL {
		if o.Offline {
			return fmt.Errorf("catalog update: --offline: not fetching %s; the catalog in use stays (%s)", src, current.Label())
		}
		data, sum, err = o.download(ctx, src)
	} else {
		data, sum, err = readLocal(src)
	}
	if err != nil {
		return fmt.Errorf("catalog update: %v; the catalog in use stays (%s)", err, current.Label())
	}
	c, err := catalog.Install(o.CacheDir, data, sum, current)
	switch {
	case errors.Is(err, catalog.ErrNotNewer):
		fmt.Fprintf(o.g.Stdout, "The catalog in use (%s) is up to date with %s.\n", current.Label(), src)
		return nil
	case err != nil:
		return fmt.Errorf("catalog update: %s: %v; the catalog in use stays (%s)", src, err, current.Label())
	}
	fmt.Fprintf(o.g.Stdout, "Updated the ZeroGPU catalog from %s to %s (from %s), stored in %s.\n",
		current.Meta.Date, c.Meta.Date, src, c.OriginPath)
	fmt.Fprintf(o.g.Stdout, "torch allowed: %s\n", strings.Join(c.Torch.Allowed, ", "))
	return nil
}

// download fetches the catalog at src and the checksum beside it.
func (o *catalogUpdateOptions) download(ctx context.Context, src string) (data []byte, sum string, err error) {
	cl := fetch.New(fetch.Config{Timeout: o.Timeout, UserAgent: "zgpu/" + buildVersion(), Logf: o.g.Debugf,
		AllowHosts: allowHosts(), Tokens: envTokens()})
	get := func(u string) ([]byte, error) {
		r, err := cl.Get(ctx, fetch.Request{URL: u, NoStore: true})
		if err != nil {
			return nil, err
		}
		if len(r.Body) > catalog.MaxFileSize {
			return nil, fmt.Errorf("%s: larger than %d bytes", u, catalog.MaxFileSize)
		}
		return r.Body, nil
	}
	if data, err = get(src); err != nil {
		return nil, "", err
	}
	s, err := get(src + ".sha256")
	if err != nil {
		return nil, "", fmt.Errorf("no checksum beside the catalog: %v", err)
	}
	if strings.TrimSpace(string(s)) == "" {
		return nil, "", fmt.Errorf("the checksum %s.sha256 is empty", src)
	}
	return data, string(s), nil
}

// readLocal reads a catalog file and FILE.sha256 when it exists.
func readLocal(p string) (data []byte, sum string, err error) {
	if data, err = catalog.ReadFile(p); err != nil {
		return nil, "", err
	}
	if s, err := os.ReadFile(p + ".sha256"); err == nil {
		sum = strings.TrimSpace(string(s))
		if sum == "" {
			return nil, "", fmt.Errorf("%s.sha256 is empty", p)
		}
	}
	return data, sum, nil
}
