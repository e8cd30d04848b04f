package zerogpu

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
)

// ErrLockRequired is a lock that could not run because the index could not
// be reached, with ResolveOptions.RequireLock set.
var ErrLockRequired = errors.New("--require-lock: the file is not written unlocked")

// reachLister records whether any answer came from the index (a listing,
// a 404, a metadata file): once one has, the index was reached, and a
// later failure is a network failure to report, never a reason to keep
// the ranges.
type reachLister struct {
	lister  index.Lister
	meta    index.MetadataReader
	reached atomic.Bool
}

func (l *reachLister) Files(ctx context.Context, project string) ([]index.File, error) {
	files, err := l.lister.Files(ctx, project)
	if err == nil || errors.Is(err, index.ErrNotFound) {
		l.reached.Store(true)
	}
	return files, err
}

func (l *reachLister) Metadata(ctx context.Context, f index.File) (index.Metadata, error) {
	md, err := l.meta.Metadata(ctx, f)
	if err == nil {
		l.reached.Store(true)
	}
	return md, err
}

// unlockedOr decides what an index failure during the lock (or the check
// of an export) means. The ranges are kept (the unlocked fallback, nil
// error, Result.Unlocked set) only when the index could not be reached at
// all: no answer came back and every failure is a connection that could
// not be made (or, offline, a page not in the cache). Anything else (a 5xx
// after retries, a 401/403, a timeout, a reset or cut body) is the error:
// the lock failed, it did not find that nothing resolves. RequireLock turns
// the fallback into an error too.
func (o *ResolveOptions) unlockedOr(err error, rl *reachLister, describe string) (unlocked error, _ error) {
	if rl.reached.Load() || !fetch.IsUnreachable(err) {
		return nil, fmt.Errorf("cannot lock: %w (%s)", err, describe)
	}
	if o.RequireLock {
		return nil, fmt.Errorf("%w: %w (%s)", ErrLockRequired, err, describe)
	}
	if o.Offline {
		return err, nil
	}
	return fmt.Errorf("%w (%s)", err, describe), nil
}
