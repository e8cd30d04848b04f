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
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes the command line args and returns the process exit code.
func run(args []string) int {
	return runWith(args, os.Stdin, os.Stdout, os.Stderr)
}

// runWith is run with the standard streams given, for tests.
func runWith(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err != nil && !isSilent(err) {
		fmt.Fprintf(stderr, "zgpu: %v\n", err)
	}
	return exitCode(err)
}
