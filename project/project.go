// Package project reads a Hugging Face Space folder into one model of its
// Python dependencies: what `zgpu deps show` prints and `deps resolve`
// starts from.
//
// Load looks in a folder for, in this order: uv.lock, pylock.toml (or the
// first pylock.*.toml by name), pyproject.toml, requirements.txt (or, with a
// warning, the first other requirements*.txt by name),
// requirements.in, pre-requirements.txt, README.md (its YAML frontmatter:
// sdk, sdk_version, python_version) and packages.txt (Debian packages: only
// noted). Each file is read by its own package (uvlock, pylock, pyproject,
// reqfile, frontmatter); every requirement keeps its origin, file:line:col.
// Missing files are fine, but a folder with none of the dependency files is
// an error that says what was looked for. Load also accepts one file, whose
// kind it tells from its name. With LoadOptions.KeepGoing, a requirement line
// pip rejects or a file that cannot be read is recorded in Project.Errors and
// Load reads on, so that `deps show` reports everything else.
//
// Deviation: requirements.txt is read with its -r/-c includes, but URLs in
// -r lines are recorded, not fetched. Environment variables in
// requirements files are expanded only through LoadOptions.Getenv.
package project

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/zgpu/zgpu/frontmatter"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/pylock"
	"github.com/zgpu/zgpu/pyproject"
	"github.com/zgpu/zgpu/reqfile"
	"github.com/zgpu/zgpu/uvlock"
)

// Kind names a file kind Load understands.
type Kind string

// The file kinds, in the order Load reads them.
const (
	UVLock          Kind = "uv.lock"
	Pylock          Kind = "pylock.toml"
	Pyproject       Kind = "pyproject.toml"
	Requirements    Kind = "requirements.txt"
	RequirementsIn  Kind = "requirements.in"
	PreRequirements Kind = "pre-requirements.txt"
	Readme          Kind = "README.md"
	Packages        Kind = "packages.txt"
)

// dependencyKinds are the kinds that hold Python dependencies.
var dependencyKinds = []Kind{UVLock, Pylock, Pyproject, Requirements, RequirementsIn, PreRequirements}

// Origin is where something was written: file, 1-based line and column
// (0 when unknown).
type Origin struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

// String formats o as file:line (the column is left out: it is for tools).
func (o Origin) String() string {
	if o.Line == 0 {
		return o.File
	}
	return fmt.Sprintf("%s:%d", o.File, o.Line)
}

// File is a file Load read.
type File struct {
	Kind Kind   `json:"kind"`
	Path string `json:"path"`
}

// Requirement is one requirement with where it was written and what part
// of the file it belongs to.
type Requirement struct {
	Raw string             `json:"requirement"`
	Req pep508.Requirement `json:"-"`
	// Section says which list the requirement is in: "requirements.txt",
	// "pre-requirements.txt", "project.dependencies",
	// "project.optional-dependencies", "dependency-groups",
	// "tool.uv.dev-dependencies", "tool.uv.override-dependencies",
	// "tool.uv.constraint-dependencies", "tool.uv.extra-build-dependencies"
	// (Group is the package being built), "tool.poetry.dependencies",
	// "tool.poetry.group".
	Section string `json:"section"`
	// Group is the extra or dependency group, for the sections that have one.
	Group      string   `json:"group,omitempty"`
	Editable   bool     `json:"editable,omitempty"`
	Constraint bool     `json:"constraint,omitempty"`
	Hashes     []string `json:"hashes,omitempty"`
	Origin     Origin   `json:"origin"`
}

// Option is a pip option line of a requirements file.
type Option struct {
	Name   string `json:"name"`
	Value  string `json:"value,omitempty"`
	Origin Origin `json:"origin"`
}

// Index is a package index or find-links location, from any file.
type Index struct {
	// Kind is "index-url", "extra-index-url", "find-links" (pip options),
	// "uv" ([[tool.uv.index]]) or "poetry" ([[tool.poetry.source]]).
	Kind     string `json:"kind"`
	Name     string `json:"name,omitempty"`
	URL      string `json:"url"`
	Explicit bool   `json:"explicit,omitempty"`
	Default  bool   `json:"default,omitempty"`
	Origin   Origin `json:"origin"`
}

// Project is everything Load read from a Space.
type Project struct {
	// Dir is the folder (for a single file: the file's folder).
	Dir   string
	Files []File

	Requirements []Requirement
	Options      []Option
	Indexes      []Index
	Sources      []pyproject.Source

	// PythonVersion, SDK and SDKVersion come from the README frontmatter.
	PythonVersion       string
	PythonVersionOrigin Origin
	SDK                 string
	SDKVersion          string
	SDKVersionOrigin    Origin
	// RequiresPython is pyproject's requires-python (or the lock's).
	RequiresPython string
	// SystemPackages are the lines of packages.txt.
	SystemPackages []string

	Pyproject   *pyproject.File
	UVLock      *uvlock.Lock
	Pylock      *pylock.Lock
	ReqFiles    map[Kind]*reqfile.File
	Frontmatter *frontmatter.Frontmatter
	Warnings    []string
	// Errors are the problems Load went past with LoadOptions.KeepGoing:
	// requirement lines pip rejects and files that could not be read. It
	// is empty otherwise, since Load then fails at the first one.
	Errors []*LoadError
}

// LoadOptions configure Load.
type LoadOptions struct {
	// Getenv expands ${VAR} in requirements files; nil leaves them as written.
	Getenv func(name string) (string, bool)
	// KeepGoing reads past errors, for a report of everything readable: a
	// requirements line pip rejects is skipped and a file that cannot be
	// read is left out, each recorded in Project.Errors. Errors about the
	// folder itself (missing, no dependency file) still fail.
	KeepGoing bool
}

// Load reads the Space folder dirOrFile, or the single file it names.
func Load(dirOrFile string, opts LoadOptions) (*Project, error) {
	fi, err := os.Stat(dirOrFile)
	if err != nil {
		return nil, err
	}
	p := &Project{ReqFiles: map[Kind]*reqfile.File{}}
	if !fi.IsDir() {
		kind, ok := KindOf(dirOrFile)
		if !ok {
			return nil, fmt.Errorf("%s: unknown file kind (expected one of uv.lock, pylock.toml, pyproject.toml, requirements*.txt, *.in, README.md, packages.txt)", dirOrFile)
		}
		p.Dir = filepath.Dir(dirOrFile)
		if err := p.readOrRecord(kind, dirOrFile, opts); err != nil {
			return nil, err
		}
		return p, nil
	}
	p.Dir = dirOrFile
	found := false
	for _, kind := range []Kind{UVLock, Pylock, Pyproject, Requirements, RequirementsIn, PreRequirements, Readme, Packages} {
		path := filepath.Join(dirOrFile, string(kind))
		switch kind {
		case Pylock:
			path = findPylock(dirOrFile)
		case Requirements:
			path = findRequirements(p, dirOrFile)
		}
		if path == "" {
			continue
		}
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if isDependencyKind(kind) {
			found = true
		}
		if err := p.readOrRecord(kind, path, opts); err != nil {
			return nil, err
		}
	}
	if !found {
		var names []string
		for _, k := range dependencyKinds {
			names = append(names, string(k))
		}
		return nil, fmt.Errorf("no dependency file in %s (looked for %s)", dirOrFile, strings.Join(names, ", "))
	}
	return p, nil
}

// findPylock returns dir/pylock.toml, or else the first dir/pylock.*.toml
// by name, or "".
func findPylock(dir string) string {
	p := filepath.Join(dir, "pylock.toml")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "pylock.*.toml"))
	sort.Strings(matches)
	if len(matches) > 0 {
		return matches[0]
	}
	return ""
}

// findRequirements returns dir/requirements.txt or, when there is none,
// the first other requirements*.txt by name (noting that a Space build
// reads only requirements.txt), or "".
func findRequirements(p *Project, dir string) string {
	path := filepath.Join(dir, "requirements.txt")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "requirements*.txt"))
	sort.Strings(matches)
	if len(matches) == 0 {
		return ""
	}
	p.Warnings = append(p.Warnings, fmt.Sprintf("%s: read in place of requirements.txt, which is missing (a Space build installs only requirements.txt)", matches[0]))
	return matches[0]
}

// KindOf tells a file's kind from its name.
func KindOf(path string) (Kind, bool) {
	base := filepath.Base(path)
	lower := strings.ToLower(base)
	switch {
	case base == "uv.lock":
		return UVLock, true
	case base == "pylock.toml" || strings.HasPrefix(base, "pylock.") && strings.HasSuffix(base, ".toml"):
		return Pylock, true
	case base == "pyproject.toml":
		return Pyproject, true
	case lower == "readme.md":
		return Readme, true
	case base == "packages.txt":
		return Packages, true
	case base == "pre-requirements.txt":
		return PreRequirements, true
	case strings.HasSuffix(base, ".in"):
		return RequirementsIn, true
	case strings.HasSuffix(base, ".txt"):
		return Requirements, true
	}
	return "", false
}

func isDependencyKind(k Kind) bool {
	for _, d := range dependencyKinds {
		if d == k {
			return true
		}
	}
	return false
}
