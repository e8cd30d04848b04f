package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

type opts struct {
	Python, PythonVersion string
	NoLock, Emit, NoEmit  bool
	Extra                 []string
	Arr                   []string
	Jobs                  int
	Timeout               time.Duration
}

// flags is a flag set shaped like deps resolve's, with an env variable on
// index-url and two groups.
func flags(o *opts) *pflag.FlagSet {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.StringVarP(&o.Python, "python", "p", "", "")
	fs.StringVar(&o.PythonVersion, "python-version", "", "")
	fs.BoolVar(&o.NoLock, "no-lock", false, "")
	fs.BoolVar(&o.Emit, "emit-index-url", false, "")
	fs.BoolVar(&o.NoEmit, "no-emit-index-url", false, "")
	fs.StringSliceVar(&o.Extra, "no-emit-package", nil, "")
	fs.StringArrayVar(&o.Arr, "extra-index-url", nil, "")
	fs.IntVar(&o.Jobs, "jobs", 8, "")
	fs.DurationVar(&o.Timeout, "timeout", 30*time.Second, "")
	fs.Bool("no-config", false, "")
	Env(fs, "extra-index-url", "PIP_EXTRA_INDEX_URL")
	Group(fs, "python", "python-version")
	Group(fs, "emit-index-url", "no-emit-index-url")
	Exclude(fs, "no-config")
	return fs
}

func TestApply(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		args    []string
		env     map[string]string
		check   func(t *testing.T, o *opts, origins map[string]Origin)
		wantErr string
	}{
		{name: "every kind", doc: "python = \"3.12\"\nno-lock = true\nno-emit-package = [\"a\", \"b\"]\nextra-index-url = \"https://x/\"\njobs = 3\ntimeout = \"5s\"\n",
			check: func(t *testing.T, o *opts, or map[string]Origin) {
				if o.Python != "3.12" || !o.NoLock || strings.Join(o.Extra, ",") != "a,b" || strings.Join(o.Arr, ",") != "https://x/" || o.Jobs != 3 || o.Timeout != 5*time.Second {
					t.Errorf("got %+v", o)
				}
				if got := or["no-lock"].String(); got != "config zgpu.toml:2:1" {
					t.Errorf("origin of no-lock = %q", got)
				}
				if got := or["pre"].String(); got != "" && got != "default" {
					t.Errorf("origin of pre = %q", got)
				}
			}},
		{name: "command line wins", doc: "python = \"3.12\"\nno-emit-package = [\"a\"]\n", args: []string{"--python", "3.10", "--no-emit-package", "c"},
			check: func(t *testing.T, o *opts, or map[string]Origin) {
				if o.Python != "3.10" || strings.Join(o.Extra, ",") != "c" || or["python"].Kind != "command line" {
					t.Errorf("got %+v %v", o, or["python"])
				}
			}},
		{name: "an alias on the command line wins", doc: "python = \"3.12\"\n", args: []string{"--python-version", "3.10"},
			check: func(t *testing.T, o *opts, or map[string]Origin) {
				if o.Python != "" || o.PythonVersion != "3.10" {
					t.Errorf("got %+v", o)
				}
			}},
		{name: "a negation on the command line wins", doc: "emit-index-url = true\n", args: []string{"--no-emit-index-url"},
			check: func(t *testing.T, o *opts, or map[string]Origin) {
				if o.Emit || !o.NoEmit {
					t.Errorf("got %+v", o)
				}
			}},
		{name: "env wins", doc: "extra-index-url = [\"https://file/\"]\n", env: map[string]string{"PIP_EXTRA_INDEX_URL": "https://env/"},
			check: func(t *testing.T, o *opts, or map[string]Origin) {
				if len(o.Arr) != 0 || or["extra-index-url"].String() != "env PIP_EXTRA_INDEX_URL" {
					t.Errorf("got %+v %v", o, or["extra-index-url"])
				}
			}},
		{name: "unknown key", doc: "python = \"3.12\"\n\nno_lock = true\n", wantErr: `zgpu.toml:3:1: no_lock: unknown key; did you mean "no-lock"?`},
		{name: "excluded key", doc: "no-config = true\n", wantErr: `zgpu.toml:1:1: no-config: unknown key`},
		{name: "a float for a string", doc: "python = 3.12\n", wantErr: `zgpu.toml:1:1: python: expected a string, found a float; write it quoted: python = "3.12"`},
		{name: "a string for a boolean", doc: "no-lock = \"true\"\n", wantErr: `zgpu.toml:1:1: no-lock: expected a boolean (true or false), found a string; write it without quotes: no-lock = true`},
		{name: "a number in an array", doc: "no-emit-package = [\"a\", 1]\n", wantErr: `no-emit-package: expected an array of strings, found an array holding an integer`},
		{name: "a value the flag rejects", doc: "timeout = \"soon\"\n", wantErr: `zgpu.toml:1:1: timeout: invalid value "soon"`},
		{name: "two keys of a group", doc: "python = \"3.12\"\npython-version = \"3.10\"\n", wantErr: `zgpu.toml:2:1: python-version: names the same setting as "python" (zgpu.toml:1:1)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &opts{}
			fs := flags(o)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			f, err := Parse("zgpu.toml", "", []byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			origins, err := Apply(fs, f, func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, o, origins)
		})
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// No file, then a pyproject.toml without [tool.zgpu]: no configuration.
	if f, err := Find(dir); f != nil || err != nil {
		t.Fatalf("empty folder: %v %v", f, err)
	}
	write("pyproject.toml", "[project]\nname = \"x\"\n\n[tool.zgpu]\nno-lock = true\n")
	f, err := Find(dir)
	if err != nil || f == nil || len(f.Settings) != 1 || f.Settings[0].Where() != filepath.Join(dir, "pyproject.toml")+":5:1" {
		t.Fatalf("pyproject: %+v %v", f, err)
	}
	// zgpu.toml wins, and the [tool.zgpu] table is not merged.
	write("zgpu.toml", "python = \"3.12\"\n")
	f, err = Find(dir)
	if err != nil || len(f.Settings) != 1 || f.Settings[0].Key != "python" || f.Shadowed != filepath.Join(dir, "pyproject.toml") {
		t.Fatalf("zgpu.toml: %+v %v", f, err)
	}
	// A [tool.zgpu] that is not a table, and TOML that does not parse.
	write("zgpu.toml", "python = \n")
	if _, err := Find(dir); err == nil || !strings.Contains(err.Error(), "zgpu.toml:1:") {
		t.Fatalf("bad TOML: %v", err)
	}
	if _, err := Parse("pyproject.toml", "tool.zgpu", []byte("[tool]\nzgpu = 1\n")); err == nil || !strings.Contains(err.Error(), "pyproject.toml:2:1: tool.zgpu: expected a table, found an integer") {
		t.Fatalf("tool.zgpu = 1: %v", err)
	}
}
