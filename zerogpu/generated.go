package zerogpu

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/zgpu/zgpu/pep508"
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

func (g *generated) root(name, file string) {
	g.from[name] = append(g.from[name], strings.TrimSpace(file))
}

// readGenerated scans data; ok is false when zgpu did not write it.
func readGenerated(data []byte) (g generated, ok bool) {
	if !bytes.HasPrefix(data, []byte(reqfile.GeneratedHeader)) {
		return g, false
	}
	g = generated{comments: map[string]string{}, userLines: map[int]bool{}, from: map[string][]string{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	current := ""
	annotated := false
	inVia := false
	type reqLine struct {
		n   int
		via bool
	}
	var lines []*reqLine
	var cur *reqLine
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(trimmed, "--"):
			if strings.HasPrefix(trimmed, "--") {
				continue
			}
			inVia = false
		case strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t"):
			if !strings.HasPrefix(trimmed, "#") {
				continue // --hash continuation
			}
			c := strings.TrimSpace(strings.TrimPrefix(trimmed, "#"))
			switch {
			case c == "via":
				inVia, annotated = true, true
				if cur != nil {
					cur.via = true
				}
			case strings.HasPrefix(c, "via "):
				inVia, annotated = false, true
				if cur != nil {
					cur.via = true
				}
				if f, ok := strings.CutPrefix(strings.TrimPrefix(c, "via "), "-r "); ok {
					g.root(current, f)
				}
			case inVia && strings.HasPrefix(c, "-r "):
				g.root(current, strings.TrimPrefix(c, "-r "))
			}
		default:
			inVia = false
			req := line
			if i := strings.Index(req, "  # zgpu: "); i >= 0 {
				req = line[:i]
			}
			req = strings.TrimSuffix(strings.TrimSpace(req), "\\")
			name := nameOf(strings.TrimSpace(req))
			current = name
			cur = &reqLine{n: n}
			lines = append(lines, cur)
			if i := strings.Index(line, "  # zgpu: "); i >= 0 {
				g.comments[name] = strings.TrimSpace(line[i+len("  # zgpu: "):])
			}
		}
	}
	g.annotated = annotated
	if !annotated {
		return g, true
	}
	// A line with no "# via" at all was added (or its annotation removed)
	// by the user after zgpu wrote the file: it is the user's requirement.
	for _, l := range lines {
		if !l.via {
			g.userLines[l.n] = true
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

func nameOf(req string) string {
	if strings.HasPrefix(req, "-e ") {
		return ""
	}
	r, err := pep508.ParseRequirement(req)
	if err != nil {
		return ""
	}
	return pep508.NormalizeName(r.Name)
}
