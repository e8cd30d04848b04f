package zerogpu

import (
	"errors"
	"fmt"

	"github.com/zgpu/zgpu/fetch"
)

// ErrLockRequired is a lock that could not run because the index could not
// be reached, with ResolveOptions.RequireLock set.
var ErrLockRequired = errors.New("--require-lock: the file is not written unlocked")

// unlockedOr decides what an index failure during the lock means (the
// check of an export is only warned about: its pins stand). The ranges are kept (the unlocked fallback: nil
// error, err returned as the reason) only when a source could
// not be reached at all (fetch.IsUnreachable: no connection could ever be
// made to its host, a host outside the allowed ones, or offline, a page not
// in the cache). Anything else (a 5xx after retries, a 401/403, a timeout,
// a reset, a cut, oversized or garbled body) is the error: the lock failed,
// it did not find that nothing resolves. RequireLock turns the fallback
// into an error too.
func (o *ResolveOptions) unlockedOr(err error, describe string) (unlocked error, _ error) {
	if !fetch.IsUnreachable(err) {
		return nil, fmt.Errorf("cannot lock: %w (%s)", err, describe)
	}
	if o.RequireLock {
		return nil, fmt.Errorf("%w: %w (%s)", ErrLockRequired, err, describe)
	}
	return err, nil
}
