package difftest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/internal/testonly/shared"
	"github.com/zgpu/zgpu/internal/testonly/validate"
	"github.com/zgpu/zgpu/pep508"
)

// TestCorpusSelection checks which corpus projects the differential test
// compares, on a few projects whose fate is known from their files.
func TestCorpusSelection(t *testing.T) {
	m := validate.Open(shared.Dir(t, "mirror"))
	cases, skips := corpusCases(t, shared.Dir(t, "corpus"), m)
	kinds := map[string]string{}
	for _, c := range cases {
		kinds[c.ID] = c.Kind
	}
	reasons := map[string]string{}
	for _, s := range skips {
		reasons[s.Project] = s.Reason
	}
	want := map[string]string{
		"corpus/052-realtime-whisper-turbo@3.12": "corpus",       // transformers scipy accelerate
		"corpus/052-realtime-whisper-turbo@3.10": "corpus",       //
		"corpus/030-dia@3.12":                    "corpus",       // pyproject project.dependencies only
		"corpus/020-glm-ocr-demo@3.12":           "corpus-nourl", // flash-attn from a wheel URL
	}
	for id, kind := range want {
		if kinds[id] != kind {
			t.Errorf("%s: kind %q, want %q", id, kinds[id], kind)
		}
	}
	for project, reason := range map[string]string{
		"001-guns-ai-studio": "not in the mirror: fal-client, insightface, replicate, runpod",
		"054-pasd-fffiloni":  "does not load",
	} {
		if !strings.HasPrefix(reasons[project], reason) {
			t.Errorf("%s left out for %q, want %q", project, reasons[project], reason)
		}
	}
	if len(cases)/len(pythons)+len(skips) != 79 {
		t.Errorf("%d projects compared and %d left out, want 79 in all", len(cases)/len(pythons), len(skips))
	}
}

// TestGeneratedCases checks that the generated sets are the same on every
// run and that each generated specifier admits a version with a wheel for
// both targets, so that only the "-unsat" sets are unsolvable by
// construction.
func TestGeneratedCases(t *testing.T) {
	m := validate.Open(shared.Dir(t, "mirror"))
	a, b := generatedCases(t, m), generatedCases(t, m)
	if diff := cmp.Diff(a, b, cmp.AllowUnexported(testCase{})); diff != "" {
		t.Fatalf("generated cases differ between runs:\n%s", diff)
	}
	if len(a) != (genSeeds+mlSeeds)*len(pythons) {
		t.Fatalf("%d cases, want %d", len(a), (genSeeds+mlSeeds)*len(pythons))
	}
	pool := map[string]poolEntry{}
	for _, e := range installablePool(t, m) {
		pool[e.name] = e
	}
	unsat := 0
	for _, c := range a {
		if c.Kind == "generated-unsat" {
			unsat++
			if c.Note == "" {
				t.Errorf("%s: unsatisfiable set without its reason", c.ID)
			}
			continue
		}
		if n := len(c.Requirements); n < 3 || n > 12 || (c.Kind == "generated-ml" && n > 8) {
			t.Errorf("%s: %d requirements, want 3 to 12", c.ID, n)
		}
		for _, s := range c.Requirements {
			r, err := pep508.ParseRequirement(s)
			if err != nil {
				t.Fatalf("%s: %v", c.ID, err)
			}
			if len(r.Specifiers.Filter(pool[r.Key()].versions, true)) == 0 {
				t.Errorf("%s: %s admits no installable version", c.ID, s)
			}
		}
	}
	if want := genSeeds / 4 * len(pythons); unsat != want {
		t.Errorf("%d unsatisfiable-by-construction cases, want %d", unsat, want)
	}
}

func TestDiffPins(t *testing.T) {
	pip := map[string]string{"torch": "2.8.0", "numpy": "2.2.6", "six": "1.17.0", "pillow": "11.3.0"}
	zgpu := map[string]string{"torch": "2.8", "numpy": "1.26.4", "filelock": "3.20.0", "pillow": "12.1.0"}
	got := diffPins(pip, zgpu)
	want := pinDiff{
		lines: []string{
			"filelock: pip none, zgpu 3.20.0",
			"numpy: pip 2.2.6, zgpu 1.26.4 (lower)",
			"pillow: pip 11.3.0, zgpu 12.1.0 (higher)",
			"six: pip 1.17.0, zgpu none",
		},
		lower: 1, higher: 1, onlyPip: 1, onlyZgpu: 1,
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(pinDiff{})); diff != "" {
		t.Errorf("diffPins (-want +got):\n%s", diff)
	}
	if d := diffPins(pip, pip); len(d.lines) != 0 {
		t.Errorf("diffPins of a solution with itself: %v", d.lines)
	}
}
