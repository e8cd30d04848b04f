package lock

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// granted returns which of ts are granted, as a string of their indexes.
func granted(s *sched, ts []*ticket) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := ""
	for i, t := range ts {
		if t.state == ticketGranted {
			out += string(rune('0' + i))
		}
	}
	return out
}

// waitQueued waits until n tickets are queued.
func waitQueued(s *sched, n int) {
	for {
		s.mu.Lock()
		q := len(s.queue)
		s.mu.Unlock()
		if q >= n {
			return
		}
		runtime.Gosched()
	}
}

// grantOrder releases ts[0] (holding the one slot) and then each ticket
// granted in turn, and returns the order of the grants as indexes. The
// last one granted is released too.
func grantOrder(t *testing.T, s *sched, ts []*ticket, errs chan error) []string {
	t.Helper()
	var order []string
	prev := ts[0]
	for range len(ts) - 1 {
		s.release(prev)
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		g := granted(s, ts)
		order = append(order, g)
		for i, tk := range ts {
			if g == string(rune('0'+i)) {
				prev = tk
			}
		}
	}
	s.release(prev)
	return order
}

func TestSchedForegroundFirst(t *testing.T) {
	ctx := context.Background()
	s := newSched(1)
	holder := newTicket(false, 0)
	if err := s.acquire(ctx, holder); err != nil {
		t.Fatal(err)
	}
	// Queued in this order: background 1, background 2, foreground 3,
	// background 4; then 4 is promoted (the resolver waits for it).
	ts := []*ticket{holder, newTicket(false, 0), newTicket(false, 0), newTicket(true, 0), newTicket(false, 0)}
	errs := make(chan error, len(ts))
	for i := 1; i < len(ts); i++ {
		go func() { errs <- s.acquire(ctx, ts[i]) }()
		waitQueued(s, i)
	}
	s.promote(ts[4])
	order := grantOrder(t, s, ts, errs)
	if diff := cmp.Diff([]string{"3", "4", "1", "2"}, order); diff != "" {
		t.Errorf("grant order (-want +got):\n%s", diff)
	}
	if s.free != 1 {
		t.Errorf("%d free slots at the end, want 1", s.free)
	}
}

func TestSchedCancelLeavesTheQueue(t *testing.T) {
	s := newSched(1)
	holder := newTicket(true, 0)
	if err := s.acquire(context.Background(), holder); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	waiting := newTicket(false, 0)
	done := make(chan error)
	go func() { done <- s.acquire(ctx, waiting) }()
	waitQueued(s, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire = %v, want context.Canceled", err)
	}
	s.release(holder)
	if s.free != 1 || len(s.queue) != 0 || waiting.state != ticketDone {
		t.Errorf("free %d, queued %d, state %d after cancel", s.free, len(s.queue), waiting.state)
	}
	// A promoted ticket that already left is not queued again.
	s.promote(waiting)
	if len(s.queue) != 0 {
		t.Error("a canceled ticket was queued by promote")
	}
}

func TestSchedDeepestFirst(t *testing.T) {
	ctx := context.Background()
	s := newSched(1)
	holder := newTicket(false, 0)
	if err := s.acquire(ctx, holder); err != nil {
		t.Fatal(err)
	}
	// Queued in this order: depth 1, depth 3, depth 1, depth 2, and a
	// foreground ticket at depth 0, which goes first all the same.
	ts := []*ticket{holder, newTicket(false, 1), newTicket(false, 3), newTicket(false, 1), newTicket(false, 2), newTicket(true, 0)}
	errs := make(chan error, len(ts))
	for i := 1; i < len(ts); i++ {
		go func() { errs <- s.acquire(ctx, ts[i]) }()
		waitQueued(s, i)
	}
	order := grantOrder(t, s, ts, errs)
	if diff := cmp.Diff([]string{"5", "2", "4", "1", "3"}, order); diff != "" {
		t.Errorf("grant order (-want +got):\n%s", diff)
	}
}
