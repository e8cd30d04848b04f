package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/internal/testonly/shared"
	"github.com/zgpu/zgpu/internal/textdiff"
)

// TestCorpusGolden runs `zgpu deps resolve DIR` in --offline and in --no-lock
// mode on every project of the corpus, against the fakes, and compares exit
// code, stdout and stderr with testdata/golden/MODE/NAME.txt. A change of
// behaviour shows up as a diff here; an intended one is recorded with
// `go test ./cmd/zgpu -run TestCorpusGolden -update`. Paths of the corpus,
// the fakes and temporary folders are replaced by $CORPUS, $PYPI, $GITHUB,
// $HUB and $TMP.
func TestCorpusGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus run in -short mode")
	}
	corpus := shared.Dir(t, "corpus")
	gh, hf, pypi := serveFixtures(t)
	t.Setenv("ZGPU_ALLOW_HOSTS", "127.0.0.1,localhost")
	t.Setenv("NO_COLOR", "1")
	dirs, _ := filepath.Glob(filepath.Join(corpus, "[0-9]*"))
	if len(dirs) == 0 {
		t.Fatalf("no corpus projects in %s", corpus)
	}
	tmp := t.TempDir()
	clean := strings.NewReplacer(
		corpus, "$CORPUS", pypi.URL, "$PYPI", pypi.Base, "$PYPI", gh.URL, "$GITHUB", hf.URL, "$HUB", tmp, "$TMP")
	for _, mode := range []string{"offline", "no-lock"} {
		t.Run(mode, func(t *testing.T) {
			same := 0
			for _, d := range dirs {
				name := filepath.Base(d)
				// A fresh cache per run: no project sees another's pages.
				t.Setenv("XDG_CACHE_HOME", filepath.Join(tmp, mode, name))
				var stdout, stderr bytes.Buffer
				code := runWith([]string{"deps", "resolve", d, "--" + mode}, strings.NewReader(""), &stdout, &stderr)
				got := clean.Replace(fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", code, stdout.String(), stderr.String()))
				golden := filepath.Join("testdata", "golden", mode, name+".txt")
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Errorf("%s: %v (run with -update to record it)", name, err)
					continue
				}
				if string(want) != got {
					t.Errorf("%s: output differs from %s:\n%s", name, golden, textdiff.Unified(golden, "got", string(want), got, 3))
					continue
				}
				same++
			}
			t.Logf("%s: %d/%d byte-identical to the goldens", mode, same, len(dirs))
		})
	}
}
