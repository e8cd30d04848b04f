package fakes

import (
	"net/http"
	"sync"
	"testing"
)

// ReleaseServer stands in for a project's release downloads
// (github.com/OWNER/REPO/releases/latest/download/NAME): it serves the
// files put in it by path, and 404 for any other path. It records requests
// and takes faults like every fake (Fail).
type ReleaseServer struct {
	*netFake
	mu    sync.Mutex
	files map[string][]byte
}

// Release starts an empty release server.
func Release(tb testing.TB) *ReleaseServer {
	tb.Helper()
	s := &ReleaseServer{files: map[string][]byte{}}
	s.netFake = newNetFake(tb, 100, s.handle)
	return s
}

// Put serves data at path ("/zgpu/zgpu/releases/latest/download/zerogpu.toml").
func (s *ReleaseServer) Put(path string, data []byte) {
	s.mu.Lock()
	s.files[path] = append([]byte(nil), data...)
	s.mu.Unlock()
}

// Remove stops serving path.
func (s *ReleaseServer) Remove(path string) {
	s.mu.Lock()
	delete(s.files, path)
	s.mu.Unlock()
}

func (s *ReleaseServer) handle(w http.ResponseWriter, r *http.Request) int {
	s.mu.Lock()
	data, ok := s.files[r.URL.Path]
	s.mu.Unlock()
	if !ok {
		http.Error(w, "Not Found", http.StatusNotFound)
		return http.StatusNotFound
	}
	return serveBody(w, r, "application/octet-stream", data)
}
