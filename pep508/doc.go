// Package pep508 parses PEP 508 dependency specifiers and environment
// markers, evaluates markers, and normalizes project names (PEP 503), exactly
// as pypa/packaging 24.1 (the copy vendored by pip 24.2) does.
//
// The grammar is packaging's hand-written parser, not the PEP's:
//
//	requirement  = WS? IDENTIFIER WS? extras WS? details END
//	extras       = ('[' WS? (IDENTIFIER (WS? ',' WS? IDENTIFIER)*)? WS? ']')?
//	details      = '@' WS? URL (WS (';' marker WS?)?)?
//	             | specifier WS? (';' marker WS?)?
//	specifier    = '(' WS? version_many WS? ')' | WS? version_many WS?
//	version_many = (SPECIFIER (WS? ',' WS? SPECIFIER)* (WS? ',')?)?
//	marker       = atom (BOOLOP atom)*
//	atom         = WS? '(' WS? marker WS? ')' WS? | WS? var WS? op WS? var WS?
//	var          = VARIABLE | QUOTED_STRING
//	op           = 'in' | 'not' WS 'in' | '===' | '==' | '~=' | '!=' | '<=' | '>=' | '<' | '>'
//
// WS is [ \t]+; IDENTIFIER is [a-zA-Z0-9][a-zA-Z0-9._-]* between word
// boundaries; URL is [^ \t]+ (so a marker after a URL needs whitespace before
// ';'); END is the end of the input or a final newline; SPECIFIER is one PEP
// 440 specifier as packaging's Specifier regular expression matches it
// (`>= 1.0` is one token). VARIABLE is a PEP 508 variable or one of the
// aliases packaging still accepts (os.name, sys.platform, platform.version,
// platform.machine, platform.python_implementation, python_implementation);
// it is stored under its canonical name. QUOTED_STRING is '...' or "..." and
// is read as a Python string literal (escapes processed), as packaging reads
// it with ast.literal_eval.
//
// Behaviours of packaging that are kept on purpose, though surprising:
//   - Requirement extras are kept as written (sorted, without duplicates);
//     only marker comparisons against extra are normalized.
//   - Only the first comparison of a marker has its extra value rewritten to
//     the canonical name in String (packaging's _normalize_extra_values).
//   - A marker compares with a PEP 440 specifier whenever op+value reads as
//     one, and then raises when the environment side is not a version
//     (platform_release >= "5" against "5.15.0-1057-aws"); otherwise it
//     compares strings, and ~= and === between strings raise. Evaluate
//     reports these as false and EvaluateErr as an *EvalError.
//   - With a quoted string on the left, the right-hand side is looked up in
//     the environment even when it is a quoted string.
//   - String drops redundant double parentheses: `a and ((b or c))` prints
//     as `a and b or c` (Evaluate keeps the parsed grouping).
//
// Deviations: a \N{name} escape in a quoted string is rejected (Python looks
// the name up in its Unicode database); a lone surrogate escape becomes
// U+FFFD. Word characters for \b follow Go's Unicode 15.0 tables, which match
// Python 3.13's except for CJK Extension I (U+2EBF0-U+2EE5D); lowercasing
// matches Python's per character, but not its final-sigma rule. Evaluate
// does not fill in the running interpreter's environment as packaging does:
// a variable missing from env is an error, except extra, which defaults to
// "". Error columns count characters, as packaging's spans do.
//
// The package is checked against packaging itself: the differential test
// runs pip's vendored copy over thousands of generated requirement strings,
// markers and environments and compares every outcome.
package pep508
