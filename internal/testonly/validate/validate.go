// Package validate checks a resolution against the index it came from,
// independently of the resolver that produced it: for tests that compare
// zgpu's resolver with pip's, it decides whether an answer is a solution at
// all.
//
// A solution (project name -> version) of a request (root requirements,
// constraints, a target environment and wheel target) is valid when
//
//   - every root requirement whose marker holds names a chosen package whose
//     version satisfies its specifiers;
//   - every chosen version is listed and has a wheel the target installs
//     (wheeltags.Target.Rank) whose listing's Requires-Python holds, and the
//     metadata of the best such wheel (the one pip would take) agrees on the
//     name and version and has a Requires-Python that holds;
//   - every Requires-Dist of that metadata whose marker holds (with extra ""
//     and with each extra requested of the package, extras followed
//     transitively) is satisfied by a chosen version;
//   - every constraint whose marker holds is satisfied when its package is
//     chosen;
//   - nothing else is chosen: every package is reachable from the roots.
//
// Satisfaction admits pre-releases (packaging's contains with
// prereleases=True): whether a resolver should have preferred a final release
// is a question of choice, not of validity. Yanked files are treated as
// installable only for a root requirement that pins them with "==".
//
// It reads the mirror from disk (Mirror) and parses core metadata with its
// own reader; it uses packages pep440, pep508 and wheeltags for the standards,
// and nothing of resolver, lock, pypi or coremeta.
package validate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/wheeltags"
)

// Request is what was resolved: the same input both resolvers were given.
type Request struct {
	Requirements []pep508.Requirement
	Constraints  []pep508.Requirement
	// Env is the marker environment (pep508.LinuxEnv of the target
	// interpreter); its python_full_version checks Requires-Python.
	Env    map[string]string
	Target wheeltags.Target
}

// Problem is one way a solution fails its request.
type Problem struct {
	Package string // normalized name ("" for the request as a whole)
	Kind    Kind
	Detail  string
}

func (p Problem) String() string {
	if p.Package == "" {
		return fmt.Sprintf("%s: %s", p.Kind, p.Detail)
	}
	return fmt.Sprintf("%s: %s: %s", p.Package, p.Kind, p.Detail)
}

// Kind classifies problems.
type Kind string

// The kinds of problem.
const (
	Missing        Kind = "missing"         // required but not chosen
	Unsatisfied    Kind = "unsatisfied"     // chosen version fails a requirement or constraint
	NotListed      Kind = "not listed"      // chosen version is not in the index
	NoWheel        Kind = "no wheel"        // no wheel of the version installs on the target
	RequiresPython Kind = "requires-python" // the target's Python is excluded
	BadMetadata    Kind = "bad metadata"    // unreadable, or naming another project or version
	Unreachable    Kind = "unreachable"     // chosen but required by nothing
	BadInput       Kind = "bad input"       // an unparsable version in the solution
)

// Check validates solution (normalized or not, name -> version) for req and
// returns its problems, sorted; none means it is a valid solution.
func (m *Mirror) Check(req Request, solution map[string]string) []Problem {
	c := &checker{m: m, req: req, chosen: map[string]pep440.Version{}, reached: map[string]bool{}, done: map[[2]string]bool{}}
	c.pyFull, _ = pep440.Parse(req.Env["python_full_version"])
	for name, vs := range solution {
		n := pep508.NormalizeName(name)
		v, err := pep440.Parse(vs)
		if err != nil {
			c.add(n, BadInput, "version %q: %v", vs, err)
			continue
		}
		c.chosen[n] = v
	}
	pinned := map[string]bool{}
	for _, r := range req.Requirements {
		if !holds(r.Marker, req.Env, "") {
			continue
		}
		if isExactPin(r.Specifiers) {
			pinned[r.Key()] = true
		}
		c.require(r, "the request")
	}
	c.pinned = pinned
	// Walk the dependency graph from the roots: each (package, extra) pair is
	// expanded once.
	for len(c.queue) > 0 {
		item := c.queue[0]
		c.queue = c.queue[1:]
		c.expand(item[0], item[1])
	}
	for _, r := range req.Constraints {
		if !holds(r.Marker, req.Env, "") {
			continue
		}
		if v, ok := c.chosen[r.Key()]; ok && !r.Specifiers.Contains(v, true) {
			c.add(r.Key(), Unsatisfied, "%s does not satisfy constraint %s", v, r.Specifiers)
		}
	}
	for n := range c.chosen {
		if !c.reached[n] {
			c.add(n, Unreachable, "chosen but required by nothing")
		}
	}
	sort.Slice(c.problems, func(i, j int) bool {
		a, b := c.problems[i], c.problems[j]
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Detail < b.Detail
	})
	return c.problems
}

type checker struct {
	m        *Mirror
	req      Request
	pyFull   pep440.Version
	chosen   map[string]pep440.Version
	pinned   map[string]bool
	reached  map[string]bool
	done     map[[2]string]bool // (package, extra) expanded or queued
	queue    [][2]string
	problems []Problem
	meta     map[string]*Metadata // package -> metadata of its best wheel (nil: unusable)
}

func (c *checker) add(pkg string, k Kind, format string, args ...any) {
	c.problems = append(c.problems, Problem{Package: pkg, Kind: k, Detail: fmt.Sprintf(format, args...)})
}

// require checks one applicable requirement and queues its package and
// extras for expansion.
func (c *checker) require(r pep508.Requirement, by string) {
	n := r.Key()
	v, ok := c.chosen[n]
	if !ok {
		c.add(n, Missing, "required by %s (%s) but not chosen", by, r.String())
		return
	}
	if r.URL != "" {
		c.add(n, Unsatisfied, "%s requires a direct URL, which the validator does not check", by)
	}
	if !r.Specifiers.Contains(v, true) {
		c.add(n, Unsatisfied, "%s does not satisfy %s (required by %s)", v, r.Specifiers, by)
	}
	c.reached[n] = true
	c.enqueue(n, "")
	for _, e := range r.ExtraKeys() {
		c.enqueue(n, e)
	}
}

func (c *checker) enqueue(name, extra string) {
	k := [2]string{name, extra}
	if c.done[k] {
		return
	}
	c.done[k] = true
	c.queue = append(c.queue, k)
}

// expand checks the chosen version of name (once, for extra "") and
// requires the dependencies that apply with extra.
func (c *checker) expand(name, extra string) {
	if c.meta == nil {
		c.meta = map[string]*Metadata{}
	}
	md, seen := c.meta[name]
	if !seen {
		md = c.installable(name, c.chosen[name])
		c.meta[name] = md
	}
	if md == nil {
		return
	}
	by := fmt.Sprintf("%s %s", name, c.chosen[name])
	if extra != "" {
		by = fmt.Sprintf("%s[%s] %s", name, extra, c.chosen[name])
	}
	for _, s := range md.RequiresDist {
		r, err := pep508.ParseRequirement(s)
		if err != nil {
			c.add(name, BadMetadata, "Requires-Dist %q: %v", s, err)
			continue
		}
		if extra != "" && holds(r.Marker, c.req.Env, "") {
			continue // already required without the extra
		}
		if holds(r.Marker, c.req.Env, extra) {
			c.require(r, by)
		}
	}
}

// installable checks that version v of name is listed with a wheel for the
// target and returns the metadata of the best such wheel, or nil after
// recording why there is none.
func (c *checker) installable(name string, v pep440.Version) *Metadata {
	p := c.m.project(name)
	if p.err != nil {
		c.add(name, NotListed, "%v", p.err)
		return nil
	}
	listed := false
	best, bestRank := "", -1
	var rejected []string
	for _, f := range p.files {
		if !wheeltags.IsWheelFilename(f.Filename) {
			continue
		}
		w, err := wheeltags.ParseWheelFilename(f.Filename)
		if err != nil || !w.Version.Equal(v) {
			continue
		}
		listed = true
		rank, ok := c.req.Target.Rank(w.Tags)
		if !ok {
			continue
		}
		if f.yanked() && !c.pinned[name] {
			rejected = append(rejected, f.Filename+" is yanked")
			continue
		}
		if !pythonHolds(f.RequiresPython, c.pyFull) {
			rejected = append(rejected, fmt.Sprintf("%s requires Python %s", f.Filename, f.RequiresPython))
			continue
		}
		if bestRank < 0 || rank < bestRank {
			best, bestRank = f.Filename, rank
		}
	}
	switch {
	case best != "":
	case !listed && !c.listsVersion(p, v):
		c.add(name, NotListed, "version %s is not in the index", v)
		return nil
	case len(rejected) > 0:
		c.add(name, RequiresPython, "no usable wheel of %s: %s", v, strings.Join(rejected, "; "))
		return nil
	default:
		c.add(name, NoWheel, "no wheel of %s installs on %s", v, c.req.Target)
		return nil
	}
	md, err := c.m.Metadata(best)
	if err != nil {
		c.add(name, BadMetadata, "%v", err)
		return nil
	}
	if pep508.NormalizeName(md.Name) != name {
		c.add(name, BadMetadata, "%s metadata names project %q", best, md.Name)
	}
	if mv, err := pep440.Parse(md.Version); err != nil || !mv.Equal(v) {
		c.add(name, BadMetadata, "%s metadata names version %q", best, md.Version)
	}
	if !pythonHolds(md.RequiresPython, c.pyFull) {
		c.add(name, RequiresPython, "%s metadata requires Python %s", best, md.RequiresPython)
	}
	return md
}

// listsVersion reports whether any file (an sdist included) of p is of
// version v.
func (c *checker) listsVersion(p *project, v pep440.Version) bool {
	for _, f := range p.files {
		if s, err := wheeltags.ParseSdistFilename(f.Filename); err == nil && s.Version.Equal(v) {
			return true
		}
	}
	return false
}

// holds evaluates a marker with extra set; a nil marker holds.
func holds(m *pep508.Marker, env map[string]string, extra string) bool {
	if m == nil {
		return true
	}
	e := make(map[string]string, len(env)+1)
	for k, v := range env {
		e[k] = v
	}
	e["extra"] = extra
	return m.Evaluate(e)
}

// pythonHolds reports whether a Requires-Python value admits py. Like pip,
// an empty or invalid value admits every Python.
func pythonHolds(spec string, py pep440.Version) bool {
	if strings.TrimSpace(spec) == "" || py.IsZero() {
		return true
	}
	s, err := pep440.ParseSpecifiers(spec)
	if err != nil {
		return true
	}
	return s.Contains(py, true)
}

// isExactPin reports whether specs is a single == (or ===) without a
// wildcard, the only requirement for which pip takes a yanked file.
func isExactPin(specs pep440.Specifiers) bool {
	if len(specs) != 1 {
		return false
	}
	s := specs[0].String()
	return (strings.HasPrefix(s, "==") || strings.HasPrefix(s, "===")) && !strings.HasSuffix(s, ".*")
}
