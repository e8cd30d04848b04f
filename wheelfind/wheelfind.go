// Package wheelfind finds the prebuilt wheels of a package that install and
// run on a target (a Python, a platform, and optionally a torch with its
// CUDA, C++ ABI and GPU architecture), across several sources, and says for
// every other file why it does not fit.
//
// It reads sources only through index.Lister (package pypi, github, hub
// listers), so it has no network code of its own. Each file is judged by
// target.Target.Fits: its filename (PEP 427 tags through wheeltags), the local
// version label and the Hub cell it was listed under (cudalabel), and the
// facts that no label states (target.BuiltinRules: FlashAttention 3 on
// Hopper only, no Blackwell kernels before CUDA 12.8, PyPI torch's C++ ABI).
//
// A wheel built for another torch minor fits when Query.ExtensionRunsOn says
// that minor's extension ABI carries over (it ranks after the wheels built
// for the query's own minor).
//
// The Blackwell dataset's cells are torch-minor tolerant (zerogpu-rules.md:
// a pt212 cell runs on the torch-2.11 runtime): for the Hub repositories
// named in Query.TorchMinorTolerant, a wheel whose filename names no torch
// and whose cell was built for the next torch minor fits the query's torch
// (cudalabel.TolerantCell); never an older cell on a newer torch.
//
// Fitting wheels are ranked (Rank 1 is best) by, in order:
//
//  1. a stated torch major.minor equal to the query's, or a tolerant cell
//     of the next minor (torch-agnostic wheels after);
//  2. a stated GPU architecture list that contains the query's;
//  3. the order of the sources as given (put the most trusted first: the
//     ZeroGPU Blackwell wheels dataset, as zerogpu-rules.md orders them);
//  4. within a source, a wheel listed under a Hub cell (which states its
//     torch, CUDA and Python: the dataset's layout) before a tolerant cell
//     of the next torch minor, before a wheel listed under no cell (so the
//     catalog snapshot, which merges the sources, still puts the dataset
//     first);
//  5. the wheel's CUDA minor closest to the query's (a wheel that states
//     only a CUDA major comes after those that state a minor);
//  6. the higher package version (PEP 440);
//  7. the better platform tag for the target (wheeltags.Target.Rank);
//  8. the order of listing (a GitHub source lists newer releases first).
//
// Source order comes before the package version on purpose: a wheel from
// the dataset built on ZeroGPU's own GPU is a safer pin than a newer
// upstream build. Suggest turns the rejects into the pins that would make
// one of them fit ("pin torch==2.8.0 to use ...").
package wheelfind

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/target"
	"github.com/zgpu/zgpu/wheeltags"
	"golang.org/x/sync/errgroup"
)

// Source is one named place to look for files.
type Source struct {
	Name   string // for people: "hub:datasets/multimodalart/zerogpu-blackwell-wheels"
	Kind   string // "hub", "github", "index", "find-links", "pypi"
	Lister index.Lister
}

// Query describes the target a wheel must fit: the one target type, whose
// Fits judges every file.
type Query = target.Target

// Found is a wheel that fits.
type Found struct {
	Wheel  wheeltags.Wheel
	File   index.File
	URL    string
	Source string // Source.Name
	Needs  cudalabel.Needs
	Rank   int // 1 is best
}

// Rejected is a file that does not fit, with every reason.
type Rejected struct {
	Filename string
	URL      string
	Source   string
	Reasons  []string
	Needs    cudalabel.Needs

	file   index.File
	source int // index into the sources
}

// SourceError is a source that could not be listed.
type SourceError struct {
	Source string
	Err    error
}

// Result is what Find found.
type Result struct {
	Package  string // as asked
	Found    []Found
	Rejected []Rejected
	// Empty names the sources that do not have the package at all.
	Empty []string
	// Errors are the sources that failed; the others were still searched.
	Errors []SourceError

	query   Query
	sources []Source
}

// Find lists pkg in every source (concurrently), judges every file against
// q, and ranks the wheels that fit. A source that does not know pkg
// (an *index.NotFoundError) is listed in Result.Empty; a source that fails
// otherwise (a repository that does not exist included) in Result.Errors.
// The error is non-nil only when every source failed.
func Find(ctx context.Context, pkg string, q Query, sources []Source) (Result, error) {
	res := Result{Package: pkg, query: q, sources: sources}
	lists := make([][]index.File, len(sources))
	errs := make([]error, len(sources))
	g, gctx := errgroup.WithContext(ctx)
	for i, s := range sources {
		g.Go(func() error {
			files, err := s.Lister.Files(gctx, pkg)
			lists[i], errs[i] = files, err
			return nil
		})
	}
	g.Wait()
	failed := 0
	for i, s := range sources {
		var nf *index.NotFoundError
		switch err := errs[i]; {
		case err == nil && len(lists[i]) == 0, errors.As(err, &nf):
			res.Empty = append(res.Empty, s.Name)
		case err != nil:
			res.Errors = append(res.Errors, SourceError{Source: s.Name, Err: err})
			failed++
		}
	}
	want := pep508.NormalizeName(pkg)
	var cands []candidate
	for i, files := range lists {
		for _, f := range files {
			c, ok := judge(f, i, sources[i].Name, want, q)
			if !ok {
				continue
			}
			if len(c.reasons) > 0 {
				res.Rejected = append(res.Rejected, c.rejected())
				continue
			}
			cands = append(cands, c)
		}
	}
	res.Found = rank(cands, q)
	if failed > 0 && failed == len(sources) {
		return res, errors.Join(sourceErrs(res.Errors)...)
	}
	return res, nil
}

func sourceErrs(se []SourceError) []error {
	var out []error
	for _, e := range se {
		out = append(out, fmt.Errorf("%s: %w", e.Source, e.Err))
	}
	return out
}

// candidate is a judged file.
type candidate struct {
	file    index.File
	wheel   wheeltags.Wheel
	needs   cudalabel.Needs
	source  int
	name    string
	order   int
	reasons []string
	tagRank int
	cell    int // inCell, inNewerCell or notInCell
}

// Where a wheel is listed, for ranking within a source.
const (
	inCell      = iota // under a Hub cell (pt28-cu128-cp312) that states its build
	inNewerCell        // under a torch-minor tolerant cell of the next torch minor
	notInCell
)

func (c candidate) rejected() Rejected {
	return Rejected{Filename: c.file.Filename, URL: c.file.URL, Source: c.name, Reasons: c.reasons,
		Needs: c.needs, file: c.file, source: c.source}
}

// judge decides whether f fits q. ok is false for files that are not about
// the package (another project, not a distribution).
func judge(f index.File, source int, sourceName, want string, q Query) (c candidate, ok bool) {
	c = candidate{file: f, source: source, name: sourceName}
	switch {
	case wheeltags.IsWheelFilename(f.Filename):
	case wheeltags.IsSdistFilename(f.Filename):
		sd, err := wheeltags.ParseSdistFilename(f.Filename)
		if err == nil && sd.Name != want {
			return c, false
		}
		c.reasons = []string{"source distribution, not a prebuilt wheel: it would compile at install time (no nvcc on the ZeroGPU builder)"}
		return c, true
	default:
		return c, false
	}
	w, err := wheeltags.ParseWheelFilename(f.Filename)
	if err != nil {
		c.reasons = []string{err.Error()}
		return c, true
	}
	if w.Name != want {
		return c, false
	}
	c.wheel = w
	c.cell = notInCell
	if _, ok := cudalabel.FromHubPath(f.Path); ok {
		c.cell = inCell
	}
	var tolerant bool
	c.needs, tolerant = q.Needs(w, f.Path, q.Tolerates(f.URL, f.Origin))
	if tolerant {
		c.cell = inNewerCell
	}
	if f.Yanked {
		r := "yanked"
		if f.YankedReason != "" {
			r += ": " + f.YankedReason
		}
		c.reasons = append(c.reasons, r)
	}
	rk, tags := q.FitsTags(w)
	if tags == nil {
		c.tagRank = rk
	} else {
		c.reasons = append(c.reasons, tags.Reason)
	}
	c.reasons = append(c.reasons, target.Reasons(q.Build(w, c.needs))...)
	return c, true
}

// sortKey orders fitting wheels; see the package documentation.
type sortKey struct {
	torchMiss int // 0: states the query's torch (or a tolerant cell of the next minor)
	archMiss  int // 0: states a GPU list that contains the query's
	source    int
	cell      int // inCell, inNewerCell, notInCell
	cudaDist  int // |minor - query minor|; 99 when either is unknown
	// version and tag rank are compared directly.
}

func keyOf(c candidate, q Query) sortKey {
	k := sortKey{torchMiss: 1, archMiss: 1, source: c.source, cell: c.cell, cudaDist: 99}
	n := c.needs
	if q.Torch[0] != 0 && (n.TorchMajor == q.Torch[0] && n.TorchMinor == q.Torch[1] || c.cell == inNewerCell) {
		k.torchMiss = 0
	}
	if q.GPUArch != "" && len(n.GPUArchs) > 0 && slices.ContainsFunc(n.GPUArchs, func(a string) bool {
		return target.ArchNumber(a) == target.ArchNumber(q.GPUArch)
	}) {
		k.archMiss = 0
	}
	if q.CUDA[0] != 0 && q.CUDA[1] >= 0 && n.CUDAMajor == q.CUDA[0] && n.CUDAMinor >= 0 {
		d := n.CUDAMinor - q.CUDA[1]
		if d < 0 {
			d = -d
		}
		k.cudaDist = d
	}
	return k
}

// less reports whether a ranks before b.
func less(a, b candidate, ka, kb sortKey) bool {
	switch {
	case ka.torchMiss != kb.torchMiss:
		return ka.torchMiss < kb.torchMiss
	case ka.archMiss != kb.archMiss:
		return ka.archMiss < kb.archMiss
	case ka.source != kb.source:
		return ka.source < kb.source
	case ka.cell != kb.cell:
		return ka.cell < kb.cell
	case ka.cudaDist != kb.cudaDist:
		return ka.cudaDist < kb.cudaDist
	}
	if c := a.wheel.Version.Compare(b.wheel.Version); c != 0 {
		return c > 0
	}
	if a.tagRank != b.tagRank {
		return a.tagRank < b.tagRank
	}
	return a.order < b.order
}

// rank sorts the fitting candidates and numbers them from 1.
func rank(cands []candidate, q Query) []Found {
	keys := make([]sortKey, len(cands))
	for i := range cands {
		cands[i].order = i
		keys[i] = keyOf(cands[i], q)
	}
	idx := make([]int, len(cands))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := idx[i], idx[j]
		return less(cands[a], cands[b], keys[a], keys[b])
	})
	out := make([]Found, 0, len(cands))
	for r, i := range idx {
		c := cands[i]
		out = append(out, Found{Wheel: c.wheel, File: c.file, URL: c.file.URL, Source: c.name, Needs: c.needs, Rank: r + 1})
	}
	return out
}
