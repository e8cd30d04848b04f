package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/project"
	"github.com/zgpu/zgpu/spacediag"
	"github.com/zgpu/zgpu/zerogpu"
)

// requirementsCheck is the check audit applies to each Space's files: the
// ZeroGPU rules of deps resolve, without a lock and with the catalog's
// snapshot of wheels only (no index is read), so that it costs no request.
// The requirements are safe when the plan has no problem and changes
// nothing. It is the one place to plug the rules of `zgpu deps check` in.
func requirementsCheck(c *catalog.Catalog) spacediag.Checker {
	finder := &zerogpu.SourceFinder{Catalog: c} // the snapshot, shared by every Space
	return func(ctx context.Context, dir string) (*spacediag.Check, error) {
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
