// Package check judges an existing requirements.txt against the ZeroGPU
// rules, offline and without resolving anything: it is `zgpu deps check`,
// the pre-commit hook, and the rule set other commands (the Space audit)
// call as a library.
//
// The rules, one function each (rules.go), in the order problems are
// reported:
//
//   - python:    the target Python (README python_version, else the
//     platform default) is one ZeroGPU runs, and every wheel URL has a tag
//     for it;
//   - parse:     pip can read every line;
//   - preinstalled: spaces and gradio are not listed (the builder installs
//     them in the same pip call; a second copy conflicts);
//   - torch:     torch, when listed, is pinned exactly (== or a wheel URL) to
//     a version on the allow-list; when side-cars or CUDA wheels are listed,
//     torch must be listed too (they are built for one torch);
//   - sidecar:   torchvision, torchaudio, triton, torchcodec and xformers
//     admit the release built for that torch (the family matrix and the
//     catalog's pairings);
//   - cuda-wheel: a wheel URL whose label or Hub cell names a torch or CUDA
//     build fits the target torch major.minor, CUDA major, C++ ABI and GPU
//     architecture;
//   - nvcc:      a package that compiles CUDA code at install time (the
//     catalog's sdist-only extensions) comes as a prebuilt wheel URL, not a
//     name or a source archive.
//
// Only the requirements whose markers hold on the target (Linux x86_64,
// the target Python) are judged, as pip would install them. Nothing is
// read from the network: the catalog (embedded or --catalog) holds the
// facts, each with its source.
package check

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/frontmatter"
	"github.com/zgpu/zgpu/reqfile"
)

// Problem is one rule a requirements file breaks.
type Problem struct {
	// Rule names the rule: python, parse, preinstalled, torch, sidecar,
	// cuda-wheel, nvcc.
	Rule string `json:"rule"`
	// Subject is the package (or "python") the problem is about.
	Subject string `json:"subject"`
	// Origin is file:line:column of the offending line; the README for a
	// python_version problem; "" when no line is at fault.
	Origin  string `json:"origin,omitempty"`
	Message string `json:"message"`
	// Fix says what to do, in words a user can act on.
	Fix string `json:"fix,omitempty"`
	// Source names the fact behind the rule (catalog source and date).
	Source string `json:"source,omitempty"`
	// line is the requirement line's origin, for ordering.
	line reqfile.Origin
}

// String renders the problem as one line: "origin: message (fix: ...)".
func (p Problem) String() string {
	s := p.Message
	if p.Origin != "" {
		s = p.Origin + ": " + s
	}
	if p.Fix != "" {
		s += "\n  fix: " + p.Fix
	}
	return s
}

// Target is what the file is judged for.
type Target struct {
	// Python is the Space's python_version as written ("3.12" or
	// "3.12.12"); "" means the platform default.
	Python string
	// PythonOrigin says where Python came from ("README.md:5:1").
	PythonOrigin string
	// SDK is the README's sdk ("gradio", "docker", ...); "" when unknown.
	// The builder installs spaces and gradio only for a Gradio Space.
	SDK string
}

// TargetFor reads the target of the requirements file at path from the
// README.md beside it (python_version, sdk); a missing README or one without
// python_version gives the platform default.
func TargetFor(path string) (Target, error) {
	readme := filepath.Join(filepath.Dir(path), "README.md")
	fm, err := frontmatter.ReadFile(readme)
	if err != nil {
		return Target{}, err
	}
	if fm == nil {
		return Target{}, nil
	}
	t := Target{SDK: fm.SDK}
	if f, ok := fm.Get("python_version"); ok && fm.PythonVersion != "" {
		t.Python, t.PythonOrigin = fm.PythonVersion, fmt.Sprintf("%s:%d:%d", readme, f.Line, f.Column)
	}
	return t, nil
}

// maxFileSize bounds what File reads: a requirements file is text a human
// writes or a tool generates, never this large.
const maxFileSize = 8 << 20

// File reads the requirements file at path (and the files its -r and -c
// lines name) and judges it for t. The error is for a file that cannot be
// read at all; lines pip rejects are problems.
func File(path string, c *catalog.Catalog, t Target) ([]Problem, error) {
	read := func(p string) ([]byte, error) {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if st.Size() > maxFileSize {
			return nil, fmt.Errorf("%s: %d bytes, more than the %d a requirements file may have", p, st.Size(), maxFileSize)
		}
		return os.ReadFile(p)
	}
	f, err := reqfile.ParseFile(path, reqfile.ParseOptions{KeepGoing: true, ReadFile: read})
	if err != nil {
		return nil, err
	}
	return Requirements(f, c, t), nil
}

// Requirements judges a parsed requirements file for t and returns every
// problem, in rule order, then file order.
func Requirements(f *reqfile.File, c *catalog.Catalog, t Target) []Problem {
	j := newJudge(f, c, t)
	for _, rule := range rules {
		rule(j)
	}
	sortProblems(j.problems, f.Files)
	return j.problems
}

// sortProblems orders problems as a reader meets them: those of no line
// first, then by file (in reading order), line and column; rule order
// breaks ties.
func sortProblems(ps []Problem, files []string) {
	rank := map[string]int{}
	for i, f := range files {
		rank[f] = i + 1
	}
	key := func(p Problem) (int, int, int) {
		if p.line == (reqfile.Origin{}) {
			return 0, 0, 0
		}
		return rank[p.line.File], p.line.Line, p.line.Column
	}
	sort.SliceStable(ps, func(a, b int) bool {
		fa, la, ca := key(ps[a])
		fb, lb, cb := key(ps[b])
		if fa != fb {
			return fa < fb
		}
		if la != lb {
			return la < lb
		}
		return ca < cb
	})
}

// rules is the order of the checks; each appends to j.problems.
var rules = []func(*judge){
	checkPython,
	checkParse,
	checkPreinstalled,
	checkTorch,
	checkSidecars,
	checkCUDAWheels,
	checkNvcc,
}

// Summary renders problems for a terminal: one block per problem, then a
// count line.
func Summary(name string, problems []Problem) string {
	var b strings.Builder
	for _, p := range problems {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	switch len(problems) {
	case 0:
		fmt.Fprintf(&b, "%s: ok\n", name)
	case 1:
		fmt.Fprintf(&b, "%s: 1 problem\n", name)
	default:
		fmt.Fprintf(&b, "%s: %d problems\n", name, len(problems))
	}
	return b.String()
}
