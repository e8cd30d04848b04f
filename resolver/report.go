package resolver

import (
	"fmt"
	"strings"
)

// explain renders the derivation of the failure incompatibility the way pub
// does: a walk of the derivation graph from its external leaves, one
// sentence per derived incompatibility, numbering those referred to again.
func (s *solver) explain(fail *incompat) string {
	if fail.kind != causeDerived {
		return "Because " + s.icText(fail) + ", version solving failed."
	}
	r := &reporter{s: s, refs: map[*incompat]int{}, numbers: map[*incompat]int{}}
	r.count(fail)
	r.top = fail
	r.visit(fail, false)
	var b strings.Builder
	width := len(fmt.Sprint(r.next))
	for _, l := range r.lines {
		switch {
		case l.text == "":
			b.WriteString("\n")
		case l.number > 0:
			fmt.Fprintf(&b, "%-*s %s\n", width+2, fmt.Sprintf("(%d)", l.number), l.text)
		case r.next > 0:
			fmt.Fprintf(&b, "%*s%s\n", width+3, "", l.text)
		default:
			b.WriteString(l.text + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

type reportLine struct {
	text   string
	number int
}

type reporter struct {
	s       *solver
	lines   []reportLine
	refs    map[*incompat]int
	numbers map[*incompat]int
	next    int
	top     *incompat // the failure: said last, with "So,", never numbered
}

// count records how often each derived incompatibility is used.
func (r *reporter) count(ic *incompat) {
	if ic.kind != causeDerived {
		return
	}
	r.refs[ic]++
	if r.refs[ic] == 1 {
		r.count(ic.left)
		r.count(ic.right)
	}
}

func (r *reporter) write(ic *incompat, text string, numbered bool) {
	if numbered {
		r.next++
		r.numbers[ic] = r.next
		r.lines = append(r.lines, reportLine{text: text, number: r.next})
		return
	}
	r.lines = append(r.lines, reportLine{text: text})
}

func derived(ic *incompat) bool { return ic.kind == causeDerived }

// singleLine reports whether ic is derived from two external facts.
func singleLine(ic *incompat) bool { return !derived(ic.left) && !derived(ic.right) }

func (r *reporter) visit(ic *incompat, conclusion bool) {
	numbered := (conclusion || r.refs[ic] > 1) && ic != r.top
	conj := "And"
	if numbered || ic == r.top {
		conj = "So,"
	}
	s := r.s
	text := s.icText(ic)
	left, right := ic.left, ic.right
	switch {
	case derived(left) && derived(right):
		ln, rn := r.numbers[left], r.numbers[right]
		switch {
		case ln > 0 && rn > 0:
			r.write(ic, fmt.Sprintf("Because %s, %s.", r.and(left, right, ln, rn), text), numbered)
		case ln > 0 || rn > 0:
			with, without, n := left, right, ln
			if rn > 0 {
				with, without, n = right, left, rn
			}
			r.visit(without, false)
			r.write(ic, fmt.Sprintf("%s because %s (%d), %s.", conj, s.icText(with), n, text), numbered)
		case singleLine(left) || singleLine(right):
			first, second := left, right
			if singleLine(left) && !singleLine(right) {
				first, second = right, left
			}
			r.visit(first, false)
			r.visit(second, false)
			r.write(ic, fmt.Sprintf("Thus, %s.", text), numbered)
		default:
			r.visit(left, true)
			r.lines = append(r.lines, reportLine{})
			r.visit(right, false)
			r.write(ic, fmt.Sprintf("%s because %s (%d), %s.", conj, s.icText(left), r.numbers[left], text), numbered)
		}
	case derived(left) || derived(right):
		d, e := left, right
		if derived(right) {
			d, e = right, left
		}
		switch {
		case r.numbers[d] > 0:
			r.write(ic, fmt.Sprintf("Because %s, %s.", r.and(e, d, 0, r.numbers[d]), text), numbered)
		case r.collapsible(d):
			dd, de := d.left, d.right
			if derived(d.right) {
				dd, de = d.right, d.left
			}
			r.visit(dd, false)
			r.write(ic, fmt.Sprintf("%s because %s, %s.", conj, r.and(de, e, 0, 0), text), numbered)
		default:
			r.visit(d, false)
			r.write(ic, fmt.Sprintf("%s because %s, %s.", conj, s.icText(e), text), numbered)
		}
	default:
		r.write(ic, fmt.Sprintf("Because %s, %s.", r.and(left, right, 0, 0), text), numbered)
	}
}

// collapsible reports whether d, used once and derived from one derived and
// one external incompatibility, can be folded into the sentence that uses
// it.
func (r *reporter) collapsible(d *incompat) bool {
	if r.refs[d] > 1 || derived(d.left) == derived(d.right) {
		return false
	}
	inner := d.left
	if derived(d.right) {
		inner = d.right
	}
	return r.numbers[inner] == 0
}

func (r *reporter) and(a, b *incompat, an, bn int) string {
	if an == 0 && bn == 0 {
		if t, ok := r.s.bothRoot(a, b); ok {
			return t
		}
		if t, ok := r.s.chain(a, b); ok {
			return t
		}
		if t, ok := r.s.chain(b, a); ok {
			return t
		}
	}
	at, bt := r.s.icText(a), r.s.icText(b)
	if an > 0 {
		at += fmt.Sprintf(" (%d)", an)
	}
	if bn > 0 {
		bt += fmt.Sprintf(" (%d)", bn)
	}
	if hasClause(at) && !hasClause(bt) {
		at, bt = bt, at // keep the clause with a comma last, where it reads
	}
	return at + " and " + bt
}

// rootDep reports whether ic is a plain requirement of the request.
func rootDep(ic *incompat) bool {
	return ic.kind == causeDependency && !ic.constraint && ic.terms[0].pkg == rootID
}

// bothRoot says two request requirements as one: "root depends on both A
// and B".
func (s *solver) bothRoot(a, b *incompat) (string, bool) {
	if !rootDep(a) || !rootDep(b) {
		return "", false
	}
	return "root depends on both " + s.reqText(a) + " and " + s.reqText(b), true
}

// chain says "X depends on B which depends on C" when b's depender is
// exactly the set of versions a's requirement allows.
func (s *solver) chain(a, b *incompat) (string, bool) {
	if a.kind != causeDependency || b.kind != causeDependency || a.constraint || b.constraint || len(a.terms) != 2 {
		return "", false
	}
	dep := a.terms[1]
	if b.terms[0].pkg != dep.pkg || b.terms[0].pkg == rootID {
		return "", false
	}
	allowed := dep.set.not(s.pkgs[dep.pkg].n)
	if !allowed.equal(b.terms[0].set) {
		return "", false
	}
	return s.termText(a.terms[0]) + " depends on " + s.reqText(a) + " which depends on " + s.reqText(b), true
}

// hasClause reports whether an incompatibility's text ends in a clause of
// its own (", which matches no version", ", but there are no versions").
func hasClause(t string) bool {
	return strings.Contains(t, ", which ") || strings.Contains(t, ", but ")
}

// icText says an incompatibility in English.
func (s *solver) icText(ic *incompat) string {
	switch ic.kind {
	case causeRoot:
		return "root is required"
	case causeDependency:
		if ic.terms[0].pkg == rootID && ic.constraint {
			return "the request constrains " + s.reqText(ic)
		}
		return s.termText(ic.terms[0]) + " depends on " + s.reqText(ic)
	case causeNoVersions:
		who := s.termText(ic.terms[0])
		verb := "depends on"
		if ic.constraint {
			verb = "constrains"
		}
		if s.pkgs[ic.dep].n == 0 {
			return fmt.Sprintf("%s %s %s%s, but there are no versions of %s", who, verb, ic.req, s.origin(ic), s.pkgs[ic.dep].name)
		}
		t := fmt.Sprintf("%s %s %s%s, which matches no version of %s", who, verb, ic.req, s.origin(ic), s.pkgs[ic.dep].name)
		if ic.note != "" {
			t += " (" + ic.note + ")"
		}
		return t
	case causeUnavailable:
		t := ic.terms[0]
		if t.set.count(s.pkgs[t.pkg].n) == s.pkgs[t.pkg].n {
			return fmt.Sprintf("no version of %s can be installed on the target (%s)", s.pkgs[t.pkg].display(), ic.note)
		}
		return fmt.Sprintf("%s cannot be installed on the target (%s)", s.termText(t), ic.note)
	case causeRequiresPython:
		py := ""
		if s.hasPy {
			py = fmt.Sprintf(" (the target has %s)", s.pyver)
		}
		return fmt.Sprintf("%s requires Python %s%s", s.termText(ic.terms[0]), ic.note, py)
	}
	return s.derivedText(ic)
}

// reqText is a dependency's requirement with where it was written and what
// the rules excluded: "torch==2.9.1 (requirements.txt:2)".
func (s *solver) reqText(ic *incompat) string {
	t := ic.req + s.origin(ic)
	if ic.note != "" && ic.kind == causeDependency {
		t += " (" + ic.note + ")"
	}
	return t
}

func (s *solver) origin(ic *incompat) string {
	if ic.origin == "" {
		return ""
	}
	return " (" + ic.origin + ")"
}

func (s *solver) derivedText(ic *incompat) string {
	if s.isFailure(ic) {
		return "version solving failed"
	}
	var pos, neg []string
	for _, t := range ic.terms {
		if s.positive(t) {
			pos = append(pos, s.termText(t))
		} else {
			neg = append(neg, s.termText(s.negate(t)))
		}
	}
	switch {
	case len(pos) == 1 && len(neg) == 0:
		return pos[0] + " is forbidden"
	case len(pos) == 0 && len(neg) == 1:
		return neg[0] + " is required"
	case len(pos) == 0:
		return "one of " + orList(neg) + " is required"
	case len(neg) == 0 && len(pos) == 2:
		return pos[0] + " is incompatible with " + pos[1]
	case len(neg) == 0:
		return andList(pos) + " are incompatible"
	case len(pos) == 1 && len(neg) == 1:
		return pos[0] + " requires " + neg[0]
	}
	return andList(pos) + " require " + orList(neg)
}

func andList(xs []string) string { return joinLast(xs, " and ") }
func orList(xs []string) string  { return joinLast(xs, " or ") }

func joinLast(xs []string, last string) string {
	if len(xs) == 1 {
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + last + xs[len(xs)-1]
}

// termText renders a positive term (the versions a package may take):
// "root", "torch" (any version), "torch 2.8.0", "torch >=2.8.0" (a run
// reaching the newest), "torch <=2.4.1" (a run reaching the oldest), "torch
// >=2.5.1,<=2.7.1", or a short list of versions.
func (s *solver) termText(t term) string {
	p := s.pkgs[t.pkg]
	if t.pkg == rootID {
		return "root"
	}
	idx := t.set.indexes(p.n)
	name := p.display()
	switch {
	case len(idx) == 0:
		return "no version of " + name
	case len(idx) == p.n && p.n > 1:
		return name
	case len(idx) == 1:
		return name + " " + p.cands[idx[0]].Version.String()
	}
	hi, lo := idx[0], idx[len(idx)-1]
	if lo-hi+1 == len(idx) {
		switch {
		case hi == 0:
			return name + " >=" + p.cands[lo].Version.String()
		case lo == p.n-1:
			return name + " <=" + p.cands[hi].Version.String()
		}
		return name + " >=" + p.cands[lo].Version.String() + ",<=" + p.cands[hi].Version.String()
	}
	var vs []string
	for k := len(idx) - 1; k >= 0; k-- {
		vs = append(vs, p.cands[idx[k]].Version.String())
	}
	if len(vs) > 5 {
		return fmt.Sprintf("%s %s, … (%d versions)", name, strings.Join(vs[:4], ", "), len(vs))
	}
	return name + " " + orList(vs)
}
