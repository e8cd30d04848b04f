package zerogpu

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/resolver"
	"github.com/zgpu/zgpu/wheeltags"
)

// sidecarFixes explains a lock that failed because the index has no
// side-car release built for the chosen torch (torchcodec 0.10 for torch
// 2.10, say), and names the allowed torch whose side-car the index has.
// It looks only at side-cars the explanation names.
func sidecarFixes(ctx context.Context, l index.Lister, c *catalog.Catalog, in *Input, target wheeltags.Target, torch, derivation string) []string {
	t, err := pep440.Parse(torch)
	if err != nil || l == nil {
		return nil
	}
	var out []string
	for _, name := range sidecarNames {
		if !mentionsPackage(derivation, name) {
			continue
		}
		want, _, ok := c.SidecarSpec(t, name)
		if !ok {
			continue
		}
		files, err := l.Files(ctx, name)
		if err != nil {
			continue
		}
		vs := releasesOf(files, target)
		if len(want.Filter(vs, true)) > 0 {
			continue // the index has one: the conflict is elsewhere
		}
		have := "none"
		if len(vs) > 0 {
			have = versionList(vs)
		}
		fix := fmt.Sprintf("the index has no %s built for torch %s (%s%s; it has %s)", name, torch, name, want, have)
		for _, other := range nearestFirst(allowedBy(c.AllowedTorch(), in.Constraints, nil), t) {
			if spec, _, ok := c.SidecarSpec(other, name); ok && len(spec.Filter(vs, true)) > 0 {
				fix += fmt.Sprintf(": pin torch==%s, whose %s it has (or `zgpu deps resolve --torch %s`)", other, name, other)
				break
			}
		}
		out = append(out, fix)
	}
	return out
}

// nearestFirst orders the versions other than t by their distance from t
// in the list (the allow-list's steps, not version arithmetic), the
// higher first of two as near: the side-car fix names the smallest move.
func nearestFirst(vs []pep440.Version, t pep440.Version) []pep440.Version {
	var sorted []pep440.Version
	for _, v := range vs {
		if v.Compare(t) != 0 {
			sorted = append(sorted, v)
		}
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Compare(sorted[j]) < 0 })
	at := sort.Search(len(sorted), func(i int) bool { return sorted[i].Compare(t) > 0 }) // the first above t
	out := make([]pep440.Version, 0, len(sorted))
	for lo, hi := at-1, at; lo >= 0 || hi < len(sorted); {
		if hi < len(sorted) && (lo < 0 || hi-at <= at-1-lo) { // steps above vs below t
			out = append(out, sorted[hi])
			hi++
		} else {
			out = append(out, sorted[lo])
			lo--
		}
	}
	return out
}

// releasesOf returns the distinct versions of a project's wheels that
// install on the target and are not yanked, highest first.
func releasesOf(files []index.File, target wheeltags.Target) []pep440.Version {
	seen := map[string]bool{}
	var vs []pep440.Version
	for _, f := range files {
		if f.Yanked {
			continue
		}
		w, err := wheeltags.ParseWheelFilename(f.Filename)
		if err != nil {
			continue
		}
		if _, ok := target.Rank(w.Tags); !ok {
			continue
		}
		v := w.Version
		if k := v.String(); !seen[k] {
			seen[k] = true
			vs = append(vs, v)
		}
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].Compare(vs[j]) > 0 })
	return vs
}

// mentionsPackage reports whether text names the package as a word (so
// "torchaudio" is not found in "torchaudio-extra").
func mentionsPackage(text, name string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], name)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(name)
		before := j == 0 || !isNameByte(text[j-1])
		after := end == len(text) || !isNameByte(text[end])
		if before && after {
			return true
		}
		i = end
	}
}

func isNameByte(b byte) bool {
	return b == '-' || b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// overrideFixes explains a conflict that involves one of uv's
// override-dependencies: uv lets an override loosen what a dependency
// requires, but the Space is built by pip from requirements.txt, and pip
// reads every dependency's own requirements. zgpu therefore applies an
// override only as a constraint, and the conflict is real on the Space.
func overrideFixes(in *Input, derivation string) []string {
	var out []string
	for _, o := range in.Overrides {
		if o.Origin == "" || !strings.Contains(derivation, o.Origin) {
			continue
		}
		what := "an override (--override)"
		if strings.HasPrefix(o.Origin, "pyproject.toml") || strings.Contains(o.Origin, "/pyproject.toml") {
			what = "a [tool.uv] override-dependencies entry"
		}
		out = append(out, fmt.Sprintf("%s (%s) is %s: uv lets it override what other packages require, but the Space is built with pip from requirements.txt, and pip holds every package to its own requirements; drop the override, or the package whose requirement it contradicts", o.Text, o.Origin, what))
	}
	return out
}

var (
	sdistOnly = regexp.MustCompile(`(?:no version of ([A-Za-z0-9._-]+)|([A-Za-z0-9._-]+)[^ ]* [^ ]+) can(?:not)? be installed on the target \(only an sdist`)
	noVersion = regexp.MustCompile(`but there are no versions of ([A-Za-z0-9._-]+)`)
)

// derivationFixes turns the dead ends of a failed resolution into fixes:
// a package published only as an sdist (the lock is wheels-only; a
// pure-Python one may be built with --allow-sdist), a package the index
// does not have at all.
func derivationFixes(derivation string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range sdistOnly.FindAllStringSubmatch(derivation, -1) {
		name := m[1] + m[2]
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, fmt.Sprintf("%s is published only as an sdist: if it is pure Python (no CUDA code), `--allow-sdist` lets the Space build it; otherwise pin a wheel of it by URL (zgpu wheel find %s)", name, name))
	}
	for _, m := range noVersion.FindAllStringSubmatch(derivation, -1) {
		if seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		if m[1] == "spaces" || m[1] == "gradio" {
			out = append(out, fmt.Sprintf("the index has no %s, which the platform installs itself: the index must mirror PyPI (check --index-url / PIP_INDEX_URL)", m[1]))
			continue
		}
		out = append(out, fmt.Sprintf("%s is not on the index: add the index that has it (--extra-index-url in requirements.txt), install it by URL (%s @ https://...), or remove it", m[1], m[1]))
	}
	return out
}

// unsatFixes gathers the fixes of a failed lock, specific ones first; the
// resolver's generic "several must change together" goes when a specific
// fix exists.
func unsatFixes(ctx context.Context, l index.Lister, c *catalog.Catalog, target wheeltags.Target, torch string, in *Input, e *resolver.Explanation) []string {
	specific := sidecarFixes(ctx, l, c, in, target, torch, e.Derivation)
	specific = append(specific, missingVersionFixes(ctx, l, target, e.Derivation)...)
	specific = append(specific, overrideFixes(in, e.Derivation)...)
	specific = append(specific, derivationFixes(e.Derivation)...)
	out := specific
	for _, f := range fixesFor(e.Suggestions, in) {
		if len(specific) > 0 && strings.HasPrefix(f, "no change to a single requirement") {
			continue
		}
		out = append(out, f)
	}
	if len(out) > 0 {
		out[0] = strings.TrimPrefix(out[0], "or ") // the first fix is no alternative
	}
	return out
}

// allowedBy returns the versions of allowed that the -c constraints on
// torch accept (those whose marker applies, when applies is not nil), in
// the same order.
func allowedBy(allowed []pep440.Version, cons []Requirement, applies func(Requirement) bool) []pep440.Version {
	var out []pep440.Version
	for _, v := range allowed {
		ok := true
		for _, cs := range cons {
			if pep508.NormalizeName(cs.Req.Name) == "torch" && cs.Req.URL == "" && (applies == nil || applies(cs)) && !cs.Req.Specifiers.Contains(v, true) {
				ok = false
			}
		}
		if ok {
			out = append(out, v)
		}
	}
	return out
}

// noMatch finds "root depends on X==1.2 (requirements.txt:3), which matches
// no version of X": a version the index does not have for the target.
var noMatch = regexp.MustCompile(`depends on ([A-Za-z0-9._-]+)([^ (,]*) \(([^)]*)\), which matches no version of ([A-Za-z0-9._-]+)`)

// missingVersionFixes names, for a requirement that matches no version the
// target can install, the versions the index does have for it.
func missingVersionFixes(ctx context.Context, l index.Lister, target wheeltags.Target, derivation string) []string {
	var out []string
	for _, m := range noMatch.FindAllStringSubmatch(derivation, 3) {
		name, spec, origin := m[4], m[2], m[3]
		if spec == "" || strings.Contains(origin, "zgpu's rewrite") || strings.HasPrefix(origin, "the ") {
			continue // zgpu's own lines and the platform's get their own fixes
		}
		files, err := l.Files(ctx, name)
		if err != nil {
			continue
		}
		vs := releasesOf(files, target)
		have := "no wheel that installs on " + target.String()
		if len(vs) > 0 {
			have = "wheels of " + versionList(vs) + " for the target"
		}
		out = append(out, fmt.Sprintf("%s%s (%s): the index has no such wheel for the target; it has %s: change the requirement", name, spec, origin, have))
	}
	return out
}

// versionList writes versions for a message: the first five, then "...".
func versionList(vs []pep440.Version) string {
	var s []string
	for i, v := range vs {
		if i == 5 {
			s = append(s, "...")
			break
		}
		s = append(s, v.String())
	}
	return strings.Join(s, ", ")
}
