package zerogpu

import (
	"context"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/pep440"
)

// flashFinder finds flash-attn only in these Dao-AILab release files.
func flashFinder(c *catalog.Catalog, files ...string) *SourceFinder {
	return &SourceFinder{Catalog: c, ListerFor: func(s catalog.Source) (index.Lister, bool) {
		if s.String() != "github:Dao-AILab/flash-attention" {
			return staticLister{base: "https://nowhere.test/"}, true
		}
		return staticLister{base: "https://github.com/Dao-AILab/flash-attention/releases/download/v/", files: files}, true
	}}
}

// TestPinMove: a CUDA package pinned to a version no allowed torch has a
// wheel for moves to the nearest version that has one, with a note, a
// warning and a repair (--strict: a problem naming the pin); a pin some
// allowed torch fits is kept (the move is the last resort); a package with
// no wheel at any version is one problem that says so.
func TestPinMove(t *testing.T) {
	c := catalog.Default()
	files := []string{
		"flash_attn-2.8.0.post2+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
		"flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
		"flash_attn-2.8.1+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
		"flash_attn-2.8.3+cu13torch2.10cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
	}
	for _, tc := range []struct {
		name    string
		lines   []string
		strict  bool
		line    string // a line of the output, by its prefix
		warning string
		problem string // the one problem; "" for none
		fix     string
	}{
		{name: "moves up to the nearest", lines: []string{"torch==2.8.0", "flash-attn==2.5.7"},
			line:    "flash-attn @ https://github.com/Dao-AILab/flash-attention/releases/download/v/flash_attn-2.8.0.post2+cu12torch2.8",
			warning: "flash-attn==2.5.7 has no prebuilt wheel for torch 2.8 (cp312, sm120): moved to flash-attn 2.8.0.post2, the nearest version with one"},
		{name: "moves down from above them all", lines: []string{"torch==2.8.0", "flash-attn==2.9.9"},
			line: "flash-attn @ https://github.com/Dao-AILab/flash-attention/releases/download/v/flash_attn-2.8.3+cu12torch2.8"},
		{name: "strict refuses, naming the pin", lines: []string{"torch==2.8.0", "flash-attn==2.5.7"}, strict: true,
			problem: "flash-attn==2.5.7 has no prebuilt wheel for torch 2.8 on ZeroGPU",
			fix:     "pin flash-attn==2.8.0.post2, the nearest version with a wheel that fits (flash_attn-2.8.0.post2+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl)"},
		// The highest allowed torch that 2.8.1 fits is 2.9.1; moving the
		// pin would have fit 2.10.0.
		{name: "a pin another torch fits is kept", lines: []string{"torch>=2.8", "flash-attn==2.8.1"},
			line: "flash-attn @ https://github.com/Dao-AILab/flash-attention/releases/download/v/flash_attn-2.8.1+cu12torch2.9"},
		{name: "no version fits: one problem", lines: []string{"torch==2.13.0", "flash-attn==2.5.7"},
			problem: "no prebuilt flash-attn wheel fits cp312, torch 2.13, CUDA 13, C++11 ABI TRUE, sm120 at any version: none of the sources zgpu searched has one",
			fix:     "see every flash-attn wheel found and why it does not fit: zgpu wheel find flash-attn --python 3.12 --torch 2.13.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &Input{Requirements: reqs(t, tc.lines...), PythonVersion: "3.12", PythonVersionOrigin: "README.md:4", SDKVersion: "5.49.1"}
			r := plan(t, in, Options{Catalog: c, Finder: flashFinder(c, files...), Strict: tc.strict})
			if tc.problem != "" {
				if len(r.Problems) != 1 || !strings.Contains(r.Problems[0].Message, tc.problem) {
					t.Fatalf("problems %v, want one with %q", r.Problems, tc.problem)
				}
				if !strings.Contains(strings.Join(r.Problems[0].Fixes, "\n"), tc.fix) {
					t.Errorf("fixes %q, want %q", r.Problems[0].Fixes, tc.fix)
				}
				return
			}
			if !r.OK() {
				t.Fatalf("problems %v", r.Problems)
			}
			found := false
			for _, l := range r.Lines {
				found = found || strings.HasPrefix(l.Text, tc.line)
			}
			if !found {
				t.Errorf("lines %v, want one starting %q", lineTexts(r), tc.line)
			}
			if tc.warning != "" && !strings.Contains(strings.Join(r.Warnings, "\n"), tc.warning) {
				t.Errorf("warnings %q, want %q", r.Warnings, tc.warning)
			}
		})
	}
}

// TestNearestVersion: the lowest version at or above the pin, else the
// highest below it; only wheels that fit (Outside) count.
func TestNearestVersion(t *testing.T) {
	misses := []WheelMiss{{Outside: "2.8.3+cu12torch2.8cxx11abiTRUE"}, {Outside: "2.6.3"}, {Filename: "x.whl"}, {Outside: "2.7.4.post1"}}
	for spec, want := range map[string]string{"==2.5.7": "2.6.3", "==2.7.0": "2.7.4.post1", "==2.9.0": "2.8.3", ">=2.7,<2.7.2": "2.7.4.post1", "<2.0": "2.6.3"} {
		s, err := pep440.ParseSpecifiers(spec)
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := nearestVersion(s, misses); !ok || v.String() != want {
			t.Errorf("nearestVersion(%s) = %v %v, want %s", spec, v, ok, want)
		}
	}
	if _, ok := nearestVersion(nil, misses); ok {
		t.Error("nearestVersion of no pin: want none (nothing to move)")
	}
	_ = context.Background
}
