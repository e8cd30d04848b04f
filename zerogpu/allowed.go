package zerogpu

import (
	"fmt"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/pep440"
)

// AllowedTorch returns the allowed torch version that s names, in the
// allow-list's spelling (see allowedSpelling): "2.10" is 2.10.0, "2.9" the
// allowed 2.9.1.
func AllowedTorch(c *catalog.Catalog, s string) (pep440.Version, bool) {
	v, err := pep440.Parse(s)
	if err != nil {
		return pep440.Version{}, false
	}
	return allowedSpelling(c.AllowedTorch(), v)
}

// allowedSpelling returns the allow-list's own version for v: equal under
// PEP 440 (2.10 is 2.10.0, written 2.10.0 as the platform lists it), or,
// for a bare major.minor (2.9), the allowed release of that minor.
func allowedSpelling(allowed []pep440.Version, v pep440.Version) (pep440.Version, bool) {
	pub := v.Public()
	for _, a := range allowed {
		if a.Compare(pub) == 0 {
			return a, true
		}
	}
	if rel := pub.Release(); len(rel) == 2 && pub.String() == fmt.Sprintf("%d.%d", rel[0], rel[1]) {
		for _, a := range allowed {
			if maj, min := a.MajorMinor(); maj == rel[0] && min == rel[1] {
				return a, true
			}
		}
	}
	return pep440.Version{}, false
}
