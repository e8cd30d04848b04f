// Package frontmatter reads the YAML frontmatter of a Hugging Face Space
// README.md: the block between a first line of exactly "---" and the next
// line that is "---" or "..." (trailing spaces and tabs allowed on both
// fence lines, a UTF-8 byte order mark and CRLF line ends accepted).
//
// The block must be a YAML mapping (YAML 1.2 as go.yaml.in/yaml/v3 reads
// it). Every key is kept in order with its raw scalar text, so an unquoted
// `python_version: 3.10` reads as "3.10", not the float 3.1. The fields
// zgpu uses (sdk, sdk_version, python_version, app_file, hardware,
// suggested_hardware, title) are also copied into named fields.
//
// Deviations: the Hub itself accepts some frontmatter this package
// rejects (a block that is not a mapping is an error here). A README with
// no frontmatter, or no README, is not an error: Parse and ReadFile return
// nil. go.yaml.in/yaml/v3 reports syntax errors by line only; the column
// given is that of the line's first non-blank character.
package frontmatter

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/zgpu/zgpu/internal/inputfile"
)

// Frontmatter is the metadata block of a Space README.
type Frontmatter struct {
	Title             string
	SDK               string // "gradio", "docker", "static", "streamlit"
	SDKVersion        string
	PythonVersion     string // as written: "3.10", never "3.1"
	AppFile           string
	Hardware          string
	SuggestedHardware string

	// Fields holds every top-level key in order.
	Fields []Field
	// Line is the line of the opening fence (1), EndLine the closing one.
	Line, EndLine int
}

// Field is one top-level key of the frontmatter.
type Field struct {
	Key string
	// Value is the raw text of a scalar (quotes removed, no type
	// conversion) or the YAML text of a sequence or mapping.
	Value string
	// Node is the parsed YAML value.
	Node *yaml.Node
	// Line and Column locate the key in the README (1-based).
	Line, Column int
}

// Get returns the field named key; with duplicated keys the last one wins,
// as in the Hub's YAML loader.
func (f *Frontmatter) Get(key string) (Field, bool) {
	if f == nil {
		return Field{}, false
	}
	for i := len(f.Fields) - 1; i >= 0; i-- {
		if f.Fields[i].Key == key {
			return f.Fields[i], true
		}
	}
	return Field{}, false
}

// ReadFile reads the frontmatter of the README at path. A missing file or a
// README without frontmatter gives nil and no error. Errors are prefixed
// with path:line:column.
func ReadFile(path string) (*Frontmatter, error) {
	data, err := inputfile.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse reads the frontmatter of README text; name is used in errors.
func Parse(name string, data []byte) (*Frontmatter, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	lines := splitLines(data)
	if len(lines) == 0 || !isFence(lines[0], false) {
		return nil, nil
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if isFence(lines[i], true) {
			end = i
			break
		}
	}
	if end < 0 {
		return nil, fmt.Errorf("%s:1:1: frontmatter opened by \"---\" is not closed (expected a \"---\" or \"...\" line before the end of the file at line %d)", name, len(lines))
	}
	var body bytes.Buffer
	for _, l := range lines[1:end] {
		body.Write(l)
		body.WriteByte('\n')
	}
	f := &Frontmatter{Line: 1, EndLine: end + 1}
	var doc yaml.Node
	if err := yaml.Unmarshal(body.Bytes(), &doc); err != nil {
		return nil, yamlError(name, err, lines[1:end])
	}
	if len(doc.Content) == 0 {
		return f, nil // empty block
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return f, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d:%d: frontmatter is a YAML %s, expected a mapping of keys to values", name, root.Line+1, root.Column, kindName(root.Kind))
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		fl := Field{Key: k.Value, Node: v, Line: k.Line + 1, Column: k.Column}
		if v.Kind == yaml.ScalarNode {
			fl.Value = v.Value
			if v.Tag == "!!null" && v.Style == 0 && (v.Value == "~" || strings.EqualFold(v.Value, "null")) {
				fl.Value = ""
			}
		} else {
			out, err := yaml.Marshal(v)
			if err != nil {
				return nil, fmt.Errorf("%s:%d:%d: %v", name, fl.Line, fl.Column, err)
			}
			fl.Value = strings.TrimSpace(string(out))
		}
		f.Fields = append(f.Fields, fl)
		if v.Kind != yaml.ScalarNode {
			continue
		}
		switch k.Value {
		case "title":
			f.Title = fl.Value
		case "sdk":
			f.SDK = fl.Value
		case "sdk_version":
			f.SDKVersion = fl.Value
		case "python_version":
			f.PythonVersion = fl.Value
		case "app_file":
			f.AppFile = fl.Value
		case "hardware":
			f.Hardware = fl.Value
		case "suggested_hardware":
			f.SuggestedHardware = fl.Value
		}
	}
	return f, nil
}

// splitLines splits at \n, \r\n or a lone \r (YAML reads all three as line
// breaks).
func splitLines(data []byte) [][]byte {
	if len(data) == 0 {
		return nil
	}
	// A lone CR ends a line too, as YAML (and old Mac files) read it, so
	// that YAML's line numbers and ours agree.
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	ls := bytes.Split(data, []byte("\n"))
	if len(ls[len(ls)-1]) == 0 {
		ls = ls[:len(ls)-1]
	}
	for i, l := range ls {
		ls[i] = bytes.TrimSuffix(l, []byte("\r"))
	}
	return ls
}

// isFence reports whether line is "---" (or "..." when closing is set)
// with optional trailing blanks.
func isFence(line []byte, closing bool) bool {
	t := bytes.TrimRight(line, " \t")
	return string(t) == "---" || closing && string(t) == "..."
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlError turns a YAML error into name:line:column; YAML line numbers
// count from the line after the opening fence.
func yamlError(name string, err error, body [][]byte) error {
	msg := err.Error()
	// The library leaves out "line 1: " for errors on the first line.
	n, text := 1, strings.TrimPrefix(msg, "yaml: ")
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ = strconv.Atoi(m[1])
		text = msg[len(m[0]):]
	}
	col := 1
	if n >= 1 && n <= len(body) {
		l := body[n-1]
		col = len(l) - len(bytes.TrimLeft(l, " \t")) + 1
	}
	return fmt.Errorf("%s:%d:%d: invalid YAML: %s", name, n+1, col, text)
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.SequenceNode:
		return "sequence"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	}
	return "document"
}
