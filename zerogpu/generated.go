package zerogpu

import (
	"github.com/zgpu/zgpu/reqfile"
)

// generated describes a requirements file that zgpu wrote earlier: which
// of its requirements the user asked for (annotated "# via -r FILE") and
// the "# zgpu:" comment of each line. Read back as input, only the roots
// count as requirements (the rest were pulled in and are re-resolved), and
// a line kept as it is keeps its comment, so that re-running zgpu on its own
// output gives the same file.
type generated struct {
	// annotated is false for a file written with --no-annotate or without
	// a lock: then every line is a root.
	annotated bool
	// from names the roots: for each, the files its "# via -r FILE" names.
	from     map[string][]string
	comments map[string]string
	// userLines are the line numbers of requirements with no "# via" at
	// all in an annotated file: added by the user after zgpu wrote it.
	userLines map[int]bool
}

// readGenerated reads data as a file zgpu wrote (reqfile.ReadGenerated);
// ok is false when zgpu did not write it.
func readGenerated(data []byte) (g generated, ok bool) {
	h, ok := reqfile.ReadGenerated(data)
	if !ok || h.Tool != "zgpu" {
		return g, false
	}
	g = generated{annotated: h.Annotated, comments: map[string]string{}, userLines: map[int]bool{}, from: map[string][]string{}}
	for _, l := range h.Lines {
		if l.Note != "" {
			g.comments[l.Name] = l.Note
		}
		if len(l.From) > 0 {
			g.from[l.Name] = append(g.from[l.Name], l.From...)
		}
		// A line with no "# via" at all in an annotated file was added (or
		// its annotation removed) by the user after zgpu wrote it.
		if h.Annotated && !l.Via {
			g.userLines[l.Line] = true
		}
	}
	return g, true
}

// isRoot reports whether the user asked for name (every name, when the
// file carries no annotations).
func (g generated) isRoot(name string) bool {
	return !g.annotated || len(g.from[name]) > 0
}

// keeps reports whether the requirement at line n of the file, naming
// name, is the user's: a line they added, or a root by its annotation,
// unless every "-r FILE" of it names a file that is read anyway (an -r
// include kept in the file: that file's own line speaks for it).
func (g generated) keeps(name string, n int, included map[string]bool) bool {
	if g.userLines[n] || !g.annotated {
		return true
	}
	for _, f := range g.from[name] {
		if !included[f] {
			return true
		}
	}
	return false
}
