// Package frontmatter reads the YAML frontmatter of a Hugging Face Space
// README.md: the block between a first line of exactly "---" and the next
// line that is "---" or "..." (trailing spaces and tabs allowed on both
// fence lines, a UTF-8 byte order mark and CRLF line ends accepted).
//
// The block must be a YAML mapping (YAML 1.2 as go.yaml.in/yaml/v3 reads
// it). Every key is kept in order with its raw scalar text, so an unquoted
// `python_version: 3.10` reads as "3.10", not the float 3.1. The fields
// zgpu uses (sdk, sdk_version, python_version, app_file, hardware,
// suggested_hardware, title) are also copied into named fields. Aliases
// and merge keys ("<<: *defaults") are resolved as huggingface_hub's YAML
// loader resolves them; a python_version or sdk_version that is a list, a
// mapping or a boolean is an error. Nesting is capped by the YAML reader
// (10,000 levels).
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
	pairs, err := mappingPairs(name, root)
	if err != nil {
		return nil, err
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		k, v := pairs[i], pairs[i+1]
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
		if err := checkType(name, k, v); err != nil {
			return nil, err
		}
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

// mappingPairs returns the key and value nodes of a mapping, aliases
// resolved and merge keys ("<<: *defaults", "<<: [*a, *b]") expanded, as
// huggingface_hub's YAML reader (PyYAML's safe loader) reads them: the
// merged pairs come first, so that the mapping's own keys win (Get returns
// the last), and of several merged mappings the first wins.
func mappingPairs(name string, m *yaml.Node) ([]*yaml.Node, error) {
	var merged, own []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], deref(m.Content[i+1])
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			sources := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				sources = sources[:0]
				for _, it := range v.Content {
					sources = append(sources, deref(it))
				}
			}
			for j := len(sources) - 1; j >= 0; j-- {
				src := sources[j]
				if src.Kind != yaml.MappingNode {
					return nil, fmt.Errorf("%s:%d:%d: merge key \"<<\": expected a mapping or a list of mappings, found a %s", name, k.Line+1, k.Column, kindName(src.Kind))
				}
				sub, err := mappingPairs(name, src)
				if err != nil {
					return nil, err
				}
				merged = append(merged, sub...)
			}
			continue
		}
		own = append(own, k, v)
	}
	return append(merged, own...), nil
}

// deref follows alias nodes to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// checkType refuses a python_version or sdk_version that is not a scalar
// version (a list, a mapping, a boolean): the Hub would read it as text
// and build with something else than the author meant.
func checkType(name string, k, v *yaml.Node) error {
	if k.Value != "python_version" && k.Value != "sdk_version" {
		return nil
	}
	want := `a version such as "3.10"`
	if k.Value == "sdk_version" {
		want = `a version such as "5.49.1"`
	}
	switch {
	case v.Kind != yaml.ScalarNode:
		return fmt.Errorf("%s:%d:%d: %s: expected %s, found a %s", name, k.Line+1, k.Column, k.Value, want, kindName(v.Kind))
	case v.Tag == "!!bool":
		return fmt.Errorf("%s:%d:%d: %s: expected %s, found the boolean %s", name, k.Line+1, k.Column, k.Value, want, v.Value)
	}
	return nil
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
	case yaml.MappingNode:
		return "mapping"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	}
	return "document"
}
