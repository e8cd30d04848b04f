package catalog

import (
	"context"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/internal/testonly/shared"
)

// TestSnapshotGenerated runs gen_snapshot.go and compares its output with
// the embedded data/snapshot.tsv: the file is the generator's, not edited
// by hand, and the generator is reproducible.
func TestSnapshotGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator with go run")
	}
	dir := shared.Dir(t)
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out := filepath.Join(t.TempDir(), "snapshot.tsv")
	cmd := exec.Command(goBin, "run", "gen_snapshot.go", "-shared", dir, "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run gen_snapshot.go: %v\n%s", err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("data", "snapshot.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("data/snapshot.tsv is not what gen_snapshot.go writes; run it (-committed +generated):\n%s", diff)
	}
}

// TestSnapshotFilenamesReal checks that every snapshot filename is written
// in the shared references, except the rows whose note says otherwise.
func TestSnapshotFilenamesReal(t *testing.T) {
	dir := shared.Dir(t)
	var refs strings.Builder
	add := func(p string) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s, err := url.PathUnescape(string(b))
		if err != nil {
			s = string(b)
		}
		refs.WriteString(s)
		refs.WriteByte('\n')
	}
	mds, _ := filepath.Glob(filepath.Join(dir, "domain", "*"))
	for _, p := range mds {
		add(p)
	}
	err := filepath.WalkDir(filepath.Join(dir, "corpus"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".txt") {
			add(p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	text := refs.String()
	derived := 0
	for _, w := range Default().Snapshot {
		if strings.HasPrefix(w.Note, "filename NOT in the references") {
			derived++
			continue
		}
		if !strings.Contains(text, w.Filename) {
			t.Errorf("%s: filename not in the shared references (note %q)", w.Filename, w.Note)
		}
		if w.Note == "" {
			t.Errorf("%s: no note saying where it came from", w.Filename)
		}
	}
	// The Blackwell dataset's flash_attn 2.8.3 of the cp311-cp313 cells.
	if derived != 8 {
		t.Errorf("%d rows with a derived filename, want the 8 Blackwell cells that are not cp310", derived)
	}
}

// TestSnapshotLister lists a few packages as `--offline` sees them.
func TestSnapshotLister(t *testing.T) {
	l := SnapshotLister{C: Default()}
	tests := []struct {
		pkg    string
		file   string // one file the listing must hold; "" for a project it does not know
		origin string // that file's origin, up to the snapshot date
	}{
		{"torch-scatter", "torch_scatter-2.1.2+pt28cu126-cp310-cp310-linux_x86_64.whl", "data.pyg.org (catalog snapshot "},
		{"torch_scatter", "torch_scatter-2.1.2+pt21cu121-cp310-cp310-linux_x86_64.whl", "data.pyg.org (catalog snapshot "},
		{"flash-attn", "flash_attn-2.8.3+cu130torch2.11-cp310-cp310-linux_x86_64.whl", "github.com/mjun0812/flash-attention-prebuild-wheels@v0.9.4 (catalog snapshot "},
		{"flash-attn", "flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl", "hf.co/datasets/multimodalart/zerogpu-blackwell-wheels (catalog snapshot "},
		{"flash-attn", "flash_attn-2.8.3+cu130torch2.13-cp312-cp312-linux_x86_64.whl", "github.com/mjun0812/flash-attention-prebuild-wheels@v0.9.47 (catalog snapshot 2026-12-07, URL from a cited source)"},
		{"flash-attn", "flash_attn-2.8.3+cu130torch2.12-cp312-cp312-linux_x86_64.whl", "github.com/mjun0812/flash-attention-prebuild-wheels@v0.9.17 (catalog snapshot 2026-12-07, inferred"},
		{"flash-attn", "flash_attn-2.7.4+cu126torch2.13-cp310-cp310-linux_x86_64.whl", "github.com/mjun0812/flash-attention-prebuild-wheels@v0.9.47 (catalog snapshot "},
		{"pytorch3d", "", ""},
	}
	for _, tt := range tests {
		files, err := l.Files(context.Background(), tt.pkg)
		if tt.file == "" {
			var nf *index.NotFoundError
			if !errors.As(err, &nf) || l.KnowsProject(tt.pkg) {
				t.Errorf("%s: err = %v, KnowsProject = %v; want not found", tt.pkg, err, l.KnowsProject(tt.pkg))
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.pkg, err)
		}
		var found *index.File
		for i, f := range files {
			if f.Filename == tt.file {
				found = &files[i]
				break
			}
		}
		if found == nil {
			t.Errorf("%s: %s not listed", tt.pkg, tt.file)
			continue
		}
		if !strings.HasPrefix(found.Origin, tt.origin) {
			t.Errorf("%s: origin %q, want %q...", tt.file, found.Origin, tt.origin)
		}
		if !strings.HasPrefix(found.URL, "https://") || !strings.HasSuffix(found.URL, ".whl") {
			t.Errorf("%s: URL %q", tt.file, found.URL)
		}
	}
}

func TestConfidenceWord(t *testing.T) {
	tests := []struct {
		w    SnapshotWheel
		want string
	}{
		{SnapshotWheel{Confidence: "src", Note: "seen in shared/corpus/009-image-to-3d-asset/requirements.txt"}, "seen in a public Space"},
		{SnapshotWheel{Confidence: "src", Note: "URL in domain-facts.md §2.1"}, "URL from a cited source"},
		{SnapshotWheel{Confidence: "inf", Note: "filename in real-wheel-filenames.txt"}, "inferred: verify online"},
	}
	for _, tt := range tests {
		if got := confidenceWord(tt.w); got != tt.want {
			t.Errorf("confidenceWord(%+v) = %q, want %q", tt.w, got, tt.want)
		}
	}
}
