package target

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/wheeltags"
)

const fa2Why = "sm_120 kernels are compiled only with nvcc >= 12.8; v2.8.0.post2+ release wheels are built with CUDA 12.9"

// noKernels is the Python 3.12 target of a copy of c without gpu_kernels.
func noKernels(c *catalog.Catalog) Target {
	d := *c
	d.GPUKernels = catalog.GPUKernels{}
	return For(&d, "3.12.12").WithTorch(&d, pep440.MustParse("2.8.0"))
}

func TestFits(t *testing.T) {
	c := catalog.Default()
	t312 := For(c, "3.12.12").WithTorch(c, pep440.MustParse("2.8.0"))
	tests := []struct {
		name  string
		t     Target
		wheel string
		want  []Mismatch
	}{
		{"fits", t312, "flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", nil},
		{"pure python", t312, "six-1.16.0-py2.py3-none-any.whl", nil},
		{"every reason", t312, "flash_attn-2.7.3+cu11torch2.6cxx11abiFALSE-cp310-cp310-linux_x86_64.whl", []Mismatch{
			{KindTags, "cp310-cp310 is for Python 3.10, target is 3.12"},
			{KindBuild, "built for torch 2.6, target has torch 2.8"},
			{KindBuild, "built for CUDA 11, target has CUDA 12"},
			{KindBuild, "built with the pre-cxx11 C++ ABI, target torch uses the cxx11 ABI"},
			{KindBuild, "flash-attn 2.7.3 has no sm120 kernels (" + fa2Why + ")"},
		}},
		{"old official flash-attn on Blackwell", t312, "flash_attn-2.7.4.post1+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", []Mismatch{
			{KindBuild, "flash-attn 2.7.4.post1 has no sm120 kernels (" + fa2Why + ")"},
		}},
		// A label that states its CUDA is judged by the CUDA, not the release.
		{"old flash-attn built with CUDA 13", For(c, "3.12.12").WithTorch(c, pep440.MustParse("2.12.1")), "flash_attn-2.7.4+cu130torch2.12-cp312-cp312-linux_x86_64.whl", nil},
		{"cu126 build", For(c, "3.12.12").WithTorch(c, pep440.MustParse("2.12.1")), "flash_attn-2.8.3+cu126torch2.12-cp312-cp312-linux_x86_64.whl", []Mismatch{
			{KindBuild, "built for CUDA 12.6, target has CUDA 13"},
			{KindBuild, "built with CUDA 12.6, which cannot compile for sm120 (CUDA 12.8 or newer can)"},
		}},
		// Without the catalog's gpu_kernels row the CUDA rule is not applied.
		{"no gpu_kernels row", noKernels(c), "torch_scatter-2.1.2+pt28cu126-cp312-cp312-linux_x86_64.whl", nil},
		{"FlashAttention 3", t312, "flash_attn_3-3.0.0+cu128torch2.8-cp39-abi3-linux_x86_64.whl", []Mismatch{
			{KindBuild, "FlashAttention 3 runs on Hopper (sm90) only, target GPU is sm120"},
		}},
		{"torch ABI follows torch", Target{Python: [2]int{3, 12}, Torch: [2]int{2, 8}}, "flash_attn-2.8.3+cu12torch2.8cxx11abiFALSE-cp312-cp312-linux_x86_64.whl", []Mismatch{
			{KindBuild, "built with the pre-cxx11 C++ ABI, target torch uses the cxx11 ABI"},
		}},
		{"a rule plugs in", withRule(t312), "flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", []Mismatch{
			{KindBuild, "test rule: flash-attn"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := wheeltags.ParseWheelFilename(tt.wheel)
			if err != nil {
				t.Fatal(err)
			}
			ok, why := tt.t.Fits(w, cudalabel.FromWheel(w))
			if ok != (len(tt.want) == 0) {
				t.Errorf("Fits = %v, want %v", ok, len(tt.want) == 0)
			}
			// Only the first words of a tag reason are ours; wheeltags says the rest.
			for i := range why {
				if why[i].Kind == KindTags && i < len(tt.want) && tt.want[i].Kind == KindTags {
					if why[i].Reason == "" {
						t.Errorf("empty tag reason")
					}
					why[i].Reason = tt.want[i].Reason
				}
			}
			if diff := cmp.Diff(tt.want, why); diff != "" {
				t.Errorf("Fits(%s) (-want +got):\n%s", tt.wheel, diff)
			}
		})
	}
}

func withRule(t Target) Target {
	t.Rules = []Rule{func(w wheeltags.Wheel, n cudalabel.Needs, t Target) []Mismatch {
		return []Mismatch{{KindBuild, "test rule: " + w.Name}}
	}}
	return t
}

func TestPython(t *testing.T) {
	c := catalog.Default()
	def, _ := c.PythonFull(c.Python.Default)
	tests := []struct {
		override, readme, full, asked string
		ok                            bool
	}{
		{"", "", def, "", true},
		{"", "3.12", "3.12.12", "3.12", true},
		{"3.10", "3.12", "3.10.13", "3.10", true},
		{"", "3.11", "", "3.11", false},
	}
	for _, tt := range tests {
		full, asked, ok := Python(c, tt.override, tt.readme)
		if full != tt.full || asked != tt.asked || ok != tt.ok {
			t.Errorf("Python(%q, %q) = %q, %q, %v; want %q, %q, %v", tt.override, tt.readme, full, asked, ok, tt.full, tt.asked, tt.ok)
		}
	}
}

func TestFitsPython(t *testing.T) {
	tg := Target{Python: [2]int{3, 12}}
	for _, tt := range []struct {
		wheel string
		ok    bool
		tags  string
	}{
		{"a-1-cp312-cp312-linux_x86_64.whl", true, ""},
		{"a-1-cp39-abi3-linux_x86_64.whl", true, ""},
		{"a-1-py3-none-any.whl", true, ""},
		{"a-1-cp311.cp310-cp311-macosx_11_0_arm64.whl", false, "cp310,cp311"},
	} {
		w, err := wheeltags.ParseWheelFilename(tt.wheel)
		if err != nil {
			t.Fatal(err)
		}
		ok, tags := tg.FitsPython(w)
		if ok != tt.ok || tags != tt.tags {
			t.Errorf("FitsPython(%s) = %v, %q; want %v, %q", tt.wheel, ok, tags, tt.ok, tt.tags)
		}
	}
	if !slices.Equal(Reasons([]Mismatch{{KindTags, "a"}, {KindBuild, "b"}}), []string{"a", "b"}) {
		t.Error("Reasons")
	}
}
