// Package redact hides credentials and neutralises terminal control
// characters in text zgpu prints, writes to logs or stores in its cache.
//
// A URL's userinfo is shown as pip shows it: "user:****@" when it has a
// password, "****@" when it is a single field (a token given as the user
// name). A userinfo made only of ${VAR} placeholders (pip's environment
// variable syntax, https://user:${TOKEN}@host) names a secret without
// holding it and is kept as written.
package redact

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mask replaces a secret.
const Mask = "****"

// placeholder matches a userinfo field made only of ${VAR} references.
var placeholder = regexp.MustCompile(`^(\$\{[A-Za-z_][A-Za-z0-9_]*\})+$`)

// userinfo returns the redacted form of a raw userinfo (still escaped as it
// appeared in the URL).
func userinfo(raw string) string {
	user, pass, hasPass := strings.Cut(raw, ":")
	if placeholder.MatchString(user) && (!hasPass || placeholder.MatchString(pass)) {
		return raw
	}
	if !hasPass {
		return Mask
	}
	if placeholder.MatchString(pass) {
		return raw
	}
	return user + ":" + Mask
}

// URL returns raw with its userinfo redacted (a URL is redacted as any
// text is, so that one that does not parse is redacted too).
func URL(raw string) string { return Text(raw) }

// secretAssign matches an assignment to a variable whose name says it
// holds a secret (HF_TOKEN=..., PASSWORD=...), as in an environment dump.
var secretAssign = regexp.MustCompile(`(?i)\b([A-Z0-9_]*(?:TOKEN|PASSWORD|PASSWD|SECRET|API_KEY)(?:_[A-Z0-9_]*)?=)[^\s\x00"'=][^\s\x00"']*`)

// secretVars are the environment variables whose values Text masks
// wherever they appear: the tokens zgpu and the tools around it read.
var secretVars = []string{"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "GITHUB_TOKEN", "GH_TOKEN", "PIP_PASSWORD", "UV_INDEX_PASSWORD", "TWINE_PASSWORD"}

// envSecrets returns the values (8 characters or more) of secretVars.
func envSecrets() []string {
	var out []string
	for _, k := range secretVars {
		if v := os.Getenv(k); len(v) >= 8 && !placeholder.MatchString(v) {
			out = append(out, v)
		}
	}
	return out
}

// Text rewrites the userinfo of every "scheme://userinfo@" in s, masks
// the values of secret-named assignments (HF_TOKEN=...) and of the
// environment's secret-named variables.
func Text(s string) string {
	for _, v := range envSecrets() {
		s = strings.ReplaceAll(s, v, Mask)
	}
	if strings.Contains(s, "=") {
		s = secretAssign.ReplaceAllString(s, "${1}"+Mask)
	}
	if !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+3])
		s = s[i+3:]
		end := strings.IndexAny(s, "/?# \t\r\n\"'<>")
		if end < 0 {
			end = len(s)
		}
		if at := strings.LastIndexByte(s[:end], '@'); at >= 0 && sshUser(b.String(), s[:at]) {
			b.WriteString(s[:at])
			b.WriteByte('@')
			s = s[at+1:]
		} else if at >= 0 {
			b.WriteString(userinfo(s[:at]))
			b.WriteByte('@')
			s = s[at+1:]
		}
	}
}

// sshUser reports whether raw, the userinfo of a URL whose text so far
// (up to "://") is before, is an SSH user name alone (git+ssh://git@host):
// SSH authenticates with keys, and the user name is no secret.
func sshUser(before, raw string) bool {
	scheme := strings.TrimSuffix(before, "://")
	i := len(scheme)
	for i > 0 && (isAlnum(scheme[i-1]) || strings.IndexByte("+-.", scheme[i-1]) >= 0) {
		i--
	}
	scheme = strings.ToLower(scheme[i:])
	return (scheme == "ssh" || strings.HasSuffix(scheme, "+ssh")) && !strings.Contains(raw, ":")
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Window is how many characters of a quoted input an error shows.
const Window = 80

// Quote returns s for quoting in an error message: redacted, control
// characters escaped, and cut to Window characters with "..." when longer.
func Quote(s string) string {
	s = Text(s)
	if utf8.RuneCountInString(s) > Window {
		r := []rune(s)
		s = string(r[:Window]) + "..."
	}
	return Terminal(s)
}

// Around returns s for quoting in an error about byte offset off: the
// whole of s when it is at most 2*Window characters, else the Window
// characters on each side of off with "..." where text was cut; redacted
// either way (the caller quotes it, which escapes control characters).
func Around(s string, off int) string {
	if off < 0 {
		off = 0
	}
	if off > len(s) {
		off = len(s)
	}
	if utf8.RuneCountInString(s) <= 2*Window {
		return Text(s)
	}
	start, end := off, off
	for n := 0; n < Window && start > 0; n++ {
		_, size := utf8.DecodeLastRuneInString(s[:start])
		start -= size
	}
	for n := 0; n < Window && end < len(s); n++ {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
	}
	out := Text(s[start:end])
	if start > 0 {
		out = "..." + out
	}
	if end < len(s) {
		out += "..."
	}
	return out
}

// Terminal escapes the C0 and C1 control characters of s (ESC, BEL,
// carriage return...) other than tab and newline, and invalid UTF-8, so
// that printing s cannot move the cursor, change colours or retitle the
// terminal. An escaped byte reads \x1b; a rune \u009b.
func Terminal(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || (unicode.IsControl(r) && r != '\t' && r != '\n') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			b.WriteString(`\x` + hex2(s[i]))
		case r < 0x80 && unicode.IsControl(r) && r != '\t' && r != '\n':
			b.WriteString(`\x` + hex2(byte(r)))
		case unicode.IsControl(r) && r != '\t' && r != '\n':
			b.WriteString(`\u` + strconv.FormatUint(uint64(r)|0x10000, 16)[1:])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}
