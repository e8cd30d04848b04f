package lock

import (
	"fmt"
	"os"
	"sync"
)

func init() {
	if os.Getenv("LOCKDEBUG") == "" {
		return
	}
	var mu sync.Mutex
	debugDeps = func(f string) {
		mu.Lock()
		fmt.Fprintln(os.Stderr, "DEPS", f)
		mu.Unlock()
	}
}
