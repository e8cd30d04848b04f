// Package coremeta parses core metadata: the METADATA file of a wheel's
// .dist-info folder and the PKG-INFO file of an sdist, as specified by the
// PyPA core metadata specification (versions 1.0 to 2.4).
//
// The format is a block of RFC 822 style headers ("Field: value"), one per
// line, where a line starting with a space or a tab continues the previous
// field; a blank line ends the headers and what follows (the description) is
// ignored. Field names match case-insensitively; multiple-use fields such as
// Requires-Dist and Provides-Extra keep every value in order.
//
// Deviations from packaging.metadata.parse_email (Python's email parser),
// which pip uses, checked by a differential test over the offline mirror: a
// header line without a colon is an error here instead of silently starting
// the body; continuation lines are unfolded with a single space where
// packaging keeps the raw folded text; empty Requires-Dist and
// Provides-Extra values are dropped; values are trimmed on both sides; a
// leading UTF-8 byte order mark is skipped; a repeated Name, Version or
// Requires-Python is an error. Encoded words (RFC 2047) are not decoded; real
// metadata is UTF-8.
package coremeta

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/zgpu/zgpu/index"
)

// Field is one header of a metadata file.
type Field struct {
	Name  string // as written, e.g. "Requires-Dist"
	Value string // unfolded, surrounding space trimmed
	Line  int    // 1-based line of the field name
}

// Fields returns the headers of a metadata file in order, stopping at the
// first blank line.
func Fields(data []byte) ([]Field, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var out []Field
	lineNo := 0
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		lineNo++
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(bytes.TrimSpace(line)) == 0 {
			break // end of headers; the rest is the description
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(out) == 0 {
				return nil, fmt.Errorf("coremeta: expected a field name at line %d, found a continuation line", lineNo)
			}
			last := &out[len(out)-1]
			cont := strings.TrimSpace(string(line))
			if last.Value == "" {
				last.Value = cont
			} else if cont != "" {
				last.Value += " " + cont
			}
			continue
		}
		name, value, ok := strings.Cut(string(line), ":")
		if !ok {
			return nil, fmt.Errorf("coremeta: expected \"Field: value\" at line %d, got %q", lineNo, truncate(string(line)))
		}
		if name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("coremeta: expected a field name before ':' at line %d, got %q", lineNo, truncate(name))
		}
		out = append(out, Field{Name: name, Value: strings.TrimSpace(value), Line: lineNo})
	}
	return out, nil
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

// Parse reads the fields resolution needs. Name and Version are required;
// an empty Requires-Dist or Provides-Extra value is skipped.
func Parse(data []byte) (index.Metadata, error) {
	fields, err := Fields(data)
	if err != nil {
		return index.Metadata{}, err
	}
	var m index.Metadata
	seen := map[string]int{}
	for _, f := range fields {
		key := strings.ToLower(f.Name)
		switch key {
		case "name", "version", "requires-python":
			if prev, dup := seen[key]; dup {
				return index.Metadata{}, fmt.Errorf("coremeta: %s repeated at line %d (first at line %d)", f.Name, f.Line, prev)
			}
			seen[key] = f.Line
		}
		switch key {
		case "name":
			m.Name = f.Value
		case "version":
			m.Version = f.Value
		case "requires-python":
			m.RequiresPython = f.Value
		case "requires-dist":
			if f.Value != "" {
				m.RequiresDist = append(m.RequiresDist, f.Value)
			}
		case "provides-extra":
			if f.Value != "" {
				m.ProvidesExtra = append(m.ProvidesExtra, f.Value)
			}
		}
	}
	if m.Name == "" {
		return index.Metadata{}, fmt.Errorf("coremeta: expected a Name field")
	}
	if m.Version == "" {
		return index.Metadata{}, fmt.Errorf("coremeta: expected a Version field")
	}
	return m, nil
}
