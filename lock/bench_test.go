package lock_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/lock"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/pypi"
)

var (
	coldTrace = flag.Bool("coldtrace", false, "BenchmarkLockCold: print each request's start and end times")
	coldConc  = flag.Int("coldconc", 0, "BenchmarkLockCold, BenchmarkLockLatency: Options.Concurrency (and fetch.Config.MaxPerHost) (0: defaults)")
	latency   = flag.Duration("latency", 20*time.Millisecond, "BenchmarkLockLatency: latency per request (0: the provider's and resolver's CPU cost)")
)

// coldSets are bench/pip_vs_zgpu.sh's requirement sets (difftest's
// benchSets; corpus-028's selection written out).
var coldSets = []struct {
	name string
	reqs []string
}{
	{"readme-1", []string{"torch", "transformers", "accelerate"}},
	{"readme-2", []string{"gradio", "spaces"}},
	{"readme-3", []string{"diffusers", "torch==2.5.1", "transformers", "accelerate", "safetensors"}},
	{"readme-4", []string{"gradio>=4.44,<5", "spaces", "torch==2.4.1", "transformers<4.46", "peft", "bitsandbytes", "sentencepiece"}},
	{"readme-5", []string{"gradio==5.8.0", "torch==2.6.0", "torchvision", "diffusers", "transformers", "accelerate", "einops", "opencv-python-headless", "pillow<11", "numpy<2"}},
	{"corpus-028", []string{"accelerate", "transformers", "sentencepiece", "pillow", "numpy", "torchvision", "huggingface_hub", "spaces", "opencv-python", "imageio", "imageio-ffmpeg", "einops", "timm", "av"}},
	{"big-300", []string{
		"gradio", "spaces", "torch", "torchvision", "torchaudio", "transformers", "accelerate", "diffusers", "peft",
		"datasets", "sentence-transformers", "timm", "wandb", "jupyter", "matplotlib", "pandas", "scipy", "scikit-learn",
		"opencv-python", "librosa", "soundfile", "onnxruntime", "openai", "langchain", "langchain-community",
		"llama-index-core", "docling-core", "mlflow-skinny", "tensorflow", "lightning", "fastapi[standard]", "uvicorn[standard]",
		"sphinx", "mypy", "pre-commit", "boto3", "google-generativeai", "mistralai", "nltk", "easyocr", "faster-whisper",
	}},
}

// tracer wraps an index and records when each request started and ended.
type tracer struct {
	l     index.Lister
	m     index.MetadataReader
	start time.Time
	mu    sync.Mutex
	lines []string
}

func (t *tracer) note(what string, begin time.Time) {
	t.mu.Lock()
	t.lines = append(t.lines, fmt.Sprintf("%6.0f %6.0f %s", float64(begin.Sub(t.start).Microseconds())/1000, float64(time.Since(t.start).Microseconds())/1000, what))
	t.mu.Unlock()
}

func (t *tracer) Files(ctx context.Context, project string) ([]index.File, error) {
	b := time.Now()
	defer t.note("page "+project, b)
	return t.l.Files(ctx, project)
}

func (t *tracer) Metadata(ctx context.Context, f index.File) (index.Metadata, error) {
	b := time.Now()
	defer t.note("meta "+f.Filename, b)
	return t.m.Metadata(ctx, f)
}

// BenchmarkLockCold locks bench/pip_vs_zgpu.sh's sets cold (no cache)
// against the mirror with 20 ms of latency per request, as that script's
// "zgpu cold" run does in process, and reports the requests per lock.
// -coldtrace prints the request timeline of the last run of each set.
func BenchmarkLockCold(b *testing.B) {
	s := fakes.PyPI(b, "", fakes.WithLatency(20*time.Millisecond))
	for _, set := range coldSets {
		b.Run(set.name, func(b *testing.B) {
			req := request(b, set.reqs...)
			req.Env = pep508.LinuxEnv("3.12.1")
			req.NoSuggestions = true
			var requests int64
			var tr *tracer
			for b.Loop() {
				c := fetch.New(fetch.Config{MaxRetries: -1, MaxPerHost: *coldConc})
				ix := pypi.New(s.URL, c)
				tr = &tracer{l: ix, m: ix, start: time.Now()}
				res, err := lock.Lock(context.Background(), tr, tr, lock.Options{Target: target, Env: req.Env, Concurrency: *coldConc}, req)
				if err != nil || res.Unsat != nil {
					b.Fatal(err, res.Unsat)
				}
				requests += c.Stats().Requests
			}
			b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
			if *coldTrace {
				sort.Strings(tr.lines)
				fmt.Fprintf(os.Stderr, "--- %s\n%s\n", set.name, strings.Join(tr.lines, "\n"))
			}
		})
	}
}

// replay answers from memory what a real index answered once, after a
// fixed latency: a lock over it measures how well prefetching hides
// latency, without the CPU cost of parsing pages (noisy on a shared host).
type replay struct {
	latency time.Duration
	real    index.Lister
	realMD  index.MetadataReader

	mu    sync.Mutex
	files map[string][]index.File
	errs  map[string]error
	meta  map[string]index.Metadata
	count int
}

func (r *replay) Files(ctx context.Context, project string) ([]index.File, error) {
	r.mu.Lock()
	r.count++
	fs, ok := r.files[project]
	err := r.errs[project]
	r.mu.Unlock()
	if !ok && err == nil {
		fs, err = r.real.Files(ctx, project)
		r.mu.Lock()
		r.files[project], r.errs[project] = fs, err
		r.mu.Unlock()
	}
	time.Sleep(r.latency)
	return fs, err
}

func (r *replay) Metadata(ctx context.Context, f index.File) (index.Metadata, error) {
	r.mu.Lock()
	r.count++
	md, ok := r.meta[f.URL]
	r.mu.Unlock()
	if !ok {
		var err error
		if md, err = r.realMD.Metadata(ctx, f); err != nil {
			return md, err
		}
		r.mu.Lock()
		r.meta[f.URL] = md
		r.mu.Unlock()
	}
	time.Sleep(r.latency)
	return md, nil
}

// BenchmarkLockLatency locks the sets of BenchmarkLockCold over a replay
// of the mirror's answers with 20 ms per request (-latency) and no
// parsing: the time is how long the requests' latency keeps the resolver
// waiting. With -latency 0 it measures the provider's and resolver's own
// CPU and allocations.
func BenchmarkLockLatency(b *testing.B) {
	s := fakes.PyPI(b, "")
	c := fetch.New(fetch.Config{MaxRetries: -1})
	ix := pypi.New(s.URL, c)
	for _, set := range coldSets {
		b.Run(set.name, func(b *testing.B) {
			req := request(b, set.reqs...)
			req.Env = pep508.LinuxEnv("3.12.1")
			req.NoSuggestions = true
			rp := &replay{real: ix, realMD: ix, files: map[string][]index.File{}, errs: map[string]error{}, meta: map[string]index.Metadata{}}
			if _, err := lock.Lock(context.Background(), rp, rp, lock.Options{Target: target, Env: req.Env}, req); err != nil {
				b.Fatal(err)
			}
			rp.latency = *latency
			rp.count = 0
			b.ResetTimer()
			for b.Loop() {
				res, err := lock.Lock(context.Background(), rp, rp, lock.Options{Target: target, Env: req.Env, Concurrency: *coldConc}, req)
				if err != nil || res.Unsat != nil {
					b.Fatal(err, res.Unsat)
				}
			}
			b.ReportMetric(float64(rp.count)/float64(b.N), "requests/op")
		})
	}
}
