package uvindex

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/index"
)

// fake lists the files it holds by project; fail makes every call fail.
type fake struct {
	url   string
	files map[string][]string // project -> file names
	fail  bool
}

func (f *fake) Files(_ context.Context, project string) ([]index.File, error) {
	if f.fail {
		return nil, errors.New(f.url + ": 503 Service Unavailable")
	}
	names, ok := f.files[project]
	if !ok {
		return nil, &index.NotFoundError{Project: project, Source: f.url}
	}
	var out []index.File
	for _, n := range names {
		out = append(out, index.File{Filename: n, URL: f.url + n, Origin: f.url + project + "/"})
	}
	return out, nil
}

func (f *fake) Metadata(_ context.Context, file index.File) (index.Metadata, error) {
	return index.Metadata{Name: f.url}, nil
}

func TestFiles(t *testing.T) {
	torchIdx := &fake{url: "https://download.pytorch.org/whl/cu128/", files: map[string][]string{
		"torch": {"torch-2.8.0+cu128-cp312-cp312-manylinux_2_28_x86_64.whl"},
	}}
	private := &fake{url: "https://private.example/simple/", files: map[string][]string{
		"acme":     {"acme-1.0-py3-none-any.whl"},
		"requests": {"requests-0.0.1-py3-none-any.whl"}, // a squatted name
	}}
	pypi := &fake{url: "https://pypi.org/simple/", files: map[string][]string{
		"torch":    {"torch-2.9.0-cp312-cp312-manylinux_2_28_x86_64.whl"},
		"requests": {"requests-2.32.5-py3-none-any.whl"},
		"numpy":    {"numpy-2.2.6-cp312-cp312-manylinux_2_28_x86_64.whl"},
	}}
	links := &fake{url: "file:///wheels/", files: map[string][]string{
		"numpy": {"numpy-2.3.0-cp312-cp312-linux_x86_64.whl"},
	}}
	down := &fake{url: "https://down.example/simple/", fail: true}
	l := &Lister{
		Indexes: []Index{
			{Name: "pytorch", URL: torchIdx.url, Lister: torchIdx},
			{Name: "private", URL: private.url, Explicit: true, Lister: private},
			{Name: "pypi", URL: pypi.url, Lister: pypi},
		},
		Pins:      map[string]string{"acme": "private", "ghost": "nowhere"},
		FindLinks: []index.Lister{links},
	}
	tests := []struct {
		project string
		want    string // file names joined with " ", or the error
	}{
		// The first index that has torch serves it, though PyPI has a newer one.
		{"torch", "torch-2.8.0+cu128-cp312-cp312-manylinux_2_28_x86_64.whl"},
		// An explicit index serves only what is pinned to it...
		{"acme", "acme-1.0-py3-none-any.whl"},
		// ...never a name it also has.
		{"requests", "requests-2.32.5-py3-none-any.whl"},
		// find-links files join whatever index serves the package.
		{"numpy", "numpy-2.2.6-cp312-cp312-manylinux_2_28_x86_64.whl numpy-2.3.0-cp312-cp312-linux_x86_64.whl"},
		{"missing", `project "missing" not found on https://download.pytorch.org/whl/cu128/, https://pypi.org/simple/`},
		{"ghost", `ghost: [tool.uv.sources] sends it to the index "nowhere", which no [[tool.uv.index]] defines`},
	}
	for _, tt := range tests {
		files, err := l.Files(context.Background(), tt.project)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			var names []string
			for _, f := range files {
				names = append(names, f.Filename)
			}
			got = strings.Join(names, " ")
		}
		if got != tt.want {
			t.Errorf("Files(%s) = %q, want %q", tt.project, got, tt.want)
		}
	}
	// Metadata goes to the source that listed the file.
	files, _ := l.Files(context.Background(), "acme")
	if m, err := l.Metadata(context.Background(), files[0]); err != nil || m.Name != private.url {
		t.Errorf("Metadata(acme) from %q, %v; want the private index", m.Name, err)
	}

	// A failing index fails the call when it comes first, not when an
	// index before it serves the package.
	l2 := &Lister{Indexes: []Index{{URL: down.url, Lister: down}, {URL: pypi.url, Lister: pypi}}}
	if _, err := l2.Files(context.Background(), "numpy"); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("first index down: %v, want its error", err)
	}
	l3 := &Lister{Indexes: []Index{{URL: pypi.url, Lister: pypi}, {URL: down.url, Lister: down}}}
	if _, err := l3.Files(context.Background(), "numpy"); err != nil {
		t.Errorf("second index down: %v, want PyPI's files", err)
	}
}
