package project

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/zgpu/zgpu/internal/inputfile"
	"github.com/zgpu/zgpu/reqfile"
)

// Stdin names the standard input among the paths of LoadInputs, as pip
// and pip-compile name it.
const Stdin = "-"

// LoadInputs reads several requirements files as one input, as
// pip-compile and uv pip compile read `a.in b.in`: their requirements,
// options and indexes in order, each file read as the kind of the first
// (requirements.in when the first is the standard input, "-", read from
// stdin, at most 64 MiB). The Space folder is the first file's folder (the
// current folder for "-"). Only requirements files combine: a
// pyproject.toml, uv.lock or pylock.toml among several inputs is an error.
func LoadInputs(paths []string, stdin io.Reader, opts LoadOptions) (*Project, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("no input file")
	}
	p := &Project{ReqFiles: map[Kind]*reqfile.File{}, Dir: "."}
	if paths[0] != Stdin {
		p.Dir = filepath.Dir(paths[0])
	}
	kind := RequirementsIn
	seenStdin := false
	for i, path := range paths {
		if path == Stdin {
			if seenStdin {
				return nil, fmt.Errorf("-: the standard input can be read once only")
			}
			seenStdin = true
			if err := p.readStdin(kind, stdin, opts); err != nil {
				return nil, err
			}
			continue
		}
		k, ok := KindOf(path)
		if !ok || (k != Requirements && k != RequirementsIn) {
			return nil, fmt.Errorf("%s: only requirements files (*.txt, *.in, or - for stdin) can be combined as inputs; name a %s on its own", path, orKind(k, ok))
		}
		if i == 0 {
			kind = k
		}
		if err := p.readOrRecord(kind, path, opts); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func orKind(k Kind, ok bool) string {
	if !ok {
		return "file of another kind"
	}
	return string(k)
}

// readStdin reads requirements from stdin as a file named "-" of kind.
func (p *Project) readStdin(kind Kind, stdin io.Reader, opts LoadOptions) error {
	if stdin == nil {
		stdin = os.Stdin
	}
	data, err := io.ReadAll(io.LimitReader(stdin, inputfile.MaxBytes+1))
	if err != nil {
		return fmt.Errorf("-: reading the standard input: %w", err)
	}
	if int64(len(data)) > inputfile.MaxBytes {
		return fmt.Errorf("-: the standard input is %s", (&inputfile.TooLargeError{Limit: inputfile.MaxBytes}).Error())
	}
	p.Files = append(p.Files, File{Kind: kind, Path: Stdin})
	f, err := reqfile.Parse(Stdin, data, reqfile.ParseOptions{Getenv: opts.Getenv, KeepGoing: opts.KeepGoing, Dir: p.Dir})
	if err != nil {
		if opts.KeepGoing {
			p.Errors = append(p.Errors, loadError(Stdin, err))
			return nil
		}
		return err
	}
	p.addReqfile(kind, f)
	for _, e := range f.Errors {
		p.Errors = append(p.Errors, loadError(e.Origin.File, e))
	}
	return nil
}

// mergeReqfile records f as the requirements file of kind, after any read
// before (LoadInputs): the files and includes of both count as inputs.
func (p *Project) mergeReqfile(kind Kind, f *reqfile.File) {
	prev := p.ReqFiles[kind]
	if prev == nil {
		p.ReqFiles[kind] = f
		return
	}
	merged := *prev
	merged.Files = append(append([]string(nil), prev.Files...), f.Files...)
	merged.Includes = append(append([]reqfile.Include(nil), prev.Includes...), f.Includes...)
	merged.Requirements = append(append([]reqfile.Requirement(nil), prev.Requirements...), f.Requirements...)
	merged.OptionLines = append(append([]reqfile.OptionLine(nil), prev.OptionLines...), f.OptionLines...)
	p.ReqFiles[kind] = &merged
}
