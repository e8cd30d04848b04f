package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/internal/testonly/shared"
)

// pipReadsScript reads each file named on stdin (lines of "file<TAB>dir")
// with pip's own requirements parser, run from dir as the Space builder runs
// pip from the Space root, and prints {"file": error-or-""} as JSON.
const pipReadsScript = `
import json, sys
from pip._internal.network.session import PipSession
from pip._internal.req.req_file import parse_requirements
from pip._internal.req.constructors import install_req_from_parsed_requirement
out = {}
import os
for line in sys.stdin.read().splitlines():
    path, cwd = line.split("\t")
    os.chdir(cwd)
    try:
        for pr in parse_requirements(path, session=PipSession()):
            install_req_from_parsed_requirement(pr)
        out[path] = ""
    except BaseException as e:
        out[path] = "%s: %s" % (type(e).__name__, e)
print(json.dumps(out))
`

// TestCorpusResolves runs `zgpu deps resolve` on every project of the
// shared corpus against the fakes. None may crash; each either writes a
// requirements.txt that pip's parser reads without error, or exits 1 with
// the problems named. Paths in the output stay relative to the Space root,
// where the builder runs pip. The tally is logged.
func TestCorpusResolves(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus run in -short mode")
	}
	corpus := shared.Dir(t, "corpus")
	py := shared.Python(t)
	gh := fakes.GitHub(t, fakes.GitHubFixtures())
	hf := fakes.Hub(t, fakes.HubFixtures())
	pypi := fakes.PyPI(t, shared.Dir(t, "mirror"))
	t.Setenv("GITHUB_API_URL", gh.URL)
	t.Setenv("HF_ENDPOINT", hf.URL)
	t.Setenv("PIP_INDEX_URL", pypi.URL)
	isolateCatalog(t, pypi.Base)
	t.Setenv("ZGPU_ALLOW_HOSTS", "127.0.0.1,localhost")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())

	dirs, _ := filepath.Glob(filepath.Join(corpus, "[0-9]*"))
	// --no-lock applies the ZeroGPU rules to every project; the default also
	// locks against the mirror, which holds only the versions some public
	// lock file pinned, so most projects stop there with an explanation.
	for _, mode := range [][]string{{"--no-lock"}, nil} {
		name := "lock"
		if mode != nil {
			name = "no-lock"
		}
		t.Run(name, func(t *testing.T) { resolveCorpus(t, corpus, py, dirs, mode) })
	}
}

func resolveCorpus(t *testing.T, corpus, py string, dirs, mode []string) {
	out := t.TempDir()
	var written, lines []string
	failed := map[string]string{}
	for _, d := range dirs {
		name := filepath.Base(d)
		target := filepath.Join(out, name+".txt")
		var stderr bytes.Buffer
		code := runWith(append([]string{"deps", "resolve", d, "-o", target, "-q"}, mode...), nil, &bytes.Buffer{}, &stderr)
		switch code {
		case 0:
			written = append(written, target)
			lines = append(lines, target+"\t"+d)
			if in := filepath.Join(d, "requirements.txt"); fileExists(in) {
				lines = append(lines, in+"\t"+d)
			}
		case 1:
			msg := stderr.String()
			if !strings.Contains(msg, "zgpu:") {
				t.Errorf("%s: exit 1 without a message", name)
			}
			failed[name] = firstLine(msg)
			if _, err := os.Stat(target); err == nil {
				t.Errorf("%s: exit 1 but %s was written", name, target)
			}
		default:
			t.Errorf("%s: exit %d: %s", name, code, stderr.String())
		}
	}
	cmd := exec.Command(py, "-c", pipReadsScript)
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n"))
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("pip parser: %v", err)
	}
	var verdict map[string]string
	if err := json.Unmarshal(res, &verdict); err != nil {
		t.Fatalf("pip parser output: %v\n%s", err, res)
	}
	for _, f := range written {
		e, ok := verdict[f]
		in := filepath.Join(corpus, strings.TrimSuffix(filepath.Base(f), ".txt"), "requirements.txt")
		if ok && e != "" && strings.Contains(e, "does not exist") && strings.Contains(verdict[in], "does not exist") {
			// A local path the corpus copy does not carry: pip rejects the
			// input for the same reason; the Space itself has the folder.
			t.Logf("%s: local path missing from the corpus copy (the input fails the same way)", filepath.Base(f))
			continue
		}
		if !ok || e != "" {
			data, _ := os.ReadFile(f)
			t.Errorf("pip cannot read %s: %s\n%s", filepath.Base(f), e, data)
		}
	}
	checkWritten(t, corpus, written)
	var names []string
	for n := range failed {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("exit 1: %s: %s", n, failed[n])
	}
	t.Logf("%d projects: %d written and read by pip, %d stopped with problems", len(dirs), len(written), len(failed))
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func firstLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "zgpu:") && i+1 < len(lines) {
			return strings.TrimSpace(lines[i+1])
		}
	}
	return lines[0]
}
