package check

import (
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/reqfile"
	"github.com/zgpu/zgpu/target"
	"github.com/zgpu/zgpu/wheeltags"
)

// judge holds what every rule reads: the file, the catalog, the target and
// the requirements that install on it.
type judge struct {
	f  *reqfile.File
	c  *catalog.Catalog
	t  Target
	py [2]int        // {3, 12}
	tg target.Target // the target before torch is known
	// pyOK is false when the target Python is not one the platform runs;
	// the wheel-tag check is then skipped (the python problem says it).
	pyOK bool
	// reqs are the requirements (not constraints) whose markers hold on
	// the target, in file order.
	reqs []line
	// torch is the version torch is pinned to; torchLine its line (nil
	// when torch is not listed or not pinned exactly).
	torch     pep440.Version
	torchLine *line
	problems  []Problem
}

// line is one requirement as the rules see it.
type line struct {
	r     *reqfile.Requirement
	name  string // normalized project name, "" when nothing names it
	wheel *wheeltags.Wheel
	file  string // the wheel's file name, when a wheel URL
}

// origin renders where the line is.
func (l *line) origin() string { return l.r.Origin.String() }

// text is the line as written, for messages.
func (l *line) text() string { return strings.TrimSpace(l.r.Line) }

// isURL reports whether the requirement installs from a URL or path.
func (l *line) isURL() bool { return l.r.Req.URL != "" }

func newJudge(f *reqfile.File, c *catalog.Catalog, t Target) *judge {
	j := &judge{f: f, c: c, t: t}
	full, _, ok := target.Python(c, "", t.Python)
	j.pyOK = ok
	if !ok {
		full, _, _ = target.Python(c, "", "")
	}
	j.tg = target.For(c, full)
	j.py = j.tg.Python
	env := j.tg.Env()
	for i := range f.Requirements {
		r := &f.Requirements[i]
		if r.Constraint || (r.Req.Marker != nil && !r.Req.Marker.Evaluate(env)) {
			continue
		}
		l := line{r: r}
		if n, _ := r.ProjectName(); n != "" {
			l.name = pep508.NormalizeName(n)
		}
		if w, file, ok := wheeltags.WheelOfURL(r.Req.URL); ok {
			l.wheel, l.file = &w, file
			if l.name == "" {
				l.name = pep508.NormalizeName(w.Name)
			}
		}
		j.reqs = append(j.reqs, l)
	}
	return j
}

// add records a problem.
func (j *judge) add(p Problem) { j.problems = append(j.problems, p) }

// addLine records a problem of line l.
func (j *judge) addLine(l *line, p Problem) {
	p.Origin, p.line = l.origin(), l.r.Origin
	j.add(p)
}

// named returns the lines of a project, in file order.
func (j *judge) named(name string) []*line {
	var out []*line
	for i := range j.reqs {
		if j.reqs[i].name == name {
			out = append(out, &j.reqs[i])
		}
	}
	return out
}

// version returns the version a line installs exactly: an == or === pin
// without a wildcard, or a wheel URL's version.
func (l *line) version() (pep440.Version, bool) {
	if l.wheel != nil {
		return l.wheel.Version, true
	}
	s := l.r.Req.Specifiers
	if l.isURL() || len(s) != 1 || (s[0].Op != "==" && s[0].Op != "===") || strings.HasSuffix(s[0].Version, ".*") {
		return pep440.Version{}, false
	}
	v, err := pep440.Parse(s[0].Version)
	return v, err == nil
}

// needs returns what a wheel line needs of torch and CUDA: its local
// label and the Hub cell it is listed under (target.Target.Needs).
func (l *line) needs() cudalabel.Needs {
	n, _ := target.Target{}.Needs(*l.wheel, catalog.HubPathOf(l.r.Req.URL), false)
	return n
}
