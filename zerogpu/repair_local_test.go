package zerogpu

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPlanLocalLabel: torch==X+cuNNN becomes torch==X when PyPI's torch X
// is the cuNNN build, and the PyTorch index line goes when no line needs
// it any more.
func TestPlanLocalLabel(t *testing.T) {
	const cu128 = "--extra-index-url https://download.pytorch.org/whl/cu128"
	for _, tc := range []struct {
		name        string
		lines       []string
		options     []string
		strict      bool
		want        []string
		wantOptions []string
		problem     string
	}{
		{
			name:  "no index line serves the +cu128 build: PyPI's build is the one",
			lines: []string{"torch==2.8.0+cu128"},
			want:  []string{"torch==2.8.0"},
		},
		{
			name:    "056: PyPI's torch 2.8.0 is the cu128 build: labels and the index line go",
			lines:   []string{"torch==2.8.0+cu128", "torchaudio==2.8.0+cu128", "numpy"},
			options: []string{cu128},
			want:    []string{"numpy", "torch==2.8.0", "torchaudio==2.8.0"},
		},
		{
			name:        "a line still needs the index: xformers from it (PyPI's wheel lacks sm_120)",
			lines:       []string{"torch==2.10.0+cu128", "xformers"},
			options:     []string{"--extra-index-url https://download.pytorch.org/whl/cu130"},
			want:        []string{"torch==2.10.0", "xformers>=0.0.34"},
			wantOptions: []string{"--extra-index-url https://download.pytorch.org/whl/cu130"},
		},
		{
			name:        "another GPU build than PyPI's, served by its index: both stay",
			lines:       []string{"torch==2.8.0+cu129"},
			options:     []string{"--extra-index-url https://download.pytorch.org/whl/cu129"},
			want:        []string{"torch==2.8.0+cu129"},
			wantOptions: []string{"--extra-index-url https://download.pytorch.org/whl/cu129"},
		},
		{
			name:    "--strict: the label is a problem",
			lines:   []string{"torch==2.8.0+cu128"},
			options: []string{cu128},
			strict:  true,
			problem: "torch==2.8.0+cu128: the platform's check compares the version string",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &Input{Requirements: reqs(t, tc.lines...), Options: tc.options, PythonVersion: "3.12", PythonVersionOrigin: "README.md:4"}
			r := plan(t, in, Options{Strict: tc.strict})
			if !planWants(t, r, tc.problem, tc.want) {
				return
			}
			if diff := cmp.Diff(tc.wantOptions, r.Options); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}
