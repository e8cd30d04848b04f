package frontmatter

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/internal/testonly/shared"
)

var update = flag.Bool("update", false, "rewrite testdata/corpus.golden")

// named returns the named fields of f, for comparing.
func named(f *Frontmatter) map[string]string {
	if f == nil {
		return nil
	}
	m := map[string]string{}
	for k, v := range map[string]string{
		"title": f.Title, "sdk": f.SDK, "sdk_version": f.SDKVersion,
		"python_version": f.PythonVersion, "app_file": f.AppFile,
		"hardware": f.Hardware, "suggested_hardware": f.SuggestedHardware,
	} {
		if v != "" {
			m[k] = v
		}
	}
	return m
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want map[string]string // nil: no frontmatter
		keys []string
	}{
		{"none", "# Title\n\ntext\n", nil, nil},
		{"empty file", "", nil, nil},
		{"not at start", "\n---\nsdk: gradio\n---\n", nil, nil},
		{"empty block", "---\n---\nbody\n", map[string]string{}, nil},
		{"basic", "---\ntitle: X\nsdk: gradio\nsdk_version: 4.44.1\napp_file: app.py\n---\n# body\n",
			map[string]string{"title": "X", "sdk": "gradio", "sdk_version": "4.44.1", "app_file": "app.py"},
			[]string{"title", "sdk", "sdk_version", "app_file"}},
		{"unquoted 3.10 stays 3.10", "---\npython_version: 3.10\n---\n", map[string]string{"python_version": "3.10"}, []string{"python_version"}},
		{"unquoted 3.9.13", "---\npython_version: 3.9.13\n---\n", map[string]string{"python_version": "3.9.13"}, []string{"python_version"}},
		{"quoted", "---\npython_version: '3.12'\n---\n", map[string]string{"python_version": "3.12"}, []string{"python_version"}},
		{"integer-looking", "---\npython_version: 3\n---\n", map[string]string{"python_version": "3"}, []string{"python_version"}},
		{"BOM and CRLF", "\xEF\xBB\xBF---\r\nsdk: gradio\r\npython_version: 3.10\r\n---\r\nbody\r\n",
			map[string]string{"sdk": "gradio", "python_version": "3.10"}, []string{"sdk", "python_version"}},
		{"dots close", "---\nsdk: docker\n...\n", map[string]string{"sdk": "docker"}, []string{"sdk"}},
		{"trailing blanks on fences", "--- \nsdk: static\n---\t\n", map[string]string{"sdk": "static"}, []string{"sdk"}},
		{"hardware", "---\nsuggested_hardware: zero-a10g\nhardware: a10g-small\n---\n",
			map[string]string{"suggested_hardware": "zero-a10g", "hardware": "a10g-small"}, []string{"suggested_hardware", "hardware"}},
		{"other keys kept in order", "---\nz: 1\ntags:\n- a\n- b\na: {x: 1}\nsdk: gradio\n---\n",
			map[string]string{"sdk": "gradio"}, []string{"z", "tags", "a", "sdk"}},
		{"null value", "---\nsdk_version:\nsdk: ~\n---\n", map[string]string{}, []string{"sdk_version", "sdk"}},
		{"duplicate key: last wins", "---\nsdk: gradio\nsdk: docker\n---\n", map[string]string{"sdk": "docker"}, []string{"sdk", "sdk"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("README.md", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, named(f)); diff != "" {
				t.Errorf("named fields (-want +got):\n%s", diff)
			}
			var keys []string
			if f != nil {
				for _, fl := range f.Fields {
					keys = append(keys, fl.Key)
				}
			}
			if diff := cmp.Diff(tt.keys, keys); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFieldValues(t *testing.T) {
	f, err := Parse("README.md", []byte("---\ntitle: T\ntags:\n  - a\n  - b\npinned: false\n---\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	pos := map[string][2]int{}
	for _, fl := range f.Fields {
		got[fl.Key] = fl.Value
		pos[fl.Key] = [2]int{fl.Line, fl.Column}
	}
	want := map[string]string{"title": "T", "tags": "- a\n- b", "pinned": "false"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	wantPos := map[string][2]int{"title": {2, 1}, "tags": {3, 1}, "pinned": {6, 1}}
	if diff := cmp.Diff(wantPos, pos); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
	if f.EndLine != 7 {
		t.Errorf("EndLine = %d, want 7", f.EndLine)
	}
	if fl, ok := f.Get("tags"); !ok || fl.Node == nil || len(fl.Node.Content) != 2 {
		t.Errorf("Get(tags) = %+v, %v", fl, ok)
	}
	if _, ok := f.Get("missing"); ok {
		t.Error("Get(missing) found a field")
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"no closing fence", "---\nsdk: gradio\npython_version: 3.10\n", "README.md:1:1: frontmatter opened by \"---\" is not closed (expected a \"---\" or \"...\" line before the end of the file at line 3)"},
		{"bad YAML first line", "---\na: b: c\n---\n", "README.md:2:1: invalid YAML: mapping values are not allowed in this context"},
		{"bad YAML later line", "---\nsdk: gradio\n  x: [1\n---\n", "README.md:3:3: invalid YAML: mapping values are not allowed in this context"},
		{"tab indentation", "---\nsdk: gradio\ntags:\n\t- a\n---\n", "README.md:4:2: invalid YAML: found character that cannot start any token"},
		{"not a mapping", "---\n- a\n- b\n---\n", "README.md:2:1: frontmatter is a YAML sequence, expected a mapping of keys to values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("README.md", []byte(tt.in))
			if err == nil {
				t.Fatalf("Parse = %+v, want error %q", f, tt.want)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %q, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestReadFileMissing(t *testing.T) {
	f, err := ReadFile(filepath.Join(t.TempDir(), "README.md"))
	if f != nil || err != nil {
		t.Errorf("ReadFile(missing) = %v, %v; want nil, nil", f, err)
	}
}

// TestCorpus reads every README.md of the corpus and compares the named
// fields with testdata/corpus.golden (-update rewrites it).
func TestCorpus(t *testing.T) {
	dir := shared.Dir(t, "corpus")
	files, err := filepath.Glob(filepath.Join(dir, "*", "README.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no README.md in %s: %v", dir, err)
	}
	var b strings.Builder
	for _, file := range files {
		f, err := ReadFile(file)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if f == nil {
			t.Errorf("%s: no frontmatter", file)
			continue
		}
		rel, _ := filepath.Rel(dir, file)
		b.WriteString(filepath.ToSlash(rel) + ": sdk=" + f.SDK + " sdk_version=" + f.SDKVersion +
			" python_version=" + f.PythonVersion + " app_file=" + f.AppFile +
			" suggested_hardware=" + f.SuggestedHardware + " fields=" + strconv.Itoa(len(f.Fields)) + "\n")
	}
	golden := filepath.Join("testdata", "corpus.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("corpus (-want +got):\n%s", diff)
	}
	// A few values checked by hand against the files.
	for file, want := range map[string]map[string]string{
		"001-guns-ai-studio/README.md":     {"python_version": "3.10", "sdk_version": "4.44.1", "sdk": "gradio", "app_file": "app.py", "title": "Guns AI Studio"},
		"003-rasopathy-rephrase/README.md": {"python_version": "3.12", "sdk_version": "4.44.1", "sdk": "gradio", "app_file": "app.py", "title": "RASopathy VUS Output Audit"},
		"048-xva-synth/README.md":          {"python_version": "3.9", "sdk": "gradio", "app_file": "app.py", "title": "xVASynth TTS"},
		"072-3dfauna-hf/README.md":         {"python_version": "3.9.13", "sdk_version": "3.50.2", "sdk": "gradio", "app_file": "app.py", "title": "3DFauna Demo"},
		"005-audioclone-zerogpu/README.md": {"suggested_hardware": "zero-a10g", "sdk_version": "5.33.0", "sdk": "gradio", "app_file": "app.py", "title": "Qwen3-TTS Demo"},
	} {
		f, err := ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, named(f)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", file, diff)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("---\nsdk: gradio\npython_version: 3.10\n---\n"))
	f.Add([]byte("\xEF\xBB\xBF---\r\na: [1, 2]\r\n...\r\n"))
	f.Add([]byte("---\na: b: c\n---\n"))
	f.Add([]byte("---\n- x\n---\n"))
	f.Add([]byte("---\n&a x: *a\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fm, err := Parse("README.md", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "README.md:") {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		if fm != nil {
			for _, fl := range fm.Fields {
				if fl.Line < 2 || fl.Line >= fm.EndLine {
					t.Fatalf("field %q at line %d outside the block (end %d)", fl.Key, fl.Line, fm.EndLine)
				}
			}
		}
	})
}
