package reqfile

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/pep508"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func mustReq(t *testing.T, s string) pep508.Requirement {
	t.Helper()
	r, err := pep508.ParseRequirement(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func goldenDoc(t *testing.T) Document {
	m, err := pep508.ParseMarker(`sys_platform == "linux"`)
	if err != nil {
		t.Fatal(err)
	}
	url := mustReq(t, "flash-attn @ https://example.com/flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl")
	url.Marker = m
	return Document{
		Command: "zgpu deps resolve -o requirements.txt",
		Header:  []string{"target: ZeroGPU (python 3.12, torch 2.8, CUDA 12)"},
		Options: Options{
			ExtraIndexURLs: []string{"https://download.pytorch.org/whl/cu128"},
			FindLinks:      []string{"https://example.com/wheels"},
			TrustedHosts:   []string{"example.com"},
		},
		Requirements: []Entry{
			{Requirement: Requirement{Req: mustReq(t, "Torch==2.8.0")}, Via: []string{"-r requirements.in"}, Comment: "zgpu: torch pinned to the ZeroGPU allow-list"},
			{Requirement: Requirement{Req: url}, Via: []string{"-r requirements.in", "diffusers"}},
			{Requirement: Requirement{Req: mustReq(t, "numpy==1.26.4"), Hashes: []string{"sha256:aaaa", "sha256:bbbb"}}, Comment: "zgpu: hashed"},
			{Requirement: Requirement{Req: pep508.Requirement{URL: "git+https://github.com/org/repo.git@v1"}, Kind: URL}},
			{Requirement: Requirement{Req: pep508.Requirement{URL: "./local/pkg", Extras: []string{"dev"}}, Kind: Path, Editable: true}},
			{Requirement: Requirement{Req: mustReq(t, `accelerate>=1.0 ; python_version >= "3.10"`)}},
			{Requirement: Requirement{Req: mustReq(t, "accelerate>=0.30")}},
		},
	}
}

// TestWriteGolden writes a document covering every feature and compares
// it with testdata/write.golden (-update rewrites it), then reads it back.
func TestWriteGolden(t *testing.T) {
	var buf bytes.Buffer
	doc := goldenDoc(t)
	if err := Write(&buf, doc); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "write.golden")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("Write (-want +got):\n%s", diff)
	}
	f, err := Parse("requirements.txt", buf.Bytes(), ParseOptions{})
	if err != nil {
		t.Fatalf("reading back: %v", err)
	}
	var got []string
	for _, r := range f.Requirements {
		got = append(got, r.Req.Key())
	}
	wantOrder := []string{"accelerate", "accelerate", "flash-attn", "numpy", "torch", "", ""}
	if diff := cmp.Diff(wantOrder, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(doc.Options.ExtraIndexURLs, f.Options.ExtraIndexURLs); diff != "" {
		t.Errorf("extra index URLs (-want +got):\n%s", diff)
	}
	if h := f.Requirements[3].Hashes; len(h) != 2 {
		t.Errorf("numpy hashes = %q, want 2", h)
	}
}

// reqView is what must survive a write and a read.
type reqView struct {
	Kind           Kind
	Req            string
	Name           string
	URL            string
	Extras         []string
	Marker         string
	Editable       bool
	Hashes         []string
	ConfigSettings map[string][]string
	GlobalOptions  []string
}

func views(rs []Requirement) []reqView {
	var out []reqView
	for _, r := range rs {
		v := reqView{Kind: r.Kind, Req: r.Req.String(), Name: r.Req.Name, URL: r.Req.URL, Extras: r.Req.Extras,
			Editable: r.Editable, Hashes: r.Hashes, ConfigSettings: r.ConfigSettings, GlobalOptions: r.GlobalOptions}
		if r.Req.Marker != nil {
			v.Marker = r.Req.Marker.String()
		}
		out = append(out, v)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Marker != b.Marker {
			return a.Marker < b.Marker
		}
		return a.Req+a.URL < b.Req+b.URL
	})
	return out
}

// TestRoundTripCorpus reads every corpus file, writes it, reads it back
// and checks the same requirements and options come out.
func TestRoundTripCorpus(t *testing.T) {
	n := 0
	for _, file := range append(corpusFiles(t), trickyTemp(t)...) {
		f, err := ParseFile(file, ParseOptions{})
		if err != nil {
			continue // rejected by pip too (TestCorpusAgainstPip)
		}
		var buf bytes.Buffer
		if err := Write(&buf, FromFile(f)); err != nil {
			t.Errorf("%s: Write: %v", file, err)
			continue
		}
		g, err := Parse(file, buf.Bytes(), ParseOptions{})
		if err != nil {
			t.Errorf("%s: reading back: %v\n%s", file, err, buf.String())
			continue
		}
		if diff := cmp.Diff(views(f.Requirements), views(g.Requirements)); diff != "" {
			t.Errorf("%s: requirements (-read +reread):\n%s\n%s", file, diff, buf.String())
		}
		if diff := cmp.Diff(f.Options, g.Options); diff != "" {
			t.Errorf("%s: options (-read +reread):\n%s", file, diff)
		}
		n += len(f.Requirements)
	}
	t.Logf("%d requirements written and read back", n)
}

// trickyTemp writes the accepted tricky files whose requirements Write
// can express (no constraints) to a temporary folder.
func trickyTemp(t *testing.T) []string {
	dir := t.TempDir()
	var files []string
	for i, c := range trickyFiles {
		f, err := Parse("x.txt", []byte(c), ParseOptions{NoIncludes: true})
		if err != nil || len(f.Includes) > 0 {
			continue
		}
		skip := false
		for _, r := range f.Requirements {
			if r.Editable && r.Req.Marker != nil {
				skip = true
			}
		}
		if skip {
			continue
		}
		p := filepath.Join(dir, "t"+itoa(i)+".txt")
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	return files
}

func itoa(i int) string {
	return strings.TrimLeft(string([]byte{byte('0' + i/100), byte('0' + i/10%10), byte('0' + i%10)}), "0")
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		name string
		e    Entry
		want string
	}{
		{"no name", Entry{Requirement: Requirement{}}, "cannot write a requirement without a name"},
		{"url without url", Entry{Requirement: Requirement{Kind: URL}}, "without its url"},
		{"constraint", Entry{Requirement: Requirement{Req: pep508.Requirement{Name: "x"}, Constraint: true, Line: "x"}}, "cannot write constraint"},
		{"bad hash", Entry{Requirement: Requirement{Req: pep508.Requirement{Name: "x"}, Hashes: []string{"md5:00"}}}, "cannot write hash"},
		{"newline comment", Entry{Requirement: Requirement{Req: pep508.Requirement{Name: "x"}}, Comment: "a\nb"}, "line break"},
		{"url with comment marker", Entry{Requirement: Requirement{Kind: URL, Req: pep508.Requirement{URL: "https://x/a #b"}}}, "pip would read a comment"},
		{"option-like word", Entry{Requirement: Requirement{Kind: Path, Req: pep508.Requirement{URL: "./a -b"}}}, "as options"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Write(&buf, Document{Requirements: []Entry{tt.e}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Write error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestWriteFileAtomic checks that a failing write leaves the old file and
// no temporary file, and that a good write replaces it.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "requirements.txt")
	old := []byte("numpy==1.0\n")
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := Document{Requirements: []Entry{
		{Requirement: Requirement{Req: mustReq(t, "torch==2.8.0")}},
		{Requirement: Requirement{Req: pep508.Requirement{Name: "x"}, Hashes: []string{"nocolon"}}},
	}}
	if err := WriteFile(path, bad); err == nil {
		t.Fatal("WriteFile with a bad hash succeeded")
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, old) {
		t.Errorf("after a failed write the file holds %q, want %q", got, old)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("folder holds %d entries after a failed write, want 1", len(ents))
	}
	good := Document{Command: "zgpu test", Requirements: []Entry{{Requirement: Requirement{Req: mustReq(t, "torch==2.8.0")}}}}
	if err := WriteFile(path, good); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(path)
	want := "# This file was generated by zgpu with:\n#\n#    zgpu test\n#\ntorch==2.8.0\n"
	if string(got) != want {
		t.Errorf("file = %q, want %q", got, want)
	}
}

// failWriter fails after n bytes.
type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return w.n, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteWriterError(t *testing.T) {
	doc := goldenDoc(t)
	if err := Write(&failWriter{n: 10}, doc); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Write to a failing writer = %v, want the writer's error", err)
	}
}
