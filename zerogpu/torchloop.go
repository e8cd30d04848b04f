package zerogpu

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/zgpu/zgpu/pep440"
)

// torchChoice is the torch rule's answer for one input: the allowed
// versions to try, in order (the preferred first: the highest the user's
// requirements accept, or, for a pin outside the allow-list, the nearest:
// see nearestTorch), and why. Each version is tried keeping the user's
// CUDA wheels, then swapping those that do not fit (cands). The plan
// commits the first candidate every CUDA wheel fits; the torch loop
// (settleTorch) then locks it, and the next ones when it does not resolve.
type torchChoice struct {
	versions []pep440.Version
	allowed  []pep440.Version // the allow-list, narrowed by -c constraints
	source   string           // why the preferred version ("highest allowed version within torch>=2.8")
	fact     string           // the allow-list's source and date
	texts    []string         // the user's torch requirements, as written
	spec     pep440.Specifiers
	// repair is the user's torch requirement outside the allow-list
	// ("torch==2.4.0") that the choice moves (repairTorch); "" otherwise.
	repair string
	// dependencyOnly says nothing of the plan ties torch (no torch, CUDA
	// package or side-car): the platform's preinstalled torch, unless only
	// another one resolves with what a dependency needs.
	dependencyOnly bool
	// at is the candidate the plan committed; -1 for none.
	at int
}

// torchCand is one candidate of a torchChoice: a version, and whether a
// user's CUDA wheel that does not fit it may be swapped for one that does.
type torchCand struct {
	torch   pep440.Version
	replace bool
	// move also moves a CUDA package's version pin that no wheel fits to
	// the nearest version that has one (movePins).
	move bool
}

// cands lists the candidates in the order they are tried: every version
// keeping the user's wheels, then every version swapping them (a user's
// wheel says which torch is meant), then every version moving the pins of
// CUDA packages no wheel fits (the user's pin is kept while any torch
// fits it).
func (tc *torchChoice) cands() []torchCand {
	var out []torchCand
	for pass := 0; pass < 3; pass++ {
		if pass > 0 && tc.dependencyOnly {
			break
		}
		for _, v := range tc.versions {
			out = append(out, torchCand{torch: v, replace: pass > 0, move: pass == 2})
		}
	}
	return out
}

// torchPick makes the plan commit candidate at of its torchChoice (the
// torch loop's fallback) instead of the first every CUDA wheel fits; from
// is the preferred torch, which did not resolve.
type torchPick struct {
	at   int
	from string
}

// decideTorch picks torch and the CUDA wheels together: the choice's
// candidates in order, the first that every CUDA package fits (or the
// one opts.pick names) committed. A nil choice means torch was refused
// (a problem says why).
func (p *planner) decideTorch() (*torchChoice, error) {
	tc, err := p.torchChoice()
	if err != nil || tc == nil {
		return nil, err
	}
	if p.opts.pick != nil {
		return tc, p.commitPick(tc, *p.opts.pick)
	}
	return tc, p.tryCandidates(tc)
}

// torchChoice applies the torch rule: --torch alone; else the allowed
// versions the user's torch requirements (and -c constraints, and
// side-car pins) accept, highest first; a requirement no allowed version
// satisfies is repaired (nearest first) or refused (nil choice).
func (p *planner) torchChoice() (*torchChoice, error) {
	tc := &torchChoice{at: -1, fact: p.c.Torch.Source + " (" + p.c.Torch.Date + ")"}
	if len(p.torch) == 0 && len(p.exts) == 0 && len(p.sidecars) == 0 {
		tc.dependencyOnly = true
		tc.versions = []pep440.Version{pep440.MustParse(p.c.Torch.Preinstalled)}
		for _, v := range p.c.AllowedTorch() {
			if v.String() != p.c.Torch.Preinstalled {
				tc.versions = append(tc.versions, v)
			}
		}
		return tc, nil
	}
	tc.allowed = p.constrainTorch(p.c.AllowedTorch())
	allowedList := strings.Join(p.c.Torch.Allowed, ", ")
	var err error
	if tc.spec, tc.texts, err = p.userTorchSpec(); err != nil {
		return nil, err
	}
	tc.versions, tc.source = tc.allowed, "highest allowed version"
	if p.opts.Torch != "" {
		v, err := pep440.Parse(p.opts.Torch)
		if err != nil {
			p.r.problem(Problem{Subject: "torch", Origin: "--torch", Message: err.Error()})
			return nil, nil
		}
		a, ok := allowedSpelling(p.c.AllowedTorch(), v)
		if !ok {
			p.r.problem(Problem{Subject: "torch", Origin: "--torch", Message: fmt.Sprintf("torch %s is not allowed on ZeroGPU; allowed: %s", v, allowedList)})
			return nil, nil
		}
		tc.versions, tc.source = []pep440.Version{a}, "--torch"
	} else if len(p.torch) > 0 {
		var in []pep440.Version
		for _, v := range tc.allowed {
			if tc.spec.Contains(v, true) {
				in = append(in, v)
			}
		}
		if len(in) == 0 {
			p.repairTorch(tc, tc.allowed)
			return tc, nil
		}
		tc.versions, tc.source = in, "highest allowed version within "+strings.Join(tc.texts, ", ")
		if len(tc.spec) == 0 {
			tc.source = "highest allowed version (torch was not pinned)"
		}
	}
	if pf, ok := p.opts.Finder.(interface {
		Prefetch(context.Context, []string)
	}); ok && len(p.extOrder) > 0 {
		pf.Prefetch(p.ctx, p.extOrder)
	}
	if p.opts.Torch == "" {
		if in := p.sidecarTorches(tc.versions); len(in) > 0 && len(in) < len(tc.versions) {
			tc.versions = in
			tc.source += "; the side-car pins (" + p.sidecarPins() + ") are built for it"
		}
	}
	return tc, nil
}

// tryCandidates commits the first candidate of tc that every CUDA package
// fits. When none is, the failures of the first candidate, or of the
// preferred version with every wheel that can be swapped swapped when
// fewer are left, are the problems.
func (p *planner) tryCandidates(tc *torchChoice) error {
	if tc.dependencyOnly {
		p.commitDependencyTorch(tc, 0, "")
		return nil
	}
	var first, swapped, moved *torchAttempt
	for i, c := range tc.cands() {
		a, err := p.tryCand(c)
		if err != nil {
			return err
		}
		if first == nil {
			first = a
		}
		switch i {
		case len(tc.versions):
			swapped = a
		case 2 * len(tc.versions):
			moved = a
		}
		if len(a.fails) == 0 {
			p.commit(tc, i, a, tc.source)
			return nil
		}
	}
	for _, a := range []*torchAttempt{swapped, moved} {
		if a != nil && len(a.fails) <= len(first.fails) {
			// The preferred torch with every wheel that can be swapped
			// swapped and every pin that can move moved: what is left
			// needs a human.
			first = a
		}
	}
	p.reportFails(first)
	return nil
}

// commitPick commits the candidate the torch loop picked, when every CUDA
// package fits it; otherwise its failures are the problems.
func (p *planner) commitPick(tc *torchChoice, pick torchPick) error {
	if tc.dependencyOnly {
		p.commitDependencyTorch(tc, pick.at, pick.from)
		return nil
	}
	c := tc.cands()[pick.at]
	a, err := p.tryCand(c)
	if err != nil || len(a.fails) > 0 {
		if err == nil {
			p.reportFails(a)
		}
		return err
	}
	source := fmt.Sprintf("the highest allowed version that resolves with the dependencies (torch %s does not)", pick.from)
	if tc.repair != "" {
		source = fmt.Sprintf("the nearest allowed version to %s that resolves with the dependencies (torch %s does not)", tc.repair, pick.from)
	}
	p.commit(tc, pick.at, a, source)
	return nil
}

// commit commits candidate at of tc (attempt a), chosen for source.
func (p *planner) commit(tc *torchChoice, at int, a *torchAttempt, source string) {
	tc.at = at
	p.commitTorch(a, source, tc.fact, tc.texts)
	if tc.repair != "" {
		p.torchRepaired(tc, a.torch)
	}
}

// commitDependencyTorch sets the target's torch when nothing of the plan
// ties it: the preinstalled one (candidate 0), or the one the torch loop
// fell back to because a dependency's torch resolves only with it.
func (p *planner) commitDependencyTorch(tc *torchChoice, at int, from string) {
	tc.at = at
	t, r := tc.versions[at], p.r
	if at == 0 {
		r.Target.Torch, r.Target.TorchSource = t.String(), "preinstalled by the platform (not pinned)"
		return
	}
	r.Target.Torch, r.Target.TorchSource = t.String(), "the lock (a dependency requires torch; the highest allowed version that resolves)"
	if row, ok := p.c.FamilyOf(t); ok {
		if maj, min := row.CUDA(); maj > 0 {
			r.Target.CUDA = fmt.Sprintf("%d.%d", maj, min)
		}
		r.Target.CXX11ABI = row.CXX11ABI
	}
}

// settleTorch is the one torch loop of a run: first, the plan of the
// preferred candidate of tc (Plan's), is checked (locked, or verified);
// when it does not resolve for a reason that involves torch, the later
// candidates are planned (serially: their wheel listings are memoized)
// and checked at once, and the earliest in tc's order that resolves wins,
// whatever the order the checks finish in. When none does, the preferred
// candidate's failure is the answer, naming the other versions tried.
// The error is check's (a source that cannot be read) or a plan's; the
// plan then comes unchecked, as it was before its check.
func settleTorch(ctx context.Context, in *Input, opts Options, first *Report, tc *torchChoice, check func(context.Context, *Report) error) (*Report, error) {
	unchecked := *first // a check appends to the report; it never edits what is there
	if err := check(ctx, first); err != nil || first.OK() || tc == nil || !tc.fallsBack(first) {
		return first, err
	}
	from := first.Target.Torch
	var plans []*Report
	var tried []string
	seen := map[string]bool{from: true}
	for i, c := range tc.cands() {
		v := c.torch.String()
		if i <= tc.at || seen[v] {
			continue
		}
		o := opts
		o.pick = &torchPick{at: i, from: from}
		r, _, err := planChoice(ctx, in, o)
		if err != nil {
			return &unchecked, err
		}
		if !contains(tried, v) {
			tried = append(tried, v)
		}
		if r.OK() { // else a CUDA wheel has no build for this torch
			seen[v] = true
			plans = append(plans, r)
		}
	}
	// A check that could not decide (--no-lock's "not verified") is no
	// win: the earliest such plan is the answer only when no later
	// candidate resolves, and its warning says it was not verified.
	undecided := make([]bool, len(plans))
	win, err := firstThatResolves(ctx, len(plans), func(ctx context.Context, i int) (bool, bool, error) {
		r := plans[i]
		err := check(ctx, r)
		undecided[i] = err == nil && r.OK() && notVerified(r)
		return r.OK() && !undecided[i], err == nil && !r.OK() && !mentionsTorch(r), err
	})
	if err != nil {
		return &unchecked, err
	}
	how := "does"
	if win < 0 {
		win, how = slices.Index(undecided, true), "was not verified"
	}
	if win < 0 {
		if len(tried) > 0 {
			first.Problems[0].Message += fmt.Sprintf("\n(with torch %s; the other allowed versions your requirements accept were tried too and do not resolve either: %s)", from, strings.Join(tried, ", "))
		}
		return first, nil
	}
	r := plans[win]
	if tc.dependencyOnly {
		r.warnf("a dependency requires torch, and torch %s does not resolve with the dependencies; torch %s %s (pin torch to choose another)", from, r.Target.Torch, how)
	} else {
		r.warnf("torch %s does not resolve with the dependencies; torch %s %s (pin torch to choose another)", from, r.Target.Torch, how)
	}
	return r, nil
}

// notVerified reports whether a check of r could not decide: --no-lock's
// verification recorded "not verified" (the index lacks something the
// check needs, for a reason that does not involve the builder's set).
func notVerified(r *Report) bool {
	for _, d := range r.Decisions {
		if d.Subject == "verify" && d.Choice == "not verified" {
			return true
		}
	}
	return false
}

// fallsBack reports whether a failed check of the preferred plan r makes
// the later candidates worth trying: it involves torch, and (for a torch
// only a dependency needs) the plan has requirements of its own.
func (tc *torchChoice) fallsBack(r *Report) bool {
	if !mentionsTorch(r) || tc.at < 0 {
		return false
	}
	if tc.dependencyOnly {
		for _, l := range r.Lines {
			if _, ok := l.named(); ok {
				return true
			}
		}
		return false
	}
	return true
}

// mentionsTorch reports whether the first problem of a failed check
// involves torch: its resolver explanation, after the message's ":\n"
// (the message before it may list the builder's install set, torch cap
// included, whatever failed).
func mentionsTorch(r *Report) bool {
	if len(r.Problems) == 0 {
		return false
	}
	msg := r.Problems[0].Message
	if _, derivation, ok := strings.Cut(msg, ":\n"); ok {
		msg = derivation
	}
	return strings.Contains(msg, "torch")
}

// firstThatResolves checks n candidates at once and returns, in their
// order, the index of the first that resolves, or -1, where a serial loop
// would stop: at an error (returned), at a candidate that resolves, or at
// one whose failure ends the search (stop: it does not involve torch, so
// every later one fails the same way). The checks still running then are
// canceled and waited for. (A serial fallback cost a whole cold lock per
// version tried.)
func firstThatResolves(ctx context.Context, n int, check func(ctx context.Context, i int) (ok, stop bool, err error)) (int, error) {
	var wg sync.WaitGroup
	defer wg.Wait() // after cancel: no check outlives the call
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type answer struct {
		ok, stop bool
		err      error
	}
	answers := make([]chan answer, n)
	for i := range n {
		answers[i] = make(chan answer, 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, stop, err := check(ctx, i)
			answers[i] <- answer{ok, stop, err}
		}()
	}
	for i := range n {
		a := <-answers[i]
		switch {
		case a.err != nil:
			return -1, a.err
		case a.ok:
			return i, nil
		case a.stop:
			return -1, nil
		}
	}
	return -1, nil
}
