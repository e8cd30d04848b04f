package reqfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/zgpu/zgpu/internal/inputfile"
	"github.com/zgpu/zgpu/internal/redact"
	"github.com/zgpu/zgpu/pep508"
)

// Requirement is one requirement line.
type Requirement struct {
	// Req is the requirement as pip builds it. Req.Name is "" for an
	// unnamed URL or path; for a bare URL or path Req.URL holds it as
	// written (relative paths stay relative).
	Req  pep508.Requirement
	Kind Kind
	// Line is the logical line as written: continuations joined, comment
	// removed, variables expanded (except in a URL's userinfo).
	Line           string
	Editable       bool
	Hashes         []string // "sha256:<hex>", in order
	ConfigSettings map[string][]string
	GlobalOptions  []string
	Constraint     bool // read from a -c file
	Origin         Origin
}

// Options are the pip options a requirements file sets, with pip's
// semantics: an --index-url line replaces the index list (dropping extra
// index URLs seen before it), --no-index drops the index list and makes
// later index options no-ops, only the first -f of a line counts, and
// --no-binary/--only-binary edit one shared format control.
type Options struct {
	IndexURL       string // "" for pip's default
	ExtraIndexURLs []string
	NoIndex        bool
	FindLinks      []string // as written
	TrustedHosts   []string // as written; one per host and port
	NoBinary       []string // canonical names, ":all:"
	OnlyBinary     []string
	PreferBinary   bool
	Pre            bool
	RequireHashes  bool
	Features       []string // --use-feature
}

// OptionLine is one option as written on an option line, in file order.
type OptionLine struct {
	Name   string // the long name: "--index-url"
	Value  string // "" for a flag
	Origin Origin
}

// Include is a -r or -c line.
type Include struct {
	Path       string // joined with the including file's folder, or the URL
	Constraint bool   // -c
	URL        bool   // a URL: recorded, not fetched
	Origin     Origin
}

// File is everything read from a requirements file and its includes.
type File struct {
	Requirements []Requirement // in pip's order (includes expanded in place)
	Options      Options
	OptionLines  []OptionLine
	Includes     []Include
	Files        []string // every file read, in order, once each
	Warnings     []Warning
	// Errors are the lines pip rejects, in order, when
	// ParseOptions.KeepGoing is set; otherwise the first one is returned
	// as the error and Errors is empty.
	Errors []*Error
}

// ParseOptions configure reading.
type ParseOptions struct {
	// Getenv looks up ${NAME} variables; nil leaves them as written.
	Getenv func(name string) (string, bool)
	// NoIncludes records -r/-c lines without reading the files.
	NoIncludes bool
	// ReadFile reads included files; nil means inputfile.ReadFile.
	ReadFile func(path string) ([]byte, error)
	// Dir, when set, is the folder pip runs in (a Space's root): a line
	// that looks like a path to a folder (not an archive) is then an error
	// unless that folder exists, as pip rejects it ("It looks like a path.
	// File ... does not exist"). Empty, paths are not checked.
	Dir string
	// KeepGoing records a line pip rejects in File.Errors and reads on,
	// instead of failing at the first one, so that a report can show
	// everything else the file holds; an include that cannot be read is an
	// error of its -r line. A file that cannot be decoded still fails.
	KeepGoing bool
}

// ParseFile reads the requirements file at path and the files it includes.
func ParseFile(path string, opts ParseOptions) (*File, error) {
	read := opts.ReadFile
	if read == nil {
		read = inputfile.ReadFile
	}
	data, err := read(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data, opts)
}

// Parse reads requirements text; name is its path, used in origins and to
// find included files.
func Parse(name string, data []byte, opts ParseOptions) (*File, error) {
	p := &parser{opts: opts, f: &File{}, seen: map[string]bool{}}
	if p.opts.ReadFile == nil {
		p.opts.ReadFile = inputfile.ReadFile
	}
	if err := p.parse(name, data, false); err != nil {
		return nil, err
	}
	return p.f, nil
}

type parser struct {
	opts  ParseOptions
	f     *File
	stack []string // files being read, by key
	names []string // the same, as displayed
	seen  map[string]bool
}

// maxDepth bounds include nesting: a path that grows through a symbolic
// link to its own folder never repeats, and pip would recurse until Python
// gives up.
const maxDepth = 64

// fileKey names a file for cycle detection: its absolute path with
// symbolic links resolved when it exists.
func fileKey(name string) string {
	if r, err := filepath.EvalSymlinks(name); err == nil {
		name = r
	}
	if a, err := filepath.Abs(name); err == nil {
		return a
	}
	return filepath.Clean(name)
}

func (p *parser) parse(name string, data []byte, constraint bool) error {
	key := fileKey(name)
	p.stack = append(p.stack, key)
	p.names = append(p.names, name)
	defer func() {
		p.stack = p.stack[:len(p.stack)-1]
		p.names = p.names[:len(p.names)-1]
	}()
	if !p.seen[key] {
		p.seen[key] = true
		p.f.Files = append(p.f.Files, name)
	}
	text, err := decode(data)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	lines := preprocess(text, p.opts.Getenv)
	// Most logical lines are requirements: room for them all at once.
	p.f.Requirements = slices.Grow(p.f.Requirements, len(lines))
	for _, l := range lines {
		if err := p.line(name, &l, constraint); err != nil {
			var e *Error
			if !p.opts.KeepGoing || !errors.As(err, &e) {
				return err
			}
			p.f.Errors = append(p.f.Errors, e)
		}
	}
	return nil
}

// breakArgsOptions splits a line at the first space-separated word that
// starts with '-', like pip's break_args_options; it returns the offset of
// the options part (len(s) when there is none).
func breakArgsOptions(s string) (args string, optOff int) {
	off := 0
	for {
		if strings.HasPrefix(s[off:], "-") {
			if off == 0 {
				return "", 0
			}
			return s[:off-1], off
		}
		i := strings.IndexByte(s[off:], ' ')
		if i < 0 {
			return s, len(s)
		}
		off += i + 1
	}
}

func (p *parser) origin(file string, l *logicalLine, off int) Origin {
	line, col := l.pos(off)
	return Origin{File: file, Line: line, Column: col}
}

func (p *parser) warn(o Origin, format string, args ...any) {
	p.f.Warnings = append(p.f.Warnings, Warning{o, fmt.Sprintf(format, args...)})
}

func (p *parser) line(file string, l *logicalLine, constraint bool) error {
	text := l.text
	args, optOff := breakArgsOptions(text)
	optStr := ""
	if optOff < len(text) {
		optStr = text[optOff:]
	}
	words, err := shellSplit(optStr)
	if err != nil {
		off := optOff
		var qe *quoteError
		if errors.As(err, &qe) {
			off += qe.off
		}
		return &Error{Origin: p.origin(file, l, off), StartLine: l.line, Msg: "cannot split options: " + err.Error(), Text: text}
	}
	for i := range words {
		words[i].off += optOff
	}
	lo, err := parseOptions(words)
	if err != nil {
		var oe *optError
		off := optOff
		if errors.As(err, &oe) {
			off = oe.off
		}
		return &Error{Origin: p.origin(file, l, off), StartLine: l.line, Msg: err.Error(), Text: text}
	}
	// --no-binary and --only-binary act while the line is parsed, on
	// every kind of line.
	for _, v := range lo.opts {
		switch v.def.dest {
		case "no_binary":
			p.f.Options.NoBinary, p.f.Options.OnlyBinary = formatControl(v.value, p.f.Options.NoBinary, p.f.Options.OnlyBinary)
		case "only_binary":
			p.f.Options.OnlyBinary, p.f.Options.NoBinary = formatControl(v.value, p.f.Options.OnlyBinary, p.f.Options.NoBinary)
		}
	}
	switch {
	case args != "":
		return p.requirement(file, l, args, 0, false, lo, constraint)
	case lo.has("editables"):
		e := lo.get("editables")[0]
		return p.requirement(file, l, e.value, e.off, true, lo, constraint)
	case lo.has("requirements") || lo.has("constraints"):
		return p.include(file, l, lo)
	}
	return p.options(file, l, lo)
}

func (p *parser) requirement(file string, l *logicalLine, text string, off int, editable bool, lo *lineOptions, constraint bool) error {
	// A requirement is on the first line of its logical line, as in pip,
	// even when that line held only a continuation.
	o := p.origin(file, l, off)
	if o.Line != l.line {
		o.Line, o.Column = l.line, 1
	}
	r := Requirement{Line: l.text, Editable: editable, Constraint: constraint, Origin: o}
	var err error
	if editable {
		r.Req, r.Kind, err = parseEditable(text)
	} else {
		r.Req, r.Kind, err = parseRequirement(text)
	}
	if err == nil && !editable {
		err = p.checkFolder(r)
	}
	if err != nil {
		e := &Error{Origin: p.origin(file, l, off), StartLine: l.line, Msg: err.Error(), Text: l.text, Err: err}
		var re *reqError
		if errors.As(err, &re) {
			e.Hint = re.hint
			if !editable {
				e.Origin = p.origin(file, l, off+re.off)
			}
		}
		return e
	}
	if editable && len(lo.extra) > 0 {
		p.warn(o, "pip ignores %q after the -e value", joinWords(lo.extra))
	}
	var ignored []optValue
	for _, v := range lo.opts {
		switch v.def.dest {
		case "hashes":
			if editable {
				p.warn(o, "pip ignores --hash on an editable requirement")
				continue
			}
			r.Hashes = append(r.Hashes, v.value)
		case "global_options":
			if editable {
				p.warn(o, "pip ignores --global-option on an editable requirement")
				continue
			}
			r.GlobalOptions = append(r.GlobalOptions, v.value)
		case "config_settings":
			k, val, _ := strings.Cut(v.value, "=")
			if r.ConfigSettings == nil {
				r.ConfigSettings = map[string][]string{}
			}
			r.ConfigSettings[k] = append(r.ConfigSettings[k], val)
		case "editables":
			if !editable {
				p.warn(p.origin(file, l, v.off), "pip ignores -e %s on a line that already holds a requirement", v.value)
			}
		case "no_binary", "only_binary":
			// applied already
		default:
			ignored = append(ignored, v)
		}
	}
	// One warning per line for the options pip ignores there.
	if len(ignored) == 1 {
		p.warn(p.origin(file, l, ignored[0].off), "pip ignores %s on a requirement line; put it on a line of its own", ignored[0].name)
	} else if len(ignored) > 1 {
		var names []string
		for _, v := range ignored {
			names = append(names, v.name)
		}
		p.warn(p.origin(file, l, ignored[0].off), "pip ignores %s on a requirement line; put each on a line of its own", strings.Join(names, " and "))
	}
	if r.Req.Name == "" {
		msg := fmt.Sprintf("%s names no project (no #egg= and not a wheel); pip learns the name only by building it", r.Req.URL)
		if name, from := r.ProjectName(); name != "" {
			msg += fmt.Sprintf("; its %s name suggests %q", from, name)
		}
		p.warn(o, "%s", msg)
	}
	if !editable && len(lo.extra) > 0 {
		p.warn(o, "pip ignores %q among the options of a requirement line", joinWords(lo.extra))
	}
	p.f.Requirements = append(p.f.Requirements, r)
	return nil
}

// checkFolder applies pip's rule for a line that looks like a path and is
// not an archive: it names a folder that exists (relative to Dir, where pip
// runs), or pip reads it as a requirement and rejects it. Lines of a file
// that is not a requirements file at all (-r /etc/passwd) fail here.
func (p *parser) checkFolder(r Requirement) error {
	if p.opts.Dir == "" || r.Kind != Path || archiveExt(r.Req.URL) != "" {
		return nil
	}
	dir := r.Req.URL
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(p.opts.Dir, dir)
	}
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return nil
	}
	return &reqError{msg: fmt.Sprintf("invalid requirement: it looks like a path, and no folder %q exists (pip rejects the line)", redact.Quote(r.Req.URL))}
}

var schemeRE = regexp.MustCompile(`(?i)^(http|https|file):`)

func (p *parser) include(file string, l *logicalLine, lo *lineOptions) error {
	v, constraint := optValue{}, false
	if vs := lo.get("requirements"); len(vs) > 0 {
		v = vs[0]
	} else {
		v, constraint = lo.get("constraints")[0], true
	}
	o := p.origin(file, l, v.off)
	if v.value == "" {
		return &Error{Origin: o, StartLine: l.line, Msg: "expected a file name after " + v.name, Text: l.text}
	}
	inc := Include{Path: v.value, Constraint: constraint, Origin: o}
	if schemeRE.MatchString(v.value) {
		inc.URL = true
		p.f.Includes = append(p.f.Includes, inc)
		p.warn(o, "%s is a URL: recorded, not read", v.value)
		return nil
	}
	inc.Path = pyJoin(pyDir(file), v.value)
	p.f.Includes = append(p.f.Includes, inc)
	if p.opts.NoIncludes {
		return nil
	}
	key := fileKey(inc.Path)
	if len(p.stack) >= maxDepth {
		return &Error{Origin: o, StartLine: l.line, Msg: fmt.Sprintf("includes nested deeper than %d files (through symbolic links?)", maxDepth), Text: l.text}
	}
	for i, k := range p.stack {
		if k == key {
			cycle := append(append([]string(nil), p.names[i:]...), inc.Path)
			return &Error{Origin: o, StartLine: l.line, Msg: "include cycle: " + strings.Join(cycle, " -> ")}
		}
	}
	data, err := p.opts.ReadFile(inc.Path)
	if err != nil {
		what := "requirements"
		if constraint {
			what = "constraints"
		}
		return &Error{Origin: o, StartLine: l.line, Msg: fmt.Sprintf("cannot read %s file %s included by %s", what, inc.Path, file), Err: err, Hint: rootCause(err)}
	}
	return p.parse(inc.Path, data, constraint)
}

func rootCause(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// pyDir and pyJoin are Python's os.path.dirname and os.path.join on POSIX.
func pyDir(name string) string {
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return ""
	}
	d := name[:i+1]
	if t := strings.TrimRight(d, "/"); t != "" {
		return t
	}
	return d
}

func pyJoin(dir, name string) string {
	if strings.HasPrefix(name, "/") || dir == "" {
		return name
	}
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

func joinWords(ws []word) string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = w.text
	}
	return strings.Join(s, " ")
}

// options applies an option line as pip's handle_option_line does with a
// package finder.
func (p *parser) options(file string, l *logicalLine, lo *lineOptions) error {
	o := &p.f.Options
	rec := func(v optValue, value string) {
		long := v.def.names[len(v.def.names)-1]
		for _, n := range v.def.names {
			if strings.HasPrefix(n, "--") {
				long = n
				break
			}
		}
		p.f.OptionLines = append(p.f.OptionLines, OptionLine{Name: long, Value: value, Origin: p.origin(file, l, v.off)})
	}
	if len(lo.extra) > 0 {
		p.warn(p.origin(file, l, lo.extra[0].off), "pip ignores %q on an option line", joinWords(lo.extra))
	}
	for _, v := range lo.opts {
		switch v.def.dest {
		case "hashes":
			p.warn(p.origin(file, l, v.off), "--hash without a requirement is ignored")
		case "global_options", "config_settings":
			p.warn(p.origin(file, l, v.off), "%s without a requirement is ignored", v.name)
		default:
			value := v.value
			if !v.def.value {
				value = ""
			}
			rec(v, value)
		}
	}
	if lo.has("require_hashes") {
		o.RequireHashes = true
	}
	for _, v := range lo.get("features_enabled") {
		if !slices.Contains(o.Features, v.value) {
			o.Features = append(o.Features, v.value)
		}
	}
	if lo.has("no_index") {
		o.NoIndex = true
		o.IndexURL = ""
		o.ExtraIndexURLs = nil
	}
	if vs := lo.get("index_url"); len(vs) > 0 && !o.NoIndex {
		o.IndexURL = vs[len(vs)-1].value
		o.ExtraIndexURLs = nil
	}
	if !o.NoIndex {
		for _, v := range lo.get("extra_index_urls") {
			o.ExtraIndexURLs = append(o.ExtraIndexURLs, v.value)
		}
	}
	if vs := lo.get("find_links"); len(vs) > 0 {
		o.FindLinks = append(o.FindLinks, vs[0].value)
		if len(vs) > 1 {
			p.warn(p.origin(file, l, vs[1].off), "pip reads only the first -f/--find-links of a line")
		}
	}
	if lo.has("pre") {
		o.Pre = true
	}
	if lo.has("prefer_binary") {
		o.PreferBinary = true
	}
	for _, v := range lo.get("trusted_hosts") {
		h, port, hasPort, err := trustedHost(v.value)
		if err != nil {
			return &Error{Origin: p.origin(file, l, v.off), StartLine: l.line, Msg: err.Error(), Text: l.text}
		}
		dup := false
		for _, t := range o.TrustedHosts {
			h2, port2, hasPort2, _ := trustedHost(t)
			dup = dup || h2 == h && port2 == port && hasPort2 == hasPort
		}
		if !dup {
			o.TrustedHosts = append(o.TrustedHosts, v.value)
		}
	}
	return nil
}

// formatControl applies one --no-binary or --only-binary value as pip's
// FormatControl.handle_mutual_excludes: comma-separated names are
// canonicalized and added to target and removed from other; ":all:"
// empties both and sets target to ":all:" (ignoring names after it unless
// a ":none:" follows); ":none:" empties target.
func formatControl(value string, target, other []string) ([]string, []string) {
	items := strings.Split(value, ",")
	for {
		i := indexOf(items, ":all:")
		if i < 0 {
			break
		}
		other = nil
		target = []string{":all:"}
		items = items[i+1:]
		if indexOf(items, ":none:") < 0 {
			return target, other
		}
	}
	for _, n := range items {
		if n == ":none:" {
			target = nil
			continue
		}
		n = pep508.NormalizeName(n)
		other = remove(other, n)
		if !slices.Contains(target, n) {
			target = append(target, n)
		}
	}
	return target, other
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func remove(list []string, s string) []string {
	out := list[:0:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
