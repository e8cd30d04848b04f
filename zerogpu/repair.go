package zerogpu

import (
	"fmt"
	"strings"
)

// Issue 10, "repair, don't refuse": a problem that has a safe fix is fixed
// in the file, each fix by one function per rule (torchrepair.go,
// repair_*.go). Each records what was wrong as a Problem in
// Report.Repairs, with the fix it applied; under --strict (Options.Strict)
// the repairs are the report's problems instead, and nothing is written.

// repaired records a problem the plan fixed in the file.
func (p *planner) repaired(pr Problem) {
	p.r.Repairs = addProblem(p.r.Repairs, pr)
}

// applyStrict makes every repair a problem (--strict): the run then
// reports what it would have changed and writes nothing.
func (r *Report) applyStrict() {
	if len(r.Repairs) == 0 {
		return
	}
	probs := make([]Problem, 0, len(r.Repairs)+len(r.Problems))
	for _, rp := range r.Repairs {
		rp.Fixes = append(rp.Fixes, "or run without --strict: zgpu makes this change itself")
		probs = append(probs, rp)
	}
	r.Problems = append(probs, r.Problems...)
}

// Summary is the one-line account of what the file changed, for stderr
// ("changed 3 lines: torch==2.4.0 -> torch==2.8.0, removed sympy==1.13.1,
// ..."), or "" when nothing changed. Each change is named by its line;
// the reasons are in the file's notes and in --json.
func (r *Report) Summary() string {
	var parts []string
	seen := map[string]bool{}
	for _, c := range r.Changes {
		var s string
		switch {
		case c.Before == "" && c.After != "":
			s = "added " + c.After
		case c.After == "":
			s = "removed " + c.Before
		case c.Before == c.After:
			continue
		default:
			s = shorten(c.Before, 60) + " -> " + shorten(c.After, 60)
		}
		if !seen[s] {
			seen[s] = true
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	word := "lines"
	if len(parts) == 1 {
		word = "line"
	}
	n := len(parts)
	if n > summaryMax {
		parts = append(parts[:summaryMax], fmt.Sprintf("and %d more (--json lists every change)", n-summaryMax))
	}
	return fmt.Sprintf("changed %d %s: %s", n, word, strings.Join(parts, ", "))
}

// summaryMax is how many changes the summary names.
const summaryMax = 6

// shorten cuts s to about n characters, keeping a URL's file name.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if i := strings.Index(s, " @ "); i > 0 {
		if j := strings.LastIndexByte(s, '/'); j > i {
			return s[:i] + " @ .../" + s[j+1:]
		}
	}
	return s[:n-3] + "..."
}
