package zerogpu

import (
	"fmt"
	"strings"

	"github.com/zgpu/zgpu/catalog"
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
		r.warnf("README.md has no python_version: assuming the platform default, Python %s. Pin it: add `python_version: \"%s\"` to the README frontmatter (ZeroGPU runs %s)",
			full, c.Python.Recommended, strings.Join(c.Python.Supported, " and "))
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
