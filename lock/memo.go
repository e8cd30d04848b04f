package lock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/resolver"
)

// Memo keeps small data between runs (fetch.Client's derived cache is
// one). Lock keeps in it the projects a request's lock listed, and a later
// lock of the same roots lists them all at once when it starts: on a warm
// cache every page is revalidated in about one round trip (conditional
// requests, concurrent), instead of level by level as the resolver
// reaches each. Listing a project the new lock turns out not to need costs
// a request, never a different answer.
type Memo interface {
	Derived(key string) []byte
	StoreDerived(key string, data []byte)
}

// memoKey names the projects remembered for req's roots on the target,
// within opt.MemoScope (the indexes read).
func memoKey(opt Options, req resolver.Request) string {
	var roots []string
	for _, r := range req.Requirements {
		roots = append(roots, pep508.NormalizeName(r.Name))
	}
	slices.Sort(roots)
	h := sha256.Sum256([]byte("lock-memo-v1\x00" + opt.MemoScope + "\x00" + opt.Target.String() + "\x00" + strings.Join(slices.Compact(roots), ",")))
	return hex.EncodeToString(h[:])
}

// remembered returns the projects an earlier lock of req listed.
func remembered(opt Options, req resolver.Request) []string {
	if opt.Memo == nil {
		return nil
	}
	data := opt.Memo.Derived(memoKey(opt, req))
	if len(data) == 0 {
		return nil
	}
	return strings.Split(string(data), "\n")
}

// remember keeps the projects p listed for the next lock of req.
func (p *Provider) remember(req resolver.Request) {
	if p.opt.Memo == nil {
		return
	}
	p.mu.Lock()
	var names []string
	for name, f := range p.projects {
		// Only what this lock needed: a project listed only because the
		// last lock remembered it is forgotten.
		pl := p.wave.plans[name]
		needed := p.asked[name] || pl != nil && pl.wanted
		if needed && isDone(f.done) && f.err == nil && len(f.val.releases) > 0 {
			names = append(names, name)
		}
	}
	p.mu.Unlock()
	slices.Sort(names)
	data := strings.Join(names, "\n")
	if old := remembered(p.opt, req); slices.Equal(old, names) {
		return
	}
	p.opt.Memo.StoreDerived(memoKey(p.opt, req), []byte(data))
}

// revalidate lists names in the background, ahead of the resolver.
func (p *Provider) revalidate(ctx context.Context, names []string) {
	for _, name := range names {
		if name != "" {
			p.listAhead(ctx, name)
		}
	}
}
