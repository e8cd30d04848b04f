package diagnose

import (
	"fmt"
	"slices"
	"strings"

	"github.com/zgpu/zgpu/pep440"
)

// gradioPin is a conflict on gradio itself that a pin of gradio takes part
// in: the user's, in requirements.txt, or the Gradio SDK's, which the
// builder passes to pip as "gradio[oauth,mcp]==<sdk_version>". pip prints
// both as "The user requested gradio==...".
type gradioPin struct {
	// pins are the distinct specifiers of gradio the user requested
	// ("==4.44.1"), in the order of the block.
	pins []string
	// excludes are the requirements of other projects on gradio that accept
	// no version the pins select ("spaces 0.51.1 depends on gradio>=5.0").
	excludes []Constraint
	// spacesPinned is true when the user pins spaces too and that pin takes
	// part: "The user requested spaces==0.51.1" in the block, or a spaces
	// pinned in a requirements file whose requirement on gradio is one of
	// the excludes.
	spacesPinned bool
}

// findGradioPin returns the gradio pin conflict of a block, or nil when
// the block is no conflict on gradio: the user requests gradio with a
// specifier, and either a requirement of another project on gradio
// excludes every version those pins select, or the pins disagree among
// themselves (requirements.txt against sdk_version). A requirement of
// gradio on itself ("gradio[mcp] 4.44.1 depends on gradio==4.44.1", the
// base of an extra) and one pep440 cannot read are no evidence. Versions
// are those pinnedVersions gives, with versions as the log shows them.
func findGradioPin(cs []Constraint, reqs map[string]fileReq, versions map[string]string) *gradioPin {
	gp := &gradioPin{}
	var sets []pep440.Specifiers
	var vs []pep440.Version
	for _, c := range cs {
		if c.By != "user" || c.Package != "gradio" || c.Specifier == "" || slices.Contains(gp.pins, c.Specifier) {
			continue
		}
		gp.pins = append(gp.pins, c.Specifier)
		if ss, err := pep440.ParseSpecifiers(c.Specifier); err == nil {
			sets = append(sets, ss)
		}
		vs = append(vs, pinnedVersions(c.Specifier, versions["gradio"])...)
	}
	if len(gp.pins) == 0 {
		return nil
	}
	for _, c := range cs {
		if c.By == "user" || c.Package != "gradio" || c.Specifier == "" || byProject(c.By) == "gradio" {
			continue
		}
		ss, err := pep440.ParseSpecifiers(c.Specifier)
		if err != nil || slices.ContainsFunc(vs, func(v pep440.Version) bool { return ss.Contains(v, true) }) {
			continue
		}
		gp.excludes = append(gp.excludes, c)
	}
	// Two pins disagree when no version one of them selects satisfies all.
	disagree := len(gp.pins) > 1 && !slices.ContainsFunc(vs, func(v pep440.Version) bool {
		return !slices.ContainsFunc(sets, func(ss pep440.Specifiers) bool { return !ss.Contains(v, true) })
	})
	if len(gp.excludes) == 0 && !disagree {
		return nil
	}
	for _, c := range cs {
		if c.By == "user" && c.Package == "spaces" && c.Specifier != "" {
			gp.spacesPinned = true
		}
	}
	if reqs["spaces"].spec != "" && slices.ContainsFunc(gp.excludes, func(c Constraint) bool { return byProject(c.By) == "spaces" }) {
		gp.spacesPinned = true
	}
	return gp
}

// gradioVars fills the cause and fix of a gradio pin conflict. sdk is the
// gradio version the builder's own pip command pins ("" when the log does
// not show it); req is gradio's requirement as pip read it from a file, when
// inFile. The fix never unpins gradio in requirements.txt to a range: gradio
// does not belong there, and only sdk_version in README.md chooses it.
func gradioVars(vars map[string]string, gp *gradioPin, sdk string, req fileReq, inFile bool) {
	// own is the user's pin in requirements.txt, when the log tells it
	// apart from the SDK's.
	own, file := "", "requirements.txt"
	switch {
	case inFile && req.spec != "":
		own, file = req.spec, req.file
	case sdk != "":
		for _, p := range gp.pins {
			if p != "=="+sdk {
				own = p
				break
			}
		}
	}
	var who, specs []string
	for _, c := range gp.excludes {
		if p := byProject(c.By); !slices.Contains(who, p) {
			who = append(who, p)
		}
		if s := "gradio" + c.Specifier; !slices.Contains(specs, s) {
			specs = append(specs, s)
		}
	}
	var pins []string
	for _, p := range gp.pins {
		pins = append(pins, "gradio"+p)
	}
	built := ""
	if sdk != "" {
		built = fmt.Sprintf(" (gradio %s in this build)", sdk)
	}

	cause := "gradio is installed by the platform at the README's sdk_version" + built + ", never from requirements.txt."
	switch {
	case len(specs) > 0:
		cause += fmt.Sprintf(" %s requires %s, which the pinned %s is outside of.", strings.Join(who, ", "), strings.Join(specs, "; "), strings.Join(pins, ", "))
	case own != "":
		cause += fmt.Sprintf(" The gradio%s in %s asks for another version, so pip cannot install both.", own, file)
	default:
		cause += fmt.Sprintf(" The log pins %s: one is the SDK's, the other comes from requirements.txt.", strings.Join(pins, " and "))
	}
	if gp.spacesPinned {
		cause += " spaces is installed by the platform too; a spaces pin in requirements.txt always loses."
	}

	line := "any gradio line"
	if own != "" {
		line = "gradio" + own
	}
	remove := "Remove " + line + " from " + file
	if gp.spacesPinned {
		remove = "Remove spaces and " + line + " from " + file
	}
	var fix string
	switch {
	case len(specs) > 0:
		fix = fmt.Sprintf("%s and set sdk_version: in README.md to a Gradio version that %s accepts (%s).", remove, strings.Join(who, ", "), strings.Join(specs, "; "))
	case strings.HasPrefix(own, "==") && !strings.HasSuffix(own, ".*"):
		v := strings.TrimPrefix(own, "==")
		fix = fmt.Sprintf("%s; if the app needs Gradio %s, set sdk_version: %s in README.md.", remove, v, v)
	case own != "":
		fix = fmt.Sprintf("%s; if the app needs gradio%s, set sdk_version: in README.md to a version it allows.", remove, own)
	default:
		fix = fmt.Sprintf("%s and set sdk_version: in README.md to the Gradio version the app needs (the log pins %s).", remove, strings.Join(pins, " and "))
	}
	fix += " The platform installs gradio at sdk_version"
	if gp.spacesPinned {
		fix += " and spaces itself; zgpu never writes either to requirements.txt."
	} else {
		fix += "; zgpu never writes it to requirements.txt."
	}
	vars["gradio_cause"], vars["gradio_fix"] = cause, fix
}
