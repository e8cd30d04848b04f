package tomlpos

import (
	"bytes"
	"encoding"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// Unmarshal decodes data into v, a pointer, as toml.Unmarshal does. When
// decoding fails the error (a *PosError) names file, line and column and,
// for a value of the wrong type, its key path and, in TOML terms, what was
// expected and what was found, with a suggestion when one is clear:
//
//	pyproject.toml:5:16: project.dependencies: expected an array of strings, found a string; write it as an array: ["torch"]
//
// It never shows Go types. Keys v has no field for are ignored.
func Unmarshal(file string, data []byte, v any) error {
	return unmarshal(file, data, v, false)
}

// UnmarshalStrict is Unmarshal, but a key that v has no field for is an
// error too ("torch.allowd: unknown key; did you mean \"allowed\"?").
func UnmarshalStrict(file string, data []byte, v any) error {
	return unmarshal(file, data, v, true)
}

func unmarshal(file string, data []byte, v any, strict bool) error {
	dec := toml.NewDecoder(bytes.NewReader(data))
	if strict {
		dec.DisallowUnknownFields()
	}
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	// Explain the failure: the document decodes into generic values unless
	// it is not TOML at all, and those values are checked against the type
	// of v the way go-toml checks them, but with TOML words.
	var tree map[string]any
	if gerr := toml.Unmarshal(data, &tree); gerr != nil {
		return DecodeError(file, data, gerr)
	}
	idx, ierr := Build(data)
	if ierr != nil {
		return DecodeError(file, data, ierr)
	}
	if pe := Check(file, idx, tree, reflect.TypeOf(v), strict); pe != nil {
		return pe
	}
	return DecodeError(file, data, err)
}

// Check compares a generic TOML document (as toml.Unmarshal decodes it into
// a map[string]any) with the Go type t it is meant for, and returns the
// first mismatch in document order, or nil. With strict, a key that t has
// no field for is a mismatch too. idx gives the positions.
func Check(file string, idx *Index, tree map[string]any, t reflect.Type, strict bool) *PosError {
	c := &checker{idx: idx, strict: strict}
	c.check("", tree, t)
	if c.first == nil {
		return nil
	}
	c.first.File = file
	return c.first
}

// TypeError returns the error Unmarshal reports when v, the value at path,
// is not of Go type t: "file:line:col: path: expected X, found Y; hint".
func (idx *Index) TypeError(file, path string, v any, t reflect.Type) *PosError {
	c := &checker{idx: idx}
	c.mismatch(path, v, t)
	c.first.File = file
	return c.first
}

type checker struct {
	idx    *Index
	strict bool
	first  *PosError
}

// report records a mismatch at path unless an earlier one (in document
// order) is recorded already.
func (c *checker) report(pos Pos, path, msg, hint string) {
	if f := c.first; f != nil && (f.Line < pos.Line || f.Line == pos.Line && f.Col <= pos.Col) {
		return
	}
	c.first = &PosError{Line: pos.Line, Col: pos.Col, Path: path, Msg: msg, Hint: hint}
}

func (c *checker) mismatch(path string, v any, t reflect.Type) {
	pos := c.idx.where(path)
	c.report(pos, path, fmt.Sprintf("expected %s, found %s", Describe(t), TypeOf(v)), c.hint(path, v, t))
}

// where returns the position of the value at path; for an array of
// tables, of its first [[header]]; else of the nearest parent.
func (idx *Index) where(path string) Pos {
	if p, ok := idx.LookupExact(path); ok {
		return p
	}
	p, _ := idx.KeyPos(path)
	return p
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// check checks v, the value at path, against t.
func (c *checker) check(path string, v any, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[time.Time]() {
		switch v.(type) {
		case time.Time, toml.LocalDate, toml.LocalDateTime, toml.LocalTime:
		default:
			c.mismatch(path, v, t)
		}
		return
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		if _, ok := v.(string); !ok {
			c.mismatch(path, v, t)
		}
		return
	}
	switch t.Kind() {
	case reflect.Interface:
		return
	case reflect.String:
		if _, ok := v.(string); !ok {
			c.mismatch(path, v, t)
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			c.mismatch(path, v, t)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, ok := v.(int64)
		if !ok {
			c.mismatch(path, v, t)
		} else if reflect.Zero(t).OverflowInt(i) {
			c.report(c.idx.where(path), path, fmt.Sprintf("integer %d is out of range", i), "")
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		i, ok := v.(int64)
		if !ok {
			c.mismatch(path, v, t)
		} else if i < 0 || reflect.Zero(t).OverflowUint(uint64(i)) {
			c.report(c.idx.where(path), path, fmt.Sprintf("integer %d is out of range", i), "")
		}
	case reflect.Float32, reflect.Float64:
		switch v.(type) {
		case float64, int64:
		default:
			c.mismatch(path, v, t)
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			c.mismatch(path, v, t)
			return
		}
		for k, e := range m {
			c.check(join(path, Key(k)), e, t.Elem())
		}
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			c.mismatch(path, v, t)
			return
		}
		fields := fieldsOf(t)
		for k, e := range m {
			f, ok := fields.lookup(k)
			if !ok {
				if c.strict {
					c.unknown(join(path, Key(k)), k, fields)
				}
				continue
			}
			c.check(join(path, Key(k)), e, f)
		}
	case reflect.Slice, reflect.Array:
		list, ok := v.([]any)
		if !ok {
			// go-toml appends a table written as a [header] to a list of
			// tables.
			if m, isTable := v.(map[string]any); isTable && c.idx.IsHeaderTable(path) && isTableType(t.Elem()) {
				c.check(path, m, t.Elem())
				return
			}
			c.mismatch(path, v, t)
			return
		}
		if t.Kind() == reflect.Array && len(list) > t.Len() {
			c.report(c.idx.where(path), path, fmt.Sprintf("expected at most %d elements, found %d", t.Len(), len(list)), "")
		}
		for i, e := range list {
			c.check(path+"["+strconv.Itoa(i)+"]", e, t.Elem())
		}
	default:
		c.mismatch(path, v, t)
	}
}

func isTableType(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct && t != reflect.TypeFor[time.Time]() || t.Kind() == reflect.Map
}

// unknown reports a key that has no field, with the closest known key.
func (c *checker) unknown(path, key string, fields *fieldSet) {
	pos, _ := c.idx.KeyPos(path)
	hint := ""
	if near := closest(key, fields.names); near != "" {
		hint = fmt.Sprintf("did you mean %q?", near)
	} else if len(fields.names) > 0 {
		hint = "expected one of " + strings.Join(fields.names, ", ")
	}
	c.report(pos, path, "unknown key", hint)
}

// hint suggests a fix for a value of the wrong type, from its source text.
func (c *checker) hint(path string, v any, t reflect.Type) string {
	raw := c.idx.Raw(path)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		if raw != "" && !isString(v) {
			if _, isTable := v.(map[string]any); !isTable {
				if _, isList := v.([]any); !isList {
					return "write it as a string: " + strconv.Quote(raw)
				}
			}
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		if s, ok := v.(string); ok {
			if _, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64); err == nil {
				return "write it without quotes: " + s
			}
		}
	case reflect.Bool:
		if s, ok := v.(string); ok && (s == "true" || s == "false") {
			return "write it without quotes: " + s
		}
	case reflect.Slice, reflect.Array:
		// One value where a list of such values is expected.
		if raw == "" {
			break
		}
		sub := &checker{idx: &Index{}}
		sub.check("", v, t.Elem())
		if sub.first == nil {
			return "write it as an array: [" + raw + "]"
		}
	}
	return ""
}

func isString(v any) bool {
	_, ok := v.(string)
	return ok
}

// Describe says in TOML terms what a value of Go type t is: "a string",
// "an array of strings", "a table", "any value".
func Describe(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[time.Time]() {
		return "a date-time"
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		return "a string"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Map, reflect.Struct:
		return "a table"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Interface {
			return "an array"
		}
		return "an array of " + plural(t.Elem())
	case reflect.Interface:
		return "any value"
	}
	return "a value of another type"
}

// plural is Describe for several values: "strings", "arrays of tables".
func plural(t reflect.Type) string {
	d := Describe(t)
	switch {
	case strings.HasPrefix(d, "an array of "):
		return "arrays of " + strings.TrimPrefix(d, "an array of ")
	case d == "any value":
		return "values"
	case d == "a value of another type":
		return "values of another type"
	}
	_, noun, _ := strings.Cut(d, " ")
	return noun + "s"
}

// TypeOf says in TOML terms what a value decoded by go-toml into an
// interface is: "a string", "an integer", "a float", "a boolean", "an
// array", "a table", "a date-time", "a local date-time", "a local date",
// "a local time".
func TypeOf(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64, int:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	case time.Time:
		return "a date-time"
	case toml.LocalDateTime:
		return "a local date-time"
	case toml.LocalDate:
		return "a local date"
	case toml.LocalTime:
		return "a local time"
	}
	return "a value of another type"
}

// fieldSet maps the keys of a struct to field types as go-toml does: the
// toml tag or else the field name, exactly or folded to lower case;
// embedded structs without a tag name are flattened, shallower fields
// winning.
type fieldSet struct {
	exact map[string]reflect.Type
	fold  map[string]reflect.Type
	names []string // the keys, as tagged, for messages
}

func (f *fieldSet) lookup(k string) (reflect.Type, bool) {
	if t, ok := f.exact[k]; ok {
		return t, true
	}
	t, ok := f.fold[strings.ToLower(k)]
	return t, ok
}

func fieldsOf(t reflect.Type) *fieldSet {
	f := &fieldSet{exact: map[string]reflect.Type{}, fold: map[string]reflect.Type{}}
	f.add(t, map[reflect.Type]bool{})
	slices.Sort(f.names)
	return f
}

func (f *fieldSet) add(t reflect.Type, visited map[reflect.Type]bool) {
	if visited[t] {
		return
	}
	visited[t] = true
	defer delete(visited, t)
	var embedded []reflect.Type
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag, tagged := sf.Tag.Lookup("toml")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				embedded = append(embedded, ft)
			}
			continue
		}
		if !sf.IsExported() && !sf.Anonymous {
			continue
		}
		if !tagged || name == "" {
			name = sf.Name
		}
		if _, ok := f.exact[name]; !ok {
			f.exact[name] = sf.Type
			f.names = append(f.names, name)
		}
		if _, ok := f.fold[strings.ToLower(name)]; !ok {
			f.fold[strings.ToLower(name)] = sf.Type
		}
	}
	for _, et := range embedded {
		f.add(et, visited)
	}
}

// Closest returns the name nearest to k (case folded) within an edit
// distance of 2, or "": the "did you mean" of an unknown key.
func Closest(k string, names []string) string { return closest(k, names) }

// closest returns the name nearest to k within an edit distance of 2, or "".
func closest(k string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if d := distance(strings.ToLower(k), strings.ToLower(n)); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
