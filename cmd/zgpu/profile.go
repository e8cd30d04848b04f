//go:build zgpuprof

package main

import (
	"os"
	"runtime/pprof"
	"runtime/trace"
)

// A profiling build (go build -tags zgpuprof ./cmd/zgpu), for bench/:
// ZGPU_CPUPROFILE=FILE writes a CPU profile of the whole process and
// ZGPU_TRACE=FILE an execution trace (go tool pprof, go tool trace).
func init() {
	var stops []func()
	if path := os.Getenv("ZGPU_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if path := os.Getenv("ZGPU_TRACE"); path != "" {
		if f, err := os.Create(path); err == nil && trace.Start(f) == nil {
			stops = append(stops, func() { trace.Stop(); f.Close() })
		}
	}
	stopProfile = func() {
		for _, stop := range stops {
			stop()
		}
	}
}
