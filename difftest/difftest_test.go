package difftest

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/internal/testonly/piporacle"
	"github.com/zgpu/zgpu/internal/testonly/shared"
	"github.com/zgpu/zgpu/internal/testonly/validate"
	"github.com/zgpu/zgpu/lock"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/pypi"
	"github.com/zgpu/zgpu/resolver"
)

var (
	livePip = flag.Bool("pip", shared.Recording(), "run pip live instead of reading testdata/pip.json (minutes; -short runs every 7th case; default with ZGPU_PIPORACLE=1)")
	update  = flag.Bool("update", false, "rewrite testdata/pip.json: with -pip from a live run of every case, else running pip only for cases it lacks")
)

const goldenFile = "testdata/pip.json"

// pipAnswer is what pip decided for one case.
type pipAnswer struct {
	ID           string            `json:"id"`
	Requirements []string          `json:"requirements"`
	Constraints  []string          `json:"constraints,omitempty"`
	Pip          string            `json:"pip,omitempty"`
	Python       string            `json:"python"` // full version of the interpreter pip ran on
	Pins         map[string]string `json:"pins"`   // nil: no solution
	Message      string            `json:"message,omitempty"`
	Seconds      float64           `json:"seconds"`
}

func (a *pipAnswer) matches(c testCase) bool {
	return a.ID == c.ID && slices.Equal(a.Requirements, c.Requirements) && slices.Equal(a.Constraints, c.Constraints)
}

// allCases returns the corpus and generated cases, logging why corpus
// projects are left out.
func allCases(t *testing.T, m *validate.Mirror) []testCase {
	t.Helper()
	cases, skips := corpusCases(t, shared.Dir(t, "corpus"), m)
	for _, s := range skips {
		t.Logf("corpus %s left out: %s", s.Project, s.Reason)
	}
	return append(cases, generatedCases(t, m)...)
}

// TestDifferential compares zgpu (lock.Lock through pypi.New over
// fakes.PyPI serving the mirror) with pip on every case: both find a
// solution or neither does, zgpu's solution passes the validator, and so does
// pip's (a check of the validator). Different choices are logged and
// summarized. See the package documentation for the flags.
func TestDifferential(t *testing.T) {
	mirror := shared.Dir(t, "mirror")
	m := validate.Open(mirror)
	cases := allCases(t, m)
	s := fakes.PyPI(t, mirror)

	var answers map[string]*pipAnswer
	if *livePip {
		if testing.Short() {
			var sample []testCase
			for i, c := range cases {
				if i%7 == 0 { // odd, so both targets are sampled
					sample = append(sample, c)
				}
			}
			cases = sample
		}
		answers = runPip(t, s.URL, cases)
		if *update {
			writeGolden(t, cases, answers)
		}
	} else {
		answers = readGolden(t, *update)
		if *update {
			// Run pip only for the cases without a matching answer.
			var missing []testCase
			for _, c := range cases {
				if a := answers[c.ID]; a == nil || !a.matches(c) {
					missing = append(missing, c)
				}
			}
			if len(missing) > 0 {
				for id, a := range runPip(t, s.URL, missing) {
					answers[id] = a
				}
			}
			writeGolden(t, cases, answers)
		}
	}

	c := fetch.New(fetch.Config{MaxRetries: -1})
	ix, rd := pypi.New(s.URL, c), pypi.NewReader(c)
	var sum summary
	for _, tc := range cases {
		a := answers[tc.ID]
		if a == nil || !a.matches(tc) {
			t.Errorf("%s: no recorded pip answer for these requirements; run go test ./difftest -run TestDifferential -update", tc.ID)
			continue
		}
		t.Run(tc.ID, func(t *testing.T) {
			sum.add(compareCase(t, m, ix, rd, tc, a))
		})
	}
	t.Log(sum.String())
}

// outcome classifies one comparison.
type outcome struct {
	kind                 string
	bothUnsat, identical bool
	disagree             bool // one found a solution, the other did not
	lower, higher        int  // packages where zgpu chose a lower / higher version than pip
	onlyPip, onlyZgpu    int
	dominated            bool // zgpu lower somewhere and higher nowhere: pip's choice is better
	zgpuInvalid, pipBad  bool
}

func compareCase(t *testing.T, m *validate.Mirror, ix *pypi.Index, rd *pypi.Reader, tc testCase, a *pipAnswer) outcome {
	o := outcome{kind: tc.Kind}
	if tc.Note != "" {
		t.Log(tc.Note)
	}
	req := resolver.Request{Env: pep508.LinuxEnv(a.Python), NoSuggestions: true}
	vreq := validate.Request{Env: req.Env, Target: target(tc.Python)}
	for i, s := range tc.Requirements {
		r, err := pep508.ParseRequirement(s)
		if err != nil {
			t.Fatal(err)
		}
		req.Requirements = append(req.Requirements, resolver.Requirement{Requirement: r, Origin: fmt.Sprintf("requirements.txt:%d", i+1)})
		vreq.Requirements = append(vreq.Requirements, r)
	}
	for _, s := range tc.Constraints {
		r, err := pep508.ParseRequirement(s)
		if err != nil {
			t.Fatal(err)
		}
		req.Constraints = append(req.Constraints, resolver.Requirement{Requirement: r, Origin: "constraints"})
		vreq.Constraints = append(vreq.Constraints, r)
	}
	res, err := lock.Lock(context.Background(), ix, rd, lock.Options{Target: target(tc.Python), Env: req.Env}, req)
	if err != nil {
		t.Fatalf("lock: %v", err)
	}
	var zgpu map[string]string
	if res.Unsat == nil {
		zgpu = map[string]string{}
		for _, p := range res.Pins {
			zgpu[p.Name] = p.Version
		}
	}
	if a.Pins != nil {
		if probs := m.Check(vreq, a.Pins); len(probs) > 0 {
			o.pipBad = true
			t.Errorf("pip's solution fails the validator (validator or pip bug):\n%s", problems(probs))
		}
	}
	switch {
	case a.Pins == nil && zgpu == nil:
		o.bothUnsat = true
		t.Logf("both find no solution; pip: %s", firstError(a.Message))
		return o
	case a.Pins == nil:
		o.disagree = true
		t.Errorf("pip finds no solution, zgpu does: %v\npip: %s", zgpu, a.Message)
	case zgpu == nil:
		o.disagree = true
		t.Errorf("zgpu finds no solution, pip does: %v\nzgpu: %s", a.Pins, res.Unsat)
		return o
	}
	if probs := m.Check(vreq, zgpu); len(probs) > 0 {
		o.zgpuInvalid = true
		t.Errorf("zgpu's solution fails the validator:\n%s", problems(probs))
	}
	if a.Pins == nil {
		return o
	}
	d := diffPins(a.Pins, zgpu)
	o.lower, o.higher, o.onlyPip, o.onlyZgpu = d.lower, d.higher, d.onlyPip, d.onlyZgpu
	diffs := d.lines
	o.identical = len(diffs) == 0
	o.dominated = o.lower > 0 && o.higher == 0
	if !o.identical {
		t.Logf("solutions differ (%d packages by pip, %d by zgpu):\n  %s", len(a.Pins), len(zgpu), strings.Join(diffs, "\n  "))
	}
	return o
}

// pinDiff is how two solutions differ.
type pinDiff struct {
	lines                            []string // one per differing package, sorted by name
	lower, higher, onlyPip, onlyZgpu int
}

// diffPins compares zgpu's pins with pip's, package by package.
func diffPins(pip, zgpu map[string]string) pinDiff {
	var d pinDiff
	for _, name := range union(pip, zgpu) {
		pv, inPip := pip[name]
		zv, inZgpu := zgpu[name]
		switch {
		case !inZgpu:
			d.onlyPip++
			d.lines = append(d.lines, fmt.Sprintf("%s: pip %s, zgpu none", name, pv))
		case !inPip:
			d.onlyZgpu++
			d.lines = append(d.lines, fmt.Sprintf("%s: pip none, zgpu %s", name, zv))
		default:
			c := pep440.Compare(pep440.MustParse(zv), pep440.MustParse(pv))
			if c < 0 {
				d.lower++
				d.lines = append(d.lines, fmt.Sprintf("%s: pip %s, zgpu %s (lower)", name, pv, zv))
			} else if c > 0 {
				d.higher++
				d.lines = append(d.lines, fmt.Sprintf("%s: pip %s, zgpu %s (higher)", name, pv, zv))
			}
		}
	}
	return d
}

func union(a, b map[string]string) []string {
	var out []string
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func problems(ps []validate.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  %s\n", p)
	}
	return b.String()
}

// firstError returns pip's first "ERROR:" line.
func firstError(msg string) string {
	for _, l := range strings.Split(msg, "\n") {
		if strings.HasPrefix(l, "ERROR:") {
			return l
		}
	}
	return strings.TrimSpace(msg)
}

// summary counts outcomes over all cases.
type summary struct {
	mu                                                        sync.Mutex
	cases, solved, identical, bothUnsat, disagree             int
	differ, zgpuLower, zgpuHigher, dominated, invalid, pipBad int
	byKind                                                    map[string][2]int // cases, identical-or-both-unsat
}

func (s *summary) add(o outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byKind == nil {
		s.byKind = map[string][2]int{}
	}
	k := s.byKind[o.kind]
	k[0]++
	s.cases++
	switch {
	case o.bothUnsat:
		s.bothUnsat++
		k[1]++
	case o.disagree:
		s.disagree++
	default:
		s.solved++
		if o.identical {
			s.identical++
			k[1]++
		} else {
			s.differ++
		}
		if o.lower > 0 {
			s.zgpuLower++
		}
		if o.higher > 0 {
			s.zgpuHigher++
		}
		if o.dominated {
			s.dominated++
		}
	}
	if o.zgpuInvalid {
		s.invalid++
	}
	if o.pipBad {
		s.pipBad++
	}
	s.byKind[o.kind] = k
}

func (s *summary) String() string {
	var kinds []string
	for k, v := range s.byKind {
		kinds = append(kinds, fmt.Sprintf("%s %d/%d", k, v[1], v[0]))
	}
	sort.Strings(kinds)
	return fmt.Sprintf("%d cases: %d both solved (%d identical, %d differ: zgpu lower somewhere in %d, higher somewhere in %d, dominated by pip's in %d), "+
		"%d both unsolvable, %d disagreements on solvability; zgpu solutions failing validation %d, pip's %d; agreeing by kind: %s",
		s.cases, s.solved, s.identical, s.differ, s.zgpuLower, s.zgpuHigher, s.dominated, s.bothUnsat, s.disagree, s.invalid, s.pipBad, strings.Join(kinds, ", "))
}

// runPip resolves every case with pip, two at a time.
func runPip(t *testing.T, indexURL string, cases []testCase) map[string]*pipAnswer {
	t.Helper()
	configs := map[string]piporacle.Config{}
	for _, py := range pythons {
		configs[py] = piporacle.Find(t, py, indexURL)
		t.Logf("pip for %s: %s (pip wheel %q), --python-version %s", py, configs[py].Python, configs[py].PipWheel, configs[py].PythonVersion)
	}
	var mu sync.Mutex
	answers := map[string]*pipAnswer{}
	var g errgroup.Group
	g.SetLimit(2)
	for _, tc := range cases {
		cfg := configs[tc.Python]
		g.Go(func() error {
			res, err := piporacle.Resolve(context.Background(), cfg, tc.Requirements, tc.Constraints)
			if err != nil {
				return fmt.Errorf("%s: %v", tc.ID, err)
			}
			a := &pipAnswer{ID: tc.ID, Requirements: tc.Requirements, Constraints: tc.Constraints,
				Pip: res.PipVersion, Python: res.PythonVersion, Pins: res.Pins(), Seconds: res.Elapsed.Seconds()}
			if res.Unsat {
				a.Python = cfg.PythonVersion
				a.Message = firstError(res.Message)
			}
			mu.Lock()
			answers[tc.ID] = a
			mu.Unlock()
			t.Logf("pip %s: %d packages, unsat %v (%.1fs)", tc.ID, len(a.Pins), res.Unsat, a.Seconds)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	return answers
}

func readGolden(t *testing.T, missingOK bool) map[string]*pipAnswer {
	t.Helper()
	data, err := os.ReadFile(goldenFile)
	if os.IsNotExist(err) && missingOK {
		return map[string]*pipAnswer{}
	}
	if err != nil {
		t.Fatalf("%v (record pip's answers: go test ./difftest -run TestDifferential -update)", err)
	}
	var list []*pipAnswer
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatalf("%s: %v", goldenFile, err)
	}
	m := map[string]*pipAnswer{}
	for _, a := range list {
		m[a.ID] = a
	}
	return m
}

func writeGolden(t *testing.T, cases []testCase, answers map[string]*pipAnswer) {
	t.Helper()
	if testing.Short() {
		t.Fatal("-update needs every case: run without -short")
	}
	var list []*pipAnswer
	for _, c := range cases {
		list = append(list, answers[c.ID])
	}
	data, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(goldenFile, append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d answers)", goldenFile, len(list))
}
