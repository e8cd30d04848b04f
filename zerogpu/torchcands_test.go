package zerogpu

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zgpu/zgpu/lock"
	"github.com/zgpu/zgpu/resolver"
)

// TestFirstThatResolves: the candidates are checked at once, and the
// answer is the one a serial loop over them would stop at, whatever order
// the checks finish in; the checks still running are canceled.
func TestFirstThatResolves(t *testing.T) {
	torchFails := &lock.Result{Unsat: &resolver.Explanation{Derivation: "x depends on torch<2.9"}}
	otherFails := &lock.Result{Unsat: &resolver.Explanation{Derivation: "x depends on numpy<1"}}
	locked := func(tv string) *lock.Result { return &lock.Result{Pins: []lock.Pin{{Name: "torch", Version: tv}}} }
	errIndex := errors.New("index down")
	type outcome struct {
		res   *lock.Result
		err   error
		delay time.Duration
	}
	tests := []struct {
		name    string
		torches []string
		out     map[string]outcome
		want    string // the torch that resolves, or "none", or "error"
		cancels int    // locks still running when the answer is known
	}{
		{"the first locks", []string{"2.12", "2.11"}, map[string]outcome{
			"2.12": {res: locked("2.12"), delay: 30 * time.Millisecond}, "2.11": {res: locked("2.11")}}, "2.12", 0},
		{"a later one locks first in time, an earlier one in order", []string{"2.12", "2.11", "2.10"}, map[string]outcome{
			"2.12": {res: torchFails, delay: 20 * time.Millisecond}, "2.11": {res: locked("2.11"), delay: 40 * time.Millisecond}, "2.10": {res: locked("2.10")}}, "2.11", 0},
		{"a failure without torch stops the loop", []string{"2.12", "2.11"}, map[string]outcome{
			"2.12": {res: otherFails, delay: 20 * time.Millisecond}, "2.11": {res: locked("2.11")}}, "none", 0},
		{"an error stops the loop", []string{"2.12", "2.11"}, map[string]outcome{
			"2.12": {err: errIndex, delay: 20 * time.Millisecond}, "2.11": {res: locked("2.11")}}, "error", 0},
		{"all fail: the last failure", []string{"2.12", "2.11"}, map[string]outcome{
			"2.12": {res: torchFails}, "2.11": {res: &lock.Result{Unsat: &resolver.Explanation{Derivation: "y depends on torch<2"}}}}, "none", 0},
		{"the rest are canceled", []string{"2.12", "2.11", "2.10"}, map[string]outcome{
			"2.12": {res: locked("2.12")}, "2.11": {res: locked("2.11"), delay: time.Minute}, "2.10": {res: locked("2.10"), delay: time.Minute}}, "2.12", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			started, canceled := 0, 0
			all := make(chan struct{})
			check := func(ctx context.Context, i int) (bool, bool, error) {
				mu.Lock()
				started++
				if started == len(tt.torches) {
					close(all)
				}
				mu.Unlock()
				<-all // every candidate is running before any answers
				o := tt.out[tt.torches[i]]
				select {
				case <-time.After(o.delay):
					if o.err != nil {
						return false, false, o.err
					}
					if o.res.Unsat == nil {
						return true, false, nil
					}
					return false, !strings.Contains(o.res.Unsat.Derivation, "torch"), nil
				case <-ctx.Done():
					mu.Lock()
					canceled++
					mu.Unlock()
					return false, false, ctx.Err()
				}
			}
			win, err := firstThatResolves(context.Background(), len(tt.torches), check)
			got := "error"
			switch {
			case err != nil:
			case win < 0:
				got = "none"
			default:
				got = tt.torches[win]
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if canceled != tt.cancels {
				t.Errorf("%d locks canceled, want %d", canceled, tt.cancels)
			}
		})
	}
}

// TestMentionsTorch: a failure involves torch when its resolver
// explanation does; the builder's install set in the message before it
// (torch<=2.13.0) does not count.
func TestMentionsTorch(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		want bool
	}{
		{"the requirements to write cannot be installed together with what the platform's builder installs in the same pip call (torch<=2.13.0, gradio==6.19.0), so the build would fail:\nBecause transformers 4.51.3 depends on huggingface-hub<1.0 and gradio 6.19.0 depends on huggingface-hub>=1.2.0, version solving failed.", false},
		{"no set of versions satisfies every requirement together with what the platform installs:\nBecause capper 1.0 depends on torch<2.10 and torch==2.13.0 (the ZeroGPU torch allow-list), version solving failed.", true},
		{"torch 2.13.0 does not resolve", true},
	} {
		r := &Report{Problems: []Problem{{Message: tc.msg}}}
		if got := mentionsTorch(r); got != tc.want {
			t.Errorf("mentionsTorch(%q) = %v", tc.msg, got)
		}
	}
}
