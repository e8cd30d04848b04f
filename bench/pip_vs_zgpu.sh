#!/bin/sh
# pip_vs_zgpu.sh times pip's resolver and zgpu's on the same requirement sets
# against the offline mirror (../shared/mirror) served by fakes.PyPI with
# 20 ms of latency per request, cold (empty caches) and warm (caches kept),
# and records zgpu's peak resident memory. It runs
# difftest.BenchmarkPipVsZgpu (see difftest/bench_test.go) and writes the
# table to bench/results-table.md (or $1). Takes several minutes: pip runs
# 14 times. Optional: SETS=readme-2 to run only the sets whose name
# contains it.
set -eu
cd "$(dirname "$0")/.."
out=${1:-bench/results-table.md}
case $out in /*) ;; *) out=$PWD/$out ;; esac
go test ./difftest -run '^$' -bench PipVsZgpu -benchtime 1x -timeout 60m \
	-pipbench -pipbench-out "$out" -pipbench-sets "${SETS:-}" -v
cat "$out"
