package zerogpu

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/lock"
	"github.com/zgpu/zgpu/pep508"
)

// The lock is wheels only. A package published only as an sdist (docopt,
// antlr4-python3-runtime 4.9.3, transformers-stream-generator) then has no
// solution, although the Space builder's pip builds such an sdist, as the
// --offline and --no-lock files already ask it to. That is a safe fix
// unless the sdist holds CUDA code (building it needs nvcc, which the
// builder lacks): the catalog's CUDA packages never get it (noCUDASdists
// hides their sdists). So the lock lets in the sdist of exactly the
// packages that failed for want of a wheel, records a repair (--strict
// refuses instead) and notes the pin; directMeta warns that the sdist's
// own dependencies are not pinned.

// maxSdistRounds bounds the re-locks: each may reveal one more sdist-only
// package further down the graph.
const maxSdistRounds = 8

// relockWithSdists re-resolves a failed lock with the sdists its
// derivation names let in, until it resolves, names no new package, or
// maxSdistRounds. It returns the last result and the packages let in.
func (s *lockStep) relockWithSdists(ctx context.Context, lister index.Lister, meta index.MetadataReader, opts lock.Options, res *lock.Result) (*lock.Result, []string, error) {
	if res.Unsat == nil || opts.AllowSdist || s.lo.verify || s.lo.verifyFile || s.lo.Strict {
		return res, nil, nil
	}
	allowed := map[string]bool{}
	for round := 0; round < maxSdistRounds && res.Unsat != nil; round++ {
		added := false
		for _, n := range sdistOnlyNames(s.c, res.Unsat.Derivation) {
			if !allowed[n] {
				allowed[n], added = true, true
			}
		}
		if !added {
			break
		}
		opts.SdistFor = maps.Clone(allowed)
		next, err := s.resolve(ctx, lister, meta, opts)
		if err != nil {
			return nil, nil, err
		}
		res = next
	}
	if res.Unsat != nil {
		return res, nil, nil
	}
	return res, slices.Sorted(maps.Keys(allowed)), nil
}

// sdistOnlyNames lists (normalized) the packages a derivation says are
// published only as an sdist, but not the catalog's CUDA packages.
func sdistOnlyNames(c *catalog.Catalog, derivation string) []string {
	var out []string
	for _, m := range sdistOnly.FindAllStringSubmatch(derivation, -1) {
		n := pep508.NormalizeName(m[1] + m[2])
		if n == "" || slices.Contains(out, n) {
			continue
		}
		if pkg, ok := c.Package(n); ok && pkg.NeedsPrebuiltWheel() {
			continue
		}
		out = append(out, n)
	}
	return out
}

// noteSdists records the repair of each sdist the lock let in and notes
// its pin.
func (r *Report) noteSdists(names []string) {
	for _, n := range names {
		note := "published only as an sdist: pip builds it on the Space (not a known CUDA package)"
		for i := range r.Lines {
			if pep508.NormalizeName(r.Lines[i].Name) == n && r.Lines[i].Reason == "" {
				r.Lines[i].Reason = note
			}
		}
		r.Repairs = addProblem(r.Repairs, Problem{
			Subject: n,
			Message: fmt.Sprintf("%s is published only as an sdist, and the lock is wheels only", n),
			Fixes:   []string{fmt.Sprintf("the lock pins its sdist, which the Space's pip builds: %s is not one of the CUDA packages that need a prebuilt wheel; if it holds CUDA code, pin a wheel of it by URL (zgpu wheel find %s)", n, n)},
		})
	}
	if len(names) > 0 {
		r.warnf("%s: published only as an sdist; the lock pins the sdist, which the Space's pip builds (--strict refuses instead)", strings.Join(names, ", "))
	}
}
