// Package pyproject reads the dependency-related parts of a pyproject.toml:
//
//   - PEP 621 [project]: name, version, requires-python, dynamic,
//     dependencies and optional-dependencies;
//   - PEP 735 [dependency-groups], with {include-group = "..."} expanded and
//     include cycles reported as errors, as the PEP requires;
//   - uv's [tool.uv]: sources (one table or a list of marker-scoped tables
//     per package), [[tool.uv.index]], the legacy dev-dependencies,
//     no-build-isolation-package, extra-build-dependencies,
//     override-dependencies and constraint-dependencies;
//   - Poetry's [tool.poetry] dependencies, groups, legacy dev-dependencies,
//     extras and sources, with Poetry's version constraints translated to
//     PEP 440 (see poetry.go).
//
// Every requirement keeps its origin, the file, line and column of its
// string (or, for Poetry, of its key). Requirement strings are parsed with
// pep508; a malformed one is an error at its position. TOML syntax errors are
// reported as file:line:column with the offending line, and a value of the
// wrong type as file:line:column, its key path and the TOML type expected
// and found ("project.dependencies: expected an array of strings, found a
// string").
//
// Deviations: other [tool.*] tables are ignored; PEP 621 fields that do not
// affect dependencies (readme, authors, entry points...) are not read.
// Dynamic dependencies (dynamic = ["dependencies"]) are recorded in Dynamic
// but cannot be read without running the build backend.
package pyproject

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/zgpu/zgpu/internal/inputfile"
	"github.com/zgpu/zgpu/internal/redact"
	"github.com/zgpu/zgpu/internal/tomlpos"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
)

// Origin is where a value was written: file, 1-based line and column.
type Origin struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

// String formats o as file:line:col (file:line when the column is unknown).
func (o Origin) String() string {
	switch {
	case o.Line == 0:
		return o.File
	case o.Col == 0:
		return fmt.Sprintf("%s:%d", o.File, o.Line)
	}
	return fmt.Sprintf("%s:%d:%d", o.File, o.Line, o.Col)
}

// Dependency is one requirement with its origin.
type Dependency struct {
	// Raw is the requirement string as written; for Poetry it is the PEP 508
	// string zgpu translated the entry to.
	Raw string
	// Req is Raw parsed.
	Req pep508.Requirement
	// Origin is where the requirement (for Poetry: its key) was written.
	Origin Origin
	// Alternatives holds the alternatives of a Poetry constraint written with "||":
	// each is a PEP 440 specifier set. Req then carries no version specifier
	// (a union cannot be written as one PEP 440 specifier set).
	Alternatives []string
}

// File is a parsed pyproject.toml.
type File struct {
	Path string

	// HasProject reports whether a [project] table is present.
	HasProject     bool
	Name           string
	Version        string
	RequiresPython string
	Dynamic        []string

	Dependencies         []Dependency
	OptionalDependencies map[string][]Dependency // extra name as written -> requirements
	// DependencyGroups holds the PEP 735 groups with includes expanded.
	DependencyGroups map[string][]Dependency

	UV     UV
	Poetry *Poetry // nil when there is no [tool.poetry]
}

// UV is the [tool.uv] table.
type UV struct {
	Sources                 map[string][]Source // normalized package name -> sources
	Indexes                 []Index
	DevDependencies         []Dependency
	NoBuildIsolationPackage []string
	ExtraBuildDependencies  map[string][]BuildDependency
	OverrideDependencies    []Dependency
	ConstraintDependencies  []Dependency
	// FindLinks is tool.uv.find-links: URLs or paths, as written.
	FindLinks []Index
	// DefaultGroups is tool.uv.default-groups: nil when unset (uv then
	// uses ["dev"]), ["all"] for the string "all".
	DefaultGroups []string
}

// Source is one entry of [tool.uv.sources]: where a package comes from.
// Exactly one of Git, URL, Path, Index or Workspace is set.
type Source struct {
	Package      string `json:"package"`
	Git          string `json:"git,omitempty"`
	Rev          string `json:"rev,omitempty"`
	Tag          string `json:"tag,omitempty"`
	Branch       string `json:"branch,omitempty"`
	Subdirectory string `json:"subdirectory,omitempty"`
	URL          string `json:"url,omitempty"`
	Path         string `json:"path,omitempty"`
	Editable     *bool  `json:"editable,omitempty"`
	Index        string `json:"index,omitempty"`
	Workspace    bool   `json:"workspace,omitempty"`
	Marker       string `json:"marker,omitempty"`
	Extra        string `json:"extra,omitempty"`
	Group        string `json:"group,omitempty"`
	Origin       Origin `json:"origin"`
}

// Index is one [[tool.uv.index]] (or Poetry [[tool.poetry.source]]).
type Index struct {
	Name     string `json:"name,omitempty"`
	URL      string `json:"url"`
	Explicit bool   `json:"explicit,omitempty"`
	Default  bool   `json:"default,omitempty"`
	Priority string `json:"priority,omitempty"` // Poetry's priority
	Origin   Origin `json:"origin"`
}

// BuildDependency is an entry of tool.uv.extra-build-dependencies.
type BuildDependency struct {
	Dependency
	MatchRuntime bool
}

// Read reads and parses the pyproject.toml at path.
func Read(path string) (*File, error) {
	data, err := inputfile.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

type rawFile struct {
	Project *struct {
		Name                 string              `toml:"name"`
		Version              string              `toml:"version"`
		RequiresPython       string              `toml:"requires-python"`
		Dynamic              []string            `toml:"dynamic"`
		Dependencies         []string            `toml:"dependencies"`
		OptionalDependencies map[string][]string `toml:"optional-dependencies"`
	} `toml:"project"`
	DependencyGroups map[string][]any `toml:"dependency-groups"`
	Tool             struct {
		UV *struct {
			Sources                 map[string]any   `toml:"sources"`
			Index                   []rawIndex       `toml:"index"`
			DevDependencies         []string         `toml:"dev-dependencies"`
			NoBuildIsolationPackage []string         `toml:"no-build-isolation-package"`
			ExtraBuildDependencies  map[string][]any `toml:"extra-build-dependencies"`
			OverrideDependencies    []string         `toml:"override-dependencies"`
			ConstraintDependencies  []string         `toml:"constraint-dependencies"`
			DefaultGroups           any              `toml:"default-groups"`
			IndexURL                string           `toml:"index-url"`
			ExtraIndexURL           []string         `toml:"extra-index-url"`
			FindLinks               []string         `toml:"find-links"`
		} `toml:"uv"`
		Poetry *rawPoetry `toml:"poetry"`
	} `toml:"tool"`
}

type rawIndex struct {
	Name     string `toml:"name"`
	URL      string `toml:"url"`
	Path     string `toml:"path"`
	Explicit bool   `toml:"explicit"`
	Default  bool   `toml:"default"`
}

// parser carries the file name and position index while decoding.
type parser struct {
	file string
	pos  *tomlpos.Index
}

func (p *parser) origin(segs ...any) Origin {
	o := Origin{File: p.file}
	if pos, ok := p.pos.Lookup(tomlpos.Path(segs...)); ok {
		o.Line, o.Col = pos.Line, pos.Col
	}
	return o
}

// errorf returns an error positioned at the value of path segs.
func (p *parser) errorf(segs []any, format string, args ...any) error {
	return fmt.Errorf("%s: %s", p.origin(segs...), fmt.Sprintf(format, args...))
}

// typeError returns "file:line:col: path: expected X, found Y" for the
// value v at path segs.
func (p *parser) typeError(segs []any, expected string, v any) error {
	o := p.origin(segs...)
	return &tomlpos.PosError{File: o.File, Line: o.Line, Col: o.Col, Path: tomlpos.Path(segs...),
		Msg: fmt.Sprintf("expected %s, found %s", expected, tomlpos.TypeOf(v))}
}

// mismatch returns the error for v, the value at path segs, which is not
// of Go type t, in TOML terms.
func (p *parser) mismatch(segs []any, v any, t reflect.Type) error {
	return p.pos.TypeError(p.file, tomlpos.Path(segs...), v, t)
}

// table reads the values of a TOML table held as a map, checking their
// types; the first value of the wrong type is kept in err.
type table struct {
	p    *parser
	t    map[string]any
	segs []any
	err  error
}

func (t *table) value(k string) (any, []any, bool) {
	v, ok := t.t[k]
	return v, append(t.segs[:len(t.segs):len(t.segs)], k), ok && t.err == nil
}

// str returns the string at key k, "" when it is absent.
func (t *table) str(k string) string {
	v, segs, ok := t.value(k)
	if !ok {
		return ""
	}
	s, isString := v.(string)
	if !isString {
		t.err = t.p.mismatch(segs, v, reflect.TypeFor[string]())
	}
	return s
}

// boolean returns the boolean at key k and whether it is present.
func (t *table) boolean(k string) (bool, bool) {
	v, segs, ok := t.value(k)
	if !ok {
		return false, false
	}
	b, isBool := v.(bool)
	if !isBool {
		t.err = t.p.mismatch(segs, v, reflect.TypeFor[bool]())
		return false, false
	}
	return b, true
}

// strs returns the array of strings at key k.
func (t *table) strs(k string) []string {
	v, segs, ok := t.value(k)
	if !ok {
		return nil
	}
	list, isList := v.([]any)
	if !isList {
		t.err = t.p.mismatch(segs, v, reflect.TypeFor[[]string]())
		return nil
	}
	out := make([]string, 0, len(list))
	for i, e := range list {
		s, isString := e.(string)
		if !isString {
			t.err = t.p.mismatch(append(segs, i), e, reflect.TypeFor[string]())
			return nil
		}
		out = append(out, s)
	}
	return out
}

func (p *parser) requirement(raw string, segs ...any) (Dependency, error) {
	d := Dependency{Raw: raw, Origin: p.origin(segs...)}
	req, err := pep508.ParseRequirement(raw)
	if err != nil {
		return d, fmt.Errorf("%s: %v", d.Origin, err)
	}
	d.Req = req
	return d, nil
}

func (p *parser) requirements(list []string, segs ...any) ([]Dependency, error) {
	var out []Dependency
	for i, s := range list {
		d, err := p.requirement(s, append(segs[:len(segs):len(segs)], i)...)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// Parse parses a pyproject.toml held in data; file names it in origins and
// errors.
func Parse(file string, data []byte) (*File, error) {
	var raw rawFile
	if err := tomlpos.Unmarshal(file, data, &raw); err != nil {
		return nil, err
	}
	idx, err := tomlpos.Build(data)
	if err != nil {
		return nil, tomlpos.DecodeError(file, data, err)
	}
	p := &parser{file: file, pos: idx}
	f := &File{Path: file}
	if pr := raw.Project; pr != nil {
		f.HasProject = true
		f.Name, f.Version, f.RequiresPython, f.Dynamic = pr.Name, pr.Version, pr.RequiresPython, pr.Dynamic
		if strings.TrimSpace(pr.RequiresPython) != "" {
			// A PEP 440 specifier set, as packaging's SpecifierSet reads
			// it (pip and uv refuse the project otherwise).
			if _, err := pep440.ParseSpecifiers(pr.RequiresPython); err != nil {
				return nil, p.errorf([]any{"project", "requires-python"}, "project.requires-python: expected a version specifier such as \">=3.10\", found %q: %v", redact.Quote(pr.RequiresPython), err)
			}
		}
		if f.Dependencies, err = p.requirements(pr.Dependencies, "project", "dependencies"); err != nil {
			return nil, err
		}
		if len(pr.OptionalDependencies) > 0 {
			f.OptionalDependencies = make(map[string][]Dependency)
			for _, extra := range slices.Sorted(maps.Keys(pr.OptionalDependencies)) {
				deps, err := p.requirements(pr.OptionalDependencies[extra], "project", "optional-dependencies", extra)
				if err != nil {
					return nil, err
				}
				f.OptionalDependencies[extra] = deps
			}
		}
	}
	if raw.DependencyGroups != nil {
		if f.DependencyGroups, err = p.groups(raw.DependencyGroups); err != nil {
			return nil, err
		}
	}
	if uv := raw.Tool.UV; uv != nil {
		if err := p.uv(f, uv.Sources, uv.Index); err != nil {
			return nil, err
		}
		if f.UV.DevDependencies, err = p.requirements(uv.DevDependencies, "tool", "uv", "dev-dependencies"); err != nil {
			return nil, err
		}
		if f.UV.OverrideDependencies, err = p.requirements(uv.OverrideDependencies, "tool", "uv", "override-dependencies"); err != nil {
			return nil, err
		}
		if f.UV.ConstraintDependencies, err = p.requirements(uv.ConstraintDependencies, "tool", "uv", "constraint-dependencies"); err != nil {
			return nil, err
		}
		f.UV.NoBuildIsolationPackage = uv.NoBuildIsolationPackage
		switch g := uv.DefaultGroups.(type) {
		case nil:
		case string:
			if g != "all" {
				return nil, p.errorf([]any{"tool", "uv", "default-groups"}, "expected a list of group names or \"all\", found %q", g)
			}
			f.UV.DefaultGroups = []string{"all"}
		case []any:
			f.UV.DefaultGroups = []string{}
			for i, v := range g {
				s, ok := v.(string)
				if !ok {
					return nil, p.typeError([]any{"tool", "uv", "default-groups", i}, "a group name (a string)", v)
				}
				f.UV.DefaultGroups = append(f.UV.DefaultGroups, s)
			}
		default:
			return nil, p.typeError([]any{"tool", "uv", "default-groups"}, "an array of group names or \"all\"", g)
		}
		// The legacy pip-style keys become indexes too.
		if uv.IndexURL != "" {
			f.UV.Indexes = append(f.UV.Indexes, Index{URL: uv.IndexURL, Default: true, Origin: p.origin("tool", "uv", "index-url")})
		}
		for i, u := range uv.ExtraIndexURL {
			f.UV.Indexes = append(f.UV.Indexes, Index{URL: u, Origin: p.origin("tool", "uv", "extra-index-url", i)})
		}
		for i, u := range uv.FindLinks {
			f.UV.FindLinks = append(f.UV.FindLinks, Index{URL: u, Origin: p.origin("tool", "uv", "find-links", i)})
		}
		if err := p.buildDeps(f, uv.ExtraBuildDependencies); err != nil {
			return nil, err
		}
	}
	if raw.Tool.Poetry != nil {
		if f.Poetry, err = p.poetry(raw.Tool.Poetry); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (p *parser) buildDeps(f *File, m map[string][]any) error {
	if len(m) == 0 {
		return nil
	}
	f.UV.ExtraBuildDependencies = make(map[string][]BuildDependency)
	for _, pkg := range slices.Sorted(maps.Keys(m)) {
		for i, v := range m[pkg] {
			segs := []any{"tool", "uv", "extra-build-dependencies", pkg, i}
			var bd BuildDependency
			var s string
			switch v := v.(type) {
			case string:
				s = v
			case map[string]any:
				t := &table{p: p, t: v, segs: segs}
				if _, ok := v["requirement"]; !ok {
					return p.errorf(segs, "%s: expected a \"requirement\" in the extra-build-dependencies entry", tomlpos.Path(segs...))
				}
				s = t.str("requirement")
				bd.MatchRuntime, _ = t.boolean("match-runtime")
				if t.err != nil {
					return t.err
				}
				segs = append(segs, "requirement")
			default:
				return p.typeError(segs, "a requirement string or table", v)
			}
			d, err := p.requirement(s, segs...)
			if err != nil {
				return err
			}
			bd.Dependency = d
			key := pep508.NormalizeName(pkg)
			f.UV.ExtraBuildDependencies[key] = append(f.UV.ExtraBuildDependencies[key], bd)
		}
	}
	return nil
}

func (p *parser) uv(f *File, sources map[string]any, indexes []rawIndex) error {
	for i, m := range indexes {
		ix := Index{Name: m.Name, URL: m.URL, Explicit: m.Explicit, Default: m.Default, Origin: p.origin("tool", "uv", "index", i)}
		if ix.URL == "" {
			ix.URL = m.Path
		}
		if ix.URL == "" {
			return p.errorf([]any{"tool", "uv", "index", i}, "expected a \"url\" in [[tool.uv.index]]")
		}
		f.UV.Indexes = append(f.UV.Indexes, ix)
	}
	if len(sources) == 0 {
		return nil
	}
	f.UV.Sources = make(map[string][]Source)
	for _, pkg := range slices.Sorted(maps.Keys(sources)) {
		var tables []map[string]any
		var segs [][]any
		switch v := sources[pkg].(type) {
		case map[string]any:
			tables = []map[string]any{v}
			segs = [][]any{{"tool", "uv", "sources", pkg}}
		case []any:
			for i, e := range v {
				t, ok := e.(map[string]any)
				if !ok {
					return p.typeError([]any{"tool", "uv", "sources", pkg, i}, "a source table", e)
				}
				tables = append(tables, t)
				segs = append(segs, []any{"tool", "uv", "sources", pkg, i})
			}
		default:
			return p.typeError([]any{"tool", "uv", "sources", pkg}, "a source table or an array of them", v)
		}
		key := pep508.NormalizeName(pkg)
		for i, t := range tables {
			s, err := p.source(pkg, t, segs[i])
			if err != nil {
				return err
			}
			f.UV.Sources[key] = append(f.UV.Sources[key], s)
		}
	}
	return nil
}

func (p *parser) source(pkg string, t map[string]any, segs []any) (Source, error) {
	s := Source{Package: pkg, Origin: p.origin(segs...)}
	r := &table{p: p, t: t, segs: segs}
	s.Git, s.Rev, s.Tag, s.Branch = r.str("git"), r.str("rev"), r.str("tag"), r.str("branch")
	s.Subdirectory, s.URL, s.Path, s.Index = r.str("subdirectory"), r.str("url"), r.str("path"), r.str("index")
	s.Marker, s.Extra, s.Group = r.str("marker"), r.str("extra"), r.str("group")
	s.Workspace, _ = r.boolean("workspace")
	if e, ok := r.boolean("editable"); ok {
		s.Editable = &e
	}
	if r.err != nil {
		return s, r.err
	}
	kinds := 0
	for _, set := range []bool{s.Git != "", s.URL != "", s.Path != "", s.Index != "", s.Workspace} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return s, p.errorf(segs, "expected exactly one of git, url, path, index or workspace in the source of %s", pkg)
	}
	if s.Marker != "" {
		if _, err := pep508.ParseMarker(s.Marker); err != nil {
			return s, p.errorf(append(segs[:len(segs):len(segs)], "marker"), "bad marker: %v", err)
		}
	}
	return s, nil
}

// AllDependencies returns every requirement of the file in a stable order:
// project dependencies, optional dependencies by extra, dependency groups by
// name, uv dev-dependencies, then Poetry's. Overrides, constraints and build
// dependencies are not included.
func (f *File) AllDependencies() []Dependency {
	var out []Dependency
	out = append(out, f.Dependencies...)
	for _, k := range slices.Sorted(maps.Keys(f.OptionalDependencies)) {
		out = append(out, f.OptionalDependencies[k]...)
	}
	for _, k := range slices.Sorted(maps.Keys(f.DependencyGroups)) {
		out = append(out, f.DependencyGroups[k]...)
	}
	out = append(out, f.UV.DevDependencies...)
	if f.Poetry != nil {
		out = append(out, f.Poetry.Dependencies...)
		for _, k := range slices.Sorted(maps.Keys(f.Poetry.Groups)) {
			out = append(out, f.Poetry.Groups[k]...)
		}
	}
	return out
}

// normalizeGroup normalizes a group or extra name as PEP 685/735 require.
func normalizeGroup(s string) string {
	return pep508.NormalizeName(strings.TrimSpace(s))
}
