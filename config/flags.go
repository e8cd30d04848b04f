package config

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/zgpu/zgpu/internal/tomlpos"
)

// The flag annotations this package reads (pflag.Flag.Annotations).
const (
	// envAnnotation lists the environment variables that set a flag's
	// default; a flag whose variable is set keeps it over the file.
	envAnnotation = "zgpu/config-env"
	// groupAnnotation names the setting a flag belongs to (its own name
	// unless tied to others with Group).
	groupAnnotation = "zgpu/config-group"
	// excludeAnnotation marks a flag no file may set.
	excludeAnnotation = "zgpu/config-exclude"
	// pathAnnotation marks a flag whose relative paths are relative to
	// the file's folder.
	pathAnnotation = "zgpu/config-path"
)

// Env records that the variables vars set the default of flag name (the
// caller reads them); a set variable beats the configuration file.
func Env(fs *pflag.FlagSet, name string, vars ...string) {
	annotate(fs, name, envAnnotation, vars...)
}

// Group ties flags that name one setting: aliases (python,
// python-version) and negations (emit-index-url, no-emit-index-url).
func Group(fs *pflag.FlagSet, names ...string) {
	for _, n := range names {
		annotate(fs, n, groupAnnotation, names[0])
	}
}

// Exclude marks flags that no configuration file may set (--no-config
// itself, --help).
func Exclude(fs *pflag.FlagSet, names ...string) {
	for _, n := range names {
		annotate(fs, n, excludeAnnotation, "true")
	}
}

// Path marks flags that take file or folder paths (or URLs): a relative
// path in a file is relative to the file's folder, as uv reads its
// find-links.
func Path(fs *pflag.FlagSet, names ...string) {
	for _, n := range names {
		annotate(fs, n, pathAnnotation, "true")
	}
}

func annotate(fs *pflag.FlagSet, name, key string, vals ...string) {
	f := fs.Lookup(name)
	if f == nil {
		panic("config: no flag " + name) // a programming error, caught by any test
	}
	if f.Annotations == nil {
		f.Annotations = map[string][]string{}
	}
	f.Annotations[key] = append(f.Annotations[key], vals...)
}

func group(f *pflag.Flag) string {
	if g := f.Annotations[groupAnnotation]; len(g) > 0 {
		return g[0]
	}
	return f.Name
}

// envOf returns the first variable of f's that getenv sets, or "".
func envOf(f *pflag.Flag, getenv func(string) string) string {
	for _, v := range f.Annotations[envAnnotation] {
		if strings.TrimSpace(getenv(v)) != "" {
			return v
		}
	}
	return ""
}

// Origin says where a flag's effective value came from.
type Origin struct {
	Kind   string // "command line", "env", "config" or "default"
	Detail string // the variable, "file:line:col", or "" (command line, default)
}

func (o Origin) String() string {
	if o.Detail == "" {
		return o.Kind
	}
	return o.Kind + " " + o.Detail
}

// Apply sets the flags of fs that f's settings name, unless the command
// line set the flag (or another of its group) or an environment variable
// of the flag is set (getenv, usually os.Getenv). It returns where every
// flag's value came from, by flag name. A nil f applies nothing.
func Apply(fs *pflag.FlagSet, f *File, getenv func(string) string) (map[string]Origin, error) {
	given := map[string]bool{} // groups set on the command line
	fs.Visit(func(fl *pflag.Flag) { given[group(fl)] = true })
	origins := map[string]Origin{}
	fs.VisitAll(func(fl *pflag.Flag) {
		switch {
		case fl.Changed:
			origins[fl.Name] = Origin{Kind: "command line"}
		case envOf(fl, getenv) != "":
			origins[fl.Name] = Origin{Kind: "env", Detail: envOf(fl, getenv)}
		default:
			origins[fl.Name] = Origin{Kind: "default"}
		}
	})
	if f == nil {
		return origins, nil
	}
	seen := map[string]Setting{} // group -> the setting that named it
	for _, s := range f.Settings {
		fl := fs.Lookup(s.Key)
		if fl == nil || fl.Hidden || len(fl.Annotations[excludeAnnotation]) > 0 {
			return nil, unknownKey(fs, f, s)
		}
		g := group(fl)
		if prev, dup := seen[g]; dup {
			return nil, posErr(f, s, fmt.Sprintf("names the same setting as %q (%s): keep one", prev.Key, prev.Where()), "")
		}
		seen[g] = s
		vals, err := values(fl, s.Value)
		if err != nil {
			return nil, posErr(f, s, err.Error(), hint(fl, s.Value))
		}
		if given[g] || envOf(fl, getenv) != "" {
			continue // the command line and the environment win
		}
		if len(fl.Annotations[pathAnnotation]) > 0 {
			for i, v := range vals {
				vals[i] = relativeTo(filepath.Dir(f.Path), v)
			}
		}
		if err := set(fl, vals); err != nil {
			return nil, posErr(f, s, err.Error(), "")
		}
		origins[fl.Name] = Origin{Kind: "config", Detail: s.Where()}
	}
	return origins, nil
}

// relativeTo joins a relative path to dir; URLs, absolute paths, "" and
// "-" (stdin or stdout) stay as they are.
func relativeTo(dir, v string) string {
	if v == "" || v == "-" || strings.Contains(v, "://") || filepath.IsAbs(v) {
		return v
	}
	return filepath.Join(dir, v)
}

// set gives fl its values without marking it changed on the command line.
func set(fl *pflag.Flag, vals []string) error {
	if sv, ok := fl.Value.(pflag.SliceValue); ok {
		if err := sv.Replace(vals); err != nil {
			return fmt.Errorf("invalid value: %v", err)
		}
		return nil
	}
	if err := fl.Value.Set(vals[0]); err != nil {
		return fmt.Errorf("invalid value %q: %v", vals[0], err)
	}
	return nil
}

// values turns a TOML value into the strings fl.Value.Set takes, or says
// what TOML type the flag needs.
func values(fl *pflag.Flag, v any) ([]string, error) {
	want := Expect(fl)
	if _, ok := fl.Value.(pflag.SliceValue); ok {
		switch x := v.(type) {
		case string:
			return []string{x}, nil
		case []any:
			out := make([]string, 0, len(x))
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("expected %s, found an array holding %s", want, tomlpos.TypeOf(e))
				}
				out = append(out, s)
			}
			return out, nil
		}
		return nil, fmt.Errorf("expected %s, found %s", want, tomlpos.TypeOf(v))
	}
	switch fl.Value.Type() {
	case "bool":
		if b, ok := v.(bool); ok {
			return []string{strconv.FormatBool(b)}, nil
		}
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "count":
		if n, ok := v.(int64); ok {
			return []string{strconv.FormatInt(n, 10)}, nil
		}
	case "float32", "float64":
		switch n := v.(type) {
		case float64:
			if !math.IsInf(n, 0) && !math.IsNaN(n) {
				return []string{strconv.FormatFloat(n, 'g', -1, 64)}, nil
			}
		case int64:
			return []string{strconv.FormatInt(n, 10)}, nil
		}
	default:
		if s, ok := v.(string); ok {
			return []string{s}, nil
		}
	}
	return nil, fmt.Errorf("expected %s, found %s", want, tomlpos.TypeOf(v))
}

// Expect says in TOML terms what value a key of fl takes.
func Expect(fl *pflag.Flag) string {
	if _, ok := fl.Value.(pflag.SliceValue); ok {
		return "an array of strings"
	}
	switch fl.Value.Type() {
	case "bool":
		return "a boolean (true or false)"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "count":
		return "an integer"
	case "float32", "float64":
		return "a number"
	case "duration":
		return `a string (a duration such as "30s")`
	}
	return "a string"
}

// hint suggests the spelling that works, when one is clear.
func hint(fl *pflag.Flag, v any) string {
	switch fl.Value.Type() {
	case "bool":
		if s, ok := v.(string); ok && (s == "true" || s == "false") {
			return fmt.Sprintf("write it without quotes: %s = %s", fl.Name, s)
		}
		return ""
	}
	if Expect(fl) == "a string" || strings.HasPrefix(Expect(fl), "a string") {
		switch n := v.(type) {
		case float64:
			return fmt.Sprintf("write it quoted: %s = %q (unquoted, TOML reads a number)", fl.Name, strconv.FormatFloat(n, 'f', -1, 64))
		case int64, bool:
			return fmt.Sprintf("write it quoted: %s = \"%v\"", fl.Name, n)
		}
	}
	return ""
}

func posErr(f *File, s Setting, msg, hint string) error {
	return &tomlpos.PosError{File: f.Path, Line: s.Pos.Line, Col: s.Pos.Col, Path: keyPath(f, s), Msg: msg, Hint: hint}
}

func keyPath(f *File, s Setting) string {
	if f.Table == "" {
		return tomlpos.Key(s.Key)
	}
	return f.Table + "." + tomlpos.Key(s.Key)
}

// unknownKey is the error of a key that names no flag a file may set.
func unknownKey(fs *pflag.FlagSet, f *File, s Setting) error {
	var names []string
	fs.VisitAll(func(fl *pflag.Flag) {
		if !fl.Hidden && len(fl.Annotations[excludeAnnotation]) == 0 {
			names = append(names, fl.Name)
		}
	})
	h := "the keys are the long flags of the command (see --help)"
	if near := tomlpos.Closest(strings.ReplaceAll(s.Key, "_", "-"), names); near != "" {
		h = fmt.Sprintf("did you mean %q?", near)
	}
	return posErr(f, s, "unknown key", h)
}
