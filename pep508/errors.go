package pep508

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/zgpu/zgpu/internal/redact"
)

// SyntaxError is a requirement or marker string that packaging would reject.
// Offset is the byte offset at which something else was expected; Start is
// the byte offset where the offending construct began (the opening bracket
// of an unclosed one, the start of a specifier), equal to Offset when the
// problem is a single place.
type SyntaxError struct {
	Input  string
	Offset int
	Start  int
	Msg    string // what was expected, e.g. "expected ')'"
}

// Column returns the 1-based column (in characters) of Offset.
func (e *SyntaxError) Column() int { return column(e.Input, e.Offset) }

// StartColumn returns the 1-based column (in characters) of Start.
func (e *SyntaxError) StartColumn() int { return column(e.Input, e.Start) }

// Error returns e.g. `pep508: expected ')' at column 13 in "torch (>=2.8"`.
// A long input is quoted only around the column, and URL credentials are
// redacted.
func (e *SyntaxError) Error() string {
	return "pep508: " + e.Msg + " at column " + strconv.Itoa(e.Column()) + " in " + strconv.Quote(redact.Around(e.Input, e.Offset))
}

func column(s string, off int) int {
	if off > len(s) {
		off = len(s)
	}
	return utf8.RuneCountInString(s[:off]) + 1
}

// EvalError is a marker comparison that packaging refuses to evaluate:
// a variable missing from the environment, a version comparison whose
// left-hand side is not a PEP 440 version, or ~= or === between strings
// that are not versions.
type EvalError struct {
	Op, LHS, RHS string // the comparison, after variables were substituted
	Variable     string // set when the environment lacks this variable
	Msg          string
}

// Error returns e.g. `pep508: undefined comparison "~=" on "posix" and "nt"`.
func (e *EvalError) Error() string { return "pep508: " + e.Msg }

func undefinedName(name string) *EvalError {
	return &EvalError{Variable: name, Msg: fmt.Sprintf("undefined environment name %q", name)}
}

func undefinedComparison(op, lhs, rhs string) *EvalError {
	return &EvalError{Op: op, LHS: lhs, RHS: rhs,
		Msg: fmt.Sprintf("undefined comparison %q on %q and %q", op, lhs, rhs)}
}

func invalidVersion(op, lhs, rhs string, err error) *EvalError {
	return &EvalError{Op: op, LHS: lhs, RHS: rhs,
		Msg: fmt.Sprintf("cannot compare %q %s %q: left side is not a version: %v", lhs, op, rhs, err)}
}
