package reqfile

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/internal/testonly/shared"
)

// pipReq is one requirement as pip builds it (see testdata/pip_oracle.py).
type pipReq struct {
	Name           *string             `json:"name"`
	Specifier      *string             `json:"specifier"`
	URL            *string             `json:"url"`
	Markers        *string             `json:"markers"`
	Extras         []string            `json:"extras"`
	Editable       bool                `json:"editable"`
	Hashes         []string            `json:"hashes"`
	GlobalOptions  []string            `json:"global_options"`
	ConfigSettings map[string][]string `json:"config_settings"`
	Constraint     bool                `json:"constraint"`
	File           *string             `json:"file"`
	Line           *int                `json:"line"`
}

type pipOptions struct {
	IndexURLs     []string `json:"index_urls"`
	FindLinks     []string `json:"find_links"`
	NoIndex       bool     `json:"no_index"`
	NoBinary      []string `json:"no_binary"`
	OnlyBinary    []string `json:"only_binary"`
	Pre           bool     `json:"pre"`
	PreferBinary  bool     `json:"prefer_binary"`
	RequireHashes bool     `json:"require_hashes"`
	Features      []string `json:"features"`
	TrustedHosts  []string `json:"trusted_hosts"`
}

type pipResult struct {
	Path         string     `json:"path"`
	OK           bool       `json:"ok"`
	Error        string     `json:"error"`
	Requirements []pipReq   `json:"requirements"`
	Options      pipOptions `json:"options"`
}

// runPip reads every file with pip's parser in one subprocess, in folder
// cwd (pip resolves requirement paths against the current folder), with
// env added to the environment; or reads the recorded answer (see
// shared.Oracle). roots are the folders the files and what they include
// live in (temporary ones change from run to run).
func runPip(t *testing.T, cwd string, files, env []string, roots ...string) []pipResult {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("testdata", "pip_oracle.py"))
	if err != nil {
		t.Fatal(err)
	}
	in, _ := json.Marshal(files)
	out := shared.Oracle{
		Name: t.Name(), Args: []string{script}, Dir: cwd, Stdin: in,
		Env:   append([]string{"PIP_NO_INPUT=1", "PIP_DISABLE_PIP_VERSION_CHECK=1"}, env...),
		Roots: append([]string{cwd}, roots...), Replace: []string{filepath.Dir(script)},
	}.Output(t)
	var res []pipResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("pip oracle output: %v", err)
	}
	if len(res) != len(files) {
		t.Fatalf("pip oracle read %d files, want %d", len(res), len(files))
	}
	return res
}

// pyQuote is Python's urllib.parse.quote with safe "/".
func pyQuote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.-~/", c) >= 0 {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(c)|0x100, 16)[1:]))
		}
	}
	return b.String()
}

func ptr[T any](v T) *T { return &v }

// asPip turns our requirements into pip's view of them; cwd is the folder
// pip ran in (for the file: URLs of local paths).
func asPip(reqs []Requirement, cwd string) []pipReq {
	out := []pipReq{}
	for _, r := range reqs {
		p := pipReq{
			Extras:         append([]string{}, r.Req.Extras...),
			Editable:       r.Editable,
			Hashes:         append([]string{}, r.Hashes...),
			GlobalOptions:  append([]string{}, r.GlobalOptions...),
			ConfigSettings: r.ConfigSettings,
			Constraint:     r.Constraint,
			File:           ptr(r.Origin.File),
			Line:           ptr(r.Origin.Line),
		}
		if p.ConfigSettings == nil {
			p.ConfigSettings = map[string][]string{}
		}
		sort.Strings(p.Extras)
		sort.Strings(p.Hashes)
		if r.Req.Name != "" {
			p.Name = ptr(r.Req.Name)
			p.Specifier = ptr(r.Req.Specifiers.String())
		}
		switch {
		case r.Kind == Path:
			abs := filepath.Clean(filepath.Join(cwd, r.Req.URL))
			p.URL = ptr("file://" + pyQuote(abs))
		case r.Kind == URL && urlScheme(r.Req.URL) == "file" && strings.Contains(r.Req.URL, "../"):
			// pip makes such a URL absolute, against the current folder.
			u := r.Req.URL[len("file:"):]
			if i := strings.IndexAny(u, "?#"); i >= 0 {
				u = u[:i]
			}
			if strings.HasPrefix(u, "//") {
				u = u[2:]
				u = u[strings.IndexByte(u+"/", '/'):]
			}
			u = lenientUnquote(u)
			if !filepath.IsAbs(u) {
				u = filepath.Join(cwd, u)
			}
			p.URL = ptr("file://" + pyQuote(filepath.Clean(u)))
		case r.Req.URL != "":
			p.URL = ptr(r.Req.URL)
		}
		if r.Req.Marker != nil {
			p.Markers = ptr(r.Req.Marker.String())
		}
		out = append(out, p)
	}
	return out
}

// normSpec sorts the parts of each specifier set, which packaging and our
// String may order differently; both sides go through it.
func normSpec(rs []pipReq) []pipReq {
	for i := range rs {
		if rs[i].Specifier != nil {
			parts := strings.Split(*rs[i].Specifier, ",")
			sort.Strings(parts)
			rs[i].Specifier = ptr(strings.Join(parts, ","))
		}
	}
	return rs
}

func ourOptions(o Options) pipOptions {
	p := pipOptions{
		FindLinks: append([]string{}, o.FindLinks...), NoIndex: o.NoIndex,
		NoBinary: append([]string{}, o.NoBinary...), OnlyBinary: append([]string{}, o.OnlyBinary...),
		Pre: o.Pre, PreferBinary: o.PreferBinary, RequireHashes: o.RequireHashes,
		Features: append([]string{}, o.Features...), TrustedHosts: []string{},
		IndexURLs: []string{},
	}
	for _, h := range o.TrustedHosts {
		host, port, hasPort, _ := trustedHost(h)
		if hasPort {
			host += ":" + strconv.Itoa(port)
		}
		p.TrustedHosts = append(p.TrustedHosts, host)
	}
	if !o.NoIndex {
		idx := o.IndexURL
		if idx == "" {
			idx = "DEFAULT"
		}
		p.IndexURLs = append(append(p.IndexURLs, idx), o.ExtraIndexURLs...)
	}
	sort.Strings(p.NoBinary)
	sort.Strings(p.OnlyBinary)
	return p
}

func normOptions(p pipOptions) pipOptions {
	for _, s := range []*[]string{&p.IndexURLs, &p.FindLinks, &p.NoBinary, &p.OnlyBinary, &p.Features, &p.TrustedHosts} {
		if *s == nil {
			*s = []string{}
		}
	}
	return p
}

var pipLineRE = regexp.MustCompile(`line (\d+) of `)

// comparePip checks our reading of files against pip's.
func comparePip(t *testing.T, cwd string, files []string, res []pipResult, getenv func(string) (string, bool)) (reqs int) {
	t.Helper()
	for i, file := range files {
		pr := res[i]
		f, err := ParseFile(file, ParseOptions{Getenv: getenv})
		if !pr.OK {
			if err == nil {
				t.Errorf("%s: pip rejects it (%s) but we read %d requirements", file, firstLine(pr.Error), len(f.Requirements))
				continue
			}
			if m := pipLineRE.FindStringSubmatch(pr.Error); m != nil {
				var e *Error
				if n, _ := strconv.Atoi(m[1]); asError(err, &e) && e.StartLine != n {
					t.Errorf("%s: pip rejects line %s, we reject line %d: %v", file, m[1], e.StartLine, err)
				}
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: pip reads it (%d requirements) but we reject it: %v", file, len(pr.Requirements), err)
			continue
		}
		reqs += len(f.Requirements)
		if diff := cmp.Diff(normSpec(pr.Requirements), normSpec(asPip(f.Requirements, cwd))); diff != "" {
			t.Errorf("%s: requirements (-pip +ours):\n%s", file, diff)
		}
		if diff := cmp.Diff(normOptions(pr.Options), normOptions(ourOptions(f.Options))); diff != "" {
			t.Errorf("%s: options (-pip +ours):\n%s", file, diff)
		}
	}
	return reqs
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func asError(err error, e **Error) bool {
	x, ok := err.(*Error)
	if ok {
		*e = x
	}
	return ok
}

// makePathDirs creates, under cwd, an installable folder for every local
// folder requirement we read from files, so that pip (which looks at the
// disk) sees what we assume exists.
func makePathDirs(t *testing.T, cwd string, files []string, getenv ...func(string) (string, bool)) {
	t.Helper()
	var env func(string) (string, bool)
	if len(getenv) > 0 {
		env = getenv[0]
	}
	for _, file := range files {
		f, err := ParseFile(file, ParseOptions{Getenv: env})
		var e *Error
		if err != nil && asError(err, &e) && e.Origin.File == file && e.StartLine > 1 {
			// pip reads the lines before the bad one first: make their
			// folders too, so that both of us fail on the same line.
			data, _ := os.ReadFile(file)
			lines, starts := splitLines(string(data))
			if e.StartLine-1 < len(lines) {
				f, err = Parse(file, data[:starts[e.StartLine-1]], ParseOptions{Getenv: env})
			}
		}
		if err != nil {
			continue
		}
		for _, r := range f.Requirements {
			if r.Kind != Path || !r.Editable && archiveExt(r.Req.URL) != "" || filepath.IsAbs(r.Req.URL) {
				continue
			}
			d := filepath.Join(cwd, r.Req.URL)
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(d, "pyproject.toml"), []byte("[project]\nname='x'\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

var corpusFileRE = regexp.MustCompile(`^(requirements.*|pre-requirements)\.txt$`)

func corpusFiles(t testing.TB) []string {
	dir := shared.Dir(t, "corpus")
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && corpusFileRE.MatchString(d.Name()) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no requirements files under %s", dir)
	}
	return files
}

// TestCorpusAgainstPip reads every requirements*.txt and
// pre-requirements.txt of the corpus with our reader and with pip's, and
// compares every requirement, the options, and which files are rejected.
func TestCorpusAgainstPip(t *testing.T) {
	files := corpusFiles(t)
	cwd := t.TempDir()
	makePathDirs(t, cwd, files)
	res := runPip(t, cwd, files, nil, shared.Dir(t, "corpus"))
	n := comparePip(t, cwd, files, res, nil)
	rejected := 0
	for _, r := range res {
		if !r.OK {
			rejected++
		}
	}
	t.Logf("%d files, %d requirements compared, %d files rejected by both", len(files), n, rejected)
	if n < 1000 {
		t.Errorf("only %d requirements compared; the corpus has more", n)
	}
}
