package diagnose

import (
	"fmt"
	"github.com/zgpu/zgpu/internal/lazyre"
	"path"
	"slices"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/pep440"
)

// reSupported reads the platform's own allow-list from its CONFIG_ERROR:
// "... Supported versions: 2.13.0, 2.12.1, 2.11.0" (newest first).
var reSupported = lazyre.New(`Supported versions:\s*([0-9][0-9A-Za-z.+!]*(?:\s*,\s*[0-9][0-9A-Za-z.+!]*)*)`)

// logAllowed returns the versions of the first "Supported versions:" list
// in the log, as printed, or nil when there is none or one does not parse.
func logAllowed(lines []line) []string {
	for _, ln := range lines {
		m := reSupported().FindStringSubmatch(ln.text)
		if m == nil {
			continue
		}
		var out []string
		for _, f := range strings.Split(m[1], ",") {
			f = strings.TrimRight(strings.TrimSpace(f), ".")
			if _, err := pep440.Parse(f); err != nil {
				return nil
			}
			out = append(out, f)
		}
		return out
	}
	return nil
}

// trustLog returns the catalog to explain the log with: c itself, or, when
// the log prints the platform's allow-list, a copy of c whose allow-list is
// the log's (the platform knows its list better than a dated catalog). It
// records both lists in r when they differ.
func trustLog(lines []line, c *catalog.Catalog, r *Report) *catalog.Catalog {
	list := logAllowed(lines)
	if list == nil {
		return c
	}
	r.LogAllowed = list
	if sameVersions(list, c.Torch.Allowed) {
		return c
	}
	r.CatalogAllowed = slices.Clone(c.Torch.Allowed)
	cc := *c
	cc.Torch.Allowed = list
	if v, err := pep440.Parse(c.Torch.Preinstalled); err != nil || !cc.TorchAllowed(v) {
		cc.Torch.Preinstalled = cc.AllowedTorch()[0].String()
	}
	return &cc
}

// sameVersions reports whether a and b hold the same versions (PEP 440
// equality), in any order.
func sameVersions(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		xv, err := pep440.Parse(x)
		if err != nil {
			return false
		}
		if !slices.ContainsFunc(b, func(y string) bool {
			yv, err := pep440.Parse(y)
			return err == nil && yv.Compare(xv) == 0
		}) {
			return false
		}
	}
	return true
}

// staleNote says, for a fix that relies on the allow-list, that the log's
// list was used and the catalog's differs, with how to update it.
func staleNote(r *Report) string {
	if r.CatalogAllowed == nil {
		return ""
	}
	return fmt.Sprintf(" The allowed versions above are the ones the platform printed in this log; the catalog in use (%s) lists %s: run `zgpu catalog update` (or pass --catalog FILE) so that zgpu deps resolve agrees.",
		r.Catalog, strings.Join(r.CatalogAllowed, ", "))
}

// explainABIBreak fills the library, package and wheel of a torch 2.13
// extension ABI break.
func explainABIBreak(g *group, vars map[string]string, s *scan, c *catalog.Catalog) {
	for _, h := range g.hits {
		if m := reSO().FindStringSubmatch(h.ln.text); m != nil {
			vars["library"] = path.Base(m[1])
			break
		}
	}
	if vars["library"] == "" {
		vars["library"] = "a CUDA extension"
	}
	if g.pkg == "" {
		vars["pkg"] = "the extension"
	}
	if wf, ok := s.wheels[g.pkg]; ok {
		vars["wheel_label"] = "; the log installs " + wf
	}
	if g.pkg != "" {
		t := target{python: vars["python"], torch: pep440.MustParse("2.13.0")}
		t.cudaMajor, _, t.abi = torchFacts(c, t.torch)
		if sw := suggestWheel(g.pkg, t, c); sw != nil {
			vars["suggestion"] = fmt.Sprintf(" A known wheel for torch 2.13 (%s): %s", sw.Why, sw.URL)
		}
	}
}

// explainTorchvision says which torchvision the installed torch needs.
func explainTorchvision(vars map[string]string, s *scan, c *catalog.Catalog) {
	if v := s.packages["torchvision"]; v != "" {
		vars["tv_version"] = " " + v
	}
	if s.torch != "" {
		vars["torch_note"] = " " + s.torch
		if tv, err := pep440.Parse(s.torch); err == nil {
			if v := c.SidecarVersion(tv, "torchvision"); v != "" {
				vars["tv_fix"] = fmt.Sprintf(": torchvision==%s for torch %s", v, s.torch)
			}
		}
	}
}

// pydanticAboveCap reports whether the conflict is a user pin of pydantic
// above the upper bound gradio (its mcp extra) puts on it, and that bound
// and the pin.
func pydanticAboveCap(cs []Constraint, versions map[string]string) (cap, pin string, ok bool) {
	var user []pep440.Version
	for _, c := range cs {
		if c.By == "user" && c.Package == "pydantic" {
			user = pinnedVersions(c.Specifier, versions["pydantic"])
			pin = "pydantic" + c.Specifier
		}
	}
	if len(user) == 0 {
		return "", "", false
	}
	for _, c := range cs {
		if c.Package != "pydantic" || byProject(c.By) != "gradio" {
			continue
		}
		ss, err := pep440.ParseSpecifiers(c.Specifier)
		if err != nil {
			continue
		}
		above := true
		for _, v := range user {
			above = above && !ss.Contains(v, true) && aboveEveryUpper(ss, v)
		}
		if above && hasUpper(ss) {
			return "pydantic" + c.Specifier, pin, true
		}
	}
	return "", "", false
}

func hasUpper(ss pep440.Specifiers) bool {
	return slices.ContainsFunc(ss, func(s pep440.Specifier) bool { return s.Op == "<" || s.Op == "<=" })
}

// aboveEveryUpper reports whether v fails only because of the upper bounds
// of ss: every lower bound holds.
func aboveEveryUpper(ss pep440.Specifiers, v pep440.Version) bool {
	for _, s := range ss {
		if s.Op == "<" || s.Op == "<=" {
			continue
		}
		one, err := pep440.ParseSpecifiers(s.Op + s.Version)
		if err != nil || !one.Contains(v, true) {
			return false
		}
	}
	return true
}
