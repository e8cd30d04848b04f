package catalog

import (
	"fmt"
	"strings"

	"github.com/zgpu/zgpu/internal/tomlpos"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
)

// Builder is the platform's install step: one pip call with the Space's
// requirements.txt and the requirements in Install, where "{sdk_version}"
// stands for the README's sdk_version.
type Builder struct {
	Install []string `toml:"install" json:"install"`
	Command string   `toml:"command" json:"command"`
	History string   `toml:"history" json:"history,omitempty"`
	Note    string   `toml:"note" json:"note,omitempty"`
	Source  string   `toml:"source" json:"source"`
	Date    string   `toml:"date" json:"date"`
}

// sdkPlaceholder stands for the README's sdk_version in Builder.Install.
const sdkPlaceholder = "{sdk_version}"

// BuilderInstall returns the requirements the builder installs in the same
// pip call as requirements.txt, for a Space whose README names sdkVersion
// (the gradio line loses its version when sdkVersion is ""). The lock and
// the verify step co-resolve requirements.txt with exactly these.
func (c *Catalog) BuilderInstall(sdkVersion string) ([]pep508.Requirement, error) {
	var out []pep508.Requirement
	for _, s := range c.Builder.Install {
		if strings.Contains(s, sdkPlaceholder) {
			if sdkVersion == "" {
				s = s[:strings.Index(s, "==")]
			} else {
				s = strings.ReplaceAll(s, sdkPlaceholder, sdkVersion)
			}
		}
		r, err := pep508.ParseRequirement(s)
		if err != nil {
			return nil, fmt.Errorf("builder install %q: %v", s, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// BuilderTorch returns the builder's own torch requirement ("torch<=2.13.0"),
// or false when the install set names no torch.
func (c *Catalog) BuilderTorch() (pep508.Requirement, bool) {
	reqs, err := c.BuilderInstall("")
	if err != nil {
		return pep508.Requirement{}, false
	}
	for _, r := range reqs {
		if r.Name == "torch" {
			return r, true
		}
	}
	return pep508.Requirement{}, false
}

// ExtensionABIRow says that CUDA extensions built for a torch in Built load
// on any torch in Runs (both PEP 440 specifier sets on major.minor.0).
type ExtensionABIRow struct {
	Built  string `toml:"built" json:"built"`
	Runs   string `toml:"runs" json:"runs"`
	Why    string `toml:"why" json:"why"`
	Source string `toml:"source" json:"source"`
	Date   string `toml:"date" json:"date"`
}

// ExtensionRunsOn reports whether a CUDA extension built for torch
// built (major, minor) loads on torch target: always for the same minor,
// otherwise only where a row of the catalog's extension_abi table covers
// both. With the 2026-12 data, a wheel built for 2.10, 2.11 or 2.12 loads on
// 2.11 and 2.12, and nothing built for another minor loads on 2.13.
func (c *Catalog) ExtensionRunsOn(built, target [2]int) bool {
	return ExtensionRunsOn(c.ExtensionABI, built, target)
}

// ExtensionRunsOn is Catalog.ExtensionRunsOn over explicit rows.
func ExtensionRunsOn(rows []ExtensionABIRow, built, target [2]int) bool {
	if built == target {
		return true
	}
	b := pep440.MustParse(fmt.Sprintf("%d.%d.0", built[0], built[1]))
	t := pep440.MustParse(fmt.Sprintf("%d.%d.0", target[0], target[1]))
	for _, r := range rows {
		bs, err1 := pep440.ParseSpecifiers(r.Built)
		rs, err2 := pep440.ParseSpecifiers(r.Runs)
		if err1 == nil && err2 == nil && bs.Contains(b, true) && rs.Contains(t, true) {
			return true
		}
	}
	return false
}

// GPUKernels says which CUDA builds have kernels for the platform's GPU:
// nvcc compiles for Arch only from MinCUDA on, so a torch build or a wheel
// compiled with an older CUDA (torch+cu126, a cu124 wheel) has no kernels
// for it and never fits, whatever its label says about torch.
type GPUKernels struct {
	Arch    string `toml:"arch" json:"arch"`
	MinCUDA string `toml:"min_cuda" json:"min_cuda"`
	Why     string `toml:"why" json:"why"`
	Source  string `toml:"source" json:"source"`
	Date    string `toml:"date" json:"date"`
}

// KernelsMinCUDA returns the lowest CUDA {major, minor} whose builds have
// kernels for the GPU architecture arch ("sm120", "sm_120"), from the
// catalog's gpu_kernels row; ok is false when the catalog has no row for it
// (the rule is then not applied).
func (c *Catalog) KernelsMinCUDA(arch string) (cuda [2]int, ok bool) {
	k := c.GPUKernels
	if k.MinCUDA == "" || normArch(k.Arch) != normArch(arch) {
		return cuda, false
	}
	_, err := fmt.Sscanf(k.MinCUDA, "%d.%d", &cuda[0], &cuda[1])
	return cuda, err == nil
}

func normArch(s string) string {
	return strings.TrimPrefix(strings.ReplaceAll(strings.ToLower(s), "_", ""), "sm")
}

// validateBuilder checks the install set and the extension ABI rows parse.
func (c *Catalog) validateBuilder() error {
	for i, s := range c.Builder.Install {
		s = strings.ReplaceAll(s, sdkPlaceholder, "1.0")
		if _, err := pep508.ParseRequirement(s); err != nil {
			return fieldErrorf(tomlpos.Path("builder", "install", i), "%v", err)
		}
	}
	if k := c.GPUKernels; k.MinCUDA != "" {
		if _, ok := c.KernelsMinCUDA(k.Arch); !ok {
			return fieldErrorf("gpu_kernels.min_cuda", "expected a CUDA major.minor such as \"12.8\", found %q", k.MinCUDA)
		}
	}
	for i, r := range c.ExtensionABI {
		if _, err := pep440.ParseSpecifiers(r.Built); err != nil {
			return fieldErrorf(tomlpos.Path("extension_abi", i, "built"), "%v", err)
		}
		if _, err := pep440.ParseSpecifiers(r.Runs); err != nil {
			return fieldErrorf(tomlpos.Path("extension_abi", i, "runs"), "%v", err)
		}
	}
	return nil
}
