package diagnose

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/catalog"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// TestGolden diagnoses every testdata/*.log and compares the text report
// with testdata/*.golden.
func TestGolden(t *testing.T) {
	logs, err := filepath.Glob(filepath.Join("testdata", "*.log"))
	if err != nil || len(logs) == 0 {
		t.Fatalf("no logs in testdata: %v", err)
	}
	c := catalog.Default()
	for _, log := range logs {
		name := strings.TrimSuffix(filepath.Base(log), ".log")
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(log)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := WriteText(&out, Diagnose(in, c)); err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(log, ".log") + ".golden"
			if *update {
				if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), out.String()); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
		})
	}
}

// summary is the part of a report the table tests check.
type summary struct {
	Kinds    []Kind
	Packages []string
	First    int // the line that opened the first finding
	Command  string
	Python   string
	Torch    string
}

func summarize(r *Report) summary {
	s := summary{Python: r.Facts.Python, Torch: r.Facts.Torch}
	for i, f := range r.Findings {
		s.Kinds = append(s.Kinds, f.Kind)
		s.Packages = append(s.Packages, f.Package)
		if i == 0 {
			s.First = f.Line
			if len(f.Commands) > 0 {
				s.Command = f.Commands[0]
			}
		}
	}
	return s
}

// TestFixtures checks what each fixture is about: the kinds in order (the
// first is the one that counts), their packages and the main command.
func TestFixtures(t *testing.T) {
	tests := []struct {
		log  string
		want summary
	}{
		{"flash_attn_404", summary{Kinds: []Kind{KindCUDABuild}, Packages: []string{"flash-attn"}, First: 60,
			Command: "zgpu deps resolve -o requirements.txt", Python: "3.10", Torch: "2.8.0"}},
		{"mamba_rebuild", summary{Kinds: []Kind{KindCUDABuild}, Packages: []string{"mamba-ssm"}, First: 15,
			Command: "zgpu deps resolve -o requirements.txt", Python: "3.12", Torch: "2.11.0"}},
		{"build_no_torch", summary{Kinds: []Kind{KindBuildNoTorch}, Packages: []string{"flash-attn"}, First: 27,
			Command: "zgpu deps resolve -o requirements.txt", Python: "3.12"}},
		{"config_error", summary{Kinds: []Kind{KindTorchNotAllowed}, Packages: []string{""}, First: 10,
			Command: "zgpu deps resolve --torch 2.8.0 -o requirements.txt", Torch: "2.6.0"}},
		{"sdk_conflict", summary{Kinds: []Kind{KindSDKConflict, KindSlowResolution}, Packages: []string{"", ""}, First: 12,
			Command: "zgpu deps resolve -o requirements.txt", Python: "3.10"}},
		{"spaces_conflict", summary{Kinds: []Kind{KindSpacesConflict, KindSlowResolution}, Packages: []string{"", ""}, First: 7,
			Command: "zgpu deps resolve -o requirements.txt"}},
		{"pkg_resources", summary{Kinds: []Kind{KindPkgResources}, Packages: []string{"openai-whisper"}, First: 20,
			Command: "zgpu deps resolve -o requirements.txt", Python: "3.10"}},
		{"runtime_undefined_symbol", summary{Kinds: []Kind{KindUndefinedSymbol}, Packages: []string{"flash-attn"}, First: 19,
			Command: "zgpu deps resolve -o requirements.txt", Python: "3.10"}},
		{"unknown", summary{Python: "3.10"}},
		{"two_errors", summary{Kinds: []Kind{KindCUDABuild, KindCUDABuild}, Packages: []string{"causal-conv1d", "flash-attn"}, First: 24,
			Command: "zgpu deps resolve -o requirements.txt", Python: "3.12", Torch: "2.9.1"}},
		{"sdk_conflict_spaces_ok", summary{Kinds: []Kind{KindSDKConflict, KindSlowResolution}, Packages: []string{"", ""}, First: 29,
			Command: "zgpu deps resolve -o requirements.txt", Python: "3.10"}},
		{"spaces_excludes_pin", summary{Kinds: []Kind{KindSpacesConflict, KindSlowResolution}, Packages: []string{"", ""}, First: 23,
			Command: "zgpu deps resolve -o requirements.txt", Python: "3.10"}},
		{"build_no_torch_metadata", summary{Kinds: []Kind{KindBuildNoTorch}, Packages: []string{"flash-attn"}, First: 37,
			Command: "zgpu deps resolve -o requirements.txt", Python: "3.12", Torch: "2.8.0"}},
		{"slow_resolution", summary{Kinds: []Kind{KindSlowResolution}, Packages: []string{""}, First: 6,
			Command: "zgpu deps resolve -o requirements.txt"}},
		{"gradio_pin_spaces", summary{Kinds: []Kind{KindGradioPin, KindSlowResolution}, Packages: []string{"", ""}, First: 27,
			Command: "zgpu deps resolve -o requirements.txt", Python: "3.10"}},
		{"gradio_pin_sdk", summary{Kinds: []Kind{KindGradioPin}, Packages: []string{""}, First: 15,
			Command: "zgpu deps resolve -o requirements.txt", Python: "3.10"}},
		{"sdk_conflict_hub", summary{Kinds: []Kind{KindSDKConflict, KindSlowResolution}, Packages: []string{"", ""}, First: 36,
			Command: "zgpu deps resolve -o requirements.txt", Python: "3.13"}},
	}
	c := catalog.Default()
	for _, tt := range tests {
		t.Run(tt.log, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", tt.log+".log"))
			if err != nil {
				t.Fatal(err)
			}
			got := summarize(Diagnose(in, c))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
		})
	}
}

func testCatalog() *catalog.Catalog { return catalog.Default() }
