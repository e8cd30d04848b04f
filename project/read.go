package project

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/zgpu/zgpu/frontmatter"
	"github.com/zgpu/zgpu/internal/inputfile"
	"github.com/zgpu/zgpu/internal/tomlpos"
	"github.com/zgpu/zgpu/pylock"
	"github.com/zgpu/zgpu/pyproject"
	"github.com/zgpu/zgpu/reqfile"
	"github.com/zgpu/zgpu/uvlock"
)

// LoadError is a problem in one file that Load went past (with
// LoadOptions.KeepGoing): a requirement line pip rejects, or a file that
// could not be read.
type LoadError struct {
	// Origin is where the problem is; Line and Col are 0 when the file as
	// a whole is at fault.
	Origin Origin `json:"origin"`
	// Message says what is wrong and what was expected.
	Message string `json:"message"`
	// Text is the offending line as written, or "".
	Text string `json:"text,omitempty"`
	// Hint is a suggestion, or "".
	Hint string `json:"hint,omitempty"`
	Err  error  `json:"-"`
}

func (e *LoadError) Error() string { return e.Err.Error() }

func (e *LoadError) Unwrap() error { return e.Err }

// positioned matches the "line:col: message" that follows "file:" in the
// errors of the file readers.
var positioned = regexp.MustCompile(`(?s)^(\d+):(\d+): (.*)$`)

// loadError describes err, met reading the file at path.
func loadError(path string, err error) *LoadError {
	e := &LoadError{Origin: Origin{File: path}, Message: err.Error(), Err: err}
	var re *reqfile.Error
	var pe *tomlpos.PosError
	switch {
	case errors.As(err, &re):
		e.Origin, e.Message, e.Text, e.Hint = fromReqOrigin(re.Origin), re.Msg, re.Text, re.Hint
	case errors.As(err, &pe):
		e.Origin = Origin{File: pe.File, Line: pe.Line, Col: pe.Col}
		e.Message, e.Text, e.Hint = pe.Msg, pe.Text, pe.Hint
		if pe.Path != "" {
			e.Message = pe.Path + ": " + pe.Msg
		}
	default:
		rest, ok := strings.CutPrefix(e.Message, path+":")
		if !ok {
			break
		}
		e.Message = strings.TrimSpace(rest)
		if m := positioned.FindStringSubmatch(e.Message); m != nil {
			e.Origin.Line, _ = strconv.Atoi(m[1])
			e.Origin.Col, _ = strconv.Atoi(m[2])
			e.Message = m[3]
		}
	}
	return e
}

// readOrRecord reads one file into p; with KeepGoing, a failure is recorded
// in p.Errors instead.
func (p *Project) readOrRecord(kind Kind, path string, opts LoadOptions) error {
	err := p.read(kind, path, opts)
	if err != nil && opts.KeepGoing {
		p.Errors = append(p.Errors, loadError(path, err))
		return nil
	}
	return err
}

// read reads one file of the given kind into p.
func (p *Project) read(kind Kind, path string, opts LoadOptions) error {
	p.Files = append(p.Files, File{Kind: kind, Path: path})
	switch kind {
	case UVLock:
		l, err := uvlock.Read(path)
		if err != nil {
			return err
		}
		p.UVLock = l
		if p.RequiresPython == "" {
			p.RequiresPython = l.RequiresPython
		}
	case Pylock:
		l, err := pylock.Read(path)
		if err != nil {
			return err
		}
		p.Pylock = l
		if p.RequiresPython == "" {
			p.RequiresPython = l.RequiresPython
		}
	case Pyproject:
		f, err := pyproject.Read(path)
		if err != nil {
			return err
		}
		p.addPyproject(f)
	case Requirements, RequirementsIn, PreRequirements:
		f, err := reqfile.ParseFile(path, reqfile.ParseOptions{Getenv: opts.Getenv, KeepGoing: opts.KeepGoing, Dir: p.Dir})
		if err != nil {
			return err
		}
		p.addReqfile(kind, f)
		for _, e := range f.Errors {
			p.Errors = append(p.Errors, loadError(e.Origin.File, e))
		}
	case Readme:
		fm, err := frontmatter.ReadFile(path)
		if err != nil {
			return err
		}
		p.addFrontmatter(path, fm)
	case Packages:
		data, err := inputfile.ReadFile(path)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if i := strings.IndexByte(line, '#'); i >= 0 {
				line = strings.TrimSpace(line[:i])
			}
			if line != "" {
				p.SystemPackages = append(p.SystemPackages, strings.Fields(line)...)
			}
		}
	}
	return nil
}

func fromPyOrigin(o pyproject.Origin) Origin { return Origin{File: o.File, Line: o.Line, Col: o.Col} }

func fromReqOrigin(o reqfile.Origin) Origin { return Origin{File: o.File, Line: o.Line, Col: o.Column} }

func (p *Project) addPyproject(f *pyproject.File) {
	p.Pyproject = f
	for _, d := range f.Dynamic {
		if d == "dependencies" || d == "optional-dependencies" {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s: [project] %s are dynamic (computed by the build backend): zgpu cannot read them", f.Path, d))
		}
	}
	if f.RequiresPython != "" {
		p.RequiresPython = f.RequiresPython
	}
	add := func(section, group string, deps []pyproject.Dependency) {
		for _, d := range deps {
			p.Requirements = append(p.Requirements, Requirement{
				Raw: d.Raw, Req: d.Req, Section: section, Group: group, Origin: fromPyOrigin(d.Origin),
			})
		}
	}
	add("project.dependencies", "", f.Dependencies)
	for _, k := range slices.Sorted(maps.Keys(f.OptionalDependencies)) {
		add("project.optional-dependencies", k, f.OptionalDependencies[k])
	}
	for _, k := range slices.Sorted(maps.Keys(f.DependencyGroups)) {
		add("dependency-groups", k, f.DependencyGroups[k])
	}
	add("tool.uv.dev-dependencies", "", f.UV.DevDependencies)
	add("tool.uv.override-dependencies", "", f.UV.OverrideDependencies)
	add("tool.uv.constraint-dependencies", "", f.UV.ConstraintDependencies)
	for _, k := range slices.Sorted(maps.Keys(f.UV.ExtraBuildDependencies)) {
		for _, bd := range f.UV.ExtraBuildDependencies[k] {
			add("tool.uv.extra-build-dependencies", k, []pyproject.Dependency{bd.Dependency})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(f.UV.Sources)) {
		p.Sources = append(p.Sources, f.UV.Sources[k]...)
	}
	for _, ix := range f.UV.Indexes {
		p.Indexes = append(p.Indexes, Index{Kind: "uv", Name: ix.Name, URL: ix.URL, Explicit: ix.Explicit, Default: ix.Default, Origin: fromPyOrigin(ix.Origin)})
	}
	for _, fl := range f.UV.FindLinks {
		p.Indexes = append(p.Indexes, Index{Kind: "find-links", URL: fl.URL, Origin: fromPyOrigin(fl.Origin)})
	}
	if po := f.Poetry; po != nil {
		add("tool.poetry.dependencies", "", po.Dependencies)
		for _, k := range slices.Sorted(maps.Keys(po.Groups)) {
			add("tool.poetry.group", k, po.Groups[k])
		}
		for _, ix := range po.Sources {
			p.Indexes = append(p.Indexes, Index{Kind: "poetry", Name: ix.Name, URL: ix.URL, Explicit: ix.Explicit, Default: ix.Default, Origin: fromPyOrigin(ix.Origin)})
		}
		if p.RequiresPython == "" && po.Python != "" {
			if alts, err := pyproject.PoetryConstraint(po.Python); err == nil && len(alts) == 1 {
				p.RequiresPython = alts[0]
			}
		}
	}
}

func (p *Project) addReqfile(kind Kind, f *reqfile.File) {
	p.mergeReqfile(kind, f)
	section := string(kind)
	if kind == RequirementsIn {
		section = "requirements.in"
	}
	for _, r := range f.Requirements {
		p.Requirements = append(p.Requirements, Requirement{
			Raw: r.Line, Req: r.Req, Section: section, Editable: r.Editable, Constraint: r.Constraint,
			Hashes: r.Hashes, Origin: fromReqOrigin(r.Origin),
		})
	}
	for _, o := range f.OptionLines {
		p.Options = append(p.Options, Option{Name: o.Name, Value: o.Value, Origin: fromReqOrigin(o.Origin)})
		switch o.Name {
		case "--index-url", "--extra-index-url", "--find-links":
			p.Indexes = append(p.Indexes, Index{Kind: strings.TrimPrefix(o.Name, "--"), URL: o.Value, Origin: fromReqOrigin(o.Origin)})
		}
	}
	for _, w := range f.Warnings {
		p.Warnings = append(p.Warnings, w.String())
	}
}

func (p *Project) addFrontmatter(path string, fm *frontmatter.Frontmatter) {
	p.Frontmatter = fm
	if fm == nil {
		return
	}
	p.SDK, p.SDKVersion, p.PythonVersion = fm.SDK, fm.SDKVersion, fm.PythonVersion
	if f, ok := fm.Get("python_version"); ok {
		p.PythonVersionOrigin = Origin{File: path, Line: f.Line, Col: f.Column}
	}
	if f, ok := fm.Get("sdk_version"); ok {
		p.SDKVersionOrigin = Origin{File: path, Line: f.Line, Col: f.Column}
	}
}
