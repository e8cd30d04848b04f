package pep440

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Expected strings were printed by str(SpecifierSet(in)) under packaging 24.1.
func TestParseSpecifiersString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{" ", ""},
		{",", ""},
		{">=1, ,<2", "<2,>=1"},
		{">= 1.0", ">=1.0"},
		{"==2.8.*", "==2.8.*"},
		{"!=2.8.*", "!=2.8.*"},
		{"== 2.8.* ", "==2.8.*"},
		{"===foo", "===foo"},
		{"===", "==="},
		{"=== ", "==="},
		{"====1.0", "====1.0"},
		{"===1.0+CU128", "===1.0+CU128"},
		{"~=2.2", "~=2.2"},
		{"~=1.4.5a4", "~=1.4.5a4"},
		{">=1.0,>=1.0.0", ">=1.0"},
		{">=1.0.0,>=1.0", ">=1.0.0"},
		{"~=1.0,~=1.0.0", "~=1.0,~=1.0.0"},
		{"===1.0,===1.0.0", "===1.0"},
		{"==1.0.*,==1.00.*", "==1.0.*,==1.00.*"},
		{"<2,>=1,!=1.5", "!=1.5,<2,>=1"},
		{"==v2.8", "==v2.8"},
		{"==2.8.0+cu128", "==2.8.0+cu128"},
		{"==1.0poſt1,==1.0.post1", "==1.0poſt1"},
		{"<1,<=1", "<1,<=1"},
		{"\u3000>=1\u00a0,\t<2\n", "<2,>=1"},
	}
	for _, tt := range tests {
		ss, err := ParseSpecifiers(tt.in)
		if err != nil {
			t.Errorf("ParseSpecifiers(%q): %v", tt.in, err)
			continue
		}
		if got := ss.String(); got != tt.want {
			t.Errorf("ParseSpecifiers(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Every input below is rejected by packaging 24.1's SpecifierSet.
func TestParseSpecifiersInvalid(t *testing.T) {
	for _, in := range []string{
		"~=2", "==2.*.1", "<2.0.*", ">=2.8+cu128", "<=1.0+a", "~=1.0+a", ">=1.0.*", "~=1.0.*", "=1.0",
		"=>1.0", "1.0", ">=", "==", ">=1.0 a", "===a b", "===a;", "===a)", ">=1.0;", "== 1.0.* .*",
		"==1.0a1.*", "==1.0.post1.*", "==1.0+a.*", ">=1,,<2 x", "!=1.0+a.*", ">>1", "~= 1",
		">=\u200b1.0", "< =1", "torch>=2.8",
	} {
		ss, err := ParseSpecifiers(in)
		if err == nil {
			t.Errorf("ParseSpecifiers(%q) = %q, want error", in, ss)
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) || se.Input != in || !strings.HasPrefix(err.Error(), "pep440: ") {
			t.Errorf("ParseSpecifiers(%q) error = %#v, want *SyntaxError", in, err)
		}
	}
}

func TestSpecifierErrorMessages(t *testing.T) {
	tests := []struct{ in, want string }{
		{">=2.8,~=2", `pep440: ~= needs at least two release numbers at column 9 in ">=2.8,~=2"`},
		{"<2.0.*", `pep440: '.*' allowed only with == and != at column 5 in "<2.0.*"`},
		{">=2.8+cu128", `pep440: local version label allowed only with == and != at column 6 in ">=2.8+cu128"`},
		{"==2.*.1", `pep440: expected end of version at column 4 in "==2.*.1"`},
		{"torch>=2.8", `pep440: expected operator (~=, ==, !=, <=, >=, <, >, ===) at column 1 in "torch>=2.8"`},
		{">= ", `pep440: expected version after >= at column 3 in ">= "`},
		{"===a b", `pep440: expected end of arbitrary version (no whitespace, ';' or ')') at column 5 in "===a b"`},
	}
	for _, tt := range tests {
		_, err := ParseSpecifiers(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseSpecifiers(%q) error = %v\nwant %s", tt.in, err, tt.want)
		}
	}
}

// Expected results were printed by SpecifierSet(spec).contains(Version(v),
// prereleases=True/False) under packaging 24.1 (where packaging raises,
// false).
func TestContains(t *testing.T) {
	tests := []struct {
		spec, v    string
		pre, nopre bool
	}{
		{"==2.8.0", "2.8.0+cu128", true, true},
		{"==2.8.0+cu128", "2.8.0+cu126", false, false},
		{"==2.8.0+cu128", "2.8+cu128", true, true},
		{">2.8", "2.8.post1", false, false},
		{">2.8.post1", "2.8.post2", true, true},
		{">2.8", "2.8+cu128", false, false},
		{">2.8", "2.9.post1", true, true},
		{"<2.8", "2.8rc1", false, false},
		{"<2.8rc2", "2.8rc1", true, false},
		{"<2.8", "2.7.dev0", true, false},
		{"<2.8", "2.8.dev0", false, false},
		{"<=2.8", "2.8+local", true, true},
		{">=2.8", "2.8.0+cu128", true, true},
		{"==2.8.*", "2.8.1", true, true},
		{"==2.8.*", "2.9", false, false},
		{"!=2.8.*", "2.8.5+x", false, false},
		{"==2.*", "2", true, true},
		{"==2.0.*", "2", true, true},
		{"==1!2.*", "2.0", false, false},
		{"~=2.2", "2.3", true, true},
		{"~=2.2", "3.0", false, false},
		{"~=2.2.0", "2.3", false, false},
		{"~=1.4c1", "1.5", false, false},
		{"~=1.4rc1", "1.5", true, true},
		{"~=v1.4", "1.4", false, false},
		{"~=1.4.A1", "1.4.5", true, true},
		{"~=v1!1.4", "1!1.5", true, true},
		{"===1.0", "1.0", true, true},
		{"===1.0", "1.0.0", false, false},
		{"===1.0+CU128", "1.0+cu128", true, true},
		{"===foo", "1.0", false, false},
		{"==1.0.*", "1.0prevıew1", true, false},
		{"==1.5.*", "1.5prevıew0", false, false},
		{"==1.0.*", "1.5prevıew0", true, false},
		{">=1.0a1", "1.0a2", true, false},
		{"", "1.0a1", true, false},
		{"", "1.0", true, true},
		{">=1.0", "1.0.post1", true, true},
		{"<1.0.post1", "1.0", true, true},
		{">1.0", "1.0.post0.dev0", false, false},
		{"==1.0poſt1", "1.0.post1", false, false},
		{"==1.0.post1", "1.0poſt1", true, true},
		{">=1", "1prevİew", false, false}, // packaging raises with prereleases=True
		{"<2", "1prevİew", true, false},
		{">=2.8,<2.10", "2.9.1", true, true},
		{">=2.8,<2.10", "2.10.0", false, false},
	}
	for _, tt := range tests {
		ss := MustParseSpecifiers(tt.spec)
		v := MustParse(tt.v)
		if got := ss.Contains(v, true); got != tt.pre {
			t.Errorf("ParseSpecifiers(%q).Contains(%q, true) = %v, want %v", tt.spec, tt.v, got, tt.pre)
		}
		if got := ss.Contains(v, false); got != tt.nopre {
			t.Errorf("ParseSpecifiers(%q).Contains(%q, false) = %v, want %v", tt.spec, tt.v, got, tt.nopre)
		}
		// A literal Specifier (no parse cache) must agree.
		if len(ss) == 1 {
			lit := Specifier{Op: ss[0].Op, Version: ss[0].Version}
			if got := lit.Contains(v, true); got != tt.pre {
				t.Errorf("Specifier{%q, %q}.Contains(%q, true) = %v, want %v", lit.Op, lit.Version, tt.v, got, tt.pre)
			}
		}
	}
	var zero Version
	if (Specifiers{}).Contains(zero, true) {
		t.Errorf("the empty set contains the zero Version")
	}
	if (Specifier{Op: ">=", Version: "1.0+x"}).Contains(MustParse("2"), true) {
		t.Errorf("an invalid literal Specifier contains 2")
	}
}

func TestPrereleases(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"==2.8.*,>=1", false},
		{">=1.0.dev0", true},
		{"!=1.0a1", false},
		{"===1.0a1", true},
		{"<1.0a1", false},
		{"~=1.0rc1", true},
		{"<=2.0b1", true},
		{"==1.0a1", true},
		{"", false},
		{"===foo", false},
	}
	for _, tt := range tests {
		if got := MustParseSpecifiers(tt.in).Prereleases(); got != tt.want {
			t.Errorf("ParseSpecifiers(%q).Prereleases() = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// Expected results were printed by list(SpecifierSet(spec).filter(vs,
// prereleases=None or True)) under packaging 24.1.
func TestFilter(t *testing.T) {
	tests := []struct {
		spec string
		vs   []string
		pre  bool
		want []string
	}{
		{">=1.0", []string{"1.1a1"}, false, nil},
		{"", []string{"1.0a1", "1.1a1"}, false, []string{"1.0a1", "1.1a1"}},
		{"", []string{"1.0a1", "1.0", "1.1a1"}, false, []string{"1.0"}},
		{">=1.0a1", []string{"1.0a2", "1.0", "0.9"}, false, []string{"1.0a2", "1.0"}},
		{">=1.0", []string{"1.1a1", "1.0"}, true, []string{"1.1a1", "1.0"}},
		{"", []string{"1.1a1", "1.0"}, true, []string{"1.1a1", "1.0"}},
		{"==2.8.*", []string{"2.7.1", "2.8.0+cu128", "2.8.1", "2.9.0"}, false, []string{"2.8.0+cu128", "2.8.1"}},
	}
	for _, tt := range tests {
		vs := make([]Version, len(tt.vs))
		for i, s := range tt.vs {
			vs[i] = MustParse(s)
		}
		var got []string
		for _, v := range MustParseSpecifiers(tt.spec).Filter(vs, tt.pre) {
			got = append(got, v.String())
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseSpecifiers(%q).Filter(%q, %v) (-want +got):\n%s", tt.spec, tt.vs, tt.pre, diff)
		}
	}
}

func TestAnd(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{">=1.0", ">=1.0.0,<2", "<2,>=1.0"},
		{">=1.0.0,<2", ">=1.0", "<2,>=1.0.0"},
		{"", ">=1", ">=1"},
		{">=1", "", ">=1"},
		{"", "", ""},
	}
	for _, tt := range tests {
		a, b := MustParseSpecifiers(tt.a), MustParseSpecifiers(tt.b)
		if got := a.And(b).String(); got != tt.want {
			t.Errorf("%q & %q = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
	// And does not modify its operands.
	a, b := MustParseSpecifiers(">=1"), MustParseSpecifiers("<2")
	_ = a.And(b)
	if a.String() != ">=1" || b.String() != "<2" {
		t.Errorf("And modified its operands: %q %q", a, b)
	}
}

func TestSpecifierValue(t *testing.T) {
	sp, err := ParseSpecifier(" >= 2.8 ")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Specifier{Op: ">=", Version: "2.8"}, sp); diff != "" {
		t.Errorf("ParseSpecifier (-want +got):\n%s", diff)
	}
	if _, err := ParseSpecifier(">=1,<2"); err == nil {
		t.Errorf("ParseSpecifier accepted a set")
	}
	ss := MustParseSpecifiers("<2, >=1")
	if diff := cmp.Diff(Specifiers{{Op: "<", Version: "2"}, {Op: ">=", Version: "1"}}, ss); diff != "" {
		t.Errorf("ParseSpecifiers (-want +got):\n%s", diff)
	}
	var back Specifiers
	text, _ := ss.MarshalText()
	if err := back.UnmarshalText(text); err != nil || back.String() != "<2,>=1" {
		t.Errorf("text round trip = %q, %v", back, err)
	}
}

func TestSpecifierContainsDoesNotAllocate(t *testing.T) {
	ss := MustParseSpecifiers(">=2.8,<2.10,!=2.9.1,~=2.8,==2.*")
	v := MustParse("2.9.0+cu128")
	n := testing.AllocsPerRun(100, func() {
		if !ss.Contains(v, false) {
			t.Fatal("wrong answer")
		}
	})
	if n != 0 {
		t.Errorf("Contains allocates %v times", n)
	}
}
