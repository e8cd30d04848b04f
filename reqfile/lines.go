package reqfile

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// A logicalLine is one line after pip's preprocessing: continuations joined,
// comments removed, surrounding whitespace stripped and ${VAR} expanded. Its
// spans map byte offsets in text back to the file.
type logicalLine struct {
	text  string
	line  int // first physical line, 1-based
	spans []span
}

// A span maps text[off:] to a physical position. When fixed is set, every
// byte of the span maps to the same position (an expanded variable).
type span struct {
	off   int
	line  int
	col   int
	fixed bool
}

// pos returns the 1-based physical line and column of byte offset off.
func (l *logicalLine) pos(off int) (line, col int) {
	if len(l.spans) == 0 {
		return l.line, 1
	}
	s := l.spans[0]
	for _, t := range l.spans[1:] {
		if t.off > off {
			break
		}
		s = t
	}
	if s.fixed || off < s.off {
		return s.line, s.col
	}
	return s.line, s.col + off - s.off
}

// decode turns file bytes into text as pip's auto_decode does: a leading
// byte order mark picks UTF-8, UTF-16 or UTF-32 (an FF FE mark is read as
// UTF-16 even when it begins a UTF-32 mark, like pip); a PEP 263 coding
// comment in the first two lines picks the declared encoding; otherwise
// UTF-8.
func decode(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return decodeUTF8(data[3:])
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeUTF16(data[2:], false)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(data[2:], true)
	case bytes.HasPrefix(data, []byte{0x00, 0x00, 0xFE, 0xFF}):
		return decodeUTF32(data[4:])
	}
	first := data
	for i := 0; i < 2; i++ {
		line := first
		rest := []byte(nil)
		if j := bytes.IndexByte(first, '\n'); j >= 0 {
			line, rest = first[:j], first[j+1:]
		}
		if len(line) > 0 && line[0] == '#' {
			if enc, ok := codingDecl(line); ok {
				return decodeNamed(data, enc)
			}
		}
		if rest == nil {
			break
		}
		first = rest
	}
	return decodeUTF8(data)
}

// codingDecl finds `coding[:=]\s*([-\w.]+)` in a line.
func codingDecl(line []byte) (string, bool) {
	for i := 0; ; {
		j := bytes.Index(line[i:], []byte("coding"))
		if j < 0 {
			return "", false
		}
		k := i + j + len("coding")
		i = i + j + 1
		if k >= len(line) || (line[k] != ':' && line[k] != '=') {
			continue
		}
		k++
		for k < len(line) && (line[k] == ' ' || line[k] == '\t' || line[k] == '\n' || line[k] == '\r' || line[k] == '\f' || line[k] == '\v') {
			k++
		}
		e := k
		for e < len(line) && (line[e] == '-' || line[e] == '.' || line[e] == '_' || line[e] < utf8.RuneSelf && (unicode.IsLetter(rune(line[e])) || unicode.IsDigit(rune(line[e])))) {
			e++
		}
		if e > k {
			return string(line[k:e]), true
		}
	}
}

func decodeNamed(data []byte, enc string) (string, error) {
	norm := strings.ToLower(strings.ReplaceAll(enc, "_", "-"))
	switch norm {
	case "utf-8", "utf8", "u8", "utf":
		return decodeUTF8(data)
	case "ascii", "us-ascii":
		for i, b := range data {
			if b >= 0x80 {
				return "", fmt.Errorf("byte 0x%02x at offset %d is not ASCII (the file declares coding %s)", b, i, enc)
			}
		}
		return string(data), nil
	case "latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1", "8859", "cp819", "latin":
		r := make([]rune, len(data))
		for i, b := range data {
			r[i] = rune(b)
		}
		return string(r), nil
	}
	return "", fmt.Errorf("unsupported coding %q declared (expected utf-8, ascii or latin-1)", enc)
}

func decodeUTF8(data []byte) (string, error) {
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return "", fmt.Errorf("invalid UTF-8 at byte offset %d", off)
	}
	return string(data), nil
}

func decodeUTF16(data []byte, bigEndian bool) (string, error) {
	if len(data)%2 != 0 {
		return "", fmt.Errorf("truncated UTF-16 data (odd length %d)", len(data))
	}
	u := make([]uint16, len(data)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		} else {
			u[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
		}
	}
	return string(utf16.Decode(u)), nil
}

func decodeUTF32(data []byte) (string, error) {
	if len(data)%4 != 0 {
		return "", fmt.Errorf("truncated UTF-32 data (length %d)", len(data))
	}
	var b strings.Builder
	for i := 0; i < len(data); i += 4 {
		r := rune(data[i])<<24 | rune(data[i+1])<<16 | rune(data[i+2])<<8 | rune(data[i+3])
		if !utf8.ValidRune(r) {
			return "", fmt.Errorf("invalid UTF-32 code point at byte offset %d", i)
		}
		b.WriteRune(r)
	}
	return b.String(), nil
}

// isPySpace reports whether r is whitespace for Python's str.isspace and
// the re module's \s: Go's unicode.IsSpace plus the separators U+001C to
// U+001F.
func isPySpace(r rune) bool {
	if r >= 0x1c && r <= 0x1f {
		return true
	}
	return unicode.IsSpace(r)
}

// splitLines splits text like Python's str.splitlines: at \n, \r, \r\n,
// \v, \f, \x1c, \x1d, \x1e, U+0085, U+2028 and U+2029. It returns each
// line's start offset too.
func splitLines(text string) (lines []string, starts []int) {
	lines = make([]string, 0, strings.Count(text, "\n")+1)
	starts = make([]int, 0, cap(lines))
	start := 0
	for i := 0; i < len(text); {
		c := text[i]
		n := 0 // length of the line break at i
		switch {
		case c == '\r':
			n = 1
			if i+1 < len(text) && text[i+1] == '\n' {
				n = 2
			}
		case c == '\n' || c == '\v' || c == '\f' || c == 0x1c || c == 0x1d || c == 0x1e:
			n = 1
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(text[i:])
			if r == 0x85 || r == 0x2028 || r == 0x2029 {
				n = size
			} else {
				i += size
				continue
			}
		}
		if n == 0 {
			i++
			continue
		}
		lines = append(lines, text[start:i])
		starts = append(starts, start)
		i += n
		start = i
	}
	if start < len(text) {
		lines = append(lines, text[start:])
		starts = append(starts, start)
	}
	return lines, starts
}

// commentStart returns where pip's comment pattern `(^|\s+)#.*$` first
// matches in s (the start of the whitespace run before '#'), or -1.
func commentStart(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] != '#' {
			continue
		}
		if i == 0 {
			return 0
		}
		// walk back over whitespace
		j := i
		for j > 0 {
			r, size := utf8.DecodeLastRuneInString(s[:j])
			if !isPySpace(r) {
				break
			}
			j -= size
		}
		if j < i {
			return j
		}
	}
	return -1
}

// isCommentLine reports whether pip's comment pattern matches at the start
// of s: s is a '#' after optional whitespace.
func isCommentLine(s string) bool {
	t := strings.TrimLeftFunc(s, isPySpace)
	return strings.HasPrefix(t, "#")
}

// preprocess turns file text into logical lines the way pip's
// req_file.preprocess does: join_lines, ignore_comments,
// expand_env_variables.
func preprocess(text string, getenv func(string) (string, bool)) []logicalLine {
	phys, _ := splitLines(text)
	var out []logicalLine
	var cur *logicalLine
	var buf strings.Builder
	// add appends a physical piece to the current logical line; lead is
	// how many bytes of the piece were dropped at its start.
	add := func(piece string, lineNo, lead int) {
		cur.spans = append(cur.spans, span{off: buf.Len(), line: lineNo, col: lead + 1})
		buf.WriteString(piece)
	}
	finish := func() {
		cur.text = buf.String()
		buf.Reset()
		if l, ok := finishLine(*cur, getenv); ok {
			out = append(out, l)
		}
		cur = nil
	}
	for i, line := range phys {
		n := i + 1
		if cur == nil && !strings.HasSuffix(line, `\`) {
			// The common case: a line on its own, no copy needed.
			l := logicalLine{text: line, line: n, spans: []span{{off: 0, line: n, col: 1}}}
			if isCommentLine(line) {
				continue // a comment line on its own is dropped
			}
			if l, ok := finishLine(l, getenv); ok {
				out = append(out, l)
			}
			continue
		}
		comment := isCommentLine(line)
		if !strings.HasSuffix(line, `\`) || comment {
			lead := 0
			if comment {
				// pip prefixes " " so the comment always matches later.
				line = " " + line
				lead = -1
			}
			if cur == nil {
				cur = &logicalLine{line: n}
			}
			add(line, n, lead)
			finish()
			continue
		}
		if cur == nil {
			cur = &logicalLine{line: n}
		}
		// pip strips backslashes from both ends of a continued line.
		trimmed := strings.TrimLeft(line, `\`)
		lead := len(line) - len(trimmed)
		add(strings.TrimRight(trimmed, `\`), n, lead)
	}
	if cur != nil {
		finish()
	}
	return out
}

// finishLine removes the comment, strips whitespace and expands variables;
// it reports false for a line left empty.
func finishLine(l logicalLine, getenv func(string) (string, bool)) (logicalLine, bool) {
	s := l.text
	if c := commentStart(s); c >= 0 {
		s = s[:c]
	}
	end := len(strings.TrimRightFunc(s, isPySpace))
	start := len(s) - len(strings.TrimLeftFunc(s, isPySpace))
	if start >= end {
		return l, false
	}
	s = s[start:end]
	// shift spans by start
	spans := l.spans[:0:0]
	for k, sp := range l.spans {
		next := len(l.text)
		if k+1 < len(l.spans) {
			next = l.spans[k+1].off
		}
		if next <= start {
			continue
		}
		if sp.off < start {
			sp.col += start - sp.off
			sp.off = start
		}
		sp.off -= start
		if sp.off >= len(s) && len(spans) > 0 {
			break
		}
		spans = append(spans, sp)
	}
	l.spans = spans
	l.text = s
	if getenv != nil && strings.Contains(s, "${") {
		l = expandVars(l, getenv)
	}
	return l, true
}

// expandVars replaces ${NAME} (NAME of [A-Z0-9_]+) with the variable's value
// when it is set and not empty, like pip; other text is left as is.
// Deviation: a ${NAME} inside a URL's userinfo (https://user:${TOKEN}@host),
// or one whose name says it holds a secret (see keepVar), stays as
// written, so that a secret never enters the requirement zgpu prints and
// writes; package fetch expands a userinfo one when it sends the request.
func expandVars(l logicalLine, getenv func(string) (string, bool)) logicalLine {
	s := l.text
	type rep struct{ from, to string }
	var reps []rep
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "${")
		if j < 0 {
			break
		}
		k := i + j + 2
		e := k
		for e < len(s) && (s[e] >= 'A' && s[e] <= 'Z' || s[e] >= '0' && s[e] <= '9' || s[e] == '_') {
			e++
		}
		if e > k && e < len(s) && s[e] == '}' {
			name := s[k:e]
			if v, ok := getenv(name); ok && v != "" {
				reps = append(reps, rep{s[i+j : e+1], v})
			}
			i = e + 1
			continue
		}
		i = i + j + 1
	}
	// pip replaces every occurrence of each variable in turn.
	for _, r := range reps {
		l = replaceAll(l, r.from, r.to)
	}
	return l
}

// replaceAll replaces every from in l.text with to, keeping the position
// map: copied text keeps its positions, inserted text maps to the position
// of the text it replaced.
func replaceAll(l logicalLine, from, to string) logicalLine {
	var b strings.Builder
	var spans []span
	// copyStretch copies old text [oi, oj) with its spans.
	copyStretch := func(oi, oj int) {
		if oi >= oj {
			return
		}
		line, col := l.pos(oi)
		spans = append(spans, span{off: b.Len(), line: line, col: col})
		for _, sp := range l.spans {
			if sp.off > oi && sp.off < oj {
				spans = append(spans, span{off: b.Len() + sp.off - oi, line: sp.line, col: sp.col, fixed: sp.fixed})
			}
		}
		b.WriteString(l.text[oi:oj])
	}
	oi := 0
	for {
		j := strings.Index(l.text[oi:], from)
		if j < 0 {
			break
		}
		at := oi + j
		if keepVar(l.text, at, from) {
			copyStretch(oi, at+len(from))
			oi = at + len(from)
			continue
		}
		copyStretch(oi, at)
		line, col := l.pos(at)
		spans = append(spans, span{off: b.Len(), line: line, col: col, fixed: true})
		b.WriteString(to)
		oi = at + len(from)
	}
	copyStretch(oi, len(l.text))
	l.text = b.String()
	l.spans = spans
	return l
}

// secretName matches a variable name that says it holds a secret.
var secretName = regexp.MustCompile(`TOKEN|PASSWORD|PASSWD|SECRET|API_KEY|CREDENTIAL`)

// keepVar reports whether the reference from (${NAME}) at offset at of s
// stays as written: in a URL's userinfo, or naming a secret.
func keepVar(s string, at int, from string) bool {
	return secretName.MatchString(from) || inUserinfo(s, at)
}

// inUserinfo reports whether offset at of s lies in the userinfo of a URL
// ("scheme://userinfo@host"): after the last "://" before it, and before
// the last '@' of that URL's authority.
func inUserinfo(s string, at int) bool {
	i := strings.LastIndex(s[:at], "://")
	if i < 0 {
		return false
	}
	start := i + 3
	end := len(s)
	if k := strings.IndexAny(s[start:], "/?# \t"); k >= 0 {
		end = start + k
	}
	if at >= end {
		return false
	}
	a := strings.LastIndexByte(s[start:end], '@')
	return a >= 0 && at < start+a
}
