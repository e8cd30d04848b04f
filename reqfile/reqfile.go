// Package reqfile reads and writes pip requirements files.
//
// The reader follows pip 24.2 (pip/_internal/req/req_file.py and
// req/constructors.py), not a written specification, since none exists:
//
//   - The file is decoded as pip's auto_decode does (byte order marks,
//     a PEP 263 coding comment in the first two lines, else UTF-8) and split
//     into lines as Python's str.splitlines does.
//   - A line ending in '\' is joined with the next one (backslashes are
//     trimmed from both ends of the continued line; a comment line is never
//     continued); a trailing '\' on the last line is dropped. The joined
//     line keeps the number of its first line.
//   - A comment starts at '#' at the beginning of a line or after
//     whitespace, so "#egg=" and "#sha256=" inside URLs survive.
//   - ${NAME}, NAME made of A-Z, 0-9 and '_', is replaced by the variable's
//     value from ParseOptions.Getenv when it is set and not empty; anything
//     else is left as written. Deviation: inside a URL's userinfo
//     (https://user:${TOKEN}@host) it is left as written, so that a secret
//     never enters what zgpu prints or writes (pip expands it when it
//     installs; package fetch does when it sends the request).
//   - A line is split at the first space-separated word that starts with
//     '-': the words before are the requirement, the rest are options,
//     split like a POSIX shell (shlex) and parsed like Python's optparse
//     (long options may be abbreviated, "--opt=value" and "--opt value",
//     clustered short options "-rfile"). Options pip ignores on a
//     requirement line, and words its option parser ignores, give a
//     Warning.
//   - -r/--requirement and -c/--constraint include another file relative
//     to the including one; a line holding them is an include and nothing
//     else, as in pip. A -r inside a constraints file reads requirements.
//     URLs are recorded in File.Includes and not fetched. Cycles, which pip
//     would recurse into forever, are an error naming the cycle.
//   - A requirement is a PEP 508 requirement (markers after ';'), a URL
//     (http, https, file, ftp or a VCS scheme; markers after "; ", so a
//     ';' inside a URL stays), or a local path (a '/' or a leading '.', or
//     an archive file name), optionally with [extras]. A URL or path is
//     named from a wheel file name (name==version, as pip) or an #egg=
//     fragment; otherwise Req.Name is "" (pip names those only after
//     building them; Requirement.ProjectName guesses). Like pip, a file:
//     URL holding "../" loses its #egg= name (pip rebuilds the URL from its
//     path); Req.URL keeps the URL as written.
//   - -e/--editable takes a local folder (with [extras]), a file: URL or a
//     VCS URL with #egg=; pip reads nothing after the -e value, so markers
//     on an editable line are dropped (with a Warning).
//   - Trailing [extras] on a non-URL line replace the requirement's own
//     (pip reads them as if the line were a path), lowercased.
//   - Options have pip's effect (see Options); --trusted-host values are
//     checked as Python's urllib checks them (a host, a numeric port,
//     balanced IPv6 brackets), since pip fails on the others.
//
// Deviations: pip looks at the disk for paths (relative to the current
// directory, not to the file): it rejects a folder that does not exist or
// holds no setup.py or pyproject.toml, and it reads "./x" as a path only
// when such a folder exists. This package never touches the disk for
// requirements: a string that looks like a path and is not a valid PEP 508
// requirement is a Path requirement, and a non-URL editable is a folder.
// Cycles and include nesting deeper than 64 files are errors (pip
// recurses until Python's recursion limit). Error messages are ours, not
// pip's; the set of rejected lines is pip's, checked by differential tests
// against pip 24.2 over the corpus, hand-written edge cases and generated
// lines.
package reqfile

import (
	"fmt"
	"strconv"

	"github.com/zgpu/zgpu/internal/redact"
)

// Origin is where an item was written: file, 1-based line and 1-based byte
// column.
type Origin struct {
	File         string
	Line, Column int
}

func (o Origin) String() string {
	return o.File + ":" + strconv.Itoa(o.Line) + ":" + strconv.Itoa(o.Column)
}

// Error is a line pip rejects.
type Error struct {
	// Origin is where the offending text starts.
	Origin Origin
	// StartLine is the first line of the logical line (the line number
	// pip reports), which differs from Origin.Line after continuations.
	StartLine int
	Msg       string // what is wrong and what was expected
	Text      string // the offending logical line
	Hint      string // a suggestion, or ""
	Err       error  // the underlying error, if any
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %s", e.Origin, e.Msg)
	if e.Text != "" {
		// The line as read: cut to a window and redacted, since a file
		// that is not a requirements file (-r /proc/self/environ) may hold
		// anything.
		s += ": " + strconv.Quote(redact.Around(e.Text, 0))
	}
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Warning is something pip accepts but ignores or may misread.
type Warning struct {
	Origin  Origin
	Message string
}

func (w Warning) String() string { return w.Origin.String() + ": " + w.Message }

// Kind says how a requirement line names what to install.
type Kind int

const (
	// Named is a PEP 508 requirement: name[extras] specifiers, or
	// name[extras] @ url; markers after ';'.
	Named Kind = iota
	// URL is a bare URL: an archive, a VCS URL (git+https://...@rev) or a
	// file: URL; markers after "; ".
	URL
	// Path is a bare local path: a folder or an archive file.
	Path
)

func (k Kind) String() string {
	switch k {
	case URL:
		return "url"
	case Path:
		return "path"
	}
	return "named"
}
