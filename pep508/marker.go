package pep508

import (
	"slices"
	"strings"
)

// Marker is a parsed environment marker. Its shape mirrors packaging's
// marker list: a sequence of atoms (comparisons or parenthesized groups)
// joined by "and"/"or", which is what String prints and Evaluate walks. A
// Marker is immutable and safe for concurrent use.
type Marker struct {
	list []node
}

type nodeKind uint8

const (
	nodeItem  nodeKind = iota // a comparison: lhs op rhs
	nodeGroup                 // a parenthesized marker
	nodeAnd
	nodeOr
)

// node is one element of a marker list.
type node struct {
	kind     nodeKind
	op       string
	lhs, rhs operand
	group    []node
	cmp      *compiled // the comparison prepared at parse time, or nil
}

// operand is a marker variable (its canonical name) or a string value.
type operand struct {
	value string
	isVar bool
}

func (o operand) serialize() string {
	if o.isVar {
		return o.value
	}
	return `"` + o.value + `"`
}

// ParseMarker parses an environment marker as packaging's Marker does,
// including its normalization of a leading extra comparison.
func ParseMarker(s string) (*Marker, error) {
	p := parser{s: s}
	list, err := p.marker()
	if err != nil {
		return nil, err
	}
	if !atEnd(s, p.i) {
		return nil, p.errorf(p.i, "expected end of marker expression")
	}
	return newMarker(list), nil
}

// newMarker applies packaging's _normalize_extra_values: when the first
// element of the top-level list is a comparison with the extra variable on
// one side, the other side becomes its canonical name as a string value (even
// when it was a variable). Later comparisons are left as written; Evaluate
// canonicalizes both sides of every extra comparison anyway.
func newMarker(list []node) *Marker {
	if len(list) > 0 && list[0].kind == nodeItem {
		n := &list[0]
		switch {
		case n.lhs.isVar && n.lhs.value == "extra":
			n.rhs = operand{value: NormalizeName(n.rhs.value)}
		case n.rhs.isVar && n.rhs.value == "extra":
			n.lhs = operand{value: NormalizeName(n.lhs.value)}
		}
	}
	compileList(list)
	return &Marker{list: list}
}

// marker parses: marker_atom (BOOLOP marker_atom)*.
func (p *parser) marker() ([]node, error) {
	a, err := p.atom()
	if err != nil {
		return nil, err
	}
	list := make([]node, 1, 3)
	list[0] = a
	for {
		j, op := matchBoolOp(p.s, p.i)
		if j < 0 {
			return list, nil
		}
		p.i = j
		a, err := p.atom()
		if err != nil {
			return nil, err
		}
		k := nodeAnd
		if op == "or" {
			k = nodeOr
		}
		list = append(list, node{kind: k}, a)
	}
}

// atom parses: WS? '(' WS? marker WS? ')' WS? | WS? marker_item WS?.
func (p *parser) atom() (node, error) {
	p.i = skipWS(p.s, p.i)
	var n node
	if p.i < len(p.s) && p.s[p.i] == '(' {
		open := p.i
		if p.depth >= MaxMarkerDepth {
			return node{}, p.errorf(open, "expected at most %d nested parentheses", MaxMarkerDepth)
		}
		p.i = skipWS(p.s, p.i+1)
		p.depth++
		list, err := p.marker()
		p.depth--
		if err != nil {
			return node{}, err
		}
		p.i = skipWS(p.s, p.i)
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return node{}, p.spanErrorf(open, p.i, "expected ')'")
		}
		p.i++
		n = node{kind: nodeGroup, group: list}
	} else {
		var err error
		if n, err = p.item(); err != nil {
			return node{}, err
		}
	}
	p.i = skipWS(p.s, p.i)
	return n, nil
}

// item parses: WS? marker_var WS? marker_op WS? marker_var WS?.
func (p *parser) item() (node, error) {
	p.i = skipWS(p.s, p.i)
	lhs, err := p.operand()
	if err != nil {
		return node{}, err
	}
	p.i = skipWS(p.s, p.i)
	op, err := p.markerOp()
	if err != nil {
		return node{}, err
	}
	p.i = skipWS(p.s, p.i)
	rhs, err := p.operand()
	if err != nil {
		return node{}, err
	}
	p.i = skipWS(p.s, p.i)
	return node{kind: nodeItem, op: op, lhs: lhs, rhs: rhs}, nil
}

// operand parses: VARIABLE | QUOTED_STRING.
func (p *parser) operand() (operand, error) {
	if j, name := matchVariable(p.s, p.i); j >= 0 {
		p.i = j
		return operand{value: name, isVar: true}, nil
	}
	if j := matchQuoted(p.s, p.i); j >= 0 {
		v, err := unquote(p.s[p.i:j])
		if err != nil {
			return operand{}, p.errorf(p.i, "%v", err)
		}
		p.i = j
		return operand{value: v}, nil
	}
	return operand{}, p.errorf(p.i, "expected a marker variable or quoted string")
}

// markerOp parses: IN | NOT WS IN | OP.
func (p *parser) markerOp() (string, error) {
	if j := matchKeyword(p.s, p.i, "in"); j >= 0 {
		p.i = j
		return "in", nil
	}
	if j := matchKeyword(p.s, p.i, "not"); j >= 0 {
		p.i = skipWS(p.s, j)
		if p.i == j {
			return "", p.errorf(p.i, "expected whitespace after 'not'")
		}
		j = matchKeyword(p.s, p.i, "in")
		if j < 0 {
			return "", p.errorf(p.i, "expected 'in' after 'not'")
		}
		p.i = j
		return "not in", nil
	}
	if j := matchMarkerOp(p.s, p.i); j >= 0 {
		op := p.s[p.i:j]
		p.i = j
		return op, nil
	}
	return "", p.errorf(p.i, "expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in")
}

// String returns the marker as packaging prints it: values in double quotes,
// single spaces, and parentheses around nested groups of more than one
// comparison. Like packaging, a group that was itself wrapped in redundant
// parentheses, as in `a and ((b or c))`, prints without them; Evaluate keeps
// the grouping as parsed. A nil Marker prints as "".
func (m *Marker) String() string {
	if m == nil {
		return ""
	}
	var b strings.Builder
	formatList(&b, m.list, true)
	return b.String()
}

func formatList(b *strings.Builder, list []node, first bool) {
	if len(list) == 1 && list[0].kind <= nodeGroup {
		if list[0].kind == nodeGroup {
			formatList(b, list[0].group, true)
		} else {
			formatItem(b, &list[0])
		}
		return
	}
	if !first {
		b.WriteByte('(')
	}
	for i := range list {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch n := &list[i]; n.kind {
		case nodeItem:
			formatItem(b, n)
		case nodeGroup:
			formatList(b, n.group, false)
		case nodeAnd:
			b.WriteString("and")
		case nodeOr:
			b.WriteString("or")
		}
	}
	if !first {
		b.WriteByte(')')
	}
}

func formatItem(b *strings.Builder, n *node) {
	b.WriteString(n.lhs.serialize())
	b.WriteByte(' ')
	b.WriteString(n.op)
	b.WriteByte(' ')
	b.WriteString(n.rhs.serialize())
}

// Variables returns, sorted and without duplicates, the environment keys
// that Evaluate reads: for each comparison the variable on its left, or else
// the value on its right (packaging looks a right-hand string up in the
// environment when the left side is not a variable). A marker that depends on
// the requested extras reports "extra".
func (m *Marker) Variables() []string {
	if m == nil {
		return nil
	}
	var out []string
	var walk func([]node)
	walk = func(list []node) {
		for i := range list {
			switch n := &list[i]; n.kind {
			case nodeItem:
				if n.lhs.isVar {
					out = append(out, n.lhs.value)
				} else {
					out = append(out, n.rhs.value)
				}
			case nodeGroup:
				walk(n.group)
			}
		}
	}
	walk(m.list)
	slices.Sort(out)
	return slices.Compact(out)
}

// And returns a marker that holds when both a and b hold; either may be
// nil, and And(nil, nil) is nil. Each side with more than one comparison is
// parenthesized, so the result prints as packaging prints
// Marker("(a) and (b)").
func And(a, b *Marker) *Marker {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return &Marker{list: []node{asGroup(a.list), {kind: nodeAnd}, asGroup(b.list)}}
}

// asGroup wraps a marker list as a group node, unwrapping single-element
// lists whose element is itself a group so that String parenthesizes it.
func asGroup(list []node) node {
	for len(list) == 1 && list[0].kind == nodeGroup {
		list = list[0].group
	}
	return node{kind: nodeGroup, group: list}
}

// parser is the state of a recursive-descent parse, a byte offset into s.
type parser struct {
	s     string
	i     int
	depth int // parentheses open around the current position
}

// MaxMarkerDepth caps how deeply parentheses may nest in a marker. Python
// itself gives up (RecursionError) a few hundred levels down; no real
// marker nests more than three.
const MaxMarkerDepth = 100
