package lock_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/internal/testonly/shared"
	"github.com/zgpu/zgpu/lock"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/pypi"
	"github.com/zgpu/zgpu/resolver"
)

// pipResolve runs pip's resolver (tools/pip_metadata_only.py, CPython 3.12)
// against the fake index and returns name -> version, or "" and pip's
// message when it finds no solution.
func pipResolve(t *testing.T, python, indexURL string, reqs, constraints []string) (map[string]string, string) {
	t.Helper()
	dir := t.TempDir()
	if len(constraints) > 0 {
		c := filepath.Join(dir, "constraints.txt")
		if err := os.WriteFile(c, []byte(strings.Join(constraints, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		reqs = append([]string{"-c", c}, reqs...)
	}
	report := filepath.Join(dir, "r.json")
	args := []string{filepath.Join(shared.Dir(t, "tools"), "pip_metadata_only.py"),
		"install", "--dry-run", "--ignore-installed", "--quiet", "--report", report,
		"--only-binary=:all:", "--index-url", indexURL, "--python-version", "3.12",
		"--target", filepath.Join(dir, "target"), "--disable-pip-version-check", "--no-cache-dir"}
	for g := 28; g >= 5; g-- {
		args = append(args, "--platform", fmt.Sprintf("manylinux_2_%d_x86_64", g))
	}
	args = append(args, "--platform", "manylinux2014_x86_64", "--platform", "manylinux2010_x86_64", "--platform", "manylinux1_x86_64")
	args = append(args, reqs...)
	cmd := exec.Command(python, args...)
	cmd.Env = append(os.Environ(), "PIP_CONFIG_FILE=/dev/null", "PIP_NO_INPUT=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "ResolutionImpossible") || strings.Contains(string(out), "No matching distribution") {
			return nil, string(out)
		}
		t.Fatalf("pip: %v\n%s", err, out)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Install []struct {
			Metadata struct {
				Name    string `json:"name"`
				Version string `json:"version"`
			} `json:"metadata"`
		} `json:"install"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range r.Install {
		got[pep508.NormalizeName(p.Metadata.Name)] = p.Metadata.Version
	}
	return got, ""
}

// pipRequest is the resolver request of a pip run: reqs, constraints as
// from a -c constraints.txt, the marker environment of CPython python on
// Linux, and no suggestions (pip makes none).
func pipRequest(t *testing.T, python string, reqs, constraints []string) resolver.Request {
	t.Helper()
	req := request(t, reqs...)
	for _, cs := range constraints {
		r, err := pep508.ParseRequirement(cs)
		if err != nil {
			t.Fatal(err)
		}
		req.Constraints = append(req.Constraints, resolver.Requirement{Requirement: r, Origin: "constraints.txt"})
	}
	req.Env = pep508.LinuxEnv(python)
	req.NoSuggestions = true
	return req
}

var livePip = flag.Bool("pip", shared.Recording(), "run pip (CPython 3.12) live and rewrite testdata/pip-results.json (default with ZGPU_PIPORACLE=1)")

// pipCase is one requirement set and what pip resolved it to (nil: no
// solution).
type pipCase struct {
	Requirements []string          `json:"requirements"`
	Constraints  []string          `json:"constraints,omitempty"`
	Python       string            `json:"python"`
	Pins         map[string]string `json:"pins"`
}

// pipConstraints are the -c lines of some cases, by the case's first
// requirement set index.
var pipConstraints = map[int][]string{
	10: {"pydantic<2.12", "starlette<0.47", "scipy<1.15"},
	11: {"numpy<2", "torch==2.5.1"},
}

var pipCases = [][]string{
	{"torch", "transformers", "accelerate"},
	{"gradio", "spaces"},
	{"diffusers", "torch==2.5.1", "transformers", "accelerate", "safetensors"},
	{"gradio>=4.44,<5", "spaces", "torch==2.4.1", "transformers<4.46", "peft", "bitsandbytes", "sentencepiece"},
	{"gradio==5.8.0", "torch==2.6.0", "torchvision", "diffusers", "transformers", "accelerate", "einops", "opencv-python-headless", "pillow<11", "numpy<2"},
	{"transformers==4.46.3", "tokenizers>=0.21"},
	{"torch==2.4.1", "triton==3.1.0"},
	{"datasets", "huggingface-hub<1"},
	{"fastapi[standard]", "uvicorn"},
	{"transformers[torch]", "numpy<2"},
	{"gradio", "spaces"},
	{"sentence-transformers", "accelerate"},
	{"pandas", "matplotlib", "scipy<1.15", "wandb", "protobuf<5"},
	{"uvicorn[standard]", "fastapi<0.116", "pydantic==2.7.4"},
	{"timm", "peft", "torch==2.6.0", "bitsandbytes", "xformers"},
	{"openai", "librosa", "soundfile", "onnxruntime", "opencv-python", "numpy<2"},
	{"transformers<4.45", "huggingface-hub>=1"},
}

const pipResults = "testdata/pip-results.json"

// TestDifferentialPip compares complete pin sets with pip 23.2's (CPython
// 3.12.1, the mirror README's setup, run through
// tools/pip_metadata_only.py) on the same fake index, or that both find no
// solution. pip's answers are recorded in testdata/pip-results.json; -pip
// runs pip again (minutes) and rewrites them.
func TestDifferentialPip(t *testing.T) {
	s := fakes.PyPI(t, "")
	var cases []pipCase
	if *livePip {
		python := shared.PythonVersion(t, "3.12")
		out, err := exec.Command(python, "-c", "import platform; print(platform.python_version())").Output()
		if err != nil {
			t.Fatalf("python 3.12: %v", err)
		}
		for i, reqs := range pipCases {
			pins, _ := pipResolve(t, python, s.URL, reqs, pipConstraints[i])
			cases = append(cases, pipCase{Requirements: reqs, Constraints: pipConstraints[i], Python: strings.TrimSpace(string(out)), Pins: pins})
		}
		data, _ := json.MarshalIndent(cases, "", "  ")
		if err := os.WriteFile(pipResults, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	} else {
		data, err := os.ReadFile(pipResults)
		if err != nil {
			t.Fatalf("%v (run go test -run TestDifferentialPip -pip)", err)
		}
		if err := json.Unmarshal(data, &cases); err != nil {
			t.Fatal(err)
		}
	}
	c := fetch.New(fetch.Config{MaxRetries: -1})
	ix, rd := pypi.New(s.URL, c), pypi.NewReader(c)
	agree := 0
	for _, pc := range cases {
		name := strings.Join(pc.Requirements, " ")
		if len(pc.Constraints) > 0 {
			name += " -c " + strings.Join(pc.Constraints, " ")
		}
		t.Run(name, func(t *testing.T) {
			req := pipRequest(t, pc.Python, pc.Requirements, pc.Constraints)
			res, err := lock.Lock(context.Background(), ix, rd, lock.Options{Target: target}, req)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case pc.Pins == nil && res.Unsat == nil:
				t.Fatalf("pip found no solution, zgpu did: %v", pins(res))
			case pc.Pins != nil && res.Unsat != nil:
				t.Fatalf("zgpu found no solution, pip did: %v\n%s", pc.Pins, res.Unsat)
			case pc.Pins != nil:
				if diff := cmp.Diff(pc.Pins, pins(res)); diff != "" {
					t.Fatalf("pins (-pip +zgpu):\n%s", diff)
				}
			}
			agree++
		})
	}
	t.Logf("%d of %d requirement sets agree with pip", agree, len(cases))
}
