package reqfile

import (
	"io/fs"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/zgpu/zgpu/internal/shared"
)

var corpusFileRE = regexp.MustCompile(`^(requirements.*|pre-requirements)\.txt$`)

func corpusFiles(t testing.TB) []string {
	dir := shared.Dir(t, "corpus")
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && corpusFileRE.MatchString(d.Name()) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no requirements files under %s", dir)
	}
	return files
}

// TestCorpusAgainstPip reads every requirements*.txt and
// pre-requirements.txt of the corpus with our reader and with pip's, and
// compares every requirement, the options, and which files are rejected.
func TestCorpusAgainstPip(t *testing.T) {
	files := corpusFiles(t)
	python := shared.Python(t)
	cwd := t.TempDir()
	makePathDirs(t, cwd, files)
	res := runPip(t, python, cwd, files)
	n := comparePip(t, cwd, files, res, nil)
	rejected := 0
	for _, r := range res {
		if !r.OK {
			rejected++
		}
	}
	t.Logf("%d files, %d requirements compared, %d files rejected by both", len(files), n, rejected)
	if n < 1000 {
		t.Errorf("only %d requirements compared; the corpus has more", n)
	}
}
