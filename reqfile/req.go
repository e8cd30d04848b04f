package reqfile

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/zgpu/zgpu/pep508"
)

// vcsSchemes are the URL schemes of pip's version control backends.
var vcsSchemes = map[string]bool{
	"git+http": true, "git+https": true, "git+ssh": true, "git+git": true, "git+file": true,
	"hg+file": true, "hg+http": true, "hg+https": true, "hg+ssh": true, "hg+static-http": true,
	"svn+ssh": true, "svn+http": true, "svn+https": true, "svn+svn": true, "svn+file": true,
	"bzr+http": true, "bzr+https": true, "bzr+ssh": true, "bzr+sftp": true, "bzr+ftp": true, "bzr+lp": true, "bzr+file": true,
}

// urlScheme returns the scheme of s as Python's urlsplit finds it: the
// lowercased text before the first ':' when it starts with an ASCII letter
// and holds only letters, digits, '+', '-' and '.'.
func urlScheme(s string) string {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return ""
	}
	c := s[0]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return ""
	}
	for j := 0; j < i; j++ {
		c := s[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return ""
		}
	}
	return strings.ToLower(s[:i])
}

// isURL reports whether pip takes s for a URL: its scheme is http, https,
// file, ftp or a VCS scheme.
func isURL(s string) bool {
	switch sc := urlScheme(s); sc {
	case "http", "https", "file", "ftp":
		return true
	default:
		return vcsSchemes[sc]
	}
}

// looksLikePath is pip's _looks_like_path on POSIX: a '/' or a leading '.'.
func looksLikePath(s string) bool {
	return strings.Contains(s, "/") || strings.HasPrefix(s, ".")
}

var archiveExts = []string{".zip", ".whl", ".tar.bz2", ".tbz", ".tar.gz", ".tgz", ".tar", ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma"}

// archiveExt returns the archive extension of a file name as pip's
// splitext finds it (".tar" joins the extension after it), or "".
func archiveExt(name string) string {
	base := path.Base(name)
	ext := path.Ext(base)
	if base == ext { // ".whl" alone is a hidden file, not an extension
		ext = ""
	}
	stem := strings.TrimSuffix(base, ext)
	if strings.HasSuffix(strings.ToLower(stem), ".tar") {
		ext = stem[len(stem)-4:] + ext
	}
	lower := strings.ToLower(ext)
	for _, a := range archiveExts {
		if lower == a {
			return ext
		}
	}
	return ""
}

// stripExtras splits "path[extra,...]" into the path and "[extra,...]" as
// pip's `^(.+)(\[[^\]]+\])$` does: a non-empty path, then a bracket group
// holding no ']' that ends the string.
func stripExtras(s string) (string, string) {
	n := len(s)
	if n < 4 || s[n-1] != ']' {
		return s, ""
	}
	j := strings.LastIndexByte(s[:n-1], '[')
	if j < 1 || j+1 >= n-1 || strings.IndexByte(s[j+1:n-1], ']') >= 0 {
		return s, ""
	}
	return s[:j], s[j:]
}

var eggRE = regexp.MustCompile(`[#&]egg=([^&]*)`)

// eggFragment returns the value of the first #egg= or &egg= in u.
func eggFragment(u string) (string, bool) {
	m := eggRE.FindStringSubmatch(u)
	if m == nil {
		return "", false
	}
	return m[1], true
}

var wheelRE = regexp.MustCompile(`^(?P<name>[^\s-]+?)-(?P<ver>[^\s-]*?)(?:(?:-\d[^-]*?)?-[^\s-]+?-[^\s-]+?-[^\s-]+?\.whl|\.dist-info)$`)

// urlFilename returns the unquoted last path segment of a URL, as pip's
// Link.filename (without the netloc fallback).
func urlFilename(u string) string {
	p := u
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if i := strings.Index(p, "://"); i >= 0 {
		p = p[i+3:]
		if j := strings.IndexByte(p, '/'); j >= 0 {
			p = p[j:]
		} else {
			p = ""
		}
	} else if i := strings.IndexByte(p, ':'); i >= 0 {
		p = p[i+1:]
	}
	if up, err := url.PathUnescape(p); err == nil {
		p = up
	} else {
		p = lenientUnquote(p)
	}
	p = strings.TrimRight(p, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	return p
}

// lenientUnquote decodes the valid %XX escapes of s and keeps the rest,
// like Python's urllib.parse.unquote.
func lenientUnquote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func ishex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// A reqError is a requirement that pip rejects; off is the byte offset in
// the requirement text, hint an optional suggestion.
type reqError struct {
	off  int
	msg  string
	hint string
	err  error
}

func (e *reqError) Error() string { return e.msg }

func (e *reqError) Unwrap() error { return e.err }

// syntaxError wraps a pep508 error met at byte offset off: a
// *pep508.SyntaxError moves the offset to where it points and gives its
// message without the input repeated.
func syntaxError(what string, off int, err error) *reqError {
	var se *pep508.SyntaxError
	if errors.As(err, &se) {
		return &reqError{off: off + se.Offset, msg: what + ": " + se.Msg, err: err}
	}
	return &reqError{off: off, msg: fmt.Sprintf("%s: %v", what, err), err: err}
}

// nameFromURL names a URL or path requirement as pip does: a wheel file
// gives name==version (underscores read as dashes), otherwise an #egg=
// fragment gives the requirement; else the requirement is unnamed.
func nameFromURL(u string, isPathArchive bool) (pep508.Requirement, error) {
	fn := urlFilename(u)
	if isPathArchive {
		fn = path.Base(u)
	}
	if path.Ext(fn) == ".whl" {
		m := wheelRE.FindStringSubmatch(fn)
		if m == nil {
			return pep508.Requirement{}, &reqError{msg: fmt.Sprintf("%s is not a valid wheel filename (expected name-version[-build]-python-abi-platform.whl)", fn)}
		}
		s := strings.ReplaceAll(m[1], "_", "-") + "==" + strings.ReplaceAll(m[2], "_", "-")
		r, err := pep508.ParseRequirement(s)
		if err != nil {
			return r, &reqError{msg: fmt.Sprintf("wheel filename %s gives the invalid requirement %q: %v", fn, s, err)}
		}
		return r, nil
	}
	if isPathArchive {
		return pep508.Requirement{}, nil
	}
	egg, ok := eggFragment(u)
	if !ok {
		return pep508.Requirement{}, nil
	}
	r, err := pep508.ParseRequirement(egg)
	if err != nil {
		return r, &reqError{msg: fmt.Sprintf("invalid #egg= name %q: %v", egg, err)}
	}
	return r, nil
}

// parseRequirement reads a requirement as pip's parse_req_from_line does,
// without looking at the file system: see the package documentation.
func parseRequirement(text string) (pep508.Requirement, Kind, error) {
	s := text
	u := isURL(s)
	sep := ";"
	if u {
		sep = "; "
	}
	var marker *pep508.Marker
	if i := strings.Index(s, sep); i >= 0 {
		ms := strings.TrimFunc(s[i+len(sep):], isPySpace)
		s = s[:i]
		if ms != "" {
			m, err := pep508.ParseMarker(ms)
			if err != nil {
				off := i + len(sep) + strings.Index(text[i+len(sep):], ms)
				return pep508.Requirement{}, Named, syntaxError("invalid marker", off, err)
			}
			marker = m
		}
	}
	s = strings.TrimFunc(s, isPySpace)
	if u {
		nameURL := s
		if urlScheme(s) == "file" && strings.Contains(s, "../") {
			// pip rebuilds a file: URL holding "../" from its absolute
			// path, dropping the query and fragment (so #egg= too).
			if i := strings.IndexAny(s, "?#"); i >= 0 {
				nameURL = s[:i]
			}
		}
		r, err := nameFromURL(nameURL, false)
		if err != nil {
			return r, URL, err
		}
		r.URL = s
		r.Marker = marker
		return r, URL, nil
	}
	p, extras := stripExtras(s)
	if extras == "" && strings.HasPrefix(s, "[") {
		// pip strips extras from the absolute path: "[...]" alone is
		// extras on the current folder.
		if _, e := stripExtras("." + s); e != "" {
			p, extras = ".", e
		}
	}
	if archiveExt(p) != "" {
		before, _, hasAt := strings.Cut(s, "@")
		if !hasAt || looksLikePath(before) {
			return pathRequirement(s, p, extras, marker, true)
		}
	}
	r, err := pep508.ParseRequirement(s)
	if err != nil {
		// An archive name here had an '@' after a non-path: pip read it
		// as "name @ url" and rejects it.
		if looksLikePath(s) && archiveExt(p) == "" {
			// pip installs an existing folder here; see the package doc.
			return pathRequirement(s, p, extras, marker, false)
		}
		e := syntaxError("invalid requirement", len(text)-len(strings.TrimLeftFunc(text, isPySpace)), err)
		if hasLoneEquals(s) {
			e.hint = fmt.Sprintf("did you mean %q?", fixEquals(s))
		}
		return r, Named, e
	}
	if marker != nil {
		r.Marker = marker
	}
	if extras != "" {
		// pip takes trailing [extras] off the line as if it were a path,
		// and they replace the requirement's own.
		x, err := pep508.ParseRequirement("placeholder" + strings.ToLower(extras))
		if err != nil {
			return r, Named, &reqError{off: len(p), msg: fmt.Sprintf("invalid extras %q: %v", extras, err), err: err}
		}
		r.Extras = x.Extras
	}
	return r, Named, nil
}

// pathRequirement builds a Path requirement; s is the path as written with
// any extras, p the path without them.
func pathRequirement(s, p, extras string, marker *pep508.Marker, archive bool) (pep508.Requirement, Kind, error) {
	var r pep508.Requirement
	if archive {
		var err error
		if r, err = nameFromURL(p, true); err != nil {
			return r, Path, err
		}
	}
	if extras != "" {
		x, err := pep508.ParseRequirement("placeholder" + strings.ToLower(extras))
		if err != nil {
			return r, Path, &reqError{off: len(p), msg: fmt.Sprintf("invalid extras %q: %v", extras, err)}
		}
		r.Extras = x.Extras
	}
	r.URL = p
	r.Marker = marker
	return r, Path, nil
}

// hasLoneEquals reports pip's hint condition: an '=' but no specifier
// operator.
func hasLoneEquals(s string) bool {
	if !strings.Contains(s, "=") {
		return false
	}
	for _, op := range []string{"~=", "==", "!=", "<=", ">=", "<", ">", "==="} {
		if strings.Contains(s, op) {
			return false
		}
	}
	return true
}

// fixEquals replaces the first lone '=' with "==".
func fixEquals(s string) string {
	return strings.Replace(s, "=", "==", 1)
}

// parseEditable reads the value of -e as pip's parse_editable does: a
// local folder (optionally with [extras]), a file: URL, or a VCS URL with
// an #egg= name ("git:..." style URLs get their "git+" added).
func parseEditable(text string) (pep508.Requirement, Kind, error) {
	if text == "" {
		return pep508.Requirement{}, Path, &reqError{msg: "expected a local folder or a VCS URL after -e"}
	}
	noExtras, extras := stripExtras(text)
	var r pep508.Requirement
	if strings.HasPrefix(strings.ToLower(noExtras), "file:") || !isURL(noExtras) && !hasVCSPrefix(text) {
		kind := Path
		if strings.HasPrefix(strings.ToLower(noExtras), "file:") {
			kind = URL
			if egg, ok := eggFragment(noExtras); ok {
				var err error
				if r, err = pep508.ParseRequirement(egg); err != nil {
					return r, kind, &reqError{msg: fmt.Sprintf("invalid #egg= name %q: %v", egg, err)}
				}
			}
		}
		if extras != "" {
			x, err := pep508.ParseRequirement("placeholder" + strings.ToLower(extras))
			if err != nil {
				return r, kind, &reqError{off: len(noExtras), msg: fmt.Sprintf("invalid extras %q: %v", extras, err)}
			}
			r.Extras = x.Extras
		}
		r.URL = noExtras
		return r, kind, nil
	}
	u := text
	for _, v := range []string{"bzr", "git", "hg", "svn"} {
		if strings.HasPrefix(strings.ToLower(u), v+":") {
			u = v + "+" + u
			break
		}
	}
	if !vcsSchemes[urlScheme(u)] {
		return r, URL, &reqError{msg: "not a valid editable requirement: expected a path to a local project or a VCS URL (git+https://..., hg+..., svn+..., bzr+...)"}
	}
	egg, ok := eggFragment(u)
	if !ok || egg == "" {
		return r, URL, &reqError{msg: "cannot tell the project name of an editable VCS URL", hint: "add #egg=<name> to the URL"}
	}
	r, err := pep508.ParseRequirement(egg)
	if err != nil {
		return r, URL, &reqError{msg: fmt.Sprintf("invalid #egg= name %q: %v", egg, err)}
	}
	r.URL = text
	return r, URL, nil
}

// hasVCSPrefix reports a "git:", "hg:", "svn:" or "bzr:" prefix.
func hasVCSPrefix(s string) bool {
	l := strings.ToLower(s)
	for _, v := range []string{"bzr:", "git:", "hg:", "svn:"} {
		if strings.HasPrefix(l, v) {
			return true
		}
	}
	return false
}

// ProjectName returns the project r installs and where the name comes
// from: "requirement" (a PEP 508 name), "wheel" (a wheel file name), "egg"
// (an #egg= fragment); when Req.Name is empty, which pip resolves only by
// building the project, a guess: "repository" (the repository name of a
// VCS URL, without ".git") or "sdist" (the name part of an sdist file name,
// name-version.tar.gz, .zip, ...). It returns "", "" when nothing names the
// project.
func (r Requirement) ProjectName() (name, source string) {
	if r.Kind == Named {
		if r.Req.Name == "" {
			return "", ""
		}
		return r.Req.Name, "requirement"
	}
	fn := urlFilename(r.Req.URL)
	if r.Kind == Path {
		fn = path.Base(r.Req.URL)
	}
	if r.Req.Name != "" {
		if path.Ext(fn) == ".whl" {
			return r.Req.Name, "wheel"
		}
		return r.Req.Name, "egg"
	}
	if vcsSchemes[urlScheme(r.Req.URL)] {
		return repoName(r.Req.URL), "repository"
	}
	ext := archiveExt(fn)
	if ext == "" || strings.EqualFold(ext, ".whl") {
		return "", ""
	}
	stem := fn[:len(fn)-len(ext)]
	for i := len(stem) - 1; i > 0; i-- {
		if stem[i] == '-' && i+1 < len(stem) && stem[i+1] >= '0' && stem[i+1] <= '9' {
			return stem[:i], "sdist"
		}
	}
	return "", ""
}

// trustedHost splits a --trusted-host value into host and port as pip's
// parse_netloc does through Python's urllib: "https://" is put before it
// (an IPv6 address with two colons gets brackets), the netloc ends at '/',
// '?' or '#', user info before '@' is dropped, the host is lowercased and
// the port must be a number from 0 to 65535. Python rejects unbalanced
// brackets and bad ports, so pip fails on them; so do we.
func trustedHost(v string) (host string, port int, hasPort bool, err error) {
	netloc := v
	if strings.Count(v, ":") >= 2 && !strings.Contains(v, "@") && !strings.Contains(v, "[") {
		netloc = "[" + v + "]"
	}
	if i := strings.IndexAny(netloc, "/?#"); i >= 0 {
		netloc = netloc[:i]
	}
	if strings.Contains(netloc, "[") != strings.Contains(netloc, "]") {
		return "", 0, false, fmt.Errorf("invalid trusted host %q: unbalanced brackets (expected an IPv6 address in [])", v)
	}
	if _, after, ok := strings.Cut(netloc, "["); ok {
		b, _, _ := strings.Cut(after, "]")
		if !validBracketHost(b) {
			return "", 0, false, fmt.Errorf("invalid trusted host %q: %q is not an IPv6 address", v, b)
		}
	}
	if i := strings.LastIndexByte(netloc, '@'); i >= 0 {
		netloc = netloc[i+1:]
	}
	var p string
	if _, after, ok := strings.Cut(netloc, "["); ok {
		host, p, _ = strings.Cut(after, "]")
		_, p, _ = strings.Cut(p, ":")
	} else {
		host, p, _ = strings.Cut(netloc, ":")
	}
	host = strings.ToLower(host)
	if host == "" {
		return "", 0, false, fmt.Errorf("invalid trusted host %q: expected a host name", v)
	}
	if p == "" {
		return host, 0, false, nil
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return "", 0, false, fmt.Errorf("invalid trusted host %q: port %q is not a number", v, p)
		}
	}
	n, err := strconv.Atoi(p)
	if err != nil || n > 65535 {
		return "", 0, false, fmt.Errorf("invalid trusted host %q: port %s out of range 0-65535", v, p)
	}
	return host, n, true, nil
}

var ipvFutureRE = regexp.MustCompile(`^v[a-fA-F0-9]+\..+$`)

// validBracketHost is Python's check of a host in brackets: an IPv6
// address (with an optional zone) or an IPvFuture literal.
func validBracketHost(h string) bool {
	if strings.HasPrefix(h, "v") {
		return ipvFutureRE.MatchString(h)
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.Is6()
}

// repoName returns the last path segment of a VCS URL without "@rev",
// query, fragment or ".git".
func repoName(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	u = strings.TrimRight(u, "/")
	seg := u[strings.LastIndexByte(u, '/')+1:]
	if i := strings.IndexByte(seg, '@'); i >= 0 && strings.Contains(u, "/") {
		seg = seg[:i]
	}
	return strings.TrimSuffix(seg, ".git")
}
