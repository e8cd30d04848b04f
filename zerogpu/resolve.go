package zerogpu

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/project"
	"github.com/zgpu/zgpu/wheelfind"
)

// ResolveOptions are the choices of one `zgpu deps resolve` run, read from
// the command line by the caller; Resolve does the rest.
type ResolveOptions struct {
	Catalog          *catalog.Catalog
	Python           string // --python ("" for the README's, else the default)
	Torch            string // --torch
	Export           ExportOptions
	EmitPreinstalled bool // write spaces and gradio too
	NoLock           bool // keep the user's ranges
	Strict           bool // --strict: report the problems zgpu would repair, write nothing
	Offline          bool // only the cache is read: source failures are not warned about
	// RequireLock makes an index that cannot be reached an error
	// (ErrLockRequired) instead of a file with the ranges kept.
	RequireLock bool
	// Constraints and Overrides come from the command line (-c FILE,
	// --override FILE): see Input.AddCommandLine.
	Constraints, Overrides []Requirement
	// Lock carries the resolver's choices (Pre, AllowSdist, Upgrade,
	// UpgradePackages, Concurrency, Preferences); Resolve fills in the
	// sources, Prune and EmitPreinstalled.
	Lock LockOptions
	// Sources returns the package index sources for the index lines the
	// plan keeps (the input's --index-url, --extra-index-url, --find-links
	// and IndexOptions), and how to name them in messages.
	Sources func(indexLines []string) (index.Lister, index.MetadataReader, string)
	// ListerFor builds the listers of catalog wheel sources.
	ListerFor ListerFor
	// ProjectSources returns the project's own wheel sources of a package
	// (SourceFinder.ProjectSources); nil for none.
	ProjectSources func(pkg string) []wheelfind.Source
	// HubEndpoint (HF_ENDPOINT) and GitHubAPI (GITHUB_API_URL) are the
	// endpoints the wheel sources were read through: a wheel found there is
	// written with its public URL (PublicURL).
	HubEndpoint, GitHubAPI string
	// IndexOptions are the index lines of the command line, written to the
	// file after the input's; one with credentials is not (a warning says so).
	IndexOptions []string
	// Render is how the file is written; LeftOut is filled in.
	Render RenderOptions
	// Logf prints a warning or a note as it happens; Progress shows a step
	// and returns the function that ends it. Both may be nil.
	Logf     func(format string, a ...any)
	Progress func(what string) (stop func())
}

// Result is what one Resolve run decided and the file to write.
type Result struct {
	// Report holds the target, the lines, every decision, change, warning
	// and problem (the --json schema).
	*Report
	Input *Input
	// File is the requirements file, nil when the report has problems.
	File []byte
	// Unlocked is why the index could not be read to lock (the ranges
	// were kept); nil otherwise.
	Unlocked error
}

// Resolve applies the ZeroGPU rules to proj and returns the file to write:
// the Python choice (target.Python), the input (FromProject), the plan with
// the torch choice and the wheels (Plan), the lock or, for a lock export,
// its check against the platform's Gradio (Lock, Verify), and the file
// (Render). A plan with problems is a Result with a nil File and a nil
// error; an index that cannot be read keeps the ranges (Result.Unlocked says
// why). The error is for failed wheel sources, bad input and cancellation,
// with a nil Result, or for a file that cannot be rendered
// (--generate-hashes without hashes), with the Result.
func Resolve(ctx context.Context, proj *project.Project, o ResolveOptions) (*Result, error) {
	c := o.Catalog
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	logf := o.Logf
	leftOut := LeftOut(c, o.EmitPreinstalled)
	ex := o.Export
	ex.NoEmitPackage = append(append([]string(nil), ex.NoEmitPackage...), leftOut...)
	in, err := FromProject(proj, c, TargetPython(c, proj, o.Python), ex)
	if err != nil {
		return nil, err
	}
	in.AddCommandLine(o.Constraints, o.Overrides, logf)
	if msg := in.describeInput(); msg != "" {
		logf("%s", msg)
	}
	popts := o.planOptions(o.finder(in))
	first, tc, err := planChoice(ctx, in, popts)
	if err != nil {
		return nil, err
	}
	if len(o.Export.Prune) > 0 && ((o.NoLock && proj.UVLock == nil) || (proj.UVLock == nil && in.Locked)) {
		logf("warning: --prune %s: nothing to prune: %s", strings.Join(o.Export.Prune, ", "), pruneWhy(proj, o.NoLock))
	}
	report, unlocked, err := o.check(ctx, in, first, popts, tc)
	if err != nil {
		return nil, err
	}
	if report.OK() {
		report.pruneIndexes()
	}
	report.addIndexOptions(o.IndexOptions, logf)
	report.hideCredentials()
	var file []byte
	if report.OK() {
		ro := o.Render
		ro.LeftOut = leftOut
		if file, err = report.Render(ro); err == nil {
			file, err = report.minimalEdit(in, ro, file)
		}
	}
	return &Result{Report: report, Input: in, File: file, Unlocked: unlocked}, err // a Render error comes with the report
}

// finder is the CUDA wheel finder of one run: the catalog's sources, the
// project's and the input's own, each failing source warned about once.
func (o *ResolveOptions) finder(in *Input) *SourceFinder {
	warned := map[string]bool{}
	return &SourceFinder{Catalog: o.Catalog, ListerFor: o.ListerFor, ProjectSources: o.ProjectSources, Warn: func(f string, a ...any) {
		// Once per source: "SOURCE: error" (each package read there
		// fails the same way).
		msg := fmt.Sprintf(f, a...)
		if key := sourceFailure(msg); !warned[key] && !o.Offline {
			warned[key] = true
			o.Logf("warning: wheel source failed: %s", msg)
		}
	}, PublicURL: func(u string) string { return PublicURL(u, o.HubEndpoint, o.GitHubAPI) },
		Extra: InputSources(in)}
}

// sourceFailure is the key a failing wheel source is warned about once
// by: "SOURCE: error" gives the source, except that the pages of one
// folder failing the same way (data.pyg.org's page per torch, none
// reachable) are one failure: the folder and the error without its URL.
func sourceFailure(msg string) string {
	src, why, _ := strings.Cut(msg, ": ")
	_, loc, _ := strings.Cut(src, ":")
	u, err := url.Parse(loc)
	if err != nil || u.Host == "" {
		return src
	}
	if _, after, ok := strings.Cut(why, u.Host); ok {
		if _, tail, ok := strings.Cut(after, ": "); ok {
			why = tail
		}
	}
	return u.Host + path.Dir(u.Path) + "\x00" + why
}

// planOptions are Plan's options for this run.
func (o *ResolveOptions) planOptions(finder WheelFinder) Options {
	return Options{
		Catalog: o.Catalog, Python: o.Python, Torch: o.Torch, Finder: finder,
		NoEmit: append(append([]string(nil), o.Export.NoEmitPackage...), o.Export.Prune...), EmitPreinstalled: o.EmitPreinstalled,
		Strict: o.Strict,
	}
}

// check locks the plan, choosing torch in the one torch loop
// (settleTorch), or, with --no-lock, verifies the ranges to write the same
// way (verifyFile), or checks a lock export against what the platform
// installs. It returns the plan that resolved (or the preferred one's
// failure), and why it is unlocked when a source could not be reached.
func (o *ResolveOptions) check(ctx context.Context, in *Input, report *Report, popts Options, tc *torchChoice) (_ *Report, unlocked, _ error) {
	switch {
	case !report.OK():
		return report, nil, nil
	case o.NoLock && in.Locked:
		return report, nil, nil // a lock export as it is
	case o.NoLock:
		r, err := o.verifyFile(ctx, in, report, popts, tc)
		return r, nil, err
	}
	c := o.Catalog
	lister, meta, describe := o.Sources(report.Options)
	lo := o.Lock
	lo.Lister, lo.Meta = lister, meta
	if in.Locked {
		lo = LockOptions{Lister: lister, Meta: meta, Concurrency: o.Lock.Concurrency, Pre: true, AllowSdist: true}
		stop := o.progress("checking the export against gradio " + in.SDKVersion)
		err := report.Verify(ctx, c, in, lo)
		stop()
		if !errors.Is(err, ErrUnreachable) || ctx.Err() != nil {
			return report, nil, err
		}
		// The export's pins stand as uv locked them: a check that could
		// not read the index is a warning that names the failure.
		o.Logf("warning: the export was not checked against the Gradio the platform installs: %v (%s)", err, describe)
		return report, nil, nil
	}
	lo.Prune, lo.EmitPreinstalled, lo.Strict = o.Export.Prune, o.EmitPreinstalled, o.Strict
	lo.MemoScope = describe // the memo of one set of sources is not another's
	stop := o.progress("locking for Python " + report.Target.Python)
	locked, err := settleTorch(ctx, in, popts, report, tc, func(ctx context.Context, r *Report) error {
		return r.Lock(ctx, c, in, lo)
	})
	stop()
	if !errors.Is(err, ErrUnreachable) || ctx.Err() != nil {
		return locked, nil, err
	}
	// Issue 6: locking is the default when the sources are reachable or
	// cached; otherwise the ranges are kept (the caller guards a file zgpu
	// locked), and the warning names the sources. Issue 13: only when a
	// source could not be reached at all (unlockedOr).
	unlocked, err = o.unlockedOr(err, describe)
	if unlocked != nil && !o.Offline {
		unlocked = fmt.Errorf("%w (%s)", unlocked, describe)
	}
	return locked, unlocked, err
}

// verifyFile checks the ranges about to be written (--no-lock) against what
// the builder installs in the same pip call, when the index can be read
// (or, --offline, its pages are cached), choosing torch in the one torch
// loop (settleTorch) as a lock does; otherwise the file is written
// unverified, as the decisions say.
func (o *ResolveOptions) verifyFile(ctx context.Context, in *Input, report *Report, popts Options, tc *torchChoice) (*Report, error) {
	lister, meta, describe := o.Sources(report.Options)
	lo := o.Lock
	lo.Lister, lo.Meta = lister, meta
	stop := o.progress("checking the requirements against what the builder installs")
	verified, err := settleTorch(ctx, in, popts, report, tc, func(ctx context.Context, r *Report) error {
		return r.VerifyFile(ctx, o.Catalog, in, lo)
	})
	stop()
	if errors.Is(err, ErrUnreachable) {
		verified.decide("verify", "not verified", fmt.Sprintf("the package index could not be read: %v (%s)", err, describe), "")
		return verified, nil
	}
	return verified, err
}

func (o *ResolveOptions) progress(what string) func() {
	if o.Progress == nil {
		return func() {}
	}
	return o.Progress(what)
}

// addIndexOptions adds the command line's index lines to the file's, each
// once; a URL with credentials is left out with a warning.
func (r *Report) addIndexOptions(lines []string, logf func(string, ...any)) {
	have := map[string]bool{}
	for _, l := range r.Options {
		have[l] = true
	}
	for _, l := range lines {
		if have[l] {
			continue
		}
		if u, err := url.Parse(strings.Fields(l)[1]); err == nil && u.User != nil {
			logf("warning: %s carries credentials and is not written to the file: give it to the Space as a secret (PIP_EXTRA_INDEX_URL)", strings.Fields(l)[0])
			continue
		}
		have[l] = true
		r.Options = append(r.Options, l)
	}
}

// LeftOut names the packages the platform installs that are never written
// (the catalog's emit = "never": spaces, gradio), none with
// emitPreinstalled.
func LeftOut(c *catalog.Catalog, emitPreinstalled bool) []string {
	if emitPreinstalled {
		return nil
	}
	var names []string
	for _, p := range c.Preinstalled {
		if p.Emit == "never" {
			names = append(names, p.Name)
		}
	}
	return names
}

// pruneWhy says why --prune has nothing to prune.
func pruneWhy(p *project.Project, noLock bool) string {
	if p.Pylock != nil && p.UVLock == nil {
		return "a pylock.toml is exported as it is, with no dependency graph to prune"
	}
	if noLock {
		return "--no-lock keeps your requirements as written, with no dependency graph to prune (it applies to a uv.lock export and to locking)"
	}
	return "nothing is locked"
}
