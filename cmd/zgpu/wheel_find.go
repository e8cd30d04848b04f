package main

import (
	"context"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/github"
	"github.com/zgpu/zgpu/hub"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pypi"
	"github.com/zgpu/zgpu/target"
	"github.com/zgpu/zgpu/wheelfind"
	"github.com/zgpu/zgpu/zerogpu"
)

func init() { register("wheel", newWheelFindCmd) }

type wheelFindOptions struct {
	g       *globalOptions
	net     netOptions
	catalog catalogOptions

	Python  string
	Torch   string
	CUDA    string
	ABI     string
	GPU     string
	Sources []string
	All     bool
	JSON    bool
}

const wheelFindLong = `Find every prebuilt wheel of PACKAGE that installs and runs on the target,
across GitHub releases, Hugging Face Hub repositories and package indexes,
ranked; and say why each other file does not fit.

The target is ZeroGPU's platform (Linux x86_64, its glibc and GPU, from the
catalog) with --python, and, when given, --torch: then CUDA and the C++ ABI
follow from torch's default PyPI build unless --cuda / --abi say otherwise.
A wheel fits when its tags install on the target, and what its local
version label or Hub folder states (torch major.minor, CUDA major, C++ ABI,
GPU architectures) matches. FlashAttention 3 is Hopper-only, and wheels built
with CUDA older than 12.8 have no Blackwell (sm100/sm120) kernels.

The ZeroGPU Blackwell dataset is torch-minor tolerant: a cell built for the
next torch minor also fits (pt212 on torch 2.11), ranked after an exact cell.

Ranking: the query's exact torch first; then a stated GPU list holding
--gpu; then the order of --source (most trusted first); then the CUDA minor
closest to torch's; then the higher version; then the better platform tag.

Sources (--source, repeatable, searched in the order given):
  github:OWNER/REPO            assets of every release (GITHUB_API_URL, GITHUB_TOKEN)
  hub:[TYPE/]OWNER/NAME[@REV]  files of a Hub repository, TYPE datasets, models,
                               spaces or kernels (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE)
  index:URL                    a PEP 503/691 simple index
  find-links:URL               a find-links page or folder
  pypi                         --index-url, --extra-index-url and --find-links, as one
Without --source, well-known sources for PACKAGE are used (flash-attn: the
ZeroGPU Blackwell wheels dataset, Dao-AILab/flash-attention and
mjun0812/flash-attention-prebuild-wheels; mamba-ssm: state-spaces/mamba;
causal-conv1d: Dao-AILab/causal-conv1d; anything else: the default index).

When nothing fits, zgpu proposes the change that would make a file fit:
a torch the platform allows, or another Python it supports.

When every source fails (offline with an empty cache, no network, a rate
limit), the search runs again over the catalog's dated snapshot of known
wheels; the output says so, and names the sources that failed. Those wheels
were not checked online: verify a URL before you pin it. Failed sources are
printed on stderr, one line each, unless --quiet.

--python and --torch values a ZeroGPU Space cannot use (a Python the
platform does not run, a torch off the allow-list) are searched all the same,
with a warning on stderr.

Exit status: 0 when a wheel fits; 1 when none does, or when every source
failed (even if the catalog snapshot shows wheels: they are unchecked).

--json prints one object:
  {"package": NAME,
   "target": {"python": "3.12", "torch": "2.8"|"", "cuda": "12.8"|"", "abi": "cxx11"|"pre-cxx11"|"unknown",
              "gpu": "sm120"|"", "platform": "cp312 linux x86_64 glibc 2.36"},
   "sources": [{"name": SPEC, "status": "ok"|"empty"|"error", "error": MESSAGE}],
              (when from_snapshot, the snapshot is the last entry)
   "from_snapshot": false|true,    (true: every source failed; found, rejected and
                                    suggestions come from the catalog snapshot,
                                    not checked online)
   "snapshot": "catalog snapshot 2026-11-25"|"",
   "found": [{"rank": 1, "filename", "url", "source": SPEC, "origin", "version",
              "sha256": HEX|"", "needs": {"cuda", "torch", "abi", "gpu_archs": [...], "python"}}],
   "rejected": [{"filename", "url", "source", "reasons": [...]}],   (with --all; else [])
   "reject_counts": [{"reason", "count"}],                           (most frequent first)
   "suggestions": [{"change": "pin torch==2.8.0", "filename", "url", "source", "text"}]}

` + netFlagsHelp

func newWheelFindCmd(g *globalOptions) *cobra.Command {
	o := &wheelFindOptions{g: g}
	cmd := &cobra.Command{
		Use:   "find PACKAGE",
		Short: "Find prebuilt wheels of a package that fit ZeroGPU, and why others do not",
		Long:  wheelFindLong,
		Example: `  # flash-attn for a Python 3.12 Space pinned to torch 2.8
  zgpu wheel find flash-attn --python 3.12 --torch 2.8

  # Only the Blackwell dataset, every reject listed
  zgpu wheel find flash-attn --torch 2.10 --source hub:datasets/multimodalart/zerogpu-blackwell-wheels --all

  # A GitHub repository and a find-links page, as JSON
  zgpu wheel find mamba-ssm --torch 2.8 --source github:state-spaces/mamba --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("%s takes one PACKAGE, got %d arguments", cmd.CommandPath(), len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runWheelFind(cmd.Context(), o, args[0]) },
	}
	fs := cmd.Flags()
	fs.StringVar(&o.Python, "python", "", "target Python `X.Y` (default: the catalog's recommended Python)")
	fs.StringVar(&o.Torch, "torch", "", "target torch `X.Y` or X.Y.Z (default: any torch)")
	fs.StringVar(&o.CUDA, "cuda", "", "CUDA of the target torch, `X` or X.Y (default: torch's default PyPI build)")
	fs.StringVar(&o.ABI, "abi", "", "C++11 ABI of the target torch, `true|false` (default: torch's)")
	fs.StringVar(&o.GPU, "gpu", "", "target GPU architecture, e.g. `sm120`; \"none\" skips the check (default: the catalog's)")
	fs.StringArrayVar(&o.Sources, "source", nil, "where to look: github:OWNER/REPO, hub:[TYPE/]OWNER/NAME[@REV], index:URL, find-links:URL, pypi (repeatable)")
	fs.BoolVar(&o.All, "all", false, "list every file that does not fit, with its reasons")
	fs.BoolVar(&o.JSON, "json", false, "print JSON (schema in the help)")
	o.net.addFlags(fs)
	o.catalog.addFlags(fs)
	return cmd
}

// catalogSources returns the catalog's sources of pkg for the query's
// torch, most trusted first; a package the catalog does not list is looked
// up on the package indexes.
func catalogSources(c *catalog.Catalog, pkg string, q wheelfind.Query) []string {
	p, ok := c.Package(pkg)
	if !ok || len(p.Sources) == 0 {
		return []string{"pypi"}
	}
	torch := ""
	if q.Torch != [2]int{} {
		for _, v := range c.AllowedTorch() {
			if mm := v.Release(); len(mm) >= 2 && mm[0] == q.Torch[0] && mm[1] == q.Torch[1] {
				torch = v.String()
			}
		}
	}
	var out []string
	for _, s := range p.Sources {
		if s, ok := s.Expand(torch, q.CUDA); ok {
			out = append(out, s.String())
		}
	}
	if len(out) == 0 {
		return []string{"pypi"}
	}
	return out
}

// sourceBuilder makes listers, sharing one client per API.
type sourceBuilder struct {
	net   *netOptions
	fc    *fetch.Client // GitHub and indexes
	hubFC *fetch.Client // the Hub: offline also under HF_HUB_OFFLINE
	gh    *github.Client
	hf    *hub.Client
}

func (b *sourceBuilder) build(spec string) (wheelfind.Source, error) {
	kind, arg, _ := strings.Cut(spec, ":")
	s := wheelfind.Source{Name: spec, Kind: kind}
	switch kind {
	case "github":
		if _, _, err := github.SplitRepo(arg); err != nil {
			return s, usagef("--source %s: %v", spec, err)
		}
		if b.gh == nil {
			b.gh = github.New(b.fc, os.Getenv("GITHUB_API_URL"))
		}
		s.Lister = b.gh.Lister(arg)
	case "hub":
		r, err := hub.ParseRepo(arg)
		if err != nil {
			return s, usagef("--source %s: %v", spec, err)
		}
		if b.hf == nil {
			b.hf = hub.New(b.hubFC, os.Getenv("HF_ENDPOINT"))
		}
		s.Lister = b.hf.Lister(r)
	case "index":
		if arg == "" {
			return s, usagef("--source %s: expected a URL after index:", spec)
		}
		s.Lister = pypi.New(arg, b.fc)
	case "find-links":
		if arg == "" {
			return s, usagef("--source %s: expected a URL or folder after find-links:", spec)
		}
		s.Lister = pypi.NewFindLinks(arg, b.fc)
	case "pypi":
		if arg != "" {
			return s, usagef("--source %s: pypi takes no argument (use index:URL)", spec)
		}
		s.Lister = b.net.sources(b.fc)
	default:
		return s, usagef("--source %q: expected github:, hub:, index:, find-links: or pypi", spec)
	}
	return s, nil
}

// parseVersion2 reads "3.12", "2.8", "2.8.0" as {major, minor}; minorOpt
// allows "12" alone ({12, -1}).
func parseVersion2(flag, s string, minorOpt bool) ([2]int, error) {
	parts := strings.Split(s, ".")
	bad := usagef("--%s %q: expected X.Y", flag, s)
	if minorOpt {
		bad = usagef("--%s %q: expected X or X.Y", flag, s)
	}
	if len(parts) > 3 || len(parts) == 1 && !minorOpt {
		return [2]int{}, bad
	}
	var v [2]int
	v[1] = -1
	for i := 0; i < len(parts) && i < 2; i++ {
		n, err := strconv.Atoi(parts[i])
		if err != nil || n < 0 {
			return [2]int{}, bad
		}
		v[i] = n
	}
	return v, nil
}

// query builds the target from the flags and the catalog.
func (o *wheelFindOptions) query(c *catalog.Catalog) (wheelfind.Query, error) {
	q := target.For(c, "")
	py := o.Python
	if py == "" {
		py = c.Python.Recommended
	}
	v, err := parseVersion2("python", py, false)
	if err != nil {
		return q, err
	}
	q.Python = v
	if o.Torch != "" {
		t, err := parseVersion2("torch", o.Torch, false)
		if err != nil {
			return q, err
		}
		q.Torch = t
		if v, ok := target.NewestOfMinor(c, t); ok {
			q.ABI, q.CUDA = target.TorchBuild(c, v)
		}
	}
	if o.CUDA != "" {
		cu, err := parseVersion2("cuda", o.CUDA, true)
		if err != nil {
			return q, err
		}
		q.CUDA = cu
	}
	switch strings.ToLower(o.ABI) {
	case "":
	case "true", "cxx11", "1":
		q.ABI = cudalabel.ABITrue
	case "false", "cxx98", "0":
		q.ABI = cudalabel.ABIFalse
	default:
		return q, usagef("--abi %q: expected true or false", o.ABI)
	}
	switch strings.ToLower(o.GPU) {
	case "":
	case "none":
		q.GPUArch = ""
	default:
		if !strings.HasPrefix(strings.ToLower(strings.ReplaceAll(o.GPU, "_", "")), "sm") {
			return q, usagef("--gpu %q: expected an architecture such as sm120, or none", o.GPU)
		}
		q.GPUArch = o.GPU
	}
	return q, nil
}

// warnOffTarget warns (on stderr) when --python or --torch names something
// a ZeroGPU Space cannot use; the search still runs, since wheels for other
// targets are worth knowing about.
func (o *wheelFindOptions) warnOffTarget(c *catalog.Catalog) {
	if o.Python != "" {
		if _, ok := c.PythonFull(o.Python); !ok {
			o.g.Logf("zgpu: warning: a ZeroGPU Space cannot run Python %s (it supports %s); searching anyway",
				o.Python, strings.Join(c.Python.Supported, ", "))
		}
	}
	if o.Torch != "" && !torchOnAllowList(c, o.Torch) {
		o.g.Logf("zgpu: warning: torch %s is not on the ZeroGPU allow-list (%s): a Space cannot install it; searching anyway",
			o.Torch, strings.Join(c.Torch.Allowed, ", "))
	}
}

// torchOnAllowList reports whether the --torch value is allowed: X.Y when
// some allowed torch has that major.minor, X.Y.Z when it is allowed itself.
func torchOnAllowList(c *catalog.Catalog, s string) bool {
	v, err := pep440.Parse(s)
	if err != nil {
		return false
	}
	if len(v.Release()) > 2 {
		return c.TorchAllowed(v)
	}
	maj, mnr := v.MajorMinor()
	for _, a := range c.AllowedTorch() {
		if am, an := a.MajorMinor(); am == maj && an == mnr {
			return true
		}
	}
	return false
}

// findReport is what `wheel find` prints.
type findReport struct {
	res   wheelfind.Result
	q     wheelfind.Query
	specs []string // the sources searched, in the order given
	sugg  []wheelfind.Suggestion
	all   bool // list every rejected file
	// snapshot names the catalog snapshot source when every source failed
	// and res comes from the snapshot instead ("" otherwise); failed are the
	// sources that failed, in either case.
	snapshot string
	failed   []wheelfind.SourceError
	catalog  string // catalog.Label of the catalog in use
}

// everySourceFailed reports whether no source could be listed at all.
func everySourceFailed(res wheelfind.Result, err error, sources []wheelfind.Source) bool {
	return err != nil || len(sources) > 0 && len(res.Errors) == len(sources)
}

// snapshotSource is the catalog's snapshot of known wheels as a source.
func snapshotSource(c *catalog.Catalog) wheelfind.Source {
	return wheelfind.Source{Name: "catalog snapshot " + c.Meta.Date, Kind: "snapshot", Lister: catalog.SnapshotLister{C: c}}
}

func runWheelFind(ctx context.Context, o *wheelFindOptions, pkg string) error {
	c, err := o.catalog.load()
	if err != nil {
		return err
	}
	q, err := o.query(c)
	if err != nil {
		return err
	}
	if err := o.net.validate(); err != nil {
		return err
	}
	o.warnOffTarget(c)
	b := &sourceBuilder{net: &o.net, fc: fetch.New(o.net.fetchConfig(o.g)), hubFC: fetch.New(o.net.hubFetchConfig(o.g))}
	specs := o.Sources
	if len(specs) == 0 {
		specs = catalogSources(c, pkg, q)
	}
	var sources []wheelfind.Source
	for _, spec := range specs {
		s, err := b.build(spec)
		if err != nil {
			return err
		}
		sources = append(sources, s)
	}
	res, findErr := wheelfind.Find(ctx, pkg, q, sources)
	rep := findReport{q: q, specs: specs, all: o.All, failed: res.Errors, catalog: c.Label()}
	allFailed := everySourceFailed(res, findErr, sources)
	if allFailed {
		// Nothing could be listed (offline with a cold cache, no network, a
		// rate limit): the catalog's snapshot still knows wheels, said to be
		// unchecked wherever they are printed.
		snap := snapshotSource(c)
		if sres, err := wheelfind.Find(ctx, pkg, q, []wheelfind.Source{snap}); err == nil {
			res, rep.snapshot = sres, snap.Name
		}
	}
	rep.res = res
	if len(res.Found) == 0 {
		rep.sugg = wheelfind.Suggest(res, zerogpu.Alternatives(c, q))
	}
	if o.JSON {
		if err := writeWheelFindJSON(o.g.Stdout, rep); err != nil {
			return err
		}
	} else {
		writeWheelFindText(o.g.Stdout, rep)
	}
	for _, e := range rep.failed {
		o.g.Logf("zgpu: %s: %s", e.Source, oneLine(e.Err.Error()))
	}
	if allFailed || len(res.Found) == 0 {
		return &silentError{code: exitFailure}
	}
	return nil
}

// oneLine joins the lines of a message (errors.Join makes several) with "; ".
func oneLine(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ")
}
