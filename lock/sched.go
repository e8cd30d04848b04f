package lock

import (
	"context"
	"slices"
	"sync"
)

// sched bounds the index requests in flight and serves waiting requests in
// two classes: foreground ones (the resolver is blocked on them) before
// background ones (prefetches), each class in arrival order. A queued
// background request is promoted when the resolver starts waiting for it.
type sched struct {
	mu     sync.Mutex
	free   int
	fg, bg []*ticket
}

// ticket is one request's place in the scheduler.
type ticket struct {
	fg    bool
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

func newTicket(fg bool) *ticket { return &ticket{fg: fg, ready: make(chan struct{})} }

// acquire waits for a slot for t, foreground tickets first. On
// cancellation t leaves the queue (or passes on a slot granted meanwhile).
func (s *sched) acquire(ctx context.Context, t *ticket) error {
	s.mu.Lock()
	if s.free > 0 {
		s.free--
		t.state = ticketGranted
		s.mu.Unlock()
		return nil
	}
	t.state = ticketQueued
	if t.fg {
		s.fg = append(s.fg, t)
	} else {
		s.bg = append(s.bg, t)
	}
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
		s.fg = remove(s.fg, t)
		s.bg = remove(s.bg, t)
		t.state = ticketDone
		s.mu.Unlock()
	}
	return ctx.Err()
}

// release gives t's slot to the next waiting ticket.
func (s *sched) release(t *ticket) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t.state = ticketDone
	var next *ticket
	switch {
	case len(s.fg) > 0:
		next, s.fg = s.fg[0], s.fg[1:]
	case len(s.bg) > 0:
		next, s.bg = s.bg[0], s.bg[1:]
	default:
		s.free++
		return
	}
	next.state = ticketGranted
	close(next.ready)
}

// promote makes t a foreground ticket, moving it to the foreground queue
// when it is waiting in the background one.
func (s *sched) promote(t *ticket) {
	if t == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.fg {
		return
	}
	t.fg = true
	if t.state == ticketQueued {
		s.bg = remove(s.bg, t)
		s.fg = append(s.fg, t)
	}
}

func remove(q []*ticket, t *ticket) []*ticket {
	if i := slices.Index(q, t); i >= 0 {
		return slices.Delete(q, i, i+1)
	}
	return q
}
