package project

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/zgpu/zgpu/reqfile"
)

// Generated says that a requirements file was written by a tool from
// another file, as the tool's header comment records it.
type Generated struct {
	// Tool is "zgpu", "uv" or "pip-compile".
	Tool string
	// Source is the file it was generated from, as the header names it
	// ("pyproject.toml", "uv.lock", "requirements.in"), relative to the
	// file's folder; "" when the header names none, or names the file
	// itself (a file locked in place is its own input).
	Source string
	// Command is the command line the header records.
	Command string
	// InPlace is set for a file zgpu locked from itself (its "# via"
	// annotations name requirements.txt).
	InPlace bool
}

// headerLimit bounds how much of a file readGenerated reads.
const headerLimit = 8 << 10

// GeneratedFrom interprets the header reqfile.ReadGenerated reads: the tool
// that wrote the file and the file it names as its source, from the
// command line recorded (its FILE argument, or the tool's default input:
// uv export reads uv.lock, pip-compile requirements.in), else zgpu's
// "Read FILE" line, else the first "# via -r FILE" that is not a
// requirements file. ok is false for a file no tool wrote.
func GeneratedFrom(data []byte) (g Generated, ok bool) {
	h, ok := reqfile.ReadGenerated(data)
	if !ok {
		return g, false
	}
	g.Tool, g.Command = h.Tool, h.Command
	if h.Command != "" {
		g.Source = commandSource(h.Tool, strings.Fields(h.Command))
	}
	if g.Tool == "zgpu" && g.Source == "" {
		g.Source, g.InPlace = readSource(h.Read)
	}
	if g.Tool == "zgpu" && g.Source == "" && !g.InPlace {
		g.Source, g.InPlace = viaSource(h.ViaFiles)
	}
	return g, true
}

// commandSource names the input file of a recorded command line: its
// positional argument that names a dependency file, else the tool's
// default input.
func commandSource(tool string, words []string) string {
	args := words[1:]
	export := false
	switch tool {
	case "zgpu":
		if len(args) >= 2 && args[0] == "deps" && args[1] == "resolve" {
			args = args[2:]
		}
	case "uv":
		switch {
		case len(args) >= 1 && args[0] == "export":
			export, args = true, args[1:]
		case len(args) >= 2 && args[0] == "pip" && args[1] == "compile":
			args = args[2:]
		}
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if !strings.Contains(a, "=") && takesValue(a) {
				i++
			}
			continue
		}
		if k, ok := KindOf(a); ok && isDependencyKind(k) && k != Requirements {
			return a
		}
	}
	switch {
	case export:
		return string(UVLock)
	case tool == "pip-compile":
		return string(RequirementsIn)
	}
	return ""
}

// takesValue reports whether a command-line flag of uv, pip-compile or
// zgpu that may name a file takes the next word as its value.
func takesValue(flag string) bool {
	switch flag {
	case "-o", "--output-file", "--output", "-c", "--constraint", "--constraints", "--override",
		"-r", "--requirement", "--extra-index-url", "--index-url", "-i", "-f", "--find-links",
		"--python", "-p", "--python-version", "--torch", "--extra", "--group", "--only-group",
		"--no-emit-package", "--prune", "--upgrade-package", "-P", "--format", "--catalog",
		"--resolver", "--pip-args", "--cache-dir", "--directory", "--project", "--package":
		return true
	}
	return false
}

// readSource names the input of zgpu's "Read FILE; ignored OTHERS." line;
// inPlace reports a requirements file (the file was locked from itself).
func readSource(f string) (source string, inPlace bool) {
	if k, ok := KindOf(f); ok && k == Requirements {
		return "", true
	} else if ok && isDependencyKind(k) {
		return f, false
	}
	return "", false
}

// viaSource returns the first file of a zgpu-written file's "# via -r FILE"
// annotations that is not a requirements.txt, or ""; inPlace reports a
// "# via -r requirements.txt" before it (the file was locked from itself).
func viaSource(files []string) (source string, inPlace bool) {
	for _, f := range files {
		k, ok := KindOf(f)
		switch {
		case ok && k == Requirements:
			inPlace = true
		case ok && isDependencyKind(k) && k != PreRequirements:
			return f, inPlace
		}
	}
	return "", inPlace
}

// Input is the file that speaks for a Space, and the files that do not.
type Input struct {
	Kind Kind   `json:"kind"`
	Path string `json:"path"`
	// Ignored are the dependency files Load read that the input does not
	// come from (pre-requirements.txt is never ignored, nor a
	// requirements.txt generated from the input).
	Ignored []string `json:"ignored,omitempty"`
	// Generated is set when requirements.txt was written from Path by a
	// tool: then requirements.txt is the output, not an input.
	Generated *Generated `json:"generated,omitempty"`
	// Why says, in a few words, why this file was chosen.
	Why string `json:"why"`
}

// Input chooses the file that speaks for the Space. The Space builder
// installs requirements.txt, so a hand-written requirements.txt is the
// input even beside a pyproject.toml or a uv.lock (often a template or a
// library's own metadata). A requirements.txt that zgpu, uv or pip-compile
// generated from another file present (its header names it) gives way to
// that file. Without a requirements.txt the order is uv.lock, pylock.toml,
// pyproject.toml ([project] or [tool.poetry] dependencies),
// requirements.in. A Project loaded from one file has that file as input.
func (p *Project) Input() Input {
	present := map[Kind]string{}
	var order []Kind
	for _, f := range p.Files {
		if !isDependencyKind(f.Kind) || f.Kind == PreRequirements {
			continue
		}
		if f.Kind == Pyproject && !p.hasSection("project.dependencies", "tool.poetry.dependencies") {
			continue
		}
		if _, dup := present[f.Kind]; !dup {
			present[f.Kind] = f.Path
			order = append(order, f.Kind)
		}
	}
	in := Input{}
	choose := func(k Kind, why string) {
		in.Kind, in.Path, in.Why = k, present[k], why
	}
	req, hasReq := present[Requirements]
	switch {
	case len(order) == 0:
		return Input{}
	case len(order) == 1:
		choose(order[0], "the only dependency file")
	case hasReq:
		choose(Requirements, "hand-written: the Space builder installs requirements.txt")
		if g, ok := readGenerated(req); ok {
			k, known := KindOf(g.Source)
			if g.Tool == "zgpu" && g.Source == "" && !g.InPlace {
				// Written by zgpu without naming its input: zgpu read the
				// other file then (before hand-written requirements.txt
				// files came first, the others always did).
				k, known = firstPresent(present), true
			}
			if _, there := present[k]; known && there && k != Requirements {
				choose(k, "requirements.txt was generated from it by "+g.Tool)
				in.Generated = &g
			} else if g.Source == "" {
				in.Why = "written by " + g.Tool + " from itself: read as it is"
			} else {
				in.Why = "generated by " + g.Tool + " from " + g.Source + ", which is not here: read as it is"
			}
		}
	default:
		choose(firstPresent(present), "first of uv.lock, pylock.toml, pyproject.toml, requirements.in")
	}
	for _, k := range order {
		if in.Generated != nil && k == Requirements {
			continue // the output of the input, not another input
		}
		if k != in.Kind && !(k == Pyproject && in.Kind == UVLock) {
			in.Ignored = append(in.Ignored, present[k])
		}
	}
	return in
}

// firstPresent returns the first of uv.lock, pylock.toml, pyproject.toml
// and requirements.in in present, or requirements.txt.
func firstPresent(present map[Kind]string) Kind {
	for _, k := range []Kind{UVLock, Pylock, Pyproject, RequirementsIn} {
		if _, ok := present[k]; ok {
			return k
		}
	}
	return Requirements
}

func (p *Project) hasSection(sections ...string) bool {
	for _, r := range p.Requirements {
		for _, s := range sections {
			if r.Section == s {
				return true
			}
		}
	}
	return false
}

// readGenerated reads the header of the file at path (bounded).
func readGenerated(path string) (Generated, bool) {
	f, err := os.Open(path)
	if err != nil {
		return Generated{}, false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, headerLimit))
	if err != nil {
		return Generated{}, false
	}
	g, ok := GeneratedFrom(data)
	if ok && g.Source != "" && filepath.Base(g.Source) != g.Source {
		// A source named with a folder is not one of this folder's files.
		if filepath.Clean(filepath.Join(filepath.Dir(path), g.Source)) != filepath.Join(filepath.Dir(path), filepath.Base(g.Source)) {
			g.Source = ""
		}
	}
	return g, ok
}
