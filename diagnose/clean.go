package diagnose

import (
	"bytes"
	"github.com/zgpu/zgpu/internal/lazyre"
	"strings"
)

// maxLineLen caps the length of a cleaned line: a minified JSON blob or a
// progress bar thousands of characters long says nothing a diagnosis needs,
// and capping keeps the work per line bounded.
const maxLineLen = 4096

// line is one cleaned line of a log.
type line struct {
	n    int    // 1-based line number in the log as given
	text string // without ANSI codes, build-step prefix, timestamp, trailing blanks
}

// splitLines cuts a log into cleaned lines. Line numbers count '\n'
// separators, so that "line 12" is what an editor shows; a '\r' inside a line
// is a terminal overwrite (a progress bar) and only the text after the last one
// is kept.
func splitLines(log []byte) []line {
	var out []line
	n := 0
	for len(log) > 0 {
		n++
		var raw []byte
		if i := bytes.IndexByte(log, '\n'); i >= 0 {
			raw, log = log[:i], log[i+1:]
		} else {
			raw, log = log, nil
		}
		raw = bytes.TrimRight(raw, "\r")
		if i := bytes.LastIndexByte(raw, '\r'); i >= 0 {
			raw = raw[i+1:]
		}
		if len(raw) > maxLineLen {
			raw = raw[:maxLineLen]
		}
		text := cleanLine(raw)
		if text == "" {
			continue
		}
		out = append(out, line{n: n, text: text})
	}
	return out
}

// buildkitPrefix matches a BuildKit plain-progress prefix: "#12 34.56 ".
var buildkitPrefix = lazyre.New(`^#\d+ \d+\.\d+ `)

// timestampPrefix matches an RFC 3339 timestamp the Space log viewer and
// docker logs --timestamps put in front of each line.
var timestampPrefix = lazyre.New(`^\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\]?\s+`)

// cleanLine removes ANSI escape sequences, control characters, a BuildKit
// step prefix, a timestamp and the "--> " marker of the Space builder, and
// trims blanks at both ends.
func cleanLine(raw []byte) string {
	s := stripANSI(raw)
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "#") {
		if loc := buildkitPrefix().FindStringIndex(s); loc != nil {
			s = s[loc[1]:]
		}
	}
	if len(s) > 10 && s[0] >= '0' && s[0] <= '9' || strings.HasPrefix(s, "[") {
		if loc := timestampPrefix().FindStringIndex(s); loc != nil {
			s = s[loc[1]:]
		}
	}
	s = strings.TrimPrefix(s, "--> ")
	return strings.TrimSpace(s)
}

// stripANSI drops CSI sequences (ESC '[' ... final byte), OSC sequences
// (ESC ']' ... BEL or ESC '\'), two-byte escapes and other C0 control
// characters except tab. Invalid UTF-8 is kept as is.
func stripANSI(b []byte) string {
	if bytes.IndexFunc(b, isControl) < 0 {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == 0x1b {
			i = skipEscape(b, i)
			continue
		}
		if c < 0x20 && c != '\t' || c == 0x7f {
			continue
		}
		sb.WriteByte(c)
	}
	return sb.String()
}

func isControl(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }

// skipEscape returns the index of the last byte of the escape sequence that
// starts at b[i] (an ESC).
func skipEscape(b []byte, i int) int {
	if i+1 >= len(b) {
		return i
	}
	switch b[i+1] {
	case '[':
		j := i + 2
		for j < len(b) && (b[j] < 0x40 || b[j] > 0x7e) {
			j++
		}
		if j >= len(b) {
			return len(b) - 1
		}
		return j
	case ']':
		for j := i + 2; j < len(b); j++ {
			if b[j] == 0x07 {
				return j
			}
			if b[j] == 0x1b && j+1 < len(b) && b[j+1] == '\\' {
				return j + 1
			}
		}
		return len(b) - 1
	}
	return i + 1
}

// excerpt shortens a line for a report: at most 240 bytes, cut at a rune
// boundary, with "…" when cut.
func excerpt(s string) string {
	const max = 240
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(b byte) bool { return b&0xc0 != 0x80 }
