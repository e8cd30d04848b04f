package uvlock

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/pyproject"
)

// Stale lists how the requirements of pyproject.toml py differ from those
// the lock records for the project ([package.metadata] requires-dist and
// requires-dev), scope by scope; none when the lock is current (what
// `uv lock --locked` checks). Names, extras, version specifiers and direct
// sources are compared; markers are not (uv rewrites them), except the extra
// an optional dependency belongs to.
func (l *Lock) Stale(py *pyproject.File) []string {
	root := lockRoot(l, py.Name)
	if root == nil {
		return []string{fmt.Sprintf("uv.lock has no package %s", py.Name)}
	}
	return compareRequirements(pyprojectRequirements(py), lockRequirements(root))
}

// lockRoot is the lock's package of the project named name, or its only
// root.
func lockRoot(l *Lock, name string) *Package {
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

func lockRequirements(root *Package) []scopedReq {
	if root.Metadata == nil {
		return nil
	}
	one := func(scope string, r Requirement) scopedReq {
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
