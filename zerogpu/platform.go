package zerogpu

import (
	"fmt"
	"sort"
	"strings"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
)

// checkPlatformConstraints reports user pins that conflict with what the
// platform installs itself: gradio at sdk_version and the requirements of
// `spaces` (psutil<6, pydantic<3, ...), which still hold although neither is
// emitted.
func (p *planner) checkPlatformConstraints() {
	r := p.r
	for _, req := range p.removed {
		name := pep508.NormalizeName(req.Req.Name)
		switch name {
		case "spaces":
			r.decide("spaces", "not emitted", "the platform installs its own spaces; a pin in requirements.txt conflicts with it at build time", p.sourceOf("spaces"))
		case "gradio":
			if p.in.SDKVersion == "" {
				r.warnf("%s: gradio is installed by the platform at the README's sdk_version, and README.md has none; add `sdk_version:` to the frontmatter", req.Origin)
				continue
			}
			v, err := pep440.Parse(p.in.SDKVersion)
			if err != nil {
				r.warnf("%s: sdk_version %q is not a version: %v", p.in.SDKVersionOrigin, p.in.SDKVersion, err)
				continue
			}
			if req.Req.URL == "" && !req.Req.Specifiers.Contains(v, true) {
				r.warnf("%s: %s conflicts with sdk_version %s (%s): the platform installs gradio %s; remove the pin, or set `sdk_version: %s` in README.md",
					req.Origin, req.Text, p.in.SDKVersion, p.in.SDKVersionOrigin, p.in.SDKVersion, suggestVersion(req.Req.Specifiers))
			}
			r.decide("gradio", "not emitted", "the platform installs gradio "+p.in.SDKVersion+" (sdk_version)", p.sourceOf("gradio"))
		}
	}
	if p.in.SDKVersion != "" && !p.in.Locked {
		for _, rule := range p.c.SDKRulesFor(p.in.SDKVersion) {
			r.warnf("gradio %s (sdk_version): %s; locking applies %s", p.in.SDKVersion, rule.Why, strings.Join(rule.Constraints, ", "))
		}
	}
	// spaces' own requirements against the user's exact pins.
	if _, ok := p.noEmit["spaces"]; !ok {
		return
	}
	pins := map[string]Line{}
	for _, l := range p.kept {
		pins[l.Name] = l
	}
	for _, s := range p.c.Spaces.Requires {
		req, err := pep508.ParseRequirement(s)
		if err != nil || (len(req.Specifiers) == 0) {
			continue
		}
		name := pep508.NormalizeName(req.Name)
		l, ok := pins[name]
		if !ok {
			continue
		}
		v, ok := exactPin(l.Text)
		if !ok {
			continue
		}
		if !req.Specifiers.Contains(v, true) {
			r.problem(Problem{
				Subject: name, Origin: l.Origin,
				Message: fmt.Sprintf("%s conflicts with the platform's spaces %s, which requires %s", l.Text, p.c.Spaces.Version, s),
				Fixes:   []string{fmt.Sprintf("relax the pin to %s%s", name, req.Specifiers)},
			})
		}
	}
}

func (p *planner) sourceOf(name string) string {
	if pre, ok := p.c.PreinstalledPackage(name); ok {
		return pre.Source + " (" + pre.Date + ")"
	}
	return ""
}

// exactPin returns V for a line "name==V" (no marker, no URL).
func exactPin(text string) (pep440.Version, bool) {
	req, err := pep508.ParseRequirement(text)
	if err != nil {
		return pep440.Version{}, false
	}
	return PinnedVersion(req)
}

// PinnedVersion returns the version a requirement pins exactly
// ("name==V" or "name===V", no wildcard, no URL).
func PinnedVersion(req pep508.Requirement) (pep440.Version, bool) {
	s := req.Specifiers
	if req.URL != "" || len(s) != 1 || (s[0].Op != "==" && s[0].Op != "===") || strings.HasSuffix(s[0].Version, ".*") {
		return pep440.Version{}, false
	}
	v, err := pep440.Parse(s[0].Version)
	return v, err == nil
}

// suggestVersion names the version a specifier set points at, for messages.
func suggestVersion(s pep440.Specifiers) string {
	for _, sp := range s {
		if sp.Op == "==" || sp.Op == ">=" || sp.Op == "~=" {
			return strings.TrimSuffix(sp.Version, ".*")
		}
	}
	return "<a version that satisfies " + s.String() + ">"
}

// finish sorts the output lines by name (then text) for a stable file.
func (p *planner) finish() {
	lines := append([]Line(nil), p.kept...)
	sort.SliceStable(lines, func(i, j int) bool {
		if lines[i].Name != lines[j].Name {
			return lines[i].Name < lines[j].Name
		}
		return lines[i].Text < lines[j].Text
	})
	p.r.Lines = lines
	sort.SliceStable(p.r.Changes, func(i, j int) bool { return p.r.Changes[i].Name < p.r.Changes[j].Name })
}

// checkUserConstraints reports a written pin that a -c constraint of the
// user excludes: pip reads both and refuses to install. Ranges are left to
// pip; a lock applies the constraints itself.
func (p *planner) checkUserConstraints() {
	for _, l := range p.r.Lines {
		req, err := pep508.ParseRequirement(l.Text)
		if err != nil {
			continue
		}
		v, ok := PinnedVersion(req)
		if !ok {
			continue
		}
		for _, c := range p.in.Constraints {
			if pep508.NormalizeName(c.Req.Name) != l.Name || c.Req.URL != "" || len(c.Req.Specifiers) == 0 || !p.applies(c) {
				continue
			}
			if c.Req.Specifiers.Contains(v, true) {
				continue
			}
			what := "the requirement"
			if l.Reason != "" {
				what = "zgpu's pin (" + l.Reason + ")"
			}
			p.r.problem(Problem{
				Subject: l.Name, Origin: c.Origin,
				Message: fmt.Sprintf("the constraint %s (%s) excludes %s, %s; pip would refuse both", c.Text, c.Origin, l.Text, what),
				Fixes:   []string{fmt.Sprintf("change the constraint at %s to allow %s %s", c.Origin, l.Name, v)},
			})
		}
	}
}
