package zerogpu

import (
	"fmt"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
)

// The Gradio rules of issue 10: ZeroGPU runs Gradio 4 or later, so an
// sdk_version below 4 is a problem whose fix is the README; a gradio-client
// pin is removed with a note, since the gradio the platform installs at
// sdk_version pins its own gradio-client exactly.

// minGradio is the oldest Gradio major ZeroGPU runs.
const minGradio = 4

// checkSDKVersion reports an sdk_version below Gradio 4.
func (p *planner) checkSDKVersion() {
	if p.in.SDKVersion == "" || (p.in.SDK != "" && p.in.SDK != "gradio") {
		return
	}
	v, err := pep440.Parse(p.in.SDKVersion)
	if err != nil {
		return
	}
	if maj, _ := v.MajorMinor(); maj >= minGradio {
		return
	}
	where := p.in.SDKVersionOrigin
	if where == "" {
		where = "README.md"
	}
	p.r.problem(Problem{
		Subject: "gradio", Origin: where,
		Message: fmt.Sprintf("sdk_version %s is below %d: ZeroGPU runs Gradio %d or later", p.in.SDKVersion, minGradio, minGradio),
		Fixes:   []string{fmt.Sprintf("raise sdk_version in README.md (%s) to a Gradio 5 release, e.g. `sdk_version: 5.49.1`, and check the app with it", where)},
	})
}

// dropGradioClient leaves out a gradio-client pin when the platform
// installs gradio, and reports whether it did: gradio pins its own
// gradio-client, and another pin only conflicts with it.
func (p *planner) dropGradioClient(req Requirement) bool {
	if pep508.NormalizeName(req.Req.Name) != "gradio-client" || len(req.Req.Specifiers) == 0 && req.Req.URL == "" {
		return false
	}
	if _, platform := p.noEmit["gradio"]; !platform {
		return false
	}
	gradio := "at the README's sdk_version"
	if p.in.SDKVersion != "" {
		gradio = p.in.SDKVersion + " (sdk_version)"
	}
	why := fmt.Sprintf("the platform's gradio %s pins its own gradio-client", gradio)
	p.r.Changes = append(p.r.Changes, Change{Name: "gradio-client", Before: req.Text, Reason: why, Origin: req.Origin})
	p.repaired(Problem{
		Subject: "gradio-client", Origin: req.Origin,
		Message: fmt.Sprintf("%s: %s; another pin conflicts with it at build time", req.Text, why),
		Fixes:   []string{"remove the line"},
	})
	return true
}
