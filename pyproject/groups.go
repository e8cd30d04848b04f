package pyproject

import (
	"maps"
	"slices"
	"strings"
)

// groups expands the PEP 735 [dependency-groups] table. Group names are
// compared normalized (two names that normalize alike are an error, as the
// PEP requires); an entry is a requirement string or {include-group = "x"};
// includes are expanded in place, and a cycle of includes is an error that
// names the cycle. The result is keyed by the names as written.
func (p *parser) groups(raw map[string][]any) (map[string][]Dependency, error) {
	byNorm := make(map[string]string, len(raw))
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		n := normalizeGroup(name)
		if prev, ok := byNorm[n]; ok {
			return nil, p.errorf([]any{"dependency-groups", name}, "dependency group %q duplicates %q after normalization", name, prev)
		}
		byNorm[n] = name
	}
	out := make(map[string][]Dependency, len(raw))
	state := make(map[string]int) // 0 new, 1 visiting, 2 done
	var stack []string
	var expand func(name string) ([]Dependency, error)
	expand = func(name string) ([]Dependency, error) {
		switch state[name] {
		case 2:
			return out[name], nil
		case 1:
			i := 0
			for stack[i] != name {
				i++
			}
			cycle := append(append([]string{}, stack[i:]...), name)
			return nil, p.errorf([]any{"dependency-groups", name}, "dependency group include cycle: %s", strings.Join(cycle, " -> "))
		}
		state[name] = 1
		stack = append(stack, name)
		deps := []Dependency{}
		for i, e := range raw[name] {
			segs := []any{"dependency-groups", name, i}
			switch e := e.(type) {
			case string:
				d, err := p.requirement(e, segs...)
				if err != nil {
					return nil, err
				}
				deps = append(deps, d)
			case map[string]any:
				inc, ok := e["include-group"].(string)
				if !ok || len(e) != 1 {
					return nil, p.errorf(segs, "expected a requirement string or {include-group = \"...\"}")
				}
				target, ok := byNorm[normalizeGroup(inc)]
				if !ok {
					return nil, p.errorf(segs, "dependency group %q includes unknown group %q", name, inc)
				}
				sub, err := expand(target)
				if err != nil {
					return nil, err
				}
				deps = append(deps, sub...)
			default:
				return nil, p.typeError(segs, "a requirement string or {include-group = \"...\"}", e)
			}
		}
		stack = stack[:len(stack)-1]
		state[name] = 2
		out[name] = deps
		return deps, nil
	}
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		if _, err := expand(name); err != nil {
			return nil, err
		}
	}
	return out, nil
}
