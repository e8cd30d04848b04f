package pep440

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// gen produces version and specifier texts for the differential test:
// mostly valid spellings in every normalization variant packaging knows,
// some mutated into near-misses. Numbers come from a small range so that
// generated versions and specifiers meet each other often.
type gen struct{ r *rand.Rand }

func newGen(seed uint64) *gen { return &gen{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// num returns a decimal number, sometimes with leading zeros, rarely large.
func (g *gen) num() string {
	var n string
	switch {
	case g.chance(0.03):
		n = strconv.FormatUint(g.r.Uint64N(1<<62), 10)
	case g.chance(0.1):
		n = strconv.Itoa(g.r.IntN(30))
	default:
		n = strconv.Itoa(g.r.IntN(3))
	}
	if g.chance(0.07) {
		n = strings.Repeat("0", 1+g.r.IntN(2)) + n
	}
	return n
}

func (g *gen) sep() string { return g.pick("", "", "", ".", "-", "_") }

// randCase upper-cases some ASCII letters of s.
func (g *gen) randCase(s string) string {
	if !g.chance(0.15) {
		return s
	}
	b := []byte(s)
	for i := range b {
		if b[i] >= 'a' && b[i] <= 'z' && g.chance(0.5) {
			b[i] -= 'a' - 'A'
		}
	}
	return string(b)
}

func (g *gen) space() string {
	if !g.chance(0.08) {
		return ""
	}
	return g.pick(" ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\x1c", "\u2028", "\u200b", "\v")
}

// release returns 1 to 4 dotted numbers.
func (g *gen) release(min int) string {
	n := min + g.r.IntN(4)
	if n > 4 {
		n = 4
	}
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.num()
	}
	return strings.Join(parts, ".")
}

// core returns a version without surrounding whitespace; minRel is the
// least number of release numbers, local whether a local label may come.
func (g *gen) core(minRel int, suffixes, local bool) string {
	var b strings.Builder
	if g.chance(0.1) {
		b.WriteString(g.pick("v", "V"))
	}
	if g.chance(0.1) {
		b.WriteString(g.pick("1", "0", "2", "01") + "!")
	}
	b.WriteString(g.release(minRel))
	if suffixes && g.chance(0.35) {
		b.WriteString(g.sep())
		label := g.pick("a", "b", "rc", "c", "alpha", "beta", "pre", "preview", "a", "b", "rc")
		if g.chance(0.02) {
			label = g.pick("prev\u0131ew", "prev\u0130ew", "PREVIEW")
		}
		b.WriteString(g.randCase(label))
		b.WriteString(g.sep())
		if g.chance(0.8) {
			b.WriteString(g.num())
		}
	}
	if suffixes && g.chance(0.25) {
		if g.chance(0.2) {
			b.WriteString("-" + g.num())
		} else {
			b.WriteString(g.sep())
			label := g.pick("post", "rev", "r", "post")
			if g.chance(0.03) {
				label = "po\u017ft"
			}
			b.WriteString(g.randCase(label))
			b.WriteString(g.sep())
			if g.chance(0.8) {
				b.WriteString(g.num())
			}
		}
	}
	if suffixes && g.chance(0.25) {
		b.WriteString(g.sep())
		b.WriteString(g.randCase("dev"))
		b.WriteString(g.sep())
		if g.chance(0.8) {
			b.WriteString(g.num())
		}
	}
	if local && g.chance(0.2) {
		b.WriteString("+")
		n := 1 + g.r.IntN(3)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(g.pick(".", ".", "-", "_"))
			}
			seg := g.pick("cu128", "cu126", "cpu", "abc", "1", "01", "2", "a1", "torch2.8", "ubuntu", "0", "x")
			if g.chance(0.03) {
				seg = g.pick("\u212a", "\u017f", "\u0131x", "\u0130", "Kx")
			}
			b.WriteString(g.randCase(seg))
		}
	}
	return b.String()
}

const mutationAlphabet = ".-_+!*v0123aAbcrdepost ~=<>,;)\u0131\u017f\u212a\u00e9"

// mutate inserts, deletes or replaces one character.
func (g *gen) mutate(s string) string {
	rs := []rune(s)
	alpha := []rune(mutationAlphabet)
	i := g.r.IntN(len(rs) + 1)
	c := alpha[g.r.IntN(len(alpha))]
	switch g.r.IntN(3) {
	case 0:
		rs = append(rs[:i], append([]rune{c}, rs[i:]...)...)
	case 1:
		if i < len(rs) {
			rs = append(rs[:i], rs[i+1:]...)
		}
	default:
		if i < len(rs) {
			rs[i] = c
		}
	}
	return string(rs)
}

// version returns a version text, valid most of the time.
func (g *gen) version() string {
	s := g.space() + g.core(1, true, true) + g.space()
	if g.chance(0.12) {
		s = g.mutate(s)
	}
	if g.chance(0.01) {
		s = g.pick("", " ", "v", "1.", ".1", "1..2", "1.0+", "1.0+a..b", "1.0-", "1!", "!1", "1.0.*", "1_0", "1.0a1a1", "1.0.post1.post2", "1e3", "٣")
	}
	return s
}

var operators = []string{"==", "!=", "<=", ">=", "<", ">", "~=", "===", "==", ">=", "<"}

// specifier returns one specifier text.
func (g *gen) specifier() string {
	op := g.pick(operators...)
	if g.chance(0.02) {
		op = g.pick("=", "=>", "~", "<<", "!", "", "====", "<>")
	}
	var ver string
	switch {
	case op == "===" && g.chance(0.4):
		ver = g.pick("foo", "1.0", "1.0.0", "1.0+CU128", "Foo-Bar", "", "1.0;", "=1.0", "1.0\u0130", "\u212a")
	case (op == "==" || op == "!=") && g.chance(0.3):
		ver = g.core(1, false, false) + ".*"
	case op == "~=":
		ver = g.core(2, true, false)
	default:
		ver = g.core(1, true, op == "==" || op == "!=" || g.chance(0.03))
	}
	if g.chance(0.04) {
		ver = g.core(1, true, true) + ".*"
	}
	s := g.space() + op + g.pick("", "", "", " ") + ver + g.space()
	if g.chance(0.05) {
		s = g.mutate(s)
	}
	return s
}

// set returns a specifier set text of zero to three items.
func (g *gen) set() string {
	n := g.r.IntN(4)
	if g.chance(0.05) {
		return g.pick("", " ", ",", " , ,")
	}
	items := make([]string, n)
	for i := range items {
		items[i] = g.specifier()
		if g.chance(0.05) {
			items[i] = ""
		}
	}
	return strings.Join(items, g.pick(",", ", ", " ,"))
}
