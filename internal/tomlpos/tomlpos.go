// Package tomlpos maps the keys and values of a TOML document to their line
// and column in the source, and turns TOML decode errors into
// file:line:column messages.
//
// It walks the document with go-toml/v2's unstable parser (TOML 1.0) and
// records, for every key path, where its value starts. Paths are written with
// dots between keys and [i] for array elements, in the order the document
// defines them: "project.dependencies[2]", "tool.uv.index[0].url". Keys that
// are not bare (they contain '.', spaces or quotes) are written quoted, so the
// path "tool.ruff.lint.per-file-ignores.\"__init__.py\"" is unambiguous.
// It does not validate the document: redefinitions that the TOML spec
// forbids are left to the decoder, which runs separately.
package tomlpos

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// Pos is a 1-based line and column (in bytes) in a document.
type Pos struct {
	Line, Col int
}

// Index maps key paths to the position of their value (for a table header:
// of the header).
type Index struct {
	pos   map[string]Pos
	lines []int // offsets of line starts
}

// Build parses data and records the position of every key and value.
func Build(data []byte) (*Index, error) {
	idx := &Index{pos: make(map[string]Pos), lines: []int{0}}
	for i, c := range data {
		if c == '\n' {
			idx.lines = append(idx.lines, i+1)
		}
	}
	var p unstable.Parser
	p.Reset(data)
	prefix := ""
	arrays := map[string]int{} // array-table path -> count so far
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			path := resolveArrays(keyPath(e.Key()), arrays)
			if e.Kind == unstable.ArrayTable {
				n := arrays[path]
				arrays[path] = n + 1
				// Tables nested under this element start afresh.
				for k := range arrays {
					if strings.HasPrefix(k, path+"[") || strings.HasPrefix(k, path+".") {
						delete(arrays, k)
					}
				}
				arrays[path] = n + 1
				path = path + "[" + strconv.Itoa(n) + "]"
			}
			prefix = path
			idx.set(path, headerOffset(&p, e, data))
		case unstable.KeyValue:
			idx.keyValue(&p, prefix, e)
		}
	}
	if err := p.Error(); err != nil {
		return idx, err
	}
	return idx, nil
}

// resolveArrays rewrites a table header path so that array-table segments
// point at their latest element: [a.b] after [[a]] means a[last].b.
func resolveArrays(path string, arrays map[string]int) string {
	parts := splitPath(path)
	out := ""
	for i, part := range parts {
		if i > 0 {
			out += "."
		}
		out += part
		if n, ok := arrays[out]; ok && i < len(parts)-1 {
			out += "[" + strconv.Itoa(n-1) + "]"
		}
	}
	return out
}

func splitPath(path string) []string {
	var parts []string
	var b strings.Builder
	inQuote := false
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case c == '"':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '\\' && inQuote && i+1 < len(path):
			b.WriteByte(c)
			i++
			b.WriteByte(path[i])
		case c == '.' && !inQuote:
			parts = append(parts, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return append(parts, b.String())
}

func headerOffset(p *unstable.Parser, e *unstable.Node, data []byte) int {
	it := e.Key()
	if it.Next() {
		off := int(it.Node().Raw.Offset)
		// Step back over "[" or "[[" and spaces to the start of the header.
		for off > 0 && (data[off-1] == '[' || data[off-1] == ' ' || data[off-1] == '\t') {
			off--
		}
		return off
	}
	return 0
}

func (idx *Index) keyValue(p *unstable.Parser, prefix string, e *unstable.Node) {
	path := join(prefix, keyPath(e.Key()))
	v := e.Value()
	idx.value(p, path, v)
}

func (idx *Index) value(p *unstable.Parser, path string, v *unstable.Node) {
	switch v.Kind {
	case unstable.Array:
		idx.setFirst(path, v)
		it := v.Children()
		i := 0
		for it.Next() {
			idx.value(p, path+"["+strconv.Itoa(i)+"]", it.Node())
			i++
		}
	case unstable.InlineTable:
		idx.setFirst(path, v)
		it := v.Children()
		for it.Next() {
			kv := it.Node()
			if kv.Kind == unstable.KeyValue {
				idx.keyValue(p, path, kv)
			}
		}
	default:
		if v.Raw.Length > 0 || v.Raw.Offset > 0 {
			idx.set(path, int(v.Raw.Offset))
		}
	}
}

// setFirst records a container's position from its first positioned
// descendant when the container itself carries no range.
func (idx *Index) setFirst(path string, v *unstable.Node) {
	if v.Raw.Length > 0 {
		idx.set(path, int(v.Raw.Offset))
		return
	}
	if off, ok := firstOffset(v); ok {
		idx.set(path, off)
	}
}

func firstOffset(v *unstable.Node) (int, bool) {
	if v.Raw.Length > 0 {
		return int(v.Raw.Offset), true
	}
	it := v.Children()
	for it.Next() {
		if off, ok := firstOffset(it.Node()); ok {
			return off, true
		}
	}
	return 0, false
}

func (idx *Index) set(path string, off int) {
	if _, ok := idx.pos[path]; ok {
		return
	}
	line := sort.Search(len(idx.lines), func(i int) bool { return idx.lines[i] > off }) - 1
	if line < 0 {
		line = 0
	}
	idx.pos[path] = Pos{Line: line + 1, Col: off - idx.lines[line] + 1}
}

// Lookup returns the position recorded for path. When path itself was not
// recorded it falls back to its nearest recorded parent.
func (idx *Index) Lookup(path string) (Pos, bool) {
	if idx == nil {
		return Pos{}, false
	}
	for path != "" {
		if p, ok := idx.pos[path]; ok {
			return p, true
		}
		cut := strings.LastIndexAny(path, ".[")
		if cut < 0 {
			break
		}
		path = path[:cut]
	}
	return Pos{}, false
}

// Len returns the number of recorded paths.
func (idx *Index) Len() int { return len(idx.pos) }

func keyPath(it unstable.Iterator) string {
	var parts []string
	for it.Next() {
		parts = append(parts, Key(string(it.Node().Data)))
	}
	return strings.Join(parts, ".")
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// Key returns k as one path segment: bare when it is a bare TOML key,
// quoted otherwise.
func Key(k string) string {
	if k == "" {
		return `""`
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return strconv.Quote(k)
		}
	}
	return k
}

// Path joins segments into a path: strings are keys (quoted when needed),
// ints are array indexes.
func Path(segs ...any) string {
	var b strings.Builder
	for _, s := range segs {
		switch s := s.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(Key(s))
		}
	}
	return b.String()
}

// DecodeError rewrites a go-toml decode or parse error as
// "file:line:col: message" followed by the offending line. Other errors are
// returned as "file: err".
func DecodeError(file string, data []byte, err error) error {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		return &PosError{File: file, Line: line, Col: col, Msg: msg, Text: lineText(data, line)}
	}
	var pe *unstable.ParserError
	if errors.As(err, &pe) {
		off := offsetOf(data, pe.Highlight)
		idx := &Index{pos: map[string]Pos{}, lines: []int{0}}
		for i, c := range data {
			if c == '\n' {
				idx.lines = append(idx.lines, i+1)
			}
		}
		idx.set("x", off)
		p := idx.pos["x"]
		return &PosError{File: file, Line: p.Line, Col: p.Col, Msg: pe.Message, Text: lineText(data, p.Line)}
	}
	return fmt.Errorf("%s: %w", file, err)
}

func offsetOf(data, sub []byte) int {
	if len(sub) == 0 || cap(sub) > cap(data) {
		return 0
	}
	off := cap(data) - cap(sub)
	if off < 0 || off > len(data) {
		return 0
	}
	return off
}

// PosError is an error at a position of a file.
type PosError struct {
	File      string
	Line, Col int
	Msg       string
	Text      string // the offending line
}

func (e *PosError) Error() string {
	s := fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	if e.Text != "" {
		s += fmt.Sprintf(" (in %q)", e.Text)
	}
	return s
}

func lineText(data []byte, line int) string {
	if line < 1 {
		return ""
	}
	s := string(data)
	for i := 1; i < line; i++ {
		j := strings.IndexByte(s, '\n')
		if j < 0 {
			return ""
		}
		s = s[j+1:]
	}
	if j := strings.IndexByte(s, '\n'); j >= 0 {
		s = s[:j]
	}
	s = strings.TrimRight(s, "\r")
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	return s
}
