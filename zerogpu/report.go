package zerogpu

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/reqfile"
)

// Report is everything Plan decided. It is also the --json schema of
// `zgpu deps resolve` (see docs/json-schemas.md).
type Report struct {
	Target    Target     `json:"target"`
	Lines     []Line     `json:"requirements"`
	Decisions []Decision `json:"decisions"`
	Changes   []Change   `json:"changes"`
	Warnings  []string   `json:"warnings"`
	// InputWarnings are the warnings of reading the catalog, the flags and
	// the input files (printed before the run's own Warnings); the caller
	// that read them sets them.
	InputWarnings []string `json:"input_warnings"`
	// Problems make the plan unusable: the command exits 1 and writes nothing.
	Problems []Problem `json:"problems"`
	// Repairs are the problems zgpu fixed in the file, each with the fix
	// it applied (issue 10); under --strict they are Problems instead.
	Repairs []Problem `json:"repairs,omitempty"`
	// Options are index lines carried over from the input
	// ("--extra-index-url https://download.pytorch.org/whl/cu128").
	Options []string `json:"options"`
	// ConstraintFiles are the input's -c files (absolute paths): written
	// as -c lines while ranges are kept; a lock folds them into its pins.
	ConstraintFiles []string `json:"constraint_files,omitempty"`
	// IncludeFiles are the input's -r files (absolute): written as -r
	// lines when the input is rewritten in place.
	IncludeFiles []string `json:"include_files,omitempty"`
	// Inputs lists the files read, in order.
	Inputs []string `json:"inputs"`
	// Input is the file the requirements come from; Ignored lists the
	// other dependency files read and not used (see project.Input).
	Input   string   `json:"input,omitempty"`
	Ignored []string `json:"ignored,omitempty"`
	// Locked reports whether every line is pinned by a lock (uv.lock export
	// or the resolver) rather than kept as the user wrote it.
	Locked bool `json:"locked"`
	// Preinstalled names further packages the platform installs that the
	// lock resolved but did not write (huggingface-hub when only a
	// dependency asks for it).
	Preinstalled []string `json:"preinstalled_left_out,omitempty"`

	// unpinned names direct wheels whose dependencies were not read.
	unpinned []string
	// served are where the files of the written pins were listed (a
	// lock's index.File.Origin); nil when nothing was locked.
	served []string
}

// MarshalJSON writes empty lists as [], never null.
func (r *Report) MarshalJSON() ([]byte, error) {
	type plain Report
	c := plain(*r)
	for _, l := range []*[]string{&c.Warnings, &c.InputWarnings, &c.Options, &c.Inputs} {
		if *l == nil {
			*l = []string{}
		}
	}
	if c.Lines == nil {
		c.Lines = []Line{}
	}
	if c.Decisions == nil {
		c.Decisions = []Decision{}
	}
	if c.Changes == nil {
		c.Changes = []Change{}
	}
	if c.Problems == nil {
		c.Problems = []Problem{}
	}
	return json.Marshal(c)
}

// OK reports whether the plan has no problems.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Target is the machine the output is for.
type Target struct {
	Python       string `json:"python"`        // full version, "3.12.12"
	PythonSource string `json:"python_source"` // "README.md:5", "--python", "platform default"
	Platform     string `json:"platform"`      // "linux_x86_64, glibc 2.36"
	GPUArch      string `json:"gpu_arch"`      // "sm120"
	Torch        string `json:"torch,omitempty"`
	TorchSource  string `json:"torch_source,omitempty"`
	CUDA         string `json:"cuda,omitempty"`     // CUDA of the chosen torch's PyPI build, "12.8"
	CXX11ABI     string `json:"cxx11abi,omitempty"` // "TRUE" or "FALSE"
	SDKVersion   string `json:"sdk_version,omitempty"`
	Catalog      string `json:"catalog"` // catalog.Label: "2026-12-07, embedded", "2027-02-01, updated in the cache", "2026-12-07, file FILE"
}

// Line is one requirement line of the output.
type Line struct {
	Name   string   `json:"name"`             // PEP 503 normalized
	Text   string   `json:"line"`             // the requirement as written to the file
	Reason string   `json:"reason,omitempty"` // why zgpu changed it ("" when kept as written)
	Origin string   `json:"origin,omitempty"` // "requirements.txt:12", "uv.lock"
	Hashes []string `json:"hashes,omitempty"`
	Via    []string `json:"via,omitempty"`

	// req is the requirement as the writer takes it (Document), read
	// from Text once, when the text is set (withText); reqErr is why Text
	// does not read as one requirement.
	req    reqfile.Requirement
	reqErr error
}

// withText returns l with its text set to text and its requirement read
// from it, once, as pip reads a line of a requirements file: the writer
// (Document) and the lock (lockStep.roots) take that typed requirement and
// never read Text again. Every line's text is set through it.
func (l Line) withText(text string) Line {
	l.Text, l.req, l.reqErr = text, reqfile.Requirement{}, nil
	f, err := reqfile.Parse(l.Origin, []byte(text+"\n"), reqfile.ParseOptions{})
	switch {
	case err != nil:
		l.reqErr = err
	case len(f.Requirements) != 1:
		l.reqErr = errors.New("not one requirement")
	default:
		l.req = f.Requirements[0]
	}
	return l
}

// named returns the line's requirement when it is a PEP 508 one with a
// name (not an editable, a bare URL or path, nor a line with pip options).
func (l Line) named() (pep508.Requirement, bool) {
	q := l.req
	ok := l.reqErr == nil && q.Kind == reqfile.Named && q.Req.Name != "" && !q.Editable &&
		len(q.Hashes) == 0 && len(q.GlobalOptions) == 0 && len(q.ConfigSettings) == 0
	return q.Req, ok
}

// pinned returns the version a named line pins exactly (name==1.2.3).
func (l Line) pinned() (pep440.Version, bool) {
	if req, ok := l.named(); ok {
		return reqfile.Pinned(req)
	}
	return pep440.Version{}, false
}

// Decision is one choice Plan made, with the fact behind it.
type Decision struct {
	Subject string `json:"subject"` // "python", "torch", "flash-attn", "spaces", ...
	Choice  string `json:"choice"`
	Reason  string `json:"reason"`
	Source  string `json:"source,omitempty"` // where the fact comes from, with its date
}

// Change is one difference between the input and the output.
type Change struct {
	Name   string `json:"name"`
	Before string `json:"before"` // "" when added
	After  string `json:"after"`  // "" when removed
	Reason string `json:"reason"`
	Origin string `json:"origin,omitempty"`
}

// Problem is why no usable output exists, and what would fix it.
type Problem struct {
	Subject string   `json:"subject"`
	Message string   `json:"message"`
	Origin  string   `json:"origin,omitempty"`
	Fixes   []string `json:"fixes,omitempty"`
	Nearest []string `json:"nearest,omitempty"` // nearest wheels, for a CUDA package without a fit
	// cause groups problems of one cause into one ("python 3.12": wheels
	// built for another Python); "" for a problem of its own.
	cause string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Origin != "" {
		fmt.Fprintf(&b, "%s: ", p.Origin)
	}
	b.WriteString(p.Message)
	for _, n := range p.Nearest {
		fmt.Fprintf(&b, "\n    nearest: %s", n)
	}
	for _, f := range p.Fixes {
		fmt.Fprintf(&b, "\n    fix: %s", f)
	}
	return b.String()
}

// Error summarizes the problems as one error message.
func (r *Report) Error() string {
	var parts []string
	for _, p := range r.Problems {
		parts = append(parts, p.String())
	}
	return strings.Join(parts, "\n")
}

func (r *Report) decide(subject, choice, reason, source string) {
	r.Decisions = append(r.Decisions, Decision{Subject: subject, Choice: choice, Reason: reason, Source: source})
}

// warnf adds a warning once: the same text twice is one warning (each
// rule warns from one place; this is the safety net).
func (r *Report) warnf(format string, args ...any) {
	w := fmt.Sprintf(format, args...)
	if !slices.Contains(r.Warnings, w) {
		r.Warnings = append(r.Warnings, w)
	}
}

// problem adds p, its nearest wheels and fixes each listed once; a problem
// already reported (same origin and message) gains only its new fixes.
func (r *Report) problem(p Problem) { r.Problems = addProblem(r.Problems, p) }

// addProblem appends p to list, deduplicated (see Report.problem).
func addProblem(list []Problem, p Problem) []Problem {
	p.Nearest, p.Fixes = unique(p.Nearest), unique(p.Fixes)
	for i, q := range list {
		if q.Origin == p.Origin && q.Message == p.Message {
			list[i].Fixes = unique(append(q.Fixes, p.Fixes...))
			list[i].Nearest = unique(append(q.Nearest, p.Nearest...))
			return list
		}
	}
	return append(list, p)
}

// unique returns list without repeats, in its order.
func unique(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
