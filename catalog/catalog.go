// Package catalog is zgpu's embedded knowledge of the ZeroGPU platform: the
// target profiles (Python versions, glibc, GPU architecture), the torch
// allow-list and the torch family matrix, the packages the platform installs
// itself, a registry of CUDA packages that need prebuilt wheels and where
// those wheels live, and a snapshot of known wheel listings so that
// `zgpu deps resolve --offline` works on a fresh machine.
//
// Every fact keeps its source and date. The data is embedded from data/ and a
// user file in the same TOML schema (Load) overrides it section by section:
// tables merge key by key, and any other value present in the user file
// (arrays included) replaces the embedded one.
package catalog

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/zgpu/zgpu/internal/inputfile"
	"github.com/zgpu/zgpu/internal/tomlpos"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
)

//go:embed data/zerogpu.toml
var embeddedTOML []byte

//go:embed data/torch-matrix.csv
var embeddedMatrix []byte

//go:embed data/snapshot.tsv
var embeddedSnapshot []byte

// Catalog is the whole of what zgpu knows about the platform.
type Catalog struct {
	Meta         Meta           `toml:"catalog" json:"catalog"`
	Platform     Platform       `toml:"platform" json:"platform"`
	Python       Python         `toml:"python" json:"python"`
	Torch        Torch          `toml:"torch" json:"torch"`
	Preinstalled []Preinstalled `toml:"preinstalled" json:"preinstalled"`
	Spaces       Spaces         `toml:"spaces" json:"spaces"`
	Packages     []Package      `toml:"packages" json:"packages"`
	Blackwell    Blackwell      `toml:"blackwell" json:"blackwell"`
	SDKRules     []SDKRule      `toml:"sdk_rules" json:"sdk_rules"`
	// Builder is the platform's install step (builder.go).
	Builder Builder `toml:"builder" json:"builder"`
	// ExtensionABI says which torch minors load a CUDA extension built for
	// another (builder.go).
	ExtensionABI []ExtensionABIRow `toml:"extension_abi" json:"extension_abi"`
	// GPUKernels says which CUDA builds have kernels for the GPU
	// (builder.go).
	GPUKernels GPUKernels `toml:"gpu_kernels" json:"gpu_kernels"`
	// Pairings tie side-cars whose metadata does not pin torch to the
	// torch releases they are built for (pairing.go).
	Pairings []Pairing `toml:"pairings" json:"pairings"`

	// Family is the torch family matrix (data/torch-matrix.csv).
	Family []FamilyRow `toml:"-" json:"torch_family"`
	// Snapshot lists known prebuilt wheels (data/snapshot.tsv).
	Snapshot []SnapshotWheel `toml:"-" json:"snapshot"`
	// Origin names where the data came from: "embedded", "cache" or a file
	// path.
	Origin string `toml:"-" json:"origin"`
	// OriginPath is the file the data was read from ("" when embedded).
	OriginPath string `toml:"-" json:"origin_path,omitempty"`
}

// Meta names and dates the catalog.
type Meta struct {
	Name string `toml:"name" json:"name"`
	// Format is the schema version of the file (FormatVersion).
	Format int    `toml:"format" json:"format"`
	Date   string `toml:"date" json:"date"`
	About  string `toml:"about" json:"about"`
}

// Platform describes the machine a Space builds and runs on.
type Platform struct {
	OS              string `toml:"os" json:"os"`
	Arch            string `toml:"arch" json:"arch"`
	Glibc           string `toml:"glibc" json:"glibc"`
	GlibcSource     string `toml:"glibc_source" json:"glibc_source"`
	GlibcConfidence string `toml:"glibc_confidence" json:"glibc_confidence"`
	GPU             string `toml:"gpu" json:"gpu"`
	GPUArch         string `toml:"gpu_arch" json:"gpu_arch"`
	GPUSource       string `toml:"gpu_source" json:"gpu_source"`
	GPUDate         string `toml:"gpu_date" json:"gpu_date"`
	NvccAtBuild     bool   `toml:"nvcc_at_build" json:"nvcc_at_build"`
	NvccSource      string `toml:"nvcc_source" json:"nvcc_source"`
	Date            string `toml:"date" json:"date"`
}

// GlibcVersion returns the platform's glibc as {major, minor}.
func (p Platform) GlibcVersion() [2]int {
	var v [2]int
	fmt.Sscanf(p.Glibc, "%d.%d", &v[0], &v[1])
	return v
}

// Python lists the interpreters a Space can pick with python_version.
type Python struct {
	Default       string   `toml:"default" json:"default"`
	DefaultSource string   `toml:"default_source" json:"default_source"`
	Recommended   string   `toml:"recommended" json:"recommended"`
	Supported     []string `toml:"supported" json:"supported"`
	Source        string   `toml:"source" json:"source"`
	Date          string   `toml:"date" json:"date"`
}

// Torch is the torch policy: which versions the platform accepts.
type Torch struct {
	Allowed       []string `toml:"allowed" json:"allowed"`
	Preinstalled  string   `toml:"preinstalled" json:"preinstalled"`
	RejectMessage string   `toml:"reject_message" json:"reject_message"`
	Source        string   `toml:"source" json:"source"`
	Date          string   `toml:"date" json:"date"`
	MatrixSource  string   `toml:"matrix_source" json:"matrix_source"`
	Sidecars      []string `toml:"sidecars" json:"sidecars"`
}

// Preinstalled is a package the Gradio SDK image installs itself.
type Preinstalled struct {
	Name        string `toml:"name" json:"name"`
	Emit        string `toml:"emit" json:"emit"` // "never" or "user"
	VersionFrom string `toml:"version_from" json:"version_from,omitempty"`
	Rule        string `toml:"rule" json:"rule"`
	Source      string `toml:"source" json:"source"`
	Date        string `toml:"date" json:"date"`
}

// Spaces records the requirements of the platform's `spaces` package, used
// when the index cannot be asked.
type Spaces struct {
	Version  string   `toml:"version" json:"version"`
	Requires []string `toml:"requires" json:"requires"`
	History  string   `toml:"history" json:"history,omitempty"`
	Source   string   `toml:"source" json:"source"`
	Date     string   `toml:"date" json:"date"`
}

// Package is a CUDA package in the registry.
type Package struct {
	Name             string   `toml:"name" json:"name"`
	Kind             string   `toml:"kind" json:"kind"` // extension, jit, wheels
	PyPI             string   `toml:"pypi" json:"pypi"` // sdist-only, wheels, absent, unrelated
	MinVersionForGPU string   `toml:"min_version_for_gpu" json:"min_version_for_gpu,omitempty"`
	MinVersionReason string   `toml:"min_version_reason" json:"min_version_reason,omitempty"`
	Naming           string   `toml:"naming" json:"naming,omitempty"`
	Kernels          string   `toml:"kernels" json:"kernels,omitempty"`
	Family           []string `toml:"family" json:"family,omitempty"`
	Note             string   `toml:"note" json:"note,omitempty"`
	BlockedOnGPU     bool     `toml:"blocked_on_gpu" json:"blocked_on_gpu,omitempty"`
	Sources          []Source `toml:"sources" json:"sources,omitempty"`
	Source           string   `toml:"source" json:"source"`
	Date             string   `toml:"date" json:"date"`
}

// NeedsPrebuiltWheel reports whether the package compiles CUDA code at
// install time, so that only a prebuilt wheel installs on the CPU builder.
func (p *Package) NeedsPrebuiltWheel() bool {
	return p.Kind == "extension" && p.PyPI != "wheels"
}

// Source is one place a package's wheels live.
type Source struct {
	Kind   string `toml:"kind" json:"kind"` // pypi, index, find-links, github, hub
	Repo   string `toml:"repo" json:"repo,omitempty"`
	Prefix string `toml:"prefix" json:"prefix,omitempty"`
	URL    string `toml:"url" json:"url,omitempty"`
	Note   string `toml:"note" json:"note,omitempty"`
}

// String renders the source as `zgpu wheel find --source` takes it.
func (s Source) String() string {
	switch s.Kind {
	case "pypi":
		return "pypi"
	case "github", "hub":
		return s.Kind + ":" + s.Repo
	default:
		return s.Kind + ":" + s.URL
	}
}

// SDKRule is a set of constraints that keeps an older Gradio SDK working.
type SDKRule struct {
	Gradio      string   `toml:"gradio" json:"gradio"` // PEP 440 specifiers on sdk_version
	Constraints []string `toml:"constraints" json:"constraints"`
	Why         string   `toml:"why" json:"why"`
	Source      string   `toml:"source" json:"source"`
	Date        string   `toml:"date" json:"date"`
}

// SDKRulesFor returns the rules that apply to a Gradio sdk_version.
func (c *Catalog) SDKRulesFor(sdkVersion string) []SDKRule {
	v, err := pep440.Parse(sdkVersion)
	if err != nil {
		return nil
	}
	var out []SDKRule
	for _, r := range c.SDKRules {
		if s, err := pep440.ParseSpecifiers(r.Gradio); err == nil && s.Contains(v, true) {
			out = append(out, r)
		}
	}
	return out
}

// Blackwell describes the Hub dataset of wheels built for sm_120.
type Blackwell struct {
	Repo               string   `toml:"repo" json:"repo"`
	Cells              []string `toml:"cells" json:"cells"`
	Packages           []string `toml:"packages" json:"packages"`
	TorchMinorTolerant bool     `toml:"torch_minor_tolerant" json:"torch_minor_tolerant"`
	Note               string   `toml:"note" json:"note"`
	Source             string   `toml:"source" json:"source"`
	Date               string   `toml:"date" json:"date"`
}

// SnapshotWheel is one known prebuilt wheel.
type SnapshotWheel struct {
	Package    string `json:"package"`
	Filename   string `json:"filename"`
	URL        string `json:"url"`
	Kind       string `json:"kind"`     // github, hub, url
	Location   string `json:"location"` // repository or host
	Path       string `json:"path,omitempty"`
	Confidence string `json:"confidence"` // src or inf
	Note       string `json:"note"`
}

var defaultCatalog *Catalog

// Default returns the embedded catalog. It panics if the embedded data is
// malformed, which the package tests rule out.
func Default() *Catalog {
	if defaultCatalog == nil {
		c, err := parse(embeddedTOML, "embedded")
		if err != nil {
			panic(fmt.Sprintf("catalog: embedded data: %v", err))
		}
		defaultCatalog = c
	}
	return defaultCatalog
}

// Load returns the embedded catalog overridden by the TOML file at path.
func Load(path string) (*Catalog, error) {
	data, err := inputfile.ReadFile(path)
	if err != nil {
		return nil, err
	}
	base := map[string]any{}
	if err := toml.Unmarshal(embeddedTOML, &base); err != nil {
		return nil, fmt.Errorf("embedded catalog: %v", err)
	}
	// The user's file is checked on its own first, so that a misspelt key
	// or a value of the wrong type is reported at its line and column.
	if err := tomlpos.UnmarshalStrict(path, data, &Catalog{}); err != nil {
		return nil, err
	}
	user := map[string]any{}
	if err := toml.Unmarshal(data, &user); err != nil {
		return nil, tomlpos.DecodeError(path, data, err)
	}
	mergeTables(base, user)
	merged, err := toml.Marshal(base)
	if err != nil {
		return nil, err
	}
	c, err := parse(merged, path)
	if err != nil {
		return nil, positioned(path, data, err)
	}
	return c, nil
}

// fieldError is an invalid value at a key path of the catalog
// ("torch.allowed[1]").
type fieldError struct {
	path string
	msg  string
}

func (e *fieldError) Error() string { return e.path + ": " + e.msg }

func fieldErrorf(path string, format string, args ...any) *fieldError {
	return &fieldError{path: path, msg: fmt.Sprintf(format, args...)}
}

// positioned prefixes an error of the merged catalog with where the user's
// file (data, at path) wrote the offending value, or with path alone when
// the value comes from the embedded catalog.
func positioned(path string, data []byte, err error) error {
	var fe *fieldError
	if errors.As(err, &fe) {
		if idx, _ := tomlpos.Build(data); idx != nil {
			for p := fe.path; p != ""; p = parentPath(p) {
				if pos, ok := idx.LookupExact(p); ok {
					return &tomlpos.PosError{File: path, Line: pos.Line, Col: pos.Col, Path: fe.path, Msg: fe.msg}
				}
			}
		}
	}
	return fmt.Errorf("%s: %v", path, err)
}

// parentPath drops the last segment of a key path: "a.b[1]" -> "a.b" -> "a".
func parentPath(p string) string {
	if i := strings.LastIndexAny(p, ".["); i >= 0 {
		return p[:i]
	}
	return ""
}

// mergeTables overlays user onto base: tables merge key by key, any other
// value (arrays included) replaces the embedded one.
func mergeTables(base, user map[string]any) {
	for k, v := range user {
		if um, ok := v.(map[string]any); ok {
			if bm, ok := base[k].(map[string]any); ok {
				mergeTables(bm, um)
				continue
			}
		}
		base[k] = v
	}
}

func tomlError(err error) string {
	if de, ok := err.(*toml.DecodeError); ok {
		row, col := de.Position()
		return fmt.Sprintf("%d:%d: %v", row, col, de)
	}
	return err.Error()
}

func parse(data []byte, origin string) (*Catalog, error) {
	c := &Catalog{Origin: origin}
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return nil, fmt.Errorf("%s", tomlError(err))
	}
	fam, err := parseMatrix(embeddedMatrix)
	if err != nil {
		return nil, fmt.Errorf("torch-matrix.csv: %v", err)
	}
	c.Family = fam
	snap, err := parseSnapshot(embeddedSnapshot)
	if err != nil {
		return nil, fmt.Errorf("snapshot.tsv: %v", err)
	}
	c.Snapshot = snap
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// validate checks that every version string parses and names are unique.
func (c *Catalog) validate() error {
	if len(c.Torch.Allowed) == 0 {
		return fieldErrorf("torch.allowed", "expected at least one torch version, found none")
	}
	for i, s := range c.Torch.Allowed {
		if _, err := pep440.Parse(s); err != nil {
			return fieldErrorf(tomlpos.Path("torch", "allowed", i), "%v", err)
		}
	}
	for i, s := range c.Python.Supported {
		if _, err := pep440.Parse(s); err != nil {
			return fieldErrorf(tomlpos.Path("python", "supported", i), "%v", err)
		}
	}
	seen := map[string]bool{}
	for i, p := range c.Packages {
		n := pep508.NormalizeName(p.Name)
		if seen[n] {
			return fieldErrorf(tomlpos.Path("packages", i, "name"), "%q listed twice", p.Name)
		}
		seen[n] = true
	}
	for i, r := range c.Spaces.Requires {
		if _, err := pep508.ParseRequirement(r); err != nil {
			return fieldErrorf(tomlpos.Path("spaces", "requires", i), "%v", err)
		}
	}
	if err := c.validatePairings(); err != nil {
		return err
	}
	if err := c.validateBuilder(); err != nil {
		return err
	}
	for i, rule := range c.SDKRules {
		if _, err := pep440.ParseSpecifiers(rule.Gradio); err != nil {
			return fieldErrorf(tomlpos.Path("sdk_rules", i, "gradio"), "%v", err)
		}
		for j, r := range rule.Constraints {
			if _, err := pep508.ParseRequirement(r); err != nil {
				return fieldErrorf(tomlpos.Path("sdk_rules", i, "constraints", j), "%v", err)
			}
		}
	}
	return nil
}

// AllowedTorch returns the torch allow-list, highest first.
func (c *Catalog) AllowedTorch() []pep440.Version {
	var vs []pep440.Version
	for _, s := range c.Torch.Allowed {
		vs = append(vs, pep440.MustParse(s))
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].Compare(vs[j]) > 0 })
	return vs
}

// TorchAllowed reports whether v (local label ignored) is on the allow-list.
func (c *Catalog) TorchAllowed(v pep440.Version) bool {
	pub := v.Public()
	for _, a := range c.AllowedTorch() {
		if a.Compare(pub) == 0 {
			return true
		}
	}
	return false
}

// Package returns the registry entry for a package name (any spelling).
func (c *Catalog) Package(name string) (*Package, bool) {
	n := pep508.NormalizeName(name)
	for i := range c.Packages {
		if pep508.NormalizeName(c.Packages[i].Name) == n {
			return &c.Packages[i], true
		}
		for _, f := range c.Packages[i].Family {
			if pep508.NormalizeName(f) == n {
				return &c.Packages[i], true
			}
		}
	}
	return nil, false
}

// PreinstalledPackage returns the rule for a package the platform installs.
func (c *Catalog) PreinstalledPackage(name string) (*Preinstalled, bool) {
	n := pep508.NormalizeName(name)
	for i := range c.Preinstalled {
		if pep508.NormalizeName(c.Preinstalled[i].Name) == n {
			return &c.Preinstalled[i], true
		}
	}
	return nil, false
}

// SnapshotFor returns the known wheels of a package.
func (c *Catalog) SnapshotFor(name string) []SnapshotWheel {
	n := pep508.NormalizeName(name)
	var out []SnapshotWheel
	for _, w := range c.Snapshot {
		if w.Package == n {
			out = append(out, w)
		}
	}
	return out
}

// PythonFull returns the full interpreter version the platform runs for a
// python_version value ("3.12" or "3.12.12"), and whether it is supported.
func (c *Catalog) PythonFull(v string) (string, bool) {
	v = strings.TrimSpace(v)
	for _, s := range c.Python.Supported {
		if s == v || strings.HasPrefix(s, v+".") {
			return s, true
		}
	}
	return "", false
}
