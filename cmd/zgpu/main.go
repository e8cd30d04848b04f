// Command zgpu turns a Hugging Face Space's Python dependencies into a
// requirements.txt that installs and runs on ZeroGPU.
//
// The command is a thin layer over the library packages of this module: each
// subcommand is an options struct, a newXCmd constructor that binds flags, and
// a runX function that does the work. Errors are mapped to exit codes in one
// place, exitCode in errors.go.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/internal/atomicfile"
	"github.com/zgpu/zgpu/internal/redact"
)

func main() {
	code := run(os.Args[1:])
	stopProfile()
	os.Exit(code)
}

// stopProfile ends the profiles a profiling build (-tags zgpuprof,
// profile.go) started; a no-op otherwise.
var stopProfile = func() {}

// run executes the command line args and returns the process exit code.
func run(args []string) int {
	return runWith(args, os.Stdin, os.Stdout, os.Stderr)
}

// runWith is run with the standard streams given, for tests.
func runWith(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := interruptible()
	defer stop()
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	out := newSafeWriter(stdout)
	defer out.Flush()
	root.SetOut(out)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	// The cache files the command's clients queued (fetch.Config.WriteBehind).
	fetch.Flush()
	if err != nil && !isSilent(err) {
		fmt.Fprintf(stderr, "zgpu: %s\n", redact.Terminal(redact.Text(err.Error())))
	}
	return exitCode(err)
}

// interruptible returns a context canceled by the first SIGINT or SIGTERM,
// so that the command stops cleanly (outputs are written atomically: a
// file is either replaced whole or left as it was). A second signal, or the
// command still running 10 seconds after the first, removes the temporary
// files of writes in progress and exits at once with 128+signal.
func interruptible() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		var first os.Signal
		select {
		case first = <-ch:
		case <-done:
			return
		}
		cancel()
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
		case <-done:
			return
		}
		atomicfile.RemovePending()
		code := 130
		if first == syscall.SIGTERM {
			code = 143
		}
		os.Exit(code)
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel()
	}
}
