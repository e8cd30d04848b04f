package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/internal/testonly/shared"
)

// TestCorpusStrict checks `--strict` on every corpus folder (--offline,
// which needs no server): it refuses what the default run refuses, and
// every folder the default run repaired, with each repair among its
// problems; a folder with nothing to repair gives the same outcome. It
// writes nothing when it refuses.
func TestCorpusStrict(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus run in -short mode")
	}
	corpus := shared.Dir(t, "corpus")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dirs, _ := filepath.Glob(filepath.Join(corpus, "[0-9]*"))
	repairedN, refusedN := 0, 0
	for _, d := range dirs {
		name := filepath.Base(d)
		def, defCode := strictRun(t, d, false)
		strict, strictCode := strictRun(t, d, true)
		switch {
		case defCode != 0 && defCode != 1:
			t.Errorf("%s: exit %d", name, defCode)
		case defCode == 1:
			refusedN++
			if strictCode != 1 {
				t.Errorf("%s: refused by default, but --strict exits %d", name, strictCode)
			}
		case len(def.Repairs) > 0:
			repairedN++
			if strictCode != 1 {
				t.Errorf("%s: %d repairs, but --strict exits %d", name, len(def.Repairs), strictCode)
				continue
			}
			for _, rp := range def.Repairs {
				if !hasProblem(strict.Problems, rp.Message) {
					t.Errorf("%s: --strict lacks the problem %q; it has %v", name, rp.Message, strict.Problems)
				}
			}
		default:
			if strictCode != 0 || len(strict.Problems) > 0 {
				t.Errorf("%s: nothing repaired, but --strict exits %d: %v", name, strictCode, strict.Problems)
			}
		}
	}
	if repairedN == 0 {
		t.Error("no corpus folder was repaired: the test checks nothing")
	}
	t.Logf("--offline: %d folders refused, %d repaired (both refused by --strict), %d unchanged", refusedN, repairedN, len(dirs)-refusedN-repairedN)
}

// strictReport is the part of the --json report the test reads.
type strictReport struct {
	Problems []struct {
		Message string `json:"message"`
	} `json:"problems"`
	Repairs []struct {
		Message string `json:"message"`
	} `json:"repairs"`
}

// strictRun resolves a copy of dir in place, --offline, with or without
// --strict, and returns the report and the exit code; under --strict a
// refusal must leave requirements.txt as it was.
func strictRun(t *testing.T, dir string, strict bool) (strictReport, int) {
	space := filepath.Join(t.TempDir(), filepath.Base(dir))
	if err := os.CopyFS(space, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(space, "requirements.txt")
	before, _ := os.ReadFile(target)
	args := []string{"deps", "resolve", space, "-o", target, "-q", "--json", "--offline"}
	if strict {
		args = append(args, "--strict")
	}
	var stdout, stderr bytes.Buffer
	code := runWith(args, nil, &stdout, &stderr)
	var r strictReport
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil && code <= 1 && stdout.Len() > 0 {
		t.Errorf("%s: --json: %v", dir, err)
	}
	if after, _ := os.ReadFile(target); code != 0 && !bytes.Equal(before, after) {
		t.Errorf("%s: exit %d but requirements.txt was written", dir, code)
	}
	return r, code
}

func hasProblem(probs []struct {
	Message string `json:"message"`
}, msg string) bool {
	for _, p := range probs {
		if strings.Contains(p.Message, msg) {
			return true
		}
	}
	return false
}
