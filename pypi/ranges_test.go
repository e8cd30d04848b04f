package pypi

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/index"
)

// wheelIndex serves one wheel of "demo" with no metadata file.
func wheelIndex(t *testing.T, o wheelOpts, opts ...fakes.Option) (*fakes.Server, []byte) {
	t.Helper()
	root := t.TempDir()
	name := "demo-1.0-py3-none-any.whl"
	data := buildWheel(t, "demo", "1.0", o)
	fakes.WriteTree(t, root, map[string]string{
		"simple/demo/index.html": `<a href="../../files/` + name + `#sha256=` + sha(string(data)) + `">` + name + `</a>`,
		"files/" + name:          string(data),
	})
	s := fakes.PyPI(t, root, opts...)
	return s, data
}

func TestRangeReadMetadata(t *testing.T) {
	want := index.Metadata{Name: "demo", Version: "1.0", RequiresDist: []string{"numpy>=1.26", `torch; extra == "gpu"`}, ProvidesExtra: []string{"gpu"}}
	tests := []struct {
		name        string
		o           wheelOpts
		maxRequests int
		fracOfWheel float64 // most of the wheel that may be read
	}{
		{"small wheel", wheelOpts{}, 1, 1},
		{"large payload", wheelOpts{padding: 3 << 20}, 2, 0.1},
		{"large central directory", wheelOpts{padding: 1 << 20, entries: 4000}, 3, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, data := wheelIndex(t, tt.o)
			c := testClient(t.TempDir())
			ix := New(s.URL, c)
			files, err := ix.Files(context.Background(), "demo")
			if err != nil {
				t.Fatal(err)
			}
			if files[0].CoreMetadata {
				t.Fatal("test page should not offer a metadata file")
			}
			before := c.Stats().BytesDownloaded
			m, err := ix.Metadata(context.Background(), files[0])
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, m); diff != "" {
				t.Errorf("Metadata (-want +got):\n%s", diff)
			}
			var wheelReqs []fakes.Request
			for _, r := range s.Requests() {
				if strings.HasSuffix(r.Path, ".whl") {
					wheelReqs = append(wheelReqs, r)
					if r.Header.Get("Range") == "" {
						t.Errorf("wheel request without Range: %+v", r.Header)
					}
				}
			}
			if len(wheelReqs) == 0 || len(wheelReqs) > tt.maxRequests {
				t.Errorf("%d range requests, want 1..%d", len(wheelReqs), tt.maxRequests)
			}
			read := c.Stats().BytesDownloaded - before
			if float64(read) > tt.fracOfWheel*float64(len(data)) {
				t.Errorf("read %d of %d bytes", read, len(data))
			}
			st := ix.Stats()
			if st.RangeReads != 1 || st.FullDownloads != 0 || st.RangeRequests != int64(len(wheelReqs)) {
				t.Errorf("Stats = %+v (wheel requests %d)", st, len(wheelReqs))
			}
			t.Logf("%d-byte wheel: %d range requests, %d bytes read", len(data), len(wheelReqs), read)
		})
	}
}

func TestFullDownloadWhenRangesAreIgnored(t *testing.T) {
	s, data := wheelIndex(t, wheelOpts{padding: 100 << 10}, fakes.WithoutRange())
	ix := New(s.URL, testClient(t.TempDir()))
	files, err := ix.Files(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ix.Metadata(context.Background(), files[0])
	if err != nil || m.Name != "demo" {
		t.Fatalf("Metadata = %+v, %v", m, err)
	}
	if st := ix.Stats(); st.FullDownloads != 1 || st.RangeReads != 0 {
		t.Errorf("Stats = %+v, want one full download", st)
	}
	if n := s.Count("/files/demo-1.0-py3-none-any.whl"); n != 2 {
		t.Errorf("%d wheel requests, want the refused range and the download", n)
	}
	// A huge wheel is not downloaded whole.
	huge := files[0]
	huge.Size = MaxFullDownload + 1
	if _, err := ix.Metadata(context.Background(), huge); err == nil || !strings.Contains(err.Error(), "not downloading it whole") {
		t.Errorf("huge wheel: err = %v", err)
	}
	// A tampered download fails its hash.
	f := files[0]
	f.Hashes = map[string]string{"sha256": sha(string(data) + "x")}
	if _, err := ix.Metadata(context.Background(), f); err == nil || !strings.Contains(err.Error(), "sha256 mismatch") {
		t.Errorf("tampered download: err = %v", err)
	}
}

func TestMetadataFileMissingFallsBackToRanges(t *testing.T) {
	s, _ := wheelIndex(t, wheelOpts{})
	ix := New(s.URL, testClient(""))
	files, err := ix.Files(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	f := files[0]
	f.CoreMetadata = true // listed, but the server has no .metadata file
	if m, err := ix.Metadata(context.Background(), f); err != nil || m.Version != "1.0" {
		t.Fatalf("Metadata = %+v, %v", m, err)
	}
	if s.Count("/files/demo-1.0-py3-none-any.whl.metadata") != 1 || ix.Stats().RangeReads != 1 {
		t.Errorf("want one metadata 404 then a range read; requests %+v", s.Requests())
	}
	// Neither the metadata file nor the wheel: the error says both.
	f.URL = strings.Replace(f.URL, "demo-1.0-", "demo-1.0.post1-", 1)
	f.Filename = "demo-1.0.post1-py3-none-any.whl"
	_, err = ix.Metadata(context.Background(), f)
	if err == nil || !strings.Contains(err.Error(), "demo-1.0.post1-py3-none-any.whl: the index lists its core metadata (PEP 658) but serves neither that file nor the wheel: ") || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing metadata file and wheel: err = %v", err)
	}
}

func TestWheelWithoutMetadata(t *testing.T) {
	root := t.TempDir()
	fakes.WriteTree(t, root, map[string]string{"files/x.whl": "not a zip at all, just some text that is long enough"})
	s := fakes.PyPI(t, root)
	r := NewReader(testClient(""))
	_, err := r.Metadata(context.Background(), index.File{Filename: "x-1.0-py3-none-any.whl", URL: s.Base + "/files/x.whl"})
	if err == nil || !strings.Contains(err.Error(), "zip") {
		t.Errorf("err = %v, want a zip error", err)
	}
	_, err = r.Metadata(context.Background(), index.File{Filename: "x-1.0.tar.gz", URL: s.Base + "/files/x-1.0.tar.gz"})
	if !errors.Is(err, ErrNoMetadata) {
		t.Errorf("sdist: err = %v, want ErrNoMetadata", err)
	}
}

func TestFindMetadataPrefersTheWheelsOwnDistInfo(t *testing.T) {
	dir := t.TempDir()
	data := buildWheel(t, "demo", "1.0", wheelOpts{})
	p := filepath.Join(dir, "demo-1.0-py3-none-any.whl")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r := NewReader(testClient(""))
	m, err := r.Metadata(context.Background(), index.File{Filename: "demo-1.0-py3-none-any.whl", URL: fileURL(p)})
	if err != nil || m.Name != "demo" {
		t.Fatalf("local wheel: %+v, %v", m, err)
	}
}
