package zerogpu

import (
	"strings"
	"testing"
)

// TestPlanGradio: an sdk_version below 4 is a problem (the README's fix);
// a gradio-client pin goes with a note, gradio pins its own.
func TestPlanGradio(t *testing.T) {
	for _, tc := range []struct {
		name, sdk string
		lines     []string
		want      []string
		problem   string
	}{
		{name: "sdk_version 3.x", sdk: "3.50.2", lines: []string{"numpy"},
			problem: "sdk_version 3.50.2 is below 4: ZeroGPU runs Gradio 4 or later"},
		{name: "a gradio-client pin goes", sdk: "5.49.1", lines: []string{"gradio_client==0.2.7", "gradio==3.50.2", "numpy"},
			want: []string{"numpy"}},
		{name: "a bare gradio-client stays", sdk: "5.49.1", lines: []string{"gradio-client", "numpy"},
			want: []string{"gradio-client", "numpy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &Input{Requirements: reqs(t, tc.lines...), PythonVersion: "3.12", PythonVersionOrigin: "README.md:4", SDK: "gradio", SDKVersion: tc.sdk}
			r := plan(t, in, Options{})
			if !planWants(t, r, tc.problem, tc.want) {
				return
			}
		})
	}
}

// TestShortNote: a note is cut at a clause, never inside a parenthesis, and
// cutting it again changes nothing (a file read back needs no change).
func TestShortNote(t *testing.T) {
	long := "the Gradio 4.44.1 SDK the platform installs needs jinja2<3.2: gradio 4.x imports HfFolder, which huggingface_hub 1.0 removed (huggingface-hub<1.0 keeps it; the platform's guidance names 0.25.0, one such release)"
	for _, tc := range []struct{ in, want string }{
		{"short", "short"},
		{long, "the Gradio 4.44.1 SDK the platform installs needs jinja2<3.2"},
		{"prebuilt wheel for cp310, CUDA 13.0, torch 2.12 (dataset cell pt212; the dataset is torch-minor tolerant: runs on torch 2.11), from hf.co/datasets/x (more)",
			"prebuilt wheel for cp310, CUDA 13.0, torch 2.12"},
		{strings.Repeat("word ", 40), strings.TrimSpace(strings.Repeat("word ", 19)) + "..."},
	} {
		got := shortNote(tc.in)
		if got != tc.want {
			t.Errorf("shortNote(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if again := shortNote(got); again != got {
			t.Errorf("shortNote(%q) = %q: not stable", got, again)
		}
	}
}
