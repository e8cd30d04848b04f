package spacediag

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/hub"
)

// slowHub is a fakeHub that counts the Spaces in flight and fails one.
type slowHub struct {
	fakeHub
	inFlight, peak atomic.Int32
}

func (s *slowHub) Runtime(ctx context.Context, r hub.Repo) (*hub.Runtime, error) {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		p := s.peak.Load()
		if n <= p || s.peak.CompareAndSwap(p, n) {
			break
		}
	}
	time.Sleep(5 * time.Millisecond)
	if r.ID == "o/gone" {
		return nil, &hub.RepoNotFoundError{Repo: r, Status: 404}
	}
	return &hub.Runtime{Stage: "RUNNING", Hardware: hub.Hardware{Current: "zero-a10g"}}, nil
}

func TestAudit(t *testing.T) {
	h := &slowHub{fakeHub: fakeHub{readme: "---\nsdk: docker\n---\n"}}
	var repos []hub.Repo
	for _, id := range []string{"o/a", "o/gone", "o/b", "o/c", "o/d", "o/e", "o/f", "o/g"} {
		repos = append(repos, hub.Repo{Type: hub.Space, ID: id, Revision: "main"})
	}
	var mu sync.Mutex
	var progress []int
	checked := 0
	entries := Audit(context.Background(), h, repos, AuditOptions{
		Options:     Options{Catalog: catalog.Default()},
		Concurrency: 3,
		Files: func(ctx context.Context, r hub.Repo) (string, func(), error) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "README.md"), []byte("---\nsdk: gradio\n---\n"), 0o644)
			return dir, func() {}, nil
		},
		Check: func(ctx context.Context, dir string) (*Check, error) {
			mu.Lock()
			checked++
			mu.Unlock()
			return &Check{Safe: true}, nil
		},
		Progress: func(done, total int) { progress = append(progress, done) },
	})
	if len(entries) != len(repos) || len(progress) != len(repos) || progress[len(progress)-1] != len(repos) {
		t.Fatalf("%d entries, progress %v", len(entries), progress)
	}
	for i, e := range entries {
		if e.Repo != repos[i] {
			t.Errorf("entry %d is %s, want %s (order kept)", i, e.Repo.ID, repos[i].ID)
		}
		if e.Repo.ID == "o/gone" {
			if e.Error == "" || e.Report != nil || e.OK() {
				t.Errorf("missing Space: %+v", e)
			}
			continue
		}
		// README.md comes from the downloaded files, not the Hub.
		if e.Error != "" || !e.OK() || e.Report.SDK != "gradio" || e.Check == nil {
			t.Errorf("%s: %+v", e.Repo.ID, e)
		}
	}
	if p := h.peak.Load(); p > 3 {
		t.Errorf("peak concurrency %d, want at most 3", p)
	}
	if checked != len(repos)-1 {
		t.Errorf("%d checks, want %d", checked, len(repos)-1)
	}
}
