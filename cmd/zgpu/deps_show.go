package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/zgpu/zgpu/project"
	"github.com/zgpu/zgpu/pyproject"
)

func init() { register("deps", newDepsShowCmd) }

type depsShowOptions struct {
	g      *globalOptions
	JSON   bool
	config configOptions
	// settings are what deps resolve would run with (configuration files,
	// environment).
	settings []setting
}

const depsShowLong = `Show what zgpu understood of a Space's dependencies: every requirement with
the file and line it came from, the pip options of requirements files, the
package indexes and find-links locations, uv sources, the lock files, and the
python_version and sdk_version of the README frontmatter.

DIR is the Space folder (default "."); zgpu reads uv.lock, pylock.toml,
pyproject.toml, requirements.txt, requirements.in, pre-requirements.txt,
README.md and packages.txt when present. FILE reads that one file.

Settings lists the flags of 'zgpu deps resolve' that zgpu.toml, pyproject.toml's
[tool.zgpu] or the environment set for this Space, each with where it came from
(--no-config and --config-file as for deps resolve).

A requirement line that pip would reject, or a file that cannot be read,
does not stop the report: everything else is shown, each problem is listed
under Errors with its file:line:column and what was expected, and the exit
status is 1. (deps resolve stops at the first one.)

--json prints one object:
  {"dir": string,
   "files": [{"kind": "uv.lock"|"pylock.toml"|"pyproject.toml"|"requirements.txt"|
              "requirements.in"|"pre-requirements.txt"|"README.md"|"packages.txt",
              "path": string}],
   "python_version": string, "python_version_origin": ORIGIN|null,
   "sdk": string, "sdk_version": string, "sdk_version_origin": ORIGIN|null,
   "requires_python": string,
   "requirements": [{"requirement": string (as written), "name": string (normalized,
                     "" for an unnamed URL or path), "section": string, "group": string?,
                     "editable": bool?, "constraint": bool?, "hashes": [string]?,
                     "origin": ORIGIN}],
   "options": [{"name": "--index-url"|..., "value": string?, "origin": ORIGIN}],
   "indexes": [{"kind": "index-url"|"extra-index-url"|"find-links"|"uv"|"poetry",
                "name": string?, "url": string, "explicit": bool?, "default": bool?,
                "origin": ORIGIN}],
   "sources": [{"package": string, "git"|"url"|"path"|"index"|"workspace": ...,
                "rev"|"tag"|"branch"|"subdirectory"|"editable"|"marker"|"extra"|"group": ...,
                "origin": ORIGIN}],
   "locks": [{"kind": "uv.lock"|"pylock.toml", "path": string, "version": string,
              "requires_python": string, "packages": int, "roots": [string]}],
   "system_packages": [string],
   "settings": [{"flag": string, "value": string, "origin": "command line"|"env VAR"|
                 "config FILE:LINE:COL"}] (the flags of deps resolve that are not at
                their built-in default, from zgpu.toml, [tool.zgpu] or the environment),
   "warnings": [string],
   "errors": [{"origin": ORIGIN, "message": string (what is wrong and what was expected),
               "text": string? (the offending line as written), "hint": string?}]}
  where ORIGIN is {"file": string, "line": int, "col": int} (line and col are
  1-based; omitted when unknown). Empty lists are [], never null. The exit
  status is 1 when "errors" is not empty.`

func newDepsShowCmd(g *globalOptions) *cobra.Command {
	o := &depsShowOptions{g: g}
	cmd := &cobra.Command{
		Use:   "show [DIR|FILE]",
		Short: "Show the requirements, options and sources zgpu read, with their origins",
		Long:  depsShowLong + "\n\n" + spaceRefHelp,
		Example: `  zgpu deps show
  zgpu deps show path/to/space
  zgpu deps show path/to/space/pyproject.toml
  zgpu deps show spaces/alice/my-space
  zgpu deps show --json | jq '.requirements[] | select(.name == "torch")'`,
		Args: rangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			target := "."
			if len(args) == 1 {
				target = args[0]
			}
			settings, err := resolveSettings(g, o.config, target)
			if err != nil {
				return err
			}
			o.settings = settings
			dir, done, err := localDir(cmd.Context(), g, defaultNet(), target)
			if err != nil {
				return err
			}
			return done(runDepsShow(o, dir))
		},
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print what was read as JSON (schema in the help above)")
	o.config.addFlags(cmd.Flags())
	return cmd
}

func runDepsShow(o *depsShowOptions, target string) error {
	p, err := project.Load(target, project.LoadOptions{KeepGoing: true})
	if err != nil {
		return err
	}
	o.g.Debugf("read %d files from %s", len(p.Files), p.Dir)
	if o.JSON {
		enc := newJSONEncoder(o.g.Stdout)
		out := depsShowJSON(p)
		out.Settings = o.settings
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		writeDepsShow(o.g.Stdout, p)
		writeSettings(o.g.Stdout, o.settings)
	}
	n := len(p.Errors)
	if n == 0 {
		return nil
	}
	where := "under Errors in the report"
	if o.JSON {
		where = `in "errors"`
	}
	if n == 1 {
		return fmt.Errorf("1 error in the dependency files (listed %s)", where)
	}
	return fmt.Errorf("%d errors in the dependency files (listed %s)", n, where)
}

type depsShowOut struct {
	Dir                 string               `json:"dir"`
	Files               []project.File       `json:"files"`
	PythonVersion       string               `json:"python_version"`
	PythonVersionOrigin *project.Origin      `json:"python_version_origin"`
	SDK                 string               `json:"sdk"`
	SDKVersion          string               `json:"sdk_version"`
	SDKVersionOrigin    *project.Origin      `json:"sdk_version_origin"`
	RequiresPython      string               `json:"requires_python"`
	Requirements        []depsShowReq        `json:"requirements"`
	Options             []project.Option     `json:"options"`
	Indexes             []project.Index      `json:"indexes"`
	Sources             []pyproject.Source   `json:"sources"`
	Locks               []depsShowLock       `json:"locks"`
	SystemPackages      []string             `json:"system_packages"`
	Warnings            []string             `json:"warnings"`
	Errors              []*project.LoadError `json:"errors"`
	Settings            []setting            `json:"settings"`
}

type depsShowReq struct {
	project.Requirement
	Name string `json:"name"`
}

type depsShowLock struct {
	Kind           string   `json:"kind"`
	Path           string   `json:"path"`
	Version        string   `json:"version"`
	RequiresPython string   `json:"requires_python"`
	Packages       int      `json:"packages"`
	Roots          []string `json:"roots"`
}

func originPtr(o project.Origin) *project.Origin {
	if o.File == "" {
		return nil
	}
	return &o
}

func depsShowJSON(p *project.Project) depsShowOut {
	out := depsShowOut{
		Dir: p.Dir, Files: p.Files,
		PythonVersion: p.PythonVersion, PythonVersionOrigin: originPtr(p.PythonVersionOrigin),
		SDK: p.SDK, SDKVersion: p.SDKVersion, SDKVersionOrigin: originPtr(p.SDKVersionOrigin),
		RequiresPython: p.RequiresPython,
		Requirements:   []depsShowReq{}, Options: p.Options, Indexes: p.Indexes, Sources: p.Sources,
		Locks: locksOf(p), SystemPackages: p.SystemPackages, Warnings: p.Warnings, Errors: p.Errors,
	}
	for _, r := range p.Requirements {
		name := ""
		if r.Req.Name != "" {
			name = r.Req.Key()
		}
		out.Requirements = append(out.Requirements, depsShowReq{r, name})
	}
	if out.Files == nil {
		out.Files = []project.File{}
	}
	if out.Options == nil {
		out.Options = []project.Option{}
	}
	if out.Indexes == nil {
		out.Indexes = []project.Index{}
	}
	if out.Sources == nil {
		out.Sources = []pyproject.Source{}
	}
	if out.SystemPackages == nil {
		out.SystemPackages = []string{}
	}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	if out.Errors == nil {
		out.Errors = []*project.LoadError{}
	}
	return out
}

func locksOf(p *project.Project) []depsShowLock {
	locks := []depsShowLock{}
	if l := p.UVLock; l != nil {
		dl := depsShowLock{Kind: "uv.lock", Path: l.Path, Version: fmt.Sprintf("%d.%d", l.Version, l.Revision),
			RequiresPython: l.RequiresPython, Packages: len(l.Packages), Roots: []string{}}
		for _, r := range l.Roots() {
			dl.Roots = append(dl.Roots, r.Name)
		}
		locks = append(locks, dl)
	}
	if l := p.Pylock; l != nil {
		locks = append(locks, depsShowLock{Kind: "pylock.toml", Path: l.Path, Version: l.LockVersion,
			RequiresPython: l.RequiresPython, Packages: len(l.Packages), Roots: []string{}})
	}
	return locks
}

// relTo shortens origins in the text output: paths are shown relative to
// the Space folder.
type relTo string

func (r relTo) path(p string) string {
	if rel, err := filepath.Rel(string(r), p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

func (r relTo) origin(o project.Origin) string {
	o.File = r.path(o.File)
	return o.String()
}

func writeDepsShow(w io.Writer, p *project.Project) {
	rel := relTo(p.Dir)
	writeShowHeader(w, p, rel)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "\nRequirements (%d):\n", len(p.Requirements))
	for _, r := range p.Requirements {
		fmt.Fprintf(tw, "  %s\t%s\t%s%s\n", rel.origin(r.Origin), sectionOf(r), r.Raw, requirementFlags(r))
	}
	tw.Flush()
	writeShowSources(w, tw, p, rel)
	if len(p.SystemPackages) > 0 {
		fmt.Fprintf(w, "\nSystem packages (packages.txt): %s\n", strings.Join(p.SystemPackages, " "))
	}
	if len(p.Warnings) > 0 {
		fmt.Fprintln(w, "\nWarnings:")
		for _, s := range p.Warnings {
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
	if len(p.Errors) > 0 {
		fmt.Fprintf(w, "\nErrors (%d):\n", len(p.Errors))
		for _, e := range p.Errors {
			fmt.Fprintf(w, "  %s\n", rel.loadError(e))
		}
	}
}

// writeShowHeader writes the files read and the README's and
// pyproject.toml's facts about the interpreter and SDK.
func writeShowHeader(w io.Writer, p *project.Project, rel relTo) {
	var files []string
	for _, f := range p.Files {
		files = append(files, rel.path(f.Path))
	}
	fmt.Fprintf(w, "Space %s: read %s\n", p.Dir, strings.Join(files, ", "))
	switch {
	case p.PythonVersion != "":
		fmt.Fprintf(w, "python_version  %s (%s)\n", p.PythonVersion, rel.origin(p.PythonVersionOrigin))
	default:
		fmt.Fprintln(w, "python_version  not set in README.md (the platform default applies)")
	}
	if p.SDK != "" || p.SDKVersion != "" {
		where := ""
		if p.SDKVersionOrigin.File != "" {
			where = " (" + rel.origin(p.SDKVersionOrigin) + ")"
		}
		fmt.Fprintf(w, "sdk             %s %s%s\n", p.SDK, p.SDKVersion, where)
	}
	if p.RequiresPython != "" {
		fmt.Fprintf(w, "requires-python %s\n", p.RequiresPython)
	}
}

// sectionOf names where a requirement was declared: "project.dependencies",
// "dependency-groups.dev".
func sectionOf(r project.Requirement) string {
	if r.Group != "" {
		return r.Section + "." + r.Group
	}
	return r.Section
}

// requirementFlags is the "  [editable, constraint, 2 hashes]" suffix of a
// requirement, or "".
func requirementFlags(r project.Requirement) string {
	var flags []string
	if r.Editable {
		flags = append(flags, "editable")
	}
	if r.Constraint {
		flags = append(flags, "constraint")
	}
	if len(r.Hashes) > 0 {
		flags = append(flags, fmt.Sprintf("%d hashes", len(r.Hashes)))
	}
	if len(flags) == 0 {
		return ""
	}
	return "  [" + strings.Join(flags, ", ") + "]"
}

// writeShowSources writes the index options, indexes, package sources and
// locks of the project, each block only when it has rows.
func writeShowSources(w io.Writer, tw *tabwriter.Writer, p *project.Project, rel relTo) {
	if len(p.Options) > 0 {
		fmt.Fprintln(w, "\nOptions:")
		for _, o := range p.Options {
			fmt.Fprintf(tw, "  %s\t%s %s\n", rel.origin(o.Origin), o.Name, o.Value)
		}
		tw.Flush()
	}
	if len(p.Indexes) > 0 {
		fmt.Fprintln(w, "\nIndexes:")
		for _, ix := range p.Indexes {
			var attrs []string
			if ix.Name != "" {
				attrs = append(attrs, "name="+ix.Name)
			}
			if ix.Explicit {
				attrs = append(attrs, "explicit")
			}
			if ix.Default {
				attrs = append(attrs, "default")
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", rel.origin(ix.Origin), ix.Kind, strings.TrimSpace(ix.URL+" "+strings.Join(attrs, " ")))
		}
		tw.Flush()
	}
	if len(p.Sources) > 0 {
		fmt.Fprintln(w, "\nSources:")
		for _, s := range p.Sources {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", rel.origin(project.Origin{File: s.Origin.File, Line: s.Origin.Line}), s.Package, describeSource(s))
		}
		tw.Flush()
	}
	if locks := locksOf(p); len(locks) > 0 {
		fmt.Fprintln(w, "\nLocks:")
		for _, l := range locks {
			roots := ""
			if len(l.Roots) > 0 {
				roots = "; root " + strings.Join(l.Roots, ", ")
			}
			fmt.Fprintf(w, "  %s: version %s, %d packages, requires-python %q%s\n", rel.path(l.Path), l.Version, l.Packages, l.RequiresPython, roots)
		}
	}
}

// loadError formats e as file:line:col: message: "text"; hint, with the
// file relative to the Space folder.
func (r relTo) loadError(e *project.LoadError) string {
	s := r.path(e.Origin.File)
	if e.Origin.Line > 0 {
		s += fmt.Sprintf(":%d", e.Origin.Line)
		if e.Origin.Col > 0 {
			s += fmt.Sprintf(":%d", e.Origin.Col)
		}
	}
	s += ": " + e.Message
	if e.Text != "" {
		s += ": " + strconv.Quote(e.Text)
	}
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	return s
}

func describeSource(s pyproject.Source) string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("git", s.Git)
	add("rev", s.Rev)
	add("tag", s.Tag)
	add("branch", s.Branch)
	add("url", s.URL)
	add("path", s.Path)
	add("index", s.Index)
	add("subdirectory", s.Subdirectory)
	if s.Workspace {
		parts = append(parts, "workspace")
	}
	if s.Editable != nil {
		parts = append(parts, fmt.Sprintf("editable=%v", *s.Editable))
	}
	add("extra", s.Extra)
	add("group", s.Group)
	if s.Marker != "" {
		parts = append(parts, "; "+s.Marker)
	}
	return strings.Join(parts, " ")
}
