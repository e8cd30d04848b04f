package zerogpu

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/wheeltags"
)

// staticLister serves a fixed list of wheel filenames under a base URL.
type staticLister struct {
	base  string
	files []string
}

func (s staticLister) Files(_ context.Context, project string) ([]index.File, error) {
	var out []index.File
	for _, f := range s.files {
		w, err := wheeltags.ParseWheelFilename(f)
		if err != nil || w.Name != pep508.NormalizeName(project) {
			continue
		}
		out = append(out, index.File{Filename: f, URL: s.base + f, Origin: strings.TrimSuffix(s.base, "/")})
	}
	if len(out) == 0 {
		return nil, &index.NotFoundError{Project: project, Source: s.base}
	}
	return out, nil
}

// testFinder lists the official flash-attn and causal-conv1d release files
// named below for their GitHub sources, and nothing elsewhere.
func testFinder(c *catalog.Catalog) *SourceFinder {
	gh := map[string][]string{
		"github:Dao-AILab/flash-attention": {
			"flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
			"flash_attn-2.8.3+cu12torch2.8cxx11abiFALSE-cp312-cp312-linux_x86_64.whl",
			"flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp310-cp310-linux_x86_64.whl",
			"flash_attn-2.8.3+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
			"flash_attn-2.8.3+cu13torch2.10cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
			"flash_attn-2.7.3+cu12torch2.6cxx11abiFALSE-cp312-cp312-linux_x86_64.whl",
		},
		"github:Dao-AILab/causal-conv1d": {
			"causal_conv1d-1.6.1+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
		},
	}
	return &SourceFinder{Catalog: c, ListerFor: func(s catalog.Source) (index.Lister, bool) {
		files, ok := gh[s.String()]
		if !ok {
			return staticLister{base: "https://nowhere.test/"}, true
		}
		repo := strings.TrimPrefix(s.String(), "github:")
		return staticLister{base: "https://github.com/" + repo + "/releases/download/v/", files: files}, true
	}}
}

func reqs(t *testing.T, lines ...string) []Requirement {
	t.Helper()
	var out []Requirement
	for i, l := range lines {
		r, err := pep508.ParseRequirement(l)
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		out = append(out, Requirement{Req: r, Text: l, Origin: fmt.Sprintf("requirements.txt:%d", i+1)})
	}
	return out
}

// planWants checks a plan against a table row: with problem set, that the
// plan failed with it (and false: nothing more to check); else that it is
// OK and writes the lines want.
func planWants(t *testing.T, r *Report, problem string, want []string) bool {
	t.Helper()
	if problem != "" {
		if r.OK() || !strings.Contains(r.Error(), problem) {
			t.Fatalf("problems %q, want %q", r.Error(), problem)
		}
		return false
	}
	if !r.OK() {
		t.Fatal(r.Error())
	}
	if diff := cmp.Diff(want, lineTexts(r)); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	return true
}

func plan(t *testing.T, in *Input, opts Options) *Report {
	t.Helper()
	if opts.Catalog == nil {
		opts.Catalog = catalog.Default()
	}
	if opts.Finder == nil {
		opts.Finder = testFinder(opts.Catalog)
	}
	r, err := Plan(context.Background(), in, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func lineTexts(r *Report) []string {
	var out []string
	for _, l := range r.Lines {
		out = append(out, l.Text)
	}
	return out
}

const ghFA = "https://github.com/Dao-AILab/flash-attention/releases/download/v/"

// TestPlan drives Plan through one ordered table: the input lines, the
// README python_version and --torch, and the lines, problems and warnings
// expected.
func TestPlan(t *testing.T) {
	for _, tc := range []struct {
		name     string
		lines    []string
		python   string
		torch    string
		strict   bool
		want     []string // output lines
		problems []string // substrings, one per problem
		warnings []string // substrings
		torchIs  string
	}{
		{
			name:   "flash-attn sdist becomes the wheel for torch 2.8",
			lines:  []string{"torch==2.8.0", "flash-attn", "transformers>=4.45"},
			python: "3.12",
			want: []string{
				"flash-attn @ " + ghFA + "flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
				"torch==2.8.0", "transformers>=4.45",
			},
			torchIs: "2.8.0",
		},
		{
			// No wheel for torch 2.13 or 2.12 here; the cu13 wheel for torch
			// 2.10 loads on 2.12 (same extension ABI, catalog extension_abi)
			// and 2.12's PyPI build is CUDA 13.0; it does not fit torch
			// 2.10's own PyPI build, which is CUDA 12.8.
			name:    "unpinned torch: the highest allowed that a wheel fits",
			lines:   []string{"torch", "flash-attn"},
			python:  "3.12",
			want:    []string{"flash-attn @ " + ghFA + "flash_attn-2.8.3+cu13torch2.10cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", "torch==2.12.1"},
			torchIs: "2.12.1",
		},
		{
			name:    "the user's own wheel fits: kept, torch follows it",
			lines:   []string{"flash-attn @ " + ghFA + "flash_attn-2.8.3+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", "torch"},
			python:  "3.12",
			want:    []string{"flash-attn @ " + ghFA + "flash_attn-2.8.3+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", "torch==2.9.1"},
			torchIs: "2.9.1",
		},
		{
			name:    "wrong ABI for torch 2.8: replaced",
			lines:   []string{"torch==2.8.0", "flash-attn @ " + ghFA + "flash_attn-2.8.3+cu12torch2.8cxx11abiFALSE-cp312-cp312-linux_x86_64.whl"},
			python:  "3.12",
			want:    []string{"flash-attn @ " + ghFA + "flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", "torch==2.8.0"},
			torchIs: "2.8.0",
		},
		{
			name:   "a cp310 wheel of a known CUDA package on a 3.12 Space is swapped for the same version's cp312 wheel",
			lines:  []string{"torch==2.8.0", "flash-attn @ " + ghFA + "flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp310-cp310-linux_x86_64.whl"},
			python: "3.12",
			want:   []string{"flash-attn @ " + ghFA + "flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", "torch==2.8.0"},
		},
		{
			name:     "--strict: the cp310 wheel is a problem, not swapped",
			lines:    []string{"torch==2.8.0", "flash-attn @ " + ghFA + "flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp310-cp310-linux_x86_64.whl"},
			python:   "3.12",
			strict:   true,
			problems: []string{"flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp310-cp310-linux_x86_64.whl does not fit: built for cp310, the Space runs cp312"},
		},
		{
			name:   "a pre-cxx11 wheel is swapped for the same version's cxx11 wheel, not the newest",
			lines:  []string{"torch==2.8.0", "flash-attn @ " + ghFA + "flash_attn-2.8.3+cu12torch2.8cxx11abiFALSE-cp312-cp312-linux_x86_64.whl"},
			python: "3.12",
			want:   []string{"flash-attn @ " + ghFA + "flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", "torch==2.8.0"},
		},
		{
			name:     "wheels of unknown packages built for another Python: one problem for the cause",
			lines:    []string{"torch==2.8.0", "cumesh @ https://x.test/cumesh-0.0.1+torch2.8.0.cu128-cp310-cp310-linux_x86_64.whl", "o_voxel @ https://x.test/o_voxel-0.0.1+torch2.8.0.cu128-cp310-cp310-linux_x86_64.whl"},
			python:   "3.12",
			problems: []string{"2 wheels (cumesh, o-voxel) are built for Python 3.10, but the Space runs Python 3.12\n    fix: set `python_version: \"3.10\"` in README.md"},
		},
		{
			name:   "torch moved: its own pins for the old torch go (nvidia-*, sympy); other pins stay",
			lines:  []string{"torch==2.4.0", "nvidia-cublas-cu12==12.1.3.1", "sympy==1.13.1", "nvidia-ml-py==12.560.30", "numpy==1.26.4"},
			python: "3.12",
			want:   []string{"numpy==1.26.4", "nvidia-ml-py==12.560.30", "torch==2.8.0"},
		},
		{
			name:   "torch kept: its pins stay",
			lines:  []string{"torch==2.8.0", "nvidia-cublas-cu12==12.8.4.1", "sympy==1.14.0"},
			python: "3.12",
			want:   []string{"nvidia-cublas-cu12==12.8.4.1", "sympy==1.14.0", "torch==2.8.0"},
		},
		{
			name:     "--strict: a torch pin outside the allow-list is a problem",
			lines:    []string{"torch==2.4.0"},
			python:   "3.12",
			strict:   true,
			problems: []string{"torch==2.4.0 is not allowed on ZeroGPU (allowed: 2.8.0, 2.9.1, 2.10.0, 2.11.0, 2.12.1, 2.13.0)\n    fix: pin torch==2.8.0"},
		},
		{
			name:     "torch outside the allow-list moves to the nearest allowed version",
			lines:    []string{"torch==2.4.0", "torchaudio==2.4.0"},
			python:   "3.12",
			want:     []string{"torch==2.8.0", "torchaudio==2.8.0"},
			torchIs:  "2.8.0",
			warnings: []string{"torch==2.4.0 is not allowed on ZeroGPU: moved to torch==2.8.0 (torch 2.4 to 2.8"},
		},
		{
			name:    "--torch rewrites the pin",
			lines:   []string{"torch==2.6.0", "causal-conv1d", "torchaudio==2.6.0"},
			python:  "3.12",
			torch:   "2.9.1",
			want:    []string{"causal-conv1d @ https://github.com/Dao-AILab/causal-conv1d/releases/download/v/causal_conv1d-1.6.1+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", "torch==2.9.1", "torchaudio==2.9.1"},
			torchIs: "2.9.1",
		},
		{
			name:     "--torch not on the allow-list",
			lines:    []string{"torch"},
			python:   "3.12",
			torch:    "2.7.1",
			problems: []string{"torch 2.7.1 is not allowed on ZeroGPU"},
		},
		{
			name:    "side-cars follow torch",
			lines:   []string{"torch==2.9.1", "torchvision==0.21.0", "torchaudio", "triton>=3.0", "numpy<2"},
			python:  "3.12",
			want:    []string{"numpy<2", "torch==2.9.1", "torchaudio==2.9.1", "torchvision==0.24.1", "triton==3.5.1"},
			torchIs: "2.9.1",
		},
		{
			name:    "an explicit side-car pin picks the torch it was built for",
			lines:   []string{"torch", "torchvision==0.25.0"},
			python:  "3.12",
			want:    []string{"torch==2.10.0", "torchvision==0.25.0"},
			torchIs: "2.10.0",
		},
		{
			name:     "a package absent from PyPI needs a wheel",
			lines:    []string{"torch==2.8.0", "nvdiffrast"},
			python:   "3.12",
			problems: []string{"no prebuilt nvdiffrast wheel fits"},
		},
		{
			name:     "a lock resolved for another Python",
			lines:    []string{"numpy"},
			python:   "3.10",
			problems: []string{"the lock was resolved for Python >=3.14, but the Space runs 3.10.13"},
		},
		{
			name:   "spaces and gradio are not written",
			lines:  []string{"spaces==0.40.1", "gradio==5.49.1", "psutil==5.9.8"},
			python: "3.12",
			want:   []string{"psutil==5.9.8"},
		},
		{
			name:     "no python_version: the default, with a warning",
			lines:    []string{"numpy"},
			want:     []string{"numpy"},
			warnings: []string{"README.md has no python_version"},
		},
		{
			name:     "python_version the platform does not run",
			lines:    []string{"numpy"},
			python:   "3.11",
			problems: []string{`python_version "3.11" is not available on ZeroGPU`},
		},
		{
			name:   "a marker that does not hold: left out, not a CUDA package to fix",
			lines:  []string{"flash-attn; sys_platform == 'win32'", "torch==2.8.0"},
			python: "3.12",
			want:   []string{"torch==2.8.0"},
		},
		{
			name:   "no torch line outside the allow-list survives under a false marker",
			lines:  []string{"torch>=2.9.0; python_version >= '3.14'", "torch==2.0.1; sys_platform == 'darwin'", "torch==2.8.0; sys_platform == 'linux'"},
			python: "3.12",
			want:   []string{"torch==2.8.0; sys_platform == 'linux'"},
		},
		{
			name:     "--strict: a line whose marker is false is a problem",
			lines:    []string{"torch==2.8.0", "triton-windows; sys_platform == 'win32'"},
			python:   "3.12",
			strict:   true,
			problems: []string{"triton-windows; sys_platform == 'win32' never applies on ZeroGPU: its marker is false on ZeroGPU (Linux x86_64, Python 3.12)"},
		},
		{
			name:     "PyPI apex is another project",
			lines:    []string{"apex"},
			python:   "3.12",
			problems: []string{"unrelated 2013 Pyramid toolkit"},
		},
		{
			// No version has a wheel for torch 2.13 (a version that fits
			// another torch would be a move: TestPinMove).
			name:     "no wheel fits: nearest listed",
			lines:    []string{"torch==2.13.0", "flash-attn==2.7.3"},
			python:   "3.12",
			problems: []string{"no prebuilt flash-attn wheel fits cp312, torch 2.13"},
		},
		{
			name:     "a JIT package gets a warning",
			lines:    []string{"nvdiffrast @ git+https://github.com/NVlabs/nvdiffrast"},
			python:   "3.12",
			want:     []string{"nvdiffrast @ git+https://github.com/NVlabs/nvdiffrast"},
			warnings: []string{"compiles CUDA code when first used"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &Input{Requirements: reqs(t, tc.lines...), PythonVersion: tc.python, SDKVersion: "5.49.1"}
			if strings.HasPrefix(tc.name, "a lock resolved") {
				in.RequiresPython, in.Locked = ">=3.14", true
			}
			if tc.python != "" {
				in.PythonVersionOrigin = "README.md:4"
			}
			r := plan(t, in, Options{Torch: tc.torch, Strict: tc.strict})
			if len(tc.problems) != len(r.Problems) {
				t.Fatalf("problems = %d, want %d:\n%s", len(r.Problems), len(tc.problems), r.Error())
			}
			for i, p := range tc.problems {
				if !strings.Contains(r.Problems[i].String(), p) {
					t.Errorf("problem %d = %q, want it to contain %q", i, r.Problems[i], p)
				}
			}
			if len(tc.problems) > 0 {
				return
			}
			var got []string
			for _, l := range lineTexts(r) {
				got = append(got, normalizeSpace(l))
			}
			var want []string
			for _, l := range tc.want {
				want = append(want, normalizeSpace(l))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			for _, w := range tc.warnings {
				if !strings.Contains(strings.Join(r.Warnings, "\n"), w) {
					t.Errorf("warnings %q lack %q", r.Warnings, w)
				}
			}
			if tc.torchIs != "" && r.Target.Torch != tc.torchIs {
				t.Errorf("torch = %s, want %s", r.Target.Torch, tc.torchIs)
			}
		})
	}
}

func normalizeSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestPlanExplainsChanges checks that every changed line has a reason and a
// Change entry, and that removed lines are recorded.
func TestPlanExplainsChanges(t *testing.T) {
	in := &Input{Requirements: reqs(t, "torch", "flash-attn", "spaces", "torchvision==0.21.0"), PythonVersion: "3.12", PythonVersionOrigin: "README.md:4"}
	r := plan(t, in, Options{})
	if !r.OK() {
		t.Fatal(r.Error())
	}
	changed := map[string]bool{}
	for _, c := range r.Changes {
		changed[c.Name] = true
		if c.Reason == "" {
			t.Errorf("change %s has no reason", c.Name)
		}
	}
	for _, n := range []string{"torch", "flash-attn", "spaces", "torchvision"} {
		if !changed[n] {
			t.Errorf("no change recorded for %s: %+v", n, r.Changes)
		}
	}
	for _, l := range r.Lines {
		if l.Reason == "" && l.Name != "" && changed[l.Name] {
			t.Errorf("line %q changed without a reason", l.Text)
		}
	}
	out, err := r.Render(RenderOptions{Command: "zgpu deps resolve"})
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(out)) {
		if strings.HasPrefix(line, "spaces") {
			t.Errorf("spaces written:\n%s", out)
		}
	}
	if !strings.Contains(string(out), "# zgpu: removed spaces (requirements.txt:") {
		t.Errorf("spaces left out without a note:\n%s", out)
	}
	if n := strings.Count(string(out), "  # zgpu:"); n != 3 {
		t.Errorf("%d '# zgpu:' comments, want 3 (torch, flash-attn, torchvision):\n%s", n, out)
	}
}

// TestPlanOfflineSnapshot resolves with no source at all: the catalog's
// snapshot of known wheels still gives a flash-attn wheel.
func TestPlanOfflineSnapshot(t *testing.T) {
	c := catalog.Default()
	in := &Input{Requirements: reqs(t, "torch==2.8.0", "flash-attn"), PythonVersion: "3.12", PythonVersionOrigin: "README.md:4"}
	r := plan(t, in, Options{Catalog: c, Finder: &SourceFinder{Catalog: c}})
	if !r.OK() {
		t.Fatal(r.Error())
	}
	var fa Line
	for _, l := range r.Lines {
		if l.Name == "flash-attn" {
			fa = l
		}
	}
	if !strings.Contains(fa.Text, "cp312") || !strings.Contains(fa.Reason, "catalog snapshot") {
		t.Errorf("flash-attn line = %+v", fa)
	}
}
