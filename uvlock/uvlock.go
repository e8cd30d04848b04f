// Package uvlock reads uv's lock file, uv.lock, and selects from it what
// `uv export` would emit for one target environment.
//
// The format is uv's (lock version 1, revisions 1 to 3): the top-level
// version, revision, requires-python, resolution-markers, supported- and
// required-markers, conflicts, [options] and [manifest] (workspace members,
// requirements, overrides, constraints, dependency groups), then one
// [[package]] per locked distribution with its source (registry, git, url,
// path, directory, editable, virtual), dependencies, optional-dependencies,
// dev-dependencies (dependency groups), sdist, wheels and, for workspace
// members, metadata (requires-dist, requires-dev, provides-extras). A
// package name may appear several times with different versions or sources
// when the resolution forked; dependency edges then name the version and
// source they mean.
//
// Export (export.go) walks the graph from the root project(s) for a target
// marker environment: markers are evaluated, never copied. Deviations from
// uv export: the output is a selection for one environment rather than a
// universal requirements file, so no marker survives; requires-python is
// not checked against the target.
package uvlock

import (
	"fmt"
	"sort"
	"strings"

	"github.com/zgpu/zgpu/internal/inputfile"
	"github.com/zgpu/zgpu/internal/lockfile"
	"github.com/zgpu/zgpu/internal/tomlpos"
	"github.com/zgpu/zgpu/pep508"
)

// Lock is a parsed uv.lock.
type Lock struct {
	Path              string
	Version           int
	Revision          int
	RequiresPython    string
	ResolutionMarkers []string
	SupportedMarkers  []string
	RequiredMarkers   []string
	Conflicts         [][]ConflictItem
	Options           map[string]any
	Manifest          Manifest
	Packages          []*Package

	byName map[string][]*Package
}

// ConflictItem is one member of a conflict set: an extra or a group of a
// package.
type ConflictItem struct {
	Package string `toml:"package" json:"package"`
	Extra   string `toml:"extra" json:"extra,omitempty"`
	Group   string `toml:"group" json:"group,omitempty"`
}

// Manifest is the [manifest] table of a workspace lock.
type Manifest struct {
	Members          []string
	Requirements     []Requirement
	Overrides        []Requirement
	Constraints      []Requirement
	DependencyGroups map[string][]Requirement
}

// Requirement is a requirement as uv records it in metadata and the
// manifest: a name with a specifier, a marker and where it comes from.
type Requirement struct {
	Name         string   `toml:"name" json:"name"`
	Extra        []string `toml:"extras" json:"extras,omitempty"`
	Specifier    string   `toml:"specifier" json:"specifier,omitempty"`
	Marker       string   `toml:"marker" json:"marker,omitempty"`
	Index        string   `toml:"index" json:"index,omitempty"`
	Git          string   `toml:"git" json:"git,omitempty"`
	URL          string   `toml:"url" json:"url,omitempty"`
	Path         string   `toml:"path" json:"path,omitempty"`
	Directory    string   `toml:"directory" json:"directory,omitempty"`
	Editable     string   `toml:"editable" json:"editable,omitempty"`
	Subdirectory string   `toml:"subdirectory" json:"subdirectory,omitempty"`
}

// Package is one [[package]] entry.
type Package struct {
	Name              string
	Version           string
	Source            Source
	ResolutionMarkers []string
	Dependencies      []Dependency
	// OptionalDependencies maps an extra to the edges it adds.
	OptionalDependencies map[string][]Dependency
	// DevDependencies maps a dependency group to its edges.
	DevDependencies map[string][]Dependency
	Sdist           *File
	Wheels          []File
	Metadata        *Metadata
}

// Source is where a locked package comes from. Kind is one of "registry",
// "git", "url", "path", "directory", "editable", "virtual"; Value is the
// registry URL, git URL (with ?rev=...#commit), archive URL or path.
type Source struct {
	Kind         string `json:"kind"`
	Value        string `json:"value"`
	Subdirectory string `json:"subdirectory,omitempty"`
}

// String formats s as kind+value.
func (s Source) String() string {
	if s.Kind == "" {
		return ""
	}
	return s.Kind + "=" + s.Value
}

// IsLocal reports whether s is a project on disk (editable, virtual,
// directory or path to a folder): a workspace member or local dependency.
func (s Source) IsLocal() bool {
	switch s.Kind {
	case "editable", "virtual", "directory":
		return true
	}
	return false
}

// Dependency is an edge of the graph. Version and Source are set when the
// name alone is ambiguous (the package is listed several times).
type Dependency struct {
	Name    string   `json:"name"`
	Extra   []string `json:"extra,omitempty"`
	Marker  string   `json:"marker,omitempty"`
	Version string   `json:"version,omitempty"`
	Source  *Source  `json:"source,omitempty"`
}

// File is a locked sdist or wheel.
type File struct {
	URL        string `json:"url,omitempty"`
	Path       string `json:"path,omitempty"`
	Filename   string `json:"filename"`
	Hash       string `json:"hash,omitempty"`
	Size       int64  `json:"size,omitempty"`
	UploadTime string `json:"upload_time,omitempty"`
}

// Metadata is [package.metadata] of a local project.
type Metadata struct {
	RequiresDist   []Requirement
	RequiresDev    map[string][]Requirement
	ProvidesExtras []string
}

type rawLock struct {
	Version           *int             `toml:"version"`
	Revision          int              `toml:"revision"`
	RequiresPython    string           `toml:"requires-python"`
	ResolutionMarkers []string         `toml:"resolution-markers"`
	SupportedMarkers  []string         `toml:"supported-markers"`
	RequiredMarkers   []string         `toml:"required-markers"`
	Conflicts         [][]ConflictItem `toml:"conflicts"`
	Options           map[string]any   `toml:"options"`
	Manifest          struct {
		Members          []string                 `toml:"members"`
		Requirements     []Requirement            `toml:"requirements"`
		Overrides        []Requirement            `toml:"overrides"`
		Constraints      []Requirement            `toml:"constraints"`
		DependencyGroups map[string][]Requirement `toml:"dependency-groups"`
	} `toml:"manifest"`
	Package []rawPackage `toml:"package"`
}

type rawPackage struct {
	Name                 string              `toml:"name"`
	Version              string              `toml:"version"`
	Source               map[string]any      `toml:"source"`
	ResolutionMarkers    []string            `toml:"resolution-markers"`
	Dependencies         []rawDep            `toml:"dependencies"`
	OptionalDependencies map[string][]rawDep `toml:"optional-dependencies"`
	DevDependencies      map[string][]rawDep `toml:"dev-dependencies"`
	Sdist                *rawFile            `toml:"sdist"`
	Wheels               []rawFile           `toml:"wheels"`
	Metadata             *struct {
		RequiresDist   []Requirement            `toml:"requires-dist"`
		RequiresDev    map[string][]Requirement `toml:"requires-dev"`
		ProvidesExtras []string                 `toml:"provides-extras"`
	} `toml:"metadata"`
}

type rawDep struct {
	Name    string         `toml:"name"`
	Extra   []string       `toml:"extra"`
	Marker  string         `toml:"marker"`
	Version string         `toml:"version"`
	Source  map[string]any `toml:"source"`
}

type rawFile struct {
	URL        string `toml:"url"`
	Path       string `toml:"path"`
	Filename   string `toml:"filename"`
	Hash       string `toml:"hash"`
	Size       int64  `toml:"size"`
	UploadTime any    `toml:"upload-time"`
}

// Read reads and parses the uv.lock at path.
func Read(path string) (*Lock, error) {
	data, err := inputfile.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses a uv.lock held in data; file names it in errors.
func Parse(file string, data []byte) (*Lock, error) {
	var raw rawLock
	if err := tomlpos.Unmarshal(file, data, &raw); err != nil {
		return nil, err
	}
	loc := &locator{file: file, data: data}
	if raw.Version == nil {
		return nil, fmt.Errorf("%s: expected a top-level \"version\" (is this a uv.lock?)", file)
	}
	if *raw.Version != 1 {
		return nil, fmt.Errorf("%s: unsupported uv.lock version %d (expected 1)", loc.at("version"), *raw.Version)
	}
	l := &Lock{
		Path:              file,
		Version:           *raw.Version,
		Revision:          raw.Revision,
		RequiresPython:    raw.RequiresPython,
		ResolutionMarkers: raw.ResolutionMarkers,
		SupportedMarkers:  raw.SupportedMarkers,
		RequiredMarkers:   raw.RequiredMarkers,
		Conflicts:         raw.Conflicts,
		Options:           raw.Options,
		Manifest: Manifest{
			Members:          raw.Manifest.Members,
			Requirements:     raw.Manifest.Requirements,
			Overrides:        raw.Manifest.Overrides,
			Constraints:      raw.Manifest.Constraints,
			DependencyGroups: raw.Manifest.DependencyGroups,
		},
		Packages: make([]*Package, 0, len(raw.Package)),
		byName:   make(map[string][]*Package, len(raw.Package)),
	}
	for i := range raw.Package {
		rp := &raw.Package[i]
		if rp.Name == "" {
			return nil, fmt.Errorf("%s: package #%d: expected a \"name\"", loc.at("package", i), i+1)
		}
		at := []any{"package", i}
		src, err := source(rp.Source, append(at, "source"))
		if err != nil {
			return nil, loc.errorf(err, "package %s", rp.Name)
		}
		p := &Package{
			Name:              pep508.NormalizeName(rp.Name),
			Version:           rp.Version,
			Source:            src,
			ResolutionMarkers: rp.ResolutionMarkers,
		}
		if p.Dependencies, err = deps(rp.Dependencies, append(at, "dependencies")); err != nil {
			return nil, loc.errorf(err, "package %s", rp.Name)
		}
		if p.OptionalDependencies, err = depMap(rp.OptionalDependencies, append(at, "optional-dependencies")); err != nil {
			return nil, loc.errorf(err, "package %s: optional-dependencies", rp.Name)
		}
		if p.DevDependencies, err = depMap(rp.DevDependencies, append(at, "dev-dependencies")); err != nil {
			return nil, loc.errorf(err, "package %s: dev-dependencies", rp.Name)
		}
		if rp.Sdist != nil {
			f := fileOf(*rp.Sdist)
			p.Sdist = &f
		}
		if len(rp.Wheels) > 0 {
			p.Wheels = make([]File, len(rp.Wheels))
			for j, w := range rp.Wheels {
				p.Wheels[j] = fileOf(w)
			}
		}
		if m := rp.Metadata; m != nil {
			p.Metadata = &Metadata{RequiresDist: m.RequiresDist, RequiresDev: m.RequiresDev, ProvidesExtras: m.ProvidesExtras}
		}
		for _, q := range l.byName[p.Name] {
			if q.Version == p.Version && q.Source == p.Source {
				return nil, fmt.Errorf("%s: package %s %s is listed twice (uv writes each name, version and source once; regenerate the lock with uv lock)", loc.at("package", i), rp.Name, rp.Version)
			}
		}
		l.Packages = append(l.Packages, p)
		l.byName[p.Name] = append(l.byName[p.Name], p)
	}
	return l, nil
}

// locator positions errors in the document; it indexes the document only
// when an error needs it, since a valid lock needs no positions.
type locator struct {
	file string
	data []byte
	idx  *tomlpos.Index
}

// at returns "file:line:col" of the value at path segs, or "file".
func (l *locator) at(segs ...any) string {
	if l.idx == nil {
		l.idx, _ = tomlpos.Build(l.data)
	}
	if p, ok := l.idx.Lookup(tomlpos.Path(segs...)); ok {
		return fmt.Sprintf("%s:%d:%d", l.file, p.Line, p.Col)
	}
	return l.file
}

// errorf positions err (a *fieldError) and puts the context before its
// message: "file:line:col: package a: source.registry: expected ...".
func (l *locator) errorf(err error, format string, args ...any) error {
	fe, ok := err.(*fieldError)
	if !ok {
		return fmt.Errorf("%s: %s: %v", l.file, fmt.Sprintf(format, args...), err)
	}
	return fmt.Errorf("%s: %s: %s", l.at(fe.segs...), fmt.Sprintf(format, args...), fe.msg)
}

// fieldError is an error at the value of path segs.
type fieldError struct {
	segs []any
	msg  string
}

func (e *fieldError) Error() string { return e.msg }

func fieldErrorf(segs []any, format string, args ...any) *fieldError {
	return &fieldError{segs: segs, msg: fmt.Sprintf(format, args...)}
}

// source reads a source table, at path segs.
func source(m map[string]any, segs []any) (Source, error) {
	if len(m) == 0 {
		return Source{}, nil
	}
	var s Source
	for _, kind := range []string{"registry", "git", "url", "path", "directory", "editable", "virtual"} {
		if v, ok := m[kind]; ok {
			str, ok := v.(string)
			if !ok {
				return s, fieldErrorf(append(segs[:len(segs):len(segs)], kind), "source.%s: expected a string, found %s", kind, tomlpos.TypeOf(v))
			}
			if s.Kind != "" {
				// uv writes exactly one kind; two leave the package's
				// origin ambiguous (which one would be installed?).
				return s, fieldErrorf(append(segs[:len(segs):len(segs)], kind), "expected one source, found both %s and %s", s.Kind, kind)
			}
			s.Kind, s.Value = kind, str
		}
	}
	if s.Kind == "" {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, tomlpos.Key(k))
		}
		sort.Strings(keys)
		return s, fieldErrorf(segs, "expected a source of kind registry, git, url, path, directory, editable or virtual, found %s", strings.Join(keys, ", "))
	}
	if v, ok := m["subdirectory"]; ok {
		sub, ok := v.(string)
		if !ok {
			return s, fieldErrorf(append(segs[:len(segs):len(segs)], "subdirectory"), "source.subdirectory: expected a string, found %s", tomlpos.TypeOf(v))
		}
		s.Subdirectory = sub
	}
	return s, nil
}

// deps reads the dependency edges at path segs.
func deps(raw []rawDep, segs []any) ([]Dependency, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	out := make([]Dependency, len(raw))
	for i, r := range raw {
		at := append(segs[:len(segs):len(segs)], i)
		if r.Name == "" {
			return nil, fieldErrorf(at, "dependency #%d: expected a \"name\"", i+1)
		}
		d := Dependency{Name: pep508.NormalizeName(r.Name), Extra: r.Extra, Marker: r.Marker, Version: r.Version}
		if len(r.Source) > 0 {
			s, err := source(r.Source, append(at, "source"))
			if err != nil {
				fe := err.(*fieldError)
				fe.msg = "dependency " + r.Name + ": " + fe.msg
				return nil, fe
			}
			d.Source = &s
		}
		out[i] = d
	}
	return out, nil
}

// depMap reads a table of dependency edges at path segs, in key order.
func depMap(raw map[string][]rawDep, segs []any) (map[string][]Dependency, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	out := make(map[string][]Dependency, len(raw))
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		d, err := deps(raw[k], append(segs[:len(segs):len(segs)], k))
		if err != nil {
			return nil, err
		}
		out[k] = d
	}
	return out, nil
}

func fileOf(r rawFile) File {
	f := File{URL: r.URL, Path: r.Path, Filename: r.Filename, Hash: r.Hash, Size: r.Size, UploadTime: lockfile.UploadTime(r.UploadTime)}
	if f.Filename == "" {
		f.Filename = lockfile.Filename(f.URL, f.Path)
	}
	return f
}

// Lookup returns the packages named name (normalized), in lock order.
func (l *Lock) Lookup(name string) []*Package {
	return l.byName[pep508.NormalizeName(name)]
}

// Roots returns the root projects: the local project (editable or virtual)
// at "."; without one, the workspace members named in the manifest; without
// those, every editable or virtual package.
func (l *Lock) Roots() []*Package {
	var roots []*Package
	for _, p := range l.Packages {
		if (p.Source.Kind == "editable" || p.Source.Kind == "virtual") && (p.Source.Value == "." || p.Source.Value == "") {
			roots = append(roots, p)
		}
	}
	if len(roots) > 0 {
		return roots
	}
	return l.Members()
}

// Members returns the workspace members: those named in the manifest, or
// else every editable or virtual package.
func (l *Lock) Members() []*Package {
	var members []*Package
	for _, m := range l.Manifest.Members {
		for _, p := range l.Lookup(m) {
			if p.Source.IsLocal() {
				members = append(members, p)
			}
		}
	}
	if len(members) > 0 {
		return members
	}
	for _, p := range l.Packages {
		if p.Source.Kind == "editable" || p.Source.Kind == "virtual" {
			members = append(members, p)
		}
	}
	return members
}
