package zerogpu

import (
	"context"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/catalog"
)

// TestTorchaudioWarnings: torchaudio 2.9 and later needs torchcodec and
// FFmpeg (packages.txt) for load and save: one warning, with each fix.
func TestTorchaudioWarnings(t *testing.T) {
	tests := []struct {
		name     string
		lines    []string
		packages []string
		want     []string // substrings of the one warning; nil: no torchaudio warning
	}{
		{"torchaudio 2.11 alone", []string{"torch==2.13.0", "torchaudio"}, nil,
			[]string{"add torchcodec>=0.12 (the releases built for torch 2.13.0)", "add ffmpeg to packages.txt"}},
		{"with torchcodec, no ffmpeg", []string{"torch==2.13.0", "torchaudio", "torchcodec"}, []string{"git"},
			[]string{"add ffmpeg to packages.txt"}},
		{"with both", []string{"torch==2.12.1", "torchaudio==2.11.0", "torchcodec"}, []string{"ffmpeg"}, nil},
		{"torchaudio 2.8 needs neither", []string{"torch==2.8.0", "torchaudio==2.8.0"}, nil, nil},
		{"no torchaudio", []string{"torch==2.13.0"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &Input{Requirements: reqs(t, tt.lines...), PythonVersion: "3.12", SDKVersion: "5.49.1", SystemPackages: tt.packages}
			r, err := Plan(context.Background(), in, Options{Catalog: catalog.Default()})
			if err != nil || !r.OK() {
				t.Fatalf("Plan: %v %v", err, r.Problems)
			}
			var got []string
			for _, w := range r.Warnings {
				if strings.Contains(w, "torchaudio 2.9 and later") {
					got = append(got, w)
				}
			}
			if len(tt.want) == 0 {
				if len(got) != 0 {
					t.Fatalf("warnings %q, want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("warnings %q, want one", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got[0], w) {
					t.Errorf("warning %q, want %q in it", got[0], w)
				}
			}
			if strings.Contains(got[0], "torchcodec>=") != (len(tt.want) == 2) {
				t.Errorf("warning %q: asks for torchcodec, want only %q", got[0], tt.want)
			}
		})
	}
}
