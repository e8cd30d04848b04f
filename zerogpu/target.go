package zerogpu

import (
	"fmt"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/target"
)

// pickPython decides the target interpreter: --python, else the README's
// python_version, else the platform default with a warning.
func pickPython(c *catalog.Catalog, in *Input, opts Options, r *Report) (full string, ok bool) {
	src := c.Python.Source + " (" + c.Python.Date + ")"
	origin := "--python"
	if opts.Python == "" {
		origin = in.PythonVersionOrigin
		if origin == "" {
			origin = "README.md"
		}
	}
	full, want, ok := target.Python(c, opts.Python, in.PythonVersion)
	if want == "" {
		r.Target.Python, r.Target.PythonSource = full, "platform default"
		r.warnf("%s", defaultPythonWarning(c, full, in.RequiresPython))
		r.decide("python", full, "no python_version in README.md; the platform default applies", c.Python.DefaultSource)
		return full, true
	}
	if !ok {
		r.problem(Problem{
			Subject: "python",
			Origin:  origin,
			Message: fmt.Sprintf("python_version %q is not available on ZeroGPU (it runs %s)", want, strings.Join(c.Python.Supported, " and ")),
			Fixes:   []string{fmt.Sprintf("set `python_version: \"%s\"` in the README frontmatter", c.Python.Recommended)},
		})
		return "", false
	}
	r.Target.Python, r.Target.PythonSource = full, origin
	r.decide("python", full, "python_version "+want+" from "+origin, src)
	return full, true
}

// defaultPythonWarning is the one warning about the Python of a README
// without python_version: the platform default applies, and, when the
// project's requires-python excludes it, which Python to pin instead (or
// that none of ZeroGPU's fits).
func defaultPythonWarning(c *catalog.Catalog, full, requiresPython string) string {
	runs := strings.Join(c.Python.Supported, " and ")
	pin := c.Python.Recommended
	excluded := ""
	if rp, err := pep440.ParseSpecifiers(requiresPython); err == nil && requiresPython != "" && !rp.Contains(pep440.MustParse(full), true) {
		excluded = fmt.Sprintf(", which the project's requires-python (%s) excludes", requiresPython)
		pin = ""
		for _, s := range append([]string{c.Python.Recommended}, c.Python.Supported...) {
			if f, ok := c.PythonFull(s); ok && rp.Contains(pep440.MustParse(f), true) {
				pin = s
				break
			}
		}
		if pin == "" {
			return fmt.Sprintf("README.md has no python_version: assuming the platform default, Python %s; the project's requires-python (%s) excludes every Python ZeroGPU runs (%s): relax it in pyproject.toml",
				full, requiresPython, runs)
		}
	}
	pin = strings.Join(strings.SplitN(pin, ".", 3)[:2], ".")
	return fmt.Sprintf("README.md has no python_version: assuming the platform default, Python %s%s. Pin it: add `python_version: \"%s\"` to the README frontmatter (ZeroGPU runs %s)",
		full, excluded, pin, runs)
}
