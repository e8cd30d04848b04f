package zerogpu

import (
	"context"
	"fmt"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/resolver"
	"github.com/zgpu/zgpu/target"
	"github.com/zgpu/zgpu/wheeltags"
)

// The Gradio rules of issue 10: ZeroGPU runs Gradio 4 or later, so an
// sdk_version below 4 is a problem whose fix is the README; a gradio-client
// pin is removed with a note, since the gradio the platform installs at
// sdk_version pins its own gradio-client exactly.

// minGradio is the oldest Gradio major ZeroGPU runs.
const minGradio = 4

// checkSDKVersion reports an sdk_version below Gradio 4.
func (p *planner) checkSDKVersion() {
	if p.in.SDKVersion == "" || (p.in.SDK != "" && p.in.SDK != "gradio") {
		return
	}
	v, err := pep440.Parse(p.in.SDKVersion)
	if err != nil {
		return
	}
	if maj, _ := v.MajorMinor(); maj >= minGradio {
		return
	}
	where := p.in.SDKVersionOrigin
	if where == "" {
		where = "README.md"
	}
	p.r.problem(Problem{
		Subject: "gradio", Origin: where,
		Message: fmt.Sprintf("sdk_version %s is below %d: ZeroGPU runs Gradio %d or later", p.in.SDKVersion, minGradio, minGradio),
		Fixes:   []string{fmt.Sprintf("raise sdk_version in README.md (%s) to a Gradio 5 release, e.g. `sdk_version: 5.49.1`, and check the app with it", where)},
	})
}

// dropGradioClient leaves out a gradio-client pin when the platform
// installs gradio, and reports whether it did: gradio pins its own
// gradio-client, and another pin only conflicts with it.
func (p *planner) dropGradioClient(req Requirement) bool {
	if pep508.NormalizeName(req.Req.Name) != "gradio-client" || len(req.Req.Specifiers) == 0 && req.Req.URL == "" {
		return false
	}
	if _, platform := p.noEmit["gradio"]; !platform {
		return false
	}
	gradio := "at the README's sdk_version"
	if p.in.SDKVersion != "" {
		gradio = p.in.SDKVersion + " (sdk_version)"
	}
	why := fmt.Sprintf("the platform's gradio %s pins its own gradio-client", gradio)
	p.r.Changes = append(p.r.Changes, Change{Name: "gradio-client", Before: req.Text, Reason: why, Origin: req.Origin})
	p.repaired(Problem{
		Subject: "gradio-client", Origin: req.Origin,
		Message: fmt.Sprintf("%s: %s; another pin conflicts with it at build time", req.Text, why),
		Fixes:   []string{"remove the line"},
	})
	return true
}

// A Space without sdk_version gets the Gradio the builder installs for a
// new Space: the newest release. A lock or a verification then resolves
// with that gradio (the newest on the index with a wheel for the target),
// and says so: a decision in --json and one warning.

// gradioAssumed is the subject of the decision assumeGradio records.
const gradioAssumed = "gradio (no sdk_version)"

// assumeGradio returns in, or, for a Gradio Space whose README names no
// sdk_version, a copy whose SDKVersion is the newest gradio on the index
// (newestGradio) that the lock then co-resolves, recorded once in r.
func (r *Report) assumeGradio(ctx context.Context, l index.Lister, tags wheeltags.Target, in *Input) *Input {
	if in.SDKVersion != "" || (in.SDK != "" && in.SDK != "gradio") || l == nil {
		return in
	}
	v := ""
	for _, d := range r.Decisions {
		if d.Subject == gradioAssumed {
			v = d.Choice
		}
	}
	if v == "" {
		var ok bool
		if v, ok = newestGradio(ctx, l, tags); !ok {
			return in
		}
		r.decide(gradioAssumed, v, noSDKVersion(in)+": the Space builder installs the newest Gradio for a new Space; "+v+" is the newest on the index, and the requirements are resolved with it", "")
		r.gradioWarning(in, v)
	}
	out := *in
	out.SDKVersion, out.SDKVersionNewest = v, true
	return &out
}

// gradioWarning says which gradio the lock used: as a clause of the
// warning about the missing sdk_version when the plan gave one (one cause,
// one warning), else as a warning of its own.
func (r *Report) gradioWarning(in *Input, v string) {
	clause := fmt.Sprintf("the requirements were resolved with gradio %s, the newest on the index, which the builder installs for a new Space", v)
	for i, w := range r.Warnings {
		if strings.Contains(w, "gradio is installed by the platform at the README's sdk_version") {
			r.Warnings[i] = w + "; " + clause
			return
		}
	}
	pin := fmt.Sprintf("pin it with `sdk_version: %s`", v)
	if in.SDK == "" {
		pin = fmt.Sprintf("add README.md with `sdk: gradio` and `sdk_version: %s`", v)
	}
	r.warnf("%s: %s; %s", noSDKVersion(in), clause, pin)
}

// noSDKVersion says what the Space lacks: "README.md has no sdk_version",
// or, with no frontmatter naming the SDK, "no README.md frontmatter".
func noSDKVersion(in *Input) string {
	if in.SDK == "" {
		return "no README.md frontmatter"
	}
	return "README.md has no sdk_version"
}

// newestGradio returns the newest final, unyanked gradio release on the
// index that has a wheel for the target.
func newestGradio(ctx context.Context, l index.Lister, tags wheeltags.Target) (string, bool) {
	vs := gradioReleases(ctx, l, tags)
	if len(vs) == 0 {
		return "", false
	}
	return vs[0].String(), true
}

// gradioReleases lists the final, unyanked gradio releases on the index
// that have a wheel for the target, newest first.
func gradioReleases(ctx context.Context, l index.Lister, tags wheeltags.Target) []pep440.Version {
	files, err := l.Files(ctx, "gradio")
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var out []pep440.Version
	for _, f := range files {
		w, err := wheeltags.ParseWheelFilename(f.Filename)
		if err != nil || f.Yanked || w.Version.IsPrerelease() || seen[w.Version.String()] {
			continue
		}
		if fit, _ := wheeltags.Best([]string{f.Filename}, tags); fit != "" {
			seen[w.Version.String()] = true
			out = append(out, w.Version)
		}
	}
	sortVersions(out, false)
	return out
}

// gradioTries bounds the older Gradio releases newestGradioFix resolves
// with (the newest of each minor, newest first).
const gradioTries = 6

// newestGradioFix, when the requirements do not resolve with the newest
// gradio that a README without sdk_version gets (e, the last problem's
// explanation), finds the newest older release that does resolve, one per
// minor and at most gradioTries, and makes `sdk_version: V` the problem's
// first fix: a README edit, the only one that changes what the builder
// installs.
func (r *Report) newestGradioFix(ctx context.Context, c *catalog.Catalog, in *Input, lo LockOptions, e *resolver.Explanation) {
	if !in.SDKVersionNewest || len(r.Problems) == 0 || !strings.Contains(e.Derivation, "("+originNewest+")") {
		return
	}
	newest := pep440.MustParse(in.SDKVersion)
	tried := map[[2]int]bool{}
	for _, v := range gradioReleases(ctx, lo.Lister, target.For(c, r.Target.Python).Tags()) {
		maj, min := v.MajorMinor()
		if v.Compare(newest) >= 0 || maj < minGradio || tried[[2]int{maj, min}] || len(tried) >= gradioTries {
			continue
		}
		tried[[2]int{maj, min}] = true
		try := *r
		try.Problems, try.Decisions, try.Warnings, try.Repairs = nil, nil, nil, nil
		older := *in
		older.SDKVersion, older.SDKVersionNewest = v.String(), false
		if err := try.Lock(ctx, c, &older, lo); err != nil || !try.OK() {
			continue
		}
		p := &r.Problems[len(r.Problems)-1]
		fixes := []string{fmt.Sprintf("add `sdk_version: %s` to the README frontmatter: without one the builder installs the newest gradio, %s, which does not resolve with the rest; %s is the newest that does", v, in.SDKVersion, v)}
		for _, f := range p.Fixes {
			// This fix replaces the resolver's own sdk_version guess and
			// its "no single change".
			if !strings.Contains(f, "`sdk_version: ") && !strings.HasPrefix(f, "no change to a single requirement") {
				fixes = append(fixes, "or "+strings.TrimPrefix(f, "or "))
			}
		}
		p.Fixes = fixes
		return
	}
}
