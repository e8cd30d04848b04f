package pep508

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/zgpu/zgpu/internal/testonly/shared"
)

const (
	diffSeed      = 20261125
	diffReqs      = 8000
	diffMarkers   = 8000
	envsPerMarker = 4
)

type oracleCase struct {
	Kind string              `json:"kind"`
	S    string              `json:"s"`
	Envs []map[string]string `json:"envs,omitempty"`
}

// oracleResult is what testdata/oracle.py prints; the Go side fills the
// same shape so that one cmp.Diff compares everything.
type oracleResult struct {
	OK     bool     `json:"ok"`
	Err    string   `json:"err,omitempty"`
	Span   []int    `json:"span,omitempty"`
	Msg    string   `json:"msg,omitempty"`
	Name   string   `json:"name,omitempty"`
	Extras []string `json:"extras,omitempty"`
	Spec   string   `json:"spec,omitempty"`
	URL    string   `json:"url,omitempty"`
	Marker *string  `json:"marker,omitempty"`
	Str    string   `json:"str,omitempty"`
	Evals  []string `json:"evals,omitempty"`
}

// runOracle sends every case to packaging in one subprocess.
func runOracle(t *testing.T, cases []oracleCase) []oracleResult {
	t.Helper()
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, c := range cases {
		if err := enc.Encode(c); err != nil {
			t.Fatal(err)
		}
	}
	out := shared.Oracle{Name: t.Name(), Args: []string{filepath.Join("testdata", "oracle.py")}, Stdin: in.Bytes()}.Output(t)
	var res []oracleResult
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r oracleResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("oracle output %q: %v", sc.Text(), err)
		}
		res = append(res, r)
	}
	if len(res) != len(cases) {
		t.Fatalf("oracle answered %d of %d cases", len(res), len(cases))
	}
	return res
}

func goEvals(m *Marker, envs []map[string]string) []string {
	var out []string
	for _, env := range envs {
		ok, err := m.EvaluateErr(env)
		switch {
		case err != nil:
			out = append(out, "error")
		case ok:
			out = append(out, "true")
		default:
			out = append(out, "false")
		}
	}
	return out
}

// goFailure fills the fields of a rejection that the Go side can match: the
// span of a packaging ParserSyntaxError. Rejections that packaging reports
// with other exceptions (InvalidSpecifier from SpecifierSet, SyntaxError
// from ast.literal_eval) carry no span.
func goFailure(err error, want oracleResult) oracleResult {
	got := oracleResult{Err: want.Err, Msg: want.Msg}
	var se *SyntaxError
	if errors.As(err, &se) && want.Span != nil {
		end := se.Column() - 1
		if strings.HasPrefix(want.Msg, ".* suffix") {
			end++ // packaging's span covers the '.' it points at
		}
		got.Span = []int{se.StartColumn() - 1, end}
	}
	return got
}

// normalizeWant maps packaging's exception names for evaluation failures to
// "error", as Go reports them all as *EvalError.
func normalizeWant(r oracleResult) oracleResult {
	for i, e := range r.Evals {
		if strings.HasPrefix(e, "error:") {
			r.Evals[i] = "error"
		}
	}
	return r
}

func TestDifferentialPackaging(t *testing.T) {
	if testing.Short() && shared.Recording() {
		t.Skip("records the differential test: runs python")
	}
	g := newGen(diffSeed)
	var cases []oracleCase
	for i := 0; i < diffReqs; i++ {
		c := oracleCase{Kind: "req", S: g.requirement()}
		for j := 0; j < envsPerMarker; j++ {
			c.Envs = append(c.Envs, g.env())
		}
		cases = append(cases, c)
	}
	for i := 0; i < diffMarkers; i++ {
		c := oracleCase{Kind: "marker", S: g.markerString()}
		for j := 0; j < envsPerMarker; j++ {
			c.Envs = append(c.Envs, g.env())
		}
		cases = append(cases, c)
	}
	for _, s := range edgeRequirements {
		cases = append(cases, oracleCase{Kind: "req", S: s, Envs: edgeEnvs()})
	}
	for _, s := range edgeMarkers {
		cases = append(cases, oracleCase{Kind: "marker", S: s, Envs: edgeEnvs()})
	}
	results := runOracle(t, cases)
	errKinds := map[string]int{}
	for _, r := range results {
		for _, e := range r.Evals {
			if k, ok := strings.CutPrefix(e, "error:"); ok {
				errKinds[k]++
			}
		}
		if !r.OK {
			errKinds["parse:"+r.Err]++
		}
	}

	var mismatches, accepted, evals int
	evalKinds := map[string]int{}
	for i, c := range cases {
		want := normalizeWant(results[i])
		var got oracleResult
		if c.Kind == "req" {
			r, err := ParseRequirement(c.S)
			if err != nil {
				got = goFailure(err, want)
			} else {
				got = oracleResult{OK: true, Name: r.Name, Extras: r.Extras, Spec: r.Specifiers.String(),
					URL: r.URL, Str: r.String()}
				if r.Marker != nil {
					s := r.Marker.String()
					got.Marker = &s
					got.Evals = goEvals(r.Marker, c.Envs)
				}
			}
		} else {
			m, err := ParseMarker(c.S)
			if err != nil {
				got = goFailure(err, want)
			} else {
				s := m.String()
				got = oracleResult{OK: true, Marker: &s, Evals: goEvals(m, c.Envs)}
			}
		}
		if want.OK {
			accepted++
		}
		for _, e := range want.Evals {
			evals++
			evalKinds[e]++
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			mismatches++
			if mismatches <= 25 {
				t.Errorf("%s %q: packaging vs Go (-want +got):\n%s", c.Kind, c.S, diff)
			}
		}
	}
	t.Logf("%d cases (%d generated requirements, %d generated markers, %d hand-picked), %d accepted by packaging, %d evaluations %v, packaging exceptions %v, %d mismatches",
		len(cases), diffReqs, diffMarkers, len(edgeRequirements)+len(edgeMarkers), accepted, evals, evalKinds, errKinds, mismatches)
	if mismatches > 0 {
		t.Errorf("%d mismatches with packaging", mismatches)
	}
}

func TestOracleVersion(t *testing.T) {
	out := shared.Oracle{Name: t.Name(), Args: []string{filepath.Join("testdata", "oracle.py"), "--version"}}.Output(t)
	if got := strings.TrimSpace(string(out)); got != "24.1" {
		t.Errorf("oracle packaging version = %s, want 24.1", got)
	}
}

// edgeRequirements and edgeMarkers are hand-picked corners of packaging's
// behaviour that the generator reaches rarely.
var edgeRequirements = []string{
	"foo\n", "foo\n\n", "foo @ https://x/y.whl\n", "foo>=1.0\n", "fooé", "foo_", "foo-", "a[b]é",
	"torch (>=2.8", "foo>=1.0,", "foo===", "foo===a,b", "foo===,==1", "foo===a ; python_version>'3'",
	"foo>=1.0.*", "foo>=1.0+abc", "foo>=1.0+ABC", "foo==1.0a1.*", "foo[a b]", "foo()", "foo ( )",
	"foo@https://x;python_version>'3'", "foo @ https://x ;python_version>'3'", "foo @ https://x ;",
	"foo @ https://x  ", "foo @", "foo[a,]", "a[B,a,B]", "foo (>=1.0,)", "foo >= 1.0 , < 2 ,!=1.5",
	"name; python_version == '3' and ((extra == 'X' or os_name == 'nt'))", "a;extra=='B_c'and extra=='D_e'",
	"a; 'a' == 'b'", "a;extra==python_version", "Flash_Attn[Cuda, dev]==2.8.3 ; python_version >= '3.10'",
	"foo~=1", "foo~=1.0.*", "foo==1!", "foo==1!2", "foo>=V1.0", "foo>=1.0PREVIEW1", "foo==1.0.post.dev+abc.def",
	"foo<1.0,>0.1;os_name=='nt'", "foo;", "foo ;", "foo; ", "foo;extra", "foo[]==1", "foo[ ]",
	"foo\t[a]\t==1\t;\textra=='a'\t",
	// Unicode whitespace inside a specifier token, Unicode case folding, \b on
	// Unicode word characters, carriage returns.
	"foo>=\u30001.0", "foo==\u00a01.0.*", "foo>=\u20091.0 ,<2", "foo>=1.0poſt1", "foo==1.0+K", "foo~=1.0prevıew",
	"foo>=1.0İ", "foo²", "foo²>=1", "a[bé]", "a[b²]", "foo\r\n", "foo\r", "foo\x0c", "foo>=1.0\x0c",
	"foo; python_versioné == '3'", "foo;extra=='a'andé", "foo;extra=='a'and extra=='b'", "foo ; os_name=='a'\r\n",
	"foo===1.0\u00a0", "foo===\u00a0x", "foo===a;os_name=='nt'",
}

var edgeMarkers = []string{
	"python_version == '3.8'\n", "extra == python_version", "python_version == extra", "extra == extra",
	"'3.8' < python_version", "'3' in 'python_version'", "os_name == 'posix' or 'a' == 'b'",
	"platform_release >= '5'", "python_version ~= 'posix'", "python_version === '3.12'", "os_name === 'posix'",
	"python_version < '=3.8'", "python_version == '\\x33.8'", "python_version == '3.8' and",
	"(python_version == '3.8'", "python_version == '3.8')", "((python_version == '3.8'))", "python_version",
	"os.name == 'posix' and sys.platform == 'linux' and platform.machine == 'x86_64'",
	"platform.python_implementation == 'CPython' or python_implementation == 'CPython'",
	"platform.version == '#1 SMP'", "implementation_version >= '3.12'", "extra == 'Foo.Bar'",
	"extra != 'Test_Extra' and extra == 'test'", "python_full_version >= '3.12.0rc1'",
	"python_version not in '3.8 3.9'", "python_version notin '3.8'", "python_version not  in '3.8'",
	"python_version in '3.10, 3.12'", "'linux' in sys_platform", "python_version >= ' 3.8 '",
	"python_version == '3.*'", "python_full_version == '3.12.*'", "python_version >= '3.*'",
	"python_version >= \"3.8\" and(os_name=='nt')", "python_version>'3'or(os_name=='nt')",
	"python_version>'3'and os_name=='nt'or sys_platform=='win32'and extra=='x'",
	"a == 'b'", "'a' == 'b'", "'x' == 'os_name'", "python_version == 'é'", "python_version == '\\u00e9'",
	"python_version >= '\u00a03.8'", "python_version >= '3.8\u3000'", "python_version >= '3.8poſt1'",
	"python_version >= 'V3.8'", "python_full_version == '3.12.12+local'", "python_full_version == '3.12.12+'",
	"python_version == '3.12.0'", "python_version === '3.12.0'", "python_version === '3.12'", "python_version === 'a b'",
	"python_version ~= '3'", "python_version ~= '3.1'", "python_version ~= '3.12.*'", "python_version == '3.12.*.*'",
	"python_version<'3.13'and extra=='x'", "extra=='X_Y'or extra=='Z'", "(extra=='X_Y')", "'X_Y'==extra and 1",
	"python_version=='3.12'\r", "python_version == '3\\\n.12'",
}

func edgeEnvs() []map[string]string {
	a := LinuxEnv("3.12.12")
	b := LinuxEnv("3.8.10")
	b["platform_release"] = "5.15.0-1057-aws"
	b["extra"] = "foo_bar"
	c := LinuxEnv("3.10.13")
	c["os_name"], c["sys_platform"], c["extra"] = "nt", "win32", "Test-Extra"
	return []map[string]string{a, b, c}
}
