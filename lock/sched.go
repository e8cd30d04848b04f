package lock

import (
	"context"
	"slices"
	"sync"
)

// sched bounds the index requests in flight and serves waiting requests
// by priority: foreground ones (the resolver is blocked on them) before
// background ones (prefetches); within a class, the deepest in the
// dependency graph first (the request on the longest known chain from a
// root, whose answer the rest of that chain waits for); then in arrival
// order. A queued background request is promoted when the resolver starts
// waiting for it.
type sched struct {
	mu    sync.Mutex
	free  int
	seq   uint64
	queue []*ticket
}

// ticket is one request's place in the scheduler.
type ticket struct {
	fg    bool
	depth int    // distance from the request's roots in the dependency graph
	seq   uint64 // arrival order, set when queued
	state ticketState
	ready chan struct{} // closed when granted
}

type ticketState int

const (
	ticketNew ticketState = iota
	ticketQueued
	ticketGranted
	ticketDone // released or abandoned
)

func newSched(n int) *sched { return &sched{free: n} }

func newTicket(fg bool, depth int) *ticket {
	return &ticket{fg: fg, depth: depth, ready: make(chan struct{})}
}

// before reports whether t is served before u.
func (t *ticket) before(u *ticket) bool {
	if t.fg != u.fg {
		return t.fg
	}
	if t.depth != u.depth {
		return t.depth > u.depth
	}
	return t.seq < u.seq
}

// acquire waits for a slot for t. On cancellation t leaves the queue (or
// passes on a slot granted meanwhile).
func (s *sched) acquire(ctx context.Context, t *ticket) error {
	s.mu.Lock()
	if s.free > 0 {
		s.free--
		t.state = ticketGranted
		s.mu.Unlock()
		return nil
	}
	t.state = ticketQueued
	s.seq++
	t.seq = s.seq
	s.queue = append(s.queue, t)
	s.mu.Unlock()
	select {
	case <-t.ready:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	switch t.state {
	case ticketGranted:
		s.mu.Unlock()
		s.release(t)
	default:
		s.queue = remove(s.queue, t)
		t.state = ticketDone
		s.mu.Unlock()
	}
	return ctx.Err()
}

// release gives t's slot to the first waiting ticket.
func (s *sched) release(t *ticket) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t.state = ticketDone
	if len(s.queue) == 0 {
		s.free++
		return
	}
	best := 0
	for i, u := range s.queue[1:] {
		if u.before(s.queue[best]) {
			best = i + 1
		}
	}
	next := s.queue[best]
	s.queue = slices.Delete(s.queue, best, best+1)
	next.state = ticketGranted
	close(next.ready)
}

// promote makes t a foreground ticket.
func (s *sched) promote(t *ticket) {
	if t == nil {
		return
	}
	s.mu.Lock()
	t.fg = true
	s.mu.Unlock()
}

func remove(q []*ticket, t *ticket) []*ticket {
	if i := slices.Index(q, t); i >= 0 {
		return slices.Delete(q, i, i+1)
	}
	return q
}
