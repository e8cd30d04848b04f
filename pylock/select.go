package pylock

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/zgpu/zgpu/pep508"
)

// SelectOptions are the target and the requested extras and groups.
type SelectOptions struct {
	// Env is the target marker environment (see pep508.LinuxEnv).
	Env map[string]string
	// Extras are the requested extras; each must be listed in the lock's
	// top-level extras.
	Extras []string
	// Groups are the requested dependency groups; nil means the lock's
	// default-groups.
	Groups []string
}

// Select returns the packages to install on the target: those whose marker
// holds with `extras` and `dependency_groups` bound to the request, in lock
// order. It fails when no listed environment holds, when the target Python
// is outside requires-python (the lock's or a selected package's), or when
// two entries of one name are selected.
func (l *Lock) Select(opts SelectOptions) ([]Package, error) {
	if opts.Env == nil {
		return nil, fmt.Errorf("no target environment given")
	}
	extras := map[string]bool{}
	known := map[string]bool{}
	for _, x := range l.Extras {
		known[pep508.NormalizeName(x)] = true
	}
	for _, x := range opts.Extras {
		x = pep508.NormalizeName(x)
		if !known[x] {
			return nil, fmt.Errorf("extra %q is not in the lock (extras: %s)", x, strings.Join(slices.Sorted(maps.Keys(known)), ", "))
		}
		extras[x] = true
	}
	groups := map[string]bool{}
	knownGroups := map[string]bool{}
	for _, g := range l.DependencyGroups {
		knownGroups[pep508.NormalizeName(g)] = true
	}
	req := opts.Groups
	if req == nil {
		req = l.DefaultGroups
	}
	for _, g := range req {
		g = pep508.NormalizeName(g)
		if !knownGroups[g] {
			return nil, fmt.Errorf("dependency group %q is not in the lock (groups: %s)", g, strings.Join(slices.Sorted(maps.Keys(knownGroups)), ", "))
		}
		groups[g] = true
	}
	if len(l.Environments) > 0 {
		ok := false
		for _, env := range l.Environments {
			m, err := parseMarker(env, extras, groups)
			if err != nil {
				return nil, fmt.Errorf("environment %q: %v", env, err)
			}
			if m == nil || m.Evaluate(opts.Env) {
				ok = true
				break
			}
		}
		if !ok {
			return nil, fmt.Errorf("the target is none of the lock's environments (%s)", strings.Join(l.Environments, "; "))
		}
	}
	if ok, err := pythonHolds(l.RequiresPython, opts.Env); err != nil {
		return nil, fmt.Errorf("requires-python: %v", err)
	} else if !ok {
		return nil, fmt.Errorf("the target Python %s is outside the lock's requires-python %q", opts.Env["python_full_version"], l.RequiresPython)
	}
	var out []Package
	seen := map[string]int{}
	for _, p := range l.Packages {
		if p.Marker != "" {
			m, err := parseMarker(p.Marker, extras, groups)
			if err != nil {
				return nil, fmt.Errorf("package %s: marker: %v", p.Name, err)
			}
			if m != nil && !m.Evaluate(opts.Env) {
				continue
			}
		}
		if ok, err := pythonHolds(p.RequiresPython, opts.Env); err != nil {
			return nil, fmt.Errorf("package %s: requires-python: %v", p.Name, err)
		} else if !ok {
			return nil, fmt.Errorf("package %s %s requires Python %q, the target is %s", p.Name, p.Version, p.RequiresPython, opts.Env["python_full_version"])
		}
		if line, dup := seen[p.Name]; dup {
			return nil, fmt.Errorf("package %s is selected twice (lines %d and %d): the markers overlap", p.Name, line, p.Line)
		}
		seen[p.Name] = p.Line
		out = append(out, p)
	}
	return out, nil
}

func pythonHolds(spec string, env map[string]string) (bool, error) {
	if strings.TrimSpace(spec) == "" {
		return true, nil
	}
	m, err := pep508.ParseMarker(pythonMarker(spec))
	if err != nil {
		return false, err
	}
	return m.Evaluate(env), nil
}
