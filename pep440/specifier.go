package pep440

import (
	"strings"
	"unicode/utf8"
)

// Operator codes, cached in a parsed Specifier.
const (
	opNone uint8 = iota
	opCompatible
	opEqual
	opNotEqual
	opLessEqual
	opGreaterEqual
	opLess
	opGreater
	opArbitrary
	opInvalid
)

// matchOp returns the operator at the start of s, as packaging's regular
// expression picks it: it tries "===" last, but no version can start with
// '=', so the longest operator always wins.
func matchOp(s string) (string, uint8) {
	if len(s) < 2 {
		switch s {
		case "<":
			return "<", opLess
		case ">":
			return ">", opGreater
		}
		return "", opNone
	}
	eq := s[1] == '='
	switch s[0] {
	case '=':
		if eq && len(s) > 2 && s[2] == '=' {
			return "===", opArbitrary
		}
		if eq {
			return "==", opEqual
		}
	case '~':
		if eq {
			return "~=", opCompatible
		}
	case '!':
		if eq {
			return "!=", opNotEqual
		}
	case '<':
		if eq {
			return "<=", opLessEqual
		}
		return "<", opLess
	case '>':
		if eq {
			return ">=", opGreaterEqual
		}
		return ">", opGreater
	}
	return "", opNone
}

// Specifier is one version clause such as ">=2.8" or "==2.8.*". Op is the
// operator; Version is the version text exactly as written (without
// surrounding whitespace), which is how packaging keeps and prints it.
//
// ParseSpecifier fills hidden fields that make Contains fast; a Specifier
// built as a literal works too (it is parsed on every call) and is invalid,
// containing nothing, when Op+Version does not parse to the same Op and
// Version.
type Specifier struct {
	Op      string
	Version string
	c       specCache
}

// specCache is what ParseSpecifier derives from Op and Version.
type specCache struct {
	op     uint8
	vok    bool    // v holds Version parsed (always, except for === with non-version text)
	wild   bool    // ==X.* or !=X.*: v holds the prefix X
	pfxOK  bool    // ~=: pfx holds the prefix of the implied ==P.* (pure release)
	v      Version // the parsed Version text
	pfx    release
	pfxRaw string // ~=: normalized prefix when it is not a pure release (slow path)
}

// ParseSpecifier parses one specifier, accepting exactly what packaging's
// Specifier accepts. Errors are *SyntaxError.
func ParseSpecifier(s string) (Specifier, error) {
	sp, err := parseSpecifier(s, 0, len(s))
	if err != nil {
		return Specifier{}, err
	}
	return sp, nil
}

// parseSpecifier parses full[from:to] as one specifier; errors point into full.
func parseSpecifier(full string, from, to int) (Specifier, *SyntaxError) {
	i, j := trimSpace(full[from:to])
	i, j = from+i, from+j
	var sp Specifier
	op, code := matchOp(full[i:j])
	sp.Op = op
	if code == opNone {
		return Specifier{}, syntaxErr(full, i, "expected operator (~=, ==, !=, <=, >=, <, >, ===)")
	}
	k := i + len(sp.Op)
	for k < j {
		r, n := utf8.DecodeRuneInString(full[k:j])
		if !isSpace(r) {
			break
		}
		k += n
	}
	ver := full[k:j]
	sp.Version = ver
	sp.c.op = code
	if code == opArbitrary {
		for off, r := range ver {
			if r == ';' || r == ')' || isSpace(r) {
				return Specifier{}, syntaxErr(full, k+off, "expected end of arbitrary version (no whitespace, ';' or ')')")
			}
		}
		if v, _, msg := parseCore(ver); msg == "" {
			sp.c.v, sp.c.vok = v, true
		}
		return sp, nil
	}
	if ver == "" {
		return Specifier{}, syntaxErr(full, k, "expected version after "+sp.Op)
	}
	if strings.HasSuffix(ver, ".*") {
		if code != opEqual && code != opNotEqual {
			return Specifier{}, syntaxErr(full, j-2, "'.*' allowed only with == and !=")
		}
		v, off, msg := parseCore(ver[:len(ver)-2])
		if msg != "" {
			return Specifier{}, syntaxErr(full, k+off, msg)
		}
		if v.preL != preNone || v.postL != postNone || v.dev1 || v.local != "" {
			return Specifier{}, syntaxErr(full, j-2, "'.*' must follow the release numbers directly")
		}
		sp.c.v, sp.c.vok, sp.c.wild = v, true, true
		return sp, nil
	}
	v, off, msg := parseCore(ver)
	if msg != "" {
		return Specifier{}, syntaxErr(full, k+off, msg)
	}
	if v.local != "" && code != opEqual && code != opNotEqual {
		return Specifier{}, syntaxErr(full, k+strings.IndexByte(ver, '+'), "local version label allowed only with == and !=")
	}
	sp.c.v, sp.c.vok = v, true
	if code == opCompatible {
		if v.relLen() < 2 {
			return Specifier{}, syntaxErr(full, k, "~= needs at least two release numbers")
		}
		sp.c.pfxRaw = compatiblePrefix(ver)
		if p, _, msg := parseCore(sp.c.pfxRaw); msg == "" && p.preL == preNone && p.postL == postNone && !p.dev1 && p.local == "" {
			sp.c.pfx, sp.c.pfxOK, sp.c.pfxRaw = p.release(), true, ""
		} else if msg == "" {
			sp.c.pfxRaw = string(p.appendTo(nil, true, false))
		}
	}
	return sp, nil
}

// compatiblePrefix returns the version P of the ==P.* that ~=V implies,
// computed on the text of V as packaging does (epoch, then the dotted items
// up to the first suffix item, less the last one).
func compatiblePrefix(raw string) string {
	items := versionSplit(raw)
	n := 0
	for n < len(items) && !isSuffixItem(items[n]) {
		n++
	}
	if n > 0 {
		n--
	}
	items = items[:n]
	if len(items) == 0 {
		return "!"
	}
	return items[0] + "!" + strings.Join(items[1:], ".")
}

// isSuffixItem is packaging's test for a pre, post or dev item.
func isSuffixItem(s string) bool {
	for _, p := range [...]string{"dev", "a", "b", "rc", "post"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// versionSplit splits a version text into its epoch ("0" when absent) and
// dotted items, splitting an item like "4rc1" into "4" and "rc1".
func versionSplit(s string) []string {
	epoch, rest := "0", s
	if i := strings.LastIndexByte(s, '!'); i >= 0 {
		epoch, rest = s[:i], s[i+1:]
		if epoch == "" {
			epoch = "0"
		}
	}
	out := []string{epoch}
	for _, item := range strings.Split(rest, ".") {
		if d := digits(item, 0); d > 0 && d < len(item) {
			suf := item[d:]
			lab := 0
			if strings.HasPrefix(suf, "rc") {
				lab = 2
			} else if suf[0] == 'a' || suf[0] == 'b' || suf[0] == 'c' {
				lab = 1
			}
			if lab > 0 && len(suf) > lab && digits(suf, lab) == len(suf) {
				out = append(out, item[:d], suf)
				continue
			}
		}
		out = append(out, item)
	}
	return out
}

// String returns Op followed by Version.
func (s Specifier) String() string { return s.Op + s.Version }

// Equal reports whether s and t have the same Op and Version text.
func (s Specifier) Equal(t Specifier) bool { return s.Op == t.Op && s.Version == t.Version }

// ready returns s with its cache filled.
func (s Specifier) ready() Specifier {
	if s.c.op != opNone {
		return s
	}
	p, err := ParseSpecifier(s.Op + s.Version)
	if err != nil || p.Op != s.Op || p.Version != s.Version {
		s.c.op = opInvalid
		return s
	}
	return p
}

// Contains reports whether v satisfies s, as packaging's
// Specifier.contains(v, prereleases). With prereleases false a pre-release
// or development release never matches.
func (s Specifier) Contains(v Version, prereleases bool) bool {
	if v.IsZero() || (!prereleases && v.IsPrerelease()) {
		return false
	}
	if s.c.op == opNone {
		s = s.ready()
	}
	return s.match(v)
}

// match applies the operator of a ready specifier, ignoring the
// pre-release switch.
func (s *Specifier) match(v Version) bool {
	c := &s.c
	switch c.op {
	case opEqual, opNotEqual:
		var eq, ok bool
		switch {
		case c.wild:
			eq, ok = prefixMatch(v, c.v.release()), true
		case c.v.local != "":
			eq, ok = v.Compare(c.v) == 0, true
		default:
			var p Version
			if p, ok = reparsePublic(v); ok {
				eq = p.Compare(c.v) == 0
			}
		}
		return ok && eq == (c.op == opEqual)
	case opLessEqual:
		p, ok := reparsePublic(v)
		return ok && p.Compare(c.v) <= 0
	case opGreaterEqual:
		p, ok := reparsePublic(v)
		return ok && p.Compare(c.v) >= 0
	case opLess:
		if v.Compare(c.v) >= 0 {
			return false
		}
		return c.v.IsPrerelease() || !v.IsPrerelease() || !sameBase(v, c.v)
	case opGreater:
		if v.Compare(c.v) <= 0 {
			return false
		}
		if !c.v.IsPostrelease() && v.IsPostrelease() && sameBase(v, c.v) {
			return false
		}
		return v.local == "" || !sameBase(v, c.v)
	case opCompatible:
		p, ok := reparsePublic(v)
		if !ok || p.Compare(c.v) < 0 {
			return false
		}
		if c.pfxOK {
			return prefixMatch(v, c.pfx)
		}
		return prefixMatchSlow(v, c.pfxRaw)
	case opArbitrary:
		return arbitraryMatch(v, s.Version)
	}
	return false
}

// reparsePublic is packaging's Version(v.public): the local label goes, a
// "poſt" label becomes "post", and a label spelled with U+0130 fails to
// parse again (ok false; packaging raises InvalidVersion).
func reparsePublic(v Version) (Version, bool) {
	if v.preL == preDotI {
		return Version{}, false
	}
	v.local = ""
	if v.postL == postLong {
		v.postL = postPost
	}
	return v, true
}

// sameBase reports whether v and w have equal epochs and releases.
func sameBase(v, w Version) bool {
	return v.epoch == w.epoch && v.rel == w.rel
}
