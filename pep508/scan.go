package pep508

import (
	"unicode"
	"unicode/utf8"
)

// This file holds the lexical rules of packaging's tokenizer, written as
// hand-made matchers instead of regular expressions. Each matcher reports the
// end offset of the token that packaging's regular expression would match at
// a byte offset, or -1. Python's re module decides \b and \s with Unicode
// character classes; isWord and isSpace follow it.

// isWord reports whether r is a word character for Python's \b on str
// patterns: an alphanumeric (str.isalnum) or the underscore.
func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// isSpace reports whether r is whitespace for Python's \s on str patterns and
// for str.strip (Py_UNICODE_ISSPACE).
func isSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f, ' ',
		0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return 0x2000 <= r && r <= 0x200a
}

// boundary reports whether Python's \b holds at byte offset i of s.
func boundary(s string, i int) bool {
	before, after := false, false
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		before = isWord(r)
	}
	if i < len(s) {
		r, _ := utf8.DecodeRuneInString(s[i:])
		after = isWord(r)
	}
	return before != after
}

// atEnd reports whether Python's $ matches at i: at the end of s or before
// a final newline.
func atEnd(s string, i int) bool {
	return i == len(s) || i == len(s)-1 && s[i] == '\n'
}

// skipWS skips packaging's WS token, [ \t]+.
func skipWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// skipSpace skips Python's \s*.
func skipSpace(s string, i int) int {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if !isSpace(rune(c)) {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isSpace(r) {
			return i
		}
		i += n
	}
	return i
}

// matchIdentifier matches \b[a-zA-Z0-9][a-zA-Z0-9._-]*\b, backing off to the
// longest prefix that ends at a word boundary.
func matchIdentifier(s string, i int) int {
	if i >= len(s) || !isAlnumASCII(s[i]) || !boundary(s, i) {
		return -1
	}
	j := i + 1
	for j < len(s) && (isAlnumASCII(s[j]) || s[j] == '.' || s[j] == '_' || s[j] == '-') {
		j++
	}
	for ; j > i; j-- {
		if boundary(s, j) {
			return j
		}
	}
	return -1
}

func isAlnumASCII(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// variables lists the marker variables in the order of packaging's VARIABLE
// alternation, with the canonical name each one stands for.
var variables = [...]struct{ text, name string }{
	{"python_version", "python_version"},
	{"python_full_version", "python_full_version"},
	{"os_name", "os_name"},
	{"os.name", "os_name"},
	{"sys_platform", "sys_platform"},
	{"sys.platform", "sys_platform"},
	{"platform_release", "platform_release"},
	{"platform_system", "platform_system"},
	{"platform_version", "platform_version"},
	{"platform.version", "platform_version"},
	{"platform_machine", "platform_machine"},
	{"platform.machine", "platform_machine"},
	{"platform_python_implementation", "platform_python_implementation"},
	{"platform.python_implementation", "platform_python_implementation"},
	{"python_implementation", "platform_python_implementation"},
	{"implementation_name", "implementation_name"},
	{"implementation_version", "implementation_version"},
	{"extra", "extra"},
}

// matchVariable matches a marker variable between word boundaries and returns
// its end and canonical name (dots replaced, python_implementation aliased).
func matchVariable(s string, i int) (int, string) {
	if i >= len(s) || !boundary(s, i) {
		return -1, ""
	}
	for _, v := range variables {
		if len(s)-i >= len(v.text) && s[i:i+len(v.text)] == v.text && boundary(s, i+len(v.text)) {
			return i + len(v.text), v.name
		}
	}
	return -1, ""
}

// matchKeyword matches \bword\b.
func matchKeyword(s string, i int, word string) int {
	if len(s)-i < len(word) || s[i:i+len(word)] != word || !boundary(s, i) || !boundary(s, i+len(word)) {
		return -1
	}
	return i + len(word)
}

// matchBoolOp matches \b(or|and)\b.
func matchBoolOp(s string, i int) (int, string) {
	if j := matchKeyword(s, i, "or"); j >= 0 {
		return j, "or"
	}
	if j := matchKeyword(s, i, "and"); j >= 0 {
		return j, "and"
	}
	return -1, ""
}

// matchMarkerOp matches (===|==|~=|!=|<=|>=|<|>).
func matchMarkerOp(s string, i int) int {
	for _, op := range [...]string{"===", "==", "~=", "!=", "<=", ">=", "<", ">"} {
		if len(s)-i >= len(op) && s[i:i+len(op)] == op {
			return i + len(op)
		}
	}
	return -1
}

// matchQuoted matches '[^']*' or "[^"]*".
func matchQuoted(s string, i int) int {
	if i >= len(s) || s[i] != '\'' && s[i] != '"' {
		return -1
	}
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		if s[j] == q {
			return j + 1
		}
	}
	return -1
}

// matchURL matches [^ \t]+.
func matchURL(s string, i int) int {
	j := i
	for j < len(s) && s[j] != ' ' && s[j] != '\t' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// matchLocalTrail matches \+[a-z0-9]+(?:[-_\.][a-z0-9]+)*, case-sensitive as
// packaging's VERSION_LOCAL_LABEL_TRAIL.
func matchLocalTrail(s string, i int) bool {
	lower := func(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' }
	return i+1 < len(s) && s[i] == '+' && lower(s[i+1])
}
