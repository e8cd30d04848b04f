package pep508

import (
	"math/rand/v2"
	"strings"
)

// gen produces requirement and marker strings, valid and invalid, for the
// differential test: pieces of real-world shapes joined with odd
// whitespace, then sometimes mutated one character at a time.
type gen struct {
	r     *rand.Rand
	clean bool // generate only well-formed pieces (for the current string)
}

func newGen(seed uint64) *gen { return &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) chance(p float64) bool    { return g.r.Float64() < p }

func (g *gen) ws() string { return g.pick("", "", "", " ", " ", "  ", "\t", " \t") }

var genNames = []string{
	"torch", "Flash_Attn", "flash-attn", "a", "A.b-c_d", "x1", "9lives", "numpy",
	"foo-", "foo.", "foo_", "-bad", "_x", ".x", "ab--cd", "Pillow", "zope.interface",
	"na me", "é", "fooé", "x\u00b2", "spaces", "scikit_learn", "A__B..C",
}

func (g *gen) name() string {
	if g.clean {
		return g.pick("torch", "Flash_Attn", "flash-attn", "a", "A.b-c_d", "x1", "9lives", "numpy", "zope.interface", "scikit_learn")
	}
	if g.chance(0.3) {
		const alpha = "abcXYZ019._-"
		n := 1 + g.r.IntN(6)
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteByte(alpha[g.r.IntN(len(alpha))])
		}
		return b.String()
	}
	return g.pick(genNames...)
}

func (g *gen) extras() string {
	n := 10
	if g.clean {
		n = 7
	}
	switch g.r.IntN(n) {
	case 0, 1, 2, 3:
		return ""
	case 4:
		return "[" + g.ws() + "]"
	case 5:
		return "[" + g.ws() + g.pick("a", "B_c", "dev", "cu128") + g.ws() + "]"
	case 6:
		return "[" + g.pick("a", "b") + g.ws() + "," + g.ws() + g.pick("a", "B_c", "c.d", "A") + g.ws() + "]"
	case 7:
		return g.pick("[a b]", "[a,", "[a", "[,a]", "[a,]", "[a,,b]", "[é]", "[a-]", "[a]]", "[[a]")
	default:
		return "[" + g.ws() + g.name() + g.ws() + "," + g.ws() + g.name() + "]"
	}
}

var genOps = []string{"==", "!=", ">=", "<=", ">", "<", "~=", "===", "=", "=>", "~", "<>", "=<", "== =", "!"}

var genVersions = []string{
	"1", "1.0", "2.8.0", "1.0.*", "1.0a1", "1.0.post1", "1.0.dev0", "1.0+local", "1.0+LOCAL",
	"v1.0", "V2", "1!2.0", "1.0rc1", "1.0-1", "foo", "", "1.0-", "1.*", "1.0preview2", "1.0pre",
	"1.0c", "1.0.POST", "1.0_dev", "1.0+a.b-c", "1.0+", "2.8.0+cu128", "1.0.*.*", "1.0a1.*",
	"1!", "3.10", "1.0.post.dev", "1.0-r", "1.0a.r", "1.0.0.0.0", "01.02", "1.0+abc.", "1.0;",
	"2.8.0+cu128torch2.8", "1.0)", "1.0,2.0", "1.0 ", " 1.0",
}

func (g *gen) specifier() string {
	if g.clean {
		op := g.pick("==", "!=", ">=", "<=", ">", "<", "~=", "===")
		v := g.pick("1.0", "2.8.0", "1!2.0", "1.0rc1", "v1.0", "1.0.post1", "1.0.dev0", "3.10")
		if op == "==" || op == "!=" {
			v = g.pick(v, "1.0.*", "2.8.0+cu128", "1.0+LOCAL")
		}
		return op + g.ws() + v
	}
	return g.pick(genOps...) + g.ws() + g.pick(genVersions...)
}

func (g *gen) specifiers() string {
	n := g.r.IntN(4)
	var parts []string
	for i := 0; i < n; i++ {
		parts = append(parts, g.specifier())
	}
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += g.ws() + g.pick(",", ",", ",", ", ,", "") + g.ws()
		}
		s += p
	}
	if g.chance(0.1) {
		s += g.ws() + ","
	}
	switch g.r.IntN(5) {
	case 0:
		return "(" + g.ws() + s + g.ws() + ")"
	case 1:
		if g.clean {
			return "(" + s + ")"
		}
		return "(" + s + g.pick("", ")", "]", " )")
	}
	return s
}

func (g *gen) url() string {
	if g.clean {
		return "@" + g.ws() + g.pick("https://x.org/p-1.0-py3-none-any.whl", "git+https://g.com/a/b@v1#egg=b", "file:///tmp/a.whl")
	}
	return "@" + g.ws() + g.pick("https://x.org/p-1.0-py3-none-any.whl", "git+https://g.com/a/b@v1#egg=b",
		"file:///tmp/a.whl", "https://x/y;z", "", "https://h/a.whl#sha256=ab", "./local")
}

var genVariables = []string{
	"python_version", "python_full_version", "os_name", "os.name", "sys_platform", "sys.platform",
	"platform_release", "platform_system", "platform_version", "platform.version", "platform_machine",
	"platform.machine", "platform_python_implementation", "platform.python_implementation",
	"python_implementation", "implementation_name", "implementation_version", "extra",
	"platform.release", "python_versions", "Extra", "extra_", "os-name",
}

var genValues = []string{
	"3.8", "3.10", "3.12", "3.12.12", "2.7", "3", "3.10.0rc1", "3.13", "3.*", "3.12.*",
	"linux", "win32", "darwin", "posix", "nt", "CPython", "cpython", "PyPy", "x86_64", "aarch64",
	"Linux", "Windows", "test", "Test_Extra", "dev", "cu128", "foo.bar", "Foo__Bar",
	"=3.8", " 3.8 ", "<3", "", "a,b", "1.0+local", "6.1.0", "5.15", "python_version", "extra",
	"\\x41", "\\n", "a\\tb", "\\'", "\\\"", "\\\\", "\\101", "\\u00e9", "\\U0001F600", "\\x4", "\\q",
	"é", "3.8\\", "\\N{DASH}", "a\nb", "=== 1", "~=3.8", ">3", "3.8 and", "x86",
}

func (g *gen) value() string {
	v := g.pick(genValues...)
	q := g.pick(`"`, `'`)
	if strings.Contains(v, q) && !strings.Contains(v, `\`+q) {
		q = map[string]string{`"`: `'`, `'`: `"`}[q]
	}
	return q + v + q
}

func (g *gen) operand() string {
	if g.chance(0.55) {
		return g.variable()
	}
	return g.value()
}

func (g *gen) variable() string {
	if g.clean {
		return g.pick(genVariables[:18]...)
	}
	return g.pick(genVariables...)
}

// cleanValue is a value of the kind real markers compare a variable with.
func (g *gen) cleanValue(variable string) string {
	var v string
	switch variable {
	case "python_version", "python_full_version", "implementation_version", "platform_release":
		v = g.pick("3.8", "3.10", "3.12", "3.12.12", "2.7", "3", "3.13.0rc1", "3.*", "3.12.*", "6.1", "5", "3.10.13")
	case "extra":
		v = g.pick("test", "Test_Extra", "dev", "cu128", "foo.bar", "Foo__Bar", "")
	default:
		v = g.pick("linux", "win32", "darwin", "posix", "nt", "CPython", "cpython", "PyPy", "x86_64", "aarch64",
			"Linux", "Windows", "#1 SMP", "lin", "x86")
	}
	q := g.pick(`"`, `'`)
	return q + v + q
}

var genMarkerOps = []string{
	"==", "!=", ">=", "<=", ">", "<", "~=", "===", "in", "not in", "not  in", "not\tin",
	"=", "notin", "<>", "in", "==", ">=", "<",
}

func (g *gen) item() string {
	ws := func() string { return g.pick("", " ", " ", " ", "  ", "\t") }
	if g.clean {
		v := g.variable()
		op := g.pick("==", "!=", ">=", "<=", ">", "<", "~=", "===", "in", "not in", "==", ">=", "<")
		if g.chance(0.2) {
			return g.cleanValue(v) + " " + op + " " + v
		}
		return v + ws() + op + ws() + g.cleanValue(v)
	}
	op := g.pick(genMarkerOps...)
	sep := ws()
	if strings.HasPrefix(op, "in") || strings.HasPrefix(op, "not") {
		sep = g.pick(" ", " ", " ", "")
	}
	return g.operand() + sep + op + sep + g.operand()
}

func (g *gen) marker(depth int) string {
	n := 1 + g.r.IntN(3)
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(g.pick(" ", " ", "  ", "\t", ""))
			if g.clean {
				b.WriteString(g.pick("and", "or"))
			} else {
				b.WriteString(g.pick("and", "or", "and", "or", "AND", "&&"))
			}
			b.WriteString(g.pick(" ", " ", "  ", "\t", ""))
		}
		if depth > 0 && g.chance(0.3) {
			inner := g.marker(depth - 1)
			switch g.r.IntN(8) {
			case 0:
				b.WriteString("((" + inner + "))")
			case 1:
				if g.clean {
					b.WriteString("(" + inner + ")")
					break
				}
				b.WriteString("(" + inner)
			default:
				b.WriteString("(" + g.ws() + inner + g.ws() + ")")
			}
		} else {
			b.WriteString(g.item())
		}
	}
	return b.String()
}

func (g *gen) requirement() string {
	g.clean = g.chance(0.6)
	s := g.ws() + g.name() + g.ws() + g.extras() + g.ws()
	hasURL := g.chance(0.2)
	if hasURL {
		s += g.url()
	} else {
		s += g.specifiers()
	}
	if g.chance(0.5) {
		sep := g.ws()
		if hasURL {
			sep = g.pick(" ", " ", "\t", "")
		}
		semi := ";"
		if !g.clean {
			semi = g.pick(";", ";", ";", ",", "")
		}
		s += sep + semi + g.ws() + g.marker(2)
	}
	if g.clean {
		return s + g.pick("", "", " ", "\n", "\t")
	}
	s += g.pick("", "", "", "", " ", "\n", "\t", " x", "#c", "\n\n")
	return g.mutate(s)
}

// mutate sometimes inserts, deletes or replaces one character.
func (g *gen) mutate(s string) string {
	if !g.chance(0.5) || s == "" {
		return s
	}
	const alphabet = "()[],;@=<>!~*.+-_ \t\"'\nabzAZ09\\é"
	rs := []rune(s)
	i := g.r.IntN(len(rs))
	c := []rune(alphabet)[g.r.IntN(len([]rune(alphabet)))]
	switch g.r.IntN(3) {
	case 0:
		rs = append(rs[:i], append([]rune{c}, rs[i:]...)...)
	case 1:
		rs = append(rs[:i], rs[i+1:]...)
	default:
		rs[i] = c
	}
	return string(rs)
}

func (g *gen) markerString() string {
	g.clean = g.chance(0.6)
	if g.clean {
		return g.ws() + g.marker(3) + g.pick("", "", " ", "\n")
	}
	return g.mutate(g.ws() + g.marker(3) + g.pick("", "", "", " ", "\n", "\t", " x", ")"))
}

// env returns a complete marker environment with varied values.
func (g *gen) env() map[string]string {
	py := g.pick("3.8.10", "3.10.13", "3.12.12", "3.13.0", "2.7.18", "3.12.0rc1")
	e := LinuxEnv(py)
	if g.chance(0.3) {
		e["sys_platform"] = g.pick("win32", "darwin", "linux2")
		e["os_name"] = g.pick("nt", "posix")
		e["platform_system"] = g.pick("Windows", "Darwin")
	}
	if g.chance(0.3) {
		e["platform_machine"] = g.pick("aarch64", "AMD64", "arm64")
	}
	if g.chance(0.3) {
		e["platform_release"] = g.pick("5.15.0-1057-aws", "6.1.0", "10")
	}
	if g.chance(0.2) {
		e["platform_python_implementation"] = "PyPy"
		e["implementation_name"] = "pypy"
		e["implementation_version"] = "7.3.13"
	}
	e["extra"] = g.pick("", "", "test", "Test_Extra", "cu128", "foo.bar", "dev")
	return e
}
