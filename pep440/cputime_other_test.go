//go:build !unix

package pep440

import "time"

// cpuTime is not measured on this system.
func cpuTime() time.Duration { return 0 }
