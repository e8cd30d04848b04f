package reqfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

func TestPreprocess(t *testing.T) {
	type ll struct {
		Text string
		Line int
	}
	tests := []struct {
		name string
		in   string
		env  map[string]string
		want []ll
	}{
		{"plain", "a\nb\n", nil, []ll{{"a", 1}, {"b", 2}}},
		{"blank and comments", "\n# c\n  # c\na # c\nb#c\n", nil, []ll{{"a", 4}, {"b#c", 5}}},
		{"continuation", "a \\\n  b \\\nc\nd\n", nil, []ll{{"a   b c", 1}, {"d", 4}}},
		{"continuation at EOF", "a \\\nb \\", nil, []ll{{"a b", 1}}},
		{"continuation into comment", "a \\\n# x \\\nb\n", nil, []ll{{"a", 1}, {"b", 3}}},
		{"backslashes trimmed both ends", "\\\\a\\\\\nb\n", nil, []ll{{"ab", 1}}},
		{"CRLF", "a\r\nb\r\n", nil, []ll{{"a", 1}, {"b", 2}}},
		{"CR and form feed split lines", "a\rb\x0cc\n", nil, []ll{{"a", 1}, {"b", 2}, {"c", 3}}},
		{"unicode line separators", "a\u2028b\u0085c\n", nil, []ll{{"a", 1}, {"b", 2}, {"c", 3}}},
		{"unicode space before comment", "a\u00a0# c\n", nil, []ll{{"a", 1}}},
		{"vars", "${A}==${B} ${A}\n$A ${a} ${UNSET} ${EMPTY}\n", map[string]string{"A": "x", "B": "1", "EMPTY": ""},
			[]ll{{"x==1 x", 1}, {"$A ${a} ${UNSET} ${EMPTY}", 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			var got []ll
			for _, l := range preprocess(tt.in, getenv) {
				got = append(got, ll{l.text, l.line})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("preprocess (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPositions(t *testing.T) {
	in := "foo==1 \\\n    --hash=sha256:${H} \\\n\t--hash=sha256:bbb\n  bar  # c\n"
	f, err := Parse("r.txt", []byte(in), ParseOptions{Getenv: func(k string) (string, bool) { return "aaaa", k == "H" }})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range f.Requirements {
		got = append(got, r.Origin.String()+" "+r.Line)
	}
	want := []string{
		"r.txt:1:1 foo==1     --hash=sha256:aaaa \t--hash=sha256:bbb",
		"r.txt:4:3 bar",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"sha256:aaaa", "sha256:bbb"}, f.Requirements[0].Hashes); diff != "" {
		t.Errorf("hashes (-want +got):\n%s", diff)
	}
	// a position inside a continued line maps to its physical line
	ls := preprocess(in, nil)
	for _, c := range []struct {
		sub       string
		line, col int
	}{{"--hash=sha256:${H}", 2, 5}, {"--hash=sha256:bbb", 3, 2}} {
		off := strings.Index(ls[0].text, c.sub)
		if l, col := ls[0].pos(off); l != c.line || col != c.col {
			t.Errorf("pos(%q) = %d:%d, want %d:%d", c.sub, l, col, c.line, c.col)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"lone equals", "numpy\ndiffusers=0.21.4\n",
			`r.txt:2:10: invalid requirement: expected end or ';' after name and no valid version specifier: "diffusers=0.21.4"; did you mean "diffusers==0.21.4"?`},
		{"unclosed paren", "torch (>=2.8\n", `r.txt:1:13: invalid requirement: expected ')'`},
		{"bad marker", "pkg ; python_version >\n", `r.txt:1:23: invalid marker: `},
		{"unknown option", "--frobnicate\n", `r.txt:1:1: no such option: --frobnicate: "--frobnicate"`},
		{"ambiguous option", "--no x\n", `r.txt:1:1: ambiguous option: --no (--no-binary, --no-index?): "--no x"`},
		{"missing value", "foo\n-i\n", `r.txt:2:1: -i option requires 1 argument: "-i"`},
		{"flag with value", "--pre=1\n", `r.txt:1:1: --pre option does not take a value: "--pre=1"`},
		{"bad hash algo", "foo --hash=md5:00\n", `r.txt:1:5: allowed hash algorithms for --hash are sha256, sha384, sha512: "foo --hash=md5:00"`},
		{"unclosed quote", "--index-url 'https://x\n", `r.txt:1:13: cannot split options: no closing quotation for '`},
		{"bad wheel name", "https://x.example/bad.whl\n", `r.txt:1:1: bad.whl is not a valid wheel filename`},
		{"editable without egg", "-e git+https://x.example/r.git\n", `r.txt:1:1: cannot tell the project name of an editable VCS URL: "-e git+https://x.example/r.git"; add #egg=<name> to the URL`},
		{"error after continuation", "foo \\\n  bar==1\n", `r.txt:2:3: invalid requirement: expected end or ';' after name and no valid version specifier`},
		{"invalid UTF-8", "foo\n\xff\n", `r.txt: invalid UTF-8 at byte offset 4`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("r.txt", []byte(tt.in), ParseOptions{})
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error\n  %s\nwant prefix\n  %s", err, tt.want)
			}
		})
	}
}

// writeTree writes a txtar archive's files under a new folder.
func writeTree(t *testing.T, archive string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range txtar.Parse([]byte(archive)).Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestIncludeCycle(t *testing.T) {
	dir := writeTree(t, `
-- a.txt --
foo
-r b.txt
-- b.txt --
bar
-r sub/../a.txt
`)
	_, err := ParseFile(filepath.Join(dir, "a.txt"), ParseOptions{})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want *Error", err)
	}
	a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	want := b + ":2:1: include cycle: " + a + " -> " + b + " -> " + dir + "/sub/../a.txt"
	if err.Error() != want {
		t.Errorf("error\n  %s\nwant\n  %s", err, want)
	}
}

func TestSelfInclude(t *testing.T) {
	dir := writeTree(t, "-- r.txt --\n-c ./r.txt\n")
	_, err := ParseFile(filepath.Join(dir, "r.txt"), ParseOptions{})
	if err == nil || !strings.Contains(err.Error(), "include cycle: "+filepath.Join(dir, "r.txt")+" -> "+dir+"/./r.txt") {
		t.Errorf("error = %v, want a cycle r.txt -> ./r.txt", err)
	}
}

func TestMissingInclude(t *testing.T) {
	dir := writeTree(t, "-- main.txt --\nfoo\n--requirement=missing.txt\n")
	_, err := ParseFile(filepath.Join(dir, "main.txt"), ParseOptions{})
	main, missing := filepath.Join(dir, "main.txt"), filepath.Join(dir, "missing.txt")
	want := main + ":2:1: cannot read requirements file " + missing + " included by " + main + "; no such file or directory"
	if err == nil || err.Error() != want {
		t.Errorf("error\n  %v\nwant\n  %s", err, want)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error does not wrap fs.ErrNotExist")
	}
}

func TestIncludesRecorded(t *testing.T) {
	dir := writeTree(t, `
-- main.txt --
-r https://example.com/reqs.txt
-c constraints.txt
-r other.txt --index-url https://ignored.example
x
-- constraints.txt --
x<2
-- other.txt --
y
`)
	f, err := ParseFile(filepath.Join(dir, "main.txt"), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, inc := range f.Includes {
		got = append(got, strings.TrimPrefix(inc.Path, dir+"/")+" "+inc.Origin.String()[len(dir)+1:])
	}
	want := []string{"https://example.com/reqs.txt main.txt:1:1", "constraints.txt main.txt:2:1", "other.txt main.txt:3:1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("includes (-want +got):\n%s", diff)
	}
	if f.Options.IndexURL != "" {
		t.Errorf("IndexURL = %q: pip ignores options on an include line", f.Options.IndexURL)
	}
	var reqs []string
	for _, r := range f.Requirements {
		reqs = append(reqs, r.Req.String()+map[bool]string{true: " (constraint)"}[r.Constraint])
	}
	if diff := cmp.Diff([]string{"x<2 (constraint)", "y", "x"}, reqs); diff != "" {
		t.Errorf("requirements (-want +got):\n%s", diff)
	}
	if len(f.Files) != 3 || len(f.Warnings) == 0 {
		t.Errorf("Files = %q, Warnings = %v", f.Files, f.Warnings)
	}
	g, err := ParseFile(filepath.Join(dir, "main.txt"), ParseOptions{NoIncludes: true})
	if err != nil || len(g.Requirements) != 1 || len(g.Includes) != 3 {
		t.Errorf("NoIncludes: %v, %d requirements, %d includes; want 1 and 3", err, len(g.Requirements), len(g.Includes))
	}
}

func TestNaming(t *testing.T) {
	tests := []struct {
		line, name, spec string
		kind             Kind
	}{
		{"https://x.example/flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", "flash-attn", "==2.8.3+cu12torch2.8cxx11abiTRUE", URL},
		{"https://x.example/a/torch_scatter-2.1.2%2Bpt21cu121-cp310-cp310-linux_x86_64.whl", "torch-scatter", "==2.1.2+pt21cu121", URL},
		{"git+https://github.com/o/r.git@v1#egg=my_pkg", "my_pkg", "", URL},
		{"https://x.example/pkg-1.0.tar.gz", "", "", URL},
		{"./wheels/pkg-1.0-py3-none-any.whl", "pkg", "==1.0", Path},
		{"../src/pkg", "", "", Path},
		{"pkg @ https://x.example/pkg-1.0.tar.gz", "pkg", "", Named},
	}
	for _, tt := range tests {
		f, err := Parse("r.txt", []byte(tt.line+"\n"), ParseOptions{})
		if err != nil {
			t.Errorf("%s: %v", tt.line, err)
			continue
		}
		r := f.Requirements[0]
		if r.Req.Name != tt.name || r.Req.Specifiers.String() != tt.spec || r.Kind != tt.kind {
			t.Errorf("%s: name %q spec %q kind %v; want %q %q %v", tt.line, r.Req.Name, r.Req.Specifiers, r.Kind, tt.name, tt.spec, tt.kind)
		}
	}
	if name, from := (Requirement{Kind: URL}).ProjectName(); name != "" || from != "" {
		t.Errorf("ProjectName of an empty URL = %q, %q", name, from)
	}
	for line, want := range map[string][2]string{
		"https://x.example/dl/My_Pkg-1.0.tar.gz#sha256=00":                    {"My_Pkg", "sdist"},
		"git+https://github.com/huggingface/diffusers.git@v0.30.0":            {"diffusers", "repository"},
		"git+https://github.com/NVlabs/nvdiffrast/":                           {"nvdiffrast", "repository"},
		"git+https://github.com/o/r.git#egg=pkg":                              {"pkg", "egg"},
		"https://x.example/torch-2.8.0-cp312-cp312-manylinux_2_28_x86_64.whl": {"torch", "wheel"},
		"pkg>=1":       {"pkg", "requirement"},
		"./local/path": {"", ""},
	} {
		f, err := Parse("r.txt", []byte(line+"\n"), ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if name, from := f.Requirements[0].ProjectName(); name != want[0] || from != want[1] {
			t.Errorf("%s: ProjectName = %q, %q; want %q, %q", line, name, from, want[0], want[1])
		}
	}
}

// TestStripExtras checks stripExtras against pip's regular expression.
func TestStripExtras(t *testing.T) {
	re := regexp.MustCompile(`^(.+)(\[[^\]]+\])$`)
	for _, s := range []string{"", "a", "[x]", "a[x]", "a[]", "a[x][y]", "a[x]]", "a[[x]", "./p[dev,test]", "p[d, dev]", "a]b[c]", "a[b]c]", "[a][b]", "x[y"} {
		p, e := stripExtras(s)
		wp, we := s, ""
		if m := re.FindStringSubmatch(s); m != nil {
			wp, we = m[1], m[2]
		}
		if p != wp || e != we {
			t.Errorf("stripExtras(%q) = %q, %q; want %q, %q", s, p, e, wp, we)
		}
	}
}

// TestVarsInUserinfoKept: a ${VAR} in a URL's userinfo stays as written
// (the secret never enters the requirement), so does one whose name says
// it is a secret; others are expanded as pip does, also when the same
// variable appears inside and outside a userinfo.
func TestVarsInUserinfoKept(t *testing.T) {
	env := map[string]string{"HF_TOKEN": "hf_secret_value", "V": "2.1", "HOST": "example.com"}
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	tests := []struct{ in, want string }{
		{"mypkg @ git+https://user:${HF_TOKEN}@huggingface.co/org/repo", "mypkg @ git+https://user:${HF_TOKEN}@huggingface.co/org/repo"},
		{"mypkg @ https://${HF_TOKEN}@${HOST}/x/${V}/mypkg-1.0.tar.gz", "mypkg @ https://${HF_TOKEN}@example.com/x/2.1/mypkg-1.0.tar.gz"},
		{"foo==${V}", "foo==2.1"},
		{"foo @ https://${V}@${HOST}/foo-${V}.tar.gz", "foo @ https://${V}@example.com/foo-2.1.tar.gz"},
		{"foo @ https://${HOST}/t/${HF_TOKEN}/foo-1.0.tar.gz", "foo @ https://example.com/t/${HF_TOKEN}/foo-1.0.tar.gz"},
	}
	for _, tt := range tests {
		f, err := Parse("r.txt", []byte(tt.in+"\n"), ParseOptions{Getenv: getenv})
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if got := f.Requirements[0].Line; got != tt.want {
			t.Errorf("%s: Line = %q, want %q", tt.in, got, tt.want)
		}
	}
	f, err := Parse("r.txt", []byte("--index-url https://u:${HF_TOKEN}@${HOST}/simple\n"), ParseOptions{Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Options.IndexURL, "https://u:${HF_TOKEN}@example.com/simple"; got != want {
		t.Errorf("IndexURL = %q, want %q", got, want)
	}
}

// TestIgnoredOptionsOneWarning: the options pip ignores on a requirement
// line are one warning for the line (055-seed-vc: --pre and --index-url
// after each requirement), at the first one's column.
func TestIgnoredOptionsOneWarning(t *testing.T) {
	f, err := Parse("r.txt", []byte("torch==2.8.0 --pre --index-url https://x.example/simple\nnumpy --pre\n"), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range f.Warnings {
		got = append(got, w.String())
	}
	want := []string{
		"r.txt:1:14: pip ignores --pre and --index-url on a requirement line; put each on a line of its own",
		"r.txt:2:7: pip ignores --pre on a requirement line; put it on a line of its own",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}
