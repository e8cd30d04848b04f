package diagnose

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSnippets checks each pattern of the rules table on a short log, as the
// error appears in real build and runtime logs.
func TestSnippets(t *testing.T) {
	tests := []struct {
		name    string
		log     string
		want    []Kind
		pkg     string // package of the first finding
		command string // main command of the first finding, "-" for none
	}{
		{"hffolder", "Traceback (most recent call last):\n  File \"/home/user/app/app.py\", line 1, in <module>\n    import gradio as gr\nImportError: cannot import name 'HfFolder' from 'huggingface_hub' (/usr/local/lib/python3.10/site-packages/huggingface_hub/__init__.py)\n",
			[]Kind{KindHfFolder}, "", "zgpu deps resolve -o requirements.txt"},
		{"torch downgraded", "===== Application Startup at 2026-11-22 08:15:03 =====\n    import spaces\nImportError: cannot import name 'is_traceable_wrapper_subclass' from 'torch.utils._python_dispatch'\n",
			[]Kind{KindTorchDowngraded}, "", "zgpu deps resolve -o requirements.txt"},
		{"flash_attn_varlen_func", "ImportError: cannot import name 'flash_attn_varlen_func' from 'flash_attn' (unknown location)\n",
			[]Kind{KindFlashAttnMissing}, "", "zgpu wheel find flash-attn --python 3.10 --torch 2.13"},
		{"no kernel image", "  File \"/usr/local/lib/python3.12/site-packages/flash_attn_interface.py\", line 170, in _flash_attn_forward\nRuntimeError: CUDA error: no kernel image is available for execution on the device\n",
			[]Kind{KindNoKernelImage}, "", "zgpu wheel find flash-attn --python 3.12 --torch 2.13"},
		{"jinja2", "  File \"/usr/local/lib/python3.10/site-packages/jinja2/utils.py\", line 515, in get\nTypeError: unhashable type: 'dict'\nTypeError: 'dict' object is not hashable\n",
			[]Kind{KindJinja2Unhashable}, "", "zgpu deps resolve -o requirements.txt"},
		{"weights only", "_pickle.UnpicklingError: Weights only load failed. This file can still be loaded, to do so you have two options\n",
			[]Kind{KindWeightsOnly}, "", "-"},
		{"selective scan", "ImportError: /usr/local/lib/python3.10/site-packages/selective_scan_cuda.cpython-310-x86_64-linux-gnu.so: undefined symbol: _ZN3c107WarningC1ESt7variantIJNS0_11UserWarningENS0_18DeprecationWarningEEERKNS_14SourceLocationESsb\n",
			[]Kind{KindUndefinedSymbol}, "mamba-ssm", "zgpu deps resolve -o requirements.txt"},
		{"torchaudio", "OSError: /usr/local/lib/python3.10/site-packages/torchaudio/lib/_torchaudio.abi3.so: undefined symbol: _ZN3c104cuda9SetDeviceEa\n",
			[]Kind{KindUndefinedSymbol}, "torchaudio", "zgpu deps resolve -o requirements.txt"},
		{"runtime JIT", "===== Application Startup at 2026-11-22 08:15:03 =====\n  File \"/home/user/app/app.py\", line 9, in <module>\n    import nvdiffrast.torch as dr\nOSError: CUDA_HOME environment variable is not set. Please set it to your CUDA install root.\n",
			[]Kind{KindJITCompile}, "", "zgpu deps resolve -o requirements.txt"},
		{"no distribution", "Collecting torch==2.6.0+cu124 (from -r /tmp/requirements.txt (line 1))\nERROR: Could not find a version that satisfies the requirement torch==2.6.0+cu124 (from versions: 2.8.0, 2.9.1)\nERROR: No matching distribution found for torch==2.6.0+cu124\n",
			[]Kind{KindNoDistribution}, "torch", "zgpu deps resolve -o requirements.txt"},
		{"deepspeed pkg_resources", "Collecting deepspeed==0.15.4 (from -r /tmp/requirements.txt (line 4))\n  Downloading deepspeed-0.15.4.tar.gz (1.4 MB)\n  Preparing metadata (setup.py): started\n      ModuleNotFoundError: No module named 'pkg_resources'\n",
			[]Kind{KindPkgResources}, "deepspeed", "zgpu deps resolve -o requirements.txt"},
		{"config error without pin", "CONFIG_ERROR: torch version in requirements.txt is not compatible with ZeroGPU\n",
			[]Kind{KindTorchNotAllowed}, "", "zgpu deps resolve --torch 2.13.0 -o requirements.txt"},
		{"guess line alone is no error", "      Guessing wheel URL:  https://github.com/Dao-AILab/flash-attention/releases/download/v2.8.3/flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp310-cp310-linux_x86_64.whl\nSuccessfully installed flash-attn-2.8.3\n",
			nil, "", ""},
		{"failed build of a CUDA extension without nvcc text", "  Building wheel for flash-attn (setup.py): finished with status 'error'\n  ERROR: Failed building wheel for flash-attn\nFailed to build flash-attn\n",
			[]Kind{KindCUDABuild}, "flash-attn", "zgpu deps resolve -o requirements.txt"},
		{"failed build of another package is unknown", "  ERROR: Failed building wheel for pycairo\nFailed to build pycairo\n",
			nil, "", ""},
		{"empty", "", nil, "", ""},
		{"flash-attn build with a torch ZeroGPU does not allow", "Successfully installed torch-2.4.0\nCollecting flash-attn==2.6.3\n  Building wheel for flash-attn (setup.py): started\n      OSError: CUDA_HOME environment variable is not set. Please set it to your CUDA install root.\n",
			[]Kind{KindCUDABuild}, "flash-attn", "zgpu deps resolve --torch 2.8.0 -o requirements.txt"},
	}
	c := testCatalog()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Diagnose([]byte(tt.log), c)
			var kinds []Kind
			for _, f := range r.Findings {
				kinds = append(kinds, f.Kind)
			}
			if diff := cmp.Diff(tt.want, kinds); diff != "" {
				t.Fatalf("kinds (-want +got):\n%s", diff)
			}
			if len(r.Findings) == 0 {
				return
			}
			f := r.Findings[0]
			if f.Package != tt.pkg {
				t.Errorf("package %q, want %q", f.Package, tt.pkg)
			}
			cmd := "-"
			if len(f.Commands) > 0 {
				cmd = f.Commands[0]
			}
			if cmd != tt.command {
				t.Errorf("command %q, want %q", cmd, tt.command)
			}
			if f.Cause == "" || f.Fix == "" || f.Source == "" || len(f.Evidence) == 0 {
				t.Errorf("incomplete finding: %+v", f)
			}
			if strings.Contains(f.Cause+f.Fix+f.Title+strings.Join(f.Commands, " "), "{") {
				t.Errorf("unfilled placeholder in %+v", f)
			}
		})
	}
}

// TestUnknownFirstError checks what an unexplained log reports.
func TestUnknownFirstError(t *testing.T) {
	log := "Step 1\nWARNING: something\nsh: 1: make: not found\nERROR: build failed\nTraceback (most recent call last):\n"
	r := Diagnose([]byte(log), testCatalog())
	if r.Explained() {
		t.Fatalf("explained: %+v", r.Findings)
	}
	want := &Evidence{Line: 4, Text: "ERROR: build failed"}
	if diff := cmp.Diff(want, r.FirstError); diff != "" {
		t.Errorf("first error (-want +got):\n%s", diff)
	}
}

func TestCleanLines(t *testing.T) {
	log := "#12 34.56 \x1b[31mERROR:\x1b[0m boom\r\n" +
		"--> RUN pip install x\r\n" +
		"2026-11-20T10:00:01.123456Z Collecting torch==2.8.0\n" +
		"\n" +
		"   progress 10%\rprogress 100%\n" +
		"\x1b]0;title\x07plain\x1b[1;32m text\x1b[K\n" +
		"#5 [2/7] RUN apt-get update"
	var got []line
	got = splitLines([]byte(log))
	want := []line{
		{1, "ERROR: boom"},
		{2, "RUN pip install x"},
		{3, "Collecting torch==2.8.0"},
		{5, "progress 100%"},
		{6, "plain text"},
		{7, "#5 [2/7] RUN apt-get update"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(line{})); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if n := countLines([]byte(log)); n != 7 {
		t.Errorf("countLines = %d, want 7", n)
	}
}

func TestFactsFromSetupPyOutput(t *testing.T) {
	log := "  Building wheel for flash-attn (setup.py): started\n" +
		"      torch.__version__  = 2.10.0+cu128\n" +
		"      creating build/lib.linux-x86_64-cpython-312/flash_attn\n"
	r := Diagnose([]byte(log), testCatalog())
	if r.Facts.Torch != "2.10.0" || r.Facts.Python != "3.12" {
		t.Errorf("torch %q, python %q; want 2.10.0, 3.12", r.Facts.Torch, r.Facts.Python)
	}
}

func TestFactsFromLog(t *testing.T) {
	log := `--> FROM docker.io/library/python:3.12@sha256:abc
Collecting flash-attn (from -r /tmp/requirements.txt (line 2))
  Downloading flash_attn-2.8.3.tar.gz (8.4 MB)
  Downloading torch-2.9.1-cp312-cp312-manylinux_2_28_x86_64.whl (899.7 MB)
Collecting xformers
  Downloading xformers-0.0.33.post2-cp39-abi3-manylinux_2_28_x86_64.whl (122 kB)
Successfully installed torch-2.10.0 xformers-0.0.33.post2
`
	r := Diagnose([]byte(log), testCatalog())
	want := Facts{
		Python: "3.12", Torch: "2.10.0",
		Packages: map[string]string{"flash-attn": "2.8.3", "torch": "2.10.0", "xformers": "0.0.33.post2"},
		Wheels: map[string]string{
			"torch":    "torch-2.9.1-cp312-cp312-manylinux_2_28_x86_64.whl",
			"xformers": "xformers-0.0.33.post2-cp39-abi3-manylinux_2_28_x86_64.whl",
		},
	}
	if diff := cmp.Diff(want, r.Facts); diff != "" {
		t.Errorf("facts (-want +got):\n%s", diff)
	}
}

func TestEvidenceCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("Collecting x\n")
	for i := 0; i < 30; i++ {
		b.WriteString("INFO: pip is looking at multiple versions of pkg" + string(rune('a'+i%26)) + " to determine which version is compatible with other requirements.\n")
	}
	r := Diagnose([]byte(b.String()), testCatalog())
	if len(r.Findings) != 1 {
		t.Fatalf("%d findings, want 1", len(r.Findings))
	}
	f := r.Findings[0]
	if len(f.Evidence) != maxEvidence || f.Omitted != 30-maxEvidence || f.Evidence[0].Line != 2 || f.Line != 2 {
		t.Errorf("evidence %d lines from %d, omitted %d, line %d; want %d from 2, omitted %d, line 2",
			len(f.Evidence), f.Evidence[0].Line, f.Omitted, f.Line, maxEvidence, 30-maxEvidence)
	}
}

// TestTorchNotAllowedFix checks that the fix names the nearest allowed torch
// only when the log shows the torch that was pinned, and lists the allowed
// ones otherwise.
func TestTorchNotAllowedFix(t *testing.T) {
	c := testCatalog()
	const cfg = "CONFIG_ERROR: torch version in requirements.txt is not compatible with ZeroGPU\n"
	tests := []struct {
		name, log string
		want      []string // in the fix
		dont      string   // not in the fix
	}{
		{"pin in the log", "$ cat requirements.txt\ntorch==2.6.0\n\n" + cfg,
			[]string{"2.8.0 is the nearest to 2.6.0"}, "the log does not show"},
		{"no pin in the log", cfg,
			[]string{"one of the allowed versions (" + strings.Join(c.Torch.Allowed, ", ") + "; the log does not show which version was pinned)",
				"preinstalled " + c.Torch.Preinstalled},
			"nearest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Diagnose([]byte(tt.log), c)
			if len(r.Findings) == 0 || r.Findings[0].Kind != KindTorchNotAllowed {
				t.Fatalf("findings %+v", r.Findings)
			}
			fix := r.Findings[0].Fix
			for _, w := range tt.want {
				if !strings.Contains(fix, w) {
					t.Errorf("fix %q lacks %q", fix, w)
				}
			}
			if strings.Contains(fix, tt.dont) {
				t.Errorf("fix %q contains %q", fix, tt.dont)
			}
		})
	}
}

// TestSummaryLineLeavesOutUnknown checks the last line of the text report.
func TestSummaryLineLeavesOutUnknown(t *testing.T) {
	tests := []struct {
		facts Facts
		want  string
	}{
		{Facts{}, "3 lines read; catalog 2026-01-02."},
		{Facts{Python: "3.10"}, "3 lines read; Python 3.10 in the log; catalog 2026-01-02."},
		{Facts{Torch: "2.8.0"}, "3 lines read; torch 2.8.0 in the log; catalog 2026-01-02."},
		{Facts{Python: "3.12", Torch: "2.9.1"}, "3 lines read; Python 3.12, torch 2.9.1 in the log; catalog 2026-01-02."},
	}
	for _, tt := range tests {
		got := summaryLine(&Report{Lines: 3, Facts: tt.facts, Catalog: "2026-01-02"})
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%+v (-want +got):\n%s", tt.facts, diff)
		}
	}
}
