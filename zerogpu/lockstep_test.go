package zerogpu

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/pep440"
)

// memIndex is a tiny in-memory index: one manylinux wheel per release.
type memIndex struct {
	files map[string][]index.File
	meta  map[string]index.Metadata
}

func (m *memIndex) add(name, version string, deps ...string) {
	if m.files == nil {
		m.files, m.meta = map[string][]index.File{}, map[string]index.Metadata{}
	}
	fn := fmt.Sprintf("%s-%s-py3-none-manylinux_2_28_x86_64.whl", strings.ReplaceAll(name, "-", "_"), version)
	u := "https://files.test/" + fn
	m.files[name] = append(m.files[name], index.File{Filename: fn, URL: u})
	m.meta[u] = index.Metadata{Name: name, Version: version, RequiresDist: deps}
}

func (m *memIndex) Files(_ context.Context, project string) ([]index.File, error) {
	if fs, ok := m.files[project]; ok {
		return fs, nil
	}
	return nil, &index.NotFoundError{Project: project, Source: "mem"}
}

func (m *memIndex) Metadata(_ context.Context, f index.File) (index.Metadata, error) {
	return m.meta[f.URL], nil
}

// sidecarIndex has the side-cars of torch 2.10 and 2.11 as PyPI has them:
// torchaudio 2.11.0 no longer pins torch, torchcodec never did.
func sidecarIndex() *memIndex {
	m := &memIndex{}
	m.add("torch", "2.10.0")
	m.add("torch", "2.11.0")
	m.add("torch", "2.12.1")
	m.add("torch", "2.13.0")
	m.add("torchaudio", "2.10.0", "torch==2.10.0")
	m.add("torchaudio", "2.11.0")
	m.add("torchcodec", "0.10.0")
	m.add("torchcodec", "0.11.1")
	m.add("silero-vad", "5.1.2", "torch", "torchaudio")
	m.add("gradio", "6.19.0", "huggingface-hub>=0.30")
	m.add("huggingface-hub", "0.36.0")
	m.addBuilder()
	return m
}

// addBuilder adds what the builder installs besides gradio and torch
// (catalog [builder]): spaces 0.51.3, uvicorn, websockets.
func (m *memIndex) addBuilder() {
	m.add("spaces", "0.51.3", "gradio")
	m.add("uvicorn", "0.38.0")
	m.add("websockets", "15.0.1")
}

// planLock plans lines for a Python 3.12 Space on Gradio 6.19.0 and locks
// the plan against m, in the torch loop (settleTorch).
func planLock(t *testing.T, lines []string, m *memIndex) *Report {
	t.Helper()
	c := catalog.Default()
	in := &Input{Requirements: reqs(t, lines...), PythonVersion: "3.12", SDKVersion: "6.19.0"}
	opts := Options{Catalog: c}
	r, tc, err := planChoice(context.Background(), in, opts)
	if err != nil || !r.OK() {
		t.Fatalf("Plan: %v %v", err, r.Problems)
	}
	r, err = settleTorch(context.Background(), in, opts, r, tc, func(ctx context.Context, r *Report) error {
		return r.Lock(ctx, c, in, LockOptions{Lister: m, Meta: m})
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestLockSidecars: whatever pulls a side-car in, the lock takes the
// release built for the plan's torch; huggingface-hub, which the platform
// installs, is written only when the user lists it.
func TestLockSidecars(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		want  []string
		left  []string // Report.Preinstalled
	}{
		{
			name:  "torch 2.10: torchaudio from a dependency, torchcodec bare",
			lines: []string{"torch==2.10.0", "silero-vad", "torchcodec"},
			want:  []string{"silero-vad==5.1.2", "torch==2.10.0", "torchaudio==2.10.0", "torchcodec==0.10.0"},
			left:  []string{"huggingface-hub"},
		},
		{
			name:  "torch 2.11: the newest side-cars are the ones built for it",
			lines: []string{"torch==2.11.0", "silero-vad", "torchcodec"},
			want:  []string{"silero-vad==5.1.2", "torch==2.11.0", "torchaudio==2.11.0", "torchcodec==0.11.1"},
			left:  []string{"huggingface-hub"},
		},
		{
			name:  "huggingface-hub listed by the user is written",
			lines: []string{"torch==2.11.0", "huggingface-hub"},
			want:  []string{"huggingface-hub==0.36.0", "torch==2.11.0"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := planLock(t, tc.lines, sidecarIndex())
			if !r.OK() {
				t.Fatalf("Lock: %v", r.Problems)
			}
			got := lineTexts(r)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.left, r.Preinstalled); diff != "" {
				t.Errorf("preinstalled left out (-want +got):\n%s", diff)
			}
		})
	}
}

// Without the pairing the lock would take torchaudio 2.11.0 for torch
// 2.10; with no torchaudio 2.10.0 on the index it must fail and say which
// torch would work: the nearest that does (2.11.0, not the highest).
func TestLockSidecarMissing(t *testing.T) {
	c := catalog.Default()
	in := &Input{Requirements: reqs(t, "torch==2.10.0", "silero-vad"), PythonVersion: "3.12", SDKVersion: "6.19.0"}
	r, err := Plan(context.Background(), in, Options{Catalog: c})
	if err != nil || !r.OK() {
		t.Fatalf("Plan: %v %v", err, r.Problems)
	}
	m := sidecarIndex()
	m.files["torchaudio"] = m.files["torchaudio"][1:] // only 2.11.0
	if err := r.Lock(context.Background(), c, in, LockOptions{Lister: m, Meta: m}); err != nil {
		t.Fatal(err)
	}
	if r.OK() {
		t.Fatalf("Lock succeeded: %v", r.Lines)
	}
	got := r.Problems[0].Fixes[0]
	want := "the index has no torchaudio built for torch 2.10.0 (torchaudio==2.10.0; it has 2.11.0): pin torch==2.11.0, whose torchaudio it has (or `zgpu deps resolve --torch 2.11.0`)"
	if got != want {
		t.Errorf("first fix:\n got %s\nwant %s", got, want)
	}
}

func TestMentionsPackage(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"root depends on torchaudio==2.8.0", true},
		{"torchaudio", true},
		{"torchaudio-extra 1.0", false},
		{"my_torchaudio", false},
		{"(torchaudio)", true},
	} {
		if got := mentionsPackage(tc.text, "torchaudio"); got != tc.want {
			t.Errorf("mentionsPackage(%q) = %v", tc.text, got)
		}
	}
}

// An override that loosens a dependency's requirement cannot hold on the
// Space (pip builds it); the error says so instead of only "remove".
func TestLockOverrideLoosening(t *testing.T) {
	c := catalog.Default()
	ov := reqs(t, "numpy>=2")[0]
	ov.Origin = "pyproject.toml:9"
	in := &Input{Requirements: reqs(t, "old"), Constraints: []Requirement{ov}, Overrides: []Requirement{ov}, PythonVersion: "3.12", SDKVersion: "6.19.0"}
	r, err := Plan(context.Background(), in, Options{Catalog: c})
	if err != nil || !r.OK() {
		t.Fatalf("Plan: %v %v", err, r.Problems)
	}
	m := sidecarIndex()
	m.add("old", "1.0", "numpy<2")
	m.add("numpy", "1.26.4")
	m.add("numpy", "2.1.0")
	if err := r.Lock(context.Background(), c, in, LockOptions{Lister: m, Meta: m}); err != nil {
		t.Fatal(err)
	}
	if r.OK() {
		t.Fatalf("Lock succeeded: %v", r.Lines)
	}
	fixes := strings.Join(r.Problems[0].Fixes, "\n")
	if !strings.Contains(fixes, "numpy>=2 (pyproject.toml:9) is a [tool.uv] override-dependencies entry") {
		t.Errorf("fixes do not explain the override:\n%s\nmessage: %s", fixes, r.Problems[0].Message)
	}
}

// torch is the highest allowed version that resolves: a dependency that
// caps torch, or an index without the newest torch, moves it down.
func TestLockTorchFallsBack(t *testing.T) {
	for _, tc := range []struct {
		name    string
		lines   []string
		index   func(*memIndex)
		want    string // the torch line's requirement
		problem string // substring, when no torch resolves
	}{
		{name: "a dependency caps torch", lines: []string{"torch", "capper"},
			index: func(m *memIndex) { m.add("torch", "2.9.1"); m.add("capper", "1.0", "torch<2.10") },
			want:  "torch==2.9.1"},
		{name: "the index lacks the newest torch", lines: []string{"torch"},
			index: func(m *memIndex) { m.files["torch"] = m.files["torch"][:1] }, // 2.10.0 only
			want:  "torch==2.10.0"},
		{name: "a range keeps the fallback inside it", lines: []string{"torch>=2.10", "capper"},
			index:   func(m *memIndex) { m.add("torch", "2.9.1"); m.add("capper", "1.0", "torch<2.10") },
			problem: "capper"},
		{name: "an exact pin never moves", lines: []string{"torch==2.11.0", "capper"},
			index:   func(m *memIndex) { m.add("torch", "2.9.1"); m.add("capper", "1.0", "torch<2.10") },
			problem: "capper"},
		{name: "only a dependency needs torch", lines: []string{"capper"},
			index: func(m *memIndex) { m.add("torch", "2.9.1"); m.add("capper", "1.0", "torch<2.10") },
			want:  "torch==2.9.1"},
		// A pin outside the allow-list moves to the nearest allowed
		// version that resolves: 2.8.0 is not on this index, 2.9.1 is.
		{name: "a repaired pin falls back to the next nearest", lines: []string{"torch==2.7.0"},
			index: func(m *memIndex) { m.add("torch", "2.9.1") },
			want:  "torch==2.9.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := sidecarIndex()
			tc.index(m)
			r := planLock(t, tc.lines, m)
			if tc.problem != "" {
				if r.OK() || !strings.Contains(r.Problems[0].Message, tc.problem) {
					t.Fatalf("want a problem naming %q, got lines %v problems %v", tc.problem, r.Lines, r.Problems)
				}
				return
			}
			if !r.OK() {
				t.Fatalf("Lock: %v", r.Problems)
			}
			var got string
			for _, l := range r.Lines {
				if l.Name == "torch" {
					got = l.Text
				}
			}
			if got != tc.want || r.Target.Torch != strings.TrimPrefix(tc.want, "torch==") {
				t.Errorf("torch line %q, target %s; want %q", got, r.Target.Torch, tc.want)
			}
			if !strings.Contains(strings.Join(r.Warnings, "\n"), "does not resolve with the dependencies") {
				t.Errorf("no warning about the fallback: %v", r.Warnings)
			}
		})
	}
}

// TestSettleTorchNoneResolves: when no torch candidate resolves, the
// answer is the preferred candidate's failure, naming the others tried,
// not the last one's; each candidate is checked with its own plan.
func TestSettleTorchNoneResolves(t *testing.T) {
	c := catalog.Default()
	for _, tc := range []struct {
		name, line, want string
	}{
		{"highest first", "torch>=2.10", "torch 2.13.0 does not resolve\n(with torch 2.13.0; the other allowed versions your requirements accept were tried too and do not resolve either: 2.12.1, 2.11.0, 2.10.0)"},
		{"nearest first", "torch==2.7.0", "torch 2.8.0 does not resolve\n(with torch 2.8.0; the other allowed versions your requirements accept were tried too and do not resolve either: 2.9.1, 2.10.0, 2.11.0, 2.12.1, 2.13.0)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &Input{Requirements: reqs(t, tc.line), PythonVersion: "3.12", SDKVersion: "6.19.0"}
			opts := Options{Catalog: c}
			first, choice, err := planChoice(context.Background(), in, opts)
			if err != nil || !first.OK() {
				t.Fatalf("Plan: %v %v", err, first.Problems)
			}
			var mu sync.Mutex
			var checked []string
			r, err := settleTorch(context.Background(), in, opts, first, choice, func(_ context.Context, r *Report) error {
				mu.Lock()
				checked = append(checked, r.Target.Torch)
				mu.Unlock()
				r.problem(Problem{Subject: "lock", Message: "torch " + r.Target.Torch + " does not resolve"})
				return nil
			})
			if err != nil || r.OK() {
				t.Fatalf("settleTorch: %v, problems %v", err, r.Problems)
			}
			if got := r.Problems[0].Message; got != tc.want {
				t.Errorf("problem:\n got %s\nwant %s", got, tc.want)
			}
			if r.Target.Torch != first.Target.Torch {
				t.Errorf("torch %s, want the preferred %s", r.Target.Torch, first.Target.Torch)
			}
			if len(checked) != len(choice.versions) {
				t.Errorf("checked %v, want every candidate once", checked)
			}
		})
	}
}

// TestSettleTorchFallbackAtOnce: after the preferred candidate fails
// alone, the others are checked at the same time (each waits here until
// all are running), and the earliest in order that resolves wins although
// it finishes last.
func TestSettleTorchFallbackAtOnce(t *testing.T) {
	c := catalog.Default()
	in := &Input{Requirements: reqs(t, "torch>=2.10"), PythonVersion: "3.12", SDKVersion: "6.19.0"}
	opts := Options{Catalog: c}
	first, choice, err := planChoice(context.Background(), in, opts)
	if err != nil || !first.OK() {
		t.Fatalf("Plan: %v %v", err, first.Problems)
	}
	var mu sync.Mutex
	running := 0
	all := make(chan struct{})
	r, err := settleTorch(context.Background(), in, opts, first, choice, func(ctx context.Context, r *Report) error {
		if r.Target.Torch == "2.13.0" { // the preferred one, checked alone
			r.problem(Problem{Subject: "lock", Message: "capper depends on torch<2.13"})
			return nil
		}
		mu.Lock()
		running++
		if running == 3 {
			close(all)
		}
		mu.Unlock()
		select {
		case <-all:
		case <-time.After(10 * time.Second):
			t.Errorf("torch %s: the other candidates were not checked at the same time", r.Target.Torch)
		}
		if r.Target.Torch == "2.12.1" {
			time.Sleep(50 * time.Millisecond) // resolves, last
			return nil
		}
		if r.Target.Torch == "2.11.0" {
			return nil // resolves, first in time
		}
		select { // 2.10.0: canceled once the answer is known
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Second):
			t.Errorf("torch %s: not canceled", r.Target.Torch)
			return nil
		}
	})
	if err != nil || !r.OK() || r.Target.Torch != "2.12.1" {
		t.Fatalf("got torch %s, %v, problems %v; want 2.12.1", r.Target.Torch, err, r.Problems)
	}
}

// TestSettleTorchUndecided: a later candidate whose check could not
// decide (--no-lock's "not verified") is not taken for one that resolves:
// a later decided one wins; with none, the earliest undecided one is the
// answer, and its warning says it was not verified.
func TestSettleTorchUndecided(t *testing.T) {
	c := catalog.Default()
	for _, tc := range []struct {
		name, resolves, want string
	}{
		{"a later one resolves", "2.11.0", "torch 2.13.0 does not resolve with the dependencies; torch 2.11.0 does"},
		{"none resolves", "", "torch 2.13.0 does not resolve with the dependencies; torch 2.12.1 was not verified"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &Input{Requirements: reqs(t, "torch>=2.10"), PythonVersion: "3.12", SDKVersion: "6.19.0"}
			opts := Options{Catalog: c}
			first, choice, err := planChoice(context.Background(), in, opts)
			if err != nil || !first.OK() {
				t.Fatalf("Plan: %v %v", err, first.Problems)
			}
			r, err := settleTorch(context.Background(), in, opts, first, choice, func(_ context.Context, r *Report) error {
				switch r.Target.Torch {
				case "2.13.0":
					r.problem(Problem{Subject: "lock", Message: "capper depends on torch<2.13"})
				case tc.resolves:
				default:
					r.decide("verify", "not verified", "the index lacks a release", "")
				}
				return nil
			})
			if err != nil || !r.OK() {
				t.Fatalf("settleTorch: %v, problems %v", err, r.Problems)
			}
			if !slices.ContainsFunc(r.Warnings, func(w string) bool { return strings.HasPrefix(w, tc.want) }) {
				t.Errorf("warnings %q, want one starting %q", r.Warnings, tc.want)
			}
		})
	}
}

// --no-emit-package leaves a package out of the file, but what it needs is
// still resolved and written, as uv export does; --prune drops that too.
func TestLockNoEmitKeepsDependencies(t *testing.T) {
	c := catalog.Default()
	for _, tc := range []struct {
		name  string
		prune []string
		want  []string
	}{
		{"no-emit", nil, []string{"regex==2024.1", "torch==2.10.0"}},
		{"prune", []string{"textlib"}, []string{"torch==2.10.0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := &Input{Requirements: reqs(t, "torch==2.10.0", "textlib"), PythonVersion: "3.12", SDKVersion: "6.19.0"}
			r, err := Plan(context.Background(), in, Options{Catalog: c, NoEmit: []string{"textlib"}})
			if err != nil || !r.OK() {
				t.Fatalf("Plan: %v %v", err, r.Problems)
			}
			m := sidecarIndex()
			m.add("textlib", "1.0", "regex")
			m.add("regex", "2024.1")
			if err := r.Lock(context.Background(), c, in, LockOptions{Lister: m, Meta: m, Prune: tc.prune}); err != nil {
				t.Fatal(err)
			}
			got := lineTexts(r)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

// --no-emit-package torch: the user's torch pin still decides the wheels,
// and no torch line is written.
func TestPlanNoEmitTorch(t *testing.T) {
	c := catalog.Default()
	in := &Input{Requirements: reqs(t, "torch==2.8.0", "flash-attn"), PythonVersion: "3.12", SDKVersion: "6.19.0"}
	r, err := Plan(context.Background(), in, Options{Catalog: c, NoEmit: []string{"torch"}, Finder: testFinder(c)})
	if err != nil || !r.OK() {
		t.Fatalf("Plan: %v %v", err, r.Problems)
	}
	if r.Target.Torch != "2.8.0" {
		t.Errorf("torch %s, want the user's 2.8.0", r.Target.Torch)
	}
	for _, l := range r.Lines {
		if l.Name == "torch" {
			t.Errorf("torch written: %q", l.Text)
		}
		if l.Name == "flash-attn" && !strings.Contains(l.Text, "torch2.8") {
			t.Errorf("flash-attn not for torch 2.8: %q", l.Text)
		}
	}
}

// An index of another CUDA build of torch would win over PyPI's (a local
// version sorts higher): it is dropped; the matching one stays.
func TestPlanDropsTorchIndexes(t *testing.T) {
	c := catalog.Default()
	opts := []string{
		"--extra-index-url https://download.pytorch.org/whl/cu126",
		"--extra-index-url https://download.pytorch.org/whl/cu128",
		"--find-links https://download.pytorch.org/whl/torch_stable.html",
		"--extra-index-url https://download.pytorch.org/whl/cpu",
		"--extra-index-url https://download.pytorch.org/whl/cu130",
		"--index-url https://pypi.org/simple",
	}
	in := &Input{Requirements: reqs(t, "torch==2.8.0", "torchaudio"), Options: opts, PythonVersion: "3.12", SDKVersion: "6.19.0"}
	r, err := Plan(context.Background(), in, Options{Catalog: c})
	if err != nil || !r.OK() {
		t.Fatalf("Plan: %v %v", err, r.Problems)
	}
	// cu128 and cu130 builds have sm_120 kernels, but no line needs them
	// once torch and torchaudio come from PyPI (issue 10); torch_stable.html
	// lists every build and pip takes the highest: left alone.
	want := []string{
		"--find-links https://download.pytorch.org/whl/torch_stable.html",
		"--index-url https://pypi.org/simple",
	}
	if diff := cmp.Diff(want, r.Options); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
	// Without torch in the plan, index lines are the user's business.
	in = &Input{Requirements: reqs(t, "numpy"), Options: opts, PythonVersion: "3.12"}
	r, _ = Plan(context.Background(), in, Options{Catalog: c})
	if diff := cmp.Diff(opts, r.Options); diff != "" {
		t.Errorf("without torch, options (-want +got):\n%s", diff)
	}
}

func TestRegistryRepo(t *testing.T) {
	p := &planner{c: catalog.Default()}
	for _, tc := range []struct{ url, want string }{
		{"git+https://github.com/NVlabs/nvdiffrast.git", "nvdiffrast"},
		{"git+https://github.com/NVlabs/nvdiffrast.git@729261dc64c4241ea36efda84fbf532cc8b425b8", "nvdiffrast"},
		{"git+https://github.com/facebookresearch/pytorch3d.git@stable#subdirectory=x", "pytorch3d"},
		{"git+https://github.com/huggingface/accelerate.git", ""},
		{"git+https://github.com/NVIDIA/apex", "apex"}, // the real apex: a CUDA build
		{"", ""},
	} {
		if got := p.registryRepo(tc.url); got != tc.want {
			t.Errorf("registryRepo(%q) = %q, want %q", tc.url, got, tc.want)
		}
	}
}

// A uv.lock export resolved with another gradio than sdk_version's is
// reported, and a pin that breaks the old SDK's rules is a problem.
func TestPlanLockAgainstSDK(t *testing.T) {
	c := catalog.Default()
	lines := reqs(t, "starlette==0.46.2", "numpy==2.1.0")
	for i := range lines {
		lines[i].Locked, lines[i].Origin = true, "uv.lock"
	}
	in := &Input{Requirements: lines, Locked: true, LockedGradio: "5.38.2", SDKVersion: "4.44.1", SDKVersionOrigin: "README.md:5", PythonVersion: "3.12"}
	r, err := Plan(context.Background(), in, Options{Catalog: c})
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || !strings.Contains(r.Problems[0].Message, "starlette==0.46.2 conflicts with the Gradio 4.44.1 SDK") {
		t.Errorf("problems %v, want starlette's conflict", r.Problems)
	}
	if !strings.Contains(strings.Join(r.Warnings, "\n"), "uv.lock was resolved with gradio 5.38.2, but the platform installs gradio 4.44.1") {
		t.Errorf("warnings %v", r.Warnings)
	}
	in.SDKVersion, in.LockedGradio = "5.38.2", "5.38.2"
	r, _ = Plan(context.Background(), in, Options{Catalog: c})
	if !r.OK() || len(r.Warnings) > 0 {
		t.Errorf("gradio 5.38.2 both ways: problems %v warnings %v", r.Problems, r.Warnings)
	}
}

// A version pin that rules out every fitting wheel: the fix names the
// version that has one.
func TestNoWheelFixNamesVersion(t *testing.T) {
	c := catalog.Default()
	in := &Input{Requirements: reqs(t, "torch==2.8.0", "flash-attn==2.7.3"), PythonVersion: "3.12"}
	// Without --strict the pin moves (TestPinMove); --strict names the move.
	r, err := Plan(context.Background(), in, Options{Catalog: c, Finder: testFinder(c), Strict: true})
	if err != nil || r.OK() {
		t.Fatalf("Plan: %v, problems %v", err, r.Problems)
	}
	want := "pin flash-attn==2.8.3, the nearest version with a wheel that fits (flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl)"
	if got := r.Problems[0].Fixes; len(got) == 0 || got[0] != want {
		t.Errorf("fixes %q, want first %q", got, want)
	}
}

// Dead ends get specific fixes: an sdist-only package, a package the index
// lacks; the generic "several must change together" goes.
func TestLockDeadEndFixes(t *testing.T) {
	c := catalog.Default()
	for _, tc := range []struct {
		line, want string
		strict     bool // an sdist-only package is a repair (TestLockPinsSdistOnly), refused under --strict
	}{
		{"xatlas", "xatlas is not on the index: add the index that has it", false},
		{"pure", "pure is published only as an sdist: if it is pure Python (no CUDA code), `--allow-sdist`", true},
		{"numpy==9.9", "numpy==9.9 (requirements.txt:2): the index has no such wheel for the target; it has wheels of 2.1.0 for the target: change the requirement", false},
	} {
		in := &Input{Requirements: reqs(t, "torch==2.10.0", tc.line), PythonVersion: "3.12", SDKVersion: "6.19.0"}
		r, err := Plan(context.Background(), in, Options{Catalog: c, Strict: tc.strict})
		if err != nil || !r.OK() {
			t.Fatalf("Plan: %v %v", err, r.Problems)
		}
		m := sidecarIndex()
		m.files["pure"] = []index.File{{Filename: "pure-1.0.tar.gz", URL: "https://files.test/pure-1.0.tar.gz"}}
		m.add("numpy", "2.1.0")
		if err := r.Lock(context.Background(), c, in, LockOptions{Lister: m, Meta: m, Strict: tc.strict}); err != nil {
			t.Fatal(err)
		}
		if r.OK() {
			t.Fatal("Lock succeeded")
		}
		fixes := strings.Join(r.Problems[0].Fixes, "\n")
		if !strings.Contains(fixes, tc.want) {
			t.Errorf("%s: fixes lack %q:\n%s\nderivation: %s", tc.line, tc.want, fixes, r.Problems[0].Message)
		}
		if strings.Contains(fixes, "several of them must change together") {
			t.Errorf("%s: generic fix kept:\n%s", tc.line, fixes)
		}
	}
}

// A package published only as an sdist that is not a CUDA package is
// pinned to its sdist (the Space's pip builds it), with a note and a
// repair; a CUDA package's sdist never is (noCUDASdists).
func TestLockPinsSdistOnly(t *testing.T) {
	c := catalog.Default()
	for _, tc := range []struct {
		line   string
		pinned string // "" for a refusal
	}{
		{"pure", "pure==1.0"},
		{"flash-attn", ""},
	} {
		in := &Input{Requirements: reqs(t, "torch==2.10.0", tc.line), PythonVersion: "3.12", SDKVersion: "6.19.0"}
		r, err := Plan(context.Background(), in, Options{Catalog: c})
		if err != nil {
			t.Fatal(err)
		}
		m := sidecarIndex()
		m.files[tc.line] = []index.File{{Filename: tc.line + "-1.0.tar.gz", URL: "https://files.test/" + tc.line + "-1.0.tar.gz"}}
		if err := r.Lock(context.Background(), c, in, LockOptions{Lister: m, Meta: m}); err != nil {
			t.Fatal(err)
		}
		if tc.pinned == "" {
			if r.OK() && slices.Contains(lineTexts(r), tc.line+"==1.0") {
				t.Errorf("%s: the sdist of a CUDA package was pinned: %v", tc.line, lineTexts(r))
			}
			continue
		}
		if !r.OK() {
			t.Fatalf("%s: Lock: %v", tc.line, r.Problems)
		}
		var line Line
		for _, l := range r.Lines {
			if l.Name == tc.line {
				line = l
			}
		}
		if line.Text != tc.pinned || !strings.Contains(line.Reason, "published only as an sdist") {
			t.Errorf("%s: line %+v, want %s with a note", tc.line, line, tc.pinned)
		}
		if len(r.Repairs) != 1 || r.Repairs[0].Subject != tc.line {
			t.Errorf("%s: repairs %+v", tc.line, r.Repairs)
		}
		if w := strings.Join(r.Warnings, "\n"); !strings.Contains(w, "the dependencies of "+tc.line+" are not pinned") {
			t.Errorf("%s: warnings %s", tc.line, w)
		}
	}
}

// With ranges kept, an old Gradio SDK's rules become lines (gradio pulls
// the packages in anyway; the line picks their versions); a user line
// that excludes them is a problem; -c pins of platform packages warn.
func TestPlanSDKRules(t *testing.T) {
	c := catalog.Default()
	cons := reqs(t, "spaces==0.28.3")
	cons[0].Origin = "constraints.txt:1"
	in := &Input{Requirements: reqs(t, "numpy", "jinja2", "starlette>=0.30"), Constraints: cons, PythonVersion: "3.12", SDKVersion: "4.44.1"}
	r, err := Plan(context.Background(), in, Options{Catalog: c})
	if err != nil || !r.OK() {
		t.Fatalf("Plan: %v %v", err, r.Problems)
	}
	got := lineTexts(r)
	want := []string{"huggingface-hub<1.0", "jinja2<3.2", "numpy", "starlette<0.40,>=0.30"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if !strings.Contains(strings.Join(r.Warnings, "\n"), "constraints.txt:1: the constraint spaces==0.28.3 names a package the platform installs itself") {
		t.Errorf("warnings: %v", r.Warnings)
	}
	in.Requirements = reqs(t, "starlette==0.46.2")
	r, _ = Plan(context.Background(), in, Options{Catalog: c})
	if r.OK() || !strings.Contains(r.Problems[0].Message, "starlette==0.46.2 conflicts with the Gradio 4.44.1 SDK") {
		t.Errorf("problems: %v", r.Problems)
	}
}

// An allowed torch pin in pre-requirements.txt must agree with the torch
// chosen; one outside the allow-list is repaired: the written file pins
// the torch chosen, which the builder installs over it, with a warning.
func TestPlanPreTorch(t *testing.T) {
	c := catalog.Default()
	for _, tc := range []struct{ pre, problem, warning string }{
		{"torch==2.9.1", "pre-requirements.txt pins torch==2.9.1, but the Space needs torch 2.11.0", ""},
		{"torch==2.6.0", "", "pre-requirements.txt:1: torch==2.6.0 in pre-requirements.txt is not allowed on ZeroGPU: the written file pins torch==2.11.0, which the builder installs over it"},
	} {
		pre := reqs(t, tc.pre)
		pre[0].Origin = "pre-requirements.txt:1"
		in := &Input{Requirements: reqs(t, "numpy"), Pre: pre, PythonVersion: "3.12"}
		r, err := Plan(context.Background(), in, Options{Catalog: c, Torch: "2.11.0"})
		if err != nil {
			t.Fatal(err)
		}
		if tc.problem != "" {
			if r.OK() || !strings.Contains(r.Error(), tc.problem) {
				t.Errorf("%s: problems %v, want %q", tc.pre, r.Problems, tc.problem)
			}
			continue
		}
		if !r.OK() || !strings.Contains(strings.Join(r.Warnings, "\n"), tc.warning) || !slices.Contains(lineTexts(r), "torch==2.11.0") {
			t.Errorf("%s: problems %v, warnings %q, lines %q; want torch==2.11.0 written and %q", tc.pre, r.Problems, r.Warnings, lineTexts(r), tc.warning)
		}
	}
}

func TestAllowedSpelling(t *testing.T) {
	allowed := catalog.Default().AllowedTorch()
	for _, tc := range []struct{ in, want string }{
		{"2.10", "2.10.0"}, {"2.10.0", "2.10.0"}, {"2.9", "2.9.1"}, {"2.9.1", "2.9.1"},
		{"2.8.0+cu128", "2.8.0"}, {"2.9.0", ""}, {"2.7", ""}, {"2.11.0.post1", ""},
	} {
		got, ok := allowedSpelling(allowed, pep440.MustParse(tc.in))
		if (tc.want == "") == ok || (ok && got.String() != tc.want) {
			t.Errorf("allowedSpelling(%s) = %s, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

// A wheel zgpu chose earlier (its "# zgpu:" comment kept) is chosen again
// when the Space's Python changes; so is the user's own wheel (issue 10:
// swapped for the same version's wheel, not refused).
func TestPlanRepicksOwnWheel(t *testing.T) {
	c := catalog.Default()
	line := "flash-attn @ " + ghFA + "flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp310-cp310-linux_x86_64.whl"
	for _, tc := range []struct {
		comment string
		ok      bool
	}{
		{"prebuilt wheel for cp310, CUDA 12, torch 2.8, C++11 ABI TRUE, from github.com", true},
		{"", true},
	} {
		rs := reqs(t, "torch==2.8.0", line)
		rs[1].Comment = tc.comment
		in := &Input{Requirements: rs, PythonVersion: "3.12"}
		r, err := Plan(context.Background(), in, Options{Catalog: c, Finder: testFinder(c)})
		if err != nil {
			t.Fatal(err)
		}
		if r.OK() != tc.ok {
			t.Errorf("comment %q: OK %v, problems %v", tc.comment, r.OK(), r.Problems)
			continue
		}
		if tc.ok && !strings.Contains(r.Lines[0].Text, "cp312-cp312") {
			t.Errorf("not re-picked for cp312: %v", r.Lines)
		}
	}
}

// TestLockBuilderSet: the lock co-resolves requirements.txt with exactly
// what the builder installs in the same pip call (torch<=2.13.0,
// gradio[oauth,mcp]==sdk_version, uvicorn, websockets, spaces==0.51.3):
// gradio's mcp extra caps pydantic, the builder's torch constrains what
// torch needs even when the Space lists no torch, and what only the
// builder needs (torch here) is not written.
func TestLockBuilderSet(t *testing.T) {
	index := func() *memIndex {
		m := &memIndex{}
		m.add("torch", "2.12.1", "sympy>=1.13.3")
		m.add("torch", "2.13.0", "sympy>=1.13.3")
		m.add("sympy", "1.12")
		m.add("sympy", "1.14.0")
		m.add("gradio", "6.19.0", "huggingface-hub>=0.30", `pydantic<=2.12.5,>=2.11.10; extra == "mcp"`, `authlib; extra == "oauth"`)
		m.add("huggingface-hub", "0.36.0")
		m.add("pydantic", "2.12.5")
		m.add("pydantic", "2.13.5")
		m.add("authlib", "1.6.5")
		m.addBuilder()
		return m
	}
	for _, tc := range []struct {
		name    string
		lines   []string
		want    []string // the lines written; nil: a problem naming problem
		problem string
	}{
		{"pydantic capped by gradio[mcp]; torch not written", []string{"pydantic"}, []string{"authlib==1.6.5", "pydantic==2.12.5"}, ""},
		{"a pydantic pin above the cap", []string{"pydantic==2.13.5"}, nil, "pydantic"},
		{"a pin that only the builder's torch rules out", []string{"sympy==1.12"}, nil, "torch<=2.13.0 (the platform's builder)"},
		{"torch listed: written", []string{"torch"}, []string{"authlib==1.6.5", "pydantic==2.12.5", "sympy==1.14.0", "torch==2.13.0"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := planLock(t, tc.lines, index())
			if tc.want == nil {
				if r.OK() || !strings.Contains(r.Problems[0].Message, tc.problem) {
					t.Fatalf("want a problem naming %s, got %v", tc.problem, r.Problems)
				}
				t.Log(r.Problems[0].String())
				return
			}
			if !r.OK() {
				t.Fatalf("Lock: %v", r.Problems)
			}
			got := lineTexts(r)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNearestFirst: the side-car fix tries the allowed torches nearest to
// the chosen one first, the higher of two as near.
func TestNearestFirst(t *testing.T) {
	var all []pep440.Version
	for _, s := range []string{"2.8.0", "2.9.1", "2.10.0", "2.11.0", "2.12.1", "2.13.0"} {
		all = append(all, pep440.MustParse(s))
	}
	for _, tc := range []struct{ t, want string }{
		{"2.10.0", "2.11.0 2.9.1 2.12.1 2.8.0 2.13.0"},
		{"2.8.0", "2.9.1 2.10.0 2.11.0 2.12.1 2.13.0"},
		{"2.13.0", "2.12.1 2.11.0 2.10.0 2.9.1 2.8.0"},
		{"2.7.0", "2.8.0 2.9.1 2.10.0 2.11.0 2.12.1 2.13.0"},
		{"2.9.5", "2.10.0 2.9.1 2.11.0 2.8.0 2.12.1 2.13.0"},
	} {
		var got []string
		for _, v := range nearestFirst(all, pep440.MustParse(tc.t)) {
			got = append(got, v.String())
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("nearestFirst(%s) = %s, want %s", tc.t, g, tc.want)
		}
	}
}
