package wheelfind

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/pep508"
)

// Alternative is a change of the target that a user could make, with the
// query it leads to.
type Alternative struct {
	Change string // "pin torch==2.8.0", "set python_version: 3.10"
	Query  Query
}

// Suggestion is a change that makes a rejected wheel fit.
type Suggestion struct {
	Change string
	Found  Found // the best wheel under the changed query, Rank within it
	Text   string
}

// TorchBuild is a torch release a Space may pin, with the CUDA and C++ ABI
// of its default PyPI build.
type TorchBuild struct {
	Version string // "2.8.0"
	CUDA    [2]int // {12, 8}
	ABI     cudalabel.ABI
}

// TorchAlternatives returns, for every torch build whose major.minor differs
// from q's, the query with that torch (its CUDA and ABI) and the change
// "pin torch==<version>"; the nearest torch to q's first (the older of two
// equally near), in the order given when q names no torch.
func TorchAlternatives(q Query, torches []TorchBuild) []Alternative {
	torches = slices.Clone(torches)
	if q.Torch != [2]int{} {
		dist := func(t TorchBuild) int {
			mm, _ := majorMinor(t.Version)
			d := (mm[0]-q.Torch[0])*100 + mm[1] - q.Torch[1]
			if d < 0 {
				return -2*d - 1 // older: ahead of a newer one as near
			}
			return 2 * d
		}
		slices.SortStableFunc(torches, func(a, b TorchBuild) int { return dist(a) - dist(b) })
	}
	var out []Alternative
	for _, t := range torches {
		mm, ok := majorMinor(t.Version)
		if !ok || mm == q.Torch {
			continue
		}
		q2 := q
		q2.Torch, q2.CUDA, q2.ABI = mm, t.CUDA, t.ABI
		out = append(out, Alternative{Change: "pin torch==" + t.Version, Query: q2})
	}
	return out
}

// PythonAlternatives returns, for every Python other than q's, the query
// with that Python and the change "set python_version: X.Y".
func PythonAlternatives(q Query, pythons [][2]int) []Alternative {
	var out []Alternative
	for _, p := range pythons {
		if p == q.Python {
			continue
		}
		q2 := q
		q2.Python = p
		out = append(out, Alternative{Change: fmt.Sprintf("set python_version: %d.%d", p[0], p[1]), Query: q2})
	}
	return out
}

// Suggest judges the rejected files of res again under each alternative and
// proposes, for each alternative under which some fit, the best of them:
// "pin torch==2.8.0 to use flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl
// (github.com/Dao-AILab/flash-attention@v2.8.3)". Suggestions keep the
// order of alts.
func Suggest(res Result, alts []Alternative) []Suggestion {
	var out []Suggestion
	want := pep508.NormalizeName(res.Package)
	for _, alt := range alts {
		var cands []candidate
		for _, r := range res.Rejected {
			c, ok := judge(r.file, r.source, r.Source, want, alt.Query)
			if ok && len(c.reasons) == 0 {
				cands = append(cands, c)
			}
		}
		if len(cands) == 0 {
			continue
		}
		best := rank(cands, alt.Query)[0]
		where := best.File.Origin
		if where == "" {
			where = best.Source
		}
		out = append(out, Suggestion{
			Change: alt.Change,
			Found:  best,
			Text:   fmt.Sprintf("%s to use %s (%s)", alt.Change, best.File.Filename, where),
		})
	}
	return out
}

func majorMinor(v string) ([2]int, bool) {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return [2]int{}, false
	}
	a, err1 := strconv.Atoi(parts[0])
	b, err2 := strconv.Atoi(parts[1])
	return [2]int{a, b}, err1 == nil && err2 == nil
}
