// Command zgpulock resolves requirements against one package index with
// lock.Lock, the way zgpu's resolver does inside `zgpu deps resolve`, without
// the ZeroGPU rules around it: the zgpu side of bench/pip_vs_zgpu.sh, so
// that its wall time and peak memory can be measured as a process, like pip's.
//
// Usage:
//
//	zgpulock -index-url URL [-cache-dir DIR [-offline]] [-python 3.12.1]
//	    [-glibc 2.28] [-concurrency N] [-c constraint]... requirement...
//
// It prints the pins ("name==version", one a line) on stdout and one JSON
// line of figures on stderr:
//
//	{"packages": 55, "seconds": 0.41, "requests": 110, "cache_hits": 0,
//	 "heap_peak_bytes": 12345678, "unsat": false, "depth": 5}
//
// depth is lock.Depth of the pins: the levels of the dependency graph.
//
// Exit status 1 when there is no solution or the index fails.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/lock"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/pypi"
	"github.com/zgpu/zgpu/resolver"
	"github.com/zgpu/zgpu/target"
	"github.com/zgpu/zgpu/wheeltags"
)

type constraints []string

func (c *constraints) String() string     { return strings.Join(*c, ",") }
func (c *constraints) Set(s string) error { *c = append(*c, s); return nil }

func main() {
	indexURL := flag.String("index-url", "", "Simple API root (required)")
	cacheDir := flag.String("cache-dir", "", "HTTP cache folder (empty: no disk cache)")
	python := flag.String("python", "3.12.1", "target interpreter's full version")
	glibc := flag.String("glibc", "2.28", "target glibc (manylinux)")
	concurrency := flag.Int("concurrency", 0, "index requests in flight (0: lock's default)")
	offline := flag.Bool("offline", false, "read only the cache (no request at all)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	var cons constraints
	flag.Var(&cons, "c", "a constraint (repeatable)")
	flag.Parse()
	if *indexURL == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: zgpulock -index-url URL [-cache-dir DIR [-offline]] [-python X.Y.Z] [-glibc X.Y] [-concurrency N] [-c constraint]... requirement...")
		os.Exit(2)
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if err := run(*indexURL, *cacheDir, *python, *glibc, *concurrency, *offline, flag.Args(), cons); err != nil {
		fmt.Fprintln(os.Stderr, "zgpulock:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(indexURL, cacheDir, python, glibc string, concurrency int, offline bool, reqs, cons []string) error {
	start := time.Now()
	var t wheeltags.Target
	if _, err := fmt.Sscanf(python, "%d.%d", &t.Python[0], &t.Python[1]); err != nil {
		return fmt.Errorf("-python %q: expected X.Y.Z", python)
	}
	if _, err := fmt.Sscanf(glibc, "%d.%d", &t.Glibc[0], &t.Glibc[1]); err != nil {
		return fmt.Errorf("-glibc %q: expected X.Y", glibc)
	}
	req := resolver.Request{Env: target.Env(python), NoSuggestions: true}
	for i, s := range reqs {
		r, err := pep508.ParseRequirement(s)
		if err != nil {
			return err
		}
		req.Requirements = append(req.Requirements, resolver.Requirement{Requirement: r, Origin: fmt.Sprintf("argument %d", i+1)})
	}
	for _, s := range cons {
		r, err := pep508.ParseRequirement(s)
		if err != nil {
			return err
		}
		req.Constraints = append(req.Constraints, resolver.Requirement{Requirement: r, Origin: "-c"})
	}
	c := fetch.New(fetch.Config{CacheDir: cacheDir, Offline: offline, WriteBehind: true})
	ix := pypi.New(indexURL, c)
	res, err := lock.Lock(context.Background(), ix, ix, lock.Options{Target: t, Env: req.Env, Concurrency: concurrency, Memo: c, MemoScope: indexURL}, req)
	fetch.Flush() // as zgpu does before it exits
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	st := c.Stats()
	fig := map[string]any{
		"packages": len(res.Pins), "seconds": elapsed.Seconds(), "requests": st.Requests,
		"cache_hits": st.CacheHits, "heap_peak_bytes": ms.HeapSys, "unsat": res.Unsat != nil,
		"depth": lock.Depth(res.Pins),
	}
	line, _ := json.Marshal(fig)
	if res.Unsat != nil {
		fmt.Fprintln(os.Stderr, string(line))
		return fmt.Errorf("no solution:\n%s", res.Unsat)
	}
	var out strings.Builder
	for _, p := range res.Pins {
		fmt.Fprintf(&out, "%s==%s\n", p.Name, p.Version)
	}
	os.Stdout.WriteString(out.String())
	fmt.Fprintln(os.Stderr, string(line))
	return nil
}
