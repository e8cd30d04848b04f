package validate

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/internal/testonly/shared"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/wheeltags"
)

func mirror(t *testing.T) *Mirror {
	t.Helper()
	return Open(shared.Dir(t, "mirror"))
}

func request(t *testing.T, python string, reqs []string, constraints ...string) Request {
	t.Helper()
	parse := func(ss []string) []pep508.Requirement {
		var out []pep508.Requirement
		for _, s := range ss {
			r, err := pep508.ParseRequirement(s)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
		return out
	}
	minor := [2]int{3, 12}
	if strings.HasPrefix(python, "3.10") {
		minor = [2]int{3, 10}
	}
	return Request{
		Requirements: parse(reqs),
		Constraints:  parse(constraints),
		Env:          pep508.LinuxEnv(python),
		Target:       wheeltags.Target{Python: minor, Glibc: [2]int{2, 28}},
	}
}

// requestsSolution is the full closure of "requests" in the mirror, as pip
// picks it on CPython 3.12.
func requestsSolution(edit func(map[string]string)) map[string]string {
	s := map[string]string{
		"requests":           "2.32.3",
		"certifi":            "2026.7.22",
		"charset-normalizer": "3.4.9",
		"idna":               "3.10",
		"urllib3":            "2.5.0",
	}
	if edit != nil {
		edit(s)
	}
	return s
}

func TestCheck(t *testing.T) {
	m := mirror(t)
	type kp struct {
		Package string
		Kind    Kind
	}
	tests := []struct {
		name        string
		python      string
		reqs        []string
		constraints []string
		solution    map[string]string
		want        []kp
	}{
		{"valid", "3.12.1", []string{"requests"}, nil, requestsSolution(nil), nil},
		{"valid names not normalized", "3.12.1", []string{"Requests>=2.32"}, nil,
			requestsSolution(func(s map[string]string) {
				s["Charset_Normalizer"] = s["charset-normalizer"]
				delete(s, "charset-normalizer")
			}), nil},
		{"valid with extra", "3.12.1", []string{"requests[socks]"}, nil,
			requestsSolution(func(s map[string]string) { s["pysocks"] = "1.7.1" }), nil},
		{"extra not followed", "3.12.1", []string{"requests[socks]"}, nil, requestsSolution(nil),
			[]kp{{"pysocks", Missing}}},
		{"dependency missing", "3.12.1", []string{"requests"}, nil,
			requestsSolution(func(s map[string]string) { delete(s, "idna") }), []kp{{"idna", Missing}}},
		{"root missing", "3.12.1", []string{"requests", "six"}, nil, requestsSolution(nil), []kp{{"six", Missing}}},
		{"root marker fails", "3.12.1", []string{"requests", `six; python_version < "3"`}, nil, requestsSolution(nil), nil},
		{"root unsatisfied", "3.12.1", []string{"requests<2.32"}, nil, requestsSolution(nil), []kp{{"requests", Unsatisfied}}},
		{"dependency unsatisfied", "3.12.1", []string{"requests"}, nil,
			requestsSolution(func(s map[string]string) { s["charset-normalizer"] = "4.0" }), []kp{{"charset-normalizer", NotListed}, {"charset-normalizer", Unsatisfied}}},
		{"constraint unsatisfied", "3.12.1", []string{"requests"}, []string{"urllib3<2"}, requestsSolution(nil), []kp{{"urllib3", Unsatisfied}}},
		{"constraint on unchosen package", "3.12.1", []string{"requests"}, []string{"six<1"}, requestsSolution(nil), nil},
		{"extra package", "3.12.1", []string{"requests"}, nil,
			requestsSolution(func(s map[string]string) { s["six"] = "1.17.0" }), []kp{{"six", Unreachable}}},
		{"version not listed", "3.12.1", []string{"requests"}, nil,
			requestsSolution(func(s map[string]string) { s["requests"] = "2.32.0" }),
			[]kp{{"certifi", Unreachable}, {"charset-normalizer", Unreachable}, {"idna", Unreachable}, {"requests", NotListed}, {"urllib3", Unreachable}}},
		{"no wheel for the target", "3.12.1", []string{"torch"}, nil, map[string]string{"torch": "2.11.0"}, []kp{{"torch", NoWheel}}},
		{"no wheel for the interpreter", "3.10.13", []string{"numpy"}, nil, map[string]string{"numpy": "2.4.1"}, []kp{{"numpy", NoWheel}}},
		{"requires-python", "3.10.13", []string{"networkx"}, nil, map[string]string{"networkx": "3.5"}, []kp{{"networkx", RequiresPython}}},
		{"requires-python holds", "3.12.1", []string{"networkx"}, nil, map[string]string{"networkx": "3.5"}, nil},
		{"bad version", "3.12.1", []string{"six"}, nil, map[string]string{"six": "one"}, []kp{{"six", BadInput}, {"six", Missing}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := m.Check(request(t, tt.python, tt.reqs, tt.constraints...), tt.solution)
			var kinds []kp
			for _, p := range got {
				kinds = append(kinds, kp{p.Package, p.Kind})
			}
			if diff := cmp.Diff(tt.want, kinds); diff != "" {
				t.Errorf("problems (-want +got):\n%s\nall: %v", diff, got)
			}
		})
	}
}

func TestParseMetadata(t *testing.T) {
	got, err := parseMetadata([]byte("Metadata-Version: 2.1\nName: Demo_Pkg\nVersion: 1.0\nRequires-Python: >=3.8\nRequires-Dist: a>=1;\n  extra == \"x\"\nrequires-dist: b\nRequires-Dist: \n\nRequires-Dist: body\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := &Metadata{Name: "Demo_Pkg", Version: "1.0", RequiresPython: ">=3.8", RequiresDist: []string{`a>=1; extra == "x"`, "b"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"Name: a\nno colon here\n", " continued\nName: a\n", "Name: a\n"} {
		if _, err := parseMetadata([]byte(bad)); err == nil {
			t.Errorf("parseMetadata(%q) = nil error", bad)
		}
	}
}

func TestMirrorListing(t *testing.T) {
	m := mirror(t)
	if !m.Has("Charset_Normalizer") || m.Has("no-such-project-zgpu") {
		t.Errorf("Has: charset-normalizer %v, no-such-project-zgpu %v", m.Has("Charset_Normalizer"), m.Has("no-such-project-zgpu"))
	}
	vs, err := m.Versions("spaces")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range vs {
		got = append(got, v.String())
	}
	if diff := cmp.Diff([]string{"0.29b2", "0.29b4", "0.29b5", "0.29b6"}, got); diff != "" {
		t.Errorf("versions (-want +got):\n%s", diff)
	}
	ps, err := m.Projects()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 1000 {
		t.Errorf("Projects: %d, want the mirror's 1,121", len(ps))
	}
}
