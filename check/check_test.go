package check

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/reqfile"
)

const (
	fa28   = "https://github.com/Dao-AILab/flash-attention/releases/download/v2.8.3/flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl"
	fa26   = "https://github.com/Dao-AILab/flash-attention/releases/download/v2.7.4.post1/flash_attn-2.7.4.post1+cu12torch2.6cxx11abiFALSE-cp312-cp312-linux_x86_64.whl"
	fa28py = "https://github.com/Dao-AILab/flash-attention/releases/download/v2.8.3/flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp310-cp310-linux_x86_64.whl"
	faMac  = "https://example.org/flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-macosx_11_0_arm64.whl"
)

// TestRequirements: one row per rule outcome; want lists "rule line" of
// every problem, in the order reported.
func TestRequirements(t *testing.T) {
	tests := []struct {
		name string
		in   string
		t    Target
		want []string
	}{
		{"clean", "torch==2.8.0\ntorchvision==0.23.0\nflash-attn @ " + fa28 + "\nnumpy<2\n", Target{Python: "3.12"}, nil},
		{"nothing torch", "numpy\nrequests>=2\n", Target{}, nil},
		{"spaces and gradio", "spaces\ngradio==5.0\nnumpy\n", Target{SDK: "gradio"}, []string{"preinstalled 1", "preinstalled 2"}},
		{"docker space lists gradio", "gradio==5.0\n", Target{SDK: "docker"}, nil},
		{"torch range", "torch>=2.0\n", Target{}, []string{"torch 1"}},
		{"torch wildcard", "torch==2.8.*\n", Target{}, []string{"torch 1"}},
		{"torch not allowed", "torch==2.4.0\n", Target{}, []string{"torch 1"}},
		{"torch local label allowed", "torch==2.8.0+cu128\n", Target{}, nil},
		{"sidecar without torch", "torchvision==0.23.0\n", Target{}, []string{"torch 0"}},
		{"sidecar drift", "torch==2.8.0\ntorchvision==0.22.0\ntorchaudio\n", Target{}, []string{"sidecar 2", "sidecar 3"}},
		{"pairing range kept", "torch==2.8.0\ntorchcodec>=0.6,<0.8\n", Target{}, nil},
		{"pairing exact outside", "torch==2.8.0\ntorchcodec==0.9.0\n", Target{}, []string{"sidecar 2"}},
		{"wheel for other torch", "torch==2.8.0\nflash-attn @ " + fa26 + "\n", Target{Python: "3.12"}, []string{"cuda-wheel 2"}},
		{"wheel for other python", "torch==2.8.0\nflash-attn @ " + fa28py + "\n", Target{Python: "3.12"}, []string{"python 2"}},
		{"wheel for other platform", "torch==2.8.0\nflash-attn @ " + faMac + "\n", Target{Python: "3.12"}, []string{"platform 2"}},
		{"sdist extension", "torch==2.8.0\nflash-attn==2.8.3\n", Target{}, []string{"nvcc 2"}},
		{"git extension", "torch==2.8.0\nflash-attn @ git+https://github.com/Dao-AILab/flash-attention@v2.8.3\n", Target{}, []string{"nvcc 2"}},
		{"marker excludes line", "torch==2.4.0; python_version < '3.11'\n", Target{Python: "3.12"}, nil},
		{"python not on platform", "numpy\n", Target{Python: "3.13", PythonOrigin: "README.md:3:1"}, []string{"python 0"}},
		{"parse error", "numpy\nfoo==1.0 ; ;\n", Target{}, []string{"parse 2"}},
		{"constraint not judged", "-c c.txt\nnumpy\n", Target{}, nil},
	}
	c := catalog.Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "c.txt"), []byte("torch==1.0\n"), 0o666)
			path := filepath.Join(dir, "requirements.txt")
			if err := os.WriteFile(path, []byte(tt.in), 0o666); err != nil {
				t.Fatal(err)
			}
			ps, err := File(path, c, tt.t)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.Rule+" "+strconv.Itoa(p.line.Line))
				if p.Message == "" || p.Fix == "" && p.Rule != "parse" {
					t.Errorf("problem without message or fix: %+v", p)
				}
				if p.line.Line > 0 && !strings.HasPrefix(p.Origin, path+":") {
					t.Errorf("origin %q does not name the file", p.Origin)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s\n%s", diff, Summary("requirements.txt", ps))
			}
		})
	}
}

// TestFixesPass: applying each problem's suggested line makes it go away,
// for the rules whose fix is one line to write.
func TestFixesPass(t *testing.T) {
	c := catalog.Default()
	f := parse(t, "torch==2.4.0\n")
	ps := Requirements(f, c, Target{})
	if len(ps) != 1 || !strings.HasPrefix(ps[0].Fix, "write ") {
		t.Fatalf("want one torch problem with a line to write, got %v", ps)
	}
	fixed := parse(t, strings.TrimPrefix(ps[0].Fix, "write ")+"\n")
	if ps := Requirements(fixed, c, Target{}); len(ps) != 0 {
		t.Errorf("the fix %q still has problems: %v", ps[0].Fix, ps)
	}
}

func parse(t *testing.T, s string) *reqfile.File {
	t.Helper()
	f, err := reqfile.Parse("requirements.txt", []byte(s), reqfile.ParseOptions{KeepGoing: true, NoIncludes: true})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestTargetFor reads python_version and sdk from the README beside the
// file, with the README's line and column.
func TestTargetFor(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("---\ntitle: x\nsdk: gradio\npython_version: \"3.10\"\n---\n"), 0o666)
	got, err := TargetFor(filepath.Join(dir, "requirements.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := Target{Python: "3.10", PythonOrigin: filepath.Join(dir, "README.md") + ":4:1", SDK: "gradio"}
	if got != want {
		t.Errorf("TargetFor = %+v, want %+v", got, want)
	}
	if got, _ := TargetFor(filepath.Join(t.TempDir(), "requirements.txt")); got != (Target{}) {
		t.Errorf("no README: %+v", got)
	}
}
