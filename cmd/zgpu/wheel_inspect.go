package main

import (
	"fmt"
	"io"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/target"
	"github.com/zgpu/zgpu/wheeltags"
)

func init() { register("wheel", newWheelInspectCmd) }

// zeroGPUTarget is what `wheel inspect` checks wheels against, from the
// catalog: the Pythons a ZeroGPU Space can run, the glibc of the Space image,
// the GPU architecture of the hardware, the torch allow-list and the torch
// family matrix (the CUDA and C++ ABI of each torch's PyPI build).
type zeroGPUTarget struct {
	pythons []target.Target // one per supported Python, oldest first
	gpuArch string
	allowed []pep440.Version // highest first
	family  []catalog.FamilyRow
}

func targetOf(c *catalog.Catalog) zeroGPUTarget {
	t := zeroGPUTarget{gpuArch: c.Platform.GPUArch, allowed: c.AllowedTorch(), family: c.Family}
	for _, s := range c.Python.Supported {
		t.pythons = append(t.pythons, target.For(c, s))
	}
	sort.Slice(t.pythons, func(i, j int) bool {
		a, b := t.pythons[i].Python, t.pythons[j].Python
		return a[0] < b[0] || a[0] == b[0] && a[1] < b[1]
	})
	return t
}

type wheelInspectOptions struct {
	g       *globalOptions
	catalog catalogOptions
	JSON    bool
}

const wheelInspectLong = `Inspect prebuilt wheels by filename or URL: what each one needs (Python tag,
ABI tag, platform, CUDA, torch, C++ ABI, GPU architectures) and whether it
installs on each ZeroGPU Python (3.10 and 3.12 on Linux x86_64 with the Space
image's glibc 2.36), with the reason when it does not.

When the wheel names a torch version, it is compared with the PyPI build of
that torch (the catalog's torch family matrix): a wheel built for another
CUDA major or C++ ABI fails to load with undefined symbols, and a warning
says so; another warning flags a torch minor that ZeroGPU does not allow.

The CUDA, torch and ABI facts come from the wheel's local version label, in
any of the publishers' dialects: flash-attn "+cu12torch2.8cxx11abiTRUE",
mjun0812 "+cu128torch2.9", PyG "+pt28cu126", torch "+cu128", "+torch2.11.0.cu130",
"+cu130torch2.10.0sm80.86.89.90" and others. For a URL the last path segment is
the filename (%2B reads as +); the folder of a Hugging Face Hub resolve URL
("wheels/pt28-cu128-cp312/...") states torch, CUDA and Python for wheels whose
names do not. Nothing is downloaded.

Exit status is 1 when an argument is not a wheel filename (the others are
still inspected).

--json prints an array with one object per argument:
  [{"input": string (as given),
    "filename": string,
    "error": string (only when the argument is not a wheel filename; nothing else follows),
    "name": string (normalized), "version": string, "build": string (omitted when none),
    "tags": [string] ("cp312-cp312-linux_x86_64", expanded, lower-case),
    "python_tags": [string], "abi_tags": [string], "platforms": [string],
    "needs": NEEDS (from the filename),
    "hub_cell": NEEDS (only for a path or URL with a Hub cell folder),
    "warnings": [string] (run-time problems on ZeroGPU the name reveals: a GPU
                 architecture list without sm120, a CPU or ROCm build, a Hub cell
                 for another Python, a CUDA major or C++ ABI other than those of
                 the PyPI build of the torch the wheel names, a torch minor not on
                 the ZeroGPU allow-list; omitted when none),
    "zerogpu": [{"python": "3.10"|"3.12", "target": string ("cp310 linux x86_64 glibc 2.36"),
                 "installs": bool, "tag": string (the best matching tag, when installs),
                 "rank": int (its position in the target's ordered tags, when installs),
                 "reason": string (why not, when it does not install)}]}]
  where NEEDS is
   {"summary": string ("CUDA 12, torch 2.8, C++11 ABI"),
    "cuda": string ("12", "12.8", "" when not stated),
    "torch": string ("2.8", "2.11.0", "" when not stated),
    "cxx11_abi": "cxx11"|"pre-cxx11"|"unknown",
    "gpu_archs": [string] ([] when not stated), "cpu": bool, "rocm": string,
    "python": string ("cp312" when stated), "stable_abi": bool,
    "dialect": string ("flash-attn", "mjun0812", "pyg", "pytorch", "hub-cell", ...,
                       "" when no label or an unknown one),
    "extra": string (label leftovers: a git hash, an unrecognized label)}`

func newWheelInspectCmd(g *globalOptions) *cobra.Command {
	o := &wheelInspectOptions{g: g}
	cmd := &cobra.Command{
		Use:   "inspect FILENAME|URL...",
		Short: "Show what a prebuilt wheel needs and whether it installs on ZeroGPU",
		Long:  wheelInspectLong,
		Example: `  zgpu wheel inspect flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl
  zgpu wheel inspect https://github.com/mjun0812/flash-attention-prebuild-wheels/releases/download/v0.9.4/flash_attn-2.8.3%2Bcu130torch2.11-cp310-cp310-linux_x86_64.whl
  zgpu wheel inspect https://huggingface.co/datasets/multimodalart/zerogpu-blackwell-wheels/resolve/main/wheels/pt28-cu128-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl
  zgpu wheel inspect --json torch_scatter-2.1.2+pt28cu126-cp310-cp310-linux_x86_64.whl | jq '.[0].needs'`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runWheelInspect(o, args) },
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the inspection as JSON (schema in the help above)")
	o.catalog.addFlags(cmd.Flags())
	return cmd
}

// inspectNeeds is the JSON form of cudalabel.Needs.
type inspectNeeds struct {
	Summary   string   `json:"summary"`
	CUDA      string   `json:"cuda"`
	Torch     string   `json:"torch"`
	CXX11ABI  string   `json:"cxx11_abi"`
	GPUArchs  []string `json:"gpu_archs"`
	CPU       bool     `json:"cpu"`
	ROCm      string   `json:"rocm"`
	Python    string   `json:"python"`
	StableABI bool     `json:"stable_abi"`
	Dialect   string   `json:"dialect"`
	Extra     string   `json:"extra"`
}

func toInspectNeeds(n cudalabel.Needs) *inspectNeeds {
	archs := n.GPUArchs
	if archs == nil {
		archs = []string{}
	}
	return &inspectNeeds{
		Summary: n.String(), CUDA: n.CUDA(), Torch: n.Torch(), CXX11ABI: n.CXX11ABI.String(),
		GPUArchs: archs, CPU: n.CPU, ROCm: n.ROCm, Python: n.Python, StableABI: n.StableABI,
		Dialect: n.Dialect, Extra: n.Extra,
	}
}

// inspectFit says whether the wheel installs on one ZeroGPU Python.
type inspectFit struct {
	Python   string `json:"python"`
	Target   string `json:"target"`
	Installs bool   `json:"installs"`
	Tag      string `json:"tag,omitempty"`
	Rank     *int   `json:"rank,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// inspection is the JSON form of one argument.
type inspection struct {
	Input      string        `json:"input"`
	Filename   string        `json:"filename"`
	Error      string        `json:"error,omitempty"`
	Name       string        `json:"name,omitempty"`
	Version    string        `json:"version,omitempty"`
	Build      string        `json:"build,omitempty"`
	Tags       []string      `json:"tags,omitempty"`
	PythonTags []string      `json:"python_tags,omitempty"`
	ABITags    []string      `json:"abi_tags,omitempty"`
	Platforms  []string      `json:"platforms,omitempty"`
	Needs      *inspectNeeds `json:"needs,omitempty"`
	HubCell    *inspectNeeds `json:"hub_cell,omitempty"`
	Warnings   []string      `json:"warnings,omitempty"`
	ZeroGPU    []inspectFit  `json:"zerogpu,omitempty"`

	cell string // the Hub cell folder, for the text output
}

// wheelArg splits an argument into the filename and the path it came from:
// a URL's last path segment, unescaped (%2B is +), or a path's base name.
func wheelArg(arg string) (filename, dir string) {
	p, isURL := arg, false
	if u, err := url.Parse(arg); err == nil && u.Scheme != "" && u.Host != "" {
		p, isURL = u.EscapedPath(), true
	}
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p, dir = p[i+1:], p[:i]
	}
	if isURL {
		if s, err := url.PathUnescape(p); err == nil {
			p = s
		}
		if s, err := url.PathUnescape(dir); err == nil {
			dir = s
		}
	}
	return p, dir
}

// inspectOne inspects one argument.
func inspectOne(arg string, tg zeroGPUTarget) inspection {
	file, dir := wheelArg(arg)
	in := inspection{Input: arg, Filename: file}
	w, err := wheeltags.ParseWheelFilename(file)
	if err != nil {
		in.Error = err.Error()
		return in
	}
	in.Name, in.Version, in.Build = w.Name, w.Version.String(), w.Build
	for _, t := range w.Tags {
		in.Tags = append(in.Tags, t.String())
		in.PythonTags = appendNew(in.PythonTags, t.Interpreter)
		in.ABITags = appendNew(in.ABITags, t.ABI)
		in.Platforms = appendNew(in.Platforms, t.Platform)
	}
	needs := cudalabel.FromWheel(w)
	in.Needs = toInspectNeeds(needs)
	if cell, ok := cudalabel.FromHubPath(dir); ok {
		in.HubCell = toInspectNeeds(cell)
		in.cell = dir[strings.LastIndexByte(dir, '/')+1:]
		if cell.Python != "" && needs.Python != "" && !needs.StableABI && cell.Python != needs.Python {
			in.Warnings = append(in.Warnings, fmt.Sprintf("the Hub cell %s is for %s, the wheel for %s", in.cell, cell.Python, needs.Python))
		}
		needs = needs.Or(cell)
	}
	switch {
	case needs.CPU && !needs.HasCUDA():
		in.Warnings = append(in.Warnings, "a CPU-only build: its extensions do not use the GPU")
	case needs.ROCm != "":
		in.Warnings = append(in.Warnings, fmt.Sprintf("a %s (AMD) build; ZeroGPU has an NVIDIA GPU", needs.ROCm))
	}
	if len(needs.GPUArchs) > 0 {
		if len((target.Target{GPUArch: tg.gpuArch}).Label(needs)) > 0 {
			in.Warnings = append(in.Warnings, fmt.Sprintf("built for GPU %s only; ZeroGPU's GPU is %s (Blackwell): \"no kernel image is available\" at run time",
				strings.Join(needs.GPUArchs, ", "), tg.gpuArch))
		}
	}
	in.Warnings = append(in.Warnings, torchWarnings(needs, tg)...)
	for _, pt := range tg.pythons {
		t, py := pt.Tags(), pt.Python
		fit := inspectFit{Python: fmt.Sprintf("%d.%d", py[0], py[1]), Target: t.String()}
		if rank, bad := pt.FitsTags(w); bad == nil {
			fit.Installs, fit.Rank = true, &rank
			fit.Tag = t.SupportedTags()[rank].String()
		} else {
			fit.Reason = bad.Reason
		}
		in.ZeroGPU = append(in.ZeroGPU, fit)
	}
	return in
}

// torchWarnings compares the torch, CUDA and C++ ABI a wheel names with the
// PyPI build of that torch, and the torch minor with the ZeroGPU allow-list.
// Facts the wheel or the matrix does not state are not compared.
func torchWarnings(n cudalabel.Needs, tg zeroGPUTarget) []string {
	if !n.HasTorch() {
		return nil
	}
	var out []string
	minor := fmt.Sprintf("%d.%d", n.TorchMajor, n.TorchMinor)
	if row, ok := pypiBuildOf(tg.family, n); ok {
		if pypi := row.CUDAMajor(); n.HasCUDA() && pypi > 0 && pypi != n.CUDAMajor {
			out = append(out, fmt.Sprintf("built for CUDA %d, but torch %s's PyPI build uses CUDA %d (%s): it fails to load with undefined symbols",
				n.CUDAMajor, minor, pypi, row.DefaultCUDA))
		}
		if pypi := row.ABI(); n.CXX11ABI != cudalabel.ABIUnknown && pypi != cudalabel.ABIUnknown && pypi != n.CXX11ABI {
			out = append(out, fmt.Sprintf("built with the %s, but torch %s's PyPI build uses the %s: it fails to load with undefined symbols",
				abiWords(n.CXX11ABI), minor, abiWords(pypi)))
		}
	}
	if len(tg.allowed) > 0 {
		var allowed []string
		onList := false
		for _, v := range tg.allowed {
			allowed = append(allowed, v.String())
			if maj, min := v.MajorMinor(); maj == n.TorchMajor && min == n.TorchMinor {
				onList = true
			}
		}
		if !onList {
			slices.Reverse(allowed)
			out = append(out, fmt.Sprintf("torch %s is not on the ZeroGPU allow-list (%s): a Space cannot install the torch this wheel is built for",
				minor, strings.Join(allowed, ", ")))
		}
	}
	return out
}

// pypiBuildOf returns the family matrix row of the torch a wheel names: the
// exact release when the wheel states one and its PyPI build is known, else
// the latest release of its minor whose PyPI build is known.
func pypiBuildOf(family []catalog.FamilyRow, n cudalabel.Needs) (catalog.FamilyRow, bool) {
	var found catalog.FamilyRow
	ok := false
	for _, r := range family {
		v, err := pep440.Parse(r.Torch)
		if err != nil {
			continue
		}
		if maj, min := v.MajorMinor(); maj != n.TorchMajor || min != n.TorchMinor {
			continue
		}
		if r.DefaultCUDA == "" && r.CXX11ABI == "" {
			continue // nothing known of its PyPI build
		}
		if n.TorchPatch >= 0 && r.Torch == n.Torch() {
			return r, true
		}
		found, ok = r, true
	}
	return found, ok
}

// abiWords names a C++ ABI as people and wheel labels write it.
func abiWords(a cudalabel.ABI) string {
	if a == cudalabel.ABITrue {
		return "C++11 ABI (cxx11abiTRUE)"
	}
	return "pre-C++11 ABI (cxx11abiFALSE)"
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func runWheelInspect(o *wheelInspectOptions, args []string) error {
	c, err := o.catalog.load()
	if err != nil {
		return err
	}
	tg := targetOf(c)
	var results []inspection
	failed := 0
	for _, arg := range args {
		in := inspectOne(arg, tg)
		if in.Error != "" {
			failed++
			if !o.JSON {
				fmt.Fprintf(o.g.Stderr, "zgpu: wheel inspect: %s\n", in.Error)
			}
		}
		results = append(results, in)
	}
	if o.JSON {
		enc := newJSONEncoder(o.g.Stdout)
		if err := enc.Encode(results); err != nil {
			return err
		}
	} else {
		first := true
		for _, in := range results {
			if in.Error != "" {
				continue
			}
			if !first {
				fmt.Fprintln(o.g.Stdout)
			}
			first = false
			writeInspection(o.g.Stdout, in)
		}
	}
	if failed > 0 {
		if o.JSON {
			fmt.Fprintf(o.g.Stderr, "zgpu: wheel inspect: %d of %d arguments are not wheel filenames\n", failed, len(args))
		}
		return &silentError{exitFailure}
	}
	return nil
}

// writeInspection prints one inspected wheel for people.
func writeInspection(w io.Writer, in inspection) {
	fmt.Fprintln(w, in.Filename)
	fmt.Fprintf(w, "  project    %s %s", in.Name, in.Version)
	if in.Build != "" {
		fmt.Fprintf(w, " (build %s)", in.Build)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  python     %s\n", strings.Join(in.PythonTags, ", "))
	fmt.Fprintf(w, "  abi        %s\n", strings.Join(in.ABITags, ", "))
	fmt.Fprintf(w, "  platform   %s\n", strings.Join(in.Platforms, ", "))
	writeNeeds(w, "needs", in.Needs)
	if in.HubCell != nil {
		writeNeeds(w, "hub cell", in.HubCell)
		fmt.Fprintf(w, "             (folder %s)\n", in.cell)
	}
	for _, warn := range in.Warnings {
		fmt.Fprintf(w, "  warning    %s\n", warn)
	}
	fmt.Fprintln(w, "  ZeroGPU")
	for _, f := range in.ZeroGPU {
		if f.Installs {
			fmt.Fprintf(w, "    Python %-5s installs (tag %s)\n", f.Python, f.Tag)
		} else {
			fmt.Fprintf(w, "    Python %-5s does not install: %s\n", f.Python, f.Reason)
		}
	}
}

func writeNeeds(w io.Writer, label string, n *inspectNeeds) {
	dialect := ""
	if n.Dialect != "" {
		dialect = fmt.Sprintf("  [%s label]", n.Dialect)
	}
	fmt.Fprintf(w, "  %-10s %s%s\n", label, n.Summary, dialect)
	orNot := func(s string) string {
		if s == "" {
			return "not stated"
		}
		return s
	}
	cuda := orNot(n.CUDA)
	switch {
	case n.CPU && n.CUDA == "":
		cuda = "none (CPU build)"
	case n.ROCm != "":
		cuda = "none (" + n.ROCm + ")"
	}
	abi := n.CXX11ABI
	if abi == "unknown" {
		abi = "not stated"
	}
	archs := "not stated"
	if len(n.GPUArchs) > 0 {
		archs = strings.Join(n.GPUArchs, ", ")
	}
	fmt.Fprintf(w, "    CUDA %s; torch %s; C++ ABI %s; GPU archs %s\n", cuda, orNot(n.Torch), abi, archs)
	if n.Extra != "" {
		fmt.Fprintf(w, "    extra label %s\n", n.Extra)
	}
}
