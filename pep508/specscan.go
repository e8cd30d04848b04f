package pep508

import "unicode/utf8"

// This file matches packaging's SPECIFIER token: Specifier's operator and
// version regular expressions (re.VERBOSE|re.IGNORECASE), unanchored. The
// regular expression is an ordered alternation; every part after the release
// segment is optional, so the first path that reaches the release segment is
// the match, and the only backtracking that matters is across operators.

// specOps lists the operator alternatives in packaging's order.
var specOps = [...]string{"~=", "==", "!=", "<=", ">=", "<", ">", "==="}

// matchSpecifier matches one version specifier at i and returns the end of
// the match and the end of its operator, or -1.
func matchSpecifier(s string, i int) (end, opEnd int) {
	for _, op := range specOps {
		if len(s)-i < len(op) || s[i:i+len(op)] != op {
			continue
		}
		j := i + len(op)
		var e int
		switch op {
		case "===":
			e = matchArbitrary(s, j)
		case "==", "!=":
			e = matchVersion(s, j, true, false)
		case "~=":
			e = matchVersion(s, j, false, true)
		default:
			e = matchVersion(s, j, false, false)
		}
		if e >= 0 {
			return e, j
		}
	}
	return -1, -1
}

// matchArbitrary matches \s*[^\s;)]* after ===.
func matchArbitrary(s string, i int) int {
	i = skipSpace(s, i)
	for i < len(s) {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if r == ';' || r == ')' || isSpace(r) {
			break
		}
		i += n
	}
	return i
}

// fold returns the lowercase ASCII letter that r matches under Python's
// re.IGNORECASE, or r itself. Besides ASCII, sre folds the Kelvin sign to k,
// dotted capital I and dotless i to i, and long s to s.
func fold(s string, i int) (rune, int) {
	if i >= len(s) {
		return -1, 0
	}
	c := s[i]
	if c < utf8.RuneSelf {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		return rune(c), 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	switch r {
	case 0x212a:
		r = 'k'
	case 0x130, 0x131:
		r = 'i'
	case 0x17f:
		r = 's'
	}
	return r, n
}

// matchWordFold matches word (lowercase ASCII) case-insensitively at i.
func matchWordFold(s string, i int, word string) int {
	for k := 0; k < len(word); k++ {
		r, n := fold(s, i)
		if r != rune(word[k]) {
			return -1
		}
		i += n
	}
	return i
}

func isSep(s string, i int) bool {
	return i < len(s) && (s[i] == '-' || s[i] == '_' || s[i] == '.')
}

func skipDigits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// matchVersion matches the version part of a PEP 440 specifier after its
// operator: \s* v? epoch? release, then .* (wildcard and local allowed only
// for == and !=), or pre, post, dev and local segments. compat requires two
// release components, as ~= does.
func matchVersion(s string, i int, eq, compat bool) int {
	i = skipSpace(s, i)
	if r, n := fold(s, i); r == 'v' {
		i += n
	}
	if !(i < len(s) && isDigit(s[i])) {
		return -1
	}
	if j := skipDigits(s, i); j < len(s) && s[j] == '!' && j+1 < len(s) && isDigit(s[j+1]) {
		i = j + 1
	}
	i = skipDigits(s, i)
	parts := 1
	for i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
		i = skipDigits(s, i+1)
		parts++
	}
	if compat && parts < 2 {
		return -1
	}
	if eq && i+1 < len(s) && s[i] == '.' && s[i+1] == '*' {
		return i + 2
	}
	i = matchPre(s, i)
	i = matchPost(s, i)
	i = matchDev(s, i)
	if eq {
		i = matchLocal(s, i, true)
	}
	return i
}

var preWords = [...]string{"alpha", "beta", "preview", "pre", "a", "b", "c", "rc"}

// matchPre matches an optional [-_.]?(alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*.
func matchPre(s string, i int) int {
	j := i
	if isSep(s, j) {
		j++
	}
	for _, w := range preWords {
		if k := matchWordFold(s, j, w); k >= 0 {
			if isSep(s, k) {
				k++
			}
			return skipDigits(s, k)
		}
	}
	return i
}

// matchPost matches an optional (?:-[0-9]+)|(?:[-_.]?(post|rev|r)[-_.]?[0-9]*).
func matchPost(s string, i int) int {
	if i+1 < len(s) && s[i] == '-' && isDigit(s[i+1]) {
		return skipDigits(s, i+1)
	}
	j := i
	if isSep(s, j) {
		j++
	}
	for _, w := range [...]string{"post", "rev", "r"} {
		if k := matchWordFold(s, j, w); k >= 0 {
			if isSep(s, k) {
				k++
			}
			return skipDigits(s, k)
		}
	}
	return i
}

// matchDev matches an optional [-_.]?dev[-_.]?[0-9]*.
func matchDev(s string, i int) int {
	j := i
	if isSep(s, j) {
		j++
	}
	if k := matchWordFold(s, j, "dev"); k >= 0 {
		if isSep(s, k) {
			k++
		}
		return skipDigits(s, k)
	}
	return i
}

// matchLocal matches an optional \+[a-z0-9]+(?:[-_.][a-z0-9]+)*, ignoring
// case when fold is set.
func matchLocal(s string, i int, foldCase bool) int {
	alnum := func(j int) int {
		var r rune
		var n int
		if foldCase {
			r, n = fold(s, j)
		} else if j < len(s) {
			r, n = rune(s[j]), 1
		}
		if '0' <= r && r <= '9' || 'a' <= r && r <= 'z' {
			return j + n
		}
		return -1
	}
	run := func(j int) int {
		k := alnum(j)
		if k < 0 {
			return -1
		}
		for {
			m := alnum(k)
			if m < 0 {
				return k
			}
			k = m
		}
	}
	if i >= len(s) || s[i] != '+' {
		return i
	}
	j := run(i + 1)
	if j < 0 {
		return i
	}
	for isSep(s, j) {
		k := run(j + 1)
		if k < 0 {
			break
		}
		j = k
	}
	return j
}
