package zerogpu

import (
	"fmt"

	"github.com/zgpu/zgpu/pep508"
)

// leaveOutFalseMarker leaves out a requirement whose marker is false on
// the target (issue 10): pip would skip it there anyway, and a torch line
// outside the allow-list fails the platform's check whatever its marker
// says. The line leaves a note.
func (p *planner) leaveOutFalseMarker(req Requirement) {
	name := pep508.NormalizeName(req.Req.Name)
	why := fmt.Sprintf("its marker is false on ZeroGPU (%s)", p.markerTarget())
	p.r.Changes = append(p.r.Changes, Change{Name: name, Before: req.Text, Reason: why, Origin: req.Origin})
	p.repaired(Problem{
		Subject: name, Origin: req.Origin,
		Message: fmt.Sprintf("%s never applies on ZeroGPU: %s", req.Text, why),
		Fixes:   []string{"remove the line"},
	})
}

// markerTarget names the target a marker is evaluated for, briefly.
func (p *planner) markerTarget() string {
	return fmt.Sprintf("Linux x86_64, Python %d.%d", p.py[0], p.py[1])
}
