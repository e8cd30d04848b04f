// Package lazyre compiles a package's regular expressions on first use
// instead of at process start: every zgpu command pays for the package
// initializers of every command, and compiling the diagnose and cudalabel
// patterns was a third of them (about 2.5 ms before the first request of
// a lock).
package lazyre

import (
	"regexp"
	"sync"
)

// New returns a function that compiles pattern once, at its first call,
// and returns it; it panics on a bad pattern as regexp.MustCompile does.
func New(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}
