package pep440

import (
	"strings"
	"unicode/utf8"
)

// prefixMatch reports whether v matches ==q.* for a pure-release q, as
// packaging's _compare_equal does on the normalized texts: the epochs are
// equal and the release of v, padded with zeros, starts with the release
// of q. Pre, post, dev and local segments of v do not matter, except that
// packaging cannot split a pre-release label other than a, b or rc from its
// release number, so that number is read as missing (zero padded).
func prefixMatch(v Version, q release) bool {
	if v.epoch != q.epoch {
		return false
	}
	limit := -1 // index from which v's release numbers read as zero
	if v.preL == preDotI || v.preL == preDotless {
		limit = v.relLen() - 1
	}
	vr, qr := v.rel, q.rel
	for i, n := 0, q.len(); i < n; i++ {
		vc, qc := "0", "0"
		if qr != "" {
			qc, qr = nextComp(qr)
		}
		if vr != "" {
			vc, vr = nextComp(vr)
			if limit >= 0 && i >= limit {
				vc = "0"
			}
		}
		if vc != qc {
			return false
		}
	}
	return true
}

// release is the epoch and release numbers of a version, the prefix of a
// wildcard (==1.2.*) or of the == part of a ~= specifier.
type release struct {
	rel   string // as Version.rel
	zeros int32
	epoch int
}

func (v Version) release() release { return release{v.rel, v.zeros, v.epoch} }

func (r release) len() int { return Version{rel: r.rel, zeros: r.zeros}.relLen() }

// prefixMatchSlow is packaging's _compare_equal for a prefix spec whose
// normalized text (norm, without ".*") is not a pure release, done on the
// texts as packaging does.
func prefixMatchSlow(v Version, norm string) bool {
	spec := versionSplit(norm)
	pv := versionSplit(string(v.appendTo(nil, false, false)))
	specNum := 0
	for specNum < len(spec) && isDigits(spec[specNum]) {
		specNum++
	}
	vNum := 0
	for vNum < len(pv) && isDigits(pv[vNum]) {
		vNum++
	}
	padded := make([]string, 0, len(pv)+specNum)
	padded = append(padded, pv[:vNum]...)
	for k := vNum; k < specNum; k++ {
		padded = append(padded, "0")
	}
	padded = append(padded, pv[vNum:]...)
	if len(padded) > len(spec) {
		padded = padded[:len(spec)]
	}
	if len(padded) != len(spec) {
		return false
	}
	for k := range spec {
		if padded[k] != spec[k] {
			return false
		}
	}
	return true
}

// arbitraryMatch is the === operator: the normalized form of v equals the
// specifier text lowercased as Python's str.lower does.
func arbitraryMatch(v Version, text string) bool {
	var buf [64]byte
	canon := v.appendTo(buf[:0], true, false)
	i := 0
	for _, r := range text {
		switch {
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		case r == 0x212a: // KELVIN SIGN
			r = 'k'
		case r == 0x130: // lowercases to "i\u0307"
			if !strings.HasPrefix(string(canon[i:]), "i\u0307") {
				return false
			}
			i += len("i\u0307")
			continue
		}
		if r < utf8.RuneSelf {
			if i >= len(canon) || canon[i] != byte(r) {
				return false
			}
			i++
			continue
		}
		c, n := utf8.DecodeRune(canon[i:])
		if c != r || n == 0 {
			return false
		}
		i += n
	}
	return i == len(canon)
}
