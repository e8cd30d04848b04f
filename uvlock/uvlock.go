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
	"os"
	"sort"

	"github.com/pelletier/go-toml/v2"
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
	Version           int              `toml:"version"`
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
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses a uv.lock held in data; file names it in errors.
func Parse(file string, data []byte) (*Lock, error) {
	var raw rawLock
	if err := toml.Unmarshal(data, &raw); err != nil {
		return nil, tomlpos.DecodeError(file, data, err)
	}
	if raw.Version == 0 {
		return nil, fmt.Errorf("%s: expected a top-level \"version\" (is this a uv.lock?)", file)
	}
	if raw.Version != 1 {
		return nil, fmt.Errorf("%s: unsupported uv.lock version %d (expected 1)", file, raw.Version)
	}
	l := &Lock{
		Path:              file,
		Version:           raw.Version,
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
			return nil, fmt.Errorf("%s: package #%d: expected a \"name\"", file, i+1)
		}
		src, err := source(rp.Source)
		if err != nil {
			return nil, fmt.Errorf("%s: package %s: %v", file, rp.Name, err)
		}
		p := &Package{
			Name:              pep508.NormalizeName(rp.Name),
			Version:           rp.Version,
			Source:            src,
			ResolutionMarkers: rp.ResolutionMarkers,
		}
		if p.Dependencies, err = deps(rp.Dependencies); err != nil {
			return nil, fmt.Errorf("%s: package %s: %v", file, rp.Name, err)
		}
		if p.OptionalDependencies, err = depMap(rp.OptionalDependencies); err != nil {
			return nil, fmt.Errorf("%s: package %s: optional-dependencies: %v", file, rp.Name, err)
		}
		if p.DevDependencies, err = depMap(rp.DevDependencies); err != nil {
			return nil, fmt.Errorf("%s: package %s: dev-dependencies: %v", file, rp.Name, err)
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
		l.Packages = append(l.Packages, p)
		l.byName[p.Name] = append(l.byName[p.Name], p)
	}
	return l, nil
}

func source(m map[string]any) (Source, error) {
	if len(m) == 0 {
		return Source{}, nil
	}
	var s Source
	for _, kind := range []string{"registry", "git", "url", "path", "directory", "editable", "virtual"} {
		if v, ok := m[kind]; ok {
			str, ok := v.(string)
			if !ok {
				return s, fmt.Errorf("source %s: expected a string, found %T", kind, v)
			}
			s.Kind, s.Value = kind, str
			break
		}
	}
	if s.Kind == "" {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return s, fmt.Errorf("expected a source of kind registry, git, url, path, directory, editable or virtual, found keys %v", keys)
	}
	s.Subdirectory, _ = m["subdirectory"].(string)
	return s, nil
}

func deps(raw []rawDep) ([]Dependency, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	out := make([]Dependency, len(raw))
	for i, r := range raw {
		if r.Name == "" {
			return nil, fmt.Errorf("dependency #%d: expected a \"name\"", i+1)
		}
		d := Dependency{Name: pep508.NormalizeName(r.Name), Extra: r.Extra, Marker: r.Marker, Version: r.Version}
		if len(r.Source) > 0 {
			s, err := source(r.Source)
			if err != nil {
				return nil, fmt.Errorf("dependency %s: %v", r.Name, err)
			}
			d.Source = &s
		}
		out[i] = d
	}
	return out, nil
}

func depMap(raw map[string][]rawDep) (map[string][]Dependency, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	out := make(map[string][]Dependency, len(raw))
	for k, v := range raw {
		d, err := deps(v)
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
