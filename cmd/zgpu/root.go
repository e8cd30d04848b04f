package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/zgpu/zgpu/internal/redact"
)

// version is set at build time with -ldflags "-X main.version=..."; it falls
// back to what the Go toolchain recorded (see versionFrom).
var version = ""

// buildVersion is the version --version prints and the User-Agent carries.
func buildVersion() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return versionFrom(bi)
}

// versionFrom is the module version bi records (go install module@v1.2.3,
// or a pseudo-version stamped from the checkout), else "devel" followed by
// the VCS revision, commit time and "modified" for a dirty tree when the
// build recorded them (not under -buildvcs=false).
func versionFrom(bi *debug.BuildInfo) string {
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, when, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			dirty = s.Value
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	parts := []string{rev}
	if when != "" {
		parts = append(parts, when)
	}
	if dirty == "true" {
		parts = append(parts, "modified")
	}
	return "devel (" + strings.Join(parts, ", ") + ")"
}

// globalOptions are the flags every command shares.
type globalOptions struct {
	Verbose bool
	Quiet   bool
	NoColor bool
	// NoProgress hides the progress spinner (--no-progress, as uv's).
	NoProgress bool

	Stdout io.Writer
	Stderr io.Writer
	Stdin  io.Reader
}

// StderrIsTerminal reports whether progress output should be drawn.
func (g *globalOptions) StderrIsTerminal() bool {
	if g.Quiet {
		return false
	}
	f, ok := g.Stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Color reports whether output may use ANSI colour (NO_COLOR honoured).
func (g *globalOptions) Color() bool {
	if g.NoColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	return g.StderrIsTerminal()
}

// Logf prints a progress or diagnostic line to stderr unless --quiet.
func (g *globalOptions) Logf(format string, args ...any) {
	if g.Quiet {
		return
	}
	fmt.Fprintln(g.Stderr, redact.Terminal(redact.Text(fmt.Sprintf(format, args...))))
}

// Debugf prints a line to stderr only with --verbose.
func (g *globalOptions) Debugf(format string, args ...any) {
	if !g.Verbose {
		return
	}
	fmt.Fprintln(g.Stderr, redact.Terminal(redact.Text(fmt.Sprintf(format, args...))))
}

// subcommand constructors, registered by init functions in the files that
// define them, grouped under their parent ("" is the root itself).
var subcommands = map[string][]func(*globalOptions) *cobra.Command{}

// register adds a subcommand constructor under parent ("", "deps", "wheel",
// "target"). Each command file calls it from init.
func register(parent string, f func(*globalOptions) *cobra.Command) {
	subcommands[parent] = append(subcommands[parent], f)
}

const rootLong = `zgpu turns a Hugging Face Space's Python dependencies into a requirements.txt
that installs and runs on ZeroGPU: prebuilt CUDA wheels that match torch, Python
and the C++ ABI; torch on a version the platform allows, with its side-cars
aligned; no "spaces" pin; every change explained.

Exit codes:
  0  success (with --check: the file is up to date)
  1  failure: bad input, no solution, a network error, or a stale file under --check
  2  usage error: unknown command or flag, wrong number of arguments

Environment:
  PIP_INDEX_URL, UV_INDEX_URL  default package index (--index-url wins)
  HF_ENDPOINT, HF_TOKEN        Hugging Face Hub endpoint and token
  HF_HUB_OFFLINE               like --offline for the Hub
  GITHUB_API_URL, GITHUB_TOKEN GitHub REST endpoint and token
  XDG_CACHE_HOME               the HTTP cache lives in $XDG_CACHE_HOME/zgpu
  UV_HTTP_RETRIES              retries of a failed request (default 4), as in uv
  ZGPU_CATALOG                 a TOML file overriding the embedded catalog (like --catalog;
                               the flag wins); the newest-dated catalog of embedded,
                               cached update and this file is used
  ZGPU_CATALOG_URL             where zgpu catalog update downloads from
  ZGPU_ALLOW_HOSTS             comma-separated hosts zgpu may reach; a request to any
                               other host fails at once (for sandboxes and tests)
  NO_COLOR                     no colour in output`

func newRootCmd() *cobra.Command {
	g := &globalOptions{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin}
	root := &cobra.Command{
		Use:           "zgpu",
		Short:         "Make a Space's Python dependencies install and run on ZeroGPU",
		Long:          rootLong,
		Version:       buildVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
		// The root runs (prints its help) only without arguments; anything
		// else is an unknown command, a usage error with suggestions.
		Args:                       unknownCommand,
		RunE:                       func(cmd *cobra.Command, args []string) error { return cmd.Help() },
		SuggestionsMinimumDistance: 2,
		Example: `  # Write a ZeroGPU-safe requirements.txt for the Space in this folder
  zgpu deps resolve -o requirements.txt

  # Explain a failed Space build
  zgpu deps diagnose build.log

  # What does this wheel need?
  zgpu wheel inspect flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl`,
	}
	root.SetOut(g.Stdout)
	root.SetErr(g.Stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{err}
	})
	pf := root.PersistentFlags()
	pf.BoolVarP(&g.Verbose, "verbose", "v", false, "print more detail on stderr")
	pf.BoolVarP(&g.Quiet, "quiet", "q", false, "print nothing on stderr but errors")
	pf.BoolVar(&g.NoColor, "no-color", false, "never use colour (also: NO_COLOR=1)")
	pf.BoolVar(&g.NoProgress, "no-progress", envBool("UV_NO_PROGRESS"), "never draw the progress spinner (env UV_NO_PROGRESS)")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		g.Stdout = cmd.OutOrStdout()
		g.Stderr = cmd.ErrOrStderr()
		g.Stdin = cmd.InOrStdin()
		if g.Verbose && g.Quiet {
			return usagef("--verbose and --quiet cannot be used together")
		}
		return nil
	}

	addCommands(root, g)
	return root
}

// addCommands adds the command groups (deps, wheel, target, catalog) with
// the subcommands registered for them, the top-level commands, and help
// and completion, whose unknown arguments are usage errors.
func addCommands(root *cobra.Command, g *globalOptions) {
	groups := map[string]*cobra.Command{
		"deps":    {Use: "deps", Short: "Read, resolve and diagnose a Space's dependencies"},
		"wheel":   {Use: "wheel", Short: "Inspect and find prebuilt wheels"},
		"target":  {Use: "target", Short: "Show the ZeroGPU target and its catalog"},
		"catalog": {Use: "catalog", Short: "Update the ZeroGPU catalog without a new zgpu release"},
	}
	for _, name := range []string{"deps", "wheel", "target", "catalog"} {
		grp := groups[name]
		grp.Args = unknownCommand
		grp.SuggestionsMinimumDistance = 2
		grp.RunE = func(cmd *cobra.Command, args []string) error { return cmd.Help() }
		for _, f := range subcommands[name] {
			grp.AddCommand(f(g))
		}
		root.AddCommand(grp)
	}
	for _, f := range subcommands[""] {
		root.AddCommand(f(g))
	}
	// "zgpu help foo" is a usage error too, not the root's help; so is
	// "zgpu completion tcsh" (a shell cobra cannot write a script for).
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Args = helpTopic
		case "completion":
			c.Args = unknownCommand
			c.RunE = func(cmd *cobra.Command, args []string) error { return cmd.Help() }
		}
	}
}

// helpTopic checks the arguments of "zgpu help": a path of commands that
// exist.
func helpTopic(cmd *cobra.Command, args []string) error {
	target, rest, err := cmd.Root().Find(args)
	if err != nil {
		return &usageError{err}
	}
	return unknownCommand(target, rest)
}

// noArgs rejects any positional argument with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}

// unknownCommand is the positional-argument check of the root and of the
// command groups: an argument there names a subcommand that does not exist,
// a usage error that lists the near names, as cobra words it.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		b.WriteString("\n\nDid you mean this?\n")
		for _, name := range s {
			fmt.Fprintf(&b, "\t%s\n", name)
		}
	}
	fmt.Fprintf(&b, "\nRun '%s --help' for usage.", cmd.CommandPath())
	return &usageError{errors.New(b.String())}
}

// rangeArgs wraps cobra.RangeArgs so that a wrong count is a usage error.
func rangeArgs(min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.RangeArgs(min, max)(cmd, args); err != nil {
			return &usageError{err}
		}
		return nil
	}
}

// minArgs wraps cobra.MinimumNArgs so that a wrong count is a usage error.
func minArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MinimumNArgs(n)(cmd, args); err != nil {
			return &usageError{err}
		}
		return nil
	}
}

// jsonSchemaVersion is the "schema_version" of every --json object: it goes
// up when a field changes meaning or goes away, not when one is added.
const jsonSchemaVersion = 1

// jsonEncoder writes every --json output: an object starts with
// "schema_version", indented by two spaces, with <, > and & written as they
// are (URLs and specifiers such as "torch>=2.8" stay readable; the output is
// not embedded in HTML).
type jsonEncoder struct{ w io.Writer }

// newJSONEncoder returns the encoder of every --json output.
func newJSONEncoder(w io.Writer) *jsonEncoder { return &jsonEncoder{w: w} }

// Encode writes v and a newline.
func (e *jsonEncoder) Encode(v any) error {
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	data := bytes.TrimSpace(raw.Bytes())
	if len(data) > 0 && data[0] == '{' {
		head := fmt.Sprintf(`{"schema_version":%d`, jsonSchemaVersion)
		if rest := bytes.TrimSpace(data[1:]); len(rest) > 0 && rest[0] != '}' {
			head += ","
		}
		data = append([]byte(head), data[1:]...)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, data, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err := e.w.Write(out.Bytes())
	return err
}
