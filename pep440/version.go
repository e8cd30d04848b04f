package pep440

import (
	"strconv"
	"strings"
)

// Pre-release label kinds, in packaging's sort order of the label strings.
const (
	preNone    = 0
	preA       = 1 // "a"
	preB       = 2 // "b"
	preDotI    = 3 // "previ\u0307ew": "preview" spelled with U+0130, kept by packaging
	preDotless = 4 // "prev\u0131ew": "preview" spelled with U+0131, kept by packaging
	preRC      = 5 // "rc"
)

var preLabels = [...]string{"", "a", "b", "previ\u0307ew", "prev\u0131ew", "rc"}

// Post-release label kinds, in packaging's sort order of the label strings.
const (
	postNone = 0
	postPost = 1 // "post"
	postLong = 2 // "po\u017ft": "post" spelled with U+017F, kept by packaging
)

// Version is a parsed PEP 440 version. The zero Version is not a valid
// version (see IsZero). A Version is a small comparable value: copy it
// freely; == compares normalized forms (1.0 != 1.0.0, while Compare and
// Equal say they are equal, as packaging does); Compare does not allocate.
type Version struct {
	rel   string // release numbers without leading zeros, trailing zero numbers removed ("1.2" for 1.2.0.0)
	local string // normalized local label ("" for none)
	epoch int
	pre   int
	post  int
	dev   int
	zeros int32 // trailing zero numbers removed from rel
	preL  uint8
	postL uint8
	dev1  bool // has a dev segment
}

// MustParse is like Parse but panics on invalid input. For tests and
// constants.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// IsZero reports whether v is the zero Version (not the result of Parse).
func (v Version) IsZero() bool { return v.rel == "" && v.zeros == 0 }

// Epoch returns the epoch (0 when absent).
func (v Version) Epoch() int { return v.epoch }

// Release returns the release numbers, trailing zeros included (1.2.0 gives
// [1 2 0]). It returns a new slice.
func (v Version) Release() []int {
	n := v.relLen()
	out := make([]int, 0, n)
	for r := v.rel; r != ""; {
		c, rest := nextComp(r)
		out = append(out, atoi(c))
		r = rest
	}
	for len(out) < n {
		out = append(out, 0)
	}
	return out
}

// relLen returns the number of release numbers.
func (v Version) relLen() int {
	n := int(v.zeros)
	if v.rel != "" {
		n += strings.Count(v.rel, ".") + 1
	}
	return n
}

// MajorMinor returns the first two release numbers (0 when absent).
func (v Version) MajorMinor() (major, minor int) {
	r := v.rel
	if r == "" {
		return 0, 0
	}
	c, r := nextComp(r)
	major = atoi(c)
	if r != "" {
		c, _ = nextComp(r)
		minor = atoi(c)
	}
	return major, minor
}

// Pre returns the pre-release label ("a", "b" or "rc", normalized) and
// number; ok is false when v is not a pre-release of that kind.
func (v Version) Pre() (label string, n int, ok bool) {
	if v.preL == preNone {
		return "", 0, false
	}
	return preLabels[v.preL], v.pre, true
}

// Post returns the post-release number; ok is false when there is none.
func (v Version) Post() (n int, ok bool) { return v.post, v.postL != postNone }

// Dev returns the development release number; ok is false when there is none.
func (v Version) Dev() (n int, ok bool) { return v.dev, v.dev1 }

// Local returns the normalized local label ("cu128" in 2.8.0+cu128), or "".
func (v Version) Local() string { return v.local }

// IsPrerelease reports whether v has a pre-release or development segment,
// as packaging's is_prerelease.
func (v Version) IsPrerelease() bool { return v.preL != preNone || v.dev1 }

// IsPostrelease reports whether v has a post-release segment.
func (v Version) IsPostrelease() bool { return v.postL != postNone }

// IsDevrelease reports whether v has a development segment.
func (v Version) IsDevrelease() bool { return v.dev1 }

// Public returns v without its local label.
func (v Version) Public() Version {
	v.local = ""
	return v
}

// BaseVersion returns the epoch and release of v only.
func (v Version) BaseVersion() Version {
	return Version{epoch: v.epoch, rel: v.rel, zeros: v.zeros}
}

// String returns the normalized form of v, as packaging's str(Version).
// The zero Version gives "".
func (v Version) String() string {
	if v.IsZero() {
		return ""
	}
	var buf [64]byte
	return string(v.appendTo(buf[:0], true, false))
}

// appendTo appends the normalized form of v; withLocal adds the local label,
// stripZeros drops trailing zero release numbers (keeping at least one).
func (v Version) appendTo(b []byte, withLocal, stripZeros bool) []byte {
	if v.epoch != 0 {
		b = strconv.AppendInt(b, int64(v.epoch), 10)
		b = append(b, '!')
	}
	z := int(v.zeros)
	if v.rel == "" {
		b = append(b, '0')
		z--
	} else {
		b = append(b, v.rel...)
	}
	if !stripZeros {
		for ; z > 0; z-- {
			b = append(b, ".0"...)
		}
	}
	if v.preL != preNone {
		b = append(b, preLabels[v.preL]...)
		b = strconv.AppendInt(b, int64(v.pre), 10)
	}
	if v.postL != postNone {
		b = append(b, ".post"...)
		b = strconv.AppendInt(b, int64(v.post), 10)
	}
	if v.dev1 {
		b = append(b, ".dev"...)
		b = strconv.AppendInt(b, int64(v.dev), 10)
	}
	if withLocal && v.local != "" {
		b = append(b, '+')
		b = append(b, v.local...)
	}
	return b
}

// MarshalText returns String.
func (v Version) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText parses text with Parse.
func (v *Version) UnmarshalText(text []byte) error {
	p, err := Parse(string(text))
	if err != nil {
		return err
	}
	*v = p
	return nil
}

// Equal reports whether v and w are equal versions (Compare gives 0), as
// packaging's == does: 1.0 equals 1.0.0.
func (v Version) Equal(w Version) bool { return v.Compare(w) == 0 }

// Less reports whether v sorts before w.
func (v Version) Less(w Version) bool { return v.Compare(w) < 0 }

// Compare is Version.Compare as a function, for slices.SortFunc.
func Compare(v, w Version) int { return v.Compare(w) }

// Compare returns -1, 0 or +1 as v sorts before, equal to or after w in
// packaging's order. The zero Version sorts before every valid version.
func (v Version) Compare(w Version) int {
	if v.epoch != w.epoch {
		return cmpInt(v.epoch, w.epoch)
	}
	if v.rel != w.rel {
		if c := cmpDotted(v.rel, w.rel); c != 0 {
			return c
		}
	}
	if vz, wz := v.IsZero(), w.IsZero(); vz || wz {
		if vz && wz {
			return 0
		}
		if vz {
			return -1
		}
		return 1
	}
	vk, vn := v.preKey()
	wk, wn := w.preKey()
	if vk != wk {
		return cmpInt(vk, wk)
	}
	if vn != wn {
		return cmpInt(vn, wn)
	}
	if v.postL != w.postL {
		return cmpInt(int(v.postL), int(w.postL))
	}
	if v.post != w.post {
		return cmpInt(v.post, w.post)
	}
	if v.dev1 != w.dev1 {
		if v.dev1 {
			return -1
		}
		return 1
	}
	if v.dev != w.dev {
		return cmpInt(v.dev, w.dev)
	}
	if v.local == w.local {
		return 0
	}
	return cmpLocal(v.local, w.local)
}

// preKey returns packaging's pre-release sort key as (rank, number): a bare
// dev release sorts before every pre-release, a version without pre-release
// after all of them.
func (v Version) preKey() (int, int) {
	switch {
	case v.preL != preNone:
		return int(v.preL), v.pre
	case v.postL == postNone && v.dev1:
		return -1, 0
	default:
		return 99, 0
	}
}

func cmpInt(a, b int) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

// nextComp splits a dotted string into its first component and the rest.
// Components are short: a plain loop beats strings.IndexByte here.
func nextComp(s string) (comp, rest string) {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// cmpNum compares two decimal numbers without leading zeros.
func cmpNum(a, b string) int {
	if len(a) != len(b) {
		return cmpInt(len(a), len(b))
	}
	return strings.Compare(a, b)
}

// cmpDotted compares dotted release strings as tuples of numbers.
func cmpDotted(a, b string) int {
	// Skip the components the two share.
	i, n := 0, min(len(a), len(b))
	for i < n && a[i] == b[i] {
		i++
	}
	for i > 0 && a[i-1] != '.' {
		i--
	}
	a, b = a[i:], b[i:]
	for {
		if a == "" || b == "" {
			return cmpInt(len(a), len(b))
		}
		ca, ra := nextComp(a)
		cb, rb := nextComp(b)
		if c := cmpNum(ca, cb); c != 0 {
			return c
		}
		a, b = ra, rb
	}
}

// cmpLocal compares normalized local labels as packaging does: segment by
// segment, alphanumeric before numeric, numbers numerically, strings by
// code point, and a prefix before the longer label ("" is no label).
func cmpLocal(a, b string) int {
	for {
		if a == "" || b == "" {
			return cmpInt(len(a), len(b))
		}
		ca, ra := nextComp(a)
		cb, rb := nextComp(b)
		na, nb := isDigits(ca), isDigits(cb)
		var c int
		switch {
		case na && nb:
			c = cmpNum(ca, cb)
		case na:
			c = 1
		case nb:
			c = -1
		default:
			c = strings.Compare(ca, cb)
		}
		if c != 0 {
			return c
		}
		a, b = ra, rb
	}
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// atoi converts a validated decimal number.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// oddUnicode reports whether v holds one of the labels packaging keeps
// from a non-ASCII spelling, with which its str() does not round-trip.
func (v Version) oddUnicode() bool {
	return v.preL == preDotI || v.postL == postLong || strings.Contains(v.local, "\u0307")
}
