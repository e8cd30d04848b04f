package pep508

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseRequirement(t *testing.T) {
	type parts struct {
		Name, Key string
		Extras    []string
		Spec, URL string
		Marker    string
		String    string
		HasMarker bool
		ExtraKeys []string
	}
	tests := []struct {
		in   string
		want parts
	}{
		{"torch", parts{Name: "torch", Key: "torch", String: "torch"}},
		{"Flash_Attn[Cuda, dev]==2.8.3 ; python_version >= \"3.10\"", parts{
			Name: "Flash_Attn", Key: "flash-attn", Extras: []string{"Cuda", "dev"}, ExtraKeys: []string{"cuda", "dev"},
			Spec: "==2.8.3", Marker: `python_version >= "3.10"`, HasMarker: true,
			String: `Flash_Attn[Cuda,dev]==2.8.3; python_version >= "3.10"`}},
		{"foo >= 1.0 , < 2 ,!=1.5", parts{Name: "foo", Key: "foo", Spec: "!=1.5,<2,>=1.0", String: "foo!=1.5,<2,>=1.0"}},
		{"foo (>=1.0,)", parts{Name: "foo", Key: "foo", Spec: ">=1.0", String: "foo>=1.0"}},
		{"foo()", parts{Name: "foo", Key: "foo", String: "foo"}},
		{"foo\n", parts{Name: "foo", Key: "foo", String: "foo"}},
		{"a[B,a,B]", parts{Name: "a", Key: "a", Extras: []string{"B", "a"}, ExtraKeys: []string{"a", "b"}, String: "a[B,a]"}},
		{"foo===", parts{Name: "foo", Key: "foo", Spec: "===", String: "foo==="}},
		{"foo @ https://x/y.whl ; extra == \"A_b\"", parts{Name: "foo", Key: "foo", URL: "https://x/y.whl",
			Marker: `extra == "a-b"`, HasMarker: true, String: `foo@ https://x/y.whl ; extra == "a-b"`}},
		// The URL runs to the next blank: the ';' belongs to it.
		{"foo@https://x;python_version>'3'", parts{Name: "foo", Key: "foo", URL: "https://x;python_version>'3'",
			String: "foo@ https://x;python_version>'3'"}},
		{"A.b-c_d[X]@ file:///a.whl", parts{Name: "A.b-c_d", Key: "a-b-c-d", Extras: []string{"X"}, ExtraKeys: []string{"x"},
			URL: "file:///a.whl", String: "A.b-c_d[X]@ file:///a.whl"}},
		// Only the first comparison's extra value is normalized.
		{"a;extra=='B_c'and extra=='D_e'", parts{Name: "a", Key: "a", Marker: `extra == "b-c" and extra == "D_e"`,
			HasMarker: true, String: `a; extra == "b-c" and extra == "D_e"`}},
		{"torch==2.8.0+cu128; sys_platform == 'linux'", parts{Name: "torch", Key: "torch", Spec: "==2.8.0+cu128",
			Marker: `sys_platform == "linux"`, HasMarker: true, String: `torch==2.8.0+cu128; sys_platform == "linux"`}},
	}
	for _, tt := range tests {
		r, err := ParseRequirement(tt.in)
		if err != nil {
			t.Errorf("ParseRequirement(%q): %v", tt.in, err)
			continue
		}
		got := parts{Name: r.Name, Key: r.Key(), Extras: r.Extras, ExtraKeys: r.ExtraKeys(), Spec: r.Specifiers.String(),
			URL: r.URL, Marker: r.Marker.String(), HasMarker: r.Marker != nil, String: r.String()}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseRequirement(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParseRequirementErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"torch (>=2.8", `pep508: expected ')' at column 13 in "torch (>=2.8"`},
		{"", `pep508: expected package name at column 1 in ""`},
		{"-bad", `pep508: expected package name at column 1 in "-bad"`},
		{"foo-", `pep508: expected end or ';' after name and no valid version specifier at column 4 in "foo-"`},
		{"foo>=1.0 bar", `pep508: expected end or ';' after version specifier at column 10 in "foo>=1.0 bar"`},
		{"foo[a b]", `pep508: expected ',' between extra names at column 7 in "foo[a b]"`},
		{"foo[a,]", `pep508: expected extra name after ',' at column 7 in "foo[a,]"`},
		{"foo[a", `pep508: expected ']' at column 6 in "foo[a"`},
		{"foo @", `pep508: expected URL after '@' at column 6 in "foo @"`},
		{"foo @ https://x ;", `pep508: expected a marker variable or quoted string at column 18 in "foo @ https://x ;"`},
		{"foo @ https://x bar", `pep508: expected end or ';' after URL and whitespace at column 17 in "foo @ https://x bar"`},
		{"foo>=1.0.*", `pep508: '.*' suffix allowed only with '==' or '!=' (after ">=") at column 9 in "foo>=1.0.*"`},
		{"foo>=1.0+abc", `pep508: local version label allowed only with '==' or '!=' (after ">=") at column 9 in "foo>=1.0+abc"`},
		{"foo; os_name = 'nt'", `pep508: expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in at column 14 in "foo; os_name = 'nt'"`},
		{"foo; os_name == 'nt' x", `pep508: expected end of dependency specifier at column 22 in "foo; os_name == 'nt' x"`},
		{"foo; os_name not'nt'", `pep508: expected whitespace after 'not' at column 17 in "foo; os_name not'nt'"`},
		{"foo; os_name not 'nt'", `pep508: expected 'in' after 'not' at column 18 in "foo; os_name not 'nt'"`},
		{"foo; (os_name == 'nt'", `pep508: expected ')' at column 22 in "foo; (os_name == 'nt'"`},
		{`foo; os_name == "\x4"`, `pep508: truncated \x escape in quoted string at column 17 in "foo; os_name == \"\\x4\""`},
	}
	for _, tt := range tests {
		_, err := ParseRequirement(tt.in)
		if err == nil {
			t.Errorf("ParseRequirement(%q): no error, want %s", tt.in, tt.want)
			continue
		}
		if got := err.Error(); got != tt.want {
			t.Errorf("ParseRequirement(%q):\n got %s\nwant %s", tt.in, got, tt.want)
		}
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParseRequirement(%q): error %T is not *SyntaxError", tt.in, err)
		}
	}
}

func TestSpecifierSetError(t *testing.T) {
	// The === token swallows ",b"; packaging's SpecifierSet then rejects "b".
	_, err := ParseRequirement("foo===a,b")
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("error %v is not *SyntaxError", err)
	}
	if se.StartColumn() != 4 || se.Column() != 9 || !strings.HasPrefix(se.Msg, "invalid version specifier: ") {
		t.Errorf("error %v: columns %d-%d, msg %q; want 4-9 and an invalid version specifier", err, se.StartColumn(), se.Column(), se.Msg)
	}
}

func TestSyntaxErrorSpan(t *testing.T) {
	_, err := ParseRequirement("torch (>=2.8")
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("error %v is not *SyntaxError", err)
	}
	if got, want := [2]int{se.StartColumn(), se.Column()}, [2]int{7, 13}; got != want {
		t.Errorf("span columns = %v, want %v (the '(' and the place ')' was expected)", got, want)
	}
	// Columns count characters, not bytes.
	_, err = ParseRequirement("é")
	if !errors.As(err, &se) || se.Column() != 1 {
		t.Errorf(`ParseRequirement("é") = %v, want an error at column 1`, err)
	}
	_, err = ParseRequirement("a; os_name == 'é' x")
	if !errors.As(err, &se) || se.Column() != 19 {
		t.Errorf(`column = %v, want 19 (err %v)`, se.Column(), err)
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"torch", "torch"},
		{"Flash_Attn", "flash-attn"},
		{"flash-attn", "flash-attn"},
		{"A__B..C", "a-b-c"},
		{"zope.interface", "zope-interface"},
		{"a-_.-b", "a-b"},
		{"-x-", "-x-"},
		{"--x", "-x"},
		{"", ""},
		{"Foo__Bar", "foo-bar"},
		{"ÉCOLE_x", "école-x"},
		{"\u0130", "i\u0307"},
		{"Flash-Attn", "flash-attn"},
		{"a-_.b", "a-b"},
		{"already-normal", "already-normal"},
		{"a--b", "a-b"},
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.in); got != tt.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestUnquote(t *testing.T) {
	tests := []struct {
		in, want string
		err      bool
	}{
		{`"abc"`, "abc", false},
		{`'a"b'`, `a"b`, false},
		{`"\x41\101\u00e9\U0001F600"`, "AAé😀", false},
		{`"a\tb\n"`, "a\tb\n", false},
		{`"\q\d"`, `\q\d`, false},
		{`'\''`, `'`, false},
		{`"\\"`, `\`, false},
		{"\"a\\\nb\"", "ab", false},
		{`"\0"`, "\x00", false},
		{`"\777"`, "\u01ff", false},
		{`"a\"`, "", true},
		{`"\x4"`, "", true},
		{`"\u12"`, "", true},
		{`"\U00110000"`, "", true},
		{"\"a\nb\"", "", true},
		{"\"a\x00b\"", "", true},
		{`"\N{DASH}"`, "", true},
	}
	for _, tt := range tests {
		got, err := unquote(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("unquote(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}
