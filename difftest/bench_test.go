package difftest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/internal/testonly/piporacle"
	"github.com/zgpu/zgpu/internal/testonly/shared"
	"github.com/zgpu/zgpu/internal/testonly/validate"
)

var (
	pipBench    = flag.Bool("pipbench", false, "run BenchmarkPipVsZgpu (runs pip: minutes)")
	pipBenchOut = flag.String("pipbench-out", "", "write BenchmarkPipVsZgpu's table (Markdown) to this file")
	pipBenchSet = flag.String("pipbench-sets", "", "run only the sets whose name contains this")
)

// benchLatency is added to every request the fake index answers.
const benchLatency = 20 * time.Millisecond

// benchSet is one requirement set of the benchmark.
type benchSet struct {
	name         string
	requirements []string
}

// benchSets are the five solvable sets of the mirror README's validation
// table, the largest corpus project the mirror covers (by packages pip
// installs for it), and a set of about 300 packages for the memory goal.
var benchSets = []benchSet{
	{"readme-1", []string{"torch", "transformers", "accelerate"}},
	{"readme-2", []string{"gradio", "spaces"}},
	{"readme-3", []string{"diffusers", "torch==2.5.1", "transformers", "accelerate", "safetensors"}},
	{"readme-4", []string{"gradio>=4.44,<5", "spaces", "torch==2.4.1", "transformers<4.46", "peft", "bitsandbytes", "sentencepiece"}},
	{"readme-5", []string{"gradio==5.8.0", "torch==2.6.0", "torchvision", "diffusers", "transformers", "accelerate", "einops", "opencv-python-headless", "pillow<11", "numpy<2"}},
	{"corpus-028-ltx-fastvideo-zerogpu", nil}, // filled from the corpus
	{"big-300", []string{
		"gradio", "spaces", "torch", "torchvision", "torchaudio", "transformers", "accelerate", "diffusers", "peft",
		"datasets", "sentence-transformers", "timm", "wandb", "jupyter", "matplotlib", "pandas", "scipy", "scikit-learn",
		"opencv-python", "librosa", "soundfile", "onnxruntime", "openai", "langchain", "langchain-community",
		"llama-index-core", "docling-core", "mlflow-skinny", "tensorflow", "lightning", "fastapi[standard]", "uvicorn[standard]",
		"sphinx", "mypy", "pre-commit", "boto3", "google-generativeai", "mistralai", "nltk", "easyocr", "faster-whisper",
	}},
}

// run is one timed process.
type run struct {
	seconds  float64
	maxRSSKB int64
	packages int
	requests int64
}

// BenchmarkPipVsZgpu times pip (internal/testonly/piporacle: pip 24.2 on CPython
// 3.12, metadata-only dry run) and zgpu (bench/zgpulock, lock.Lock as a
// process) on the same requirement sets against fakes.PyPI serving the
// mirror with 20 ms added to every request: cold (empty caches: a fresh pip
// --cache-dir, a fresh zgpu -cache-dir) and warm (the same command again with
// the caches kept). Peak memory is the process's maximum resident set size
// (getrusage). "zgpu offline" is a third zgpu run that reads only the warm
// cache (fetch.Config.Offline): the bound for a warm run that skipped
// revalidation. Each measurement is one run; b.N is ignored. Needs -pipbench:
//
//	go test ./difftest -run '^$' -bench PipVsZgpu -benchtime 1x -pipbench -pipbench-out ../bench/results-table.md
func BenchmarkPipVsZgpu(b *testing.B) {
	if !*pipBench {
		b.Skip("runs pip for minutes; add -pipbench")
	}
	mirror := shared.Dir(b, "mirror")
	s := fakes.PyPI(b, mirror, fakes.WithLatency(benchLatency))
	pip := piporacle.Find(b, "3.12", s.URL)
	bin := filepath.Join(b.TempDir(), "zgpulock")
	build := exec.Command("go", "build", "-o", bin, "./bench/zgpulock")
	build.Dir = shared.Root()
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	sets := append([]benchSet(nil), benchSets...)
	for i := range sets {
		if sets[i].requirements == nil {
			sets[i].requirements = corpusRequirements(b, strings.TrimPrefix(sets[i].name, "corpus-"))
		}
	}
	var rows []string
	for _, set := range sets {
		if *pipBenchSet != "" && !strings.Contains(set.name, *pipBenchSet) {
			continue
		}
		pipCache, zgpuCache := b.TempDir(), b.TempDir()
		var r [5]run // pip cold, pip warm, zgpu cold, zgpu warm, zgpu offline
		var err error
		cfg := pip
		cfg.CacheDir = pipCache
		for i := 0; i < 2; i++ {
			if r[i], err = runPipTimed(cfg, set.requirements); err != nil {
				b.Fatalf("%s: pip: %v", set.name, err)
			}
			if r[2+i], err = runZgpu(bin, s.URL, zgpuCache, false, set.requirements); err != nil {
				b.Fatalf("%s: zgpu: %v", set.name, err)
			}
		}
		if r[4], err = runZgpu(bin, s.URL, zgpuCache, true, set.requirements); err != nil {
			b.Fatalf("%s: zgpu -offline: %v", set.name, err)
		}
		b.Logf("%s: pip cold %.2fs warm %.2fs (%d packages, %d MB); zgpu cold %.2fs warm %.2fs offline %.2fs (%d packages, %d requests cold, %d MB peak RSS)",
			set.name, r[0].seconds, r[1].seconds, r[0].packages, r[0].maxRSSKB>>10, r[2].seconds, r[3].seconds, r[4].seconds, r[2].packages, r[2].requests, max(r[2].maxRSSKB, r[3].maxRSSKB)>>10)
		rows = append(rows, fmt.Sprintf("| %s | %d / %d | %.2f | %.2f | %.1fx | %.2f | %.2f | %.1fx | %.2f | %d | %.1f | %.1f |",
			set.name, r[0].packages, r[2].packages, r[0].seconds, r[2].seconds, r[0].seconds/r[2].seconds,
			r[1].seconds, r[3].seconds, r[1].seconds/r[3].seconds, r[4].seconds, r[2].requests,
			float64(max(r[0].maxRSSKB, r[1].maxRSSKB))/1024, float64(max(r[2].maxRSSKB, r[3].maxRSSKB))/1024))
	}
	if *pipBenchOut != "" {
		var buf bytes.Buffer
		load, _ := os.ReadFile("/proc/loadavg")
		fmt.Fprintf(&buf, "Measured %s, %s on %d-core host, load average at the end: %s\n\n",
			time.Now().UTC().Format("2006-01-02 15:04 MST"), pip.PipWheel, numCPU(), strings.TrimSpace(string(load)))
		buf.WriteString("| set | packages pip / zgpu | pip cold s | zgpu cold s | cold speed-up | pip warm s | zgpu warm s | warm speed-up | zgpu offline s | zgpu requests (cold) | pip peak RSS MB | zgpu peak RSS MB |\n")
		buf.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
		buf.WriteString(strings.Join(rows, "\n") + "\n")
		if err := os.WriteFile(*pipBenchOut, buf.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

func numCPU() int {
	out, err := exec.Command("nproc").Output()
	if err != nil {
		return 0
	}
	var n int
	fmt.Sscan(string(out), &n)
	return n
}

// corpusRequirements returns the requirements the differential test uses
// for a corpus project on CPython 3.12.
func corpusRequirements(b *testing.B, name string) []string {
	b.Helper()
	cases, _ := corpusCases(b, shared.Dir(b, "corpus"), validate.Open(shared.Dir(b, "mirror")))
	for _, c := range cases {
		if c.ID == "corpus/"+name+"@3.12" {
			return c.Requirements
		}
	}
	b.Fatalf("corpus project %s is not covered by the mirror", name)
	return nil
}

func runPipTimed(cfg piporacle.Config, reqs []string) (run, error) {
	res, err := piporacle.Resolve(context.Background(), cfg, reqs, nil)
	if err != nil {
		return run{}, err
	}
	if res.Unsat {
		return run{}, fmt.Errorf("no solution: %s", firstError(res.Message))
	}
	return run{seconds: res.Elapsed.Seconds(), packages: len(res.Packages), maxRSSKB: res.MaxRSSKB}, nil
}

func runZgpu(bin, indexURL, cacheDir string, offline bool, reqs []string) (run, error) {
	args := []string{"-index-url", indexURL, "-cache-dir", cacheDir, "-python", "3.12.1"}
	if offline {
		args = append(args, "-offline")
	}
	cmd := exec.Command(bin, append(args, reqs...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		return run{}, fmt.Errorf("%v\n%s", err, stderr.String())
	}
	var fig struct {
		Packages int   `json:"packages"`
		Requests int64 `json:"requests"`
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &fig); err != nil {
		return run{}, fmt.Errorf("figures: %v in %q", err, stderr.String())
	}
	r := run{seconds: elapsed.Seconds(), packages: fig.Packages, requests: fig.Requests}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSSKB = ru.Maxrss // kilobytes on Linux
	}
	return r, nil
}
