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
//
// Unmarshal and UnmarshalStrict (check.go) decode a document into a Go
// value as go-toml does, but explain a failure in TOML terms at the
// offending key: "pyproject.toml:5:16: project.dependencies: expected an
// array of strings, found a string; write it as an array: [\"torch\"]".
// No Go type name reaches the message.
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
	keys  map[string]Pos  // position of the key itself
	spans map[string]span // source text of scalar values
	// headers holds the paths of tables defined by a [header] (not by
	// [[header]], an inline table or dotted keys).
	headers map[string]bool
	lines   []int // offsets of line starts
	data    []byte
}

type span struct{ off, n int }

func newIndex(data []byte) *Index {
	idx := &Index{
		pos: make(map[string]Pos), keys: make(map[string]Pos), spans: make(map[string]span),
		headers: make(map[string]bool), lines: []int{0}, data: data,
	}
	for i, c := range data {
		if c == '\n' {
			idx.lines = append(idx.lines, i+1)
		}
	}
	return idx
}

// Build parses data and records the position of every key and value.
func Build(data []byte) (*Index, error) {
	idx := newIndex(data)
	var p unstable.Parser
	p.Reset(data)
	prefix := ""
	arrays := map[string]int{} // array-table path -> count so far
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			path := resolveArrays(keyPath(e.Key()), arrays)
			off := headerOffset(&p, e, data)
			idx.setKey(path, off)
			if e.Kind == unstable.Table {
				idx.headers[path] = true
			}
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
				idx.setKey(path, off)
			}
			prefix = path
			idx.set(path, off)
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
	// Every part of a dotted key is a key of its own: a.b.c = 1 defines
	// the tables a and a.b.
	it := e.Key()
	path := prefix
	end := 0
	for it.Next() {
		k := it.Node()
		path = join(path, Key(string(k.Data)))
		idx.setKey(path, int(k.Raw.Offset))
		end = int(k.Raw.Offset + k.Raw.Length)
	}
	v := e.Value()
	if v.Kind == unstable.Array || v.Kind == unstable.InlineTable {
		// Containers carry no range: they start after the '='.
		if off, ok := idx.afterEquals(end); ok {
			idx.set(path, off)
		}
	}
	idx.value(p, path, v)
}

// afterEquals returns the offset of the first non-blank byte after the
// first '=' at or after off.
func (idx *Index) afterEquals(off int) (int, bool) {
	d := idx.data
	for off < len(d) && d[off] != '=' && d[off] != '\n' {
		off++
	}
	if off >= len(d) || d[off] != '=' {
		return 0, false
	}
	off++
	for off < len(d) && (d[off] == ' ' || d[off] == '\t') {
		off++
	}
	return off, off < len(d)
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
			if _, ok := idx.spans[path]; !ok {
				idx.spans[path] = span{int(v.Raw.Offset), int(v.Raw.Length)}
			}
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
	idx.pos[path] = idx.at(off)
}

// setKey records where the key of path is written (first definition wins).
func (idx *Index) setKey(path string, off int) {
	if _, ok := idx.keys[path]; !ok {
		idx.keys[path] = idx.at(off)
	}
}

// at returns the position of a byte offset.
func (idx *Index) at(off int) Pos {
	line := sort.Search(len(idx.lines), func(i int) bool { return idx.lines[i] > off }) - 1
	if line < 0 {
		line = 0
	}
	return Pos{Line: line + 1, Col: off - idx.lines[line] + 1}
}

// KeyPos returns where the key of path is written: the key of a key/value
// pair, or the [header] of a table. When the key itself was not recorded it
// returns the position of the value, as Lookup does.
func (idx *Index) KeyPos(path string) (Pos, bool) {
	if idx == nil {
		return Pos{}, false
	}
	if p, ok := idx.keys[path]; ok {
		return p, true
	}
	return idx.Lookup(path)
}

// LookupExact returns the position recorded for path itself, with no
// fallback to a parent.
func (idx *Index) LookupExact(path string) (Pos, bool) {
	if idx == nil {
		return Pos{}, false
	}
	p, ok := idx.pos[path]
	return p, ok
}

// Raw returns the source text of the scalar value at path, as written
// ("3.10", "'torch'"), or "" when path is not a scalar.
func (idx *Index) Raw(path string) string {
	if idx == nil {
		return ""
	}
	sp, ok := idx.spans[path]
	if !ok || sp.off+sp.n > len(idx.data) {
		return ""
	}
	return string(idx.data[sp.off : sp.off+sp.n])
}

// IsHeaderTable reports whether the table at path is defined by a [path]
// header.
func (idx *Index) IsHeaderTable(path string) bool {
	return idx != nil && idx.headers[path]
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
// returned as "file: err". A type error from decoding into a Go value,
// which Unmarshal explains in TOML terms, is reduced here to the key and
// the TOML type found, so that no Go type reaches the user.
func DecodeError(file string, data []byte, err error) error {
	var se *toml.StrictMissingError
	if errors.As(err, &se) && len(se.Errors) > 0 {
		de := &se.Errors[0]
		line, col := de.Position()
		return &PosError{File: file, Line: line, Col: col, Path: keyString(de.Key()), Msg: "unknown key"}
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		if m, ok := typeMessage(msg); ok {
			return &PosError{File: file, Line: line, Col: col, Path: keyString(de.Key()), Msg: m}
		}
		return &PosError{File: file, Line: line, Col: col, Msg: msg, Text: lineText(data, line)}
	}
	var pe *unstable.ParserError
	if errors.As(err, &pe) {
		p := newIndex(data).at(offsetOf(data, pe.Highlight))
		msg := pe.Message
		if m, ok := typeMessage(msg); ok {
			msg = m
		}
		return &PosError{File: file, Line: p.Line, Col: p.Col, Msg: msg, Text: lineText(data, p.Line)}
	}
	msg := strings.TrimPrefix(err.Error(), "toml: ")
	if m, ok := typeMessage(msg); ok {
		msg = m
	}
	return fmt.Errorf("%s: %s", file, msg)
}

// typeMessage rewrites go-toml's messages about Go types ("cannot decode
// TOML integer into struct field ... of type string", "integer value 300
// cannot be stored in int8") without the Go types.
func typeMessage(msg string) (string, bool) {
	switch {
	case strings.HasPrefix(msg, "cannot decode TOML "):
		kind, _, _ := strings.Cut(strings.TrimPrefix(msg, "cannot decode TOML "), " into ")
		return "unexpected " + kind + " here", true
	case strings.Contains(msg, "cannot be stored in"):
		what, _, _ := strings.Cut(msg, " cannot be stored in")
		return what + " is out of range", true
	case strings.HasPrefix(msg, "cannot store an array table"):
		return "unexpected array of tables here", true
	case strings.HasPrefix(msg, "cannot store a table"):
		return "unexpected table here", true
	case strings.HasPrefix(msg, "cannot store "), strings.Contains(msg, "interface {}"),
		strings.Contains(msg, "map["), strings.Contains(msg, "[]"), strings.Contains(msg, "struct"):
		return "unexpected value here", true
	}
	return "", false
}

// keyString writes a go-toml key as a path.
func keyString(k toml.Key) string {
	parts := make([]string, len(k))
	for i, p := range k {
		parts[i] = Key(p)
	}
	return strings.Join(parts, ".")
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

// PosError is an error at a position of a file:
// "file:line:col: path: msg (in "text"); hint".
type PosError struct {
	File      string
	Line, Col int
	Path      string // the key path of the offending value, or ""
	Msg       string
	Text      string // the offending line, or ""
	Hint      string // a suggestion, or ""
}

func (e *PosError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	if e.Text != "" {
		fmt.Fprintf(&b, " (in %q)", e.Text)
	}
	if e.Hint != "" {
		b.WriteString("; " + e.Hint)
	}
	return b.String()
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
