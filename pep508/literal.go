package pep508

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// unquote evaluates a quoted marker string as packaging does, with
// ast.literal_eval: the token is a Python string literal (not raw), so
// backslash escapes are processed. A raw newline or NUL, a dangling
// backslash and a malformed \x, \u or \U escape are errors, as they are
// SyntaxErrors in Python. \N{name} escapes are not supported (Python would
// look the name up in the Unicode database); a lone surrogate from \uD800
// becomes U+FFFD.
func unquote(tok string) (string, error) {
	body := tok[1 : len(tok)-1]
	if strings.IndexByte(body, '\\') < 0 {
		if strings.ContainsAny(body, "\n\r\x00") {
			return "", errRawNewline(body)
		}
		return body, nil
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); {
		c := body[i]
		switch c {
		case '\n', '\r', 0:
			return "", errRawNewline(body)
		case '\\':
		default:
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(body) {
			return "", errors.New("unterminated string: backslash before closing quote")
		}
		e := body[i+1]
		i += 2
		switch e {
		case '\n':
		case '\r':
			if i < len(body) && body[i] == '\n' {
				i++
			}
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := rune(e - '0')
			for k := 0; k < 2 && i < len(body) && '0' <= body[i] && body[i] <= '7'; k++ {
				v = v*8 + rune(body[i]-'0')
				i++
			}
			b.WriteRune(v)
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if len(body)-i < n {
				return "", errors.New(`truncated \` + string(e) + ` escape in quoted string`)
			}
			var v rune
			for _, h := range []byte(body[i : i+n]) {
				d := hexVal(h)
				if d < 0 {
					return "", errors.New(`truncated \` + string(e) + ` escape in quoted string`)
				}
				v = v*16 + rune(d)
			}
			if v > utf8.MaxRune {
				return "", errors.New(`illegal Unicode character in \U escape`)
			}
			i += n
			b.WriteRune(v)
		case 'N':
			return "", errors.New(`unsupported \N{...} escape in quoted string`)
		default:
			// Python keeps an unknown escape as written (with a warning).
			b.WriteByte('\\')
			i--
		}
	}
	return b.String(), nil
}

func errRawNewline(body string) error {
	if strings.IndexByte(body, 0) >= 0 {
		return errors.New("NUL character in quoted string")
	}
	return errors.New("newline in quoted string")
}

func hexVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
