package main

import (
	"strings"

	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/project"
	"github.com/zgpu/zgpu/pypi"
	"github.com/zgpu/zgpu/uvindex"
	"github.com/zgpu/zgpu/wheelfind"
)

// This file holds a uv project's indexes ([[tool.uv.index]]), read for
// locking the way uv reads them (package uvindex), where the other index
// lines are read the way pip reads them (netOptions.sources).

// uvIndexesOf returns the [[tool.uv.index]] entries of p when its input is
// the pyproject.toml that declares them, else nil.
func uvIndexesOf(p *project.Project) []project.Index {
	if p.Input().Kind != project.Pyproject {
		return nil
	}
	var out []project.Index
	for _, ix := range p.Indexes {
		if ix.Kind == "uv" {
			out = append(out, ix)
		}
	}
	return out
}

// splitUVLines separates the index lines that stand for uv indexes (the
// --index-url and --extra-index-url FromProject wrote for them) from the
// others.
func splitUVLines(uv []project.Index, lines []string) (rest []string) {
	isUV := map[string]bool{}
	for _, ix := range uv {
		isUV[ix.URL] = true
	}
	for _, l := range lines {
		opt, val, _ := strings.Cut(l, " ")
		if (opt == "--index-url" || opt == "--extra-index-url") && isUV[val] {
			continue
		}
		rest = append(rest, l)
	}
	return rest
}

// uvSources is the uv way of reading the indexes, in uv's priority order:
// the command line's and environment's extra indexes (uv asks them
// first), the project's [[tool.uv.index]] in the order written, then the
// default index: --index-url or its variables when given, else the
// project's default = true index, else PyPI. find-links (flags, variables,
// tool.uv.find-links, requirements lines) are read for every package.
func (o *depsResolveOptions) uvSources(p *project.Project, uv []project.Index, srcs *netOptions, fc *fetch.Client) (*uvindex.Lister, string) {
	l := &uvindex.Lister{Pins: map[string]string{}}
	var names []string
	add := func(name, u string, explicit bool) {
		l.Indexes = append(l.Indexes, uvindex.Index{Name: name, URL: u, Explicit: explicit, Lister: pypi.New(u, fc)})
		label := redactForUsage(u)
		if explicit {
			label += " (explicit)"
		}
		names = append(names, label)
	}
	if !srcs.NoIndex {
		for _, u := range srcs.ExtraIndexURLs {
			add("", u, false)
		}
		var def *project.Index
		for _, ix := range uv {
			if ix.Default {
				def = &ix
				continue
			}
			add(ix.Name, ix.URL, ix.Explicit)
		}
		switch {
		case srcs.IndexURL != pypi.DefaultIndexURL || def == nil:
			add("", srcs.IndexURL, false)
		default:
			add(def.Name, def.URL, false)
		}
	}
	for _, f := range srcs.FindLinks {
		l.FindLinks = append(l.FindLinks, pypi.NewFindLinks(f, fc))
		names = append(names, "find-links "+redactForUsage(f))
	}
	for _, s := range p.Sources {
		if s.Index != "" {
			l.Pins[pep508.NormalizeName(s.Package)] = s.Index
		}
	}
	return l, "uv's index order: " + strings.Join(names, ", ")
}

// uvWheelSources returns, for the CUDA wheel search, the [[tool.uv.index]]
// that [tool.uv.sources] sends a package to (flash-attn = { index = "fa" }),
// searched before the catalog's sources; nil when the project sends none.
func uvWheelSources(p *project.Project, fc *fetch.Client) func(pkg string) []wheelfind.Source {
	uv := uvIndexesOf(p)
	urls := map[string]string{} // normalized package -> index URL
	for _, s := range p.Sources {
		for _, ix := range uv {
			if s.Index != "" && ix.Name == s.Index {
				urls[pep508.NormalizeName(s.Package)] = ix.URL
			}
		}
	}
	if len(urls) == 0 {
		return nil
	}
	return func(pkg string) []wheelfind.Source {
		u, ok := urls[pep508.NormalizeName(pkg)]
		if !ok {
			return nil
		}
		return []wheelfind.Source{{Name: "index " + redactForUsage(u), Kind: "index", Lister: pypi.New(u, fc)}}
	}
}
