package main

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/project"
	"github.com/zgpu/zgpu/pyproject"
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
	diffs := p.UVLock.Stale(py)
	if len(diffs) == 0 {
		return nil
	}
	return fmt.Errorf("--locked: uv.lock needs to be updated: %s does not match the requirements it was locked from (run `uv lock`, or leave out --locked)\n  %s",
		py.Path, strings.Join(diffs, "\n  "))
}
