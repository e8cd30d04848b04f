package pep440

import (
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	"1.0", "v1!2.3.4rc5.post6.dev7+abc.8", "1.0-1", "1.0a.+x", "1.0poſt1", "1prevİew", "1.0+K",
	" 1.0\n", "1.0+", "01.002", "0", "9223372036854775807", "1.0.*", "1..0", "1.0+a_b-c",
}

// fuzzProbe is a fixed set of versions compared against fuzzed ones.
var fuzzProbe = []string{"0", "1.0", "1.0a1", "1.0.post1", "1.0+x", "1!0", "1.0.dev0", "2.8.0+cu128", "1.0.0rc1.post1.dev1"}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	probes := make([]Version, len(fuzzProbe))
	for i, s := range fuzzProbe {
		probes[i] = MustParse(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "pep440: ") {
				t.Fatalf("Parse(%q) error %q lacks the pep440: prefix", s, err)
			}
			return
		}
		str := v.String()
		if v.Compare(v) != 0 {
			t.Fatalf("Parse(%q).Compare(itself) != 0", s)
		}
		w, err := Parse(str)
		if !v.oddUnicode() {
			if err != nil {
				t.Fatalf("Parse(String(%q)) = %q: %v", s, str, err)
			}
			if w.String() != str || w.Compare(v) != 0 {
				t.Fatalf("Parse(String(%q)) = %q, not %q", s, w, str)
			}
		}
		for _, p := range probes {
			a, b := v.Compare(p), p.Compare(v)
			if a != -b {
				t.Fatalf("Compare(%q, %q) = %d but Compare(%q, %q) = %d", s, p, a, p, s, b)
			}
			if a == 0 && v.String() != p.String() && v.BaseVersion().Compare(p.BaseVersion()) != 0 {
				t.Fatalf("Compare(%q, %q) = 0 with different bases", s, p)
			}
		}
		if v.Public().Compare(v) > 0 || v.BaseVersion().Epoch() != v.Epoch() {
			t.Fatalf("Public or BaseVersion of %q inconsistent", s)
		}
	})
}

func FuzzSpecifiers(f *testing.F) {
	for _, s := range []string{
		">=2.8,<2.10", "==2.8.*", "!=2.8.*", "~=2.2", "===foo", "", ",,", "==2.8.0+cu128", ">1.0.post1",
		"<2.0a1", "~=1.4c1", "~=v1!1.4", "== 1.0", "===", "~=2", "<2.0.*", "==1.0poſt1",
	} {
		f.Add(s, "2.8.1")
	}
	f.Fuzz(func(t *testing.T, s, vs string) {
		ss, err := ParseSpecifiers(s)
		v, verr := Parse(vs)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "pep440: ") {
				t.Fatalf("ParseSpecifiers(%q) error %q lacks the pep440: prefix", s, err)
			}
			return
		}
		str := ss.String()
		again, err := ParseSpecifiers(str)
		if err != nil {
			t.Fatalf("ParseSpecifiers(String(%q)) = %q: %v", s, str, err)
		}
		if again.String() != str {
			t.Fatalf("ParseSpecifiers(%q).String() = %q, then %q", s, str, again)
		}
		if verr != nil {
			return
		}
		for _, pre := range []bool{true, false} {
			got := ss.Contains(v, pre)
			if again.Contains(v, pre) != got {
				t.Fatalf("%q and its String %q disagree on %q", s, str, vs)
			}
			want := pre || !v.IsPrerelease() // the set-level pre-release check
			for _, sp := range ss {
				if !sp.Contains(v, pre) {
					want = false
				}
				lit := Specifier{Op: sp.Op, Version: sp.Version}
				if lit.Contains(v, pre) != sp.Contains(v, pre) {
					t.Fatalf("literal %q disagrees with the parsed one on %q", sp, vs)
				}
			}
			if got != want {
				t.Fatalf("set %q Contains(%q) = %v, items say %v", s, vs, got, want)
			}
			if got && !pre && v.IsPrerelease() {
				t.Fatalf("%q contains pre-release %q with prereleases=false", s, vs)
			}
		}
		if f := ss.Filter([]Version{v}, true); (len(f) == 1) != ss.Contains(v, true) {
			t.Fatalf("Filter and Contains disagree on %q in %q", vs, s)
		}
	})
}

// FuzzCompare checks that Compare is a total order on three fuzzed versions:
// antisymmetric, transitive, and consistent with Equal and Less.
func FuzzCompare(f *testing.F) {
	f.Add("1.0", "1.0.0+x", "1.0.post1")
	f.Add("1.0a1", "1.0.dev0", "1.0rc1.post1")
	f.Add("1!0", "2.0", "1.0+a.1")
	f.Add("1.0+1", "1.0+a", "1.0+a.0")
	f.Fuzz(func(t *testing.T, as, bs, cs string) {
		a, err1 := Parse(as)
		b, err2 := Parse(bs)
		c, err3 := Parse(cs)
		if err1 != nil || err2 != nil || err3 != nil {
			return
		}
		ab, bc, ac := a.Compare(b), b.Compare(c), a.Compare(c)
		if ab != -b.Compare(a) || bc != -c.Compare(b) || ac != -c.Compare(a) {
			t.Fatalf("Compare not antisymmetric on %q %q %q", as, bs, cs)
		}
		if ab <= 0 && bc <= 0 && ac > 0 || ab >= 0 && bc >= 0 && ac < 0 {
			t.Fatalf("Compare not transitive: %q ? %q = %d, %q ? %q = %d, %q ? %q = %d", as, bs, ab, bs, cs, bc, as, cs, ac)
		}
		if a.Equal(b) != (ab == 0) || a.Less(b) != (ab < 0) {
			t.Fatalf("Equal/Less disagree with Compare on %q %q", as, bs)
		}
	})
}
