package reqfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/zgpu/zgpu/internal/atomicfile"
	"github.com/zgpu/zgpu/pep508"
)

// Document is a requirements file to write.
type Document struct {
	// Command is the command line that produced the file, named in the
	// header ("zgpu deps resolve -o requirements.txt"); "" leaves it out.
	Command string
	// Header holds more header comment lines, without "# ".
	Header []string
	// Options are written before the requirements: --index-url,
	// --extra-index-url (or --no-index), --find-links, --trusted-host,
	// then --pre, --prefer-binary, --no-binary, --only-binary,
	// --use-feature and --require-hashes when set.
	Options Options
	// Includes are -r files and Constraints -c files, written after the
	// options as "-r PATH" and "-c PATH" (relative to the written file).
	Includes     []string
	Constraints  []string
	Requirements []Entry
	// AnnotationStyle is how "# via" annotations are written, as
	// pip-compile's --annotation-style: "split" (the default; "# via" on
	// the lines below, one name a line when there are several) or "line"
	// ("# via a, b" at column 27 of the requirement's own line, or on the
	// next line when the line has a comment or --hash lines).
	AnnotationStyle string
}

// Entry is one requirement to write.
type Entry struct {
	Requirement Requirement // Req, Kind, Editable, Hashes, ConfigSettings, GlobalOptions are written
	// Via names what needs the requirement, written pip-compile style
	// below it ("    # via torch").
	Via []string
	// Comment is a trailing comment without "# " ("zgpu: pinned for CUDA 12").
	Comment string
}

// FromFile returns a Document holding f's requirements and options.
func FromFile(f *File) Document {
	d := Document{Options: f.Options}
	for _, r := range f.Requirements {
		d.Requirements = append(d.Requirements, Entry{Requirement: r})
	}
	return d
}

// WriteFile writes doc to path atomically: on any error the file at path
// is left as it was.
func WriteFile(path string, doc Document) error {
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		return Write(w, doc)
	})
}

// Write writes doc as a requirements file: the header, the options, then
// one requirement per entry sorted by normalized name, then marker, then
// URL (unnamed URLs and paths last), each with its --hash continuation
// lines, trailing comment and "# via" lines. It writes nothing when an
// entry cannot be written.
func Write(w io.Writer, doc Document) error {
	entries := append([]Entry(nil), doc.Requirements...)
	lines := make([]string, len(entries))
	for i := range entries {
		s, err := requirementText(entries[i].Requirement)
		if err != nil {
			return err
		}
		lines[i] = s
	}
	idx := make([]int, len(entries))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		return entryLess(&entries[idx[a]], &entries[idx[b]])
	})
	bw := bufio.NewWriter(w)
	writeHeader(bw, doc)
	if err := writeOptions(bw, doc.Options); err != nil {
		return err
	}
	for _, inc := range []struct {
		flag  string
		files []string
	}{{"-r", doc.Includes}, {"-c", doc.Constraints}} {
		for _, f := range inc.files {
			if f == "" || strings.ContainsAny(f, "\n\r") {
				return fmt.Errorf("included file %q cannot be written on one line", f)
			}
			fmt.Fprintf(bw, "%s %s\n", inc.flag, f)
		}
	}
	for _, i := range idx {
		if err := writeEntry(bw, &entries[i], lines[i], doc.AnnotationStyle == "line"); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func entryLess(a, b *Entry) bool {
	ka, kb := a.Requirement.Req.Key(), b.Requirement.Req.Key()
	if (ka == "") != (kb == "") {
		return kb == "" // named first
	}
	if ka != kb {
		return ka < kb
	}
	ma, mb := markerString(a.Requirement), markerString(b.Requirement)
	if ma != mb {
		return ma < mb
	}
	return a.Requirement.Req.URL < b.Requirement.Req.URL
}

func markerString(r Requirement) string {
	if r.Req.Marker == nil {
		return ""
	}
	return r.Req.Marker.String()
}

func writeHeader(w *bufio.Writer, doc Document) {
	if doc.Command != "" {
		fmt.Fprintf(w, "%s with:\n#\n#    %s\n#\n", GeneratedHeader, doc.Command)
	}
	for _, h := range doc.Header {
		if h == "" {
			w.WriteString("#\n")
			continue
		}
		fmt.Fprintf(w, "# %s\n", h)
	}
}

func writeOptions(w *bufio.Writer, o Options) error {
	opt := func(name, value string) error {
		if value == "" || strings.ContainsAny(value, " \t\r\n#'\"\\") || strings.HasPrefix(value, "-") {
			return fmt.Errorf("cannot write %s %q: expected a value without spaces, quotes, '#' or '\\', not starting with '-'", name, value)
		}
		fmt.Fprintf(w, "%s %s\n", name, value)
		return nil
	}
	var err error
	wrote := false
	add := func(name string, values ...string) {
		for _, v := range values {
			if v == "" && (name == "--no-binary" || name == "--only-binary") {
				continue
			}
			if err == nil {
				err = opt(name, v)
				wrote = true
			}
		}
	}
	flag := func(set bool, name string) {
		if set {
			w.WriteString(name + "\n")
			wrote = true
		}
	}
	if o.NoIndex {
		flag(true, "--no-index")
	} else {
		if o.IndexURL != "" {
			add("--index-url", o.IndexURL)
		}
		add("--extra-index-url", o.ExtraIndexURLs...)
	}
	add("--find-links", o.FindLinks...)
	add("--trusted-host", o.TrustedHosts...)
	flag(o.Pre, "--pre")
	flag(o.PreferBinary, "--prefer-binary")
	// The set holding ":all:" goes first: the other one then carves its
	// names out of it, as when it was read.
	// ":all:" is written alone: names after it on the same line are
	// dropped when read.
	formats := func(name string, list []string) {
		if slices.Contains(list, ":all:") {
			add(name, ":all:")
		}
		add(name, strings.Join(remove(list, ":all:"), ","))
	}
	if slices.Contains(o.OnlyBinary, ":all:") {
		formats("--only-binary", o.OnlyBinary)
		formats("--no-binary", o.NoBinary)
	} else {
		formats("--no-binary", o.NoBinary)
		formats("--only-binary", o.OnlyBinary)
	}
	add("--use-feature", o.Features...)
	flag(o.RequireHashes, "--require-hashes")
	if err == nil && wrote {
		w.WriteString("\n")
	}
	return err
}

// requirementText returns how r is written on its line, without hashes.
func requirementText(r Requirement) (string, error) {
	if m := r.Req.Marker; m != nil {
		// packaging always writes marker values in double quotes, so a
		// value holding '"' does not read back.
		if _, err := pep508.ParseMarker(m.String()); err != nil {
			return "", fmt.Errorf("cannot write marker %s: it does not read back (%v)", m, err)
		}
	}
	if r.Constraint {
		return "", fmt.Errorf("cannot write constraint %q as a requirement", r.Line)
	}
	var s string
	switch r.Kind {
	case Named:
		if r.Req.Name == "" {
			return "", errors.New("cannot write a requirement without a name, URL or path")
		}
		if r.Editable {
			return "", fmt.Errorf("cannot write editable %s without a URL or path", r.Req.Name)
		}
		s = r.Req.String()
		if r.Req.URL != "" {
			// packaging prints "name@ url"; pip reads "name @ url" the
			// same, and people read it more easily.
			s = strings.Replace(s, "@ ", " @ ", 1)
		}
	case URL, Path:
		u := r.Req.URL
		if u == "" {
			return "", fmt.Errorf("cannot write %s requirement %q without its %s", r.Kind, r.Req.Name, r.Kind)
		}
		if strings.ContainsAny(u, "\r\n") || !r.Editable && strings.HasPrefix(u, "-") {
			return "", fmt.Errorf("cannot write %s %q: pip would split it", r.Kind, u)
		}
		if r.Kind == URL && strings.Contains(u, "; ") {
			return "", fmt.Errorf("cannot write URL %q: pip would read \"; \" as the start of markers", u)
		}
		if r.Kind == Path && strings.Contains(u, ";") {
			return "", fmt.Errorf("cannot write path %q: pip would read ';' as the start of markers", u)
		}
		s = u
		if len(r.Req.Extras) > 0 && (r.Kind == Path || r.Editable) {
			s += "[" + strings.Join(r.Req.Extras, ",") + "]"
		}
		if r.Req.Marker != nil {
			if r.Editable {
				return "", fmt.Errorf("cannot write markers on editable %q: pip ignores them", u)
			}
			s += " ; " + r.Req.Marker.String()
		}
	default:
		return "", fmt.Errorf("unknown requirement kind %d", r.Kind)
	}
	if strings.ContainsAny(s, "\r\n") {
		return "", fmt.Errorf("cannot write %q: it holds a line break", s)
	}
	if r.Editable {
		// pip splits the -e value like a shell word.
		s = "-e " + shellQuote(s)
	} else if args, _ := breakArgsOptions(s); args != s {
		return "", fmt.Errorf("cannot write %q: pip would read the words from %q on as options", s, s[len(args)+1:])
	}
	if strings.HasPrefix(s, `\`) || strings.HasSuffix(s, `\`) {
		return "", fmt.Errorf("cannot write %q: pip reads a '\\' at either end of a line as a line continuation", s)
	}
	if commentStart(s) >= 0 {
		return "", fmt.Errorf("cannot write %q: pip would read a comment in it", s)
	}
	keys := make([]string, 0, len(r.ConfigSettings))
	for k := range r.ConfigSettings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range r.ConfigSettings[k] {
			s += " --config-settings " + shellQuote(k+"="+v)
		}
	}
	for _, g := range r.GlobalOptions {
		if r.Editable {
			return "", fmt.Errorf("cannot write --global-option on editable %q: pip ignores it", s)
		}
		s += " --global-option " + shellQuote(g)
	}
	return s, nil
}

// shellQuote quotes s for pip's shlex splitting when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\r\n'\"\\#") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

func writeEntry(w *bufio.Writer, e *Entry, line string, viaOnLine bool) error {
	r := e.Requirement
	comment := ""
	if e.Comment != "" {
		if strings.ContainsAny(e.Comment, "\r\n") {
			return fmt.Errorf("cannot write comment %q: it holds a line break", e.Comment)
		}
		comment = "  # " + e.Comment
	}
	if r.Editable && len(r.Hashes) > 0 {
		return fmt.Errorf("cannot write --hash on editable %q: pip ignores it", line)
	}
	if viaOnLine && len(e.Via) > 0 && comment == "" && len(r.Hashes) == 0 {
		// pip-compile's line style: the requirement padded to 24 columns.
		fmt.Fprintf(w, "%-24s  # via %s\n", line, oneLine(strings.Join(e.Via, ", ")))
		return nil
	}
	w.WriteString(line)
	for _, h := range r.Hashes {
		if algo, digest, ok := strings.Cut(h, ":"); !ok || digest == "" || strings.ContainsAny(h, " \t\r\n#'\"\\") ||
			algo != "sha256" && algo != "sha384" && algo != "sha512" {
			return fmt.Errorf("cannot write hash %q of %s: expected sha256:, sha384: or sha512: and hex digits", h, line)
		}
		w.WriteString(" \\\n    --hash=" + h)
	}
	w.WriteString(comment + "\n")
	switch n := len(e.Via); {
	case n == 0:
	case n == 1 || viaOnLine:
		fmt.Fprintf(w, "    # via %s\n", oneLine(strings.Join(e.Via, ", ")))
	default:
		w.WriteString("    # via\n")
		for _, v := range e.Via {
			fmt.Fprintf(w, "    #   %s\n", oneLine(v))
		}
	}
	return nil
}

func oneLine(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}
