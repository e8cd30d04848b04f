package main

import (
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress shows a spinner with msg and the elapsed time on stderr while
// work runs, when stderr is a terminal (never under --quiet or
// --no-progress, never in a pipe or a CI log). It returns the function that clears it.
func (g *globalOptions) progress(msg string) (stop func()) {
	if g.NoProgress || !g.StderrIsTerminal() {
		return func() {}
	}
	bar := progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(g.Stderr),
		progressbar.OptionSetDescription(msg),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionEnableColorCodes(g.Color()),
	)
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				bar.Add(1)
			}
		}
	}()
	return func() {
		close(done)
		bar.Finish()
	}
}
