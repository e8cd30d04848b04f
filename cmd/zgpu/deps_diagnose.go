package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/zgpu/zgpu/diagnose"
)

func init() { register("deps", newDepsDiagnoseCmd) }

// maxLogSize bounds how much of a log is read: Space build logs are at most
// a few megabytes; anything beyond 256 MiB is not a log.
const maxLogSize = 256 << 20

type depsDiagnoseOptions struct {
	g       *globalOptions
	catalog catalogOptions
	JSON    bool
	space   spaceLogOptions // for a Space reference
}

const depsDiagnoseLong = `Explain a failed Hugging Face Space build (or a crashed app) from its log: the
build log copied from the Space's "Build" tab, a docker build output, or the
container log. ANSI colours, BuildKit "#12 3.45" prefixes, timestamps and CRLF
line ends are ignored. With no BUILD_LOG, or "-", the log is read from stdin.

The first error in the log is the one that counts: later errors are often
its consequences. It is reported first; the others follow under "Also seen".
For each one zgpu prints the cause, the log lines that show it, the fix and
the zgpu command that applies it. Known failures (from the ZeroGPU guidance,
zerogpu-rules.md, and pip's own output):

  cuda-extension-build     flash-attn, mamba-ssm, causal-conv1d... built from their sdist:
                           "Guessing wheel URL" + 404, CUDA_HOME / nvcc errors. zgpu rebuilds
                           the URL setup.py asked for, says why it does not exist, and names a
                           real wheel that fits
  build-isolation-torch    setup.py imports torch in pip's isolated build
  torch-not-allowed        CONFIG_ERROR: torch pinned outside the allow-list
  resolution-conflict, sdk-conflict, spaces-conflict, gradio-pin-conflict
                           ResolutionImpossible; "The conflict is caused by:" is parsed
  no-matching-distribution pip found no file for the requirement
  pkg-resources-missing    setuptools 81 removed pkg_resources
  slow-resolution          pip backtracking ("looking at multiple versions")
  undefined-symbol, hffolder-import, torch-downgraded, flash-attn-missing,
  no-kernel-image, jinja2-dict-unhashable, weights-only-load, cuda-jit-compile
                           errors at run time caused by dependencies

Nothing is downloaded: the wheels suggested come from the catalog's snapshot.

Exit status: 0 when at least one known failure explains the log; 1 when
nothing known was found (the first line that looks like an error is shown) or
the log cannot be read; 2 on a usage error.

--json prints one object:
  {"lines": int (lines in the log),
   "findings": [FINDING] (findings[0] is the first error, the one that counts;
                the rest were also seen, errors in log order, then symptoms;
                [] when nothing known was found),
   "first_error": {"line": int, "text": string} (the first error-looking line,
                  explained or not; omitted when none),
   "facts": {"python": "3.10", "torch": "2.8.0", "torch_pin": "2.6.0",
             "packages": {name: version}, "wheels": {name: filename},
             "guessed": {name: url}} (what the log shows; empty ones omitted),
   "catalog": string (date of the catalog used)}
  where FINDING is
   {"kind": string (one of the kinds above),
    "title": string, "package": string (normalized; omitted when none),
    "line": int (the line that opened the finding),
    "evidence": [{"line": int, "text": string}] (at most 12 lines, in log order),
    "omitted": int (matching lines left out; omitted when 0),
    "cause": string, "fix": string,
    "commands": [string] (zgpu commands that apply the fix, the main one first;
                 [] when the fix is outside zgpu's reach, e.g. a code change),
    "assumed": [string] (defaults used for facts the log does not state),
    "source": string (where the rule comes from, with its date),
    "wheel": {"package", "version", "url" (the URL setup.py asked for),
              "from_log": bool (printed by setup.py, or rebuilt from versions),
              "needs": string, "reasons": [string] (why no such wheel exists),
              "known": bool (the catalog knows a wheel of that very name; omitted when false),
              "target": {"python", "torch", "cuda": int, "cxx11_abi", "note"},
              "suggested": {"filename", "url", "why"} (omitted when none)}
             (CUDA extension builds only),
    "conflicts": [{"by": "user" | "gradio 5.49.1", "package", "specifier", "line"}]
                 (resolution conflicts only)}`

func newDepsDiagnoseCmd(g *globalOptions) *cobra.Command {
	o := &depsDiagnoseOptions{g: g}
	cmd := &cobra.Command{
		Use:   "diagnose [BUILD_LOG|SPACE]",
		Short: "Explain a failed Space build or runtime log",
		Long:  depsDiagnoseLong + "\n\n" + depsDiagnoseSpaceHelp,
		Example: `  # A log saved from the Space's Build tab
  zgpu deps diagnose build.log

  # From the clipboard or a pipe
  pbpaste | zgpu deps diagnose
  docker build . 2>&1 | zgpu deps diagnose -

  # A Space on the Hub: its runtime, then its build or run log
  zgpu deps diagnose alice/my-space

  # The first error's kind and commands
  zgpu deps diagnose --json build.log | jq '.findings[0] | {kind, commands}'`,
		Args: rangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "-"
			if len(args) == 1 {
				path = args[0]
			}
			if r, ok := spaceRef(path); ok {
				return runDiagnoseSpace(cmd.Context(), o, r)
			}
			return runDepsDiagnose(o, path)
		},
	}
	o.catalog.addFlags(cmd.Flags())
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the report as JSON (schema in the help above)")
	o.space.addFlags(cmd.Flags())
	return cmd
}

func runDepsDiagnose(o *depsDiagnoseOptions, path string) error {
	c, err := o.catalog.load()
	if err != nil {
		return err
	}
	log, err := readLog(o.g.Stdin, path)
	if err != nil {
		return err
	}
	r := diagnose.Diagnose(log, c)
	if o.JSON {
		enc := newJSONEncoder(o.g.Stdout)
		if r.Findings == nil {
			r.Findings = []diagnose.Finding{}
		}
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else if err := diagnose.WriteText(o.g.Stdout, r); err != nil {
		return err
	}
	if !r.Explained() {
		return &silentError{code: exitFailure}
	}
	return nil
}

// readLog reads the log at path, or stdin for "-".
func readLog(stdin io.Reader, path string) ([]byte, error) {
	var r io.Reader
	name := path
	if path == "-" {
		if stdin == nil {
			stdin = os.Stdin
		}
		r, name = stdin, "stdin"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxLogSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if len(b) > maxLogSize {
		return nil, fmt.Errorf("%s: larger than %d MiB, not a build log", name, maxLogSize>>20)
	}
	return b, nil
}
