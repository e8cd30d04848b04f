package uvlock

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/zgpu/zgpu/pep508"
)

// ExportOptions choose what Export selects, with the meaning of the
// `uv export` flags of the same names.
type ExportOptions struct {
	// Env is the target marker environment (see pep508.LinuxEnv). Every
	// marker is evaluated against it.
	Env map[string]string
	// NoDev leaves out the "dev" dependency group (uv export --no-dev).
	NoDev bool
	// DefaultGroups are the groups exported unless NoDefaultGroups; nil
	// means uv's default, ["dev"].
	DefaultGroups   []string
	NoDefaultGroups bool
	// Groups adds dependency groups (--group); AllGroups adds every group.
	Groups    []string
	AllGroups bool
	// OnlyGroups exports only these groups, not the project's own
	// dependencies (--only-group).
	OnlyGroups []string
	// Extras activates extras of the root project(s) (--extra); AllExtras
	// activates all of them (--all-extras).
	Extras    []string
	AllExtras bool
	// NoEmitPackage omits these packages from the output but still follows
	// their dependencies (--no-emit-package).
	NoEmitPackage []string
	// Prune drops these packages and whatever only they needed (--prune).
	Prune []string
	// NoEmitProject omits the root project(s) (--no-emit-project);
	// NoEmitWorkspace omits every workspace member (--no-emit-workspace).
	NoEmitProject   bool
	NoEmitWorkspace bool
	// Package exports only this workspace member (--package); AllPackages
	// exports every member (--all-packages).
	Package     string
	AllPackages bool
}

// Selected is one package chosen by Export.
type Selected struct {
	Name    string
	Version string
	Source  Source
	// Marker is the marker of the edge that first pulled the package in, as
	// written in the lock: for display only, it held for the target.
	Marker string
	Sdist  *File
	Wheels []File
	// Extras are the extras of this package that were activated.
	Extras []string
	// Via lists the packages that depend on this one in the selection
	// (sorted); empty for a root.
	Via []string
	// Package is the lock entry.
	Package *Package

	// up is the package that first pulled this one in (nil for a root):
	// the links of Chain, kept as links so that an export stays linear in
	// the graph however deep it is.
	up *Selected
}

// Chain returns a shortest path from a root to this package, root first.
func (s *Selected) Chain() []string {
	var out []string
	for q := s; q != nil; q = q.up {
		out = append(out, q.Name)
	}
	slices.Reverse(out)
	return out
}

type exporter struct {
	l         *Lock
	opts      ExportOptions
	activated []string // encoded conflict extras/groups for marker evaluation
	markers   map[string]*pep508.Marker
	prune     map[string]bool
	noEmit    map[string]bool

	sel   map[*Package]*Selected
	order []*Package
	via   map[viaKey]bool              // Via entries already added
	done  map[*Package]map[string]bool // "" = base dependencies
}

// viaKey is a package and the name of one of its dependents.
type viaKey struct {
	p    *Package
	from string
}

type edge struct {
	from *Package
	dep  Dependency
}

// Export selects the packages `uv export` would install on the target
// environment opts.Env, sorted by name then version.
func (l *Lock) Export(opts ExportOptions) ([]Selected, error) {
	if opts.Env == nil {
		return nil, fmt.Errorf("no target environment given")
	}
	e := &exporter{
		l:       l,
		opts:    opts,
		markers: map[string]*pep508.Marker{},
		prune:   nameSet(opts.Prune),
		noEmit:  nameSet(opts.NoEmitPackage),
		sel:     map[*Package]*Selected{},
		via:     map[viaKey]bool{},
		done:    map[*Package]map[string]bool{},
	}
	roots, err := e.roots()
	if err != nil {
		return nil, err
	}
	groups, err := e.groups(roots)
	if err != nil {
		return nil, err
	}
	type rootWork struct {
		pkg    *Package
		extras []string
	}
	var work []rootWork
	for _, r := range roots {
		extras, err := e.extras(r)
		if err != nil {
			return nil, err
		}
		for _, x := range extras {
			e.activated = append(e.activated, encode("extra", r.Name, x))
		}
		for _, g := range groups {
			e.activated = append(e.activated, encode("group", r.Name, g))
		}
		work = append(work, rootWork{r, extras})
	}
	if err := e.checkConflicts(); err != nil {
		return nil, err
	}
	var queue []edge
	for _, w := range work {
		e.add(w.pkg, nil, "")
		if len(opts.OnlyGroups) == 0 {
			queue = append(queue, e.expand(w.pkg, "")...)
		}
		for _, x := range w.extras {
			queue = append(queue, e.expand(w.pkg, x)...)
		}
		for _, g := range groups {
			for _, d := range w.pkg.DevDependencies[g] {
				queue = append(queue, edge{w.pkg, d})
			}
		}
	}
	if len(roots) == 0 {
		// A workspace without a root project: its manifest requirements.
		for _, r := range e.l.Manifest.Requirements {
			queue = append(queue, edge{nil, Dependency{Name: pep508.NormalizeName(r.Name), Extra: r.Extra, Marker: r.Marker}})
		}
		for _, g := range groups {
			for _, r := range e.l.Manifest.DependencyGroups[g] {
				queue = append(queue, edge{nil, Dependency{Name: pep508.NormalizeName(r.Name), Extra: r.Extra, Marker: r.Marker}})
			}
		}
	}
	for len(queue) > 0 {
		ed := queue[0]
		queue = queue[1:]
		if e.prune[ed.dep.Name] {
			continue
		}
		ok, err := e.holds(ed.dep.Marker)
		if err != nil {
			return nil, fmt.Errorf("dependency %s of %s: %v", ed.dep.Name, name(ed.from), err)
		}
		if !ok {
			continue
		}
		p, err := e.resolve(ed.dep)
		if err != nil {
			return nil, fmt.Errorf("dependency %s of %s: %v", ed.dep.Name, name(ed.from), err)
		}
		e.add(p, ed.from, ed.dep.Marker)
		if p.Source.IsLocal() {
			for _, x := range ed.dep.Extra {
				e.activated = append(e.activated, encode("extra", p.Name, x))
			}
		}
		queue = append(queue, e.expand(p, "")...)
		for _, x := range ed.dep.Extra {
			queue = append(queue, e.expand(p, x)...)
			s := e.sel[p]
			if !slices.Contains(s.Extras, x) {
				s.Extras = append(s.Extras, x)
			}
		}
	}
	return e.result(roots), nil
}

func name(p *Package) string {
	if p == nil {
		return "the workspace"
	}
	return p.Name
}

// encode is uv's name for an extra or group in conflict markers:
// extra-<len(package)>-<package>-<extra>.
func encode(kind, pkg, name string) string {
	return kind + "-" + strconv.Itoa(len(pkg)) + "-" + pkg + "-" + pep508.NormalizeName(name)
}

// checkConflicts fails when the request activates two members of one of
// the lock's conflict sets, as uv does ("--all-extras" on a lock whose cpu
// and gpu extras conflict).
func (e *exporter) checkConflicts() error {
	for _, set := range e.l.Conflicts {
		var on []string
		for _, it := range set {
			pkg := pep508.NormalizeName(it.Package)
			switch {
			case it.Extra != "" && slices.Contains(e.activated, encode("extra", pkg, it.Extra)):
				on = append(on, fmt.Sprintf("extra %q of %s", it.Extra, pkg))
			case it.Group != "" && slices.Contains(e.activated, encode("group", pkg, it.Group)):
				on = append(on, fmt.Sprintf("group %q of %s", it.Group, pkg))
			}
		}
		if len(on) > 1 {
			return fmt.Errorf("%s conflict (declared in the lock's conflicts); request at most one", strings.Join(on, " and "))
		}
	}
	return nil
}

func (e *exporter) roots() ([]*Package, error) {
	switch {
	case e.opts.Package != "":
		for _, m := range append(e.l.Members(), e.l.Roots()...) {
			if m.Name == pep508.NormalizeName(e.opts.Package) {
				return []*Package{m}, nil
			}
		}
		var names []string
		for _, m := range e.l.Members() {
			names = append(names, m.Name)
		}
		return nil, fmt.Errorf("package %q is not a workspace member (members: %s)", e.opts.Package, strings.Join(names, ", "))
	case e.opts.AllPackages:
		return e.l.Members(), nil
	}
	return e.l.Roots(), nil
}

func (e *exporter) groups(roots []*Package) ([]string, error) {
	var groups []string
	addGroup := func(g string) {
		if !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	defined := map[string]bool{}
	for _, r := range roots {
		for g := range r.DevDependencies {
			defined[g] = true
		}
		if r.Metadata != nil {
			for g := range r.Metadata.RequiresDev {
				defined[pep508.NormalizeName(g)] = true
			}
		}
	}
	for g := range e.l.Manifest.DependencyGroups {
		defined[pep508.NormalizeName(g)] = true
	}
	if len(e.opts.OnlyGroups) > 0 {
		for _, g := range e.opts.OnlyGroups {
			addGroup(pep508.NormalizeName(g))
		}
	} else {
		if !e.opts.NoDefaultGroups {
			def := e.opts.DefaultGroups
			if def == nil {
				def = []string{"dev"}
			}
			for _, g := range def {
				g = pep508.NormalizeName(g)
				if defined[g] {
					addGroup(g)
				}
			}
		}
		for _, g := range e.opts.Groups {
			addGroup(pep508.NormalizeName(g))
		}
		if e.opts.AllGroups {
			for _, g := range slices.Sorted(maps.Keys(defined)) {
				addGroup(g)
			}
		}
	}
	var out []string
	for _, g := range groups {
		if e.opts.NoDev && g == "dev" {
			continue
		}
		if !defined[g] {
			return nil, fmt.Errorf("group %q is not defined by the project (defined: %s)", g, strings.Join(slices.Sorted(maps.Keys(defined)), ", "))
		}
		out = append(out, g)
	}
	return out, nil
}

func (e *exporter) extras(r *Package) ([]string, error) {
	defined := map[string]bool{}
	for x := range r.OptionalDependencies {
		defined[x] = true
	}
	if r.Metadata != nil {
		for _, x := range r.Metadata.ProvidesExtras {
			defined[pep508.NormalizeName(x)] = true
		}
	}
	if e.opts.AllExtras {
		return slices.Sorted(maps.Keys(defined)), nil
	}
	var out []string
	for _, x := range e.opts.Extras {
		x = pep508.NormalizeName(x)
		if !defined[x] {
			return nil, fmt.Errorf("extra %q is not defined by %s (defined: %s)", x, r.Name, strings.Join(slices.Sorted(maps.Keys(defined)), ", "))
		}
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out, nil
}

// expand returns the edges of p's base dependencies (extra "") or of one
// of its extras, once.
func (e *exporter) expand(p *Package, extra string) []edge {
	m := e.done[p]
	if m == nil {
		m = map[string]bool{}
		e.done[p] = m
	}
	if m[extra] {
		return nil
	}
	m[extra] = true
	deps := p.Dependencies
	if extra != "" {
		deps = p.OptionalDependencies[pep508.NormalizeName(extra)]
		if deps == nil {
			deps = p.OptionalDependencies[extra]
		}
	}
	out := make([]edge, len(deps))
	for i, d := range deps {
		out[i] = edge{p, d}
	}
	return out
}

func (e *exporter) add(p, from *Package, marker string) {
	s, ok := e.sel[p]
	if !ok {
		s = &Selected{Name: p.Name, Version: p.Version, Source: p.Source, Marker: marker, Sdist: p.Sdist, Wheels: p.Wheels, Package: p}
		e.sel[p] = s
		e.order = append(e.order, p)
		if from != nil {
			s.up = e.sel[from]
		}
	}
	if k := (viaKey{p, name(from)}); from != nil && from != p && !e.via[k] {
		e.via[k] = true
		s.Via = append(s.Via, from.Name)
	}
}

// conflictClause matches uv's conflict-set clauses on encoded extras and
// groups: extra == 'extra-8-nanochat-cpu', extra != 'group-3-foo-dev'.
var conflictClause = regexp.MustCompile(`extra\s*(==|!=)\s*(?:'((?:extra|group)-\d+-[^']*)'|"((?:extra|group)-\d+-[^"]*)")`)

// Always-true and always-false clauses in PEP 508's own vocabulary.
const (
	clauseTrue  = `python_version >= "0"`
	clauseFalse = `python_version < "0"`
)

// holds evaluates a marker for the target; the empty marker holds. uv's
// conflict clauses are decided against the set of activated extras and
// groups (set semantics: "extra != X" holds when X is not activated), which
// pip's one-extra-at-a-time evaluation cannot express; the rest of the
// marker is evaluated by pep508.
func (e *exporter) holds(marker string) (bool, error) {
	if marker == "" {
		return true, nil
	}
	if strings.Contains(marker, "extra") {
		marker = conflictClause.ReplaceAllStringFunc(marker, func(c string) string {
			sub := conflictClause.FindStringSubmatch(c)
			name := sub[2] + sub[3]
			in := slices.Contains(e.activated, name)
			if sub[1] == "!=" {
				in = !in
			}
			if in {
				return clauseTrue
			}
			return clauseFalse
		})
	}
	m, ok := e.markers[marker]
	if !ok {
		var err error
		m, err = pep508.ParseMarker(marker)
		if err != nil {
			return false, err
		}
		e.markers[marker] = m
	}
	return m.EvaluateErr(e.opts.Env)
}

// resolve finds the package an edge points at: by name, then by version
// and source when the edge gives them, then by the package's own
// resolution markers.
func (e *exporter) resolve(d Dependency) (*Package, error) {
	cands := e.l.byName[d.Name]
	if len(cands) == 0 {
		return nil, fmt.Errorf("no package %s in the lock", d.Name)
	}
	if len(cands) == 1 {
		return cands[0], nil
	}
	var match []*Package
	for _, p := range cands {
		if d.Version != "" && p.Version != d.Version {
			continue
		}
		if d.Source != nil && (p.Source.Kind != d.Source.Kind || p.Source.Value != d.Source.Value) {
			continue
		}
		match = append(match, p)
	}
	switch len(match) {
	case 0:
		return nil, fmt.Errorf("no package %s %s in the lock", d.Name, d.Version)
	case 1:
		return match[0], nil
	}
	for _, p := range match {
		for _, rm := range p.ResolutionMarkers {
			ok, err := e.holds(rm)
			if err != nil {
				return nil, err
			}
			if ok {
				return p, nil
			}
		}
	}
	return match[0], nil
}

func (e *exporter) result(roots []*Package) []Selected {
	isRoot := map[*Package]bool{}
	for _, r := range roots {
		isRoot[r] = true
	}
	var out []Selected
	for _, p := range e.order {
		if e.noEmit[p.Name] {
			continue
		}
		if e.opts.NoEmitProject && isRoot[p] {
			continue
		}
		if e.opts.NoEmitWorkspace && (p.Source.Kind == "editable" || p.Source.Kind == "virtual") {
			continue
		}
		s := *e.sel[p]
		sort.Strings(s.Via)
		sort.Strings(s.Extras)
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Version < out[j].Version
	})
	return out
}

func nameSet(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[pep508.NormalizeName(n)] = true
	}
	return m
}
