package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/internal/testonly/shared"
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

// serveFixtures serves the mirror and the GitHub and Hub fixtures, points
// zgpu at them and isolates the catalog cache; the corpus tests and the hook
// test share it.
func serveFixtures(t *testing.T) (*fakes.GitHubServer, *fakes.HubServer, *fakes.Server) {
	t.Helper()
	gh := fakes.GitHub(t, fakes.GitHubFixtures())
	hf := fakes.Hub(t, fakes.HubFixtures())
	pypi := fakes.PyPI(t, shared.Dir(t, "mirror"), fakes.WithMirrorOverlay())
	t.Setenv("GITHUB_API_URL", gh.URL)
	t.Setenv("HF_ENDPOINT", hf.URL)
	t.Setenv("PIP_INDEX_URL", pypi.URL)
	isolateCatalog(t, pypi.Base)
	return gh, hf, pypi
}
