package spacediag

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/zgpu/zgpu/hub"
)

// Check is the verdict on a Space's requirements: whether they build and
// run on ZeroGPU as written, and what is wrong with them.
type Check struct {
	Safe   bool     `json:"safe"`
	Issues []string `json:"issues"`
}

// Checker checks the dependency files of a Space, downloaded into dir
// (the rules of `zgpu deps check`).
type Checker func(ctx context.Context, dir string) (*Check, error)

// Fetcher downloads the dependency files of a Space into a new folder;
// cleanup removes it.
type Fetcher func(ctx context.Context, r hub.Repo) (dir string, cleanup func(), err error)

// AuditOptions steer Audit.
type AuditOptions struct {
	Options
	// Concurrency is the number of Spaces audited at once (default 8).
	Concurrency int
	// ZeroGPUOnly leaves out Spaces neither on nor asking for ZeroGPU.
	ZeroGPUOnly bool
	// Check, with Files, checks each Space's requirements; nil: none.
	Check Checker
	Files Fetcher
	// Progress, when set, is called after each Space (from any goroutine,
	// one call at a time).
	Progress func(done, total int)
}

// Entry is the audit of one Space: its diagnosis and the check of its
// requirements, or why it could not be read.
type Entry struct {
	Repo   hub.Repo
	Report *Report // nil when the Space could not be read
	Check  *Check  // nil when not checked
	// CheckError says why the requirements could not be checked.
	CheckError string
	// Error says why the Space could not be read at all.
	Error string
	// Skipped reports a Space left out by ZeroGPUOnly.
	Skipped bool
}

// Audit diagnoses every Space of repos, at most Concurrency at a time, and
// returns one Entry per Space in the order given. A Space that cannot be
// read is an Entry with Error: the others are still audited.
func Audit(ctx context.Context, h Hub, repos []hub.Repo, opts AuditOptions) []Entry {
	n := opts.Concurrency
	if n <= 0 {
		n = 8
	}
	out := make([]Entry, len(repos))
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for w := 0; w < min(n, len(repos)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = auditOne(ctx, h, repos[i], opts)
				if opts.Progress != nil {
					mu.Lock()
					done++
					opts.Progress(done, len(repos))
					mu.Unlock()
				}
			}
		}()
	}
	for i := range repos {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// auditOne diagnoses one Space and checks its requirements. With a
// check, the Space's files are downloaded first and its README.md is read
// from them, not fetched twice.
func auditOne(ctx context.Context, h Hub, r hub.Repo, opts AuditOptions) Entry {
	e := Entry{Repo: r}
	if err := ctx.Err(); err != nil {
		e.Error = err.Error()
		return e
	}
	dir := ""
	if opts.Check != nil && opts.Files != nil {
		d, cleanup, err := opts.Files(ctx, r)
		if err != nil {
			e.CheckError = err.Error()
		} else {
			defer cleanup()
			dir, h = d, localFiles{Hub: h, dir: d}
		}
	}
	rep, err := Diagnose(ctx, h, r, opts.Options)
	if err != nil {
		e.Error, e.CheckError = err.Error(), ""
		return e
	}
	e.Report = rep
	if opts.ZeroGPUOnly && !rep.ZeroGPU {
		e.Skipped = true
		return e
	}
	if dir == "" {
		return e
	}
	if e.Check, err = opts.Check(ctx, dir); err != nil {
		e.CheckError = err.Error()
		e.Check = nil
	}
	if e.Check != nil && !e.Check.Safe && len(rep.Fix) == 0 {
		rep.Fix = rep.forSpace([]string{resolveCmd}) // it runs, but its requirements will break
	}
	return e
}

// localFiles reads the Space's files from the folder they were downloaded
// to; a file not there is not in the Space.
type localFiles struct {
	Hub
	dir string
}

func (l localFiles) File(ctx context.Context, r hub.Repo, path string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(l.dir, filepath.FromSlash(path)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &hub.RepoNotFoundError{Repo: r, Path: path, Status: 404}
	}
	return b, err
}

// OK reports whether the Space was read, does not fail, and its
// requirements (when checked) are safe.
func (e *Entry) OK() bool {
	if e.Error != "" || e.Report == nil {
		return false
	}
	if e.Skipped {
		return true
	}
	return !e.Report.Failed() && e.CheckError == "" && (e.Check == nil || e.Check.Safe)
}
