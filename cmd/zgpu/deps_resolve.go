package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/internal/atomicfile"
	"github.com/zgpu/zgpu/internal/textdiff"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/project"
	"github.com/zgpu/zgpu/pypi"
	"github.com/zgpu/zgpu/reqfile"
	"github.com/zgpu/zgpu/zerogpu"
)

func init() { register("deps", newDepsResolveCmd) }

type depsResolveOptions struct {
	g       *globalOptions
	net     netOptions
	catalog catalogOptions

	Python           string
	Torch            string
	Output           string
	Check            bool
	JSON             bool
	GenerateHashes   bool
	NoHashes         bool
	NoAnnotate       bool
	EmitPreinstalled bool
	EmitProject      bool
	NoLock           bool
	Pre              bool
	AllowSdist       bool
	Upgrade          bool
	UpgradePackages  []string
	export           zerogpu.ExportOptions
}

const depsResolveLong = `Write a requirements.txt that builds on the ZeroGPU builder (CPU only, no nvcc)
and runs on its GPU, from the Space in DIR (default: the current folder) or from
one FILE (requirements.txt, requirements.in, pyproject.toml, uv.lock).

What it reads: uv.lock (exported for the target, markers evaluated), else
pyproject.toml's [project] dependencies, else requirements.in, else
requirements.txt; pre-requirements.txt (taken into account, not written); the
README.md frontmatter (python_version, sdk_version).

What it does:
  - Python: --python, else the README's python_version, else the platform
    default (with a warning that says how to pin it). A wheel whose cpXY tag
    disagrees is an error.
  - spaces and gradio are never written: the platform installs them (gradio at
    sdk_version). Their constraints still count: a pin that conflicts with
    them is reported. --no-emit-package drops more packages the same way.
  - torch: the highest version on the ZeroGPU allow-list that satisfies your
    constraints, --torch and every CUDA wheel chosen; a pin outside the
    allow-list is an error that lists the allowed versions.
  - CUDA extensions (flash-attn, mamba-ssm, causal-conv1d, ...): replaced by
    "name @ URL" of the best prebuilt wheel for the Python tag, torch
    major.minor, CUDA major, C++ ABI, platform and GPU architecture. When none
    fits, the error lists the nearest wheels and the pin that would fit one.
  - torchvision, torchaudio and triton are pinned to the release built for the
    chosen torch.
  - Everything else stays as written (ranges stay ranges).
Each changed line carries a "# zgpu:" comment with the reason.

It replaces, in build scripts:
  uv export --no-hashes --no-dev --no-emit-package spaces -o requirements.txt
with
  zgpu deps resolve --no-dev -o requirements.txt
(the uv export flags --no-dev, --extra, --all-extras, --group, --only-group,
--all-groups, --no-emit-package, --prune, --no-emit-project and --no-hashes have
the same meaning).

--check compares what would be written with FILE (-o, default
DIR/requirements.txt) and exits 1 with a unified diff when they differ: for CI
and pre-commit. Nothing is written.

Exit codes: 0 written (or up to date under --check); 1 a problem (printed with
the fix), unreadable input, a source failure, or a stale file under --check;
2 usage.

--json prints the report instead of the file (the file is still written with -o):
  {"target": {python, python_source, platform, gpu_arch, torch, torch_source,
              cuda, cxx11abi, sdk_version, catalog},
   "requirements": [{name, line, reason, origin, hashes, via}],
   "decisions": [{subject, choice, reason, source}],
   "changes": [{name, before, after, reason, origin}],
   "warnings": [string], "problems": [{subject, message, origin, fixes, nearest}],
   "options": [string], "inputs": [string], "locked": bool}

` + netFlagsHelp

func newDepsResolveCmd(g *globalOptions) *cobra.Command {
	o := &depsResolveOptions{g: g}
	cmd := &cobra.Command{
		Use:   "resolve [DIR|FILE]",
		Short: "Write a ZeroGPU-safe requirements.txt",
		Long:  depsResolveLong,
		Example: `  # In the Space folder: write requirements.txt
  zgpu deps resolve -o requirements.txt

  # From a uv project, as a drop-in for uv export
  zgpu deps resolve --no-dev --no-emit-package spaces -o requirements.txt

  # CI / pre-commit: fail when requirements.txt is stale
  zgpu deps resolve --check -o requirements.txt

  # No network at all: the embedded catalog's snapshot of wheels
  zgpu deps resolve --offline testdata/spaces/flash-attn-sdist

  # Try another torch, and see every decision
  zgpu deps resolve --torch 2.8.0 --json | jq .decisions`,
		Args: rangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "."
			if len(args) == 1 {
				path = args[0]
			}
			return runDepsResolve(cmd.Context(), o, path)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.Python, "python", "", "target Python (3.10 or 3.12; default: README python_version, else the platform default)")
	fs.StringVar(&o.Torch, "torch", "", "pin torch to this allowed version (overrides your torch pin)")
	fs.StringVarP(&o.Output, "output", "o", "", "write the requirements to `FILE` (atomically) instead of stdout")
	fs.BoolVar(&o.Check, "check", false, "exit 1 with a diff when FILE differs from what would be written; write nothing")
	fs.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	fs.BoolVar(&o.GenerateHashes, "generate-hashes", false, "write --hash lines where the sources give hashes")
	fs.BoolVar(&o.NoHashes, "no-hashes", false, "write no --hash lines (the default; accepted for uv export compatibility)")
	fs.BoolVar(&o.NoAnnotate, "no-annotate", false, "leave out the '# via' annotations of locked packages")
	fs.BoolVar(&o.EmitPreinstalled, "emit-preinstalled", false, "write gradio and spaces too (not recommended)")
	fs.BoolVar(&o.NoLock, "no-lock", false, "keep your version ranges: do not pin every package")
	fs.BoolVar(&o.Pre, "pre", false, "allow pre-releases of every package when locking")
	fs.BoolVar(&o.AllowSdist, "allow-sdist", false, "when locking, allow a pure-Python sdist where no wheel installs (never for CUDA packages)")
	fs.BoolVar(&o.Upgrade, "upgrade", false, "when locking, ignore the pins of the existing output file")
	fs.StringSliceVar(&o.UpgradePackages, "upgrade-package", nil, "when locking, let this `package` move from its pin in the existing output file (repeatable)")
	fs.BoolVar(&o.export.NoDev, "no-dev", false, "uv.lock: leave out the dev group")
	fs.StringSliceVar(&o.export.Extras, "extra", nil, "include the optional dependencies of this `extra` (repeatable)")
	fs.BoolVar(&o.export.AllExtras, "all-extras", false, "include every extra")
	fs.StringSliceVar(&o.export.Groups, "group", nil, "uv.lock: include this dependency `group` (repeatable)")
	fs.StringSliceVar(&o.export.OnlyGroups, "only-group", nil, "uv.lock: only this dependency `group` (repeatable)")
	fs.BoolVar(&o.export.AllGroups, "all-groups", false, "uv.lock: include every dependency group")
	fs.StringSliceVar(&o.export.NoEmitPackage, "no-emit-package", nil, "do not write this `package`, but keep its dependencies (repeatable; spaces and gradio always)")
	fs.StringSliceVar(&o.export.Prune, "prune", nil, "drop this `package` and what only it needs (repeatable; uv.lock export and locking)")
	fs.BoolVar(&o.export.NoEmitProject, "no-emit-project", true, "uv.lock: do not write the project itself (the default: a Space is not installed as a package; accepted for uv export compatibility)")
	fs.BoolVar(&o.EmitProject, "emit-project", false, "uv.lock: write the project itself (-e .), as uv export does by default")
	o.net.addFlags(fs)
	o.catalog.addFlags(fs)
	cmd.MarkFlagsMutuallyExclusive("generate-hashes", "no-hashes")
	return cmd
}

func runDepsResolve(ctx context.Context, o *depsResolveOptions, path string) error {
	if err := o.net.validate(); err != nil {
		return err
	}
	c, err := o.catalog.load()
	if err != nil {
		return err
	}
	if o.Python != "" {
		if _, ok := c.PythonFull(o.Python); !ok {
			return usagef("--python %s: ZeroGPU runs Python %s", o.Python, strings.Join(c.Python.Supported, " and "))
		}
	}
	if o.Torch != "" {
		v, err := pep440.Parse(o.Torch)
		if err != nil || !c.TorchAllowed(v) {
			return usagef("--torch %s: not on the ZeroGPU allow-list; allowed: %s", o.Torch, strings.Join(c.Torch.Allowed, ", "))
		}
	}
	proj, err := project.Load(path, project.LoadOptions{Getenv: os.LookupEnv})
	if err != nil {
		return err
	}
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
		withFolder(proj)
	}
	for _, w := range proj.Warnings {
		o.g.Logf("warning: %s", w)
	}
	python := zerogpu.TargetPython(c, proj, o.Python)
	ex := o.export
	if o.EmitProject {
		ex.NoEmitProject = false
	}
	ex.NoEmitPackage = append(append([]string(nil), ex.NoEmitPackage...), "spaces")
	if !o.EmitPreinstalled {
		ex.NoEmitPackage = append(ex.NoEmitPackage, "gradio")
	}
	in, err := zerogpu.FromProject(proj, c, python, ex)
	if err != nil {
		return err
	}
	warned := map[string]bool{}
	finder := &zerogpu.SourceFinder{Catalog: c, ListerFor: o.listerFor(), Warn: func(f string, a ...any) {
		if msg := fmt.Sprintf(f, a...); !warned[msg] && !o.net.Offline {
			warned[msg] = true
			o.g.Logf("warning: wheel source failed: %s", msg)
		}
	}}
	report, err := zerogpu.Plan(ctx, in, zerogpu.Options{
		Catalog: c, Python: o.Python, Torch: o.Torch, Finder: finder,
		NoEmit: o.export.NoEmitPackage, EmitPreinstalled: o.EmitPreinstalled,
	})
	if err != nil {
		return err
	}
	target := o.Output
	if target == "-" {
		target = ""
	}
	if o.Check && target == "" {
		target = filepath.Join(proj.Dir, "requirements.txt")
	}
	if report.OK() && !o.NoLock && !in.Locked {
		if err := o.lock(ctx, c, in, report, proj.Dir, target); err != nil {
			return err
		}
	}
	if o.JSON {
		if err := newJSONEncoder(o.g.Stdout).Encode(report); err != nil {
			return err
		}
	}
	for _, w := range report.Warnings {
		o.g.Logf("warning: %s", w)
	}
	if !report.OK() {
		return fmt.Errorf("no ZeroGPU-safe requirements for %s:\n%s", path, indent(report.Error()))
	}
	outDir := proj.Dir
	if target != "" {
		outDir = filepath.Dir(target)
	}
	data, err := report.Render(zerogpu.RenderOptions{
		Command: o.commandLine(target), Hashes: o.GenerateHashes, Via: !o.NoAnnotate, Dir: outDir,
	})
	if err != nil {
		return err
	}
	switch {
	case o.Check:
		old, err := os.ReadFile(target)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if diff := textdiff.Unified(target, target+" (zgpu)", string(old), string(data), 3); diff != "" {
			if !o.JSON {
				fmt.Fprint(o.g.Stdout, diff)
			}
			o.g.Logf("%s is out of date: run `%s`", target, o.commandLine(target))
			return &silentError{code: exitFailure}
		}
		o.g.Logf("%s is up to date", target)
		return nil
	case target != "":
		mode := os.FileMode(0o644)
		if fi, err := os.Stat(target); err == nil && fi.Mode().IsRegular() {
			mode = fi.Mode().Perm() // keep the existing file's mode
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := atomicfile.WriteFile(target, data, mode); err != nil {
			return err
		}
		o.g.Logf("wrote %s (%d requirements; Python %s, torch %s)", target, len(report.Lines), report.Target.Python, orDash(report.Target.Torch))
		return nil
	case !o.JSON:
		_, err := o.g.Stdout.Write(data)
		return err
	}
	return nil
}

// lock pins every package for the target (issue: full lock). When the
// index cannot be reached (offline with nothing cached, or down), it keeps
// the unlocked plan and says so.
func (o *depsResolveOptions) lock(ctx context.Context, c *catalog.Catalog, in *zerogpu.Input, report *zerogpu.Report, dir, target string) error {
	fc := fetch.New(o.net.fetchConfig(o.g))
	sources := o.withFileIndexes(report.Options).sources(fc)
	lo := zerogpu.LockOptions{
		Lister: sources, Meta: pypi.NewReader(fc), Pre: o.Pre, AllowSdist: o.AllowSdist,
		Upgrade: o.Upgrade, UpgradePackages: o.UpgradePackages, Concurrency: o.net.Jobs,
		Prune: o.export.Prune, EmitPreinstalled: o.EmitPreinstalled,
	}
	// A re-lock keeps the pins of the file it rewrites, or of the Space's
	// requirements.txt when printing to stdout.
	prefs := target
	if prefs == "" {
		prefs = filepath.Join(dir, "requirements.txt")
	}
	lo.Preferences = pinsOf(prefs)
	stop := o.g.progress("locking for Python " + report.Target.Python)
	err := report.Lock(ctx, c, in, lo)
	stop()
	if errors.Is(err, zerogpu.ErrUnreachable) {
		o.g.Logf("warning: not locked, ranges kept: %v", err)
		o.g.Logf("warning: run once with the index reachable to pin every package (or pass --no-lock to silence this)")
		return nil
	}
	return err
}

// withFileIndexes adds the index options of the requirements file (kept in
// the output, so pip will use them) to the command line's: --extra-index-url
// and --find-links add sources; the file's --index-url replaces the default
// index unless --index-url (or PIP_INDEX_URL/UV_INDEX_URL) named one.
func (o *depsResolveOptions) withFileIndexes(lines []string) *netOptions {
	n := o.net
	n.ExtraIndexURLs = append([]string(nil), n.ExtraIndexURLs...)
	n.FindLinks = append([]string(nil), n.FindLinks...)
	for _, l := range lines {
		opt, val, _ := strings.Cut(l, " ")
		switch opt {
		case "--index-url":
			if n.IndexURL == pypi.DefaultIndexURL {
				n.IndexURL = val
			} else {
				n.ExtraIndexURLs = append(n.ExtraIndexURLs, val)
			}
		case "--extra-index-url":
			n.ExtraIndexURLs = append(n.ExtraIndexURLs, val)
		case "--find-links":
			n.FindLinks = append(n.FindLinks, val)
		}
	}
	return &n
}

// pinsOf reads the name==version pins of an existing output file, the
// preferences of a re-lock; a missing or unreadable file gives none.
func pinsOf(path string) map[string]pep440.Version {
	f, err := reqfile.ParseFile(path, reqfile.ParseOptions{NoIncludes: true})
	if err != nil {
		return nil
	}
	out := map[string]pep440.Version{}
	for _, r := range f.Requirements {
		if v, ok := zerogpu.PinnedVersion(r.Req); ok && r.Req.Name != "" {
			out[pep508.NormalizeName(r.Req.Name)] = v
		}
	}
	return out
}

// withFolder completes a project loaded from one file with what its folder
// says about the Space: the README frontmatter (python_version,
// sdk_version) and pre-requirements.txt, which the builder reads whichever
// file lists the requirements.
func withFolder(p *project.Project) {
	dir, err := project.Load(p.Dir, project.LoadOptions{Getenv: os.LookupEnv})
	if err != nil {
		return
	}
	if p.PythonVersion == "" {
		p.PythonVersion, p.PythonVersionOrigin = dir.PythonVersion, dir.PythonVersionOrigin
	}
	if p.SDKVersion == "" {
		p.SDK, p.SDKVersion, p.SDKVersionOrigin = dir.SDK, dir.SDKVersion, dir.SDKVersionOrigin
	}
	hasPre := false
	for _, r := range p.Requirements {
		hasPre = hasPre || r.Section == "pre-requirements.txt"
	}
	if !hasPre {
		for _, r := range dir.Requirements {
			if r.Section == "pre-requirements.txt" {
				p.Requirements = append(p.Requirements, r)
			}
		}
	}
}

// commandLine is the command named in the file's header: stable across
// machines and runs, so that --check compares like with like.
func (o *depsResolveOptions) commandLine(target string) string {
	parts := []string{"zgpu deps resolve"}
	if o.Python != "" {
		parts = append(parts, "--python "+o.Python)
	}
	if o.Torch != "" {
		parts = append(parts, "--torch "+o.Torch)
	}
	if o.NoLock {
		parts = append(parts, "--no-lock")
	}
	if o.Pre {
		parts = append(parts, "--pre")
	}
	if o.AllowSdist {
		parts = append(parts, "--allow-sdist")
	}
	if o.export.NoDev {
		parts = append(parts, "--no-dev")
	}
	for _, e := range o.export.Extras {
		parts = append(parts, "--extra "+e)
	}
	if o.export.AllExtras {
		parts = append(parts, "--all-extras")
	}
	for _, p := range o.export.NoEmitPackage {
		parts = append(parts, "--no-emit-package "+p)
	}
	for _, p := range o.export.Prune {
		parts = append(parts, "--prune "+p)
	}
	if o.GenerateHashes {
		parts = append(parts, "--generate-hashes")
	}
	if target != "" {
		parts = append(parts, "-o "+filepath.Base(target))
	}
	return strings.Join(parts, " ")
}

// listerFor builds the network listers of catalog sources; URL templates
// that need a torch version ({torch}) are skipped.
func (o *depsResolveOptions) listerFor() zerogpu.ListerFor {
	b := &sourceBuilder{net: &o.net, fc: fetch.New(o.net.fetchConfig(o.g)), hubFC: fetch.New(o.net.hubFetchConfig(o.g))}
	return func(s catalog.Source) (index.Lister, bool) {
		ws, err := b.build(s.String())
		if err != nil {
			return nil, false
		}
		return ws.Lister, true
	}
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
