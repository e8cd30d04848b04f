package check

import (
	"fmt"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/target"
)

// checkPython: the target Python is one the platform runs, and every wheel
// URL installs on it (Python tag, then platform tag).
func checkPython(j *judge) {
	c := j.c
	if !j.pyOK {
		j.add(Problem{
			Rule: "python", Subject: "python", Origin: j.t.PythonOrigin,
			Message: fmt.Sprintf("python_version %q is not available on ZeroGPU (it runs %s)", j.t.Python, strings.Join(c.Python.Supported, " and ")),
			Fix:     fmt.Sprintf("set `python_version: \"%s\"` in the README frontmatter", c.Python.Recommended),
			Source:  c.Python.Source + " (" + c.Python.Date + ")",
		})
		return
	}
	for i := range j.reqs {
		l := &j.reqs[i]
		if l.wheel == nil {
			continue
		}
		if ok, tags := j.tg.FitsPython(*l.wheel); !ok {
			where := "the platform default"
			if j.t.PythonOrigin != "" {
				where = "python_version in " + j.t.PythonOrigin
			}
			j.addLine(l, Problem{
				Rule: "python", Subject: l.name,
				Message: fmt.Sprintf("%s is built for %s, but the Space runs Python %d.%d (%s)", l.file, tags, j.py[0], j.py[1], where),
				Fix:     fmt.Sprintf("use a cp%d%d wheel of %s (zgpu wheel find %s --python %d.%d), or set python_version to the wheel's Python", j.py[0], j.py[1], l.name, l.name, j.py[0], j.py[1]),
			})
			continue
		}
		if _, m := j.tg.FitsTags(*l.wheel); m != nil {
			j.addLine(l, Problem{
				Rule: "platform", Subject: l.name,
				Message: fmt.Sprintf("%s does not install on the ZeroGPU builder (%s): %s", l.file, j.tg.Tags(), m.Reason),
				Fix:     fmt.Sprintf("use a linux x86_64 wheel of %s (zgpu wheel find %s)", l.name, l.name),
				Source:  c.Platform.GlibcSource,
			})
		}
	}
}

// checkParse: every line pip rejects is a problem.
func checkParse(j *judge) {
	for _, e := range j.f.Errors {
		msg := e.Msg
		if e.Text != "" {
			msg += fmt.Sprintf(": %q", e.Text)
		}
		j.add(Problem{Rule: "parse", Origin: e.Origin.String(), line: e.Origin, Message: "pip cannot read this line: " + msg, Fix: e.Hint})
	}
}

// checkPreinstalled: the packages the builder of a Gradio Space installs in
// the same pip call (catalog preinstalled, emit = "never") are not listed.
func checkPreinstalled(j *judge) {
	if j.t.SDK != "" && j.t.SDK != "gradio" {
		return // a Docker or static Space installs what it lists
	}
	for _, p := range j.c.Preinstalled {
		if p.Emit != "never" {
			continue
		}
		for _, l := range j.named(p.Name) {
			j.addLine(l, Problem{
				Rule: "preinstalled", Subject: p.Name,
				Message: fmt.Sprintf("%s: the builder installs %s itself (%s)", l.text(), p.Name, p.Rule),
				Fix:     "remove the line",
				Source:  p.Source + " (" + p.Date + ")",
			})
		}
	}
}

// checkTorch: torch is pinned exactly to an allowed version; side-cars and
// CUDA wheels need torch listed.
func checkTorch(j *judge) {
	c := j.c
	src := c.Torch.Source + " (" + c.Torch.Date + ")"
	allowed := c.AllowedTorch()
	lines := j.named("torch")
	if len(lines) == 0 {
		if who := j.torchDependents(); who != "" {
			j.add(Problem{
				Rule: "torch", Subject: "torch",
				Message: fmt.Sprintf("torch is not listed, but %s is built for one torch release: the builder would pick torch itself", who),
				Fix:     fmt.Sprintf("add torch==%s (or another allowed version: %s)", allowed[0], joinVersions(allowed)),
				Source:  src,
			})
		}
		return
	}
	for _, l := range lines {
		v, exact := l.version()
		switch {
		case !exact:
			fix := "pin one of the allowed versions: " + joinVersions(allowed)
			if ok := l.r.Req.Specifiers.Filter(allowed, true); len(ok) > 0 && !l.isURL() {
				fix = fmt.Sprintf("write torch==%s", ok[0])
			}
			j.addLine(l, Problem{Rule: "torch", Subject: "torch",
				Message: fmt.Sprintf("%s: torch must be pinned exactly (==) to a version ZeroGPU allows", l.text()),
				Fix:     fix, Source: src})
		case !c.TorchAllowed(v):
			j.addLine(l, Problem{Rule: "torch", Subject: "torch",
				Message: fmt.Sprintf("%s: torch %s is not on the ZeroGPU allow-list (%s)", l.text(), v, joinVersions(allowed)),
				Fix:     fmt.Sprintf("write torch==%s", nearestAllowed(allowed, v)), Source: src})
		case j.torchLine == nil:
			j.torch, j.torchLine = v.Public(), l
		}
	}
}

// torchDependents names the first side-car or torch-tagged wheel listed, "".
func (j *judge) torchDependents() string {
	for i := range j.reqs {
		l := &j.reqs[i]
		if j.isSidecar(l.name) {
			return l.name
		}
		if l.wheel != nil && l.needs().HasTorch() {
			return l.file
		}
	}
	return ""
}

// isSidecar reports whether name is one of the catalog's torch side-cars.
func (j *judge) isSidecar(name string) bool {
	for _, s := range j.c.Torch.Sidecars {
		if s == name {
			return true
		}
	}
	return false
}

// checkSidecars: each side-car is pinned exactly to a release the catalog
// says is built for the pinned torch, or (a pairing's range) written with
// every bound of that range.
func checkSidecars(j *judge) {
	if j.torchLine == nil {
		return
	}
	for _, name := range j.c.Torch.Sidecars {
		spec, src, known := j.c.SidecarSpec(j.torch, name)
		if !known {
			continue
		}
		for _, l := range j.named(name) {
			v, exact := l.version()
			switch {
			case !exact && within(l.r.Req.Specifiers, spec) && !l.isURL():
				// a pairing's range written as it stands (xformers>=0.0.34)
			case !exact:
				j.addLine(l, Problem{Rule: "sidecar", Subject: name,
					Message: fmt.Sprintf("%s: not pinned, so pip may pick a %s built for another torch than %s", l.text(), name, j.torch),
					Fix:     sidecarFix(name, spec), Source: src})
			case !sidecarFits(j, name, v):
				j.addLine(l, Problem{Rule: "sidecar", Subject: name,
					Message: fmt.Sprintf("%s: %s %s is not built for torch %s (wants %s%s)", l.text(), name, v.Public(), j.torch, name, spec),
					Fix:     sidecarFix(name, spec), Source: src})
			}
		}
	}
}

// sidecarFits is catalog.Catalog.SidecarFits at the pinned torch.
func sidecarFits(j *judge, name string, v pep440.Version) bool {
	fits, _, _ := j.c.SidecarFits(j.torch, name, v)
	return fits
}

// within reports whether the specifier set s holds every specifier of
// want, so that it admits no release outside want.
func within(s, want pep440.Specifiers) bool {
	if len(want) == 0 {
		return true
	}
	for _, w := range want {
		found := false
		for _, x := range s {
			if x.Equal(w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// sidecarFix says what to write for a side-car.
func sidecarFix(name string, spec pep440.Specifiers) string {
	if len(spec) == 1 && spec[0].Op == "==" {
		return "write " + name + spec.String()
	}
	return fmt.Sprintf("pin %s exactly to a release in %s (zgpu deps resolve picks one)", name, spec)
}

// checkCUDAWheels: a wheel URL built for a torch or CUDA release fits the
// target's torch major.minor, CUDA major, C++ ABI and GPU architecture.
func checkCUDAWheels(j *judge) {
	if j.torchLine == nil {
		return
	}
	c := j.c
	tq := j.tg.WithTorch(c, j.torch)
	maj, min := tq.Torch[0], tq.Torch[1]
	for i := range j.reqs {
		l := &j.reqs[i]
		if l.wheel == nil || l.name == "torch" || j.isMatrixSidecar(l.name) {
			continue
		}
		needs, _ := tq.Needs(*l.wheel, catalog.HubPathOf(l.r.Req.URL), tq.Tolerates(l.r.Req.URL, ""))
		if !needs.HasTorch() && !needs.HasCUDA() && len(needs.GPUArchs) == 0 {
			continue
		}
		// As deps resolve judges a user's wheel: the target's one decision.
		ms := tq.Build(*l.wheel, needs)
		fits, reasons := len(ms) == 0, target.Reasons(ms)
		if !fits {
			j.addLine(l, Problem{Rule: "cuda-wheel", Subject: l.name,
				Message: fmt.Sprintf("%s does not fit torch %s (%s): %s", l.file, j.torch, j.torchLine.origin(), strings.Join(reasons, "; ")),
				Fix:     fmt.Sprintf("use a wheel built for torch %d.%d (zgpu wheel find %s --torch %s), or pin the torch the wheel names", maj, min, l.name, j.torch),
				Source:  c.Torch.MatrixSource})
		}
	}
}

// isMatrixSidecar reports whether the family matrix pins name for a torch
// release (torchvision, torchaudio, triton): their wheels carry the
// PyTorch index's CUDA label, judged by the side-car rule.
func (j *judge) isMatrixSidecar(name string) bool {
	return j.c.SidecarVersion(j.torch, name) != ""
}

// checkNvcc: a package that compiles CUDA code at install time comes as a
// prebuilt wheel.
func checkNvcc(j *judge) {
	for i := range j.reqs {
		l := &j.reqs[i]
		if l.wheel != nil || l.name == "" {
			continue
		}
		pkg, ok := j.c.Package(l.name)
		if !ok {
			continue
		}
		var why string
		switch {
		case pkg.NeedsPrebuiltWheel() && l.isURL():
			why = fmt.Sprintf("a source build of %s compiles CUDA code, which needs nvcc; the ZeroGPU builder has none", l.name)
		case pkg.NeedsPrebuiltWheel():
			why = fmt.Sprintf("%s on PyPI is a source distribution: building it needs nvcc, which the ZeroGPU builder lacks", l.name)
		case pkg.PyPI == "absent" && !l.isURL():
			why = fmt.Sprintf("%s is not on PyPI: only a wheel URL installs", l.name)
		default:
			continue
		}
		j.addLine(l, Problem{Rule: "nvcc", Subject: l.name,
			Message: fmt.Sprintf("%s: %s", l.text(), why),
			Fix:     fmt.Sprintf("replace the line with `%s @ <URL of a prebuilt wheel>` (zgpu wheel find %s), or run zgpu deps resolve", l.name, l.name),
			Source:  pkg.Source + " (" + pkg.Date + ")"})
	}
}

// joinVersions lists versions, highest first as given.
func joinVersions(vs []pep440.Version) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = v.String()
	}
	return strings.Join(s, ", ")
}

// nearestAllowed returns the allowed version of v's major.minor, else the
// highest allowed one not above v, else the lowest allowed.
func nearestAllowed(allowed []pep440.Version, v pep440.Version) pep440.Version {
	maj, min := v.MajorMinor()
	for _, a := range allowed {
		if am, an := a.MajorMinor(); am == maj && an == min {
			return a
		}
	}
	for _, a := range allowed {
		if a.Compare(v) <= 0 {
			return a
		}
	}
	return allowed[len(allowed)-1]
}
