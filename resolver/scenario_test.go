package resolver_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/resolver"
	"github.com/zgpu/zgpu/resolver/memory"
)

var update = flag.Bool("update", false, "rewrite the want section of testdata/scenarios/*.txtar")

// scenario is one txtar file: a universe, a request and the expected
// outcome.
type scenario struct {
	universe *memory.Provider
	req      resolver.Request
}

func parseScenario(t *testing.T, a *txtar.Archive) scenario {
	t.Helper()
	var sc scenario
	var reqText string
	for _, f := range a.Files {
		switch f.Name {
		case "universe":
			u, err := memory.Parse(string(f.Data))
			if err != nil {
				t.Fatalf("universe: %v", err)
			}
			sc.universe = u
		case "request":
			reqText = string(f.Data)
		}
	}
	if sc.universe == nil {
		t.Fatal("no universe section")
	}
	req, err := parseRequest(reqText)
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	sc.req = req
	return sc
}

// parseRequest reads the request section: one directive a line.
//
//	require REQ        a requirement, origin "requirements.txt:K" (K-th require)
//	constraint REQ     a constraint, origin "constraints.txt:K"
//	python X.Y.Z       the target (default 3.12.3, Linux x86_64)
//	env KEY=VALUE      override one marker variable
//	pre                allow pre-releases
//	prefer NAME==V     a preference (an existing lock)
//	upgrade            ignore all preferences
//	upgrade-package N  ignore the preference of N
//	no-suggestions     skip suggested changes
func parseRequest(text string) (resolver.Request, error) {
	req := resolver.Request{Env: pep508.LinuxEnv("3.12.3"), Preferences: map[string]pep440.Version{}}
	sc := bufio.NewScanner(strings.NewReader(text))
	line := 0
	for sc.Scan() {
		line++
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		verb, arg, _ := strings.Cut(l, " ")
		arg = strings.TrimSpace(arg)
		switch verb {
		case "require", "constraint":
			r, err := pep508.ParseRequirement(arg)
			if err != nil {
				return req, fmt.Errorf("line %d: %v", line, err)
			}
			if verb == "require" {
				req.Requirements = append(req.Requirements, resolver.Requirement{Requirement: r, Origin: fmt.Sprintf("requirements.txt:%d", len(req.Requirements)+1)})
			} else {
				req.Constraints = append(req.Constraints, resolver.Requirement{Requirement: r, Origin: fmt.Sprintf("constraints.txt:%d", len(req.Constraints)+1)})
			}
		case "python":
			env := pep508.LinuxEnv(arg)
			for k, v := range req.Env {
				if k != "python_full_version" && k != "python_version" && k != "implementation_version" {
					env[k] = v
				}
			}
			req.Env = env
		case "env":
			k, v, ok := strings.Cut(arg, "=")
			if !ok {
				return req, fmt.Errorf("line %d: expected KEY=VALUE", line)
			}
			req.Env[k] = v
		case "pre":
			req.Pre = true
		case "prefer":
			n, v, ok := strings.Cut(arg, "==")
			if !ok {
				return req, fmt.Errorf("line %d: expected NAME==VERSION", line)
			}
			pv, err := pep440.Parse(v)
			if err != nil {
				return req, fmt.Errorf("line %d: %v", line, err)
			}
			req.Preferences[pep508.NormalizeName(n)] = pv
		case "upgrade":
			req.Upgrade = true
		case "upgrade-package":
			req.UpgradePackages = append(req.UpgradePackages, arg)
		case "no-suggestions":
			req.NoSuggestions = true
		default:
			return req, fmt.Errorf("line %d: unknown directive %q", line, verb)
		}
	}
	return req, nil
}

// render formats a result for the want section.
func render(res *resolver.Result) string {
	if res.Unsat != nil {
		return "no solution\n" + res.Unsat.String()
	}
	var b strings.Builder
	for _, p := range res.Packages {
		b.WriteString(p.String() + "\n")
		for _, v := range p.Via {
			from := v.From
			if from == "" {
				from = "root"
			}
			o := ""
			if v.Origin != "" {
				o = " (" + v.Origin + ")"
			}
			fmt.Fprintf(&b, "    <- %s: %s%s\n", from, v.Requirement, o)
		}
	}
	return b.String()
}

func TestScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "scenarios", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			sc := parseScenario(t, a)
			res, err := resolver.Resolve(context.Background(), sc.universe, sc.req)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if res.Unsat == nil {
				if err := validate(sc.universe, sc.req, solutionOf(res)); err != nil {
					t.Errorf("solution fails validation: %v", err)
				}
			}
			got := render(res)
			idx := -1
			for i, f := range a.Files {
				if f.Name == "want" {
					idx = i
				}
			}
			if *update {
				if idx < 0 {
					a.Files = append(a.Files, txtar.File{Name: "want"})
					idx = len(a.Files) - 1
				}
				a.Files[idx].Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if idx < 0 {
				t.Fatalf("no want section (run with -update)")
			}
			if diff := cmp.Diff(string(a.Files[idx].Data), got); diff != "" {
				t.Errorf("result mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
