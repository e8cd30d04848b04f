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
	"github.com/zgpu/zgpu/internal/testonly/shared"
)

func names(files []index.File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Filename)
	}
	return out
}

func TestFindLinksPage(t *testing.T) {
	root := t.TempDir()
	fakes.WriteTree(t, root, map[string]string{
		"files/links.html": `<html><body><h1>wheels</h1>
<a href="flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl#sha256=aa">flash_attn</a>
<a href="https://github.test/releases/download/v2.8.3/flash_attn-2.8.3+cu12torch2.8cxx11abiFALSE-cp312-cp312-linux_x86_64.whl">x</a>
<a href="flash-attn-2.8.3.tar.gz">sdist</a>
<a href="flash_attn_3-3.0.0b1-cp39-abi3-linux_x86_64.whl">other project</a>
<a href="xformers-0.0.32-cp39-abi3-linux_x86_64.whl">other</a>
<a href="../docs/">docs</a>
</body></html>`,
	})
	s := fakes.PyPI(t, root)
	fl := NewFindLinks(s.Base+"/files/links.html", testClient(""))
	ctx := context.Background()
	files, err := fl.Files(ctx, "Flash_Attn")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
		"flash_attn-2.8.3+cu12torch2.8cxx11abiFALSE-cp312-cp312-linux_x86_64.whl",
		"flash-attn-2.8.3.tar.gz",
	}
	if diff := cmp.Diff(want, names(files)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if files[0].URL != s.Base+"/files/flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl" || files[0].Hashes["sha256"] != "aa" {
		t.Errorf("first file = %+v", files[0])
	}
	if files[0].Origin != fl.Location() {
		t.Errorf("Origin = %q", files[0].Origin)
	}
	if xf, err := fl.Files(ctx, "xformers"); err != nil || len(xf) != 1 {
		t.Errorf("xformers: %v, %v", names(xf), err)
	}
	if n := s.Count("/files/links.html"); n != 1 {
		t.Errorf("page read %d times, want once", n)
	}
	_, err = fl.Files(ctx, "torch")
	var nf *index.NotFoundError
	if !errors.As(err, &nf) || nf.Source != fl.Location() {
		t.Errorf("torch: err = %v, want not found", err)
	}
}

func TestFindLinksFolder(t *testing.T) {
	dir := t.TempDir()
	wheel := buildWheel(t, "demo", "1.0", wheelOpts{})
	fakes.WriteTree(t, dir, map[string]string{
		"demo-1.0-py3-none-any.whl":     string(wheel),
		"demo-0.9.tar.gz":               "sdist",
		"notes.txt":                     "x",
		"sub/demo-2.0-py3-none-any.whl": "nested: not listed",
		"other-1.0-py3-none-any.whl":    "x",
	})
	for _, loc := range []string{dir, fileURL(dir)} {
		fl := NewFindLinks(loc, testClient(""))
		files, err := fl.Files(context.Background(), "demo")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"demo-0.9.tar.gz", "demo-1.0-py3-none-any.whl"}, names(files)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", loc, diff)
		}
		if files[1].Size != int64(len(wheel)) || !strings.HasPrefix(files[1].URL, "file:///") {
			t.Errorf("wheel = %+v", files[1])
		}
		m, err := fl.Metadata(context.Background(), files[1])
		if err != nil || m.Name != "demo" || m.Version != "1.0" {
			t.Errorf("local metadata = %+v, %v", m, err)
		}
	}
	// A local HTML page.
	page := filepath.Join(dir, "page.html")
	if err := os.WriteFile(page, []byte(`<a href="demo-1.0-py3-none-any.whl">w</a>`), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := NewFindLinks(page, testClient("")).Files(context.Background(), "demo")
	if err != nil || len(files) != 1 || files[0].URL != fileURL(filepath.Join(dir, "demo-1.0-py3-none-any.whl")) {
		t.Errorf("local page: %+v, %v", files, err)
	}
	if _, err := NewFindLinks(filepath.Join(dir, "missing"), testClient("")).Files(context.Background(), "demo"); err == nil {
		t.Error("missing folder: no error")
	}
}

func TestMultiWithFindLinks(t *testing.T) {
	dir := t.TempDir()
	fakes.WriteTree(t, dir, map[string]string{"numpy-99.0-cp312-cp312-linux_x86_64.whl": "x"})
	s := fakes.PyPI(t, "")
	c := testClient("")
	m := NewMulti(New(s.URL, c), NewFindLinks(dir, c))
	files, err := m.Files(context.Background(), "numpy")
	if err != nil {
		t.Fatal(err)
	}
	last := files[len(files)-1]
	if last.Filename != "numpy-99.0-cp312-cp312-linux_x86_64.whl" || last.Origin != dir {
		t.Errorf("last = %+v", last)
	}
	if _, err := m.Files(context.Background(), "accelerate"); err != nil {
		t.Errorf("project only on the index: %v", err)
	}
}

func TestFileIndexURL(t *testing.T) {
	mirror := shared.Dir(t, "mirror", "simple")
	ix := New(fileURL(mirror), testClient(""))
	files, err := ix.Files(context.Background(), "Accelerate")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 || !strings.HasPrefix(files[0].URL, "file:///") || !strings.HasSuffix(files[0].URL, "/files/accelerate-0.29.3-py3-none-any.whl") {
		t.Fatalf("files[0] = %+v", files[0])
	}
	m, err := ix.Metadata(context.Background(), files[0])
	if err != nil || m.Name != "accelerate" {
		t.Errorf("Metadata from a file index: %+v, %v", m, err)
	}
	_, err = ix.Files(context.Background(), "nope")
	if !errors.Is(err, index.ErrNotFound) {
		t.Errorf("err = %v, want not found", err)
	}
}
