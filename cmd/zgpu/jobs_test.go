package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/internal/testonly/shared"
)

// sameWithOneJob checks that `zgpu deps resolve dir` with --jobs 1 (one
// request at a time, in the order the resolver and prefetcher ask) writes
// the file the default (many in flight, answers in any order) wrote to
// want: the lock must not depend on scheduling. Each run has its own
// empty cache. The header line recording the command is not compared.
func sameWithOneJob(t *testing.T, dir, want string) {
	t.Helper()
	old := os.Getenv("XDG_CACHE_HOME")
	os.Setenv("XDG_CACHE_HOME", t.TempDir())
	defer os.Setenv("XDG_CACHE_HOME", old)
	got := filepath.Join(t.TempDir(), filepath.Base(want))
	var stderr bytes.Buffer
	if code := runWith([]string{"deps", "resolve", dir, "-o", got, "-q", "--jobs", "1"}, nil, &bytes.Buffer{}, &stderr); code != 0 {
		t.Errorf("%s: exit %d with --jobs 1, 0 with the default: %s", filepath.Base(dir), code, stderr.String())
		return
	}
	a, b := readLock(t, want), readLock(t, got)
	if a != b {
		t.Errorf("%s: --jobs 1 wrote another file than the default:\n--- default\n%s\n--- --jobs 1\n%s", filepath.Base(dir), a, b)
	}
}

// readLock reads a written requirements file without its command line.
func readLock(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var keep []string
	for _, l := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(l, "#    zgpu ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// lockDefault resolves dir with the default concurrency into a fresh file,
// with its own empty cache. It returns the file when it was written with
// every package pinned ("locked" in the --json report), else "" and why.
func lockDefault(t *testing.T, dir string) (string, string) {
	t.Helper()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	want := filepath.Join(t.TempDir(), "requirements.txt")
	var stdout, stderr bytes.Buffer
	code := runWith([]string{"deps", "resolve", dir, "-o", want, "-q", "--json"}, nil, &stdout, &stderr)
	if code != 0 {
		return "", fmt.Sprintf("exit %d: %s", code, stderr.String())
	}
	var report struct{ Locked bool }
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("%s: --json: %v", dir, err)
	}
	if !report.Locked {
		return "", "written but not locked: " + stdout.String()
	}
	return want, ""
}

// TestBenchSetsLockTheSameWithOneJob: bench/sets' Space folders (W1 and
// the Gradio set) lock to the same file with --jobs 1 and with the default.
// (TestCorpusLocksTheSameWithOneJob checks the corpus folders; lock's
// TestLockIndependentOfConcurrency the large root sets.)
func TestBenchSetsLockTheSameWithOneJob(t *testing.T) {
	serveFixtures(t)
	t.Setenv("ZGPU_ALLOW_HOSTS", "127.0.0.1,localhost")
	for _, set := range []string{"w1", "gradio"} {
		dir, err := filepath.Abs(filepath.Join("..", "..", "bench", "sets", set))
		if err != nil {
			t.Fatal(err)
		}
		want, why := lockDefault(t, dir)
		if want == "" {
			t.Fatalf("%s: %s", set, why)
		}
		if n := strings.Count(readLock(t, want), "=="); n < 20 {
			t.Errorf("%s: %d pins, expected a full lock", set, n)
		}
		sameWithOneJob(t, dir, want)
	}
}

// TestCorpusLocksTheSameWithOneJob: every corpus folder that locks on the
// mirror with the default concurrency locks to the same file with --jobs 1.
// Most folders do not lock on the mirror (it lacks the versions they pin);
// at least 9 must (session 5, with the overlay's torch side-cars and the
// sdist-only repair), so that the test cannot pass by locking none.
func TestCorpusLocksTheSameWithOneJob(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus run in -short mode")
	}
	serveFixtures(t)
	t.Setenv("ZGPU_ALLOW_HOSTS", "127.0.0.1,localhost")
	dirs, _ := filepath.Glob(filepath.Join(shared.Dir(t, "corpus"), "[0-9]*"))
	locked := 0
	for _, dir := range dirs {
		want, _ := lockDefault(t, dir)
		if want == "" {
			continue
		}
		locked++
		sameWithOneJob(t, dir, want)
	}
	t.Logf("%d of %d corpus folders lock on the mirror", locked, len(dirs))
	if locked < 9 {
		t.Errorf("%d of %d corpus folders locked", locked, len(dirs))
	}
}
