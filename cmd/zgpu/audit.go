package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/zgpu/zgpu/hub"
	"github.com/zgpu/zgpu/spacediag"
)

func init() { register("", newAuditCmd) }

type auditOptions struct {
	g           *globalOptions
	net         netOptions
	catalog     catalogOptions
	space       spaceLogOptions
	Author      string
	From        string
	ZeroGPUOnly bool
	JSON        bool
	CSV         bool
}

const auditLong = `Audit many Spaces on the Hub at once, without cloning them: for each, its
stage and hardware, whether its requirements are ZeroGPU-safe, the first error
of its build or run log explained (as zgpu deps diagnose SPACE does), and the
command that fixes it.

The Spaces are the SPACE arguments (OWNER/NAME, spaces/OWNER/NAME or
https://huggingface.co/spaces/OWNER/NAME, each optionally @REVISION), the
lines of --from FILE ("-" for stdin; blank lines and # comments skipped), and
every Space of --author OWNER (the Hub's Space listing, every page). With
--zerogpu-only, Spaces neither on nor asking for ZeroGPU hardware are left
out.

Requirements are checked by downloading README.md, requirements.txt,
pre-requirements.txt, pyproject.toml, uv.lock, pylock.toml and packages.txt: a
requirements.txt is judged by the rules of zgpu deps check (each issue names
its rule in brackets); a Space without one by deps resolve's ZeroGPU rules
with the catalog's snapshot of wheels ("safe": deps resolve would change
nothing). No package index is read.

Up to --jobs Spaces (default 8 here) are audited at once, through one HTTP cache. Only Spaces
in a failure stage (BUILD_ERROR, RUNTIME_ERROR, CONFIG_ERROR) have a log read:
a Space that builds or starts has nothing to explain yet (zgpu deps diagnose
SPACE reads its live log). Log streams the Hub keeps open are cut one second
after their last line (the log of a failed Space is complete), at --log-idle
when no line comes at all, or at --log-timeout. A Space that cannot be read (not
found, private without HF_TOKEN, unreachable) is a row with its error: the
others are still audited. A progress bar is drawn on a terminal only.

Output: an aligned table and a summary line; --json prints
{"spaces": [ROW], "summary": string}, --csv one line per Space with a header
(lists joined with " | "). ROW is
  {"space", "ok": bool, "stage", "hardware", "zerogpu": bool, "sdk",
   "requirements": {"safe": bool, "issues": [string]} (omitted when not checked),
   "requirements_error": string (why they could not be checked),
   "first_error": {"kind" (omitted when unexplained), "title", "line"},
   "log_stopped": "end"|"idle"|"time"|"size", "facts": [string], "fix": [string],
   "error": string (the Space could not be read)}.

Exit status: 0 when every Space was read, none is failing and every
requirements check passed; 1 otherwise (the results are printed all the
same); 2 on a usage error.`

func newAuditCmd(g *globalOptions) *cobra.Command {
	o := &auditOptions{g: g}
	cmd := &cobra.Command{
		Use:   "audit [SPACE...]",
		Short: "Audit many Spaces on the Hub: stage, ZeroGPU-safe requirements, first build error, fix",
		Long:  auditLong,
		Example: `  # Every Space of an organisation on ZeroGPU
  zgpu audit --author my-org --zerogpu-only

  # A list of Spaces, for a spreadsheet
  zgpu audit --from spaces.txt --csv > audit.csv

  # The failing ones and their fix
  zgpu audit alice/a alice/b --json | jq '.spaces[] | select(.ok | not) | {space, fix}'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("jobs") {
				// Each Space audited may hold a log stream open: fewer at
				// once than the requests in flight of an index lock.
				o.net.Jobs = auditJobs
			}
			return runAudit(cmd.Context(), o, args)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.Author, "author", "", "audit every Space of this `OWNER` (user or organisation)")
	fs.StringVar(&o.From, "from", "", "read Space references from `FILE`, one a line (\"-\" for stdin)")
	fs.BoolVar(&o.ZeroGPUOnly, "zerogpu-only", false, "leave out Spaces neither on nor asking for ZeroGPU hardware")
	fs.BoolVar(&o.JSON, "json", false, "print the results as JSON (schema in the help above)")
	fs.BoolVar(&o.CSV, "csv", false, "print the results as CSV")
	o.net.addFlags(fs)
	o.catalog.addFlags(fs)
	o.space.addFlags(fs)
	return cmd
}

// auditJobs is audit's --jobs default.
const auditJobs = 8

func runAudit(ctx context.Context, o *auditOptions, args []string) error {
	if err := o.net.validate(); err != nil {
		return err
	}
	if err := o.space.validate(); err != nil {
		return err
	}
	if o.JSON && o.CSV {
		return usagef("--json and --csv cannot be used together")
	}
	if len(args) == 0 && o.From == "" && o.Author == "" {
		return usagef("name the Spaces to audit: SPACE arguments, --from FILE or --author OWNER")
	}
	c, err := o.catalog.load()
	if err != nil {
		return err
	}
	hc := hubClient(o.g, &o.net)
	repos, err := o.repos(ctx, hc, args)
	if err != nil {
		return err
	}
	add, stop := o.g.progressBar(len(repos), "auditing Spaces")
	entries := spacediag.Audit(ctx, hc, repos, spacediag.AuditOptions{
		Options:     spacediag.Options{Catalog: c, Limits: o.space.limits(), FailedLogsOnly: true},
		Concurrency: o.net.Jobs, ZeroGPUOnly: o.ZeroGPUOnly,
		Check: requirementsCheck(c),
		Files: func(ctx context.Context, r hub.Repo) (string, func(), error) {
			return downloadSpace(ctx, o.g, hc, r)
		},
		Progress: func(done, total int) { add() },
	})
	stop()
	rows := spacediag.Rows(entries)
	switch {
	case o.JSON:
		err = newJSONEncoder(o.g.Stdout).Encode(map[string]any{"spaces": rows, "summary": spacediag.Summary(rows)})
	case o.CSV:
		err = spacediag.WriteCSV(o.g.Stdout, rows)
	default:
		err = spacediag.WriteTable(o.g.Stdout, rows)
	}
	if err != nil {
		return err
	}
	for _, r := range rows {
		if !r.OK {
			return &silentError{code: exitFailure}
		}
	}
	return nil
}

// repos gathers the Spaces to audit: arguments, --from, --author, each
// once, in that order.
func (o *auditOptions) repos(ctx context.Context, hc *hub.Client, args []string) ([]hub.Repo, error) {
	refs := append([]string(nil), args...)
	if o.From != "" {
		lines, err := readRefs(o.g.Stdin, o.From)
		if err != nil {
			return nil, err
		}
		refs = append(refs, lines...)
	}
	var repos []hub.Repo
	seen := map[hub.Repo]bool{}
	addRepo := func(r hub.Repo) {
		if !seen[r] {
			seen[r] = true
			repos = append(repos, r)
		}
	}
	for _, ref := range refs {
		r, err := hub.ParseSpaceRef(ref)
		if err != nil {
			return nil, usagef("%v", err)
		}
		addRepo(r)
	}
	if o.Author != "" {
		stop := o.g.progress("listing the Spaces of " + o.Author)
		list, err := hc.ListSpaces(ctx, o.Author)
		stop()
		if err != nil {
			return nil, err
		}
		for _, s := range list {
			if o.ZeroGPUOnly && s.Runtime != nil && !hub.IsZeroGPU(s.Runtime.Hardware.Current) && !hub.IsZeroGPU(s.Runtime.Hardware.Requested) {
				continue // the listing already says; Audit checks the others
			}
			addRepo(hub.Repo{Type: hub.Space, ID: s.ID, Revision: "main"})
		}
	}
	return repos, nil
}

// maxRefsFile bounds a --from file.
const maxRefsFile = 4 << 20

// readRefs reads Space references from path ("-" for stdin), one a line;
// blank lines and # comments are skipped.
func readRefs(stdin io.Reader, path string) ([]string, error) {
	var r io.Reader = stdin
	name := "stdin"
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r, name = f, path
	} else if r == nil {
		r = os.Stdin
	}
	var out []string
	sc := bufio.NewScanner(io.LimitReader(r, maxRefsFile))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "#"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		if _, err := hub.ParseSpaceRef(line); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, n, err)
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return out, nil
}

// progressBar draws a bar of total steps on stderr when it is a terminal;
// add advances it, stop clears it.
func (g *globalOptions) progressBar(total int, msg string) (add func(), stop func()) {
	if !g.StderrIsTerminal() || total == 0 {
		return func() {}, func() {}
	}
	bar := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(g.Stderr),
		progressbar.OptionSetDescription(msg),
		progressbar.OptionShowCount(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionEnableColorCodes(g.Color()),
	)
	return func() { bar.Add(1) }, func() { bar.Finish() }
}
