package fetch

import (
	"bytes"
	"os"
	"sync"
)

// Write-behind (Config.WriteBehind): cache files (entries and derived
// data) are handed to one goroutine per process that writes them, in
// order, while the request that produced them goes on: creating a file
// costs 50-150 us of kernel time here, and a cold lock writes about two
// hundred of them, which then ran in the request goroutines of the
// dependency graph's critical path, up to a hundred at a time on two
// cores. Until a file is written, reads of its path are served from the
// queue (a client reads its own writes), and removing it drops the queued
// copy. Flush waits for the queue; the command calls it before exiting. A
// process killed first loses the files still queued: the cache is a copy.
type writeBehind struct {
	mu      sync.Mutex
	idle    *sync.Cond
	pending map[string]*pendingFile // by path: the last write queued, not yet done
	queue   []*pendingFile
	running bool

	// fileMu orders the writer's file operations with removals, so that a
	// write dropped by a removal is never done after it.
	fileMu sync.Mutex
}

type pendingFile struct {
	path  string
	parts [][]byte
	logf  func(string, ...any)
}

var behind = newWriteBehind()

func newWriteBehind() *writeBehind {
	w := &writeBehind{pending: map[string]*pendingFile{}}
	w.idle = sync.NewCond(&w.mu)
	return w
}

// Flush waits until every cache file queued by a client with
// Config.WriteBehind is written.
func Flush() { behind.flush() }

func (w *writeBehind) flush() {
	w.mu.Lock()
	for w.running || len(w.queue) > 0 {
		w.idle.Wait()
	}
	w.mu.Unlock()
}

// put queues parts to be written to p (writeEntry), replacing a write of
// p still queued.
func (w *writeBehind) put(p string, logf func(string, ...any), parts ...[]byte) {
	f := &pendingFile{path: p, parts: parts, logf: logf}
	w.mu.Lock()
	w.pending[p] = f
	w.queue = append(w.queue, f)
	if !w.running {
		w.running = true
		go w.run()
	}
	w.mu.Unlock()
}

func (w *writeBehind) run() {
	for {
		w.mu.Lock()
		if len(w.queue) == 0 {
			w.running = false
			w.idle.Broadcast()
			w.mu.Unlock()
			return
		}
		f := w.queue[0]
		w.queue[0] = nil
		w.queue = w.queue[1:]
		w.mu.Unlock()
		w.write(f)
	}
}

// write writes f unless a later write or a removal replaced it.
func (w *writeBehind) write(f *pendingFile) {
	w.fileMu.Lock()
	defer w.fileMu.Unlock()
	w.mu.Lock()
	current := w.pending[f.path] == f
	w.mu.Unlock()
	if !current {
		return
	}
	err := writeEntry(f.path, f.parts...)
	w.mu.Lock()
	if w.pending[f.path] == f {
		delete(w.pending, f.path)
	}
	w.mu.Unlock()
	if err != nil && f.logf != nil {
		f.logf("cache: %v", err)
	}
}

// queued returns the contents queued for p, if any.
func (w *writeBehind) queued(p string) ([]byte, bool) {
	w.mu.Lock()
	f := w.pending[p]
	w.mu.Unlock()
	if f == nil {
		return nil, false
	}
	return bytes.Join(f.parts, nil), true
}

// remove drops a queued write of p and removes the file.
func (w *writeBehind) remove(p string) error {
	w.fileMu.Lock()
	defer w.fileMu.Unlock()
	w.mu.Lock()
	delete(w.pending, p)
	w.mu.Unlock()
	return os.Remove(p)
}

// readCacheFile reads a cache file, or its queued contents.
func readCacheFile(p string) ([]byte, error) {
	if b, ok := behind.queued(p); ok {
		return b, nil
	}
	return os.ReadFile(p)
}

// removeCacheFile removes a cache file and any queued write of it.
func removeCacheFile(p string) error { return behind.remove(p) }
