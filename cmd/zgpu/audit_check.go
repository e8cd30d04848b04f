package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/check"
	"github.com/zgpu/zgpu/project"
	"github.com/zgpu/zgpu/spacediag"
	"github.com/zgpu/zgpu/zerogpu"
)

// requirementsCheck is the check audit applies to each Space's files. A
// Space with a requirements.txt is judged by the rules of `zgpu deps check`
// (package check: offline, nothing resolved). A Space without one (a
// pyproject.toml or uv.lock project) is judged by the ZeroGPU rules of deps
// resolve, without a lock and with the catalog's snapshot of wheels only:
// safe when the plan has no problem and changes nothing. Neither reads a
// package index, so the check costs no request.
func requirementsCheck(c *catalog.Catalog) spacediag.Checker {
	finder := &zerogpu.SourceFinder{Catalog: c} // the snapshot, shared by every Space
	return func(ctx context.Context, dir string) (*spacediag.Check, error) {
		if req := filepath.Join(dir, "requirements.txt"); isRegular(req) {
			return depsCheck(c, dir, req)
		}
		proj, err := project.Load(dir, project.LoadOptions{})
		if err != nil {
			return nil, err
		}
		python := zerogpu.TargetPython(c, proj, "")
		in, err := zerogpu.FromProject(proj, c, python, zerogpu.ExportOptions{NoEmitProject: true, NoEmitPackage: zerogpu.LeftOut(c, false)})
		if err != nil {
			return nil, err
		}
		rep, err := zerogpu.Plan(ctx, in, zerogpu.Options{Catalog: c, Finder: finder})
		if err != nil {
			return nil, err
		}
		ch := &spacediag.Check{Safe: rep.OK() && len(rep.Changes) == 0, Issues: []string{}}
		for _, p := range rep.Problems {
			ch.Issues = append(ch.Issues, p.Message)
		}
		for _, x := range rep.Changes {
			what := x.Name
			if x.Origin != "" {
				what = filepath.Base(x.Origin) + ": " + x.Name
			}
			ch.Issues = append(ch.Issues, fmt.Sprintf("%s: %s", what, x.Reason))
		}
		return ch, nil
	}
}

// depsCheck judges the requirements.txt at req with the rules of `zgpu deps
// check`; issues name files relative to the Space.
func depsCheck(c *catalog.Catalog, dir, req string) (*spacediag.Check, error) {
	t, err := check.TargetFor(req)
	if err != nil {
		return nil, err
	}
	problems, err := check.File(req, c, t)
	if err != nil {
		return nil, err
	}
	ch := &spacediag.Check{Safe: len(problems) == 0, Issues: []string{}}
	for _, p := range problems {
		issue := p.Message
		if p.Origin != "" {
			issue = strings.TrimPrefix(p.Origin, dir+string(filepath.Separator)) + ": " + issue
		}
		ch.Issues = append(ch.Issues, fmt.Sprintf("%s [%s]", issue, p.Rule))
	}
	return ch, nil
}
