package zerogpu

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/zgpu/zgpu/internal/redact"
	"github.com/zgpu/zgpu/reqfile"
)

// RenderOptions shape the requirements file.
type RenderOptions struct {
	Command string // the command line, for the header
	Hashes  bool   // write --hash lines (pip then checks every line's hash)
	Via     bool   // write "# via" annotations
	// Combined says the input is several files read as one (pip-compile
	// a.in b.in): the whole file is written, never a minimal edit of the
	// first, which would lose the others' lines.
	Combined bool
	// AnnotationStyle is "split" (default) or "line", as pip-compile's
	// --annotation-style (reqfile.Document.AnnotationStyle).
	AnnotationStyle string
	Version         string // zgpu's version, for the header
	// Dir is the folder the file is written to: -c lines name constraint
	// files relative to it.
	Dir string
	// InPlace says the file written is the requirements file read: its -r
	// and -c lines are written again, locked or not.
	InPlace bool
	// Target is the file written ("" for stdout): rewritten in place, its
	// "# zgpu: removed" notes are kept (CarryRemovals).
	Target string
	// LeftOut names the packages the platform installs that the file
	// leaves out on purpose (spaces and gradio; none with
	// --emit-preinstalled), for the header; the report's Preinstalled
	// follow them.
	LeftOut []string
}

// Document turns the plan into a requirements file.
func (r *Report) Document(o RenderOptions) (reqfile.Document, error) {
	doc := reqfile.Document{Command: o.Command, Header: r.header(o), AnnotationStyle: o.AnnotationStyle}
	var opts bytes.Buffer
	for _, l := range r.Options {
		opts.WriteString(l + "\n")
	}
	if opts.Len() > 0 {
		f, err := reqfile.Parse("options", opts.Bytes(), reqfile.ParseOptions{})
		if err != nil {
			return doc, fmt.Errorf("index options: %w", err)
		}
		doc.Options = f.Options
	}
	if o.InPlace {
		// The file is its own input next time: keep reading what it
		// includes, so that edits there count.
		for _, f := range r.IncludeFiles {
			doc.Includes = append(doc.Includes, relativeTo(o.Dir, f))
		}
	}
	if !r.Locked || o.InPlace {
		for _, c := range r.ConstraintFiles {
			doc.Constraints = append(doc.Constraints, relativeTo(o.Dir, c))
		}
	}
	for _, l := range r.Lines {
		if l.reqErr != nil {
			return doc, fmt.Errorf("writing %q: %w", l.Text, l.reqErr)
		}
		if l.req.Line == "" {
			return doc, fmt.Errorf("writing %q: the line was made without its requirement (Line.withText)", l.Text)
		}
		e := reqfile.Entry{Requirement: l.req}
		if o.Hashes {
			e.Requirement.Hashes = l.Hashes
		} else {
			e.Requirement.Hashes = nil
		}
		if o.Via {
			e.Via = l.Via
		}
		if l.Reason != "" {
			e.Comment = "zgpu: " + shortNote(l.Reason)
		}
		doc.Requirements = append(doc.Requirements, e)
	}
	return doc, nil
}

// header is the file's header after the command line: the target, the
// input read, what the platform installs, and the note on "# zgpu:" lines.
func (r *Report) header(o RenderOptions) []string {
	var header []string
	t := r.Target
	target := fmt.Sprintf("ZeroGPU: Python %s, %s, GPU %s", t.Python, t.Platform, t.GPUArch)
	if t.Torch != "" {
		target += ", torch " + t.Torch
		if t.CUDA != "" {
			target += " (CUDA " + t.CUDA + ")"
		}
	}
	if t.Catalog != "" {
		target += "; catalog " + t.Catalog
	}
	header = append(header, "For "+target+".")
	if len(r.Ignored) > 0 {
		// Read back, the file says which input it came from (project.Input).
		var names []string
		for _, f := range r.Ignored {
			names = append(names, filepath.Base(f))
		}
		header = append(header, fmt.Sprintf("Read %s; ignored %s.", filepath.Base(r.Input), strings.Join(names, ", ")))
	}
	if left := append(append([]string(nil), o.LeftOut...), r.Preinstalled...); len(left) > 0 {
		verb := " is"
		if n := len(left); n > 1 {
			left = append(left[:n-2:n-2], strings.Join(left[n-2:], " and "))
			verb = " are"
		}
		header = append(header, strings.Join(left, ", ")+verb+" installed by the platform and left out on purpose.")
	}
	for _, l := range r.Lines {
		if l.Reason != "" {
			header = append(header, "Lines marked `# zgpu:` were changed; `zgpu deps resolve --json` explains every decision.")
			break
		}
	}
	return header
}

// Render returns the requirements file as bytes.
func (r *Report) Render(o RenderOptions) ([]byte, error) {
	if o.Hashes {
		if err := r.hashable(); err != nil {
			return nil, err
		}
	}
	doc, err := r.Document(o)
	if err != nil {
		return nil, err
	}
	doc.Header = append(doc.Header, r.removalNotes()...)
	var b bytes.Buffer
	if err := reqfile.Write(&b, doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// removalNotes are header lines, one per user line the plan left out
// ("zgpu: removed spaces==0.40.1 (requirements.txt:3): why"), so that
// nothing disappears from a sorted file without a note (issue 10).
func (r *Report) removalNotes() []string {
	var notes []string
	for _, c := range r.Changes {
		if c.After == "" && strings.HasPrefix(c.Name, "-") && c.Before != "" {
			notes = append(notes, fmt.Sprintf("zgpu: removed %s: %s", redact.Text(c.Before), optionNote(c.Reason)))
			continue
		}
		if c.After != "" || c.Before == "" || c.Origin == "" || strings.HasPrefix(c.Name, "-") {
			continue
		}
		file, n := splitOrigin(c.Origin)
		where := filepath.Base(file)
		if n > 0 {
			where += fmt.Sprintf(":%d", n)
		}
		notes = append(notes, fmt.Sprintf("zgpu: removed %s (%s): %s", oneLine(c.Before), where, shortNote(strings.TrimPrefix(c.Reason, "not emitted: "))))
	}
	return notes
}

// relativeTo names path relative to dir, with forward slashes (pip reads
// them on every system); absolute when it cannot.
func relativeTo(dir, path string) string {
	if dir == "" {
		return filepath.ToSlash(path)
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// hashable checks that every line can carry a hash: with one --hash line,
// pip checks every requirement and every dependency, and refuses what has
// none.
func (r *Report) hashable() error {
	var missing []string
	for _, l := range r.Lines {
		if len(l.Hashes) == 0 {
			missing = append(missing, l.Text)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("--generate-hashes: no sha256 is known for %s; pip's hash-checking mode needs one for every line (drop --generate-hashes, or pin those by a source that publishes digests)", strings.Join(missing, ", "))
	}
	if len(r.unpinned) > 0 {
		return fmt.Errorf("--generate-hashes: the dependencies of %s are not pinned (zgpu reads no wheel body), and pip's hash-checking mode refuses unpinned dependencies; drop --generate-hashes", strings.Join(r.unpinned, ", "))
	}
	return nil
}
