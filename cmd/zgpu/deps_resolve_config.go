package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/zgpu/zgpu/config"
	"github.com/zgpu/zgpu/indexenv"
)

// This file holds the configuration files of `deps resolve` (package
// config): which flags take their default from which variables, which
// flags name one setting, and where the file is looked for.

const configHelp = `Configuration:
  Defaults for any long flag can be kept in the Space folder, in zgpu.toml
  (top-level keys) or in pyproject.toml's [tool.zgpu] table; a key is the
  flag's name, its value a TOML string, boolean, integer or array of strings:
      [tool.zgpu]
      python = "3.12"
      no-emit-package = ["torchvision"]
      extra-index-url = ["https://download.pytorch.org/whl/cu128"]
  As with uv.toml and [tool.uv], zgpu.toml wins over [tool.zgpu] (which is
  then not read, with a warning). The command line beats the environment
  (PIP_INDEX_URL, UV_NO_DEV, ...), which beats the file, which beats the
  built-in default; 'zgpu deps show' prints every setting in effect and
  where it came from. --config-file FILE (env ZGPU_CONFIG_FILE) reads that
  file instead; --no-config (env ZGPU_NO_CONFIG) reads none. A Space
  downloaded from the Hub is never configured by its own files. An unknown
  key or a value of the wrong type is an error at its file:line:column.`

// configOptions are the flags that choose the configuration file.
type configOptions struct {
	NoConfig bool
	File     string
	// origins says, after load, where each flag's value came from.
	origins map[string]config.Origin
}

func (c *configOptions) addFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&c.NoConfig, "no-config", envBool("ZGPU_NO_CONFIG"), "read no zgpu.toml or [tool.zgpu] (env ZGPU_NO_CONFIG)")
	fs.StringVar(&c.File, "config-file", os.Getenv("ZGPU_CONFIG_FILE"), "read the settings of this TOML `file` (top-level keys) instead of the Space folder's (env ZGPU_CONFIG_FILE)")
}

// annotateResolveFlags tells the config package what the environment sets
// and which flags name one setting.
func annotateResolveFlags(fs *pflag.FlagSet) {
	for flag, vars := range indexenv.Variables {
		config.Env(fs, flag, vars...)
	}
	config.Env(fs, "frozen", "UV_FROZEN")
	config.Env(fs, "locked", "UV_LOCKED")
	config.Env(fs, "no-dev", "UV_NO_DEV")
	config.Env(fs, "custom-compile-command", "CUSTOM_COMPILE_COMMAND")
	config.Env(fs, "catalog", "ZGPU_CATALOG")
	config.Env(fs, "constraint", "UV_CONSTRAINT")
	config.Env(fs, "override", "UV_OVERRIDE")
	config.Group(fs, "python", "python-version")
	config.Group(fs, "output", "output-file")
	config.Group(fs, "emit-index-url", "no-emit-index-url")
	config.Group(fs, "emit-find-links", "no-emit-find-links")
	config.Group(fs, "generate-hashes", "no-hashes")
	config.Group(fs, "frozen", "locked")
	config.Group(fs, "emit-project", "no-emit-project")
	config.Path(fs, "output", "output-file", "cache-dir", "catalog", "find-links", "constraint", "override")
	config.Exclude(fs, "no-config", "config-file")
}

// load applies the configuration of the Space at arg (a folder, or a file
// whose folder counts; none for a Space on the Hub) to fs, unless
// --no-config; logf gets the warnings.
func (c *configOptions) load(fs *pflag.FlagSet, arg string, logf func(string, ...any)) error {
	var f *config.File
	var err error
	switch {
	case c.NoConfig:
	case c.File != "":
		if f, err = readConfigFile(c.File); err != nil {
			return err
		}
	default:
		dir := configDir(arg)
		if dir == "" {
			break
		}
		if f, err = config.Find(dir); err != nil {
			return err
		}
		if f != nil && f.Shadowed != "" {
			logf("warning: %s is read and the [tool.zgpu] table of %s is not (zgpu.toml wins, as uv.toml over [tool.uv]): move its settings into %s", f.Path, f.Shadowed, f.Path)
		}
	}
	c.origins, err = config.Apply(fs, f, os.Getenv)
	return err
}

// readConfigFile reads --config-file: its top-level keys whatever its name.
func readConfigFile(path string) (*config.File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--config-file: %w", err)
	}
	f, err := config.Parse(path, "", data)
	if err == nil && f == nil {
		f = &config.File{Path: path}
	}
	return f, err
}

// configDir is the folder whose configuration applies to arg: arg itself,
// or the folder of a file; "" for a Space on the Hub.
func configDir(arg string) string {
	if arg == "" {
		arg = "."
	}
	fi, err := os.Stat(arg)
	switch {
	case err == nil && fi.IsDir():
		return arg
	case err == nil:
		return filepath.Dir(arg)
	case arg == "-":
		return "."
	}
	if _, ok := spaceRef(arg); ok {
		return ""
	}
	return filepath.Dir(arg)
}

// setting is one flag in effect and where its value came from.
type setting struct {
	Flag   string `json:"flag"`
	Value  string `json:"value"`
	Origin string `json:"origin"`
}

// settingsOf lists the flags of fs whose value is not the built-in
// default's, by name, with their origin.
func settingsOf(fs *pflag.FlagSet, origins map[string]config.Origin) []setting {
	out := []setting{}
	fs.VisitAll(func(fl *pflag.Flag) {
		o, ok := origins[fl.Name]
		if !ok || o.Kind == "default" || fl.Name == "help" {
			return
		}
		out = append(out, setting{Flag: fl.Name, Value: flagValue(fl), Origin: o.String()})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Flag < out[j].Flag })
	return out
}

// resolveSettings returns the settings `deps resolve` would run with on
// arg, for `deps show`.
func resolveSettings(g *globalOptions, c configOptions, arg string) ([]setting, error) {
	fs := newDepsResolveCmd(g).Flags()
	if err := c.load(fs, arg, g.Logf); err != nil {
		return nil, err
	}
	return settingsOf(fs, c.origins), nil
}

// writeSettings prints the settings for `deps show`.
func writeSettings(w io.Writer, settings []setting) {
	if len(settings) == 0 {
		fmt.Fprintln(w, "\nSettings of deps resolve: the built-in defaults (no zgpu.toml, [tool.zgpu] or variable sets one)")
		return
	}
	fmt.Fprintln(w, "\nSettings of deps resolve (the others are the built-in defaults):")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, s := range settings {
		fmt.Fprintf(tw, "  --%s\t%s\t%s\n", s.Flag, s.Value, s.Origin)
	}
	tw.Flush()
}

// flagValue prints a flag's value as it would be typed, credentials
// hidden.
func flagValue(fl *pflag.Flag) string {
	if sv, ok := fl.Value.(pflag.SliceValue); ok {
		vals := sv.GetSlice()
		for i, v := range vals {
			vals[i] = redactForUsage(v)
		}
		return strings.Join(vals, " ")
	}
	return redactForUsage(fl.Value.String())
}
