// Package pylock reads PEP 751 lock files (pylock.toml, pylock.*.toml) and
// selects the packages to install for one target environment.
//
// It implements lock-version 1.0 as PEP 751 specifies it: the top-level
// lock-version, environments, requires-python, extras, dependency-groups,
// default-groups and created-by, and one [[packages]] entry per locked
// distribution with name, version, marker, requires-python, dependencies,
// index and exactly one source: vcs, directory, archive, or sdist and/or
// wheels (each file with name, url, path, size, upload-time and hashes).
// [tool] tables and attestation-identities are not read.
//
// Select evaluates each package's marker for the target with the PEP 751
// marker variables `extras` and `dependency_groups` bound to the requested
// extras and groups (default-groups when none is requested). Deviation: the
// `'name' in extras` / `'name' in dependency_groups` clauses are decided by
// this package and replaced with a constant clause before the marker is
// handed to pep508, which knows only PEP 508's variables.
package pylock

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/zgpu/zgpu/internal/inputfile"
	"github.com/zgpu/zgpu/internal/lockfile"
	"github.com/zgpu/zgpu/internal/tomlpos"
	"github.com/zgpu/zgpu/pep508"
)

// Lock is a parsed pylock.toml.
type Lock struct {
	Path             string
	LockVersion      string
	Environments     []string
	RequiresPython   string
	Extras           []string
	DependencyGroups []string
	DefaultGroups    []string
	CreatedBy        string
	Packages         []Package
}

// Package is one [[packages]] entry.
type Package struct {
	Name           string
	Version        string
	Marker         string
	RequiresPython string
	Dependencies   []map[string]any
	Index          string
	VCS            *VCS
	Directory      *Directory
	Archive        *Archive
	Sdist          *File
	Wheels         []File
	// Line is the line of the [[packages]] header.
	Line int
}

// VCS is a package from a version control system.
type VCS struct {
	Type              string `toml:"type" json:"type"`
	URL               string `toml:"url" json:"url,omitempty"`
	Path              string `toml:"path" json:"path,omitempty"`
	RequestedRevision string `toml:"requested-revision" json:"requested_revision,omitempty"`
	CommitID          string `toml:"commit-id" json:"commit_id"`
	Subdirectory      string `toml:"subdirectory" json:"subdirectory,omitempty"`
}

// Directory is a package from a local directory.
type Directory struct {
	Path         string `toml:"path" json:"path"`
	Editable     bool   `toml:"editable" json:"editable,omitempty"`
	Subdirectory string `toml:"subdirectory" json:"subdirectory,omitempty"`
}

// Archive is a package from an archive URL or path.
type Archive struct {
	URL          string            `toml:"url" json:"url,omitempty"`
	Path         string            `toml:"path" json:"path,omitempty"`
	Size         int64             `toml:"size" json:"size,omitempty"`
	UploadTime   string            `toml:"-" json:"upload_time,omitempty"`
	Hashes       map[string]string `toml:"hashes" json:"hashes"`
	Subdirectory string            `toml:"subdirectory" json:"subdirectory,omitempty"`
}

// File is an sdist or a wheel.
type File struct {
	Name       string            `json:"name"`
	URL        string            `json:"url,omitempty"`
	Path       string            `json:"path,omitempty"`
	Size       int64             `json:"size,omitempty"`
	UploadTime string            `json:"upload_time,omitempty"`
	Hashes     map[string]string `json:"hashes"`
}

type rawLock struct {
	LockVersion      string       `toml:"lock-version"`
	Environments     []string     `toml:"environments"`
	RequiresPython   string       `toml:"requires-python"`
	Extras           []string     `toml:"extras"`
	DependencyGroups []string     `toml:"dependency-groups"`
	DefaultGroups    []string     `toml:"default-groups"`
	CreatedBy        string       `toml:"created-by"`
	Packages         []rawPackage `toml:"packages"`
}

type rawPackage struct {
	Name           string           `toml:"name"`
	Version        string           `toml:"version"`
	Marker         string           `toml:"marker"`
	RequiresPython string           `toml:"requires-python"`
	Dependencies   []map[string]any `toml:"dependencies"`
	Index          string           `toml:"index"`
	VCS            *VCS             `toml:"vcs"`
	Directory      *Directory       `toml:"directory"`
	Archive        *struct {
		Archive
		UploadTime any `toml:"upload-time"`
	} `toml:"archive"`
	Sdist  *rawFile  `toml:"sdist"`
	Wheels []rawFile `toml:"wheels"`
}

type rawFile struct {
	Name       string            `toml:"name"`
	URL        string            `toml:"url"`
	Path       string            `toml:"path"`
	Size       int64             `toml:"size"`
	UploadTime any               `toml:"upload-time"`
	Hashes     map[string]string `toml:"hashes"`
}

// Read reads and parses the lock file at path.
func Read(path string) (*Lock, error) {
	data, err := inputfile.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse parses a pylock.toml held in data; file names it in errors.
func Parse(file string, data []byte) (*Lock, error) {
	var raw rawLock
	if err := tomlpos.Unmarshal(file, data, &raw); err != nil {
		return nil, err
	}
	idx, err := tomlpos.Build(data)
	if err != nil {
		return nil, tomlpos.DecodeError(file, data, err)
	}
	where := func(segs ...any) string {
		if p, ok := idx.Lookup(tomlpos.Path(segs...)); ok {
			return fmt.Sprintf("%s:%d:%d", file, p.Line, p.Col)
		}
		return file
	}
	if raw.LockVersion == "" {
		return nil, fmt.Errorf("%s: expected a top-level \"lock-version\"", file)
	}
	if major, _, _ := strings.Cut(raw.LockVersion, "."); major != "1" {
		return nil, fmt.Errorf("%s: unsupported lock-version %q (expected 1.x)", where("lock-version"), raw.LockVersion)
	}
	if raw.CreatedBy == "" {
		return nil, fmt.Errorf("%s: expected a top-level \"created-by\"", file)
	}
	l := &Lock{
		Path: file, LockVersion: raw.LockVersion, Environments: raw.Environments,
		RequiresPython: raw.RequiresPython, Extras: raw.Extras, DependencyGroups: raw.DependencyGroups,
		DefaultGroups: raw.DefaultGroups, CreatedBy: raw.CreatedBy,
	}
	for i, rp := range raw.Packages {
		if rp.Name == "" {
			return nil, fmt.Errorf("%s: package #%d: expected a \"name\"", where("packages", i), i+1)
		}
		p := Package{
			Name: pep508.NormalizeName(rp.Name), Version: rp.Version, Marker: rp.Marker,
			RequiresPython: rp.RequiresPython, Dependencies: rp.Dependencies, Index: rp.Index,
			VCS: rp.VCS, Directory: rp.Directory,
		}
		if pos, ok := idx.Lookup(tomlpos.Path("packages", i)); ok {
			p.Line = pos.Line
		}
		if rp.Archive != nil {
			a := rp.Archive.Archive
			a.UploadTime = lockfile.UploadTime(rp.Archive.UploadTime)
			p.Archive = &a
		}
		if rp.Sdist != nil {
			f := fileOf(*rp.Sdist)
			p.Sdist = &f
		}
		for _, w := range rp.Wheels {
			p.Wheels = append(p.Wheels, fileOf(w))
		}
		kinds := 0
		for _, set := range []bool{p.VCS != nil, p.Directory != nil, p.Archive != nil, p.Sdist != nil || len(p.Wheels) > 0} {
			if set {
				kinds++
			}
		}
		if kinds != 1 {
			return nil, fmt.Errorf("%s: package %s: expected exactly one of vcs, directory, archive, or sdist/wheels", where("packages", i), rp.Name)
		}
		if p.Marker != "" {
			if _, err := parseMarker(p.Marker, nil, nil); err != nil {
				return nil, fmt.Errorf("%s: package %s: bad marker: %v", where("packages", i, "marker"), rp.Name, err)
			}
		}
		l.Packages = append(l.Packages, p)
	}
	return l, nil
}

func fileOf(r rawFile) File {
	f := File{Name: r.Name, URL: r.URL, Path: r.Path, Size: r.Size, UploadTime: lockfile.UploadTime(r.UploadTime), Hashes: r.Hashes}
	if f.Name == "" {
		f.Name = lockfile.Filename(f.URL, f.Path)
	}
	return f
}

// setClause matches PEP 751's `'name' in extras` / `"name" not in
// dependency_groups` marker clauses.
var setClause = regexp.MustCompile(`(['"])([^'"]*)(['"])\s+(not\s+in|in)\s+(extras|dependency_groups)\b`)

// Always-true and always-false clauses in PEP 508's own vocabulary.
const (
	clauseTrue  = `python_version >= "0"`
	clauseFalse = `python_version < "0"`
)

// parseMarker decides the extras/dependency_groups clauses of m for the
// given sets and parses the rest with pep508.
func parseMarker(m string, extras, groups map[string]bool) (*pep508.Marker, error) {
	rewritten := setClause.ReplaceAllStringFunc(m, func(c string) string {
		sub := setClause.FindStringSubmatch(c)
		set := extras
		if sub[5] == "dependency_groups" {
			set = groups
		}
		in := set[pep508.NormalizeName(sub[2])]
		if strings.HasPrefix(sub[4], "not") {
			in = !in
		}
		if in {
			return clauseTrue
		}
		return clauseFalse
	})
	return pep508.ParseMarker(rewritten)
}

// pythonMarker turns a requires-python specifier set into a marker on
// python_full_version.
func pythonMarker(spec string) string {
	var parts []string
	for _, s := range strings.Split(spec, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		i := strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
		if i <= 0 {
			parts = append(parts, "python_full_version "+s) // let pep508 report it
			continue
		}
		parts = append(parts, fmt.Sprintf("python_full_version %s %q", strings.TrimSpace(s[:i]), strings.TrimSpace(s[i:])))
	}
	return strings.Join(parts, " and ")
}
