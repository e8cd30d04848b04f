package pep440

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/zgpu/zgpu/internal/redact"
)

// SyntaxError reports text that is not a valid version or specifier.
type SyntaxError struct {
	Input  string // the text being parsed
	Column int    // 1-based column (in runes) where parsing went wrong
	Msg    string // what was expected or why the text is invalid
}

// Error returns "pep440: <msg> at column <n> in <input>"; a long input is
// quoted only around the column.
func (e *SyntaxError) Error() string {
	in := e.Input
	if len(in) > 2*redact.Window {
		r := []rune(in)
		off := len(string(r[:min(e.Column-1, len(r))]))
		in = redact.Around(in, off)
	}
	return fmt.Sprintf("pep440: %s at column %d in %q", e.Msg, e.Column, in)
}

// syntaxErr builds a SyntaxError for input with the problem at byte offset off.
func syntaxErr(input string, off int, msg string) *SyntaxError {
	if off > len(input) {
		off = len(input)
	}
	return &SyntaxError{Input: input, Column: utf8.RuneCountInString(input[:off]) + 1, Msg: msg}
}

// Parse parses a PEP 440 version, accepting exactly what packaging's
// Version accepts. Errors are *SyntaxError.
func Parse(s string) (Version, error) {
	i, j := trimSpace(s)
	v, off, msg := parseCore(s[i:j])
	if msg != "" {
		return Version{}, syntaxErr(s, i+off, msg)
	}
	return v, nil
}

// isSpace reports whether r is whitespace to Python (str.isspace, re's \s).
func isSpace(r rune) bool {
	switch {
	case r <= 0x20:
		return r == ' ' || (r >= '\t' && r <= '\r') || (r >= 0x1c && r <= 0x1f)
	case r < 0x85:
		return false
	}
	switch r {
	case 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// trimSpace returns the bounds of s without leading and trailing Python
// whitespace.
func trimSpace(s string) (i, j int) {
	j = len(s)
	for i < j {
		c := s[i]
		if c < utf8.RuneSelf {
			if !isSpace(rune(c)) {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isSpace(r) {
			break
		}
		i += n
	}
	for j > i {
		c := s[j-1]
		if c < utf8.RuneSelf {
			if !isSpace(rune(c)) {
				break
			}
			j--
			continue
		}
		r, n := utf8.DecodeLastRuneInString(s[i:j])
		if !isSpace(r) {
			break
		}
		j -= n
	}
	return i, j
}

// hasSpace reports whether s holds Python whitespace.
func hasSpace(s string) bool {
	for _, r := range s {
		if isSpace(r) {
			return true
		}
	}
	return false
}

func isSep(c byte) bool { return c == '.' || c == '-' || c == '_' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// matchWord matches word (lowercase ASCII) at s[i:] case-insensitively, with
// Python's extra folds: U+0130 and U+0131 match "i", U+017F "s", U+212A "k".
// It returns the end offset, or -1, and the last non-ASCII rune used (0 if
// none).
func matchWord(s string, i int, word string) (end int, odd rune) {
	for k := 0; k < len(word); k++ {
		if i >= len(s) {
			return -1, 0
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c|0x20 != word[k] || !(c|0x20 >= 'a' && c|0x20 <= 'z') {
				return -1, 0
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if foldASCII(r) != word[k] {
			return -1, 0
		}
		odd = r
		i += n
	}
	return i, odd
}

// foldASCII returns the ASCII letter a non-ASCII rune matches under
// re.IGNORECASE, or 0.
func foldASCII(r rune) byte {
	switch r {
	case 0x130, 0x131:
		return 'i'
	case 0x17f:
		return 's'
	case 0x212a:
		return 'k'
	}
	return 0
}

// digits returns the end of the run of ASCII digits at s[i:].
func digits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// number converts the digits s[i:j] to an int; ok is false on overflow.
func number(s string, i, j int) (n int, ok bool) {
	for i < j-1 && s[i] == '0' {
		i++
	}
	if j-i > 19 || (j-i == 19 && s[i:j] > "9223372036854775807") {
		return 0, false
	}
	return atoi(s[i:j]), true
}

// label is a spelling of a pre, post or dev label and its kind.
type label struct {
	word string
	kind uint8
}

// The labels in the order packaging's regular expression tries them.
var (
	preWords = [...]label{
		{"alpha", preA}, {"a", preA}, {"beta", preB}, {"b", preB},
		{"preview", preRC}, {"pre", preRC}, {"c", preRC}, {"rc", preRC},
	}
	postWords = [...]label{{"post", postPost}, {"rev", postPost}, {"r", postPost}}
	devWords  = [...]label{{"dev", 1}}
)

// segment matches [-_.]label[-_.][N] at s[i:], trying words in order. It
// returns the label, the non-ASCII rune its spelling used (0 if none), the
// number (0 when absent) and the end offset; end is i when nothing matched.
// On overflow msg is set and end is the offset of the number.
func segment(s string, i int, words []label) (w label, odd rune, n, end int, msg string) {
	k := i
	if k < len(s) && isSep(s[k]) {
		k++
	}
	for _, w = range words {
		e, odd := matchWord(s, k, w.word)
		if e < 0 {
			continue
		}
		if e < len(s) && isSep(s[e]) {
			e++
		}
		d := digits(s, e)
		n, ok := number(s, e, d)
		if !ok {
			return w, odd, 0, e, "number too large"
		}
		return w, odd, n, d, ""
	}
	return label{}, 0, 0, i, ""
}

// parseCore parses a version with no surrounding whitespace. On failure it
// returns the byte offset and what was expected.
func parseCore(s string) (v Version, off int, msg string) {
	i := 0
	if i < len(s) && (s[i] == 'v' || s[i] == 'V') {
		i++
	}
	if i >= len(s) || !isDigit(s[i]) {
		return v, i, "expected release number"
	}
	j := digits(s, i)
	if j < len(s) && s[j] == '!' {
		n, ok := number(s, i, j)
		if !ok {
			return v, i, "number too large"
		}
		v.epoch = n
		i = j + 1
		if i >= len(s) || !isDigit(s[i]) {
			return v, i, "expected release number after epoch"
		}
	}

	// Release: N(.N)*, trailing zero numbers counted apart.
	start := i
	nonzeroEnd := start
	badEnd := -1 // end of the first number written with leading zeros
	zeros := int32(0)
	for {
		j := digits(s, i)
		if _, ok := number(s, i, j); !ok {
			return v, i, "number too large"
		}
		if j-i > 1 && s[i] == '0' && badEnd < 0 {
			badEnd = j
		}
		zero := true
		for k := i; k < j; k++ {
			if s[k] != '0' {
				zero = false
				break
			}
		}
		if zero {
			zeros++
		} else {
			zeros = 0
			nonzeroEnd = j
		}
		i = j
		if i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
			i++
			continue
		}
		break
	}
	clean := badEnd < 0 || badEnd > nonzeroEnd
	if clean {
		v.rel = s[start:nonzeroEnd]
	} else {
		v.rel = normRelease(s[start:nonzeroEnd])
	}
	v.zeros = zeros
	if i == len(s) {
		return v, 0, ""
	}

	// Pre-release, post-release (-N or a label), development release.
	if w, odd, n, end, msg := segment(s, i, preWords[:]); msg != "" {
		return v, end, msg
	} else if end > i {
		v.preL, v.pre, i = w.kind, n, end
		if odd == 0x130 {
			v.preL = preDotI
		} else if odd == 0x131 {
			v.preL = preDotless
		}
	}
	if i+1 < len(s) && s[i] == '-' && isDigit(s[i+1]) {
		e := digits(s, i+1)
		n, ok := number(s, i+1, e)
		if !ok {
			return v, i + 1, "number too large"
		}
		v.postL, v.post, i = postPost, n, e
	} else if _, odd, n, end, msg := segment(s, i, postWords[:]); msg != "" {
		return v, end, msg
	} else if end > i {
		v.postL, v.post, i = postPost, n, end
		if odd == 0x17f {
			v.postL = postLong
		}
	}
	if _, _, n, end, msg := segment(s, i, devWords[:]); msg != "" {
		return v, end, msg
	} else if end > i {
		v.dev1, v.dev, i = true, n, end
	}

	// Local label.
	if i < len(s) && s[i] == '+' {
		loc, off, msg := parseLocal(s, i+1)
		if msg != "" {
			return Version{}, off, msg
		}
		v.local = loc
		i = len(s)
	}
	if i < len(s) {
		return Version{}, i, "expected end of version"
	}
	return v, 0, ""
}

// normRelease removes leading zeros from the numbers of a dotted release.
func normRelease(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for s != "" {
		c, rest := nextComp(s)
		for len(c) > 1 && c[0] == '0' {
			c = c[1:]
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(c)
		s = rest
	}
	return b.String()
}

// localRune reports whether the rune at s[i:] may appear in a local label,
// and its size.
func localRune(s string, i int) (ok bool, n int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z'), 1
	}
	// Packaging 24.1 also took the non-ASCII letters re.IGNORECASE folds
	// onto ASCII ones (U+212A KELVIN SIGN for "k"...); packaging 26 rejects
	// them in a local label, and so does this package.
	_, n = utf8.DecodeRuneInString(s[i:])
	return false, n
}

// parseLocal parses the local label at s[i:] to the end of s and returns
// its normalized form: lowercase, '.' separators, numbers without leading
// zeros. It returns a substring of s when s is already normalized.
func parseLocal(s string, i int) (string, int, string) {
	start := i
	clean := true
	segStart := i
	for {
		if i >= len(s) {
			return "", i, "expected local version segment"
		}
		if ok, _ := localRune(s, i); !ok {
			return "", i, "expected local version segment"
		}
		for i < len(s) {
			ok, n := localRune(s, i)
			if !ok {
				break
			}
			if s[i] >= 'A' && s[i] <= 'Z' {
				clean = false // lowercased
			}
			i += n
		}
		if i-segStart > 1 && s[segStart] == '0' && isDigits(s[segStart:i]) {
			clean = false // leading zeros dropped
		}
		if i >= len(s) {
			break
		}
		if !isSep(s[i]) {
			return "", i, "expected local version separator or end"
		}
		if s[i] != '.' {
			clean = false
		}
		i++
		segStart = i
	}
	if clean {
		return s[start:], 0, ""
	}
	var b strings.Builder
	b.Grow(len(s) - start + 4)
	seg := make([]byte, 0, 16)
	flush := func() {
		if isDigits(string(seg)) {
			for len(seg) > 1 && seg[0] == '0' {
				seg = seg[1:]
			}
		}
		b.Write(seg)
		seg = seg[:0]
	}
	for k := start; k < len(s); {
		c := s[k]
		if isSep(c) {
			flush()
			b.WriteByte('.')
			k++
			continue
		}
		if c >= 'A' && c <= 'Z' {
			c |= 0x20
		}
		seg = append(seg, c) // ASCII only: localRune refused the rest
		k++
	}
	flush()
	return b.String(), 0, ""
}
