package zerogpu

import (
	"strings"

	"github.com/zgpu/zgpu/internal/redact"
	"github.com/zgpu/zgpu/lock"
	"github.com/zgpu/zgpu/pep508"
)

// This file holds which index lines of the input a locked file keeps: the
// ones that still serve a written requirement. The indexes of the command
// line and the environment (a development mirror) are never written unless
// asked (addIndexOptions); this is about the input files' own lines.

// servedOrigins returns where the files of the pins were listed
// (index.File.Origin: an index's project page, a find-links page or
// folder), for pruneIndexes.
func servedOrigins(pins []lock.Pin, written []Line) []string {
	names := map[string]bool{}
	for _, l := range written {
		names[pep508.NormalizeName(l.Name)] = true
	}
	seen := map[string]bool{}
	out := []string{}
	for _, p := range pins {
		if p.URL != "" || !names[pep508.NormalizeName(p.Name)] {
			continue // a direct URL needs no index; a package not written neither
		}
		for _, f := range p.Files {
			if f.Origin != "" && !seen[f.Origin] {
				seen[f.Origin] = true
				out = append(out, f.Origin)
			}
		}
	}
	return out
}

// pruneIndexes removes, after a lock, the input's --index-url,
// --extra-index-url and --find-links lines that serve no written pin: pip
// on the Space builder would read them for nothing, and an index left
// behind may serve another build of a package later (a PyTorch
// .../whl/cu118 index after torch was repaired to a PyPI version). Each
// removal is a change with a "removed" note. Nothing is pruned when some
// dependencies were not pinned (direct wheels without metadata: pip looks
// them up on the builder), and an --index-url is kept when no pin came from
// anywhere else (PyPI is not the default then).
func (r *Report) pruneIndexes() {
	if r.served == nil || len(r.unpinned) > 0 {
		return
	}
	var kept []string
	for _, o := range r.Options {
		opt, val, _ := strings.Cut(o, " ")
		switch opt {
		case "--index-url", "--extra-index-url", "--find-links":
		default:
			kept = append(kept, o)
			continue
		}
		if servesAny(val, r.served) {
			kept = append(kept, o)
			continue
		}
		why := "no written requirement comes from it (every pinned package is found elsewhere)"
		r.Changes = append(r.Changes, Change{Name: opt, Before: o, Reason: "removed: " + why})
		r.warnf("%s removed: %s", redact.Text(o), why)
	}
	r.Options = kept
}

// servesAny reports whether a file listed under one of origins came from
// the index or find-links location loc.
func servesAny(loc string, origins []string) bool {
	base := strings.TrimSuffix(loc, "/")
	for _, o := range origins {
		if o == loc || o == base || strings.HasPrefix(o, base+"/") {
			return true
		}
	}
	return false
}
