package pep440

import (
	"slices"
	"strings"
)

// Specifiers is a specifier set such as ">=2.8,<2.10", packaging's
// SpecifierSet. The zero value (nil) is the empty set, which matches every
// final release. ParseSpecifiers returns the items without duplicates and
// sorted as String prints them; a Specifiers is a slice header, cheap to
// copy.
type Specifiers []Specifier

// ParseSpecifiers parses a comma-separated specifier set, accepting exactly
// what packaging's SpecifierSet accepts: "" and blank items are allowed
// (",>=1, ," is ">=1"); items are deduplicated by packaging's canonical form
// (">=1.0,>=1" keeps ">=1.0"). Errors are *SyntaxError.
func ParseSpecifiers(s string) (Specifiers, error) {
	var out Specifiers
	for from := 0; from <= len(s); {
		to := strings.IndexByte(s[from:], ',')
		if to < 0 {
			to = len(s)
		} else {
			to += from
		}
		if i, j := trimSpace(s[from:to]); i < j {
			sp, err := parseSpecifier(s, from, to)
			if err != nil {
				return nil, err
			}
			if !slices.ContainsFunc(out, sp.sameCanonical) {
				if out == nil {
					out = make(Specifiers, 0, strings.Count(s[from:], ",")+1)
				}
				out = append(out, sp)
			}
		}
		from = to + 1
	}
	out.sort()
	return out, nil
}

// MustParseSpecifiers is like ParseSpecifiers but panics on invalid input.
func MustParseSpecifiers(s string) Specifiers {
	ss, err := ParseSpecifiers(s)
	if err != nil {
		panic(err)
	}
	return ss
}

// sort orders s by String, as str(SpecifierSet) does.
func (s Specifiers) sort() {
	slices.SortFunc(s, func(a, b Specifier) int {
		return cmpConcat(a.Op, a.Version, b.Op, b.Version)
	})
}

// cmpConcat compares a1+a2 with b1+b2 without building them.
func cmpConcat(a1, a2, b1, b2 string) int {
	for {
		if a1 == "" {
			a1, a2 = a2, ""
		}
		if b1 == "" {
			b1, b2 = b2, ""
		}
		if a1 == "" || b1 == "" {
			return cmpInt(len(a1), len(b1))
		}
		n := min(len(a1), len(b1))
		if c := strings.Compare(a1[:n], b1[:n]); c != 0 {
			return c
		}
		a1, b1 = a1[n:], b1[n:]
	}
}

// sameCanonical reports whether packaging deems s and t the same specifier:
// same operator and same canonicalize_version of the text (trailing zero
// release numbers dropped except for ~=; the text itself when it is not a
// version).
func (s Specifier) sameCanonical(t Specifier) bool {
	if s.Op != t.Op {
		return false
	}
	if s.c.op == opNone {
		s = s.ready()
	}
	if t.c.op == opNone {
		t = t.ready()
	}
	sv, tv := s.c.vok && !s.c.wild, t.c.vok && !t.c.wild
	if !sv || !tv {
		return !sv && !tv && s.Version == t.Version
	}
	a, b := s.c.v, t.c.v
	if a.epoch != b.epoch || a.rel != b.rel || a.preL != b.preL || a.pre != b.pre ||
		(a.postL == postNone) != (b.postL == postNone) || a.post != b.post ||
		a.dev1 != b.dev1 || a.dev != b.dev || a.local != b.local {
		return false
	}
	if s.Op == "~=" {
		return a.zeros == b.zeros
	}
	return true
}

// String returns the items joined by commas, sorted, as packaging's
// str(SpecifierSet) prints them.
func (s Specifiers) String() string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0].String()
	}
	var b strings.Builder
	for i := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i].Op)
		b.WriteString(s[i].Version)
	}
	return b.String()
}

// MarshalText returns String.
func (s Specifiers) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses text with ParseSpecifiers.
func (s *Specifiers) UnmarshalText(text []byte) error {
	p, err := ParseSpecifiers(string(text))
	if err != nil {
		return err
	}
	*s = p
	return nil
}

// Contains reports whether v satisfies every item of s, as packaging's
// SpecifierSet.contains(v, prereleases=prereleases). With prereleases false
// a pre-release or development release never matches, not even in the empty
// set; pip passes true under --pre, or when Prereleases says so.
func (s Specifiers) Contains(v Version, prereleases bool) bool {
	if v.IsZero() || (!prereleases && v.IsPrerelease()) {
		return false
	}
	for i := range s {
		sp := &s[i]
		if sp.c.op == opNone {
			r := sp.ready()
			sp = &r
		}
		if !sp.match(v) {
			return false
		}
	}
	return true
}

// Prereleases reports packaging's implicit SpecifierSet.prereleases: true
// when an item with ==, ===, <=, >= or ~= names a pre-release or
// development release (==2.8.* names 2.8). It is false for the empty set
// (packaging's None). An === item whose text is not a version counts as
// false (packaging raises there).
func (s Specifiers) Prereleases() bool {
	for i := range s {
		sp := s[i].ready()
		switch sp.c.op {
		case opEqual, opArbitrary, opLessEqual, opGreaterEqual, opCompatible:
			if sp.c.vok && sp.c.v.IsPrerelease() {
				return true
			}
		}
	}
	return false
}

// And returns the items of s and t together, as packaging's s & t: an item
// of t that is the same specifier as one of s is dropped.
func (s Specifiers) And(t Specifiers) Specifiers {
	if len(t) == 0 {
		return s
	}
	if len(s) == 0 {
		return t
	}
	out := make(Specifiers, len(s), len(s)+len(t))
	copy(out, s)
	for i := range t {
		if !slices.ContainsFunc(out, t[i].ready().sameCanonical) {
			out = append(out, t[i])
		}
	}
	out.sort()
	return out
}

// Filter returns the versions of vs that s allows, in their order, as
// packaging's SpecifierSet.filter(vs, prereleases) where prereleases false
// stands for None (pip's call without --pre):
//
//   - prereleases true: every v with Contains(v, true).
//   - prereleases false, s not empty: every v with Contains(v, s.Prereleases()).
//     Packaging 24.1 has no fallback here: when only pre-releases match,
//     the result is empty.
//   - prereleases false, s empty: the final releases; when vs holds none,
//     all of vs (its pre-releases).
func (s Specifiers) Filter(vs []Version, prereleases bool) []Version {
	var out []Version
	if !prereleases && len(s) == 0 {
		for _, v := range vs {
			if !v.IsZero() && !v.IsPrerelease() {
				out = append(out, v)
			}
		}
		if len(out) == 0 {
			for _, v := range vs {
				if !v.IsZero() {
					out = append(out, v)
				}
			}
		}
		return out
	}
	pre := prereleases || s.Prereleases()
	for _, v := range vs {
		if s.Contains(v, pre) {
			out = append(out, v)
		}
	}
	return out
}
