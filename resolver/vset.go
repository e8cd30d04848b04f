package resolver

import "math/bits"

// vset is a set over one package's candidate list plus one extra element,
// "absent" (the package is not selected at all). Candidate i is bit i; absent
// is bit n, where n is the number of candidates.
//
// A positive PubGrub term "pkg in S" is the set S (absent bit clear); its
// negation "not (pkg in S)" is the complement of S over the n+1 elements, so
// it contains absent. Intersection, union, subset and disjointness of terms
// are then plain bit operations, and a constraint ("if pkg is selected, it is
// in S") is simply the set S ∪ {absent}.
type vset []uint64

func words(n int) int { return (n + 1 + 63) / 64 }

// fullSet returns all n candidates plus absent.
func fullSet(n int) vset {
	s := make(vset, words(n))
	for i := range s {
		s[i] = ^uint64(0)
	}
	s.trim(n)
	return s
}

// emptySet returns the empty set for a package with n candidates.
func emptySet(n int) vset { return make(vset, words(n)) }

// trim clears the bits above n (the absent bit).
func (s vset) trim(n int) {
	last := len(s) - 1
	used := uint((n + 1) % 64)
	if used != 0 {
		s[last] &= (uint64(1) << used) - 1
	}
}

func (s vset) has(i int) bool { return s[i/64]&(1<<(uint(i)%64)) != 0 }
func (s vset) set(i int)      { s[i/64] |= 1 << (uint(i) % 64) }
func (s vset) clear(i int)    { s[i/64] &^= 1 << (uint(i) % 64) }

func (s vset) clone() vset { return append(vset(nil), s...) }

func (s vset) and(t vset) vset {
	r := make(vset, len(s))
	for i := range s {
		r[i] = s[i] & t[i]
	}
	return r
}

func (s vset) or(t vset) vset {
	r := make(vset, len(s))
	for i := range s {
		r[i] = s[i] | t[i]
	}
	return r
}

// not returns the complement over n candidates plus absent.
func (s vset) not(n int) vset {
	r := make(vset, len(s))
	for i := range s {
		r[i] = ^s[i]
	}
	r.trim(n)
	return r
}

func (s vset) isEmpty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

// subsetOf reports s ⊆ t.
func (s vset) subsetOf(t vset) bool {
	for i := range s {
		if s[i]&^t[i] != 0 {
			return false
		}
	}
	return true
}

// disjoint reports s ∩ t = ∅.
func (s vset) disjoint(t vset) bool {
	for i := range s {
		if s[i]&t[i] != 0 {
			return false
		}
	}
	return true
}

func (s vset) equal(t vset) bool {
	for i := range s {
		if s[i] != t[i] {
			return false
		}
	}
	return true
}

// count returns the number of candidates in s, not counting absent.
func (s vset) count(n int) int {
	c := 0
	for _, w := range s {
		c += bits.OnesCount64(w)
	}
	if s.has(n) {
		c--
	}
	return c
}

// first returns the lowest candidate index in s (candidates are sorted best
// first), or -1 when s holds no candidate.
func (s vset) first(n int) int {
	for wi, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			i := wi*64 + b
			if i >= n {
				return -1
			}
			return i
		}
	}
	return -1
}

// indexes returns the candidate indexes in s, in order, without absent.
func (s vset) indexes(n int) []int {
	var out []int
	for wi, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			w &^= 1 << uint(b)
			if i := wi*64 + b; i < n {
				out = append(out, i)
			}
		}
	}
	return out
}
