// Package difftest holds the differential test of zgpu's resolver against
// pip's, and the benchmark of the two. It has no code outside its tests.
//
// # What is compared
//
// Cases are requirement sets resolved for two targets, CPython 3.12 and
// 3.10 on manylinux_2_28 x86_64 (wheels only, as --only-binary=:all:):
//
//   - every corpus project (../shared/corpus) whose applicable requirements
//     all name projects in the offline mirror (../shared/mirror). Applicable
//     are the requirements of requirements.txt and pre-requirements.txt,
//     or, without those, pyproject's project.dependencies, whose markers
//     hold on the target; -c lines become constraints. Direct URL and
//     editable requirements are dropped (kind "corpus-nourl"); the projects
//     left out are logged with the reason.
//   - 32 generated sets (fixed seeds): 3 to 12 mirror projects that have a
//     wheel for both targets, bare or with a specifier drawn from their real
//     versions that admits at least one of them; every fourth set also pins
//     a release together with a version of one of its dependencies that the
//     release excludes (kind "generated-unsat").
//   - 24 generated sets of 3 to 8 of the 30 key packages of a ZeroGPU Space
//     (torch, torchvision, transformers, gradio, numpy, ...), drawn the same
//     way (kind "generated-ml"): dense in shared dependencies and exact
//     pins, where resolvers backtrack.
//
// zgpu resolves with lock.Lock through pypi.New over fakes.PyPI serving the
// mirror; pip 24.2 resolves with internal/testonly/piporacle (the interpreter of the
// target version, the mirror README's command line). For each case both find
// a solution or neither does; zgpu's solution must pass internal/testonly/validate,
// and so must pip's (which checks the validator). Where both solve,
// differing versions are logged and counted: pip and zgpu may legitimately
// choose differently; a case is "dominated" when zgpu picks a lower version
// than pip somewhere and a higher one nowhere.
//
// # Flags
//
// By default pip's answers are read from testdata/pip.json, so the test
// takes seconds and needs no Python:
//
//	go test ./difftest
//
// -pip runs pip live (160 pip processes, two at a time: 8 to 14 minutes on
// two loaded cores); with -short only every seventh case is run (23 cases,
// one to three minutes). -pip -update rewrites testdata/pip.json from
// a live run of every case; -update alone runs pip only for the cases the
// file lacks (after adding cases) and rewrites it:
//
//	go test ./difftest -run TestDifferential -pip -v
//	go test ./difftest -run TestDifferential -pip -short
//	go test ./difftest -run TestDifferential -pip -update
//	go test ./difftest -run TestDifferential -update
//
// # Benchmark
//
// BenchmarkPipVsZgpu times pip and zgpu (../bench/zgpulock, lock.Lock as a
// process) on the same requirement sets against fakes.PyPI with 20 ms of
// latency per request, cold and warm, with each process's peak memory; it
// needs -pipbench (it runs pip for minutes). ../bench/pip_vs_zgpu.sh runs it
// and writes the table to ../bench/results-table.md; ../bench/RESULTS.md
// discusses the figures.
package difftest
