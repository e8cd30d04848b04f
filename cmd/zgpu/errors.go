package main

import (
	"errors"
	"fmt"
)

// Exit codes. They are stable: scripts and CI depend on them.
const (
	exitOK = 0 // success; for --check, the file is up to date
	// exitFailure: the work failed: bad input, no solution, a stale
	// --check, or the network: a failure during a lock (a status after
	// retries, 401/403, a timeout, a cut or oversized body) names the URL
	// and the status; an index that cannot be reached at all keeps the
	// ranges with a warning (exit 0) unless --require-lock (exit 1).
	exitFailure = 1
	exitUsage   = 2 // the command line is wrong: unknown flag, bad argument count
)

// usageError marks an error in the command line itself.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef returns a usage error (exit code 2).
func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// silentError carries an exit code for a failure whose explanation was
// already printed (for example a --check diff).
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// isSilent reports whether err was already reported to the user.
func isSilent(err error) bool {
	var s *silentError
	return errors.As(err, &s)
}

// exitCode maps an error to the process exit code. It is the only place
// that does so.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var s *silentError
	if errors.As(err, &s) {
		return s.code
	}
	var u *usageError
	if errors.As(err, &u) {
		return exitUsage
	}
	return exitFailure
}
