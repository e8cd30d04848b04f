//go:build unix

package pep440

import (
	"syscall"
	"time"
)

// cpuTime returns the user and system CPU time the process has used, so
// that benchmarks on a shared, loaded machine can report CPU cost per item
// beside wall-clock ns/op.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
