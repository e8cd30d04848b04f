package lock_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/lock"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/pypi"
	"github.com/zgpu/zgpu/resolver"
	"github.com/zgpu/zgpu/wheeltags"
)

// target is the pip validation runs' target in the mirror README: CPython
// 3.12 on manylinux_2_28 x86_64.
var target = wheeltags.Target{Python: [2]int{3, 12}, Glibc: [2]int{2, 28}}

func request(t testing.TB, reqs ...string) resolver.Request {
	t.Helper()
	r := resolver.Request{Env: pep508.LinuxEnv("3.12.3")}
	for i, s := range reqs {
		req, err := pep508.ParseRequirement(s)
		if err != nil {
			t.Fatal(err)
		}
		r.Requirements = append(r.Requirements, resolver.Requirement{Requirement: req, Origin: fmt.Sprintf("requirements.txt:%d", i+1)})
	}
	return r
}

func lockMirror(t *testing.T, reqs ...string) (*lock.Result, *fakes.Server) {
	t.Helper()
	s := fakes.PyPI(t, "")
	c := fetch.New(fetch.Config{MaxRetries: -1})
	res, err := lock.Lock(context.Background(), pypi.New(s.URL, c), pypi.NewReader(c), lock.Options{Target: target}, request(t, reqs...))
	if err != nil {
		t.Fatal(err)
	}
	return res, s
}

func pins(res *lock.Result) map[string]string {
	out := map[string]string{}
	for _, p := range res.Pins {
		out[p.Name] = p.Version
	}
	return out
}

// checkRequests checks that each project page was read at most once and
// that no wheel or sdist body was requested.
func checkRequests(t *testing.T, s *fakes.Server) {
	t.Helper()
	pages := map[string]int{}
	for _, r := range s.Requests() {
		switch {
		case strings.HasPrefix(r.Path, "/simple/"):
			pages[r.Path]++
		case strings.HasSuffix(r.Path, ".metadata"):
		default:
			t.Errorf("unexpected request %s %s", r.Method, r.Path)
		}
	}
	for p, n := range pages {
		if n > 1 {
			t.Errorf("%s read %d times", p, n)
		}
	}
}

// The mirror README's pip 23.2.1 runs (CPython 3.12, manylinux_2_28): the
// pins it reports must come out the same.
func TestLockMatchesPipOnTheMirror(t *testing.T) {
	tests := []struct {
		reqs  []string
		count int // packages pip installed
		want  map[string]string
	}{
		{
			reqs:  []string{"torch", "transformers", "accelerate"},
			count: 55,
			want: map[string]string{"torch": "2.12.1", "triton": "3.7.1", "transformers": "5.13.0", "accelerate": "1.14.0",
				"tokenizers": "0.22.2", "huggingface-hub": "1.26.0"},
		},
		{
			reqs:  []string{"gradio", "spaces"},
			count: 53,
			want: map[string]string{"gradio": "6.19.0", "gradio-client": "2.5.0", "spaces": "0.29b6", "fastapi": "0.141.1",
				"pydantic": "2.13.4", "psutil": "5.9.6"},
		},
		{
			reqs:  []string{"diffusers", "torch==2.5.1", "transformers", "accelerate", "safetensors"},
			count: 56,
			want:  map[string]string{"torch": "2.5.1", "triton": "3.1.0", "diffusers": "0.39.0", "transformers": "5.13.0"},
		},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.reqs, " "), func(t *testing.T) {
			res, s := lockMirror(t, tt.reqs...)
			if res.Unsat != nil {
				t.Fatalf("no solution:\n%s", res.Unsat)
			}
			got := pins(res)
			sub := map[string]string{}
			for k := range tt.want {
				sub[k] = got[k]
			}
			if diff := cmp.Diff(tt.want, sub); diff != "" {
				t.Errorf("pins (-pip +zgpu):\n%s", diff)
			}
			if len(got) != tt.count {
				t.Errorf("%d packages, pip installed %d", len(got), tt.count)
			}
			checkRequests(t, s)
		})
	}
}

func TestLockUnsatOnTheMirror(t *testing.T) {
	tests := []struct {
		reqs []string
		want []string // substrings of the explanation
	}{
		{[]string{"transformers==4.46.3", "tokenizers>=0.21"}, []string{"transformers==4.46.3", "tokenizers<0.21,>=0.20", "tokenizers>=0.21 (requirements.txt:2)", "version solving failed"}},
		{[]string{"torch==2.4.1", "triton==3.1.0"}, []string{"triton==3.0.0", "triton==3.1.0 (requirements.txt:2)", "version solving failed"}},
		// torch 2.11.0 is listed but has no cp312 manylinux wheel here.
		{[]string{"torch==2.11.0"}, []string{"torch 2.11.0 cannot be installed on the target (no wheel for cp312 linux x86_64 glibc 2.28)"}},
		{[]string{"no-such-project-zgpu"}, []string{"there are no versions of no-such-project-zgpu"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.reqs, " "), func(t *testing.T) {
			res, s := lockMirror(t, tt.reqs...)
			if res.Unsat == nil {
				t.Fatalf("solved: %v", pins(res))
			}
			for _, w := range tt.want {
				if !strings.Contains(res.Unsat.String(), w) {
					t.Errorf("explanation lacks %q:\n%s", w, res.Unsat)
				}
			}
			checkRequests(t, s)
		})
	}
}

func TestPinHashesAreTheTargetsFiles(t *testing.T) {
	res, _ := lockMirror(t, "numpy==2.2.6")
	if res.Unsat != nil || len(res.Pins) != 1 {
		t.Fatalf("lock: %v %v", res.Pins, res.Unsat)
	}
	p := res.Pins[0]
	if len(p.Files) == 0 || len(p.Hashes) != len(p.Files) || p.MissingHashes != 0 {
		t.Fatalf("files %d, hashes %d, missing %d", len(p.Files), len(p.Hashes), p.MissingHashes)
	}
	for _, f := range p.Files {
		w, err := wheeltags.ParseWheelFilename(f.Filename)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := target.Rank(w.Tags); !ok || w.Version.String() != "2.2.6" {
			t.Errorf("%s does not install on %s", f.Filename, target)
		}
		if !strings.Contains(strings.Join(p.Hashes, " "), f.Hashes["sha256"]) {
			t.Errorf("hash of %s missing", f.Filename)
		}
	}
	var buf bytes.Buffer
	if err := lock.Format(&buf, res.Pins, lock.FormatOptions{Hashes: true, Via: true}); err != nil {
		t.Fatal(err)
	}
	want := "numpy==2.2.6 \\\n    --hash=" + p.Hashes[0]
	if !strings.HasPrefix(buf.String(), want) || !strings.Contains(buf.String(), "#   numpy==2.2.6 (requirements.txt:1)") {
		t.Errorf("Format =\n%s", buf.String())
	}
}

// BenchmarkLockMirror locks "torch transformers accelerate" (55 packages)
// against the fake index with 5ms of latency per response, with and without
// concurrent prefetching: the difference is what Prefetch buys.
func BenchmarkLockMirror(b *testing.B) {
	s := fakes.PyPI(b, "", fakes.WithLatency(5*time.Millisecond))
	for _, conc := range []int{1, 8} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c := fetch.New(fetch.Config{MaxRetries: -1})
				req := request(b, "torch", "transformers", "accelerate")
				res, err := lock.Lock(context.Background(), pypi.New(s.URL, c), pypi.NewReader(c), lock.Options{Target: target, Concurrency: conc}, req)
				if err != nil || res.Unsat != nil {
					b.Fatal(err, res.Unsat)
				}
			}
		})
	}
}

func TestDepth(t *testing.T) {
	via := func(from ...string) []resolver.Via {
		var out []resolver.Via
		for _, f := range from {
			out = append(out, resolver.Via{From: f})
		}
		return out
	}
	// a (requested) -> b -> c -> d, and a -> d's extra path is shorter
	// for e: a -> e, c -> e.
	pins := []lock.Pin{
		{Name: "A", Via: via("")},
		{Name: "b", Via: via("a 1.0")},
		{Name: "c", Via: via("b 2.0")},
		{Name: "d", Via: via("c[x] 3.0")},
		{Name: "e", Via: via("c 3.0", "A 1.0")},
	}
	if got := lock.Depth(pins); got != 4 {
		t.Errorf("Depth = %d, want 4", got)
	}
	res, _ := lockMirror(t, "transformers")
	if got := lock.Depth(res.Pins); got < 2 || got > len(res.Pins) {
		t.Errorf("Depth of transformers' lock = %d", got)
	}
}
