package pyproject

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/zgpu/zgpu/pep508"
)

// Poetry is the dependency part of [tool.poetry], translated to PEP 508.
type Poetry struct {
	// Python is the constraint of the "python" dependency as written.
	Python string
	// Dependencies are [tool.poetry.dependencies] without "python".
	Dependencies []Dependency
	// Groups are [tool.poetry.group.<name>.dependencies]; the legacy
	// [tool.poetry.dev-dependencies] is the group "dev".
	Groups map[string][]Dependency
	// Extras are [tool.poetry.extras]: extra name -> package names.
	Extras map[string][]string
	// Optional lists the packages declared optional = true.
	Optional []string
	// Sources are [[tool.poetry.source]].
	Sources []Index
}

// rawPoetry is the part of [tool.poetry] zgpu reads. A dependency is a
// constraint string, a table or an array of those, so dependencies stay
// generic and poetryDep checks their types.
type rawPoetry struct {
	Dependencies    map[string]any `toml:"dependencies"`
	DevDependencies map[string]any `toml:"dev-dependencies"`
	Group           map[string]struct {
		Dependencies map[string]any `toml:"dependencies"`
	} `toml:"group"`
	Extras map[string][]string `toml:"extras"`
	Source []struct {
		Name     string `toml:"name"`
		URL      string `toml:"url"`
		Priority string `toml:"priority"`
		Default  bool   `toml:"default"`
	} `toml:"source"`
}

func (p *parser) poetry(m *rawPoetry) (*Poetry, error) {
	po := &Poetry{}
	if len(m.Extras) > 0 {
		po.Extras = make(map[string][]string)
		for _, k := range slices.Sorted(maps.Keys(m.Extras)) {
			po.Extras[k] = m.Extras[k]
		}
	}
	for i, src := range m.Source {
		po.Sources = append(po.Sources, Index{
			Name: src.Name, URL: src.URL, Priority: src.Priority, Default: src.Default,
			Explicit: src.Priority == "explicit", Origin: p.origin("tool", "poetry", "source", i),
		})
	}
	var err error
	if deps := m.Dependencies; deps != nil {
		if py, ok := deps["python"]; ok {
			s, isString := py.(string)
			if !isString {
				return nil, p.typeError([]any{"tool", "poetry", "dependencies", "python"}, "a constraint string", py)
			}
			po.Python = s
		}
		if po.Dependencies, err = p.poetryDeps(po, deps, "tool", "poetry", "dependencies"); err != nil {
			return nil, err
		}
	}
	groups := map[string][]Dependency{}
	if dev := m.DevDependencies; dev != nil {
		if groups["dev"], err = p.poetryDeps(po, dev, "tool", "poetry", "dev-dependencies"); err != nil {
			return nil, err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(m.Group)) {
		d, err := p.poetryDeps(po, m.Group[name].Dependencies, "tool", "poetry", "group", name, "dependencies")
		if err != nil {
			return nil, err
		}
		groups[name] = append(groups[name], d...)
	}
	if len(groups) > 0 {
		po.Groups = groups
	}
	return po, nil
}

func (p *parser) poetryDeps(po *Poetry, deps map[string]any, segs ...any) ([]Dependency, error) {
	var out []Dependency
	for _, name := range slices.Sorted(maps.Keys(deps)) {
		if strings.EqualFold(name, "python") {
			continue
		}
		at := append(segs[:len(segs):len(segs)], name)
		var entries []any
		var where [][]any
		if list, ok := deps[name].([]any); ok {
			for i, e := range list {
				entries = append(entries, e)
				where = append(where, append(at[:len(at):len(at)], i))
			}
		} else {
			entries, where = []any{deps[name]}, [][]any{at}
		}
		for i, e := range entries {
			d, optional, err := p.poetryDep(po, name, e, where[i])
			if err != nil {
				return nil, err
			}
			if optional {
				po.Optional = append(po.Optional, name)
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// poetryDep translates one Poetry dependency entry (a constraint string or a
// table) to a PEP 508 requirement.
func (p *parser) poetryDep(po *Poetry, name string, v any, segs []any) (Dependency, bool, error) {
	var t map[string]any
	switch v := v.(type) {
	case string:
		t = map[string]any{"version": v}
	case map[string]any:
		t = v
	default:
		return Dependency{}, false, p.typeError(segs, "a constraint string or a table", v)
	}
	r := &table{p: p, t: t, segs: segs}
	for _, k := range []string{"version", "git", "rev", "tag", "branch", "subdirectory", "url", "path", "python", "platform", "markers"} {
		r.str(k)
	}
	extras := r.strs("extras")
	optional, _ := r.boolean("optional")
	if r.err != nil {
		return Dependency{}, false, r.err
	}
	str := func(k string) string { s, _ := t[k].(string); return s }
	var b strings.Builder
	b.WriteString(name)
	if len(extras) > 0 {
		b.WriteString("[" + strings.Join(extras, ",") + "]")
	}
	var alts []string
	url := ""
	switch {
	case str("git") != "":
		url = "git+" + str("git")
		for _, k := range []string{"rev", "tag", "branch"} {
			if s := str(k); s != "" {
				url += "@" + s
				break
			}
		}
		if s := str("subdirectory"); s != "" {
			url += "#subdirectory=" + s
		}
	case str("url") != "":
		url = str("url")
	case str("path") != "":
		url = str("path")
	default:
		var err error
		alts, err = PoetryConstraint(str("version"))
		if err != nil {
			return Dependency{}, false, p.errorf(append(segs[:len(segs):len(segs)], "version"), "%v", err)
		}
	}
	if len(alts) == 1 {
		b.WriteString(alts[0])
	}
	var markers []string
	if py := str("python"); py != "" {
		m, err := pythonMarker(py)
		if err != nil {
			return Dependency{}, false, p.errorf(append(segs[:len(segs):len(segs)], "python"), "%v", err)
		}
		if m != "" {
			markers = append(markers, m)
		}
	}
	if pl := str("platform"); pl != "" {
		markers = append(markers, fmt.Sprintf("sys_platform == %q", pl))
	}
	if m := str("markers"); m != "" {
		markers = append(markers, "("+m+")")
	}
	if optional {
		var extras []string
		for _, ex := range slices.Sorted(maps.Keys(po.Extras)) {
			for _, pkg := range po.Extras[ex] {
				if pep508.NormalizeName(pkg) == pep508.NormalizeName(name) {
					extras = append(extras, fmt.Sprintf("extra == %q", ex))
				}
			}
		}
		if len(extras) > 0 {
			markers = append(markers, "("+strings.Join(extras, " or ")+")")
		}
	}
	marker := strings.Join(markers, " and ")
	raw := b.String()
	if url != "" {
		raw += " @ " + url
		if marker != "" {
			raw += " "
		}
	}
	if marker != "" {
		raw += " ; " + marker
	}
	d := Dependency{Raw: raw, Origin: p.origin(segs...)}
	if len(alts) > 1 {
		d.Alternatives = alts
	}
	req, err := pep508.ParseRequirement(raw)
	if err != nil && url != "" && str("path") != "" {
		// A relative path is not a PEP 508 URL; keep it as the URL anyway.
		noURL := b.String()
		if marker != "" {
			noURL += " ; " + marker
		}
		req, err = pep508.ParseRequirement(noURL)
		req.URL = url
	}
	if err != nil {
		return d, false, fmt.Errorf("%s: %v", d.Origin, err)
	}
	d.Req = req
	return d, optional, nil
}

var altSep = regexp.MustCompile(`\|\|?`)

var opSpace = regexp.MustCompile(`(>=|<=|!=|==|~=|>|<|=|\^|~)\s+`)

// PoetryConstraint translates a Poetry version constraint to PEP 440
// specifier sets, one per "||" alternative, exactly as Poetry defines them:
//
//	^1.2.3 -> >=1.2.3,<2.0.0    ~1.2.3 -> >=1.2.3,<1.3.0
//	^0.2.3 -> >=0.2.3,<0.3.0    ~1.2   -> >=1.2,<1.3
//	^0.0.3 -> >=0.0.3,<0.0.4    ~1     -> >=1,<2
//	^0     -> >=0,<1            1.2.*  -> ==1.2.*
//	1.2    -> ==1.2             *      -> (no constraint: "")
//
// Comparison clauses (>=, <, !=, ~=, ...) pass through; clauses separated by
// commas or spaces are all required.
func PoetryConstraint(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "*" {
		return []string{""}, nil
	}
	var alts []string
	for _, alt := range altSep.Split(s, -1) {
		alt = opSpace.ReplaceAllString(strings.TrimSpace(alt), "$1")
		var specs []string
		for _, c := range strings.FieldsFunc(alt, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			out, err := poetryClause(c)
			if err != nil {
				return nil, err
			}
			specs = append(specs, out...)
		}
		alts = append(alts, strings.Join(specs, ","))
	}
	return alts, nil
}

var releaseRE = regexp.MustCompile(`^v?(\d+(?:\.\d+)*)`)

func poetryClause(c string) ([]string, error) {
	switch {
	case c == "*" || c == "":
		return nil, nil
	case strings.HasPrefix(c, "^"):
		v := c[1:]
		rel, err := release(v, c)
		if err != nil {
			return nil, err
		}
		i := 0
		for i < len(rel)-1 && rel[i] == 0 {
			i++
		}
		return []string{">=" + v, "<" + bump(rel, i)}, nil
	case strings.HasPrefix(c, "~="):
		return []string{c}, nil
	case strings.HasPrefix(c, "~"):
		v := c[1:]
		rel, err := release(v, c)
		if err != nil {
			return nil, err
		}
		i := 1
		if len(rel) == 1 {
			i = 0
		}
		return []string{">=" + v, "<" + bump(rel, i)}, nil
	case strings.HasPrefix(c, "==="):
		return []string{c}, nil
	case strings.HasPrefix(c, ">=") || strings.HasPrefix(c, "<=") || strings.HasPrefix(c, "!=") || strings.HasPrefix(c, "=="):
		return []string{c}, nil
	case strings.HasPrefix(c, ">") || strings.HasPrefix(c, "<"):
		return []string{c}, nil
	case strings.HasPrefix(c, "="):
		return []string{"=" + c}, nil
	}
	if c[0] < '0' || c[0] > '9' {
		return nil, fmt.Errorf("expected a version, ^, ~, * or a comparison operator in Poetry constraint %q", c)
	}
	return []string{"==" + c}, nil
}

// release returns the numeric release components of v.
func release(v, clause string) ([]int, error) {
	m := releaseRE.FindStringSubmatch(v)
	if m == nil {
		return nil, fmt.Errorf("expected a version after %q in Poetry constraint %q", clause[:1], clause)
	}
	var rel []int
	for _, part := range strings.Split(m[1], ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			return nil, fmt.Errorf("version component %q out of range in Poetry constraint %q", part, clause)
		}
		rel = append(rel, n)
	}
	return rel, nil
}

// bump increments component i of rel, zeroes the ones after it and keeps
// the precision of rel.
func bump(rel []int, i int) string {
	parts := make([]string, len(rel))
	for j := range rel {
		switch {
		case j < i:
			parts[j] = strconv.Itoa(rel[j])
		case j == i:
			parts[j] = strconv.Itoa(rel[j] + 1)
		default:
			parts[j] = "0"
		}
	}
	return strings.Join(parts, ".")
}

// pythonMarker turns a Poetry python constraint into a marker on
// python_version (python_full_version for three-component versions).
func pythonMarker(c string) (string, error) {
	alts, err := PoetryConstraint(c)
	if err != nil {
		return "", err
	}
	var ors []string
	for _, alt := range alts {
		if alt == "" {
			return "", nil
		}
		var ands []string
		for _, spec := range strings.Split(alt, ",") {
			i := strings.IndexFunc(spec, func(r rune) bool { return r >= '0' && r <= '9' })
			if i <= 0 {
				return "", fmt.Errorf("expected an operator and a version in python constraint %q", c)
			}
			op, v := spec[:i], spec[i:]
			variable := "python_version"
			if strings.Count(strings.TrimSuffix(v, ".*"), ".") >= 2 {
				variable = "python_full_version"
			}
			ands = append(ands, fmt.Sprintf("%s %s %q", variable, op, v))
		}
		ors = append(ors, strings.Join(ands, " and "))
	}
	if len(ors) == 1 {
		return ors[0], nil
	}
	return "(" + strings.Join(ors, ") or (") + ")", nil
}
