package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/zgpu/zgpu/check"
)

func init() { register("deps", newDepsCheckCmd) }

type depsCheckOptions struct {
	g       *globalOptions
	catalog catalogOptions
	Python  string
	JSON    bool
}

const depsCheckLong = `Check an existing requirements.txt against the ZeroGPU rules, offline and
without resolving anything: fast enough for every commit (pre-commit.ci has no
network).

FILE is a requirements file, or a Space folder (its requirements.txt);
default ./requirements.txt. Several FILEs are checked one after the other,
as pre-commit passes them. The target Python is --python, else the
python_version of the README.md beside the file, else the platform default.

Rules (each problem names its rule, file:line:column and a fix):
  python        python_version is one ZeroGPU runs; wheel URLs have its tag
  platform      wheel URLs install on Linux x86_64 with the builder's glibc
  parse         pip can read every line
  preinstalled  no spaces or gradio: the builder installs them itself
  torch         torch pinned exactly (==) to a version on the allow-list;
                listed whenever a side-car or torch-built wheel is
  sidecar       torchvision, torchaudio, triton, torchcodec, xformers pinned
                to the release built for that torch
  cuda-wheel    a CUDA wheel URL fits torch major.minor, CUDA major, C++ ABI
                and the GPU architecture (sm_120)
  nvcc          no CUDA extension built from source (flash-attn, mamba-ssm,
                ...): only a prebuilt wheel URL installs on the builder

Requirements whose markers do not hold on the target are not judged. The
facts come from the catalog (embedded, or --catalog / ZGPU_CATALOG).

Exit codes: 0 no problem; 1 problems (listed on stdout), or a file that
cannot be read; 2 usage.

--json prints {"schema_version": 1, "files": [{"file": string, "python":
string, "problems": [{rule, subject, origin, message, fix, source}]}]}.`

func newDepsCheckCmd(g *globalOptions) *cobra.Command {
	o := &depsCheckOptions{g: g}
	cmd := &cobra.Command{
		Use:   "check [FILE|DIR]...",
		Short: "Check a requirements.txt against the ZeroGPU rules (offline)",
		Long:  depsCheckLong,
		Example: `  # In the Space folder
  zgpu deps check

  # Several files, as pre-commit passes them
  zgpu deps check requirements.txt spaces/demo/requirements.txt

  # For Python 3.10, as JSON
  zgpu deps check --python 3.10 --json requirements.txt`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDepsCheck(o, args)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.Python, "python", "p", "", "target Python (default: README python_version, else the platform default)")
	fs.StringVar(&o.Python, "python-version", "", "the same as --python (the pip-compile spelling)")
	fs.BoolVar(&o.JSON, "json", false, "print the problems as JSON")
	o.catalog.addFlags(fs)
	return cmd
}

// checkFileReport is one file's result in --json.
type checkFileReport struct {
	File     string          `json:"file"`
	Python   string          `json:"python,omitempty"`
	Problems []check.Problem `json:"problems"`
}

func runDepsCheck(o *depsCheckOptions, args []string) error {
	c, err := o.catalog.load()
	if err != nil {
		return err
	}
	if len(args) == 0 {
		args = []string{"requirements.txt"}
	}
	var reports []checkFileReport
	failed := false
	for _, a := range args {
		path := a
		if st, err := os.Stat(a); err == nil && st.IsDir() {
			path = filepath.Join(a, "requirements.txt")
		}
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("%s: no such file (zgpu deps resolve -o %s writes it)", path, path)
		}
		t := check.Target{Python: o.Python, PythonOrigin: "--python"}
		if o.Python == "" {
			if t, err = check.TargetFor(path); err != nil {
				return err
			}
		}
		problems, err := check.File(path, c, t)
		if err != nil {
			return err
		}
		if problems == nil {
			problems = []check.Problem{}
		}
		failed = failed || len(problems) > 0
		reports = append(reports, checkFileReport{File: path, Python: t.Python, Problems: problems})
		if !o.JSON {
			fmt.Fprint(o.g.Stdout, check.Summary(path, problems))
		}
	}
	if o.JSON {
		if err := newJSONEncoder(o.g.Stdout).Encode(map[string]any{"files": reports}); err != nil {
			return err
		}
	}
	if failed {
		return &silentError{code: exitFailure}
	}
	return nil
}
