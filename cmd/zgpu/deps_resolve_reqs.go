package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/zgpu/zgpu/project"
	"github.com/zgpu/zgpu/reqfile"
	"github.com/zgpu/zgpu/zerogpu"
)

// This file holds the requirement files of the command line that are not
// the Space's input: -c/--constraint (pip's and uv's constraints) and
// --override (uv's overrides).

// reqFileOptions are -c and --override.
type reqFileOptions struct {
	Constraints []string
	Overrides   []string
}

func (r *reqFileOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringArrayVarP(&r.Constraints, "constraint", "c", envList("UV_CONSTRAINT"), "constrain versions with this requirements-format `FILE` (repeatable; env UV_CONSTRAINT): a constraint limits a package only if something requires it, and is never written")
	fs.StringArrayVar(&r.Overrides, "override", envList("UV_OVERRIDE"), "replace the requirements on a package with the ones of this requirements-format `FILE` (repeatable; env UV_OVERRIDE), as uv's overrides; pip builds the Space, so an override cannot loosen what a dependency requires")
}

// envList reads a space-separated list of files, as uv reads
// UV_CONSTRAINT and UV_OVERRIDE.
func envList(name string) []string {
	return strings.Fields(os.Getenv(name))
}

// read returns the constraints and overrides with their origins.
func (r *reqFileOptions) read() (constraints, overrides []zerogpu.Requirement, err error) {
	for _, path := range r.Constraints {
		reqs, err := readReqList("-c", path, true)
		if err != nil {
			return nil, nil, err
		}
		constraints = append(constraints, reqs...)
	}
	for _, path := range r.Overrides {
		reqs, err := readReqList("--override", path, false)
		if err != nil {
			return nil, nil, err
		}
		overrides = append(overrides, reqs...)
	}
	return constraints, overrides, nil
}

// readReqList reads a requirements-format file of constraints or
// overrides. Every line must name its package; a constraint, as pip
// requires, also has no extras and is not editable.
func readReqList(flag, path string, constraint bool) ([]zerogpu.Requirement, error) {
	f, err := reqfile.ParseFile(path, reqfile.ParseOptions{Getenv: os.LookupEnv})
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", flag, path, err)
	}
	var out []zerogpu.Requirement
	for _, r := range f.Requirements {
		where := fmt.Sprintf("%s:%d:%d", r.Origin.File, r.Origin.Line, r.Origin.Column)
		switch {
		case r.Req.Name == "":
			return nil, fmt.Errorf("%s: %q: expected a package name (%s takes NAME and version specifiers, e.g. torch<2.9)", where, r.Line, flag)
		case constraint && r.Editable:
			return nil, fmt.Errorf("%s: %q: a constraint cannot be editable (pip refuses it): write NAME and version specifiers", where, r.Line)
		case constraint && len(r.Req.Extras) > 0:
			return nil, fmt.Errorf("%s: %q: a constraint cannot have extras (pip refuses it): write %s without [%s]", where, r.Line, r.Req.Name, strings.Join(r.Req.Extras, ","))
		}
		out = append(out, zerogpu.Requirement{Req: r.Req, Text: r.Line, Origin: fmt.Sprintf("%s:%d", r.Origin.File, r.Origin.Line), Editable: r.Editable})
	}
	return out, nil
}

// inputsOf reads the positional arguments and --input into the path the
// run is named by (a folder, a file or a Space on the Hub) and, when the
// input is one or more files named explicitly, those files ("-" for
// stdin). Several arguments must all be requirements files; --input
// names files in the folder argument (default ".").
func (o *depsResolveOptions) inputsOf(args []string) (path string, inputs []string, err error) {
	if len(o.Inputs) > 0 {
		dir := "."
		switch {
		case len(args) > 1:
			return "", nil, usagef("--input names the input in the folder argument: give one folder (or the files as arguments, without --input)")
		case len(args) == 1:
			if fi, err := os.Stat(args[0]); err != nil || !fi.IsDir() {
				return "", nil, usagef("--input %s: %s is not a folder; give the files as arguments, or a folder with --input", o.Inputs[0], args[0])
			}
			dir = args[0]
		}
		for _, in := range o.Inputs {
			if in != project.Stdin && !filepath.IsAbs(in) {
				in = filepath.Join(dir, in)
			}
			inputs = append(inputs, in)
		}
		return inputs[0], inputs, nil
	}
	switch len(args) {
	case 0:
		return ".", nil, nil
	case 1:
		if args[0] == project.Stdin {
			return args[0], args, nil
		}
		return args[0], nil, nil
	}
	for _, a := range args {
		if fi, err := os.Stat(a); err == nil && fi.IsDir() {
			return "", nil, usagef("%s is a folder: several inputs must be requirements files (or - for stdin); give a folder on its own", a)
		}
		if _, ok := spaceRef(a); ok {
			return "", nil, usagef("%s: a Space on the Hub is resolved on its own, not with other inputs", a)
		}
	}
	return args[0], args, nil
}

// loadProject reads the Space: a folder, one file (with what its folder
// says), or several files and stdin (project.LoadInputs).
func (o *depsResolveOptions) loadProject(path string) (*project.Project, error) {
	lo := project.LoadOptions{Getenv: os.LookupEnv}
	if len(o.inputs) > 1 || (len(o.inputs) == 1 && o.inputs[0] == project.Stdin) {
		p, err := project.LoadInputs(o.inputs, o.g.Stdin, lo)
		if err != nil {
			return nil, err
		}
		withFolder(p)
		return p, nil
	}
	p, err := project.Load(path, lo)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
		withFolder(p)
	}
	return p, nil
}
