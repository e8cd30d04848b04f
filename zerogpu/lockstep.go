package zerogpu

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/lock"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/resolver"
	"github.com/zgpu/zgpu/target"
	"github.com/zgpu/zgpu/wheeltags"
)

// LockOptions configure the lock step.
type LockOptions struct {
	Lister index.Lister
	Meta   index.MetadataReader
	// Pre allows pre-releases of every package (pip --pre).
	Pre bool
	// AllowSdist lets a pure-Python sdist stand in where no wheel installs
	// (never for CUDA packages, which are direct wheels by then).
	AllowSdist bool
	// Preferences are the pins of an existing output file: a re-lock moves
	// nothing unless asked (Upgrade, UpgradePackages).
	Preferences     map[string]pep440.Version
	Upgrade         bool
	UpgradePackages []string
	Concurrency     int
	// Memo and MemoScope: lock.Options' (warm runs list at once what the
	// last lock of the same roots listed).
	Memo      lock.Memo
	MemoScope string
	// Prune drops these packages and what only they need (uv export
	// --prune): `--prune spaces` leaves out what only spaces pulled in.
	Prune []string
	// EmitPreinstalled writes gradio and spaces too.
	EmitPreinstalled bool
	// Strict (--strict) makes no repair at lock time: a package published
	// only as an sdist stays a problem (sdistonly.go).
	Strict bool

	// verify checks a lock export instead of locking (Verify); verifyFile
	// checks the ranges about to be written (VerifyFile).
	verify, verifyFile bool
}

// ErrUnreachable wraps an index failure during the lock: the caller keeps
// the unlocked plan only when a source could not be reached at all
// (ResolveOptions.unlockedOr); any other failure is reported.
var ErrUnreachable = errors.New("the package index could not be read")

// Lock pins every requirement of the plan for its target and torch: the
// resolver runs over the index with the wheel-only policy, co-resolving
// what the platform installs itself (gradio at sdk_version, spaces), which
// are then left out. CUDA wheels chosen by Plan stay as direct URLs;
// editable, path and VCS requirements stay as written. No solution
// becomes a Problem with the resolver's explanation. The torch loop
// (settleTorch) locks the next torch candidate when this one does not
// resolve.
func (r *Report) Lock(ctx context.Context, c *catalog.Catalog, in *Input, lo LockOptions) error {
	if !r.OK() {
		return nil
	}
	if c == nil {
		c = catalog.Default()
	}
	tg := target.For(c, r.Target.Python)
	env, tags := tg.Env(), tg.Tags()
	in = r.assumeGradio(ctx, lo.Lister, tags, in)
	s := &lockStep{r: r, c: c, in: in, lo: lo, byName: map[string]Line{}, direct: map[string]bool{}, omit: map[string]bool{}}
	s.req = resolver.Request{Env: env, Pre: lo.Pre, Preferences: lo.Preferences, Upgrade: lo.Upgrade, UpgradePackages: lo.UpgradePackages}
	s.roots()
	s.platform()

	meta := &directMeta{inner: lo.Meta, direct: s.direct}
	lister := index.Lister(noCUDASdists{inner: lo.Lister, c: c})
	opts := lock.Options{Target: tags, AllowSdist: lo.AllowSdist, Concurrency: lo.Concurrency, Env: env, Memo: lo.Memo, MemoScope: lo.MemoScope}
	// What spaces requires (gradio among them) is certain from the start:
	// read ahead at once rather than after spaces' metadata arrives.
	for _, sr := range c.Spaces.Requires {
		if r, err := pep508.ParseRequirement(sr); err == nil {
			opts.Prefetch = append(opts.Prefetch, r)
		}
	}
	res, err := s.resolve(ctx, lister, meta, opts)
	if err != nil {
		return err
	}
	res, sdists, err := s.relockWithSdists(ctx, lister, meta, opts, res)
	if err != nil {
		return err
	}
	if res.Unsat != nil {
		defer r.newestGradioFix(ctx, c, in, lo, res.Unsat)
		r.unsat(ctx, lister, c, tags, in, lo, res.Unsat)
		return nil
	}
	if lo.verifyFile {
		r.decide("verify", "verified", fmt.Sprintf("the requirements written install together with what the platform's builder installs in the same pip call (%s) on %s", builderSet(c, in), tags), c.Builder.Source+" ("+c.Builder.Date+")")
		return nil
	}
	if lo.verify {
		r.decide("uv.lock", "verified", fmt.Sprintf("the exported pins install together with what the platform's builder installs (%s) on %s", builderSet(c, in), tags), c.Builder.Source+" ("+c.Builder.Date+")")
		return nil
	}
	r.Lines = s.lines(res.Pins)
	r.noteSdists(sdists)
	r.Locked = true
	r.unpinned = meta.names()
	r.served = servedOrigins(res.Pins, r.Lines)
	if len(meta.skipped) > 0 {
		r.warnf("the dependencies of %s are not pinned: zgpu reads no wheel body, and these direct wheels have no metadata on an index; pip installs their dependencies with them", strings.Join(slices.Sorted(maps.Keys(meta.skipped)), ", "))
	}
	if len(meta.sdists) > 0 {
		r.warnf("the dependencies of %s are not pinned: an index lists no dependencies of an sdist (pip reads them when it builds it), and pip installs them with it", strings.Join(slices.Sorted(maps.Keys(meta.sdists)), ", "))
	}
	r.decide("lock", fmt.Sprintf("%d packages pinned", len(r.Lines)),
		fmt.Sprintf("resolved for %s with wheels only, co-resolving what the platform's builder installs in the same pip call (%s; gradio, spaces and what only the builder needs are not written); %d versions tried, %d conflicts", tags, builderSet(c, in), res.Stats.Decisions, res.Stats.Conflicts), c.Builder.Source+" ("+c.Builder.Date+")")
	return nil
}

// unsat is the problem of a lock (or a check: lo) that found no solution,
// with the fixes for where the requirements come from; for VerifyFile, a
// failure that does not involve the builder is only a decision.
func (r *Report) unsat(ctx context.Context, lister index.Lister, c *catalog.Catalog, tags wheeltags.Target, in *Input, lo LockOptions, e *resolver.Explanation) {
	switch {
	case lo.verifyFile:
		r.fileUnsat(ctx, lister, c, tags, in, e)
	case lo.verify:
		r.problem(Problem{
			Subject: "lock",
			Message: "the exported pins cannot be installed on the target together with what the platform's builder installs (" + builderSet(c, in) + "):\n" + e.Derivation,
			Fixes:   exportFixes(ctx, lister, tags, in, e),
		})
	default:
		r.problem(Problem{
			Subject: "lock",
			Message: "no set of versions satisfies every requirement together with what the platform installs:\n" + e.Derivation,
			Fixes:   unsatFixes(ctx, lister, c, tags, r.Target.Torch, in, e),
		})
	}
}

// lockStep is the state of one Lock: the resolver request it builds
// and what the plan's lines say about the pins.
type lockStep struct {
	r   *Report
	c   *catalog.Catalog
	in  *Input
	lo  LockOptions
	req resolver.Request

	byName   map[string]Line // the plan's lines the resolver takes, by name
	verbatim []Line          // -e, paths, VCS, sdist and folder URLs: written as they are
	direct   map[string]bool // direct wheel URLs (without #fragment)
	omit     map[string]bool // resolved but not written
}

// roots turns the plan's lines into the resolver's requirements.
func (s *lockStep) roots() {
	for _, l := range s.r.Lines {
		pr, ok := l.named()
		if !ok {
			s.verbatim = append(s.verbatim, l) // -e, paths, bare URLs
			continue
		}
		if pr.URL != "" {
			if _, _, ok := wheelOf(pr.URL); !ok {
				s.verbatim = append(s.verbatim, l) // VCS, sdist and folder URLs
				continue
			}
			s.direct[strings.SplitN(pr.URL, "#", 2)[0]] = true
		}
		s.byName[l.Name] = l
		origin := l.Origin
		if l.Reason != "" {
			origin = "zgpu's rewrite of " + orDash(l.Origin)
			if l.Origin == "" {
				origin = "added by zgpu"
			}
		}
		s.req.Requirements = append(s.req.Requirements, resolver.Requirement{Requirement: pr, Origin: origin})
	}
}

// platform adds what the platform installs and rules: the Gradio SDK's
// constraints, gradio and spaces themselves, the packages left out of the
// file (omit), pre-requirements and -c constraints.
func (s *lockStep) platform() {
	c, in, req := s.c, s.in, &s.req
	// The Gradio SDK's rules constrain the lock, and what they name is
	// written even when preinstalled (gradio<5 needs hub<1.0).
	ruled := map[string]bool{}
	for _, rule := range c.SDKRulesFor(in.SDKVersion) {
		for _, cs := range rule.Constraints {
			if cr, err := pep508.ParseRequirement(cs); err == nil {
				ruled[pep508.NormalizeName(cr.Name)] = true
				req.Constraints = append(req.Constraints, resolver.Requirement{Requirement: cr, Origin: "the Gradio " + in.SDKVersion + " SDK rule"})
			}
		}
		s.r.decide("gradio "+in.SDKVersion, strings.Join(rule.Constraints, ", "), rule.Why, rule.Source+" ("+rule.Date+")")
	}
	for _, pre := range c.Preinstalled {
		name := pep508.NormalizeName(pre.Name)
		switch {
		case s.lo.EmitPreinstalled:
		case pre.Emit == "never":
			s.omit[name] = true
		case pre.Emit == "user":
			// Preinstalled: written only where the user asked for it, or
			// where the SDK's rules pin it (gradio<5 needs hub<1.0).
			if _, asked := s.byName[name]; !asked && !ruled[name] {
				s.omit[name] = true
			}
		}
	}
	for _, ch := range s.r.Changes {
		if ch.After == "" {
			s.omit[ch.Name] = true
			// --no-emit-package leaves the package out of the file, not
			// out of the resolution: what it needs is still written (uv
			// export); --prune is the flag that drops that too.
			if _, pre := c.PreinstalledPackage(ch.Name); !pre && strings.HasSuffix(ch.Reason, "--no-emit-package") {
				if pr, err := pep508.ParseRequirement(ch.Before); err == nil && pr.Name != "" {
					req.Requirements = append(req.Requirements, resolver.Requirement{Requirement: pr, Origin: orDash(ch.Origin)})
				}
			}
		}
	}
	s.builder()
	for _, p := range append(append([]Requirement(nil), in.Pre...), in.Constraints...) {
		if isPre(p) && preTorchOutside(s.c, p) {
			continue // the written file's torch is installed over it
		}
		if p.Req.Name != "" && p.Req.URL == "" {
			req.Constraints = append(req.Constraints, resolver.Requirement{Requirement: p.Req, Origin: p.Origin})
		}
	}
}

// The origins of the builder's own requirements in the resolution, as
// fixesFor, viaOf and builderOnly recognize them.
const (
	originGradio = "README.md sdk_version (installed by the platform)"
	// originNewest is gradio's origin when the README has no sdk_version.
	originNewest  = "the newest gradio, installed by the platform: README.md has no sdk_version"
	originSpaces  = "the platform's spaces"
	originBuilder = "the platform's builder"
)

// builder adds what the platform's builder installs in the same pip call as
// requirements.txt, exactly (catalog.Catalog.BuilderInstall: torch<=2.13.0,
// gradio[oauth,mcp]==sdk_version, uvicorn, websockets, spaces==0.51.3):
// gradio only for a Gradio Space with an sdk_version.
func (s *lockStep) builder() {
	reqs, err := s.c.BuilderInstall(s.in.SDKVersion)
	if err != nil {
		return // the catalog's install set is checked when it is loaded
	}
	for _, b := range reqs {
		origin := originBuilder
		switch pep508.NormalizeName(b.Name) {
		case "gradio":
			if s.in.SDKVersion == "" || (s.in.SDK != "" && s.in.SDK != "gradio") {
				continue
			}
			origin = originGradio
			if s.in.SDKVersionNewest {
				origin = originNewest
			}
		case "spaces":
			origin = originSpaces
		}
		s.req.Requirements = append(s.req.Requirements, resolver.Requirement{Requirement: b, Origin: origin})
	}
}

// builderOnly returns the packages that only the builder's own extra
// requirements pull in (torch<=2.13.0, uvicorn, websockets when nothing of
// the Space needs them): installed by the platform, not written. What
// gradio and spaces need is written, as they are installed after the file
// and must agree with it.
func builderOnly(pins []lock.Pin) map[string]bool {
	return unreached(pins, func(v resolver.Via) bool { return v.Origin != originBuilder }, nil)
}

// unreached returns the pins not reached from the request's requirements
// that root accepts, walking the "# via" graph without entering skip.
func unreached(pins []lock.Pin, root func(resolver.Via) bool, skip map[string]bool) map[string]bool {
	children := map[string][]string{}
	var roots []string
	for _, pin := range pins {
		name := pep508.NormalizeName(pin.Name)
		for _, v := range pin.Via {
			switch {
			case v.From == "" && root(v):
				roots = append(roots, name)
			case v.From != "":
				parent := pep508.NormalizeName(parentOf(v.From))
				children[parent] = append(children[parent], name)
			}
		}
	}
	reached := map[string]bool{}
	var walk func(string)
	walk = func(n string) {
		if reached[n] || skip[n] {
			return
		}
		reached[n] = true
		for _, ch := range children[n] {
			walk(ch)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	out := map[string]bool{}
	for _, pin := range pins {
		if n := pep508.NormalizeName(pin.Name); !reached[n] {
			out[n] = true
		}
	}
	return out
}

// parentOf is the package of a "# via" parent ("gradio[mcp] 6.19.0").
func parentOf(from string) string {
	if i := strings.LastIndexByte(from, ' '); i > 0 {
		from = from[:i]
	}
	if i := strings.IndexByte(from, '['); i > 0 {
		from = from[:i]
	}
	return from
}

// builderSet spells the builder's install set for in, for messages:
// "torch<=2.13.0, gradio[oauth,mcp]==6.19.0, uvicorn>=0.14.0, ...".
func builderSet(c *catalog.Catalog, in *Input) string {
	reqs, err := c.BuilderInstall(in.SDKVersion)
	if err != nil {
		return strings.Join(c.Builder.Install, ", ")
	}
	var out []string
	for _, r := range reqs {
		out = append(out, r.String())
	}
	return strings.Join(out, ", ")
}

// resolve runs the resolver. torch must stay on the allow-list even when
// only a dependency asks for it: a constraint on the plan's torch (the
// preinstalled one when the user named none), with its side-cars.
func (s *lockStep) resolve(ctx context.Context, lister index.Lister, meta index.MetadataReader, opts lock.Options) (*lock.Result, error) {
	req := s.req
	if tv := s.r.Target.Torch; tv != "" {
		if tr, err := pep508.ParseRequirement("torch==" + tv); err == nil {
			req.Constraints = append(append([]resolver.Requirement(nil), s.req.Constraints...), resolver.Requirement{Requirement: tr, Origin: "the ZeroGPU torch allow-list"})
			req.Constraints = append(req.Constraints, sidecarConstraints(s.c, pep440.MustParse(tv), s.byName)...)
		}
	}
	res, err := lock.Lock(ctx, lister, meta, opts, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	return res, nil
}

// lines are the file's lines from the pins: the plan's reason and direct
// URL kept, what is omitted or pruned left out, the verbatim lines added,
// sorted by name.
func (s *lockStep) lines(pins []lock.Pin) []Line {
	r := s.r
	pruned := prunedBy(pins, s.lo.Prune)
	for name := range builderOnly(pins) {
		pruned[name] = true
	}
	// The file a line zgpu added counts as coming from, for "# via -r".
	primary := "requirements.txt"
	for _, l := range r.Lines {
		if l.Origin != "" && l.Origin != "-" {
			primary = fileOf(l.Origin)
			break
		}
	}
	var lines []Line
	for _, pin := range pins {
		name := pep508.NormalizeName(pin.Name)
		if pre, ok := s.c.PreinstalledPackage(name); ok && pre.Emit == "user" && s.omit[name] {
			r.Preinstalled = append(r.Preinstalled, name)
			r.decide(name, "not written ("+pin.Version+" resolved)", "installed by the platform: "+pre.Rule+"; list it in requirements to pin it", pre.Source+" ("+pre.Date+")")
		}
		if s.omit[name] || pruned[name] {
			continue
		}
		plan, planned := s.byName[name]
		l := Line{Name: name, Hashes: pin.Hashes, Via: viaOf(pin.Via, primary)}.withText(pin.Requirement())
		if planned {
			l.Origin, l.Reason = plan.Origin, plan.Reason
			if plan.req.Req.URL != "" {
				// The plan's direct URL (a CUDA wheel), as the plan read it.
				l.Text, l.req, l.reqErr, l.Hashes = plan.Text, plan.req, plan.reqErr, plan.Hashes
			}
		}
		lines = append(lines, l)
	}
	lines = append(lines, s.verbatim...)
	sort.SliceStable(lines, func(i, j int) bool {
		if lines[i].Name != lines[j].Name {
			return lines[i].Name < lines[j].Name
		}
		return lines[i].Text < lines[j].Text
	})
	return lines
}

// sidecarConstraints keep the side-cars on the releases built for torch t
// wherever they come from: a dependency that asks for torchaudio gets the
// one for t (torchaudio 2.11 and later no longer pin torch, torchcodec
// never did). A side-car the plan takes as a direct wheel is left alone.
func sidecarConstraints(c *catalog.Catalog, t pep440.Version, planned map[string]Line) []resolver.Requirement {
	var out []resolver.Requirement
	for _, name := range sidecarNames {
		if l, ok := planned[name]; ok && l.req.Req.URL != "" {
			continue
		}
		spec, _, ok := c.SidecarSpec(t, name)
		if !ok {
			continue
		}
		r, err := pep508.ParseRequirement(name + spec.String())
		if err != nil {
			continue
		}
		out = append(out, resolver.Requirement{Requirement: r, Origin: "the side-car release built for torch " + t.String()})
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func orAny(s string) string {
	if s == "" {
		return "(any: no sdk_version)"
	}
	return s
}

// fixesFor turns the resolver's suggestions into changes a Space author
// can make: the platform's own requirements cannot be removed, and gradio's
// version is the README's sdk_version.
func fixesFor(sugg []string, in *Input) []string {
	var out []string
	for _, s := range sugg {
		switch {
		case strings.Contains(s, "("+originSpaces+")"), strings.Contains(s, "("+originBuilder+")"), strings.Contains(s, "(the ZeroGPU torch allow-list)"), strings.Contains(s, "(the side-car release built for torch "), strings.Contains(s, " SDK rule)"):
			continue
		case strings.Contains(s, "("+originGradio+")"), strings.Contains(s, "("+originNewest+")"):
			if i := strings.LastIndex(s, " to gradio=="); i >= 0 {
				v := strings.TrimSuffix(strings.Fields(s[i+len(" to gradio=="):])[0], ",")
				where := "README.md"
				if in.SDKVersionOrigin != "" {
					where = in.SDKVersionOrigin
				}
				which := "the Space's sdk_version"
				if in.SDKVersionNewest {
					which = "the newest, which the builder installs without an sdk_version"
				}
				out = append(out, fmt.Sprintf("or set `sdk_version: %s` in %s (gradio %s, %s, does not resolve with the rest; %s does)", v, where, in.SDKVersion, which, v))
				continue
			}
			if strings.HasPrefix(s, "remove ") {
				continue
			}
		}
		out = append(out, s)
	}
	if len(out) == 0 && len(sugg) > 0 {
		out = append(out, "relax the requirements named above")
	}
	return out
}

// viaOf names what pulled a package in, pip-compile style: "-r FILE" for
// a requirement of the input (zgpu's rewrites and additions count as the
// input's primary file), else the package that depends on it.
func viaOf(vs []resolver.Via, primary string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range vs {
		s := v.From
		if s == "" && v.Origin == originBuilder {
			continue // the builder's own requirement: not the file's
		}
		if s == "" {
			origin := strings.TrimPrefix(v.Origin, "zgpu's rewrite of ")
			if origin == "added by zgpu" || origin == "-" {
				origin = primary
			}
			s = "-r " + fileOf(origin)
		} else if i := strings.LastIndexByte(s, ' '); i > 0 {
			s = s[:i]
		}
		if s == "-r " {
			continue
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// fileOf names the file of an origin ("/space/requirements.txt:3") as
// pip-compile does, by its base name.
func fileOf(origin string) string {
	if i := strings.IndexByte(origin, ':'); i > 0 {
		origin = origin[:i]
	}
	return filepath.Base(origin)
}

// directMeta reads metadata from the index, but not for direct wheel URLs
// (GitHub release assets, Hub files): learning their dependencies would
// mean reading the wheel itself. Those get their name and version only, as
// do the sdists --allow-sdist lets in: an index serves no core metadata
// for an sdist, and reading its dependencies would mean building it.
type directMeta struct {
	inner  index.MetadataReader
	direct map[string]bool

	mu      sync.Mutex
	skipped map[string]bool // direct wheels
	sdists  map[string]bool
}

func (d *directMeta) Metadata(ctx context.Context, f index.File) (index.Metadata, error) {
	if d.direct[f.URL] {
		w, err := wheeltags.ParseWheelFilename(f.Filename)
		if err != nil {
			return index.Metadata{}, err
		}
		d.skip(&d.skipped, w.Name)
		return index.Metadata{Name: w.Name, Version: w.Version.String()}, nil
	}
	if !wheeltags.IsWheelFilename(f.Filename) {
		if sd, err := wheeltags.ParseSdistFilename(f.Filename); err == nil {
			d.skip(&d.sdists, sd.Name)
			return index.Metadata{Name: sd.Name, Version: sd.Version.String()}, nil
		}
	}
	return d.inner.Metadata(ctx, f)
}

func (d *directMeta) skip(set *map[string]bool, name string) {
	d.mu.Lock()
	if *set == nil {
		*set = map[string]bool{}
	}
	(*set)[name] = true
	d.mu.Unlock()
}

// names lists the packages whose dependencies were not read: direct
// wheels and sdists.
func (d *directMeta) names() []string {
	var out []string
	for n := range d.skipped {
		out = append(out, n)
	}
	for n := range d.sdists {
		if !d.skipped[n] {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// prunedBy returns the packages to leave out for --prune: the pruned ones,
// and every package no longer reachable from the requirements without going
// through them.
func prunedBy(pins []lock.Pin, prune []string) map[string]bool {
	out := map[string]bool{}
	if len(prune) == 0 {
		return out
	}
	for _, p := range prune {
		out[pep508.NormalizeName(p)] = true
	}
	for n := range unreached(pins, func(resolver.Via) bool { return true }, out) {
		out[n] = true
	}
	return out
}

// noCUDASdists hides the sdists of the catalog's CUDA packages from the
// resolver: even with --allow-sdist, building one needs nvcc, which the
// ZeroGPU builder lacks. A CUDA package that comes in as a dependency then
// fails with "cannot be installed on the target" instead of a build error.
type noCUDASdists struct {
	inner index.Lister
	c     *catalog.Catalog
}

func (n noCUDASdists) Files(ctx context.Context, project string) ([]index.File, error) {
	files, err := n.inner.Files(ctx, project)
	return n.drop(project, files, err)
}

// FilesFiltered passes the lock's filter on to the index (index.FilteredLister).
func (n noCUDASdists) FilesFiltered(ctx context.Context, project string, f index.Filter) ([]index.File, error) {
	files, err := index.ListFiltered(ctx, n.inner, project, f)
	return n.drop(project, files, err)
}

func (n noCUDASdists) drop(project string, files []index.File, err error) ([]index.File, error) {
	if err != nil {
		return files, err
	}
	pkg, ok := n.c.Package(project)
	if !ok || !pkg.NeedsPrebuiltWheel() {
		return files, nil
	}
	var out []index.File
	for _, f := range files {
		if wheeltags.IsWheelFilename(f.Filename) {
			out = append(out, f)
		}
	}
	return out, nil
}
