package pep440

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The expected normal forms below were printed by str(Version(in)) under
// packaging 24.1.
func TestParseNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.0", "1.0"},
		{"v1.0", "1.0"},
		{"V1.0", "1.0"},
		{" 1.0\t\n", "1.0"},
		{"\u00a01.0\u3000", "1.0"},
		{"\x1c1.0\x1f", "1.0"},
		{"1!2.0", "1!2.0"},
		{"01!02.003", "1!2.3"},
		{"1.0-1", "1.0.post1"},
		{"1.0-post1", "1.0.post1"},
		{"1.0_post_1", "1.0.post1"},
		{"1.0.r1", "1.0.post1"},
		{"1.0rev", "1.0.post0"},
		{"1.0a", "1.0a0"},
		{"1.0alpha1", "1.0a1"},
		{"1.0.Beta.2", "1.0b2"},
		{"1.0c1", "1.0rc1"},
		{"1.0-pre1", "1.0rc1"},
		{"1.0preview2", "1.0rc2"},
		{"1.0RC1", "1.0rc1"},
		{"1.0.dev", "1.0.dev0"},
		{"1.0-dev-3", "1.0.dev3"},
		{"1.0DEV3", "1.0.dev3"},
		{"1.0a1.post2.dev3", "1.0a1.post2.dev3"},
		{"1.0+ABC.01-x_y", "1.0+abc.1.x.y"},
		{"1.0+0.00", "1.0+0.0"},
		{"1.0.0.0", "1.0.0.0"},
		{"0", "0"},
		{"0.0.0", "0.0.0"},
		{"000", "0"},
		{"1.00.1", "1.0.1"},
		{"1.0a.+abc", "1.0a0+abc"},
		{"1.0poſt1", "1.0.post1"},
		{"1prevıew", "1prev\u0131ew0"},
		{"1prevİew", "1previ\u0307ew0"},
		{"1.0+K", "1.0+k"},
		{"2.8.0+cu128", "2.8.0+cu128"},
		{"1.0+cu128torch2.8cxx11abiTRUE", "1.0+cu128torch2.8cxx11abitrue"},
		{"9223372036854775807", "9223372036854775807"},
		{"0000000000000000000000001", "1"},
		{"1.0+99999999999999999999999", "1.0+99999999999999999999999"},
	}
	for _, tt := range tests {
		v, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := v.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Every input below is rejected by packaging 26's Version (all but the
// non-ASCII local labels by 24.1's too).
func TestParseInvalid(t *testing.T) {
	for _, in := range []string{
		"", " ", "v", "1.", ".1", "1..2", "1.0+", "1.0+a..b", "1.0-", "1!", "!1", "1.0.*",
		"1_0", "1.0a1a1", "1.0.post1.post2", "1e3", "\u0663", "1.0\u200b", "1.0 a1", "vv1",
		"1.0+a b", "1.0+_a", "1.0-+a", "1.0.dev1.post1", "1.0dev1a1", "1.0+a-", "a1", "1.0\xff",
		"9223372036854775808", // beyond int64: a documented deviation
		// Accepted by 24.1 (re.IGNORECASE folds them onto k, i), rejected by
		// packaging 26: non-ASCII letters in a local label.
		"1.0+\u212a", "1.0+İ", "1.0+ı", "1.0+abc\u017f",
	} {
		v, err := Parse(in)
		if err == nil {
			t.Errorf("Parse(%q) = %q, want error", in, v)
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) || se.Input != in {
			t.Errorf("Parse(%q) error = %#v, want *SyntaxError with the input", in, err)
		}
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.0-", `pep440: expected end of version at column 4 in "1.0-"`},
		{"  x", `pep440: expected release number at column 3 in "  x"`},
		{"1!", `pep440: expected release number after epoch at column 3 in "1!"`},
		{"1.0+a..b", `pep440: expected local version segment at column 7 in "1.0+a..b"`},
		{"é1", `pep440: expected release number at column 1 in "é1"`},
		{"1.0é", `pep440: expected end of version at column 4 in "1.0é"`},
		{"99999999999999999999", `pep440: number too large at column 1 in "99999999999999999999"`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) error = %v, want %s", tt.in, err, tt.want)
		}
	}
}

func TestAccessors(t *testing.T) {
	type fields struct {
		Epoch                      int
		Release                    []int
		PreL                       string
		PreN                       int
		PreOK                      bool
		Post                       int
		PostOK                     bool
		Dev                        int
		DevOK                      bool
		Local                      string
		Pre, PostRel, DevRel, Zero bool
		Public, Base               string
		Major, Minor               int
	}
	get := func(v Version) fields {
		var f fields
		f.Epoch, f.Release = v.Epoch(), v.Release()
		f.PreL, f.PreN, f.PreOK = v.Pre()
		f.Post, f.PostOK = v.Post()
		f.Dev, f.DevOK = v.Dev()
		f.Local = v.Local()
		f.Pre, f.PostRel, f.DevRel, f.Zero = v.IsPrerelease(), v.IsPostrelease(), v.IsDevrelease(), v.IsZero()
		f.Public, f.Base = v.Public().String(), v.BaseVersion().String()
		f.Major, f.Minor = v.MajorMinor()
		return f
	}
	tests := []struct {
		in   string
		want fields
	}{
		{"2!1.02.0rc3.post4.dev5+Cu128", fields{Epoch: 2, Release: []int{1, 2, 0}, PreL: "rc", PreN: 3, PreOK: true,
			Post: 4, PostOK: true, Dev: 5, DevOK: true, Local: "cu128", Pre: true, PostRel: true, DevRel: true,
			Public: "2!1.2.0rc3.post4.dev5", Base: "2!1.2.0", Major: 1, Minor: 2}},
		{"2.8.0+cu128", fields{Release: []int{2, 8, 0}, Local: "cu128", Public: "2.8.0", Base: "2.8.0", Major: 2, Minor: 8}},
		{"3", fields{Release: []int{3}, Public: "3", Base: "3", Major: 3}},
		{"0.0", fields{Release: []int{0, 0}, Public: "0.0", Base: "0.0"}},
		{"1.0.dev0", fields{Release: []int{1, 0}, DevOK: true, Pre: true, DevRel: true, Public: "1.0.dev0", Base: "1.0", Major: 1}},
		{"1.0-3", fields{Release: []int{1, 0}, Post: 3, PostOK: true, PostRel: true, Public: "1.0.post3", Base: "1.0", Major: 1}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, get(MustParse(tt.in))); diff != "" {
			t.Errorf("accessors of %q (-want +got):\n%s", tt.in, diff)
		}
	}
	var zero Version
	if diff := cmp.Diff(fields{Release: []int{}, Zero: true}, get(zero)); diff != "" {
		t.Errorf("accessors of the zero Version (-want +got):\n%s", diff)
	}
}

// The orders below were checked with packaging 24.1 (each strictly below
// the next).
func TestCompareOrder(t *testing.T) {
	for _, order := range [][]string{
		{"1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2",
			"1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5",
			"1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1", "1!0.1"},
		{"1.0", "1.0+a", "1.0+a.b", "1.0+a.0", "1.0+a.1", "1.0+b", "1.0+0", "1.0+1", "1.0+1.a", "1.0+2", "1.0+10"},
		{"1.0b1", "1prevİew", "1prevıew", "1rc0"},
		{"1.0.post5", "1.0poſt0"},
		{"2.9", "2.10", "10.0", "10.0.0.1"},
	} {
		for i := range order {
			for j := range order {
				a, b := MustParse(order[i]), MustParse(order[j])
				if got, want := a.Compare(b), cmpInt(i, j); got != want {
					t.Errorf("Compare(%q, %q) = %d, want %d", order[i], order[j], got, want)
				}
			}
		}
		shuffled := slices.Clone(order)
		slices.Reverse(shuffled)
		vs := make([]Version, len(shuffled))
		for i, s := range shuffled {
			vs[i] = MustParse(s)
		}
		slices.SortFunc(vs, Compare)
		got := make([]string, len(vs))
		for i, v := range vs {
			got[i] = v.String()
		}
		want := make([]string, len(order))
		for i, s := range order {
			want[i] = MustParse(s).String()
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("sorted (-want +got):\n%s", diff)
		}
	}
}

func TestCompareEqualSpellings(t *testing.T) {
	for _, pair := range [][2]string{
		{"1.0", "1.0.0.0"}, {"1.0+K", "1.0+k"}, {"v1.0-1", "1.0.post1"}, {"1.0a", "1.0alpha0"},
		{"0", "0.0"}, {"1.0+01", "1.0+1"}, {"1.0+a-b", "1.0+a.b"}, {"1!1", "01!1.0"},
	} {
		a, b := MustParse(pair[0]), MustParse(pair[1])
		if a.Compare(b) != 0 || b.Compare(a) != 0 || !a.Equal(b) {
			t.Errorf("Compare(%q, %q) = %d, want 0", pair[0], pair[1], a.Compare(b))
		}
	}
	var zero Version
	if zero.Compare(MustParse("0")) != -1 || MustParse("0").Compare(zero) != 1 || zero.Compare(zero) != 0 {
		t.Errorf("the zero Version must sort before every version")
	}
}

func TestCompareDoesNotAllocate(t *testing.T) {
	a, b := MustParse("1.2.3rc1.post2.dev3+cu128.abc"), MustParse("1.2.3rc1.post2.dev3+cu128.abd")
	n := testing.AllocsPerRun(100, func() {
		if a.Compare(b) != -1 {
			t.Fatal("wrong order")
		}
	})
	if n != 0 {
		t.Errorf("Compare allocates %v times", n)
	}
	n = testing.AllocsPerRun(100, func() { _, _ = Parse("2.8.0+cu128") })
	if n != 0 {
		t.Errorf("Parse of a normalized version allocates %v times", n)
	}
}

func TestTextMarshaling(t *testing.T) {
	var v Version
	if err := v.UnmarshalText([]byte("V1.0-1")); err != nil {
		t.Fatal(err)
	}
	b, _ := v.MarshalText()
	if string(b) != "1.0.post1" {
		t.Errorf("MarshalText = %q, want 1.0.post1", b)
	}
	if err := v.UnmarshalText([]byte("nope")); err == nil {
		t.Errorf("UnmarshalText(nope) succeeded")
	}
}

// TestIsSpace checks isSpace against the code points for which Python 3.13's
// str.isspace (and re's \s) is true.
func TestIsSpace(t *testing.T) {
	want := map[rune]bool{0x85: true, 0xa0: true, 0x1680: true, 0x2028: true, 0x2029: true, 0x202f: true, 0x205f: true, 0x3000: true}
	for r := rune(0x09); r <= 0x0d; r++ {
		want[r] = true
	}
	for r := rune(0x1c); r <= 0x20; r++ {
		want[r] = true
	}
	for r := rune(0x2000); r <= 0x200a; r++ {
		want[r] = true
	}
	for r := rune(0); r <= 0x10ffff; r++ {
		if isSpace(r) != want[r] {
			t.Errorf("isSpace(%U) = %v, want %v", r, isSpace(r), want[r])
		}
	}
}
