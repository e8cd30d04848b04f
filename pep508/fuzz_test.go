package pep508

import (
	"strings"
	"testing"
)

func fuzzSeeds(f *testing.F, markers bool) {
	g := newGen(1)
	for i := 0; i < 50; i++ {
		if markers {
			f.Add(g.markerString())
		} else {
			f.Add(g.requirement())
		}
	}
	seeds := edgeRequirements
	if markers {
		seeds = edgeMarkers
	}
	for _, s := range seeds {
		f.Add(s)
	}
}

// printable reports whether every string value in the marker prints back as
// itself: packaging prints values in double quotes without escaping, so a
// value holding a double quote, a backslash or a newline does not re-parse
// to the same value.
func printable(list []node) bool {
	for i := range list {
		n := &list[i]
		switch n.kind {
		case nodeItem:
			for _, o := range [...]operand{n.lhs, n.rhs} {
				if !o.isVar && strings.ContainsAny(o.value, "\"\\\n\r\x00") {
					return false
				}
			}
		case nodeGroup:
			if !printable(n.group) {
				return false
			}
		}
	}
	return true
}

// dropsParens reports whether String prints some parenthesized group of the
// list without its parentheses, as packaging does for a group holding a
// single comparison or group, and for a marker that is one group. Re-parsing
// such a print can change the grouping, and with it which comparison comes
// first (packaging normalizes the extra value of the first one only).
func dropsParens(list []node, top bool) bool {
	if top && len(list) == 1 && list[0].kind == nodeGroup {
		return true
	}
	for i := range list {
		if n := &list[i]; n.kind == nodeGroup {
			if len(n.group) == 1 || dropsParens(n.group, false) {
				return true
			}
		}
	}
	return false
}

// checkMarkerRoundTrip checks that String re-parses to the same String: at
// once, or from the second round on when String dropped parentheses.
func checkMarkerRoundTrip(t *testing.T, m *Marker, reparse func(string) (string, error)) {
	if !printable(m.list) {
		return
	}
	s1 := m.String()
	s2, err := reparse(s1)
	if err != nil {
		t.Fatalf("String() %q does not re-parse: %v", s1, err)
	}
	if !dropsParens(m.list, true) {
		if s2 != s1 {
			t.Fatalf("String() %q re-parses to %q", s1, s2)
		}
		return
	}
	s3, err := reparse(s2)
	if err != nil || s3 != s2 {
		t.Fatalf("second round: %q re-parses to %q, %v", s2, s3, err)
	}
}

func FuzzParseMarker(f *testing.F) {
	fuzzSeeds(f, true)
	envs := []map[string]string{LinuxEnv("3.12.12"), {}, nil}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMarker(s)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("error %T is not *SyntaxError", err)
			}
			return
		}
		for _, env := range envs {
			m.Evaluate(env)
			m.EvaluateExtras(env, []string{"a", "B_c"})
		}
		m.Variables()
		_ = And(m, m).String()
		checkMarkerRoundTrip(t, m, func(s string) (string, error) {
			m, err := ParseMarker(s)
			return m.String(), err
		})
	})
}

func FuzzParseRequirement(f *testing.F) {
	fuzzSeeds(f, false)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRequirement(s)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("error %T is not *SyntaxError", err)
			}
			return
		}
		if r.Name == "" || r.Key() == "" {
			t.Fatalf("empty name from %q", s)
		}
		if r.Marker == nil {
			s1 := r.String()
			r2, err := ParseRequirement(s1)
			if err != nil || r2.String() != s1 {
				t.Fatalf("String() %q re-parses to %q, %v", s1, r2.String(), err)
			}
			return
		}
		r.Marker.Evaluate(LinuxEnv("3.10.13"))
		reparse := func(s string) (string, error) {
			m, err := ParseMarker(s)
			return m.String(), err
		}
		checkMarkerRoundTrip(t, r.Marker, reparse)
		if !printable(r.Marker.list) {
			return
		}
		// The whole requirement re-parses to the same parts and marker.
		r2, err := ParseRequirement(r.String())
		if err != nil || r2.Marker == nil {
			t.Fatalf("String() %q does not re-parse with a marker: %v", r.String(), err)
		}
		want, _ := reparse(r.Marker.String())
		if r2.Name != r.Name || r2.URL != r.URL || r2.Specifiers.String() != r.Specifiers.String() || r2.Marker.String() != want {
			t.Fatalf("String() %q re-parses to %q", r.String(), r2.String())
		}
	})
}
