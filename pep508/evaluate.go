package pep508

import (
	"strings"
	"unicode/utf8"

	"github.com/zgpu/zgpu/pep440"
)

// compiled is a comparison's right-hand side prepared once: whether
// op+rhs is a PEP 440 specifier, and if so its operator, version and
// parsed form.
type compiled struct {
	isSpec  bool
	op      string // the specifier's operator
	version string // the specifier's version, stripped
	spec    pep440.Specifier
	specErr error
}

// compileList prepares every comparison whose right-hand side is known
// before evaluation (the left side is a variable), in one allocation.
func compileList(list []node) {
	n := countCompilable(list)
	if n == 0 {
		return
	}
	cs := make([]compiled, 0, n)
	compileInto(list, &cs)
}

func compileInto(list []node, cs *[]compiled) {
	for i := range list {
		switch n := &list[i]; n.kind {
		case nodeItem:
			if n.lhs.isVar {
				rhs := n.rhs.value
				if n.lhs.value == "extra" {
					rhs = NormalizeName(rhs)
				}
				*cs = append(*cs, compileCmp(n.op, rhs))
				n.cmp = &(*cs)[len(*cs)-1]
			}
		case nodeGroup:
			compileInto(n.group, cs)
		}
	}
}

func countCompilable(list []node) int {
	c := 0
	for i := range list {
		switch n := &list[i]; n.kind {
		case nodeItem:
			if n.lhs.isVar {
				c++
			}
		case nodeGroup:
			c += countCompilable(n.group)
		}
	}
	return c
}

// compileCmp does the first half of packaging's _eval_op: it tries to read
// op+rhs as a single PEP 440 specifier (so `python_version < "=3"` is the
// specifier "<=3", as in packaging).
func compileCmp(op, rhs string) compiled {
	if op == "in" || op == "not in" {
		return compiled{}
	}
	var c compiled
	if rhs != "" && strings.IndexByte("=<>~!", rhs[0]) < 0 {
		// The value cannot extend the operator: match its version part
		// alone and avoid building op+rhs.
		end := -1
		switch op {
		case "===":
			end = matchArbitrary(rhs, 0)
		case "==", "!=":
			end = matchVersion(rhs, 0, true, false)
		case "~=":
			end = matchVersion(rhs, 0, false, true)
		default:
			end = matchVersion(rhs, 0, false, false)
		}
		if end < 0 || skipSpace(rhs, end) != len(rhs) {
			return compiled{}
		}
		c = compiled{isSpec: true, op: op, version: trimSpace(rhs[:end])}
	} else {
		spec := op + rhs
		end, opEnd := matchSpecifier(spec, 0)
		if end < 0 || skipSpace(spec, end) != len(spec) {
			return compiled{}
		}
		c = compiled{isSpec: true, op: spec[:opEnd], version: trimSpace(spec[opEnd:end])}
	}
	if c.op != "===" {
		c.spec, c.specErr = pep440.ParseSpecifier(c.op + c.version)
	}
	return c
}

// trimSpace strips Python whitespace from both ends, as str.strip does.
func trimSpace(s string) string {
	return strings.TrimFunc(s, isSpace)
}

// Evaluate reports whether the marker holds in env, a map from PEP 508
// variable names (and "extra") to values. A missing "extra" is "", as in
// packaging. When packaging would raise (a variable missing from env, a
// version comparison whose left side is not a version, ~= or === between
// non-versions), Evaluate returns false; EvaluateErr returns the error. A nil
// Marker holds everywhere.
func (m *Marker) Evaluate(env map[string]string) bool {
	ok, err := m.EvaluateErr(env)
	return ok && err == nil
}

// EvaluateErr evaluates the marker in env as packaging's Marker.evaluate
// does: every comparison is evaluated in order (no short-circuit), and the
// first one packaging would raise on is returned as an *EvalError.
func (m *Marker) EvaluateErr(env map[string]string) (bool, error) {
	if m == nil {
		return true, nil
	}
	return evalList(m.list, environ{m: env})
}

// EvaluateExtras reports whether the marker holds in env for at least one of
// extras, or with extra "" when extras is empty, as pip evaluates a
// dependency's marker for a requested set of extras. Errors count as false.
func (m *Marker) EvaluateExtras(env map[string]string, extras []string) bool {
	if m == nil {
		return true
	}
	if len(extras) == 0 {
		ok, err := evalList(m.list, environ{m: env, extra: "", setExtra: true})
		return ok && err == nil
	}
	for _, x := range extras {
		if ok, err := evalList(m.list, environ{m: env, extra: x, setExtra: true}); ok && err == nil {
			return true
		}
	}
	return false
}

// environ is a marker environment: a map, optionally with extra overridden.
type environ struct {
	m        map[string]string
	extra    string
	setExtra bool
}

// lookup returns the value of key; a missing extra is "", as packaging's
// evaluate fills it in. A python_full_version ending in "+" (what CPython
// builds from an untagged checkout report, "3.13.0+") gets "local"
// appended, as packaging 26 repairs it, so that it compares as its release.
func (e environ) lookup(key string) (string, error) {
	if key == "extra" && e.setExtra {
		return e.extra, nil
	}
	if v, ok := e.m[key]; ok {
		if key == "python_full_version" && strings.HasSuffix(v, "+") {
			v += "local"
		}
		return v, nil
	}
	if key == "extra" {
		return "", nil
	}
	return "", undefinedName(key)
}

// evalList is packaging's _evaluate_markers: "and" binds tighter than "or".
func evalList(list []node, env environ) (bool, error) {
	anyGroup, all := false, true
	for i := range list {
		n := &list[i]
		var v bool
		var err error
		switch n.kind {
		case nodeItem:
			v, err = evalItem(n, env)
		case nodeGroup:
			v, err = evalList(n.group, env)
		case nodeOr:
			anyGroup = anyGroup || all
			all = true
			continue
		default:
			continue
		}
		if err != nil {
			return false, err
		}
		all = all && v
	}
	return anyGroup || all, nil
}

// evalItem evaluates one comparison. As in packaging, when the left side is
// a variable the right side is taken literally (a variable on the right then
// stands for its own name); otherwise the right side's text is looked up in
// the environment.
func evalItem(n *node, env environ) (bool, error) {
	var lhs, rhs, key string
	var err error
	if n.lhs.isVar {
		key = n.lhs.value
		if lhs, err = env.lookup(key); err != nil {
			return false, err
		}
		rhs = n.rhs.value
	} else {
		lhs = n.lhs.value
		key = n.rhs.value
		if rhs, err = env.lookup(key); err != nil {
			return false, err
		}
	}
	if key == "extra" {
		lhs, rhs = NormalizeName(lhs), NormalizeName(rhs)
	}
	if n.cmp != nil {
		return evalCompiled(n.cmp, n.op, lhs, rhs)
	}
	c := compileCmp(n.op, rhs)
	return evalCompiled(&c, n.op, lhs, rhs)
}

// evalCompiled is the second half of packaging's _eval_op.
func evalCompiled(c *compiled, op, lhs, rhs string) (bool, error) {
	if c.isSpec {
		v, err := pep440.Parse(lhs)
		if err != nil {
			return false, invalidVersion(op, lhs, rhs, err)
		}
		if c.op == "===" {
			return pyLower(v.String()) == pyLower(c.version), nil
		}
		if c.specErr != nil {
			return false, &EvalError{Op: op, LHS: lhs, RHS: rhs, Msg: c.specErr.Error()}
		}
		return c.spec.Contains(v, true), nil
	}
	switch op {
	case "in":
		return strings.Contains(rhs, lhs), nil
	case "not in":
		return !strings.Contains(rhs, lhs), nil
	case "<":
		return lhs < rhs, nil
	case "<=":
		return lhs <= rhs, nil
	case "==":
		return lhs == rhs, nil
	case "!=":
		return lhs != rhs, nil
	case ">=":
		return lhs >= rhs, nil
	case ">":
		return lhs > rhs, nil
	}
	return false, undefinedComparison(op, lhs, rhs)
}

// pyLower lowercases like Python's str.lower for the cases that differ from
// Go's simple mapping and matter here (U+0130 becomes "i̇").
func pyLower(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.ToLower(strings.ReplaceAll(s, "\u0130", "i\u0307"))
		}
	}
	return strings.ToLower(s)
}

// LinuxEnv returns the marker environment of CPython pythonFull (e.g.
// "3.12.12") on Linux x86_64, as packaging's default_environment reports it
// there. Assumptions: platform_release is "6.1.0" and platform_version is
// "#1 SMP PREEMPT_DYNAMIC" (the build machine's kernel is not known; a real
// release such as "5.15.0-1057-aws" is not a PEP 440 version, which would make
// version comparisons on it fail). implementation_version spells a
// pre-release as sys.implementation.version does: "3.13.0rc1" becomes
// "3.13.0c1". "extra" is not set (Evaluate reads a missing extra as "").
func LinuxEnv(pythonFull string) map[string]string {
	short := pythonFull
	if i := strings.IndexByte(pythonFull, '.'); i >= 0 {
		if j := strings.IndexByte(pythonFull[i+1:], '.'); j >= 0 {
			short = pythonFull[:i+1+j]
		}
	}
	impl := pythonFull
	if i := strings.Index(impl, "rc"); i >= 0 {
		impl = impl[:i] + "c" + impl[i+2:]
	}
	return map[string]string{
		"implementation_name":            "cpython",
		"implementation_version":         impl,
		"os_name":                        "posix",
		"platform_machine":               "x86_64",
		"platform_python_implementation": "CPython",
		"platform_release":               "6.1.0",
		"platform_system":                "Linux",
		"platform_version":               "#1 SMP PREEMPT_DYNAMIC",
		"python_full_version":            pythonFull,
		"python_version":                 short,
		"sys_platform":                   "linux",
	}
}
