package difftest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/internal/testonly/validate"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/project"
	"github.com/zgpu/zgpu/wheeltags"
)

// pythons are the target interpreters: the minor version (for
// shared.PythonVersion) and the full version pip reports and zgpu's
// marker environment uses. The full version is recorded with pip's answers.
var pythons = []string{"3.12", "3.10"}

// glibc is the newest manylinux of the target, as in the mirror README's pip
// runs (--platform manylinux_2_28_x86_64 and older).
var glibc = [2]int{2, 28}

func target(minor string) wheeltags.Target {
	var t wheeltags.Target
	fmt.Sscanf(minor, "%d.%d", &t.Python[0], &t.Python[1])
	t.Glibc = glibc
	return t
}

// testCase is one requirement set resolved for one target Python.
type testCase struct {
	ID           string   `json:"id"` // "corpus/003-rasopathy-rephrase@3.12", "gen/07@3.10"
	Kind         string   `json:"kind"`
	Python       string   `json:"python"` // minor version
	Requirements []string `json:"requirements"`
	Constraints  []string `json:"constraints,omitempty"`
	Note         string   `json:"note,omitempty"`
}

// corpusSkip says why a corpus project is not compared.
type corpusSkip struct {
	Project string
	Reason  string
}

// spaceSections are the lists a Space build installs: requirements.txt and
// pre-requirements.txt. A project with neither is installed from its
// pyproject.toml's project.dependencies.
var spaceSections = map[string]bool{"requirements.txt": true, "pre-requirements.txt": true}

// corpusCases returns a case per target for every corpus project whose
// applicable requirements all name projects in the mirror. Requirements that
// apply are those of requirements.txt and pre-requirements.txt (else
// project.dependencies) whose markers hold on the target. Direct URL and
// editable requirements cannot come from the mirror: they are dropped and
// the case's Kind is "corpus-nourl".
func corpusCases(t testing.TB, corpus string, m *validate.Mirror) ([]testCase, []corpusSkip) {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(corpus, "*"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []testCase
	var skips []corpusSkip
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		name := filepath.Base(dir)
		p, err := project.Load(dir, project.LoadOptions{})
		if err != nil {
			skips = append(skips, corpusSkip{name, fmt.Sprintf("does not load: %v", err)})
			continue
		}
		fromReqs := false
		for _, r := range p.Requirements {
			fromReqs = fromReqs || spaceSections[r.Section]
		}
		for _, py := range pythons {
			env := pep508.LinuxEnv(py + ".0")
			var reqs, cons, missing, urls []string
			for _, r := range p.Requirements {
				if fromReqs != spaceSections[r.Section] || (!fromReqs && r.Section != "project.dependencies") {
					continue
				}
				if r.Req.Marker != nil && !r.Req.Marker.Evaluate(env) {
					continue
				}
				if r.Req.URL != "" || r.Editable {
					urls = append(urls, r.Raw)
					continue
				}
				if !m.Has(r.Req.Name) {
					missing = append(missing, r.Req.Key())
					continue
				}
				if r.Constraint {
					cons = append(cons, r.Req.String())
				} else {
					reqs = append(reqs, r.Req.String())
				}
			}
			switch {
			case len(missing) > 0:
				if py == pythons[0] {
					skips = append(skips, corpusSkip{name, fmt.Sprintf("not in the mirror: %s", strings.Join(dedupe(missing), ", "))})
				}
				continue
			case len(reqs) == 0:
				if py == pythons[0] {
					skips = append(skips, corpusSkip{name, "no requirement applies"})
				}
				continue
			}
			c := testCase{ID: "corpus/" + name + "@" + py, Kind: "corpus", Python: py, Requirements: reqs, Constraints: cons}
			if len(urls) > 0 {
				c.Kind = "corpus-nourl"
				c.Note = "direct URL and editable requirements dropped: " + strings.Join(dedupe(urls), " ")
			}
			cases = append(cases, c)
		}
	}
	return cases, skips
}

func dedupe(ss []string) []string {
	sort.Strings(ss)
	out := ss[:0]
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// genSeeds is how many requirement sets are generated; every fourth is made
// unsatisfiable on purpose.
const genSeeds = 32

// generatedCases draws requirement sets from the mirror with fixed seeds:
// 3 to 12 projects that have a wheel for every target, each bare or with a
// specifier built from its real versions (>=, <, ==, !=, ~=, or a range).
// Every fourth set also pins a release of one chosen project together with
// a version of one of its dependencies that the release's metadata excludes,
// a conflict only the dependency graph reveals.
func generatedCases(t testing.TB, m *validate.Mirror) []testCase {
	t.Helper()
	pool := installablePool(t, m)
	var cases []testCase
	for seed := 1; seed <= genSeeds; seed++ {
		rng := rand.New(rand.NewPCG(uint64(seed), 0x5a6b7c))
		n := 3 + rng.IntN(10)
		perm := rng.Perm(len(pool))
		var reqs []string
		kind, note := "generated", ""
		for _, i := range perm[:n] {
			reqs = append(reqs, randomRequirement(rng, pool[i]))
		}
		if seed%4 == 0 {
			kind = "generated-unsat"
			for _, i := range perm[n:] {
				if a, b, why, ok := conflict(rng, m, pool[i]); ok {
					reqs = append(reqs, a, b)
					note = why
					break
				}
			}
		}
		for _, py := range pythons {
			cases = append(cases, testCase{ID: fmt.Sprintf("gen/%02d@%s", seed, py), Kind: kind, Python: py, Requirements: reqs, Note: note})
		}
	}
	byName := map[string]poolEntry{}
	for _, e := range pool {
		byName[e.name] = e
	}
	var ml []poolEntry
	for _, name := range mlProjects {
		if e, ok := byName[name]; ok {
			ml = append(ml, e)
		}
	}
	for seed := 1; seed <= mlSeeds; seed++ {
		rng := rand.New(rand.NewPCG(uint64(seed), 0x6d6c))
		n := 3 + rng.IntN(6)
		var reqs []string
		for _, i := range rng.Perm(len(ml))[:n] {
			reqs = append(reqs, randomRequirement(rng, ml[i]))
		}
		for _, py := range pythons {
			cases = append(cases, testCase{ID: fmt.Sprintf("ml/%02d@%s", seed, py), Kind: "generated-ml", Python: py, Requirements: reqs})
		}
	}
	return cases
}

// mlSeeds is how many requirement sets are drawn from mlProjects.
const mlSeeds = 24

// mlProjects are the packages of a typical ZeroGPU Space (the mirror
// README's key packages): sets drawn from them are dense in shared
// dependencies and exact pins (torch and torchvision, transformers and
// tokenizers, gradio and gradio-client), where resolvers backtrack and
// can choose differently.
var mlProjects = []string{
	"torch", "torchvision", "torchaudio", "triton", "transformers", "diffusers", "accelerate", "peft",
	"bitsandbytes", "xformers", "tokenizers", "safetensors", "huggingface-hub", "gradio", "gradio-client",
	"spaces", "fastapi", "starlette", "pydantic", "numpy", "pillow", "opencv-python", "einops",
	"sentencepiece", "datasets", "timm", "scipy", "protobuf", "sentence-transformers", "matplotlib",
}

// poolEntry is a mirror project with its versions that have a wheel for
// every target.
type poolEntry struct {
	name     string
	versions []pep440.Version
}

func installablePool(t testing.TB, m *validate.Mirror) []poolEntry {
	t.Helper()
	names, err := m.Projects()
	if err != nil {
		t.Fatal(err)
	}
	var pool []poolEntry
	for _, name := range names {
		vs, err := m.Versions(name)
		if err != nil {
			t.Fatal(err)
		}
		var ok []pep440.Version
		for _, v := range vs {
			if installsEverywhere(m.Wheels(name, v)) {
				ok = append(ok, v)
			}
		}
		if len(ok) > 0 {
			pool = append(pool, poolEntry{name, ok})
		}
	}
	return pool
}

func installsEverywhere(wheels []string) bool {
	for _, py := range pythons {
		found := false
		for _, f := range wheels {
			if w, err := wheeltags.ParseWheelFilename(f); err == nil {
				if _, ok := target(py).Rank(w.Tags); ok {
					found = true
					break
				}
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// randomRequirement returns the project bare or with a specifier drawn from
// its versions that admits at least one of them (a few draws, else bare).
func randomRequirement(rng *rand.Rand, e poolEntry) string {
	for range 4 {
		s := randomSpecifier(rng, e)
		r, err := pep508.ParseRequirement(s)
		if err == nil && len(r.Specifiers.Filter(e.versions, true)) > 0 {
			return s
		}
	}
	return e.name
}

func randomSpecifier(rng *rand.Rand, e poolEntry) string {
	vs := e.versions
	v := vs[rng.IntN(len(vs))]
	switch rng.IntN(8) {
	case 0, 1, 2:
		return e.name
	case 3:
		return e.name + ">=" + v.String()
	case 4:
		return e.name + "<" + v.String()
	case 5:
		return e.name + "==" + v.String()
	case 6:
		return e.name + "!=" + v.String()
	default:
		if r := v.Release(); len(r) >= 2 && rng.IntN(2) == 0 {
			return e.name + "~=" + v.String()
		}
		w := vs[rng.IntN(len(vs))]
		if w.Less(v) {
			v, w = w, v
		}
		if v.Equal(w) {
			return e.name + "<=" + v.String()
		}
		return e.name + ">=" + v.String() + ",<" + w.String()
	}
}

// conflict looks for a release of e with a dependency (unconditional on
// Linux, outside extras) whose specifier excludes some listed version of
// the dependency, and returns the two pins.
func conflict(rng *rand.Rand, m *validate.Mirror, e poolEntry) (a, b, why string, ok bool) {
	v := e.versions[rng.IntN(len(e.versions))]
	wheels := m.Wheels(e.name, v)
	if len(wheels) == 0 {
		return "", "", "", false
	}
	md, err := m.Metadata(wheels[0])
	if err != nil {
		return "", "", "", false
	}
	env := pep508.LinuxEnv("3.10.0")
	for _, s := range md.RequiresDist {
		r, err := pep508.ParseRequirement(s)
		if err != nil || len(r.Specifiers) == 0 || (r.Marker != nil && !r.Marker.Evaluate(env)) {
			continue
		}
		dvs, err := m.Versions(r.Key())
		if err != nil {
			continue
		}
		for _, dv := range dvs {
			if !r.Specifiers.Contains(dv, true) {
				return e.name + "==" + v.String(), r.Key() + "==" + dv.String(),
					fmt.Sprintf("%s %s requires %s", e.name, v, r.String()), true
			}
		}
	}
	return "", "", "", false
}
