package diagnose

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes the report for people: the first error and what to do
// about it, then the other findings ("also seen"), each with its cause, the
// log lines that show it, the fix and the zgpu commands that apply it.
func WriteText(w io.Writer, r *Report) error {
	ew := &errWriter{w: w}
	if !r.Explained() {
		ew.printf("No known failure found in %d lines (catalog %s).\n", r.Lines, r.Catalog)
		if r.FirstError != nil {
			ew.printf("The first line that looks like an error:\n  %6d | %s\n", r.FirstError.Line, r.FirstError.Text)
		} else {
			ew.printf("No line looks like an error.\n")
		}
		ew.printf("zgpu deps diagnose knows the errors listed in zerogpu-rules.md; please report this log if it is a dependency problem.\n")
		return ew.err
	}
	for i, f := range r.Findings {
		switch {
		case i == 0 && len(r.Findings) > 1:
			ew.printf("First error (the one that counts; %d more under \"Also seen\"):\n", len(r.Findings)-1)
		case i == 0:
			ew.printf("First error:\n")
		case i == 1:
			ew.printf("\nAlso seen:\n")
		}
		writeFinding(ew, i+1, f)
	}
	ew.printf("\n%s\n", summaryLine(r))
	return ew.err
}

func writeFinding(ew *errWriter, n int, f Finding) {
	ew.printf("[%d] %s  (%s)\n", n, f.Title, f.Kind)
	ew.printf("    cause: %s\n", wrap(f.Cause, "           "))
	if a := f.Wheel; a != nil {
		if a.URL != "" {
			how := "printed by setup.py"
			if !a.FromLog {
				how = "rebuilt from the versions in the log"
			}
			ew.printf("    wheel asked for (%s):\n      %s\n", how, a.URL)
			if a.Needs != "" {
				ew.printf("      needs: %s\n", a.Needs)
			}
		}
		t := a.Target
		ew.printf("    target: Python %s, torch %s, CUDA %d, %s ABI", t.Python, t.Torch, t.CUDA, t.CXX11ABI)
		if t.Note != "" {
			ew.printf(" (%s)", t.Note)
		}
		ew.printf("\n")
	}
	if len(f.Conflicts) > 0 {
		ew.printf("    conflict:\n")
		for _, c := range f.Conflicts {
			ew.printf("      line %d: %s\n", c.Line, c)
		}
	}
	ew.printf("    evidence:\n")
	for _, e := range f.Evidence {
		ew.printf("      %6d | %s\n", e.Line, e.Text)
	}
	if f.Omitted > 0 {
		ew.printf("      (%d more matching lines)\n", f.Omitted)
	}
	for _, s := range f.Assumed {
		ew.printf("    assumed: %s\n", s)
	}
	ew.printf("    fix: %s\n", wrap(f.Fix, "         "))
	if len(f.Commands) == 0 {
		ew.printf("    run: nothing zgpu can do; this needs a code change\n")
	}
	for _, c := range f.Commands {
		ew.printf("    run: %s\n", c)
	}
	ew.printf("    source: %s\n", f.Source)
}

// wrap folds text at about 100 columns, indenting continuation lines.
func wrap(s, indent string) string {
	const width = 100
	var b strings.Builder
	col := 0
	for i, word := range strings.Fields(s) {
		if i > 0 {
			if col+1+len(word) > width-len(indent) {
				b.WriteString("\n" + indent)
				col = 0
			} else {
				b.WriteByte(' ')
				col++
			}
		}
		b.WriteString(word)
		col += len(word)
	}
	return b.String()
}

// summaryLine is the report's last line: how many lines were read, the
// Python and torch the log shows (each left out when it shows none) and the
// catalog's date.
func summaryLine(r *Report) string {
	var facts []string
	if r.Facts.Python != "" {
		facts = append(facts, "Python "+r.Facts.Python)
	}
	if r.Facts.Torch != "" {
		facts = append(facts, "torch "+r.Facts.Torch)
	}
	s := fmt.Sprintf("%d lines read", r.Lines)
	if len(facts) > 0 {
		s += "; " + strings.Join(facts, ", ") + " in the log"
	}
	return s + "; catalog " + r.Catalog + "."
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
