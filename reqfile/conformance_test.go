package reqfile

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/internal/testonly/shared"
	"github.com/zgpu/zgpu/pep508"
)

// uvReq is one requirement of uv's expected.json.
type uvReq struct {
	Name      *string  `json:"name"`
	Extras    []string `json:"extras"`
	Specifier *string  `json:"specifier"`
	URL       *struct {
		Given    string `json:"given"`
		Editable *bool  `json:"editable"`
	} `json:"url"`
	Marker *string  `json:"marker_uv"`
	Origin string   `json:"origin"`
	Hashes []string `json:"hashes"`
}

type uvCase struct {
	Requirements []uvReq         `json:"requirements"`
	Constraints  []uvReq         `json:"constraints"`
	Editables    []uvReq         `json:"editables"`
	Error        json.RawMessage `json:"error"`
}

// uvView is what we compare: fields uv and we both report. Markers are
// compared by evaluation (uv rewrites them: python_version becomes
// python_full_version, platform_system == "Windows" becomes sys_platform ==
// 'win32'), over environments where both spellings agree.
type uvView struct {
	Name      string
	Extras    []string
	Specifier string
	URL       string
	Marker    string // truth table over markerEnvs, "" when none
	Origin    string
	Hashes    []string
	Editable  bool
}

var markerEnvs = func() []map[string]string {
	var envs []map[string]string
	for _, py := range []string{"3.7.0", "3.8.0", "3.9.0", "3.10.0", "3.12.1", "4.0.0"} {
		for _, plat := range [][3]string{{"linux", "Linux", "posix"}, {"darwin", "Darwin", "posix"}, {"win32", "Windows", "nt"}} {
			env := pep508.LinuxEnv(py)
			env["sys_platform"], env["platform_system"], env["os_name"] = plat[0], plat[1], plat[2]
			envs = append(envs, env)
		}
	}
	return envs
}()

func truthTable(m *pep508.Marker) string {
	if m == nil {
		return ""
	}
	var b strings.Builder
	for _, env := range markerEnvs {
		if m.Evaluate(env) {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	return b.String()
}

func fromUV(t *testing.T, rs []uvReq, editable bool) []uvView {
	var out []uvView
	for _, r := range rs {
		v := uvView{Extras: r.Extras, Origin: r.Origin, Hashes: r.Hashes, Editable: editable}
		if r.Name != nil {
			v.Name = *r.Name
		}
		if r.Specifier != nil {
			v.Specifier = sortSpec(*r.Specifier)
		}
		if r.URL != nil {
			v.URL = r.URL.Given
		}
		if r.Marker != nil {
			m, err := pep508.ParseMarker(*r.Marker)
			if err != nil {
				t.Fatalf("uv marker %q: %v", *r.Marker, err)
			}
			v.Marker = truthTable(m)
		}
		if len(v.Extras) == 0 {
			v.Extras = nil
		}
		if len(v.Hashes) == 0 {
			v.Hashes = nil
		}
		out = append(out, v)
	}
	return out
}

func ours(rs []Requirement, pick func(Requirement) bool) []uvView {
	var out []uvView
	for _, r := range rs {
		if !pick(r) {
			continue
		}
		v := uvView{Name: r.Req.Name, Extras: r.Req.Extras, URL: r.Req.URL, Marker: truthTable(r.Req.Marker),
			Origin: filepath.Base(r.Origin.File), Hashes: r.Hashes, Editable: r.Editable}
		if r.Kind == Named {
			v.Specifier = sortSpec(r.Req.Specifiers.String())
		}
		sort.Strings(v.Extras)
		out = append(out, v)
	}
	return out
}

// sortSpec sorts the parts of a specifier set: uv keeps the written order,
// packaging sorts them.
func sortSpec(s string) string {
	parts := strings.Split(s, ",")
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// pipDiffers lists the uv conformance cases where pip 24.2 reads the file
// differently from uv; there we follow pip. The pip readings are checked
// in TestConformancePipCases.
var pipDiffers = map[string]string{
	// "-e ./editable[d, dev]": pip splits the option part like a shell, so
	// -e gets "./editable[d," and "dev]" is an ignored word. Markers after
	// an -e value are ignored words too, so pip drops them.
	"editable.txt": "pip: extras with spaces break the -e value; markers on -e lines are dropped",
	// "-e ./editable# comment": no whitespace before '#', so no comment;
	// shlex gives -e "./editable#" and an ignored "comment". pip takes
	// the folder "./editable#" (failing later only if it does not exist).
	"hash.txt": "pip: -e value \"./editable#\", not an error",
	// "-e ./editable;python_version ...": the value is one shell word,
	// "./editable;python_version"; the rest are ignored words.
	"semicolon.txt": "pip: -e value \"./editable;python_version\", not an error",
}

func TestConformanceUV(t *testing.T) {
	dir := shared.Dir(t, "conformance", "uv-requirements-txt")
	data, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		t.Fatal(err)
	}
	n := 0
	for name, raw := range all {
		if strings.HasPrefix(name, "_") {
			continue
		}
		if _, ok := pipDiffers[name]; ok {
			continue
		}
		var c uvCase
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		n++
		t.Run(name, func(t *testing.T) {
			f, err := ParseFile(filepath.Join(dir, name), ParseOptions{})
			if len(c.Error) > 0 {
				if err == nil {
					t.Fatalf("uv rejects %s (%s), we read it", name, c.Error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			check := func(what string, want []uvView, pick func(Requirement) bool) {
				got := ours(f.Requirements, pick)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s (-uv +ours):\n%s", what, diff)
				}
			}
			check("requirements", fromUV(t, c.Requirements, false), func(r Requirement) bool { return !r.Editable && !r.Constraint })
			check("constraints", fromUV(t, c.Constraints, false), func(r Requirement) bool { return r.Constraint })
			check("editables", fromUV(t, c.Editables, true), func(r Requirement) bool { return r.Editable })
			// The same file with CRLF line ends reads the same.
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			crlf := strings.ReplaceAll(string(data), "\n", "\r\n")
			g, err := Parse(filepath.Join(dir, name), []byte(crlf), ParseOptions{})
			if err != nil {
				t.Fatalf("CRLF: %v", err)
			}
			if diff := cmp.Diff(ours(f.Requirements, func(Requirement) bool { return true }), ours(g.Requirements, func(Requirement) bool { return true })); diff != "" {
				t.Errorf("CRLF (-LF +CRLF):\n%s", diff)
			}
		})
	}
	if n < 10 {
		t.Errorf("only %d conformance cases compared", n)
	}
}

// TestConformancePipCases checks the cases where pip and uv differ against
// pip itself, with the folders they name present (pip looks at the disk).
func TestConformancePipCases(t *testing.T) {
	dir := shared.Dir(t, "conformance", "uv-requirements-txt")
	var files []string
	for name := range pipDiffers {
		files = append(files, filepath.Join(dir, name))
	}
	sort.Strings(files)
	// The uv cases pip agrees on are compared with pip too, in the same
	// run.
	var rest []string
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".txt") && pipDiffers[e.Name()] == "" {
			rest = append(rest, filepath.Join(dir, e.Name()))
		}
	}
	cwd := t.TempDir()
	all := append(append([]string(nil), files...), rest...)
	makePathDirs(t, cwd, all)
	res := runPip(t, cwd, all, nil, dir)
	if n := comparePip(t, cwd, files, res[:len(files)], nil); n != 10 {
		t.Errorf("compared %d requirements, want 10 (8 in editable.txt, 1 each in hash.txt and semicolon.txt)", n)
	}
	if n := comparePip(t, cwd, rest, res[len(files):], nil); n == 0 {
		t.Error("no requirements compared in the cases pip and uv agree on")
	}
}
