package zerogpu

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/zgpu/zgpu/catalog"
)

// Wheel sources from the input (issue 10): the --find-links,
// --extra-index-url and --index-url lines of the input files are searched
// for CUDA wheels too, after the catalog's sources (the natten case:
// `-f https://whl.natten.org` serves natten==0.21.6+torch2110cu130). A
// wheel found there is written as name==version: the file keeps the line
// that serves it, as pip expects.

// InputSources turns the index lines of an input (in.Options) into wheel
// sources. A relative --find-links folder is read, as pip reads it, from
// the folder of the requirements file when it exists there.
func InputSources(in *Input) []catalog.Source {
	var out []catalog.Source
	seen := map[string]bool{}
	for _, o := range in.Options {
		name, value, ok := strings.Cut(o, " ")
		if !ok || value == "" {
			continue
		}
		var s catalog.Source
		switch name {
		case "--find-links", "-f":
			s = catalog.Source{Kind: "find-links", URL: localFindLinks(in.Input, value)}
		case "--index-url", "-i", "--extra-index-url":
			s = catalog.Source{Kind: "index", URL: value}
		default:
			continue
		}
		if !seen[s.String()] {
			seen[s.String()] = true
			out = append(out, s)
		}
	}
	return out
}

// localFindLinks resolves a relative find-links folder against the folder
// of the requirements file (input), when it exists there; a URL or an
// absolute path is returned as it is.
func localFindLinks(input, value string) string {
	if strings.Contains(value, "://") || filepath.IsAbs(value) || input == "" {
		return value
	}
	p := filepath.Join(filepath.Dir(input), value)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return value
}

// inputLine is the line written for a wheel found on the input's own
// index lines: name==version, which pip finds through them.
func inputLine(name string, m *WheelMatch) string {
	return name + "==" + m.Version
}
