package pep508

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMarkerStringAndEvaluate(t *testing.T) {
	env := LinuxEnv("3.12.12")
	tests := []struct {
		in, str string
		want    bool
	}{
		{`python_version >= "3.10"`, `python_version >= "3.10"`, true},
		{`sys_platform == 'linux' and platform_machine == 'x86_64'`, `sys_platform == "linux" and platform_machine == "x86_64"`, true},
		{`python_version < "3.8" or os_name == "nt"`, `python_version < "3.8" or os_name == "nt"`, false},
		{`'3.8' < python_version`, `"3.8" < python_version`, true},
		{`python_version ~= "3.12.0"`, `python_version ~= "3.12.0"`, true},
		{`python_full_version == "3.12.*"`, `python_full_version == "3.12.*"`, true},
		{`python_version != "3.12.*"`, `python_version != "3.12.*"`, false},
		// op+value is read as one specifier: "<" + "=3.12" is "<=3.12".
		{`python_version < "=3.12"`, `python_version < "=3.12"`, true},
		{`platform_release >= "6"`, `platform_release >= "6"`, true},
		{`python_implementation == "CPython"`, `platform_python_implementation == "CPython"`, true},
		{`os.name == "posix"`, `os_name == "posix"`, true},
		{`platform.machine == "x86_64"`, `platform_machine == "x86_64"`, true},
		{`extra == "test"`, `extra == "test"`, false},
		{`os_name < "posiy"`, `os_name < "posiy"`, true},
		{`python_version == "3.12.0"`, `python_version == "3.12.0"`, true},
		{`python_full_version === "3.12.12"`, `python_full_version === "3.12.12"`, true},
		{`python_version in "3.11 3.12"`, `python_version in "3.11 3.12"`, true},
		{`implementation_name not in "pypy"`, `implementation_name not in "pypy"`, true},
		{`(python_version >= "3.10" or os_name == "nt") and extra == "Cu_128"`,
			`(python_version >= "3.10" or os_name == "nt") and extra == "Cu_128"`, false},
		{`python_version>"3.1"and(os_name=="posix")`, `python_version > "3.1" and os_name == "posix"`, true},
		{`python_version >= "3.13" or python_version < "3"`, `python_version >= "3.13" or python_version < "3"`, false},
		// "and" binds tighter than "or".
		{`os_name == "nt" and python_version < "3" or sys_platform == "linux"`,
			`os_name == "nt" and python_version < "3" or sys_platform == "linux"`, true},
		{`os_name == "nt" and (python_version < "3" or sys_platform == "linux")`,
			`os_name == "nt" and (python_version < "3" or sys_platform == "linux")`, false},
		// packaging drops doubled parentheses when printing; evaluation keeps them.
		{`os_name == "nt" and ((python_version < "3" or sys_platform == "linux"))`,
			`os_name == "nt" and python_version < "3" or sys_platform == "linux"`, false},
		{`python_full_version > "3.12.12rc1"`, `python_full_version > "3.12.12rc1"`, true},
		{`os_name == "a\x41"`, `os_name == "aA"`, false},
		{"python_version == '3.12'\n", `python_version == "3.12"`, true},
		{`extra == "Foo__Bar"`, `extra == "foo-bar"`, false},
	}
	for _, tt := range tests {
		m, err := ParseMarker(tt.in)
		if err != nil {
			t.Errorf("ParseMarker(%q): %v", tt.in, err)
			continue
		}
		if got := m.String(); got != tt.str {
			t.Errorf("ParseMarker(%q).String() = %q, want %q", tt.in, got, tt.str)
		}
		if got, err := m.EvaluateErr(env); got != tt.want || err != nil {
			t.Errorf("ParseMarker(%q).EvaluateErr = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestMarkerEvaluateErrors(t *testing.T) {
	env := LinuxEnv("3.12.12")
	env["platform_release"] = "5.15.0-1057-aws"
	tests := []struct {
		in       string
		variable string
		msg      string
	}{
		{`os_name ~= "posix"`, "", `pep508: undefined comparison "~=" on "posix" and "posix"`},
		// "===posix" is an arbitrary-equality specifier, so "posix" must be a version.
		{`os_name === "posix"`, "", `pep508: cannot compare "posix" === "posix": left side is not a version`},
		{`os_name === "a b"`, "", `pep508: undefined comparison "===" on "posix" and "a b"`},
		{`platform_release >= "5"`, "", `pep508: cannot compare "5.15.0-1057-aws" >= "5": left side is not a version: pep440: `},
		{`"a" == "b"`, "b", `pep508: undefined environment name "b"`},
		// Errors are raised even when an earlier "or" branch already holds.
		{`os_name == "posix" or os_name ~= "nt"`, "", `pep508: undefined comparison "~=" on "posix" and "nt"`},
	}
	for _, tt := range tests {
		m, err := ParseMarker(tt.in)
		if err != nil {
			t.Fatalf("ParseMarker(%q): %v", tt.in, err)
		}
		ok, err := m.EvaluateErr(env)
		var ee *EvalError
		if ok || !errors.As(err, &ee) {
			t.Errorf("%q: EvaluateErr = %v, %v; want false and an *EvalError", tt.in, ok, err)
			continue
		}
		if got := err.Error(); len(got) < len(tt.msg) || got[:len(tt.msg)] != tt.msg {
			t.Errorf("%q: error %q, want prefix %q", tt.in, got, tt.msg)
		}
		if ee.Variable != tt.variable {
			t.Errorf("%q: Variable = %q, want %q", tt.in, ee.Variable, tt.variable)
		}
		if m.Evaluate(env) {
			t.Errorf("%q: Evaluate = true, want false on error", tt.in)
		}
	}
	// A missing extra is "", as in packaging; other missing names fail.
	m, _ := ParseMarker(`extra == ""`)
	if ok, err := m.EvaluateErr(map[string]string{}); !ok || err != nil {
		t.Errorf(`extra == "" with empty env = %v, %v; want true`, ok, err)
	}
	m, _ = ParseMarker(`os_name == "posix"`)
	if _, err := m.EvaluateErr(map[string]string{}); err == nil {
		t.Errorf("os_name with empty env: no error")
	}
}

func TestEvaluateExtras(t *testing.T) {
	env := LinuxEnv("3.10.13")
	tests := []struct {
		marker string
		extras []string
		want   bool
	}{
		{`extra == "cu128"`, nil, false},
		{`extra == "cu128"`, []string{"test", "CU128"}, true},
		{`extra == "Foo.Bar"`, []string{"foo_bar"}, true},
		{`extra == ""`, nil, true},
		{`extra != "test"`, []string{"test"}, false},
		{`python_version >= "3.12" and extra == "a"`, []string{"a"}, false},
		{`python_version >= "3.10" and extra == "a"`, []string{"b", "a"}, true},
		{`os_name ~= "x" or extra == "a"`, []string{"a"}, false},
	}
	for _, tt := range tests {
		m, err := ParseMarker(tt.marker)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.EvaluateExtras(env, tt.extras); got != tt.want {
			t.Errorf("%q.EvaluateExtras(%q) = %v, want %v", tt.marker, tt.extras, got, tt.want)
		}
	}
	if _, ok := env["extra"]; ok {
		t.Errorf("EvaluateExtras modified env")
	}
	var nilM *Marker
	if !nilM.EvaluateExtras(env, []string{"x"}) || !nilM.Evaluate(env) {
		t.Errorf("nil marker does not hold")
	}
}

func TestVariables(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`python_version >= "3" and (os.name == "nt" or extra == "a") and python_version < "4"`,
			[]string{"extra", "os_name", "python_version"}},
		{`"3.8" < python_full_version`, []string{"python_full_version"}},
		{`python_implementation == "x"`, []string{"platform_python_implementation"}},
		{`"a" == "b"`, []string{"b"}},
	}
	for _, tt := range tests {
		m, err := ParseMarker(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, m.Variables()); diff != "" {
			t.Errorf("Variables(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	var nilM *Marker
	if nilM.Variables() != nil {
		t.Errorf("nil marker has variables")
	}
}

func TestAnd(t *testing.T) {
	must := func(s string) *Marker {
		m, err := ParseMarker(s)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a := must(`os_name == "nt" or sys_platform == "linux"`)
	b := must(`python_version >= "3.12"`)
	c := must(`((extra == "x" or extra == "y"))`)
	tests := []struct {
		m    *Marker
		want string
	}{
		{And(nil, nil), ""},
		{And(a, nil), `os_name == "nt" or sys_platform == "linux"`},
		{And(nil, b), `python_version >= "3.12"`},
		{And(a, b), `(os_name == "nt" or sys_platform == "linux") and python_version >= "3.12"`},
		{And(b, c), `python_version >= "3.12" and (extra == "x" or extra == "y")`},
		{And(And(a, b), c), `((os_name == "nt" or sys_platform == "linux") and python_version >= "3.12") and (extra == "x" or extra == "y")`},
	}
	for _, tt := range tests {
		if got := tt.m.String(); got != tt.want {
			t.Errorf("And: String() = %q, want %q", got, tt.want)
		}
	}
	if And(nil, nil) != nil {
		t.Errorf("And(nil, nil) is not nil")
	}
	// And agrees with packaging's Marker("(a) and (b)") on evaluation.
	for _, pyver := range []string{"3.10.13", "3.12.12"} {
		env := LinuxEnv(pyver)
		for _, extra := range []string{"", "x", "z"} {
			env["extra"] = extra
			ab := And(And(a, b), c)
			text := must("(" + And(a, b).String() + ") and (" + c.String() + ")")
			if ab.Evaluate(env) != text.Evaluate(env) {
				t.Errorf("And(And(a, b), c) and its text disagree for %s extra=%q", pyver, extra)
			}
			if got, want := ab.Evaluate(env), a.Evaluate(env) && b.Evaluate(env) && c.Evaluate(env); got != want {
				t.Errorf("And(And(a, b), c).Evaluate = %v, want %v for %s extra=%q", got, want, pyver, extra)
			}
		}
	}
}

func TestLinuxEnv(t *testing.T) {
	want := map[string]string{
		"implementation_name":            "cpython",
		"implementation_version":         "3.12.12",
		"os_name":                        "posix",
		"platform_machine":               "x86_64",
		"platform_python_implementation": "CPython",
		"platform_release":               "6.1.0",
		"platform_system":                "Linux",
		"platform_version":               "#1 SMP PREEMPT_DYNAMIC",
		"python_full_version":            "3.12.12",
		"python_version":                 "3.12",
		"sys_platform":                   "linux",
	}
	if diff := cmp.Diff(want, LinuxEnv("3.12.12")); diff != "" {
		t.Errorf("LinuxEnv(3.12.12) (-want +got):\n%s", diff)
	}
	e := LinuxEnv("3.13.0rc1")
	if e["python_version"] != "3.13" || e["implementation_version"] != "3.13.0c1" {
		t.Errorf("LinuxEnv(3.13.0rc1): python_version %q implementation_version %q", e["python_version"], e["implementation_version"])
	}
	// Every variable the grammar knows is in the environment.
	for _, v := range variables {
		if _, ok := LinuxEnv("3.10.13")[v.name]; !ok && v.name != "extra" {
			t.Errorf("LinuxEnv lacks %s", v.name)
		}
	}
}

// TestConcurrentEvaluate shares one Marker between goroutines (run with
// -race to check that evaluation does not write to it).
func TestConcurrentEvaluate(t *testing.T) {
	m, err := ParseMarker(`python_version >= "3.10" and (os_name == "posix" or extra == "a") and "3" < python_version`)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan bool)
	for i := 0; i < 4; i++ {
		go func() {
			ok := true
			for j := 0; j < 200; j++ {
				ok = ok && m.Evaluate(LinuxEnv("3.12.12")) && !m.Evaluate(LinuxEnv("3.8.10"))
			}
			done <- ok
		}()
	}
	for i := 0; i < 4; i++ {
		if !<-done {
			t.Errorf("concurrent Evaluate gave a wrong answer")
		}
	}
}

// A CPython dev build reports python_full_version "3.13.0+"; packaging 26
// evaluates it as "3.13.0+local", which compares as its release.
func TestPythonFullVersionPlus(t *testing.T) {
	env := LinuxEnv("3.13.0+")
	tests := []struct {
		marker string
		want   bool
	}{
		{`python_full_version >= "3.13.0"`, true},
		{`python_full_version == "3.13.0"`, true},
		{`python_full_version < "3.13"`, false},
		{`"3.12" < python_full_version`, true},
		{`python_version == "3.13"`, true},
	}
	for _, tt := range tests {
		m, err := ParseMarker(tt.marker)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := m.EvaluateErr(env); got != tt.want || err != nil {
			t.Errorf("%q with python_full_version 3.13.0+ = %v, %v; want %v", tt.marker, got, err, tt.want)
		}
	}
}

// A marker nested a million parentheses deep is an error, not a stack
// overflow.
func TestMarkerDepthCap(t *testing.T) {
	deep := strings.Repeat("(", 1_000_000) + `os_name == "posix"` + strings.Repeat(")", 1_000_000)
	_, err := ParseMarker(deep)
	if err == nil || !strings.Contains(err.Error(), "expected at most 100 nested parentheses") {
		t.Fatalf("err = %.200v", err)
	}
	if len(err.Error()) > 1000 {
		t.Errorf("error quotes %d bytes of input", len(err.Error()))
	}
	ok := strings.Repeat("(", MaxMarkerDepth) + `os_name == "posix"` + strings.Repeat(")", MaxMarkerDepth)
	if _, err := ParseMarker(ok); err != nil {
		t.Errorf("%d levels: %v", MaxMarkerDepth, err)
	}
	if _, err := ParseRequirement("pkg; " + deep); err == nil {
		t.Error("requirement with a deep marker accepted")
	}
}
