package zerogpu

import (
	"context"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/catalog"
)

// TestTorchaudioWarnings: torchaudio 2.9 and later needs torchcodec and
// FFmpeg (packages.txt) for load and save.
func TestTorchaudioWarnings(t *testing.T) {
	tests := []struct {
		name     string
		lines    []string
		packages []string
		want     []string // substrings, one warning each; nil: no torchaudio warning
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
			if len(got) != len(tt.want) {
				t.Fatalf("warnings %q, want %d", got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("warning %q, want %q", got[i], w)
				}
			}
		})
	}
}
