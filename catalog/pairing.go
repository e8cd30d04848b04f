package catalog

import (
	"fmt"

	"github.com/zgpu/zgpu/internal/tomlpos"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
)

// Pairing ties a side-car whose metadata does not pin torch (torchcodec
// declares no torch dependency; xformers 0.0.34 and later accept any newer
// torch) to the releases built for each torch minor, from the side-car's
// own compatibility table.
type Pairing struct {
	Package    string       `toml:"package" json:"package"`
	Why        string       `toml:"why" json:"why"`
	Note       string       `toml:"note" json:"note,omitempty"`
	Source     string       `toml:"source" json:"source"`
	Date       string       `toml:"date" json:"date"`
	Confidence string       `toml:"confidence" json:"confidence"`
	Rows       []PairingRow `toml:"rows" json:"rows"`
}

// PairingRow is one torch minor ("2.10") and the side-car releases built
// for it (">=0.10,<0.11").
type PairingRow struct {
	Torch string `toml:"torch" json:"torch"`
	Spec  string `toml:"spec" json:"spec"`
}

// Pairing returns the pairing of a side-car, if the catalog has one.
func (c *Catalog) Pairing(name string) (*Pairing, bool) {
	n := pep508.NormalizeName(name)
	for i := range c.Pairings {
		if pep508.NormalizeName(c.Pairings[i].Package) == n {
			return &c.Pairings[i], true
		}
	}
	return nil, false
}

// SidecarSpec returns the releases of a side-car built for torch: "==X"
// for torchvision, torchaudio and triton (from the family matrix), the
// pairing's set for the others. ok is false when the catalog does not say.
// source names where the answer comes from.
func (c *Catalog) SidecarSpec(torch pep440.Version, name string) (spec pep440.Specifiers, source string, ok bool) {
	if v := c.SidecarVersion(torch, name); v != "" {
		s, err := pep440.ParseSpecifiers("==" + v)
		return s, c.Torch.MatrixSource, err == nil
	}
	p, found := c.Pairing(name)
	if !found {
		return nil, "", false
	}
	maj, min := torch.MajorMinor()
	minor := fmt.Sprintf("%d.%d", maj, min)
	for _, r := range p.Rows {
		if r.Torch == minor {
			s, err := pep440.ParseSpecifiers(r.Spec)
			return s, p.Source + " (" + p.Date + ")", err == nil
		}
	}
	return nil, "", false
}

// SidecarFits reports whether release v of a side-car is one built for
// torch (SidecarSpec); a package the catalog does not pair with torch
// always fits. spec and source say which releases are, when it does not.
func (c *Catalog) SidecarFits(torch pep440.Version, name string, v pep440.Version) (fits bool, spec pep440.Specifiers, source string) {
	spec, source, known := c.SidecarSpec(torch, name)
	if !known || spec.Contains(v, true) {
		return true, nil, ""
	}
	return false, spec, source
}

// validatePairings checks that every pairing names a package once, its rows
// name torch minors once, and every spec parses.
func (c *Catalog) validatePairings() error {
	seen := map[string]bool{}
	for i, p := range c.Pairings {
		n := pep508.NormalizeName(p.Package)
		if n == "" {
			return fieldErrorf(tomlpos.Path("pairings", i), "expected a package name, found none")
		}
		if seen[n] {
			return fieldErrorf(tomlpos.Path("pairings", i, "package"), "%q listed twice", p.Package)
		}
		seen[n] = true
		minors := map[string]bool{}
		for j, r := range p.Rows {
			v, err := pep440.Parse(r.Torch)
			if err != nil {
				return fieldErrorf(tomlpos.Path("pairings", i, "rows", j, "torch"), "%v", err)
			}
			if maj, min := v.MajorMinor(); fmt.Sprintf("%d.%d", maj, min) != r.Torch {
				return fieldErrorf(tomlpos.Path("pairings", i, "rows", j, "torch"), "expected a torch major.minor such as \"2.10\", found %q", r.Torch)
			}
			if minors[r.Torch] {
				return fieldErrorf(tomlpos.Path("pairings", i, "rows", j, "torch"), "torch %s listed twice for %s", r.Torch, p.Package)
			}
			minors[r.Torch] = true
			if _, err := pep440.ParseSpecifiers(r.Spec); err != nil {
				return fieldErrorf(tomlpos.Path("pairings", i, "rows", j, "spec"), "%v", err)
			}
		}
	}
	return nil
}
