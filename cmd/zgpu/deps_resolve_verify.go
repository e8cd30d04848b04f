package main

import (
	"context"
	"errors"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/pypi"
	"github.com/zgpu/zgpu/zerogpu"
)

// verify co-resolves a lock export (uv.lock, pylock.toml) with what the
// platform installs (gradio at sdk_version, spaces), reading the index: the
// lock was made by uv for the project, not for the platform's Gradio. The
// export is written as it is; pins that cannot install with the platform's
// Gradio are a problem. Without a reachable or cached index the check is
// skipped with a warning: an export needs no index (--no-lock skips it).
func (o *depsResolveOptions) verify(ctx context.Context, c *catalog.Catalog, in *zerogpu.Input, report *zerogpu.Report) error {
	fc := fetch.New(o.net.fetchConfig(o.g))
	srcs := o.withFileIndexes(report.Options)
	lo := zerogpu.LockOptions{Lister: srcs.sources(fc), Meta: pypi.NewReader(fc), Concurrency: o.net.Jobs, Pre: true, AllowSdist: true}
	stop := o.g.progress("checking the export against gradio " + in.SDKVersion)
	err := report.Verify(ctx, c, in, lo)
	stop()
	if errors.Is(err, zerogpu.ErrUnreachable) {
		o.g.Logf("warning: the export was not checked against the Gradio the platform installs: %v (%s)", err, srcs.describe())
		return nil
	}
	return err
}
