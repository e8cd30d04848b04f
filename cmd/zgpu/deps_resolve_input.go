package main

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/project"
	"github.com/zgpu/zgpu/pyproject"
	"github.com/zgpu/zgpu/uvlock"
)

// This file checks the uv export flags of `deps resolve` against the input
// they apply to: --frozen and --locked need a uv.lock (and --locked one
// that pyproject.toml agrees with), --extra and the group flags need a
// file that has extras and groups, as in uv.

// inputKind names the file that speaks for the Space (project.Input).
func inputKind(p *project.Project) project.Kind {
	return p.Input().Kind
}

// checkInput checks the flags that depend on the input read.
func (o *depsResolveOptions) checkInput(p *project.Project) error {
	if o.Frozen || o.Locked {
		flag := "--frozen"
		if o.Locked {
			flag = "--locked"
		}
		if p.UVLock == nil {
			return fmt.Errorf("%s: no uv.lock in %s (create it with `uv lock`, or leave out %s)", flag, p.Dir, flag)
		}
		if o.Locked {
			if err := checkUVLockCurrent(p); err != nil {
				return err
			}
		}
	} else if p.UVLock != nil && p.Pyproject != nil && p.Pyproject.HasProject {
		// uv export would re-lock a stale uv.lock; zgpu reads it as it
		// is (--frozen), so it says when pyproject.toml moved on.
		if err := checkUVLockCurrent(p); err != nil {
			msg := strings.TrimPrefix(err.Error(), "--locked: ")
			o.g.Logf("warning: %s", strings.Replace(msg, "(run `uv lock`, or leave out --locked)", "(run `uv lock`; the export below is the lock as it is, and --locked makes this an error)", 1))
		}
	}
	ex := o.export
	switch kind := inputKind(p); kind {
	case project.Requirements, project.RequirementsIn:
		flags := []struct {
			name string
			vals []string
			on   bool
		}{
			{"--extra", ex.Extras, len(ex.Extras) > 0}, {"--all-extras", nil, ex.AllExtras},
			{"--group", ex.Groups, len(ex.Groups) > 0}, {"--only-group", ex.OnlyGroups, len(ex.OnlyGroups) > 0},
			{"--all-groups", nil, ex.AllGroups},
		}
		for _, f := range flags {
			if !f.on {
				continue
			}
			what, hint := "extras", `write "package[extra]" in the file instead`
			if strings.Contains(f.name, "group") {
				what, hint = "dependency groups", "list the group's packages in the file instead"
			}
			flag := strings.TrimSpace(f.name + " " + strings.Join(f.vals, ","))
			return usagef("%s: the input is %s, which has no %s: %s need a pyproject.toml, uv.lock or pylock.toml (%s)", flag, kind, what, what, hint)
		}
	case project.Pyproject:
		return checkDefined(p.Pyproject, ex.Extras, append(append([]string(nil), ex.Groups...), ex.OnlyGroups...))
	}
	return nil
}

// checkDefined fails, as uv does, on an extra or a group that
// pyproject.toml does not define.
func checkDefined(f *pyproject.File, extras, groups []string) error {
	if f == nil {
		return nil
	}
	definedExtras := normalizedKeys(f.OptionalDependencies)
	definedGroups := normalizedKeys(f.DependencyGroups)
	if f.Poetry != nil {
		maps.Copy(definedGroups, normalizedKeys(f.Poetry.Groups))
	}
	for _, x := range extras {
		if !definedExtras[pep508.NormalizeName(x)] {
			return fmt.Errorf("--extra %s: %s defines no such extra in [project.optional-dependencies] (defined: %s)", x, f.Path, listOrNone(definedExtras))
		}
	}
	for _, g := range groups {
		if !definedGroups[pep508.NormalizeName(g)] {
			return fmt.Errorf("--group %s: %s defines no such group in [dependency-groups] (defined: %s)", g, f.Path, listOrNone(definedGroups))
		}
	}
	return nil
}

func normalizedKeys[V any](m map[string]V) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[pep508.NormalizeName(k)] = true
	}
	return out
}

func listOrNone(set map[string]bool) string {
	if len(set) == 0 {
		return "none"
	}
	return strings.Join(slices.Sorted(maps.Keys(set)), ", ")
}

// pruneWhy says why --prune cannot apply to this run.
func pruneWhy(p *project.Project, noLock bool) string {
	if p.Pylock != nil && p.UVLock == nil {
		return "a pylock.toml is exported as it is, with no dependency graph to prune"
	}
	if noLock {
		return "--no-lock keeps your requirements as written, with no dependency graph to prune (it applies to a uv.lock export and to locking)"
	}
	return "nothing is locked"
}

// hasReadme reports whether the Space has a README.md that zgpu read.
func hasReadme(p *project.Project) bool {
	for _, f := range p.Files {
		if f.Kind == project.Readme {
			return true
		}
	}
	return p.Frontmatter != nil
}

// checkUVLockCurrent is --locked: pyproject.toml's dependencies,
// optional dependencies and dependency groups must be the requirements
// uv.lock records for the project ([package.metadata] requires-dist and
// requires-dev). Names, extras, version specifiers and direct sources
// are compared; markers are not (uv rewrites them), except the extra an
// optional dependency belongs to.
func checkUVLockCurrent(p *project.Project) error {
	py := p.Pyproject
	if py == nil {
		f, err := pyproject.Read(filepath.Join(p.Dir, "pyproject.toml"))
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("--locked: no pyproject.toml in %s to check uv.lock against", p.Dir)
		}
		if err != nil {
			return err
		}
		py = f
	}
	if !py.HasProject {
		return fmt.Errorf("--locked: %s has no [project] table to check uv.lock against", py.Path)
	}
	root := lockRoot(p.UVLock, py.Name)
	var diffs []string
	if root == nil {
		diffs = append(diffs, fmt.Sprintf("uv.lock has no package %s", py.Name))
	} else {
		diffs = compareRequirements(pyprojectRequirements(py), lockRequirements(root))
	}
	if len(diffs) == 0 {
		return nil
	}
	return fmt.Errorf("--locked: uv.lock needs to be updated: %s does not match the requirements it was locked from (run `uv lock`, or leave out --locked)\n  %s",
		py.Path, strings.Join(diffs, "\n  "))
}

// lockRoot is the lock's package of the project named name, or its only
// root.
func lockRoot(l *uvlock.Lock, name string) *uvlock.Package {
	roots := l.Roots()
	for _, r := range roots {
		if pep508.NormalizeName(r.Name) == pep508.NormalizeName(name) {
			return r
		}
	}
	if len(roots) == 1 {
		return roots[0]
	}
	return nil
}

// scopedReq is one requirement reduced to what --locked compares, under
// its scope: "dependencies", "optional-dependencies.X" or
// "dependency-groups.X".
type scopedReq struct {
	scope, name, extras, spec string
	direct                    bool // a URL, path or VCS source: spec not compared
}

func pyprojectRequirements(f *pyproject.File) []scopedReq {
	direct := map[string]bool{}
	for name, srcs := range f.UV.Sources {
		for _, s := range srcs {
			if s.Git != "" || s.URL != "" || s.Path != "" || s.Workspace {
				direct[pep508.NormalizeName(name)] = true
			}
		}
	}
	var out []scopedReq
	add := func(scope string, deps []pyproject.Dependency) {
		for _, d := range deps {
			r := d.Req
			name := pep508.NormalizeName(r.Name)
			out = append(out, scopedReq{scope: scope, name: name, extras: extrasKey(r.Extras), spec: specKey(r.Specifiers), direct: r.URL != "" || direct[name]})
		}
	}
	add("dependencies", f.Dependencies)
	for k, deps := range f.OptionalDependencies {
		add("optional-dependencies."+pep508.NormalizeName(k), deps)
	}
	for k, deps := range f.DependencyGroups {
		add("dependency-groups."+pep508.NormalizeName(k), deps)
	}
	add("dependency-groups.dev", f.UV.DevDependencies)
	return out
}

// extraMarker finds the extra an optional dependency belongs to in the
// marker uv records for it.
var extraMarker = regexp.MustCompile(`\bextra\s*==\s*['"]([^'"]+)['"]`)

func lockRequirements(root *uvlock.Package) []scopedReq {
	if root.Metadata == nil {
		return nil
	}
	one := func(scope string, r uvlock.Requirement) scopedReq {
		var spec string
		if ss, err := pep440.ParseSpecifiers(r.Specifier); err == nil {
			spec = specKey(ss)
		} else {
			spec = r.Specifier
		}
		return scopedReq{scope: scope, name: pep508.NormalizeName(r.Name), extras: extrasKey(r.Extra), spec: spec,
			direct: r.Git != "" || r.URL != "" || r.Path != "" || r.Directory != "" || r.Editable != ""}
	}
	var out []scopedReq
	for _, r := range root.Metadata.RequiresDist {
		scope := "dependencies"
		if m := extraMarker.FindStringSubmatch(r.Marker); m != nil {
			scope = "optional-dependencies." + pep508.NormalizeName(m[1])
		}
		out = append(out, one(scope, r))
	}
	for g, reqs := range root.Metadata.RequiresDev {
		for _, r := range reqs {
			out = append(out, one("dependency-groups."+pep508.NormalizeName(g), r))
		}
	}
	return out
}

func extrasKey(extras []string) string {
	if len(extras) == 0 {
		return ""
	}
	n := make([]string, len(extras))
	for i, x := range extras {
		n[i] = pep508.NormalizeName(x)
	}
	slices.Sort(n)
	return "[" + strings.Join(slices.Compact(n), ",") + "]"
}

// specKey is a specifier set in a canonical form, items sorted: versions
// normalized and, but for ~=, without trailing zeros (">=0.8.0" is ">=0.8",
// as packaging's canonicalize_version and uv's version equality have it).
func specKey(ss pep440.Specifiers) string {
	items := make([]string, len(ss))
	for i, s := range ss {
		items[i] = s.Op + s.Version
		if v, err := pep440.Parse(s.Version); err == nil {
			items[i] = s.Op + v.String()
			if s.Op != "~=" {
				if m := releaseOf.FindStringSubmatch(v.String()); m != nil {
					items[i] = s.Op + m[1] + trailingZeros.ReplaceAllString(m[2], "") + m[3]
				}
			}
		}
	}
	slices.Sort(items)
	return strings.Join(items, ",")
}

var (
	releaseOf     = regexp.MustCompile(`^([0-9]+!)?([0-9]+(?:\.[0-9]+)*)(.*)$`)
	trailingZeros = regexp.MustCompile(`(\.0)+$`)
)

// compareRequirements lists, scope by scope, what only pyproject.toml and
// only uv.lock require, as sets: uv records a requirement once per source
// marker of [tool.uv.sources]. A name with a direct source on either side
// is compared without its specifier.
func compareRequirements(py, lock []scopedReq) []string {
	direct := map[[2]string]bool{}
	for _, r := range slices.Concat(py, lock) {
		if r.direct {
			direct[[2]string{r.scope, r.name}] = true
		}
	}
	set := func(reqs []scopedReq) map[string]map[string]bool {
		out := map[string]map[string]bool{}
		for _, r := range reqs {
			key := r.name + r.extras
			if !direct[[2]string{r.scope, r.name}] {
				key += r.spec
			}
			if out[r.scope] == nil {
				out[r.scope] = map[string]bool{}
			}
			out[r.scope][key] = true
		}
		return out
	}
	a, b := set(py), set(lock)
	scopes := map[string]bool{}
	for s := range a {
		scopes[s] = true
	}
	for s := range b {
		scopes[s] = true
	}
	var diffs []string
	for _, s := range slices.Sorted(maps.Keys(scopes)) {
		onlyPy, onlyLock := missingFrom(a[s], b[s]), missingFrom(b[s], a[s])
		switch {
		case len(onlyPy) > 0 && len(onlyLock) > 0:
			diffs = append(diffs, fmt.Sprintf("%s: pyproject.toml has %s; uv.lock has %s", s, strings.Join(onlyPy, ", "), strings.Join(onlyLock, ", ")))
		case len(onlyPy) > 0:
			diffs = append(diffs, fmt.Sprintf("%s: only pyproject.toml has %s", s, strings.Join(onlyPy, ", ")))
		case len(onlyLock) > 0:
			diffs = append(diffs, fmt.Sprintf("%s: only uv.lock has %s", s, strings.Join(onlyLock, ", ")))
		}
	}
	return diffs
}

// missingFrom lists the keys of a that b lacks, sorted.
func missingFrom(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
