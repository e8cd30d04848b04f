package main

import (
	"bytes"
	"strings"
	"testing"
)

// runCmd runs zgpu with args, as the binary would (see runWith), with an
// empty standard input, and returns stdout, stderr and the exit code.
func runCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runCmdStdin(t, "", args...)
}

// runCmdStdin is runCmd with stdin as the standard input.
func runCmdStdin(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runWith(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// checkContains reports each of wants that out does not contain; what names
// the output in the messages ("output", "deps diagnose output").
func checkContains(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, out)
		}
	}
}
