package zerogpu

import (
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/internal/inputfile"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/project"
	"github.com/zgpu/zgpu/pylock"
	"github.com/zgpu/zgpu/target"
	"github.com/zgpu/zgpu/uvlock"
)

// ExportOptions choose what a uv.lock export selects (the flags of
// `uv export` of the same names) and which pyproject extras count.
type ExportOptions struct {
	NoDev         bool
	Groups        []string
	OnlyGroups    []string
	AllGroups     bool
	Extras        []string
	AllExtras     bool
	NoEmitPackage []string
	Prune         []string
	NoEmitProject bool
	// EmitPreinstalled exports huggingface-hub (preinstalled, emit=user)
	// even when only a dependency asks for it.
	EmitPreinstalled bool
}

// TargetPython returns the full interpreter version Plan will use for p
// (the same rule as Plan: --python, README python_version, platform
// default), or the platform default when the asked one is not supported.
func TargetPython(c *catalog.Catalog, p *project.Project, override string) string {
	if full, _, ok := target.Python(c, override, p.PythonVersion); ok {
		return full
	}
	full, _, _ := target.Python(c, "", "")
	return full
}

// FromProject turns a loaded Space folder into Plan's input. Which file
// speaks for the Space is project.Project.Input's choice: a hand-written
// requirements.txt, else the file a generated one names, else uv.lock
// (exported for the target), pylock.toml, pyproject.toml's [project]
// dependencies, requirements.in. pre-requirements.txt is always read.
func FromProject(p *project.Project, c *catalog.Catalog, python string, ex ExportOptions) (*Input, error) {
	in := &Input{
		PythonVersion: p.PythonVersion, PythonVersionOrigin: p.PythonVersionOrigin.String(),
		SDK: p.SDK, SDKVersion: p.SDKVersion, SDKVersionOrigin: p.SDKVersionOrigin.String(),
		RequiresPython: p.RequiresPython, SystemPackages: p.SystemPackages,
	}
	if p.PythonVersion == "" {
		in.PythonVersionOrigin = ""
	}
	for _, f := range p.Files {
		in.Files = append(in.Files, f.Path)
	}
	for _, r := range p.Requirements {
		if r.Section == "pre-requirements.txt" {
			in.Pre = append(in.Pre, fromProjectReq(r))
		}
	}
	choice := p.Input()
	in.Input, in.Ignored = choice.Path, choice.Ignored
	if len(choice.Ignored) > 0 || choice.Generated != nil {
		in.InputWhy = choice.Why
	}
	switch choice.Kind {
	case project.UVLock:
		if err := fromLock(in, p, c, python, ex); err != nil {
			return nil, err
		}
	case project.Pylock:
		if err := fromPylock(in, p, python, ex); err != nil {
			return nil, err
		}
	case project.Pyproject:
		fromPyproject(in, p, ex)
	case project.RequirementsIn:
		in.Requirements = sectionReqs(p, string(project.RequirementsIn))
		in.Constraints = constraintReqs(p, string(project.RequirementsIn))
		in.ConstraintFiles = constraintFiles(p, string(project.RequirementsIn))
		in.Options = optionLines(p, string(project.RequirementsIn))
	case project.Requirements:
		in.Requirements = sectionReqs(p, string(project.Requirements))
		in.Constraints = constraintReqs(p, string(project.Requirements))
		in.ConstraintFiles = constraintFiles(p, string(project.Requirements))
		in.IncludeFiles = includeFiles(p, string(project.Requirements))
		in.Options = optionLines(p, string(project.Requirements))
		in.Requirements = fromGenerated(p, in.Requirements)
	default:
		return nil, fmt.Errorf("%s: no dependencies found: expected requirements.txt, requirements.in, pyproject.toml ([project] or [tool.poetry] dependencies), uv.lock or pylock.toml", p.Dir)
	}
	return in, nil
}

// fromPyproject reads pyproject.toml's requirements as `uv pip compile
// pyproject.toml` does without a lock: dependency groups only when named
// (--group, --all-groups); --only-group takes the named groups and nothing
// of the project itself. (A uv.lock export follows uv export: dev is in by
// default.)
func fromPyproject(in *Input, p *project.Project, ex ExportOptions) {
	only := len(ex.OnlyGroups) > 0
	for _, r := range p.Requirements {
		switch r.Section {
		case "project.dependencies", "tool.poetry.dependencies":
			if only {
				continue
			}
		case "project.optional-dependencies":
			if only || (!ex.AllExtras && !contains(ex.Extras, r.Group)) {
				continue
			}
		case "dependency-groups", "tool.poetry.group":
			if only {
				if !contains(ex.OnlyGroups, r.Group) {
					continue
				}
			} else if !ex.AllGroups && !contains(ex.Groups, r.Group) {
				continue
			}
		case "tool.uv.constraint-dependencies":
			in.Constraints = append(in.Constraints, fromProjectReq(r))
			continue
		default:
			continue
		}
		if r.Req.Name == "" || pep508.NormalizeName(r.Req.Name) == "python" {
			continue
		}
		in.Requirements = append(in.Requirements, withSource(fromProjectReq(r), p))
	}
	applyOverrides(in, p)
	uvIndexOptions(in, p)
}

// uvIndexOptions carries a uv project's indexes over as the pip options
// that install what they serve (the lock reads them the uv way, see package
// uvindex; pip on the Space builder merges them): the default = true index
// as --index-url, the others as --extra-index-url, an explicit one only
// when [tool.uv.sources] sends a package to it (pip cannot keep an index to
// some packages: the lock's exact pins, and --generate-hashes, do), and
// tool.uv.find-links as --find-links. After a lock, the ones that serve no
// written requirement go (pruneIndexes).
func uvIndexOptions(in *Input, p *project.Project) {
	pinned := map[string]bool{}
	for _, s := range p.Sources {
		if s.Index != "" {
			pinned[s.Index] = true
		}
	}
	for _, ix := range p.Indexes {
		switch {
		case ix.Kind == "uv" && ix.Default:
			addOption(in, "--index-url "+ix.URL)
		case ix.Kind == "uv" && (!ix.Explicit || pinned[ix.Name]):
			addOption(in, "--extra-index-url "+ix.URL)
		case ix.Kind == "find-links" && filepath.Base(ix.Origin.File) == "pyproject.toml":
			addOption(in, "--find-links "+ix.URL)
		}
	}
}

// fromGenerated keeps, of a requirements.txt that zgpu wrote, only what the
// user asked for, each with its earlier "# zgpu:" comment (see generated).
func fromGenerated(p *project.Project, reqs []Requirement) []Requirement {
	var path string
	for _, f := range p.Files {
		if f.Kind == project.Requirements {
			path = f.Path
		}
	}
	data, err := inputfile.ReadFile(path)
	if err != nil {
		return reqs
	}
	g, ok := readGenerated(data)
	if !ok {
		return reqs
	}
	// Base names of the files read anyway: what -r includes, and
	// pre-requirements.txt (a line "# via -r pre-requirements.txt" follows
	// that file, not the pin zgpu wrote from it).
	included := map[string]bool{string(project.PreRequirements): true}
	for _, r := range reqs {
		if file, _ := splitOrigin(r.Origin); file != path {
			included[filepath.Base(file)] = true
		}
	}
	var out []Requirement
	for _, r := range reqs {
		name := pep508.NormalizeName(r.Req.Name)
		file, line := splitOrigin(r.Origin)
		// Lines of included files (-r, kept in the output) are the user's.
		if name != "" && file == path && !g.keeps(name, line, included) {
			continue
		}
		if file == path {
			r.Comment = g.comments[name]
		}
		out = append(out, r)
	}
	return out
}

// splitOrigin splits "path:12" into its file and line (0 when absent).
func splitOrigin(origin string) (string, int) {
	i := strings.LastIndexByte(origin, ':')
	if i < 0 {
		return origin, 0
	}
	n, err := strconv.Atoi(origin[i+1:])
	if err != nil {
		return origin, 0
	}
	return origin[:i], n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if pep508.NormalizeName(x) == pep508.NormalizeName(s) {
			return true
		}
	}
	return false
}

func sectionReqs(p *project.Project, section string) []Requirement {
	var out []Requirement
	for _, r := range p.Requirements {
		if r.Section == section && !r.Constraint {
			out = append(out, fromProjectReq(r))
		}
	}
	return out
}

// constraintReqs returns the -c constraints of a requirements file.
func constraintReqs(p *project.Project, section string) []Requirement {
	var out []Requirement
	for _, r := range p.Requirements {
		if r.Section == section && r.Constraint && r.Req.Name != "" {
			out = append(out, fromProjectReq(r))
		}
	}
	return out
}

// includeFiles lists the files a requirements file includes with -r (the
// files its requirements were read from, other than itself), in order.
func includeFiles(p *project.Project, section string) []string {
	var main string
	for _, f := range p.Files {
		if string(f.Kind) == section {
			main = f.Path
		}
	}
	return originFiles(p, section, false, main)
}

// constraintFiles lists the files the constraints of a requirements file
// were read from, in order.
func constraintFiles(p *project.Project, section string) []string {
	return originFiles(p, section, true, "")
}

// originFiles lists, as absolute paths in order, the files the
// requirements (constraint or not) of a section were read from, except
// skip.
func originFiles(p *project.Project, section string, constraint bool, skip string) []string {
	var out []string
	seen := map[string]bool{"": true, skip: true}
	for _, r := range p.Requirements {
		if r.Section != section || r.Constraint != constraint || seen[r.Origin.File] {
			continue
		}
		seen[r.Origin.File] = true
		f := r.Origin.File
		if abs, err := filepath.Abs(f); err == nil {
			f = abs
		}
		out = append(out, f)
	}
	return out
}

// optionLines carries index options of a requirements file over.
func optionLines(p *project.Project, section string) []string {
	var out []string
	for _, o := range p.Options {
		if filepath.Base(o.Origin.File) != section && !strings.HasPrefix(filepath.Base(o.Origin.File), "requirements") {
			continue
		}
		switch o.Name {
		case "--index-url", "--extra-index-url", "--find-links", "--trusted-host", "--no-index", "--pre", "--prefer-binary":
			if o.Value != "" {
				out = append(out, o.Name+" "+o.Value)
			} else {
				out = append(out, o.Name)
			}
		}
	}
	return out
}

func fromProjectReq(r project.Requirement) Requirement {
	return Requirement{Req: r.Req, Text: r.Raw, Origin: r.Origin.String(), Editable: r.Editable, Hashes: r.Hashes}
}

// fromLock exports uv.lock for the target, markers evaluated.
func fromLock(in *Input, p *project.Project, c *catalog.Catalog, python string, ex ExportOptions) error {
	var defaultGroups []string
	if p.Pyproject != nil {
		defaultGroups = p.Pyproject.UV.DefaultGroups
	}
	sel, err := p.UVLock.Export(uvlock.ExportOptions{
		DefaultGroups: defaultGroups,
		Env:           target.Env(python), NoDev: ex.NoDev, Groups: ex.Groups, OnlyGroups: ex.OnlyGroups,
		AllGroups: ex.AllGroups, Extras: ex.Extras, AllExtras: ex.AllExtras,
		NoEmitPackage: ex.NoEmitPackage, Prune: ex.Prune, NoEmitProject: ex.NoEmitProject,
	})
	if err != nil {
		return fmt.Errorf("uv.lock: %w", err)
	}
	lockPath := "uv.lock"
	for _, f := range p.Files {
		if f.Kind == project.UVLock {
			lockPath = f.Path
		}
	}
	in.Locked = true
	in.LockedGradio = lockedVersion(p.UVLock, "gradio", sel)
	roots := map[string]bool{}
	for _, r := range append(p.UVLock.Roots(), p.UVLock.Members()...) {
		roots[pep508.NormalizeName(r.Name)] = true
	}
	for _, s := range sel {
		if pre, ok := c.PreinstalledPackage(s.Name); ok && pre.Emit == "user" && !viaRoot(s.Via, roots) && !ex.EmitPreinstalled {
			// Preinstalled (huggingface-hub): exported only when the
			// project asks for it itself.
			in.LeftOut = append(in.LeftOut, pep508.NormalizeName(s.Name))
			continue
		}
		if s.Source.Kind == "registry" && s.Source.Value != "" && !isPyPI(s.Source.Value) {
			addOption(in, "--extra-index-url "+s.Source.Value)
		}
		text, editable := lockLine(s, p.Dir)
		if text == "" {
			continue
		}
		req := pep508.Requirement{Name: s.Name, URL: strings.TrimPrefix(text, "-e ")}
		if !editable {
			if req, err = pep508.ParseRequirement(text); err != nil {
				return fmt.Errorf("%s: %s %s: %w", lockPath, s.Name, s.Version, err)
			}
		}
		var hashes []string
		for _, w := range s.Wheels {
			if w.Hash != "" {
				hashes = append(hashes, w.Hash)
			}
		}
		if s.Sdist != nil && s.Sdist.Hash != "" {
			hashes = append(hashes, s.Sdist.Hash)
		}
		in.Requirements = append(in.Requirements, Requirement{
			Req: req, Text: text, Origin: lockPath, Editable: editable, Locked: true, Hashes: hashes, Via: s.Via,
		})
	}
	return nil
}

// lockedVersion returns the version of name in the lock (the first, when
// forks hold several), or "".
func lockedVersion(l *uvlock.Lock, name string, _ []uvlock.Selected) string {
	for _, p := range l.Lookup(name) {
		if p.Version != "" {
			return p.Version
		}
	}
	return ""
}

// viaRoot reports whether one of the parents is a root project or a
// workspace member: a direct dependency of the project.
func viaRoot(via []string, roots map[string]bool) bool {
	for _, v := range via {
		name := v
		if i := strings.IndexAny(name, " ["); i > 0 {
			name = name[:i]
		}
		if roots[pep508.NormalizeName(name)] {
			return true
		}
	}
	return false
}

// lockLine renders a locked package as uv export does: name==version for a
// registry package, name @ URL for archives and git, -e for editables;
// virtual packages are not installable and give "".
func lockLine(s uvlock.Selected, dir string) (string, bool) {
	switch s.Source.Kind {
	case "", "registry":
		return s.Name + "==" + s.Version, false
	case "url":
		return s.Name + " @ " + s.Source.Value, false
	case "git":
		u, err := url.Parse(s.Source.Value)
		if err != nil {
			return s.Name + " @ git+" + s.Source.Value, false
		}
		commit := u.Fragment
		u.Fragment, u.RawQuery = "", ""
		ref := u.String()
		if commit != "" {
			ref += "@" + commit
		}
		if s.Source.Subdirectory != "" {
			ref += "#subdirectory=" + s.Source.Subdirectory
		}
		return s.Name + " @ git+" + ref, false
	case "path", "directory":
		return s.Name + " @ " + fileURL(dir, s.Source.Value), false
	case "editable":
		v := s.Source.Value
		if !strings.HasPrefix(v, ".") && !filepath.IsAbs(v) {
			v = "./" + v
		}
		return "-e " + v, true
	}
	return "", false
}

func fileURL(dir, p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		abs = p
	}
	return "file://" + filepath.ToSlash(abs)
}

// withSource applies [tool.uv.sources] to a pyproject requirement, as uv
// does: a git, URL or path source becomes a direct reference, so that pip
// installs the same thing. Index sources keep the name (the index is an
// option line).
func withSource(r Requirement, p *project.Project) Requirement {
	name := pep508.NormalizeName(r.Req.Name)
	for _, s := range p.Sources {
		if pep508.NormalizeName(s.Package) != name {
			continue
		}
		if s.Marker != "" {
			if m, err := pep508.ParseMarker(s.Marker); err == nil && r.Req.Marker == nil {
				r.Req.Marker = m
			}
		}
		var ref string
		switch {
		case s.Git != "":
			ref = "git+" + s.Git
			for _, rev := range []string{s.Rev, s.Tag, s.Branch} {
				if rev != "" {
					ref += "@" + rev
					break
				}
			}
			if s.Subdirectory != "" {
				ref += "#subdirectory=" + s.Subdirectory
			}
		case s.URL != "":
			ref = s.URL
		case s.Path != "":
			ref = fileURL(p.Dir, s.Path)
		default:
			continue
		}
		req := r.Req
		req.URL, req.Specifiers = ref, nil
		r.Req = req
		r.Text = req.String()
		return r
	}
	return r
}

// fromPylock selects a PEP 751 lock for the target.
func fromPylock(in *Input, p *project.Project, python string, ex ExportOptions) error {
	var groups []string
	if ex.AllGroups || len(ex.Groups) > 0 {
		groups = ex.Groups
	}
	pkgs, err := p.Pylock.Select(pylockSelect(python, ex.Extras, groups))
	if err != nil {
		return fmt.Errorf("pylock.toml: %w", err)
	}
	in.Locked = true
	via := pylockVia(pkgs)
	for _, pk := range pkgs {
		var text string
		switch {
		case pk.VCS != nil && pk.VCS.URL != "":
			text = pk.Name + " @ " + pk.VCS.Type + "+" + pk.VCS.URL + "@" + pk.VCS.CommitID
		case pk.Archive != nil && pk.Archive.URL != "":
			text = pk.Name + " @ " + pk.Archive.URL
		case pk.Directory != nil:
			continue // a local project, installed from the Space itself
		case pk.Version != "":
			text = pk.Name + "==" + pk.Version
		default:
			continue
		}
		req, err := pep508.ParseRequirement(text)
		if err != nil {
			return fmt.Errorf("pylock.toml:%d: %s: %w", pk.Line, pk.Name, err)
		}
		var hashes []string
		for _, w := range pk.Wheels {
			if h := w.Hashes["sha256"]; h != "" {
				hashes = append(hashes, "sha256:"+h)
			}
		}
		if pk.Index != "" && !isPyPI(pk.Index) {
			addOption(in, "--extra-index-url "+pk.Index)
		}
		in.Requirements = append(in.Requirements, Requirement{Req: req, Text: text, Origin: fmt.Sprintf("pylock.toml:%d", pk.Line), Locked: true, Hashes: hashes, Via: via[pep508.NormalizeName(pk.Name)]})
	}
	return nil
}

// pylockVia inverts the packages' optional `dependencies` (PEP 751: what
// each package needs) into what needs each package, as a uv.lock export's
// Via: dropStaleTorchDeps reads it. Without dependencies the map is empty.
func pylockVia(pkgs []pylock.Package) map[string][]string {
	via := map[string][]string{}
	for _, pk := range pkgs {
		for _, d := range pk.Dependencies {
			name, _ := d["name"].(string)
			if name == "" {
				continue
			}
			n := pep508.NormalizeName(name)
			if !slices.Contains(via[n], pk.Name) {
				via[n] = append(via[n], pk.Name)
			}
		}
	}
	return via
}

// isPyPI reports whether an index URL is PyPI's.
func isPyPI(u string) bool {
	return strings.Contains(u, "://pypi.org/") || strings.HasSuffix(u, "://pypi.org")
}

func addOption(in *Input, line string) {
	for _, o := range in.Options {
		if o == line {
			return
		}
	}
	in.Options = append(in.Options, line)
}

func pylockSelect(python string, extras, groups []string) pylock.SelectOptions {
	return pylock.SelectOptions{Env: target.Env(python), Extras: extras, Groups: groups}
}

// applyOverrides applies [tool.uv] override-dependencies (applyOverride).
func applyOverrides(in *Input, p *project.Project) {
	for _, o := range p.Requirements {
		if o.Section == "tool.uv.override-dependencies" && o.Req.Name != "" {
			in.applyOverride(fromProjectReq(o))
		}
	}
}

// applyOverride applies an override as far as a requirements file can: it
// replaces the project's own requirement on that package, and restricts it
// wherever a dependency asks for it (a constraint). Unlike uv, it cannot
// loosen what a dependency requires: pip, which builds the Space, holds
// every package to its own requirements.
func (in *Input) applyOverride(ov Requirement) {
	name := pep508.NormalizeName(ov.Req.Name)
	in.Overrides = append(in.Overrides, ov)
	replaced := false
	for i, r := range in.Requirements {
		if pep508.NormalizeName(r.Req.Name) == name {
			in.Requirements[i] = ov
			replaced = true
		}
	}
	if !replaced && ov.Req.URL == "" {
		in.Constraints = append(in.Constraints, ov)
	}
}

// AddCommandLine adds the constraints (-c) and overrides (--override) of
// the command line, as uv pip compile and pip-compile take them:
// constraints restrict a package only when something requires it and are
// never written; overrides replace the requirements on their package (applyOverride). A
// lock export is not re-resolved: its pins are checked against the
// constraints, and overrides do not apply (a warning says so).
func (in *Input) AddCommandLine(constraints, overrides []Requirement, logf func(string, ...any)) {
	in.Constraints = append(in.Constraints, constraints...)
	if len(overrides) > 0 && in.Locked {
		logf("warning: --override: %s is a lock, exported as it is: the overrides are not applied (change the lock's own overrides and lock again)", in.Input)
		return
	}
	for _, ov := range overrides {
		in.applyOverride(ov)
	}
}
