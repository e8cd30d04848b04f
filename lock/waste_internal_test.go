package lock

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/pypi"
	"github.com/zgpu/zgpu/resolver"
	"github.com/zgpu/zgpu/wheeltags"
)

type recP struct {
	*Provider
	mu    sync.Mutex
	asked map[string]bool
}

func (r *recP) Dependencies(ctx context.Context, name string, c resolver.Candidate) ([]pep508.Requirement, error) {
	r.mu.Lock()
	r.asked[c.Data.(*release).usable()[0].Filename] = true
	r.mu.Unlock()
	return r.Provider.Dependencies(ctx, name, c)
}

type recIx struct {
	ix   *pypi.Index
	mu   sync.Mutex
	read []string
}

func (r *recIx) Files(ctx context.Context, p string) ([]index.File, error) {
	r.mu.Lock()
	r.read = append(r.read, "page "+p)
	r.mu.Unlock()
	return r.ix.Files(ctx, p)
}
func (r *recIx) Metadata(ctx context.Context, f index.File) (index.Metadata, error) {
	r.mu.Lock()
	r.read = append(r.read, "meta "+f.Filename)
	r.mu.Unlock()
	return r.ix.Metadata(ctx, f)
}

func TestWaste(t *testing.T) {
	reqs := strings.Fields(os.Getenv("WASTE"))
	if len(reqs) == 0 {
		t.Skip()
	}
	s := fakes.PyPI(t, "")
	c := fetch.New(fetch.Config{MaxRetries: -1})
	ix := &recIx{ix: pypi.New(s.URL, c)}
	req := resolver.Request{Env: pep508.LinuxEnv("3.12.1"), NoSuggestions: true}
	for _, r := range reqs {
		rr, _ := pep508.ParseRequirement(r)
		req.Requirements = append(req.Requirements, resolver.Requirement{Requirement: rr})
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := NewProvider(ix, ix, Options{Target: wheeltags.Target{Python: [2]int{3, 12}, Glibc: [2]int{2, 28}}, Env: req.Env})
	rp := &recP{Provider: p, asked: map[string]bool{}}
	p.seed(ctx, req)
	res, err := resolver.Resolve(ctx, rp, req)
	cancel()
	p.Wait()
	if err != nil || res.Unsat != nil {
		t.Fatal(err, res.Unsat)
	}
	chosen := map[string]bool{}
	for _, r := range res.Packages {
		chosen[r.Name] = true
	}
	var waste []string
	n := 0
	for _, l := range ix.read {
		if strings.HasPrefix(l, "meta ") {
			if !rp.asked[l[5:]] {
				waste = append(waste, l)
			}
		} else if !chosen[l[5:]] {
			waste = append(waste, l)
		}
		n++
	}
	sort.Strings(waste)
	fmt.Printf("%d requests, %d wasted:\n%s\n", n, len(waste), strings.Join(waste, "\n"))
}
