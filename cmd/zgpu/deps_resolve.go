package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
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
	config  configOptions
	reqs    reqFileOptions
	// changed reports whether a flag was given on the command line.
	changed func(name string) bool
	// arg is the DIR or FILE argument as typed ("" for none).
	arg string
	// inputs are the input files named explicitly (several FILEs, "-",
	// --input), nil for a folder or one FILE argument.
	inputs []string
	// loadWarnings are the warnings printed while reading the catalog,
	// flags and input: --json's input_warnings.
	loadWarnings []string
	Inputs       []string // --input

	Python           string
	Torch            string
	Output           string
	Check            bool
	JSON             bool
	GenerateHashes   bool
	NoHashes         bool
	NoAnnotate       bool
	AnnotationStyle  string
	NoHeader         bool
	Format           string
	Frozen           bool
	Locked           bool
	EmitPreinstalled bool
	EmitProject      bool
	NoLock           bool
	RequireLock      bool
	Strict           bool
	Pre              bool
	AllowSdist       bool
	Upgrade          bool
	UpgradePackages  []string
	DryRun           bool
	CustomCommand    string
	NoCache          bool
	EmitIndexURL     bool
	NoEmitIndexURL   bool
	EmitFindLinks    bool
	NoEmitFindLinks  bool
	export           zerogpu.ExportOptions

	// constraints and overrides are read from -c and --override.
	constraints, overrides []zerogpu.Requirement
}

const depsResolveLong = `Write a requirements.txt that builds on the ZeroGPU builder (CPU only, no nvcc)
and runs on its GPU, from the Space in DIR (default: the current folder) or from
one FILE (requirements.txt, requirements.in, pyproject.toml, uv.lock). Several
requirements files (a.in b.in), or - for the standard input, are read as one
input, as pip-compile and uv pip compile read them; the Space folder (README.md,
pre-requirements.txt) is then the first file's (the current folder for -).
--input FILE chooses the file of DIR to read when zgpu would choose another
(pyproject.toml beside a requirements.txt, say): the same as naming DIR/FILE.

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
    allow-list is moved to the nearest allowed version that fits (a warning
    when it moves more than two minor versions).
  - CUDA extensions (flash-attn, mamba-ssm, causal-conv1d, ...): replaced by
    "name @ URL" of the best prebuilt wheel for the Python tag, torch
    major.minor, CUDA major, C++ ABI, platform and GPU architecture. When none
    fits, the error lists the nearest wheels and the pin that would fit one.
  - torchvision, torchaudio, triton, torchcodec and xformers follow the chosen
    torch (the family matrix; torchcodec's and xformers' own compatibility
    tables); when locking, also when a dependency pulls them in.
  - Indexes: the file keeps the index lines of your input files (the Space
    builder's pip needs them). The indexes of your machine (--index-url,
    --extra-index-url, --find-links, or PIP_INDEX_URL, PIP_EXTRA_INDEX_URL,
    UV_DEFAULT_INDEX, UV_INDEX, PIP_FIND_LINKS, ...) are used to lock but
    not written, whichever way they were given, so a development mirror
    never reaches the Space and the file is the same on every machine;
    --emit-index-url (--emit-find-links) writes them, as pip-compile does.
    A URL with credentials is never written.
  - Every package is pinned for the target (a lock, from the package index),
    unless the input is a lock already (uv.lock, pylock.toml) or --no-lock
    keeps your ranges.
Each changed line carries a "# zgpu:" comment with the reason, and stderr
sums the changes up ("changed 2 lines: ..."). What has a safe fix is repaired;
what needs a human is refused, and nothing is written. --strict repairs
nothing: every problem zgpu would fix is reported instead (exit 1), for CI
that wants a human to decide.

Locking is the default when the package index is reachable or cached
(--offline locks from the cache of an earlier run). Otherwise your ranges are
kept with a warning that names the index and the cause; but a file zgpu locked
is never replaced by an unlocked one, and --check never judges a locked file
against an unlocked plan: both are errors (exit 1), and nothing is written.

It replaces, in build scripts:
  uv export --no-hashes --no-dev --no-emit-package spaces -o requirements.txt
with
  zgpu deps resolve --no-dev -o requirements.txt
The uv export flags --no-dev, --extra, --all-extras, --group, --only-group,
--all-groups, --no-emit-package, --prune, --no-emit-project, --no-hashes,
--no-header, --output-file, --format requirements-txt, --frozen and --locked
have the same meaning. zgpu never updates uv.lock: --frozen reads it as it is
(the default), --locked also fails when pyproject.toml's dependencies,
optional dependencies or dependency groups differ from the requirements
recorded in uv.lock (names, extras, versions and URLs; markers are not
compared). Both fail without a uv.lock. --extra and the group flags need a
pyproject.toml, uv.lock or pylock.toml; with a requirements file they are an
error, as in uv. --prune works on a lock's dependency graph: with --no-lock
(and no uv.lock) or a pylock.toml it cannot apply, and a warning says so.

-o FILE writes atomically (a failed run leaves FILE as it was); onto a
symbolic link it writes the file the link points to and keeps the link. It
refuses a file zgpu reads as input (requirements.in, pyproject.toml, uv.lock:
exit 2; requirements.txt itself may be rewritten in place) and a read-only
file (exit 1). A new file gets 0666 minus the umask; a file replaced keeps
its mode.

--check compares what would be written with FILE (-o, default
DIR/requirements.txt) and exits 1 with a unified diff when they differ, or
when FILE does not exist yet: for CI and pre-commit. Nothing is written.

Exit codes: 0 written (or up to date under --check); 1 a problem (printed with
the fix), unreadable input, a source failure (an index that cannot be
reached), or a stale file under --check; 2 usage.

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
		Use:   "resolve [DIR | FILE... | -]",
		Short: "Write a ZeroGPU-safe requirements.txt",
		Long:  depsResolveLong + "\n\n" + configHelp + "\n\n" + spaceRefHelp,
		Example: `  # In the Space folder: write requirements.txt
  zgpu deps resolve -o requirements.txt

  # From a uv project, as a drop-in for uv export
  zgpu deps resolve --frozen --no-dev --no-emit-package spaces --output-file requirements.txt

  # CI / pre-commit: fail when requirements.txt is stale
  zgpu deps resolve --check -o requirements.txt

  # No network at all: the embedded catalog's snapshot of wheels
  zgpu deps resolve --offline testdata/spaces/flash-attn-sdist

  # A Space on the Hub, by its name: the file is written here, never pushed
  zgpu deps resolve alice/my-space -o requirements.txt

  # Try another torch, and see every decision
  zgpu deps resolve --torch 2.8.0 --json | jq .decisions`,
		RunE: func(cmd *cobra.Command, args []string) error {
			first := "."
			if len(args) > 0 {
				first = args[0]
			}
			if err := o.config.load(cmd.Flags(), first, g.Logf); err != nil {
				return err
			}
			path, inputs, err := o.inputsOf(args)
			if err != nil {
				return err
			}
			o.inputs = inputs
			if len(args) == 1 {
				o.arg = args[0]
			}
			o.changed = cmd.Flags().Changed
			dir, done, err := localDir(cmd.Context(), g, &o.net, path)
			if err != nil {
				return err
			}
			return done(runDepsResolve(cmd.Context(), o, dir))
		},
	}
	o.addFlags(cmd.Flags())
	return cmd
}

// addFlags declares the flags of `deps resolve`: its own, the uv export
// ones (addExportFlags), and the network, catalog, -c/--override and
// config groups.
func (o *depsResolveOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Python, "python", "p", "", "target Python: 3.10 or 3.12, or the full 3.10.13 or 3.12.12 (default: README python_version, else the platform default)")
	fs.StringVar(&o.Python, "python-version", "", "the same as --python (the pip-compile and uv pip compile spelling)")
	fs.StringVar(&o.Torch, "torch", "", "pin torch to this allowed version (overrides your torch pin)")
	fs.StringArrayVar(&o.Inputs, "input", nil, "read the requirements from this `FILE` of the folder argument (repeatable), instead of the file zgpu would choose: pyproject.toml when requirements.txt is beside it, say; - is stdin")
	fs.StringVarP(&o.Output, "output", "o", "", "write the requirements to `FILE` (atomically) instead of stdout")
	fs.StringVar(&o.Output, "output-file", "", "write to `FILE`: the same as -o (the uv export spelling)")
	fs.StringVar(&o.Format, "format", "requirements-txt", "output `FORMAT`: requirements-txt (or requirements.txt), the only one; accepted for uv export compatibility")
	fs.BoolVar(&o.Check, "check", false, "exit 1 with a diff when FILE differs from what would be written, or does not exist; write nothing")
	fs.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	fs.BoolVar(&o.GenerateHashes, "generate-hashes", false, "write --hash lines where the sources give hashes")
	fs.BoolVar(&o.NoHashes, "no-hashes", false, "write no --hash lines (the default; accepted for uv export compatibility)")
	fs.BoolVar(&o.NoAnnotate, "no-annotate", false, "leave out the '# via' annotations of locked packages")
	fs.StringVar(&o.AnnotationStyle, "annotation-style", "split", "`style` of the '# via' annotations, as pip-compile's: split (one name a line below the requirement) or line ('# via a, b' on the requirement's line)")
	fs.BoolVar(&o.NoHeader, "no-header", false, "leave out the header comment block (zgpu then reads the file back as yours, every line a root)")
	fs.BoolVar(&o.EmitPreinstalled, "emit-preinstalled", false, "write the packages the platform installs (spaces, gradio) too (not recommended)")
	fs.BoolVar(&o.NoLock, "no-lock", false, "keep your version ranges: do not pin every package")
	fs.BoolVar(&o.RequireLock, "require-lock", false, "fail (exit 1) when the package index cannot be reached, instead of writing the file with your ranges kept")
	fs.BoolVar(&o.Strict, "strict", false, "repair nothing: report every problem zgpu would fix in the file as a problem, and write nothing (exit 1)")
	fs.BoolVar(&o.Pre, "pre", false, "allow pre-releases of every package when locking")
	fs.BoolVar(&o.AllowSdist, "allow-sdist", false, "when locking, allow a pure-Python sdist where no wheel installs (never for CUDA packages)")
	fs.BoolVarP(&o.Upgrade, "upgrade", "U", false, "when locking, ignore the pins of the existing output file")
	fs.StringSliceVarP(&o.UpgradePackages, "upgrade-package", "P", nil, "when locking, let this `package` move from its pin in the existing output file (repeatable)")
	o.addExportFlags(fs)
	o.net.addFlags(fs)
	o.catalog.addFlags(fs)
	o.reqs.addFlags(fs)
	o.config.addFlags(fs)
	annotateResolveFlags(fs)
}

// addExportFlags declares the flags `deps resolve` shares with uv export
// (--frozen, --locked, --no-dev, --extra, --group, --prune, ...) and the
// output's index and cache flags.
func (o *depsResolveOptions) addExportFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.Frozen, "frozen", envBool("UV_FROZEN"), "uv.lock: export it as it is (the default: zgpu never updates uv.lock; accepted for uv export compatibility)")
	fs.BoolVar(&o.Locked, "locked", envBool("UV_LOCKED"), "uv.lock: fail when pyproject.toml's requirements differ from the ones uv.lock was made from (run uv lock)")
	fs.BoolVar(&o.export.NoDev, "no-dev", envBool("UV_NO_DEV"), "uv.lock: leave out the dev group")
	fs.StringSliceVar(&o.export.Extras, "extra", nil, "include the optional dependencies of this `extra` (repeatable; pyproject.toml, uv.lock, pylock.toml)")
	fs.BoolVar(&o.export.AllExtras, "all-extras", false, "include every extra")
	fs.StringSliceVar(&o.export.Groups, "group", nil, "include this dependency `group` (repeatable; pyproject.toml, uv.lock, pylock.toml)")
	fs.StringSliceVar(&o.export.OnlyGroups, "only-group", nil, "uv.lock: only this dependency `group` (repeatable)")
	fs.BoolVar(&o.export.AllGroups, "all-groups", false, "include every dependency group")
	fs.StringSliceVar(&o.export.NoEmitPackage, "no-emit-package", nil, "do not write this `package`, but keep its dependencies (repeatable; spaces and gradio always)")
	fs.StringSliceVar(&o.export.Prune, "prune", nil, "drop this `package` and what only it needs (repeatable; uv.lock export and locking)")
	fs.BoolVar(&o.export.NoEmitProject, "no-emit-project", true, "uv.lock: do not write the project itself (the default: a Space is not installed as a package; accepted for uv export compatibility)")
	fs.BoolVar(&o.EmitProject, "emit-project", false, "uv.lock: write the project itself (-e .), as uv export does by default")
	fs.BoolVar(&o.DryRun, "dry-run", false, "resolve and print the file on stdout, but write nothing (with -o or --check alike)")
	fs.StringVar(&o.CustomCommand, "custom-compile-command", os.Getenv("CUSTOM_COMPILE_COMMAND"), "the `command` the header names instead of zgpu's own (env CUSTOM_COMPILE_COMMAND), for wrapper scripts, as in pip-compile")
	fs.BoolVar(&o.NoCache, "no-cache", false, "read and write no HTTP cache (the same as --cache-dir \"\")")
	fs.BoolVar(&o.EmitIndexURL, "emit-index-url", false, "write the --index-url and --extra-index-url in effect (flags or PIP_/UV_ variables) to the file")
	fs.BoolVar(&o.NoEmitIndexURL, "no-emit-index-url", false, "write none of them (the default: only the index lines of your input files are kept)")
	fs.BoolVar(&o.EmitFindLinks, "emit-find-links", false, "write the --find-links in effect (flags or PIP_FIND_LINKS, UV_FIND_LINKS) to the file")
	fs.BoolVar(&o.NoEmitFindLinks, "no-emit-find-links", false, "write none of them (the default)")
}

// validate checks the flags on their own, before anything is read; its
// errors are usage errors.
func (o *depsResolveOptions) validate(c *catalog.Catalog) error {
	if o.NoCache {
		if o.net.Offline {
			return usagef("--no-cache and --offline cannot be used together: --offline reads only the cache")
		}
		o.net.CacheDir = ""
	}
	if o.changed("python") && o.changed("python-version") {
		return usagef("--python and --python-version name the same thing: give one")
	}
	if err := o.net.validate(); err != nil {
		return err
	}
	if o.NoLock && o.RequireLock {
		return usagef("--no-lock and --require-lock cannot be used together")
	}
	if o.GenerateHashes && o.NoHashes {
		return usagef("--generate-hashes and --no-hashes cannot be used together")
	}
	if o.Frozen && o.Locked {
		return usagef("--frozen and --locked cannot be used together")
	}
	if o.EmitIndexURL && o.NoEmitIndexURL {
		return usagef("--emit-index-url and --no-emit-index-url cannot be used together")
	}
	if o.EmitFindLinks && o.NoEmitFindLinks {
		return usagef("--emit-find-links and --no-emit-find-links cannot be used together")
	}
	if o.changed("output") && o.changed("output-file") {
		return usagef("-o and --output-file name the same file: give one")
	}
	switch o.AnnotationStyle {
	case "split", "line":
	default:
		return usagef("--annotation-style %s: expected split or line", o.AnnotationStyle)
	}
	switch o.Format {
	case "requirements-txt", "requirements.txt":
	default:
		return usagef("--format %s: zgpu writes requirements-txt only", o.Format)
	}
	if base := filepath.Base(o.Output); !o.changed("format") && strings.HasPrefix(base, "pylock.") && strings.HasSuffix(base, ".toml") {
		return usagef("-o %s: zgpu writes requirements-txt only, not pylock.toml (name the file requirements.txt)", o.Output)
	}
	if o.Python != "" {
		if !pythonForm.MatchString(strings.TrimSpace(o.Python)) {
			return usagef("--python %s: expected a version like %s or %s (ZeroGPU runs Python %s)", o.Python,
				pyMinor(c.Python.Recommended), fullPython(c, c.Python.Recommended), strings.Join(c.Python.Supported, " and "))
		}
		if _, ok := c.PythonFull(o.Python); !ok {
			return usagef("--python %s: ZeroGPU runs Python %s", o.Python, strings.Join(c.Python.Supported, " and "))
		}
	}
	if o.Torch != "" {
		if _, ok := zerogpu.AllowedTorch(c, o.Torch); !ok {
			return usagef("--torch %s: not on the ZeroGPU allow-list; allowed: %s (or their major.minor)", o.Torch, strings.Join(c.Torch.Allowed, ", "))
		}
	}
	return nil
}

// pythonForm is what --python accepts: major.minor or major.minor.micro.
var pythonForm = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?$`)

func pyMinor(v string) string {
	if parts := strings.SplitN(v, ".", 3); len(parts) >= 2 {
		return parts[0] + "." + parts[1]
	}
	return v
}

func fullPython(c *catalog.Catalog, v string) string {
	if full, ok := c.PythonFull(v); ok {
		return full
	}
	return v
}

// runDepsResolve reads the project, calls the engine (zerogpu.Resolve),
// prints the report and writes the file.
func runDepsResolve(ctx context.Context, o *depsResolveOptions, path string) error {
	c, proj, err := o.load(path)
	if err != nil {
		return err
	}
	target := o.Output
	if target == "-" {
		target = ""
	}
	if o.Check && target == "" {
		target = filepath.Join(proj.Dir, "requirements.txt")
		if err := checkOutput(target); err != nil {
			return err
		}
	}
	res, err := zerogpu.Resolve(ctx, proj, o.resolveOptions(c, proj, target))
	if res == nil {
		return err
	}
	res.InputWarnings = o.loadWarnings
	if o.JSON {
		if err := newJSONEncoder(o.g.Stdout).Encode(res.Report); err != nil {
			return err
		}
	}
	noReadme := !hasReadme(proj)
	for _, w := range res.Warnings {
		if noReadme {
			w = strings.Replace(w, "README.md has no python_version", "no README.md with a python_version", 1)
		}
		o.g.Logf("warning: %s", w)
	}
	if !res.OK() {
		return fmt.Errorf("no ZeroGPU-safe requirements for %s:\n%s", path, indent(res.Error()))
	}
	if err != nil {
		return err
	}
	if sum := res.Summary(); sum != "" {
		o.g.Logf("%s", sum)
	}
	return o.write(res, target, proj.Dir)
}

// load reads the catalog and the project and checks the flags, the output
// and the input before any work: their errors come first.
func (o *depsResolveOptions) load(path string) (*catalog.Catalog, *project.Project, error) {
	c, err := o.catalog.load()
	if err != nil {
		return nil, nil, err
	}
	for _, w := range o.catalog.warnings(c, time.Now()) {
		o.warn(w)
	}
	if err := o.validate(c); err != nil {
		return nil, nil, err
	}
	// A wrong -o fails before any work.
	if err := checkOutput(o.Output); err != nil {
		return nil, nil, err
	}
	proj, err := o.loadProject(path)
	if err != nil {
		return nil, nil, err
	}
	// -o naming an input file, or a read-only one, fails before any work.
	if err := o.checkTarget(proj); err != nil {
		return nil, nil, err
	}
	for _, w := range proj.Warnings {
		o.warn(w)
	}
	if err := o.checkInput(proj); err != nil {
		return nil, nil, err
	}
	if o.constraints, o.overrides, err = o.reqs.read(); err != nil {
		return nil, nil, err
	}
	if o.NoLock && len(o.reqs.Constraints) > 0 {
		o.warn(fmt.Sprintf("-c %s: with --no-lock the file keeps your ranges, and pip on the Space builder does not read the command line's constraints: add a -c line to the requirements file if they should apply there", strings.Join(o.reqs.Constraints, " ")))
	}
	return c, proj, nil
}

// resolveOptions turns the flags into the engine's options; target is the
// file to write ("" for stdout).
func (o *depsResolveOptions) resolveOptions(c *catalog.Catalog, proj *project.Project, target string) zerogpu.ResolveOptions {
	ex := o.export
	if o.EmitProject {
		ex.NoEmitProject = false
	}
	// A re-lock keeps the pins of the file it rewrites, or of the Space's
	// requirements.txt when printing to stdout.
	prefs := target
	if prefs == "" {
		prefs = filepath.Join(proj.Dir, "requirements.txt")
	}
	outDir := proj.Dir
	if target != "" {
		outDir = filepath.Dir(target)
	}
	// One HTTP client (and cache) for the sources and the lock's memo of
	// the projects it listed (warm runs list them all at once).
	fc := fetch.New(o.net.fetchConfig(o.g))
	return zerogpu.ResolveOptions{
		Catalog: c, Python: o.Python, Torch: o.Torch, Export: ex, EmitPreinstalled: o.EmitPreinstalled,
		NoLock: o.NoLock, Strict: o.Strict, Offline: o.net.Offline, RequireLock: o.RequireLock,
		Constraints: o.constraints, Overrides: o.overrides,
		Lock: zerogpu.LockOptions{Pre: o.Pre, AllowSdist: o.AllowSdist, Upgrade: o.Upgrade, UpgradePackages: o.UpgradePackages,
			Concurrency: o.net.Jobs, Preferences: pinsOf(prefs), Memo: fc},
		Sources: func(lines []string) (index.Lister, index.MetadataReader, string) {
			if uv := uvIndexesOf(proj); uv != nil {
				l, describe := o.uvSources(proj, uv, o.withFileIndexes(splitUVLines(uv, lines)), fc)
				return l, l, describe
			}
			srcs := o.withFileIndexes(lines)
			return srcs.sources(fc), pypi.NewReader(fc), srcs.describe()
		},
		ListerFor:      o.listerFor(),
		ProjectSources: uvWheelSources(proj, fc),
		HubEndpoint:    os.Getenv("HF_ENDPOINT"), GitHubAPI: os.Getenv("GITHUB_API_URL"),
		IndexOptions: o.indexLines(),
		Render: zerogpu.RenderOptions{
			Command: o.commandLine(target), Hashes: o.GenerateHashes, Via: !o.NoAnnotate, AnnotationStyle: o.AnnotationStyle, Dir: outDir,
			Combined: len(o.inputs) > 1 || (len(o.inputs) == 1 && o.inputs[0] == project.Stdin),
			InPlace:  rewritesInput(proj, target), Target: target,
		},
		Logf: o.g.Logf, Progress: o.g.progress,
	}
}

// write writes the file to target, checks it (--check), or prints it; dir
// is the Space folder (a link at target may not lead out of it).
func (o *depsResolveOptions) write(res *zerogpu.Result, target, dir string) error {
	data := res.File
	if o.NoHeader {
		data = withoutHeader(data)
	}
	if res.Unlocked != nil {
		if err := o.keepRanges(res.Unlocked, target, data); err != nil {
			return err
		}
	}
	switch {
	case o.DryRun:
		_, err := o.g.Stdout.Write(data)
		if target != "" {
			o.g.Logf("dry run: %s not written", target)
		}
		return err
	case o.Check:
		return o.check(target, data)
	case target != "":
		if err := checkLinkedOutput(target, dir); err != nil {
			return err
		}
		if err := writeOutput(target, data); err != nil {
			return err
		}
		o.g.Logf("wrote %s (%d requirements; Python %s, torch %s)", target, len(res.Lines), res.Target.Python, orDash(res.Target.Torch))
		return nil
	case !o.JSON:
		_, err := o.g.Stdout.Write(data)
		return err
	}
	return nil
}

// keepRanges lets an --offline run that could not lock go on with the
// unlocked plan, with a warning, unless it would replace a file zgpu
// locked (or, under --check, pass it as up to date) with different,
// unlocked content: that is an error, and nothing is written.
func (o *depsResolveOptions) keepRanges(why error, target string, data []byte) error {
	if target != "" && reqfile.LockedByZgpu(target) {
		if old, err := os.ReadFile(target); err != nil || !bytes.Equal(old, data) {
			what := "it is left as it was, not replaced by an unlocked file"
			if o.Check {
				what = "it cannot be checked against an unlocked plan"
			}
			return fmt.Errorf("cannot lock: %v\n  %s was locked by zgpu: %s\n  run again with the index reachable (or its pages cached, with --offline), or pass --no-lock to keep your ranges", why, target, what)
		}
	}
	// One cause, one warning: its fix on a line of its own.
	o.g.Logf("warning: not locked, ranges kept (with only the ZeroGPU fixes): %v\n  run again with the index reachable (or --offline with its pages cached) to pin every package; --no-lock silences this", why)
	return nil
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
	if !isRegular(path) {
		return nil // -o /dev/stdout: nothing to read back (and /dev/full never ends)
	}
	f, err := reqfile.ParseFile(path, reqfile.ParseOptions{NoIncludes: true})
	if err != nil {
		return nil
	}
	out := map[string]pep440.Version{}
	for _, r := range f.Requirements {
		if v, ok := reqfile.Pinned(r.Req); ok && r.Req.Name != "" {
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

// warn prints a warning of reading the catalog, flags or input, and keeps
// it for --json (input_warnings).
func (o *depsResolveOptions) warn(w string) {
	o.loadWarnings = append(o.loadWarnings, w)
	o.g.Logf("warning: %s", w)
}
