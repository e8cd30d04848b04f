package zerogpu

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/reqfile"
)

// The repair of `torch==X+cuNNN` (issue 10): the platform's check compares
// torch's version string with its allow-list, so 2.8.0+cu128 fails where
// 2.8.0 passes; when PyPI's build of X is the cuNNN build, the label goes
// (dropLocalLabels), and the PyTorch index line that served it goes too
// when no line needs it any more (dropUnusedTorchIndexes).

// pypiBuildIs reports whether a local label (cu128) names the CUDA build
// PyPI publishes of the chosen torch.
func (p *planner) pypiBuildIs(label string) bool {
	cuda := p.r.Target.CUDA // "12.8"
	return cuda != "" && label == "cu"+strings.ReplaceAll(cuda, ".", "")
}

// localLabelRepair records the repair of a torch-family pin with PyPI's
// build label and returns the line's note.
func (p *planner) localLabelRepair(l Line, v pep440.Version) string {
	why := fmt.Sprintf("PyPI's %s %s is the +%s build; the platform's check compares the version string", l.Name, v.Public(), v.Local())
	p.repaired(Problem{
		Subject: l.Name, Origin: l.Origin,
		Message: fmt.Sprintf("%s: the platform's check compares the version string, and %s is not on its allow-list", l.Text, v),
		Fixes:   []string{fmt.Sprintf("pin %s==%s (PyPI's build, CUDA %s)", l.Name, v.Public(), p.r.Target.CUDA)},
	})
	return why
}

// pytorchIndexLabel matches a PyTorch index line's build label.
var pytorchIndexLabel = regexp.MustCompile(`^https?://download\.pytorch\.org/whl/(cu\d+)/?$`)

// dropUnusedTorchIndexes removes the PyTorch index lines (…/whl/cuNNN) that
// no line needs once the torch family pins PyPI's builds: no line pins a
// +cuNNN build, and no line names a package the index serves in a build
// PyPI lacks (a paired side-car, xformers: PyPI's wheel lacks sm_120).
func (p *planner) dropUnusedTorchIndexes() {
	if p.r.Target.Torch == "" || len(p.torch) == 0 {
		return
	}
	var kept []string
	for _, o := range p.r.Options {
		f := strings.Fields(o)
		if len(f) != 2 || (f[0] != "--index-url" && f[0] != "--extra-index-url") {
			kept = append(kept, o)
			continue
		}
		m := pytorchIndexLabel.FindStringSubmatch(f[1])
		if m == nil || p.needsIndex(m[1]) {
			kept = append(kept, o)
			continue
		}
		why := fmt.Sprintf("no line needs it now: torch %s and its side-cars come from PyPI", p.r.Target.Torch)
		p.r.Changes = append(p.r.Changes, Change{Name: f[0], Before: o, Reason: "removed: " + why})
	}
	p.r.Options = kept
}

// needsIndex reports whether a line of the plan needs the PyTorch index of
// build label: a pin of a +label build, or a paired side-car (xformers)
// from the index.
func (p *planner) needsIndex(label string) bool {
	for _, l := range p.kept {
		if _, paired := p.c.Pairing(l.Name); paired && !strings.Contains(l.Text, "@") {
			return true
		}
		req, ok := l.named()
		if !ok {
			return true
		}
		if v, ok := reqfile.Pinned(req); ok && v.Local() == label {
			return true
		}
	}
	return false
}
