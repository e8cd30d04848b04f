package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/fetch"
)

func init() { register("target", newTargetShowCmd) }

// catalogOptions selects the catalog: the newest (by date) of the embedded
// one, the update `zgpu catalog update` stored in the cache folder, and a
// user file that overrides sections of the embedded one (--catalog, or
// ZGPU_CATALOG).
type catalogOptions struct {
	Path string
	// Note says why the --catalog file was passed over for a newer one;
	// set by load.
	Note string
}

func (o *catalogOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Path, "catalog", os.Getenv("ZGPU_CATALOG"), "a TOML `file` overriding sections of the embedded ZeroGPU catalog (env ZGPU_CATALOG)")
}

func (o *catalogOptions) load() (*catalog.Catalog, error) {
	c, note, err := catalog.Select(o.Path, fetch.DefaultCacheDir())
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	o.Note = note
	return c, nil
}

// warnings returns what a command should say on stderr about catalog c, once
// per run: a --catalog file passed over, and a catalog older than
// catalog.StaleAfter at now.
func (o *catalogOptions) warnings(c *catalog.Catalog, now time.Time) []string {
	var out []string
	if o.Note != "" {
		out = append(out, o.Note)
	}
	if s := c.Stale(now); s != "" {
		out = append(out, s)
	}
	return out
}

type targetShowOptions struct {
	g       *globalOptions
	catalog catalogOptions
	JSON    bool
}

const targetShowLong = `Show the ZeroGPU target zgpu resolves for and the embedded catalog behind it:
the Python versions a Space can pick, the platform (Linux x86_64, glibc, GPU
architecture), the torch allow-list and family matrix, the packages the platform
installs itself, and the registry of CUDA packages that need prebuilt wheels.
Every fact carries its source and date.

--json prints the whole catalog:
  {"catalog": {name, date, about}, "platform": {...}, "python": {...},
   "torch": {allowed, preinstalled, sidecars, source, date, ...},
   "preinstalled": [{name, emit, version_from, rule, source, date}],
   "spaces": {version, requires, source, date},
   "packages": [{name, kind, pypi, sources: [{kind, repo, prefix, url, note}], source, date, ...}],
   "blackwell": {repo, cells, packages, ...},
   "torch_family": [{torch, torchvision, torchaudio, triton, default_pypi_cuda, cxx11abi, manylinux, python_versions}],
   "snapshot": [{package, filename, url, kind, location, path, confidence, note}],
   "origin": "embedded" | FILE}`

func newTargetShowCmd(g *globalOptions) *cobra.Command {
	o := &targetShowOptions{g: g}
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Show the ZeroGPU target and the catalog behind it",
		Long:  targetShowLong,
		Example: `  zgpu target show
  zgpu target show --json | jq .torch.allowed
  zgpu target show --catalog my-overrides.toml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runTargetShow(o) },
	}
	o.catalog.addFlags(cmd.Flags())
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the whole catalog as JSON")
	return cmd
}

func runTargetShow(o *targetShowOptions) error {
	c, err := o.catalog.load()
	if err != nil {
		return err
	}
	if o.JSON {
		enc := newJSONEncoder(o.g.Stdout)
		return enc.Encode(c)
	}
	writeTarget(o.g.Stdout, c)
	return nil
}

func writeTarget(w io.Writer, c *catalog.Catalog) {
	fmt.Fprintf(w, "ZeroGPU catalog %s (format %d)\n", c.Label(), c.Meta.Format)
	if c.OriginPath != "" {
		fmt.Fprintf(w, "           read from %s\n", c.OriginPath)
	}
	fmt.Fprintln(w)
	p := c.Platform
	fmt.Fprintf(w, "Platform   %s %s, glibc %s, GPU %s (%s); nvcc at build: %v\n", p.OS, p.Arch, p.Glibc, p.GPU, p.GPUArch, p.NvccAtBuild)
	fmt.Fprintf(w, "           source: %s (%s)\n", p.GPUSource, p.GPUDate)
	fmt.Fprintf(w, "Python     %s (default %s when README has no python_version; recommended %s)\n", strings.Join(c.Python.Supported, ", "), c.Python.Default, c.Python.Recommended)
	fmt.Fprintf(w, "           source: %s (%s)\n", c.Python.Source, c.Python.Date)
	fmt.Fprintf(w, "torch      allowed %s; preinstalled %s; side-cars %s\n", strings.Join(c.Torch.Allowed, ", "), c.Torch.Preinstalled, strings.Join(c.Torch.Sidecars, ", "))
	fmt.Fprintf(w, "           source: %s (%s)\n", c.Torch.Source, c.Torch.Date)
	b := c.Builder
	fmt.Fprintf(w, "Builder    %s\n", b.Command)
	fmt.Fprintf(w, "           source: %s (%s)\n", b.Source, b.Date)
	for _, r := range c.ExtensionABI {
		fmt.Fprintf(w, "Ext. ABI   built for torch %s loads on torch %s: %s\n", r.Built, r.Runs, r.Why)
		fmt.Fprintf(w, "           source: %s (%s)\n", r.Source, r.Date)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "torch family (allowed versions):")
	fmt.Fprintf(w, "  %-8s %-12s %-11s %-7s %-6s %-6s %s\n", "torch", "torchvision", "torchaudio", "triton", "cuda", "abi", "python")
	for _, v := range c.AllowedTorch() {
		if r, ok := c.FamilyOf(v); ok {
			fmt.Fprintf(w, "  %-8s %-12s %-11s %-7s %-6s %-6s %s\n", r.Torch, r.Torchvision, r.Torchaudio, r.Triton, r.DefaultCUDA, r.CXX11ABI, r.Pythons)
		}
	}
	for _, pr := range c.Pairings {
		fmt.Fprintf(w, "\n%s, paired with torch (%s):\n", pr.Package, pr.Why)
		for _, v := range c.AllowedTorch() {
			if spec, _, ok := c.SidecarSpec(v, pr.Package); ok {
				fmt.Fprintf(w, "  torch %-8s %s%s\n", v, pr.Package, spec)
			}
		}
		fmt.Fprintf(w, "  source: %s (%s)\n", pr.Source, pr.Date)
	}
	fmt.Fprintln(w, "\nInstalled by the platform (not emitted):")
	for _, p := range c.Preinstalled {
		fmt.Fprintf(w, "  %-16s emit=%-5s %s\n", p.Name, p.Emit, p.Rule)
	}
	fmt.Fprintln(w, "\nCUDA packages:")
	for _, p := range c.Packages {
		var srcs []string
		for _, s := range p.Sources {
			srcs = append(srcs, s.String())
		}
		fmt.Fprintf(w, "  %-28s %-9s pypi=%-10s %s\n", p.Name, p.Kind, p.PyPI, strings.Join(srcs, " "))
	}
	fmt.Fprintf(w, "\nSnapshot: %d known wheels (zgpu target show --json for the list)\n", len(c.Snapshot))
}
