package pep508

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/zgpu/zgpu/pep440"
)

// Requirement is a parsed dependency specifier.
type Requirement struct {
	Name       string            // as written; Key returns it normalized
	Extras     []string          // as written, sorted, without duplicates; nil when none
	Specifiers pep440.Specifiers // empty when none
	URL        string            // the text after "@", or ""
	Marker     *Marker           // nil when absent
}

// ParseRequirement parses a PEP 508 dependency specifier exactly as
// packaging 24.1's Requirement does (see the package documentation).
func ParseRequirement(s string) (Requirement, error) {
	p := parser{s: s}
	var r Requirement
	p.i = skipWS(s, 0)
	j := matchIdentifier(s, p.i)
	if j < 0 {
		return Requirement{}, p.errorf(p.i, "expected package name")
	}
	r.Name = s[p.i:j]
	p.i = skipWS(s, j)
	if err := p.extras(&r); err != nil {
		return Requirement{}, err
	}
	p.i = skipWS(s, p.i)

	var marker []node
	specStart, specEnd := -1, -1
	if p.i < len(s) && s[p.i] == '@' {
		p.i = skipWS(s, p.i+1)
		urlStart := p.i
		j := matchURL(s, p.i)
		if j < 0 {
			return Requirement{}, p.errorf(p.i, "expected URL after '@'")
		}
		r.URL = s[p.i:j]
		p.i = j
		if !atEnd(s, p.i) {
			if k := skipWS(s, p.i); k == p.i {
				return Requirement{}, p.errorf(p.i, "expected whitespace after URL")
			}
			p.i = skipWS(s, p.i)
			if !atEnd(s, p.i) {
				m, err := p.requirementMarker(urlStart, "expected end or ';' after URL and whitespace")
				if err != nil {
					return Requirement{}, err
				}
				marker = m
			}
		}
	} else {
		start := p.i
		var err error
		if specStart, specEnd, err = p.specifier(); err != nil {
			return Requirement{}, err
		}
		p.i = skipWS(s, p.i)
		if !atEnd(s, p.i) {
			msg := "expected end or ';' after version specifier"
			if specStart == specEnd {
				msg = "expected end or ';' after name and no valid version specifier"
			}
			m, err := p.requirementMarker(start, msg)
			if err != nil {
				return Requirement{}, err
			}
			marker = m
		}
	}
	if !atEnd(s, p.i) {
		return Requirement{}, p.errorf(p.i, "expected end of dependency specifier")
	}
	if specStart < specEnd {
		specs, err := pep440.ParseSpecifiers(s[specStart:specEnd])
		if err != nil {
			return Requirement{}, p.specifierError(specStart, specEnd, err)
		}
		r.Specifiers = specs
	}
	if marker != nil {
		r.Marker = newMarker(marker)
	}
	return r, nil
}

// extras parses: ('[' WS? (IDENTIFIER (WS? ',' WS? IDENTIFIER)*)? WS? ']')?.
func (p *parser) extras(r *Requirement) error {
	s := p.s
	if p.i >= len(s) || s[p.i] != '[' {
		return nil
	}
	open := p.i
	p.i = skipWS(s, p.i+1)
	if j := matchIdentifier(s, p.i); j >= 0 {
		r.Extras = append(r.Extras, s[p.i:j])
		p.i = j
		for {
			p.i = skipWS(s, p.i)
			if matchIdentifier(s, p.i) >= 0 {
				return p.errorf(p.i, "expected ',' between extra names")
			}
			if p.i >= len(s) || s[p.i] != ',' {
				break
			}
			p.i = skipWS(s, p.i+1)
			j := matchIdentifier(s, p.i)
			if j < 0 {
				return p.errorf(p.i, "expected extra name after ','")
			}
			r.Extras = append(r.Extras, s[p.i:j])
			p.i = j
		}
	}
	p.i = skipWS(s, p.i)
	if p.i >= len(s) || s[p.i] != ']' {
		return p.spanErrorf(open, p.i, "expected ']'")
	}
	p.i++
	if len(r.Extras) > 1 {
		slices.Sort(r.Extras)
		r.Extras = slices.Compact(r.Extras)
	}
	return nil
}

// specifier parses: '(' WS? version_many WS? ')' | WS? version_many WS?, and
// returns the span of the version_many text, which pep440.ParseSpecifiers
// reads as packaging's SpecifierSet does (split at commas, strip).
func (p *parser) specifier() (start, end int, err error) {
	s := p.s
	open := -1
	if p.i < len(s) && s[p.i] == '(' {
		open = p.i
		p.i++
	}
	p.i = skipWS(s, p.i)
	start, end = p.i, p.i
	for {
		tokStart := p.i
		j, opEnd := matchSpecifier(s, p.i)
		if j < 0 {
			break
		}
		p.i, end = j, j
		if j+1 < len(s) && s[j] == '.' && s[j+1] == '*' {
			return 0, 0, p.spanErrorf(tokStart, j, "'.*' suffix allowed only with '==' or '!=' (after %q)", s[tokStart:opEnd])
		}
		if matchLocalTrail(s, j) {
			return 0, 0, p.spanErrorf(tokStart, j, "local version label allowed only with '==' or '!=' (after %q)", s[tokStart:opEnd])
		}
		p.i = skipWS(s, p.i)
		if p.i >= len(s) || s[p.i] != ',' {
			break
		}
		p.i = skipWS(s, p.i+1)
		end = p.i
	}
	p.i = skipWS(s, p.i)
	if open >= 0 {
		if p.i >= len(s) || s[p.i] != ')' {
			return 0, 0, p.spanErrorf(open, p.i, "expected ')'")
		}
		p.i++
	}
	return start, end, nil
}

// specifierError reports a specifier list that the grammar accepted but
// pep440 rejects (packaging's SpecifierSet raising InvalidSpecifier, as for
// "===a,b", whose arbitrary-equality token swallows the comma), at the
// place pep440 points to.
func (p *parser) specifierError(start, end int, err error) error {
	var pe *pep440.SyntaxError
	if !errors.As(err, &pe) {
		return p.spanErrorf(start, start, "invalid version specifier: %v", err)
	}
	at := start
	for col := 1; col < pe.Column && at < end; col++ {
		_, n := utf8.DecodeRuneInString(p.s[at:])
		at += n
	}
	return p.spanErrorf(start, at, "invalid version specifier: %s", pe.Msg)
}

// requirementMarker parses: ';' marker WS?.
func (p *parser) requirementMarker(spanStart int, msg string) ([]node, error) {
	if p.i >= len(p.s) || p.s[p.i] != ';' {
		return nil, p.spanErrorf(spanStart, p.i, "%s", msg)
	}
	p.i++
	list, err := p.marker()
	if err != nil {
		return nil, err
	}
	p.i = skipWS(p.s, p.i)
	return list, nil
}

func (p *parser) errorf(at int, format string, args ...any) error {
	return p.spanErrorf(at, at, format, args...)
}

func (p *parser) spanErrorf(start, at int, format string, args ...any) error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &SyntaxError{Input: p.s, Offset: at, Start: start, Msg: msg}
}

// Key returns the PEP 503 normalized name.
func (r Requirement) Key() string { return NormalizeName(r.Name) }

// ExtraKeys returns the extras normalized (PEP 685), sorted, without
// duplicates.
func (r Requirement) ExtraKeys() []string {
	if len(r.Extras) == 0 {
		return nil
	}
	out := make([]string, len(r.Extras))
	for i, e := range r.Extras {
		out[i] = NormalizeName(e)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// String returns the requirement as packaging's str(Requirement) prints it:
// name, sorted extras, the specifier set, "@ url" and "; marker", e.g.
// `torch[cuda]>=2.8; sys_platform == "linux"` or `pkg@ https://x/p.whl ; extra == "a"`.
func (r Requirement) String() string {
	var b strings.Builder
	b.WriteString(r.Name)
	if len(r.Extras) > 0 {
		b.WriteByte('[')
		b.WriteString(strings.Join(r.Extras, ","))
		b.WriteByte(']')
	}
	b.WriteString(r.Specifiers.String())
	if r.URL != "" {
		b.WriteString("@ ")
		b.WriteString(r.URL)
		if r.Marker != nil {
			b.WriteByte(' ')
		}
	}
	if r.Marker != nil {
		b.WriteString("; ")
		b.WriteString(r.Marker.String())
	}
	return b.String()
}

// NormalizeName returns the PEP 503 form of a project or extra name: runs of
// '-', '_' and '.' become one '-', and letters are lowercased
// (`Flash_Attn` → `flash-attn`), as packaging's canonicalize_name.
func NormalizeName(s string) string {
	if isNormalASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	ascii := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' || c == '_' || c == '.':
			for i+1 < len(s) && (s[i+1] == '-' || s[i+1] == '_' || s[i+1] == '.') {
				i++
			}
			b.WriteByte('-')
		case 'A' <= c && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		default:
			if c >= 0x80 {
				ascii = false
			}
			b.WriteByte(c)
		}
	}
	if !ascii {
		return pyLower(b.String())
	}
	return b.String()
}

// isNormalASCII reports whether s is ASCII and already in normal form.
func isNormalASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80 || 'A' <= c && c <= 'Z' || c == '_' || c == '.':
			return false
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			return false
		}
	}
	return true
}
