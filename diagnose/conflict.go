package diagnose

import (
	"regexp"
	"slices"
	"strings"

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
	reUserRequested = regexp.MustCompile(`^The user requested (?:\(constraint\) )?([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(.*)$`)
	reDependsOn     = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])? (\S+) depends on ([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(.*)$`)
	reCannotInstall = regexp.MustCompile(`Cannot install (.+?) because these package versions have conflicting dependencies`)
)

// sdkPackages are the requirements of the Gradio SDK that user pins most
// often contradict (zerogpu-rules.md, Known errors).
var sdkPackages = []string{"pydantic", "uvicorn", "huggingface-hub", "jinja2", "fastapi", "starlette", "gradio", "gradio-client", "websockets", "httpx", "numpy", "pillow", "typer", "anyio"}

// conflictBlock reads the first "The conflict is caused by:" block at or
// after line index from, and the packages of the "Cannot install" line
// before it.
func (s *scan) conflictBlock(from int) (cs []Constraint, cannot string) {
	start := -1
	for i := from; i < len(s.lines); i++ {
		t := s.lines[i].text
		if m := reCannotInstall.FindStringSubmatch(t); m != nil && cannot == "" {
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
		if m := reUserRequested.FindStringSubmatch(t); m != nil {
			cs = append(cs, Constraint{By: "user", Package: pep508.NormalizeName(m[1]), Specifier: spec(m[2]), Line: s.lines[i].n})
			continue
		}
		if m := reDependsOn.FindStringSubmatch(t); m != nil {
			cs = append(cs, Constraint{By: pep508.NormalizeName(m[1]) + " " + m[2], Package: pep508.NormalizeName(m[3]), Specifier: spec(m[4]), Line: s.lines[i].n})
			continue
		}
		break
	}
	return cs, cannot
}

// spec cleans a specifier as pip prints it: the marker after ';' dropped,
// "A and B" (old pip) joined with a comma, blanks removed.
func spec(s string) string {
	if i := strings.IndexByte(s, ';'); i >= 0 {
		s = s[:i]
	}
	s = strings.ReplaceAll(s, " and ", ",")
	return strings.ReplaceAll(strings.TrimSpace(s), " ", "")
}

// classify decides what kind of conflict a block is and which of the user's
// requirements to change.
func classify(cs []Constraint, cannot string) (Kind, []string) {
	var userPkgs, offenders []string
	spacesInvolved := strings.Contains(" "+strings.ToLower(cannot)+" ", " spaces") || strings.Contains(strings.ToLower(cannot), "spaces==")
	gradioWants := map[string]bool{}
	for _, c := range cs {
		if c.By == "user" {
			if !slices.Contains(userPkgs, c.Package) {
				userPkgs = append(userPkgs, c.Package)
			}
		} else {
			if strings.HasPrefix(c.By, "spaces ") {
				spacesInvolved = true
			}
			if strings.HasPrefix(c.By, "gradio ") || strings.HasPrefix(c.By, "gradio-client ") {
				gradioWants[c.Package] = true
			}
		}
		if c.Package == "spaces" {
			spacesInvolved = true
		}
	}
	if spacesInvolved {
		offenders = []string{"spaces"}
		for _, p := range userPkgs {
			if p != "spaces" && !slices.Contains(offenders, p) {
				offenders = append(offenders, p)
			}
		}
		return KindSpacesConflict, offenders
	}
	for _, p := range userPkgs {
		if gradioWants[p] || p == "gradio" {
			offenders = append(offenders, p)
		}
	}
	if len(offenders) > 0 {
		return KindSDKConflict, offenders
	}
	for _, p := range userPkgs {
		if slices.Contains(sdkPackages, p) && len(gradioWants) > 0 {
			offenders = append(offenders, p)
		}
	}
	if len(offenders) > 0 {
		return KindSDKConflict, offenders
	}
	if len(userPkgs) > 0 {
		return KindConflict, userPkgs
	}
	for _, c := range cs {
		if !slices.Contains(offenders, c.Package) {
			offenders = append(offenders, c.Package)
		}
	}
	return KindConflict, offenders
}
