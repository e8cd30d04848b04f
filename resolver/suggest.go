package resolver

import (
	"context"
	"fmt"
	"sort"

	"github.com/zgpu/zgpu/pep508"
)

// maxSuggestionTries bounds the re-resolutions suggestions may run.
const maxSuggestionTries = 8

// suggestions proposes changes to the request that make it resolvable. It
// takes the request's requirements and constraints that the failure's
// derivation rests on (its external incompatibilities from the root) and,
// for each, resolves again: with the requirement's version specifier (or
// URL) dropped, which shows a version that would fit, or without the
// requirement. Only changes that resolve are suggested.
func suggestions(ctx context.Context, p *cachingProvider, req Request, s *solver, fail *incompat) ([]string, error) {
	var reqs, cons []int
	seen := map[*incompat]bool{}
	seenReq := map[[2]int]bool{}
	var walk func(ic *incompat)
	walk = func(ic *incompat) {
		if seen[ic] {
			return
		}
		seen[ic] = true
		if ic.kind == causeDerived {
			walk(ic.left)
			walk(ic.right)
			return
		}
		if ic.rootIdx < 0 {
			return
		}
		k := [2]int{0, ic.rootIdx}
		if ic.constraint {
			k[0] = 1
		}
		if seenReq[k] {
			return
		}
		seenReq[k] = true
		if ic.constraint {
			cons = append(cons, ic.rootIdx)
		} else {
			reqs = append(reqs, ic.rootIdx)
		}
	}
	walk(fail)
	sort.Ints(reqs)
	sort.Ints(cons)

	var out []string
	tries := 0
	try := func(r Request) (*Result, error) {
		tries++
		return resolve(ctx, p, r, false)
	}
	for _, i := range reqs {
		if tries >= maxSuggestionTries {
			break
		}
		orig := req.Requirements[i]
		text := requirementText(orig.Requirement) + originSuffix(orig.Origin)
		if orig.URL != "" || len(orig.Specifiers) > 0 {
			relaxed := orig
			relaxed.URL = ""
			relaxed.Specifiers = nil
			r2 := req
			r2.Requirements = append([]Requirement(nil), req.Requirements...)
			r2.Requirements[i] = relaxed
			res, err := try(r2)
			if err != nil {
				return nil, err
			}
			if res.Unsat == nil {
				if v, ok := findVersion(res, orig.Name); ok {
					out = append(out, fmt.Sprintf("change %s to %s==%s, which resolves", text, orig.Name, v))
				} else {
					out = append(out, fmt.Sprintf("drop the version constraint of %s, which resolves", text))
				}
				continue
			}
		}
		r2 := req
		r2.Requirements = append(append([]Requirement(nil), req.Requirements[:i]...), req.Requirements[i+1:]...)
		res, err := try(r2)
		if err != nil {
			return nil, err
		}
		if res.Unsat == nil {
			out = append(out, fmt.Sprintf("remove %s, which resolves", text))
		}
	}
	for _, i := range cons {
		if tries >= maxSuggestionTries {
			break
		}
		orig := req.Constraints[i]
		r2 := req
		r2.Constraints = append(append([]Requirement(nil), req.Constraints[:i]...), req.Constraints[i+1:]...)
		res, err := try(r2)
		if err != nil {
			return nil, err
		}
		if res.Unsat == nil {
			out = append(out, fmt.Sprintf("drop the constraint %s%s, which resolves", requirementText(orig.Requirement), originSuffix(orig.Origin)))
		}
	}
	if len(out) == 0 && len(reqs)+len(cons) > 0 {
		out = append(out, "no change to a single requirement of the request resolves it; several of them must change together")
	}
	return out, nil
}

func originSuffix(o string) string {
	if o == "" {
		return ""
	}
	return " (" + o + ")"
}

func findVersion(res *Result, name string) (string, bool) {
	n := pep508.NormalizeName(name)
	for _, r := range res.Packages {
		if r.Name == n {
			return r.Version.String(), true
		}
	}
	return "", false
}
