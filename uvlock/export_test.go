package uvlock

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zgpu/zgpu/internal/testonly/shared"
	"github.com/zgpu/zgpu/pep508"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/export")

// scenario is one `uv export` command line and the options it maps to.
type scenario struct {
	args string // the uv export flags, also given to the oracle
	opts ExportOptions
}

// scenarios returns the export scenarios for a lock: --no-dev, --extra X
// for each extra of the root, --all-extras, --no-emit-package spaces and
// --prune spaces (all with --no-dev), and the default (dev group included).
func scenarios(l *Lock) []scenario {
	s := []scenario{
		{"", ExportOptions{}},
		{"--no-dev", ExportOptions{NoDev: true}},
		{"--no-dev --all-extras", ExportOptions{NoDev: true, AllExtras: true}},
		{"--no-dev --no-emit-package spaces", ExportOptions{NoDev: true, NoEmitPackage: []string{"spaces"}}},
		{"--no-dev --prune spaces", ExportOptions{NoDev: true, Prune: []string{"spaces"}}},
	}
	for _, r := range l.Roots() {
		for _, x := range slices.Sorted(maps.Keys(r.OptionalDependencies)) {
			s = append(s, scenario{"--no-dev --extra " + x, ExportOptions{NoDev: true, Extras: []string{x}}})
		}
	}
	return s
}

var targets = []string{"3.12.12", "3.10.13"}

func corpusLocks(t *testing.T) []string {
	locks, err := filepath.Glob(filepath.Join(shared.Dir(t, "corpus"), "*", "uv.lock"))
	if err != nil || len(locks) != 6 {
		t.Fatalf("corpus uv.lock files: %v %v, want 6", locks, err)
	}
	return locks
}

func pins(sel []Selected) []string {
	out := make([]string, len(sel))
	for i, s := range sel {
		out[i] = s.Name + "==" + s.Version
	}
	sort.Strings(out)
	return out
}

// TestExportGolden writes down, for each corpus uv.lock, what Export
// selects for CPython 3.12.12 and 3.10.13 on Linux x86_64 under each
// scenario. Run with -update to rewrite; TestExportOracle checks the same
// selections against an independent implementation.
func TestExportGolden(t *testing.T) {
	for _, path := range corpusLocks(t) {
		name := filepath.Base(filepath.Dir(path))
		l, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		b.WriteString("# Written by TestExportGolden -update; TestExportOracle checks each selection\n# against testdata/export_oracle.py; TestExportFacts explains the notable ones.\n\n")
		for _, py := range targets {
			for _, sc := range scenarios(l) {
				opts := sc.opts
				opts.Env = pep508.LinuxEnv(py)
				sel, err := l.Export(opts)
				if err != nil {
					t.Fatalf("%s %s %s: %v", name, py, sc.args, err)
				}
				fmt.Fprintf(&b, "## python %s, uv export %s\n%s\n\n", py, sc.args, strings.Join(pins(sel), "\n"))
			}
		}
		golden := filepath.Join("testdata", "export", name+".golden")
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if diff := cmp.Diff(string(want), b.String()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", golden, diff)
		}
	}
}

// TestExportOracle compares Export with testdata/export_oracle.py, an
// independent walk of the lock in Python that evaluates markers with pip's
// vendored packaging (the reference for marker semantics).
func TestExportOracle(t *testing.T) {
	type job struct {
		l      *Lock
		path   string
		target string
		sc     scenario
	}
	var jobs []job
	var input strings.Builder
	for _, path := range corpusLocks(t) {
		l, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, target := range targets {
			for _, sc := range scenarios(l) {
				jobs = append(jobs, job{l, path, target, sc})
				fmt.Fprintf(&input, "%s %s %s\n", path, target, sc.args)
			}
		}
	}
	corpus := shared.Dir(t, "corpus")
	out := shared.Oracle{Name: t.Name(), Args: []string{"testdata/export_oracle.py"}, Stdin: []byte(input.String()), Roots: []string{corpus}}.Output(t)
	blocks := strings.Split(string(out), "---\n")
	if len(blocks) != len(jobs)+1 {
		t.Fatalf("oracle gave %d answers for %d jobs", len(blocks)-1, len(jobs))
	}
	for i, j := range jobs {
		want := strings.Fields(blocks[i])
		opts := j.sc.opts
		opts.Env = pep508.LinuxEnv(j.target)
		sel, err := j.l.Export(opts)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, pins(sel)); diff != "" {
			t.Errorf("%s python %s %s (-oracle +zgpu):\n%s", j.path, j.target, j.sc.args, diff)
		}
	}
	t.Logf("%d selections agree with the oracle", len(jobs))
}

func exportOf(t *testing.T, corpus string, opts ExportOptions) map[string]Selected {
	t.Helper()
	l, err := Read(filepath.Join(shared.Dir(t, "corpus"), corpus, "uv.lock"))
	if err != nil {
		t.Fatal(err)
	}
	sel, err := l.Export(opts)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]Selected{}
	for _, s := range sel {
		m[s.Name] = s
	}
	return m
}

// TestExportFacts hand-checks the notable inclusions and exclusions.
func TestExportFacts(t *testing.T) {
	py312 := pep508.LinuxEnv("3.12.12")
	py310 := pep508.LinuxEnv("3.10.13")

	// 010: --no-emit-package spaces drops spaces but keeps what it needs:
	// psutil comes in through accelerate (and spaces), so it stays.
	m := exportOf(t, "010-qwen-image-edit-2511", ExportOptions{Env: py312, NoDev: true, NoEmitPackage: []string{"spaces"}})
	if _, ok := m["spaces"]; ok {
		t.Errorf("010 --no-emit-package spaces: spaces selected")
	}
	if s, ok := m["psutil"]; !ok {
		t.Errorf("010 --no-emit-package spaces: psutil missing")
	} else if !slices.Contains(s.Via, "accelerate") {
		t.Errorf("010: psutil via %v, want accelerate among them", s.Via)
	}
	// Under --prune spaces psutil survives too: accelerate still needs it.
	m = exportOf(t, "010-qwen-image-edit-2511", ExportOptions{Env: py312, NoDev: true, Prune: []string{"spaces"}})
	if _, ok := m["psutil"]; !ok {
		t.Errorf("010 --prune spaces: psutil missing, but accelerate needs it")
	}
	// The root is emitted as the editable project itself, with no parents.
	if r := m["qwen-image-edit-2511-loras-fast"]; r.Source.Kind != "editable" || len(r.Via) != 0 {
		t.Errorf("010 root = %+v", r)
	}

	// 027: spaces 0.30.x is the only package that needs psutil here, so
	// --no-emit-package keeps psutil and --prune drops it.
	m = exportOf(t, "027-anychat", ExportOptions{Env: py312, NoDev: true, NoEmitPackage: []string{"spaces"}})
	if s, ok := m["psutil"]; !ok || !cmp.Equal(s.Via, []string{"spaces"}) {
		t.Errorf("027 --no-emit-package spaces: psutil = %+v, want it via spaces only", s)
	}
	m = exportOf(t, "027-anychat", ExportOptions{Env: py312, NoDev: true, Prune: []string{"spaces"}})
	if _, ok := m["psutil"]; ok {
		t.Errorf("027 --prune spaces: psutil selected, but only spaces needed it")
	}

	// 030 (dia): torch and torchaudio come from the cu126 index on Linux
	// (marker sys_platform == 'linux' on the edge); triton only on Linux.
	m = exportOf(t, "030-dia", ExportOptions{Env: py312, NoDev: true})
	if s := m["torch"]; s.Version != "2.6.0+cu126" || s.Source.Value != "https://download.pytorch.org/whl/cu126" {
		t.Errorf("030 torch = %s %v, want 2.6.0+cu126 from the cu126 index", s.Version, s.Source)
	}
	if s := m["torchaudio"]; s.Version != "2.6.0+cu126" {
		t.Errorf("030 torchaudio = %s, want 2.6.0+cu126 (x86_64 Linux)", s.Version)
	}
	if _, ok := m["triton"]; !ok {
		t.Errorf("030: triton missing on Linux")
	}
	if _, ok := m["triton-windows"]; ok {
		t.Errorf("030: triton-windows selected on Linux")
	}
	// The dev group (ninja, packaging) only without --no-dev.
	if _, ok := m["ninja"]; ok {
		t.Errorf("030 --no-dev: ninja (dev group) selected")
	}
	m = exportOf(t, "030-dia", ExportOptions{Env: py312})
	if s, ok := m["ninja"]; !ok || !cmp.Equal(s.Chain(), []string{"nari-tts", "ninja"}) {
		t.Errorf("030 default: ninja = %+v, want it from the dev group of nari-tts", s)
	}

	// 056 (index-tts): WeTextProcessing on Linux, wetext elsewhere; the
	// accel extra brings flash-attn; triton-windows never on Linux; Python
	// 3.10 gets exceptiongroup (needed below 3.11 only).
	m = exportOf(t, "056-index-tts", ExportOptions{Env: py310, NoDev: true, Extras: []string{"accel"}})
	for _, want := range []string{"wetextprocessing", "flash-attn", "exceptiongroup"} {
		if _, ok := m[want]; !ok {
			t.Errorf("056 py3.10 --extra accel: %s missing", want)
		}
	}
	for _, bad := range []string{"wetext", "triton-windows", "gradio", "deepspeed"} {
		if _, ok := m[bad]; ok {
			t.Errorf("056 py3.10 --extra accel: %s selected", bad)
		}
	}
	m = exportOf(t, "056-index-tts", ExportOptions{Env: py312, NoDev: true})
	if _, ok := m["exceptiongroup"]; ok {
		t.Errorf("056 py3.12: exceptiongroup selected")
	}
	if _, ok := m["flash-attn"]; ok {
		t.Errorf("056 without extras: flash-attn selected")
	}
}

// TestExportFactsMore covers git sources, platform markers and forks.
func TestExportFactsMore(t *testing.T) {
	py312 := pep508.LinuxEnv("3.12.12")
	py310 := pep508.LinuxEnv("3.10.13")

	// 015: transformers comes from git at the tag the sources pin, with
	// the resolved commit; accelerate from the default branch of its repo.
	m := exportOf(t, "015-wan22-i2v-fast", ExportOptions{Env: py312, NoDev: true, NoEmitPackage: []string{"spaces"}})
	if s := m["transformers"]; s.Source.Kind != "git" || s.Source.Value != "https://github.com/huggingface/transformers.git?rev=v4.57.6#753d61104116eefc8ffc977327b441ee0c8d599f" {
		t.Errorf("015 transformers source = %+v", s.Source)
	}
	if s := m["accelerate"]; s.Source.Kind != "git" || len(s.Wheels) != 0 || s.Sdist != nil {
		t.Errorf("015 accelerate = %+v, want a git source without files", s)
	}
	// gradio[mcp,oauth]: the extras of the edge are followed.
	if s := m["gradio"]; !cmp.Equal(s.Extras, []string{"mcp", "oauth"}) {
		t.Errorf("015 gradio extras = %v", s.Extras)
	}
	if _, ok := m["mcp"]; !ok {
		t.Errorf("015: mcp (from gradio[mcp]) missing")
	}

	// 039: no spaces in this lock at all, so --prune spaces changes
	// nothing; bitsandbytes is Linux-only and selected; networkx forks on
	// Python (3.4.2 below 3.11, 3.5 above): the resolution markers of the
	// two entries pick one.
	a := exportOf(t, "039-hfs-video-caption", ExportOptions{Env: py312, NoDev: true})
	b := exportOf(t, "039-hfs-video-caption", ExportOptions{Env: py312, NoDev: true, Prune: []string{"spaces"}})
	if len(a) != len(b) {
		t.Errorf("039: --prune spaces changed the selection (%d -> %d)", len(a), len(b))
	}
	if _, ok := a["bitsandbytes"]; !ok {
		t.Errorf("039: bitsandbytes missing on Linux")
	}
	if v := a["networkx"].Version; v != "3.5" {
		t.Errorf("039 py3.12 networkx = %s, want 3.5", v)
	}
	if v := exportOf(t, "039-hfs-video-caption", ExportOptions{Env: py310, NoDev: true})["networkx"].Version; v != "3.4.2" {
		t.Errorf("039 py3.10 networkx = %s, want 3.4.2", v)
	}
}

func TestExportErrors(t *testing.T) {
	l, err := Read(filepath.Join(shared.Dir(t, "corpus"), "056-index-tts", "uv.lock"))
	if err != nil {
		t.Fatal(err)
	}
	env := pep508.LinuxEnv("3.12.12")
	tests := []struct {
		opts ExportOptions
		want string
	}{
		{ExportOptions{}, "no target environment"},
		{ExportOptions{Env: env, Extras: []string{"nope"}}, `extra "nope" is not defined by indextts (defined: accel, deepspeed, test, torch-compile, webui)`},
		{ExportOptions{Env: env, Groups: []string{"docs"}}, `group "docs" is not defined`},
		{ExportOptions{Env: env, Package: "other"}, `package "other" is not a workspace member`},
	}
	for _, tt := range tests {
		_, err := l.Export(tt.opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Export(%+v) = %v, want an error containing %q", tt.opts, err, tt.want)
		}
	}
}

// TestExportConflicts uses nanochat's lock, whose cpu and gpu extras
// conflict: uv encodes them in markers as extra-8-nanochat-cpu/gpu, which
// hold only when that extra is requested.
func TestExportConflicts(t *testing.T) {
	l, err := Read(filepath.Join(shared.Dir(t, "mirror-src"), "24-karpathy-nanochat-a5a3a33c", "uv.lock"))
	if err != nil {
		t.Fatal(err)
	}
	env := pep508.LinuxEnv("3.12.12")
	tests := []struct {
		extras []string
		want   string // torch version+source
	}{
		{nil, "2.9.1 registry=https://pypi.org/simple"},
		{[]string{"gpu"}, "2.9.1+cu128 registry=https://download.pytorch.org/whl/cu128"},
		{[]string{"cpu"}, "2.9.1+cpu registry=https://download.pytorch.org/whl/cpu"},
	}
	// uv refuses to activate both sides of a conflict.
	_, err = l.Export(ExportOptions{Env: env, NoDev: true, AllExtras: true})
	if want := `extra "cpu" of nanochat and extra "gpu" of nanochat conflict`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("--all-extras: err = %v, want it to contain %q", err, want)
	}
	for _, tt := range tests {
		sel, err := l.Export(ExportOptions{Env: env, NoDev: true, Extras: tt.extras})
		if err != nil {
			t.Fatal(err)
		}
		var torch []string
		for _, s := range sel {
			if s.Name == "torch" {
				torch = append(torch, s.Version+" "+s.Source.String())
			}
		}
		if diff := cmp.Diff([]string{tt.want}, torch); diff != "" {
			t.Errorf("extras %v: torch (-want +got):\n%s", tt.extras, diff)
		}
	}
}
