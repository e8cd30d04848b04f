package reqfile

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// LineEdit changes one logical line of a requirements file (see Patch).
type LineEdit struct {
	// Line is the first physical line of the logical line, 1-based.
	Line int
	// Text replaces the line's requirement; "" removes the line.
	Text string
	// Note says why, without "# zgpu: "; it ends up in the file.
	Note string
}

// Addition is a line Patch appends: a requirement the file did not have.
type Addition struct {
	Text string
	Note string
}

// NotePrefix starts every comment zgpu writes on a line.
const NotePrefix = "# zgpu: "

// Patch edits a requirements file the least it can, for `deps resolve
// --no-lock`: every line that no edit names is kept byte for byte (order,
// comments, blank lines, spelling, line endings); an edited line becomes
// "TEXT  # zgpu: NOTE"; a removed one becomes "# zgpu: removed ORIGINAL:
// NOTE", so that nothing disappears without a trace; additions go last,
// each with its note; the file ends with a line break. header (comment lines without "# ") replaces the
// leading comment block of an earlier zgpu header, or goes first;
// preamble lines (index options the file lacks) follow it as they are.
//
// A continued line (ending in '\') is edited as one: its physical lines
// are replaced together. An edit naming a line that starts no logical
// line, or two edits of one line, are errors.
func Patch(data []byte, header, preamble []string, edits []LineEdit, adds []Addition) ([]byte, error) {
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	eol := "\n"
	if len(lines) > 0 && bytes.HasSuffix(lines[0], []byte("\r\n")) {
		eol = "\r\n"
	}
	byLine := map[int]LineEdit{}
	for _, e := range edits {
		if _, dup := byLine[e.Line]; dup {
			return nil, fmt.Errorf("line %d edited twice", e.Line)
		}
		if strings.ContainsAny(e.Text+e.Note, "\r\n") {
			return nil, fmt.Errorf("line %d: an edit must fit on one line", e.Line)
		}
		byLine[e.Line] = e
	}
	var out bytes.Buffer
	for _, h := range header {
		out.WriteString(strings.TrimRight("# "+h, " ") + eol)
	}
	for _, p := range preamble {
		if strings.ContainsAny(p, "\r\n") {
			return nil, fmt.Errorf("option %q must fit on one line", p)
		}
		out.WriteString(p + eol)
	}
	i := skipZgpuHeader(data, lines)
	if len(header) > 0 && i < len(lines) && bytes.HasPrefix(lines[i], []byte("#")) && !bytes.HasPrefix(lines[i], []byte(NotePrefix)) {
		// The user's own comment first: a blank line keeps it apart from
		// the header, which the next run replaces.
		out.WriteString(eol)
	}
	done := map[int]bool{}
	for i < len(lines) {
		n := i + 1
		end := logicalEnd(lines, i)
		e, edited := byLine[n]
		if !edited {
			for _, l := range lines[i:end] {
				out.Write(l)
			}
			i = end
			continue
		}
		done[n] = true
		original := joinedRequirement(lines[i:end])
		switch {
		case e.Text == "":
			out.WriteString(oneLine(NotePrefix+"removed "+original+withNote(e.Note)) + eol)
		default:
			out.WriteString(e.Text + noteSuffix(e.Note) + eol)
		}
		i = end
	}
	var missing []int
	for n := range byLine {
		if !done[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		sort.Ints(missing)
		return nil, fmt.Errorf("line %d starts no requirement of the file", missing[0])
	}
	if out.Len() > 0 && !bytes.HasSuffix(out.Bytes(), []byte("\n")) {
		out.WriteString(eol) // a file zgpu writes ends with a line break
	}
	for _, a := range adds {
		if strings.ContainsAny(a.Text+a.Note, "\r\n") {
			return nil, fmt.Errorf("addition %q must fit on one line", a.Text)
		}
		out.WriteString(a.Text + noteSuffix(a.Note) + eol)
	}
	return out.Bytes(), nil
}

func withNote(note string) string {
	if note == "" {
		return ""
	}
	return ": " + note
}

func noteSuffix(note string) string {
	if note == "" {
		return ""
	}
	return "  " + NotePrefix + note
}

// logicalEnd returns the index after the last physical line of the
// logical line starting at lines[i]: a line ending in '\' continues,
// unless it is a comment line.
func logicalEnd(lines [][]byte, i int) int {
	for i < len(lines) {
		l := strings.TrimRight(string(lines[i]), "\r\n")
		i++
		if isCommentLine(l) || !strings.HasSuffix(l, `\`) {
			break
		}
	}
	return i
}

// joinedRequirement is a logical line as one line without its comment.
func joinedRequirement(lines [][]byte) string {
	var b strings.Builder
	for _, l := range lines {
		s := strings.TrimRight(string(l), "\r\n")
		b.WriteString(strings.TrimSuffix(s, `\`))
	}
	s := b.String()
	if c := commentStart(s); c >= 0 {
		s = s[:c]
	}
	return strings.TrimSpace(s)
}

// skipZgpuHeader returns the index of the first line after a leading
// zgpu header block (the header's comment lines) of data, split into
// lines, or 0.
func skipZgpuHeader(data []byte, lines [][]byte) int {
	if !WrittenByZgpu(data) {
		return 0
	}
	i := 0
	for i < len(lines) && bytes.HasPrefix(lines[i], []byte("#")) && !bytes.HasPrefix(lines[i], []byte(NotePrefix)) {
		i++
	}
	return i
}
