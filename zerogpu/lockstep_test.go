package zerogpu

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/index"
)

// memIndex is a tiny in-memory index: one manylinux wheel per release.
type memIndex struct {
	files map[string][]index.File
	meta  map[string]index.Metadata
}

func (m *memIndex) add(name, version string, deps ...string) {
	if m.files == nil {
		m.files, m.meta = map[string][]index.File{}, map[string]index.Metadata{}
	}
	fn := fmt.Sprintf("%s-%s-py3-none-manylinux_2_28_x86_64.whl", strings.ReplaceAll(name, "-", "_"), version)
	u := "https://files.test/" + fn
	m.files[name] = append(m.files[name], index.File{Filename: fn, URL: u})
	m.meta[u] = index.Metadata{Name: name, Version: version, RequiresDist: deps}
}

func (m *memIndex) Files(_ context.Context, project string) ([]index.File, error) {
	if fs, ok := m.files[project]; ok {
		return fs, nil
	}
	return nil, &index.NotFoundError{Project: project, Source: "mem"}
}

func (m *memIndex) Metadata(_ context.Context, f index.File) (index.Metadata, error) {
	return m.meta[f.URL], nil
}

// sidecarIndex has the side-cars of torch 2.10 and 2.11 as PyPI has them:
// torchaudio 2.11.0 no longer pins torch, torchcodec never did.
func sidecarIndex() *memIndex {
	m := &memIndex{}
	m.add("torch", "2.10.0")
	m.add("torch", "2.11.0")
	m.add("torchaudio", "2.10.0", "torch==2.10.0")
	m.add("torchaudio", "2.11.0")
	m.add("torchcodec", "0.10.0")
	m.add("torchcodec", "0.11.1")
	m.add("silero-vad", "5.1.2", "torch", "torchaudio")
	m.add("gradio", "6.19.0", "huggingface-hub>=0.30")
	m.add("huggingface-hub", "0.36.0")
	m.add("spaces", "0.51.1", "gradio")
	return m
}

// TestLockSidecars: whatever pulls a side-car in, the lock takes the
// release built for the plan's torch; huggingface-hub, which the platform
// installs, is written only when the user lists it.
func TestLockSidecars(t *testing.T) {
	c := catalog.Default()
	for _, tc := range []struct {
		name  string
		lines []string
		want  []string
		left  []string // Report.Preinstalled
	}{
		{
			name:  "torch 2.10: torchaudio from a dependency, torchcodec bare",
			lines: []string{"torch==2.10.0", "silero-vad", "torchcodec"},
			want:  []string{"silero-vad==5.1.2", "torch==2.10.0", "torchaudio==2.10.0", "torchcodec==0.10.0"},
			left:  []string{"huggingface-hub"},
		},
		{
			name:  "torch 2.11: the newest side-cars are the ones built for it",
			lines: []string{"torch==2.11.0", "silero-vad", "torchcodec"},
			want:  []string{"silero-vad==5.1.2", "torch==2.11.0", "torchaudio==2.11.0", "torchcodec==0.11.1"},
			left:  []string{"huggingface-hub"},
		},
		{
			name:  "huggingface-hub listed by the user is written",
			lines: []string{"torch==2.11.0", "huggingface-hub"},
			want:  []string{"huggingface-hub==0.36.0", "torch==2.11.0"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &Input{Requirements: reqs(t, tc.lines...), PythonVersion: "3.12", SDKVersion: "6.19.0"}
			r, err := Plan(context.Background(), in, Options{Catalog: c})
			if err != nil || !r.OK() {
				t.Fatalf("Plan: %v %v", err, r.Problems)
			}
			m := sidecarIndex()
			if err := r.Lock(context.Background(), c, in, LockOptions{Lister: m, Meta: m}); err != nil {
				t.Fatal(err)
			}
			if !r.OK() {
				t.Fatalf("Lock: %v", r.Problems)
			}
			var got []string
			for _, l := range r.Lines {
				got = append(got, l.Text)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.left, r.Preinstalled); diff != "" {
				t.Errorf("preinstalled left out (-want +got):\n%s", diff)
			}
		})
	}
}

// Without the pairing the lock would take torchaudio 2.11.0 for torch
// 2.10; with no torchaudio 2.10.0 on the index it must fail and say which
// torch would work.
func TestLockSidecarMissing(t *testing.T) {
	c := catalog.Default()
	in := &Input{Requirements: reqs(t, "torch==2.10.0", "silero-vad"), PythonVersion: "3.12", SDKVersion: "6.19.0"}
	r, err := Plan(context.Background(), in, Options{Catalog: c})
	if err != nil || !r.OK() {
		t.Fatalf("Plan: %v %v", err, r.Problems)
	}
	m := sidecarIndex()
	m.files["torchaudio"] = m.files["torchaudio"][1:] // only 2.11.0
	if err := r.Lock(context.Background(), c, in, LockOptions{Lister: m, Meta: m}); err != nil {
		t.Fatal(err)
	}
	if r.OK() {
		t.Fatalf("Lock succeeded: %v", r.Lines)
	}
	got := r.Problems[0].Fixes[0]
	want := "the index has no torchaudio built for torch 2.10.0 (torchaudio==2.10.0; it has 2.11.0): pin torch==2.11.0, whose torchaudio it has (or `zgpu deps resolve --torch 2.11.0`)"
	if got != want {
		t.Errorf("first fix:\n got %s\nwant %s", got, want)
	}
}

func TestMentionsPackage(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"root depends on torchaudio==2.8.0", true},
		{"torchaudio", true},
		{"torchaudio-extra 1.0", false},
		{"my_torchaudio", false},
		{"(torchaudio)", true},
	} {
		if got := mentionsPackage(tc.text, "torchaudio"); got != tc.want {
			t.Errorf("mentionsPackage(%q) = %v", tc.text, got)
		}
	}
}

// An override that loosens a dependency's requirement cannot hold on the
// Space (pip builds it); the error says so instead of only "remove".
func TestLockOverrideLoosening(t *testing.T) {
	c := catalog.Default()
	ov := reqs(t, "numpy>=2")[0]
	ov.Origin = "pyproject.toml:9"
	in := &Input{Requirements: reqs(t, "old"), Constraints: []Requirement{ov}, Overrides: []Requirement{ov}, PythonVersion: "3.12", SDKVersion: "6.19.0"}
	r, err := Plan(context.Background(), in, Options{Catalog: c})
	if err != nil || !r.OK() {
		t.Fatalf("Plan: %v %v", err, r.Problems)
	}
	m := sidecarIndex()
	m.add("old", "1.0", "numpy<2")
	m.add("numpy", "1.26.4")
	m.add("numpy", "2.1.0")
	if err := r.Lock(context.Background(), c, in, LockOptions{Lister: m, Meta: m}); err != nil {
		t.Fatal(err)
	}
	if r.OK() {
		t.Fatalf("Lock succeeded: %v", r.Lines)
	}
	fixes := strings.Join(r.Problems[0].Fixes, "\n")
	if !strings.Contains(fixes, "numpy>=2 (pyproject.toml:9) is a [tool.uv] override-dependencies entry") {
		t.Errorf("fixes do not explain the override:\n%s\nmessage: %s", fixes, r.Problems[0].Message)
	}
}
