package diagnose

import (
	"github.com/zgpu/zgpu/internal/lazyre"
	"slices"
	"strings"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
)

// Constraint is one line of pip's "The conflict is caused by:" block.
type Constraint struct {
	// By is "user" for "The user requested ...", or the requiring release
	// ("gradio 5.49.1") for "X 1.0 depends on ...".
	By string `json:"by"`
	// Package is the constrained project, normalized.
	Package string `json:"package"`
	// Specifier is the version constraint as pip printed it ("<2.12,>=2.0"),
	// "" when any version would do; a marker after ';' is left out.
	Specifier string `json:"specifier"`
	Line      int    `json:"line"`
}

func (c Constraint) String() string {
	if c.By == "user" {
		return "the user requested " + c.Package + c.Specifier
	}
	return c.By + " depends on " + c.Package + c.Specifier
}

var (
	reUserRequested = lazyre.New(`^The user requested (?:\(constraint\) )?([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(.*)$`)
	reDependsOn     = lazyre.New(`^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])? (\S+) depends on ([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(.*)$`)
	reCannotInstall = lazyre.New(`Cannot install (.+?) because these package versions have conflicting dependencies`)
)

// sdkPackages are the requirements of the Gradio SDK that user pins most
// often contradict (zerogpu-rules.md, Known errors). gradio itself is not
// one: a pin of gradio is a gradio pin conflict.
var sdkPackages = []string{"pydantic", "uvicorn", "huggingface-hub", "jinja2", "fastapi", "starlette", "gradio-client", "websockets", "httpx", "numpy", "pillow", "typer", "anyio"}

// conflictBlock reads the first "The conflict is caused by:" block at or
// after line index from, and the packages of the "Cannot install" line
// before it.
func (s *scan) conflictBlock(from int) (cs []Constraint, cannot string) {
	start := -1
	for i := from; i < len(s.lines); i++ {
		t := s.lines[i].text
		if m := reCannotInstall().FindStringSubmatch(t); m != nil && cannot == "" {
			cannot = m[1]
		}
		if strings.HasPrefix(t, "The conflict is caused by:") {
			start = i + 1
			break
		}
	}
	if start < 0 {
		return nil, cannot
	}
	for i := start; i < len(s.lines) && len(cs) < 50; i++ {
		t := s.lines[i].text
		if m := reUserRequested().FindStringSubmatch(t); m != nil {
			cs = append(cs, Constraint{By: "user", Package: pep508.NormalizeName(m[1]), Specifier: spec(m[2]), Line: s.lines[i].n})
			continue
		}
		if m := reDependsOn().FindStringSubmatch(t); m != nil {
			cs = append(cs, Constraint{By: pep508.NormalizeName(m[1]) + " " + m[2], Package: pep508.NormalizeName(m[3]), Specifier: spec(m[4]), Line: s.lines[i].n})
			continue
		}
		break
	}
	return cs, cannot
}

// spec cleans a specifier as pip prints it: the marker after ';' dropped,
// "A and B" (old pip) joined with a comma, blanks removed. A requirement on
// one candidate ("gradio[mcp] 4.44.1 depends on gradio 4.44.1 (from
// https://...)", the base of an extra) is a bare version and its link: it
// becomes "==4.44.1".
func spec(s string) string {
	if i := strings.Index(s, " (from "); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, ';'); i >= 0 {
		s = s[:i]
	}
	s = strings.ReplaceAll(s, " and ", ",")
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		s = "==" + s
	}
	return s
}

// conflictClass is what classify found in a conflict block.
type conflictClass struct {
	kind Kind
	// offenders are the requirements to change, "spaces" first when the
	// user pins it.
	offenders []string
	// spacesPinned is true when the user pins spaces: in the block ("The
	// user requested spaces==0.29.3"), or in a requirements file when a
	// requirement of that spaces is what excludes another pin.
	spacesPinned bool
	// excludes are the requirements of spaces that exclude a version the
	// user pins (and that the Gradio SDK does not exclude too).
	excludes []Constraint
	// gradio is the pin of gradio that conflicts (gradio pin conflicts only).
	gradio *gradioPin
}

// classify decides what kind of conflict a block is and which of the user's
// requirements to change. reqs are the requirements the log shows pip
// reading from the user's files ("Collecting spaces==0.29.3 (from -r
// ...)"), versions the versions it shows for each project.
//
// A conflict is a spaces conflict only when the user's pin of spaces is
// one of its causes ("The user requested spaces==0.29.3"), or when a
// requirement of spaces excludes a version the user pins that the Gradio
// SDK's requirements do not exclude too: spaces merely listing a range that
// the pin satisfies ("spaces 0.51.1 depends on pydantic<3,>=1" with
// pydantic==2.7.0) does not make it one. A conflict on gradio itself that a
// pin of gradio takes part in is a gradio pin conflict (see findGradioPin),
// whoever else is involved. Versions are compared with pep440.
func classify(cs []Constraint, reqs map[string]fileReq, versions map[string]string) conflictClass {
	var userPkgs []string
	userSpec := map[string]string{}
	gradioWants := map[string]bool{}
	var cl conflictClass
	if gp := findGradioPin(cs, reqs, versions); gp != nil {
		cl.kind, cl.gradio, cl.spacesPinned = KindGradioPin, gp, gp.spacesPinned
		if gp.spacesPinned {
			cl.offenders = []string{"spaces"}
		}
		cl.offenders = append(cl.offenders, "gradio")
		return cl
	}
	for _, c := range cs {
		switch {
		case c.By == "user":
			if !slices.Contains(userPkgs, c.Package) {
				userPkgs = append(userPkgs, c.Package)
			}
			if userSpec[c.Package] == "" {
				userSpec[c.Package] = c.Specifier
			}
			if c.Package == "spaces" && c.Specifier != "" {
				cl.spacesPinned = true
			}
		case byProject(c.By) == "gradio" || byProject(c.By) == "gradio-client":
			gradioWants[c.Package] = true
		}
	}
	// The user pins that the requirements of spaces exclude.
	var excluded []string
	for _, p := range userPkgs {
		if p == "spaces" {
			continue
		}
		vs := pinnedVersions(userSpec[p], versions[p])
		if len(vs) == 0 {
			continue
		}
		byS := excludedBy(cs, "spaces", p, vs)
		if len(byS) == 0 || len(excludedBy(cs, "gradio", p, vs))+len(excludedBy(cs, "gradio-client", p, vs)) > 0 {
			continue
		}
		excluded = append(excluded, p)
		cl.excludes = append(cl.excludes, byS...)
	}
	if len(excluded) > 0 && reqs["spaces"].spec != "" {
		cl.spacesPinned = true // the spaces whose requirement excludes the pin is the user's
	}
	if cl.spacesPinned || len(excluded) > 0 {
		cl.kind = KindSpacesConflict
		if cl.spacesPinned {
			cl.offenders = []string{"spaces"}
		}
		cl.offenders = append(cl.offenders, excluded...)
		return cl
	}
	// gradio itself is never an offender to unpin: only sdk_version moves it.
	for _, p := range userPkgs {
		if gradioWants[p] && p != "gradio" {
			cl.offenders = append(cl.offenders, p)
		}
	}
	if len(cl.offenders) == 0 && len(gradioWants) > 0 {
		for _, p := range userPkgs {
			if slices.Contains(sdkPackages, p) {
				cl.offenders = append(cl.offenders, p)
			}
		}
	}
	if len(cl.offenders) > 0 {
		cl.kind = KindSDKConflict
		return cl
	}
	cl.kind = KindConflict
	if len(userPkgs) > 0 {
		cl.offenders = userPkgs
		return cl
	}
	for _, c := range cs {
		if !slices.Contains(cl.offenders, c.Package) {
			cl.offenders = append(cl.offenders, c.Package)
		}
	}
	return cl
}

// byProject returns the project of a Constraint.By ("gradio" for "gradio
// 5.49.1", also when pip printed the extras: "gradio[mcp,oauth] 5.49.1").
func byProject(by string) string {
	name, _, _ := strings.Cut(by, " ")
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	return pep508.NormalizeName(name)
}

// excludedBy returns the requirements on pkg of the releases of project in
// cs, when every one of them excludes every version of vs; nil when one of
// them accepts one, has no specifier or cannot be read, or there are none.
func excludedBy(cs []Constraint, project, pkg string, vs []pep440.Version) []Constraint {
	var out []Constraint
	for _, c := range cs {
		if c.By == "user" || c.Package != pkg || byProject(c.By) != project {
			continue
		}
		ss, err := pep440.ParseSpecifiers(c.Specifier)
		if err != nil || len(ss) == 0 {
			return nil
		}
		for _, v := range vs {
			if ss.Contains(v, true) {
				return nil
			}
		}
		out = append(out, c)
	}
	return out
}

// pinnedVersions returns the versions a user requirement with specifier spec
// selects that a resolver would try: the version of an exact pin
// ("==2.7.0"), else the bounds of spec that satisfy it (">=7" gives 7), else
// the version the log shows pinned (fromLog) when spec allows it. It returns
// nil for an empty spec: an unpinned requirement pins no version.
func pinnedVersions(spec, fromLog string) []pep440.Version {
	ss, err := pep440.ParseSpecifiers(spec)
	if err != nil || len(ss) == 0 {
		return nil
	}
	var out []pep440.Version
	for _, s := range ss {
		if strings.HasSuffix(s.Version, ".*") {
			continue
		}
		switch s.Op {
		case "==", "===":
			if v, err := pep440.Parse(s.Version); err == nil {
				return []pep440.Version{v}
			}
		case ">=", "<=", "~=":
			if v, err := pep440.Parse(s.Version); err == nil && ss.Contains(v, true) {
				out = append(out, v)
			}
		}
	}
	if len(out) == 0 {
		if v, err := pep440.Parse(fromLog); err == nil && ss.Contains(v, true) {
			out = append(out, v)
		}
	}
	return out
}
