package zerogpu

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/wheeltags"
)

// sidecarFixes explains a lock that failed because the index has no
// side-car release built for the chosen torch (torchcodec 0.10 for torch
// 2.10, say), and names the allowed torch whose side-car the index has.
// It looks only at side-cars the explanation names.
func sidecarFixes(ctx context.Context, l index.Lister, c *catalog.Catalog, torch, derivation string) []string {
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
		vs := releasesOf(files)
		if len(want.Filter(vs, true)) > 0 {
			continue // the index has one: the conflict is elsewhere
		}
		have := "none"
		if len(vs) > 0 {
			var s []string
			for _, v := range vs {
				s = append(s, v.String())
			}
			have = strings.Join(s, ", ")
		}
		fix := fmt.Sprintf("the index has no %s built for torch %s (%s%s; it has %s)", name, torch, name, want, have)
		for _, other := range c.AllowedTorch() {
			if other.Compare(t) == 0 {
				continue
			}
			if spec, _, ok := c.SidecarSpec(other, name); ok && len(spec.Filter(vs, true)) > 0 {
				fix += fmt.Sprintf(": pin torch==%s, whose %s it has (or `zgpu deps resolve --torch %s`)", other, name, other)
				break
			}
		}
		out = append(out, fix)
	}
	return out
}

// releasesOf returns the distinct versions of a project's files that are
// not yanked, highest first.
func releasesOf(files []index.File) []pep440.Version {
	seen := map[string]bool{}
	var vs []pep440.Version
	for _, f := range files {
		if f.Yanked {
			continue
		}
		var v pep440.Version
		if w, err := wheeltags.ParseWheelFilename(f.Filename); err == nil {
			v = w.Version
		} else if s, err := wheeltags.ParseSdistFilename(f.Filename); err == nil {
			v = s.Version
		} else {
			continue
		}
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
		out = append(out, fmt.Sprintf("%s (%s) is a [tool.uv] override-dependencies entry: uv lets it override what other packages require, but the Space is built with pip from requirements.txt, and pip holds every package to its own requirements; drop the override, or the package whose requirement it contradicts", o.Text, o.Origin))
	}
	return out
}
