package tomlpos

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pelletier/go-toml/v2"
)

type base struct {
	Shadowed string `toml:"shadowed"`
	Inner    int    `toml:"inner"`
}

type typedDoc struct {
	base
	Shadowed any               `toml:"shadowed"` // wins over base.Shadowed
	Name     string            `toml:"name"`
	Small    int8              `toml:"small"`
	Count    uint              `toml:"count"`
	Ratio    float64           `toml:"ratio"`
	On       bool              `toml:"on"`
	When     time.Time         `toml:"when"`
	List     []string          `toml:"list"`
	Nested   [][]int           `toml:"nested"`
	Items    []item            `toml:"items"`
	Table    map[string]string `toml:"table"`
	Ptr      *item             `toml:"ptr"`
	Skipped  string            `toml:"-"`
	Untagged string
}

type item struct {
	ID   string `toml:"id"`
	Tags []any  `toml:"tags"`
}

func TestUnmarshalErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
		strict           bool
	}{
		{"string for array", "list = \"a\"\n", `f.toml:1:8: list: expected an array of strings, found a string; write it as an array: ["a"]`, false},
		{"float for string", "name = 3.10\n", `f.toml:1:8: name: expected a string, found a float; write it as a string: "3.10"`, false},
		{"string for integer", "small = \"12\"\n", `f.toml:1:9: small: expected an integer, found a string; write it without quotes: 12`, false},
		{"overflow", "small = 300\n", `f.toml:1:9: small: integer 300 is out of range`, false},
		{"negative unsigned", "count = -1\n", `f.toml:1:9: count: integer -1 is out of range`, false},
		{"integer is a number", "ratio = 1\nname = 2\n", `f.toml:2:8: name: expected a string, found an integer; write it as a string: "2"`, false},
		{"string for boolean", "on = \"true\"\n", `f.toml:1:6: on: expected a boolean, found a string; write it without quotes: true`, false},
		{"string for date-time", "when = \"1979-05-27\"\n", `f.toml:1:8: when: expected a date-time, found a string`, false},
		{"nested element", "nested = [[1], [2, \"x\"]]\n", `f.toml:1:20: nested[1][1]: expected an integer, found a string`, false},
		{"array for nested", "nested = [1]\n", `f.toml:1:11: nested[0]: expected an array of integers, found an integer; write it as an array: [1]`, false},
		{"inline table for array of tables", "items = { id = \"a\" }\n", `f.toml:1:9: items: expected an array of tables, found a table`, false},
		{"element of array of tables", "[[items]]\nid = \"a\"\n[[items]]\nid = 2\n", `f.toml:4:6: items[1].id: expected a string, found an integer; write it as a string: "2"`, false},
		{"array of tables for table", "[[ptr]]\nid = \"a\"\n", `f.toml:1:1: ptr: expected a table, found an array`, false},
		{"map value", "[table]\na = \"x\"\nb = false\n", `f.toml:3:5: table.b: expected a string, found a boolean; write it as a string: "false"`, false},
		{"embedded field", "inner = \"1\"\n", `f.toml:1:9: inner: expected an integer, found a string; write it without quotes: 1`, false},
		{"field name folded", "NAME = 1\n", `f.toml:1:8: NAME: expected a string, found an integer; write it as a string: "1"`, false},
		{"first error in document order", "on = 1\nname = 2\nlist = 3\n", `f.toml:1:6: on: expected a boolean, found an integer`, false},
		{"unknown key", "nmae = \"x\"\n", `f.toml:1:1: nmae: unknown key; did you mean "name"?`, true},
		{"unknown nested key", "[ptr]\nid = \"a\"\ntag = []\n", `f.toml:3:1: ptr.tag: unknown key; did you mean "tags"?`, true},
		{"unknown key, no near name", "[ptr]\nzzzzzz = 1\n", `f.toml:2:1: ptr.zzzzzz: unknown key; expected one of id, tags`, true},
		{"dash-tagged field is unknown", "Skipped = \"x\"\n", `f.toml:1:1: Skipped: unknown key; expected one of Untagged, count, inner, items, list, name, nested, on, ptr, ratio, shadowed, small, table, when`, true},
		{"syntax", "name = \n", `f.toml:1:8: unexpected character U+000A at start of value (in "name = ")`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d typedDoc
			var err error
			if tt.strict {
				err = UnmarshalStrict("f.toml", []byte(tt.data), &d)
			} else {
				err = Unmarshal("f.toml", []byte(tt.data), &d)
			}
			if err == nil {
				t.Fatalf("Unmarshal(%q): no error, want %s", tt.data, tt.want)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("Unmarshal(%q) (-want +got):\n%s", tt.data, diff)
			}
			if s := GoSyntax(err.Error()); s != "" {
				t.Errorf("Unmarshal(%q) = %q shows Go syntax %q", tt.data, err, s)
			}
		})
	}
}

func TestUnmarshalAccepts(t *testing.T) {
	// What go-toml accepts, the checker accepts: an integer for a float, a
	// [header] table for a list of tables, unknown keys when not strict,
	// anything for an interface, a field under its Go name.
	data := "ratio = 1\nshadowed = [1, \"x\"]\nUntagged = \"u\"\nextra = 1\n[items]\nid = \"a\"\ntags = [1, \"b\"]\n"
	var d typedDoc
	if err := Unmarshal("f.toml", []byte(data), &d); err != nil {
		t.Fatal(err)
	}
	if d.Ratio != 1 || len(d.Items) != 1 || d.Items[0].ID != "a" || d.Untagged != "u" {
		t.Errorf("decoded %+v", d)
	}
	// Check agrees: no mismatch in a document go-toml decodes.
	var tree map[string]any
	if err := toml.Unmarshal([]byte(data), &tree); err != nil {
		t.Fatal(err)
	}
	idx, err := Build([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if pe := Check("f.toml", idx, tree, reflect.TypeFor[typedDoc](), false); pe != nil {
		t.Errorf("Check = %v, want nil", pe)
	}
	if pe := Check("f.toml", idx, tree, reflect.TypeFor[typedDoc](), true); pe == nil || pe.Error() != `f.toml:4:1: extra: unknown key; expected one of Untagged, count, inner, items, list, name, nested, on, ptr, ratio, shadowed, small, table, when` {
		t.Errorf("Check strict = %v", pe)
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		t    reflect.Type
		want string
	}{
		{reflect.TypeFor[string](), "a string"},
		{reflect.TypeFor[*bool](), "a boolean"},
		{reflect.TypeFor[int64](), "an integer"},
		{reflect.TypeFor[float32](), "a number"},
		{reflect.TypeFor[[]string](), "an array of strings"},
		{reflect.TypeFor[[][]item](), "an array of arrays of tables"},
		{reflect.TypeFor[[]any](), "an array"},
		{reflect.TypeFor[[][]any](), "an array of arrays"},
		{reflect.TypeFor[map[string][]string](), "a table"},
		{reflect.TypeFor[[]map[string]any](), "an array of tables"},
		{reflect.TypeFor[any](), "any value"},
		{reflect.TypeFor[time.Time](), "a date-time"},
	}
	for _, tt := range tests {
		if got := Describe(tt.t); got != tt.want {
			t.Errorf("Describe(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
	var tree map[string]any
	if err := toml.Unmarshal([]byte("s = 'x'\ni = 1\nf = 1.5\nb = true\na = []\nt = {}\nodt = 1979-05-27T07:32:00Z\nldt = 1979-05-27T07:32:00\nld = 1979-05-27\nlt = 07:32:00\n"), &tree); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for k, v := range tree {
		got[k] = TypeOf(v)
	}
	want := map[string]string{
		"s": "a string", "i": "an integer", "f": "a float", "b": "a boolean", "a": "an array", "t": "a table",
		"odt": "a date-time", "ldt": "a local date-time", "ld": "a local date", "lt": "a local time",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TypeOf (-want +got):\n%s", diff)
	}
}

// TestDecodeErrorGoTypes checks that go-toml's own type errors, should one
// reach DecodeError, lose their Go types.
func TestDecodeErrorGoTypes(t *testing.T) {
	tests := []struct {
		data string
		v    any
		want string
	}{
		{"a = 1\n", &struct{ A []string }{}, `f.toml:1:5: a: unexpected integer here`},
		{"a = 300\n", &struct{ A int8 }{}, `f.toml:1:5: a: integer value 300 is out of range`},
		{"[[a]]\nx = 1\n", &struct{ A struct{ X int } }{}, `f.toml:1:3: a: unexpected array of tables here`},
		{"[a]\nx = 1\n", &struct{ A string }{}, `f.toml:1:2: a: unexpected table here`},
	}
	for _, tt := range tests {
		err := toml.Unmarshal([]byte(tt.data), tt.v)
		if err == nil {
			t.Fatalf("toml.Unmarshal(%q): no error", tt.data)
		}
		got := DecodeError("f.toml", []byte(tt.data), err).Error()
		if got != tt.want {
			t.Errorf("DecodeError(%q) = %q, want %q (go-toml said %q)", tt.data, got, tt.want, err)
		}
		if s := GoSyntax(got); s != "" {
			t.Errorf("DecodeError(%q) = %q shows Go syntax %q", tt.data, got, s)
		}
	}
	dec := toml.NewDecoder(strings.NewReader("[t]\nx = 1\ny = 2\n"))
	dec.DisallowUnknownFields()
	err := dec.Decode(&struct{ T struct{ X int } }{})
	if got, want := DecodeError("f.toml", nil, err).Error(), "f.toml:3:1: t.y: unknown key"; got != want {
		t.Errorf("DecodeError(strict) = %q, want %q", got, want)
	}
}

func TestKeyPosRaw(t *testing.T) {
	data := "[a]\nb.c = 3.10\nd = [ 1, 2 ]\n[[e]]\nf = 'x'\n"
	idx, err := Build([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path      string
		key, val  Pos
		raw       string
		exact     bool
		headerTab bool
	}{
		{"a", Pos{1, 1}, Pos{1, 1}, "", true, true},
		{"a.b", Pos{2, 1}, Pos{2, 1}, "", false, false},
		{"a.b.c", Pos{2, 3}, Pos{2, 7}, "3.10", true, false},
		{"a.d", Pos{3, 1}, Pos{3, 5}, "", true, false},
		{"a.d[1]", Pos{3, 10}, Pos{3, 10}, "2", true, false}, // no key: the value
		{"e", Pos{4, 1}, Pos{}, "", false, false},
		{"e[0].f", Pos{5, 1}, Pos{5, 5}, "'x'", true, false},
	} {
		if got, _ := idx.KeyPos(tt.path); got != tt.key {
			t.Errorf("KeyPos(%s) = %v, want %v", tt.path, got, tt.key)
		}
		if got, ok := idx.LookupExact(tt.path); ok != tt.exact || ok && got != tt.val {
			t.Errorf("LookupExact(%s) = %v, %v; want %v, %v", tt.path, got, ok, tt.val, tt.exact)
		}
		if got := idx.Raw(tt.path); got != tt.raw {
			t.Errorf("Raw(%s) = %q, want %q", tt.path, got, tt.raw)
		}
		if got := idx.IsHeaderTable(tt.path); got != tt.headerTab {
			t.Errorf("IsHeaderTable(%s) = %v, want %v", tt.path, got, tt.headerTab)
		}
	}
}
