package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/zgpu/zgpu/internal/atomicfile"
	"github.com/zgpu/zgpu/internal/textdiff"
	"github.com/zgpu/zgpu/project"
	"github.com/zgpu/zgpu/pypi"
)

// This file holds where `deps resolve` writes: the -o checks made before
// any work (a folder, an input file, a read-only file), writing through
// symbolic links, --check, the header's command line, and what tells a
// file zgpu locked.

// checkOutput fails, before anything is resolved, when the output path
// cannot be a file: an existing folder (also through a link) or a path
// ending in a slash. Its errors are usage errors.
func checkOutput(path string) error {
	if path == "" || path == "-" {
		return nil
	}
	if strings.HasSuffix(path, "/") || strings.HasSuffix(path, string(filepath.Separator)) {
		return usagef("-o %s: expected a file name, not a folder (for example %s)", path, filepath.Join(path, "requirements.txt"))
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return usagef("-o %s: is a folder; expected a file (for example %s)", path, filepath.Join(path, "requirements.txt"))
	}
	return nil
}

// checkTarget fails, after the Space is read and before anything is
// resolved, when -o names a file the Space was read from (a usage error,
// as pip-compile's "input and output filenames must not be matched"),
// or, unless --check, a file its owner may not write: it is not replaced
// (pip-compile and uv fail with permission denied; the mode bits are
// checked, since root may write anything). The requirements.txt read as
// the requirements may be written: zgpu reads its own output back.
func (o *depsResolveOptions) checkTarget(p *project.Project) error {
	target := o.Output
	if target == "" || target == "-" {
		return nil
	}
	fi, err := os.Stat(target)
	if err != nil {
		return nil // a new file, or one writeOutput reports on
	}
	if in := inputNamed(p, fi); in != "" {
		named := "is an input file"
		if filepath.Clean(in) != filepath.Clean(target) {
			named = "is " + in + ", an input file"
		}
		hint := ""
		if alt := filepath.Join(filepath.Dir(target), "requirements.txt"); !sameFile(alt, fi) && !isInput(p, alt) {
			hint = " (for example -o " + alt + ")"
		}
		return usagef("-o %s: %s of the Space: input and output must be different files%s", target, named, hint)
	}
	if !o.Check && fi.Mode().IsRegular() && fi.Mode().Perm()&0o200 == 0 {
		return fmt.Errorf("-o %s: read-only file (%s), not replaced: make it writable (chmod u+w %s) or write to another file", target, fi.Mode().Perm(), target)
	}
	return nil
}

// inputNamed returns the input file of p that fi is (by identity, so
// through links and however the path is spelled), or "". Inputs are the
// files Load read, the files they include (-r, -c), and the README.md and
// pre-requirements.txt a single file's folder added; not the
// requirements.txt read as the requirements (the in-place workflow),
// unless another file includes it.
func inputNamed(p *project.Project, fi os.FileInfo) string {
	var included, inPlace []string
	for kind, f := range p.ReqFiles {
		for i, name := range f.Files {
			if i == 0 && kind == project.Requirements {
				inPlace = append(inPlace, name)
				continue
			}
			included = append(included, name)
		}
		for _, inc := range f.Includes {
			if !inc.URL {
				included = append(included, inc.Path)
			}
		}
	}
	for _, name := range included {
		if sameFile(name, fi) {
			return name
		}
	}
	for _, name := range inPlace {
		if sameFile(name, fi) {
			return ""
		}
	}
	inputs := []string{p.PythonVersionOrigin.File, p.SDKVersionOrigin.File}
	for _, f := range p.Files {
		inputs = append(inputs, f.Path)
	}
	for _, r := range p.Requirements {
		inputs = append(inputs, r.Origin.File)
	}
	for _, name := range inputs {
		if name != "" && sameFile(name, fi) {
			return name
		}
	}
	return ""
}

// isInput reports whether path exists and is an input file of p.
func isInput(p *project.Project, path string) bool {
	fi, err := os.Stat(path)
	return err == nil && inputNamed(p, fi) != ""
}

func sameFile(path string, fi os.FileInfo) bool {
	other, err := os.Stat(path)
	return err == nil && os.SameFile(other, fi)
}

// writeOutput writes data to target atomically. A symbolic link is
// followed, as editors and pip-compile do: the file it points to is
// replaced and the link is kept. An existing file keeps its mode and a
// new one honours the umask; a read-only file is not replaced. A device
// or a pipe (-o /dev/stdout) is written to, never replaced.
func writeOutput(target string, data []byte) error {
	if fi, err := os.Stat(target); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		f, err := os.OpenFile(target, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	path, err := followLinks(target)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	// 0666 less the umask for a new file, as os.Create; an existing file
	// keeps its mode, and a read-only one is not replaced (atomicfile).
	return atomicfile.Write(path, 0o666, func(w io.Writer) error {
		if _, err := w.Write(data); err != nil {
			return err
		}
		if midWrite != nil {
			midWrite()
		}
		return nil
	})
}

// midWrite, when set (by the tests only), runs while the output's
// temporary file is written, before it replaces the target: the signal
// scenario stops the process there.
var midWrite func()

// checkLinkedOutput refuses to write through a symbolic link at target
// that dangles or leads out of the Space folder dir: a link shipped in a
// repository must not make zgpu write elsewhere (a shell start-up file).
// Naming the link's target itself with -o writes there; a link to a device
// or a pipe (-o /dev/stdout) is written to as before.
func checkLinkedOutput(target, dir string) error {
	if fi, err := os.Lstat(target); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return nil
	}
	final, err := followLinks(target)
	if err != nil {
		return err
	}
	fi, err := os.Stat(final)
	if err != nil {
		return fmt.Errorf("%s is a symbolic link to %s, which does not exist; zgpu does not create files through a dangling link: remove the link, or pass -o %s to create that file", target, final, shellQuote(final))
	}
	if !fi.Mode().IsRegular() && !fi.IsDir() {
		return nil
	}
	realDir, err1 := filepath.EvalSymlinks(dir)
	realFinal, err2 := filepath.EvalSymlinks(final)
	if err1 != nil || err2 != nil {
		return nil
	}
	rel, err := filepath.Rel(realDir, realFinal)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%s is a symbolic link to %s, outside the Space folder %s; zgpu does not write through it: remove the link, or pass -o %s to write there", target, realFinal, dir, shellQuote(realFinal))
	}
	return nil
}

// maxLinks bounds the chain of symbolic links followLinks walks, as
// Linux's ELOOP does.
const maxLinks = 40

// followLinks returns the file that path names once every symbolic link
// is followed. The last link may dangle: its target is then the file to
// create.
func followLinks(path string) (string, error) {
	p := path
	for range maxLinks {
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		dest, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dir := filepath.Dir(p)
			if real, err := filepath.EvalSymlinks(dir); err == nil {
				dir = real // "../x" is relative to where the link really is
			}
			dest = filepath.Join(dir, dest)
		}
		p = dest
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", path)
}

// hint is the command that writes target, runnable from where zgpu ran:
// the header's command line with the DIR or FILE argument as typed.
func (o *depsResolveOptions) hint(target string) string {
	cmd := o.commandLine(target)
	if o.arg != "" && o.arg != "." {
		cmd += " " + shellQuote(o.arg)
	}
	return cmd
}

// check compares data with the file at target (--check): exit 1 with a
// unified diff when they differ, or when the file does not exist yet.
func (o *depsResolveOptions) check(target string, data []byte) error {
	if fi, err := os.Stat(target); err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("--check: %s is not a regular file", target)
	}
	old, err := os.ReadFile(target)
	if errors.Is(err, fs.ErrNotExist) {
		o.g.Logf("%s does not exist yet: run `%s` to write it", target, o.hint(target))
		return &silentError{code: exitFailure}
	}
	if err != nil {
		return err
	}
	// The header's command line says how the file was made; run from
	// another folder or with flags that change nothing, it differs while
	// the requirements do not: only the requirements are compared.
	if diff := textdiff.Unified(target, target+" (zgpu)", string(old), string(data), 3); diff != "" && withoutCommand(old) != withoutCommand(data) {
		if !o.JSON {
			fmt.Fprint(o.g.Stdout, diff)
		}
		o.g.Logf("%s is out of date: run `%s`", target, o.hint(target))
		return &silentError{code: exitFailure}
	}
	o.g.Logf("%s is up to date", target)
	return nil
}

// withoutHeader drops the header comment block (--no-header): the comment
// lines before the first option or requirement.
func withoutHeader(data []byte) []byte {
	for len(data) > 0 && data[0] == '#' {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return nil
		}
		data = data[i+1:]
	}
	return data
}

// commandLine is the command named in the file's header: every flag that
// changes what is written, as pip-compile records its own (not --upgrade,
// --offline, --cache-dir and the like), stable across machines and runs so
// that --check compares like with like.
func (o *depsResolveOptions) commandLine(target string) string {
	if o.CustomCommand != "" {
		return o.CustomCommand
	}
	parts := []string{"zgpu deps resolve"}
	if _, ok := spaceRef(o.arg); ok {
		parts = append(parts, o.arg) // a Space on the Hub: the same from any folder
	}
	add := func(flag string, on bool) {
		if on {
			parts = append(parts, flag)
		}
	}
	each := func(flag string, vals []string) {
		for _, v := range vals {
			parts = append(parts, flag+" "+v)
		}
	}
	changed := func(name string) bool { return o.changed != nil && o.changed(name) }
	if o.Python != "" {
		parts = append(parts, "--python "+o.Python)
	}
	if o.Torch != "" {
		parts = append(parts, "--torch "+o.Torch)
	}
	add("--no-lock", o.NoLock)
	add("--pre", o.Pre)
	add("--allow-sdist", o.AllowSdist)
	// The indexes only when written to the file: a development mirror,
	// given with -i or PIP_INDEX_URL alike, leaves no trace in the file.
	add("--emit-index-url", o.EmitIndexURL)
	if o.EmitIndexURL && !o.net.NoIndex {
		if o.net.IndexURL != pypi.DefaultIndexURL {
			parts = append(parts, "--index-url "+redactForUsage(o.net.IndexURL))
		}
		each("--extra-index-url", redactAll(o.net.ExtraIndexURLs))
	}
	add("--emit-find-links", o.EmitFindLinks)
	if o.EmitFindLinks {
		each("--find-links", redactAll(o.net.FindLinks))
	}
	if changed("catalog") {
		parts = append(parts, "--catalog "+o.catalog.Path)
	}
	each("-c", o.reqs.Constraints)
	each("--override", o.reqs.Overrides)
	add("--no-dev", o.export.NoDev)
	each("--extra", o.export.Extras)
	add("--all-extras", o.export.AllExtras)
	each("--group", o.export.Groups)
	each("--only-group", o.export.OnlyGroups)
	add("--all-groups", o.export.AllGroups)
	each("--no-emit-package", o.export.NoEmitPackage)
	each("--prune", o.export.Prune)
	add("--emit-project", o.EmitProject || !o.export.NoEmitProject)
	add("--emit-preinstalled", o.EmitPreinstalled)
	add("--generate-hashes", o.GenerateHashes)
	add("--no-annotate", o.NoAnnotate)
	add("--annotation-style line", o.AnnotationStyle == "line" && !o.NoAnnotate)
	add("--no-header", o.NoHeader)
	if target != "" {
		// As typed (pip-compile records --output-file so), or under
		// --check without -o, DIR/requirements.txt as DIR was typed.
		parts = append(parts, "-o "+shellQuote(target))
	}
	return strings.Join(parts, " ")
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// letters, digits and _./+-:@=,%: the command line can then be pasted.
func shellQuote(s string) string {
	plain := strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_./+-:@=,%", r))
	}) < 0
	if plain && s != "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// indexLines are the development machine's index options written to the
// file, one rule for flag and environment alike: with --emit-index-url, the
// --index-url (unless PyPI) and every --extra-index-url in effect, given as
// flags or through PIP_INDEX_URL, PIP_EXTRA_INDEX_URL, UV_DEFAULT_INDEX,
// UV_INDEX and the like; with --emit-find-links, every --find-links
// location (flag, PIP_FIND_LINKS, UV_FIND_LINKS). By default neither: the
// file carries only the index lines of its input files, which the Space
// builder needs, never a development mirror. (A URL with credentials is
// never written.)
func (o *depsResolveOptions) indexLines() []string {
	var lines []string
	if o.EmitIndexURL && !o.net.NoIndex {
		if o.net.IndexURL != pypi.DefaultIndexURL {
			lines = append(lines, "--index-url "+o.net.IndexURL)
		}
		for _, u := range o.net.ExtraIndexURLs {
			lines = append(lines, "--extra-index-url "+u)
		}
	}
	if o.EmitFindLinks {
		for _, f := range o.net.FindLinks {
			lines = append(lines, "--find-links "+f)
		}
	}
	return lines
}

// redactAll is redactForUsage of each URL.
func redactAll(us []string) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = redactForUsage(u)
	}
	return out
}

// withoutCommand returns a generated file without the command line of its
// header ("#    zgpu deps resolve ..."), for --check.
func withoutCommand(data []byte) string {
	var b strings.Builder
	header := true
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if header && !strings.HasPrefix(line, "#") {
			header = false
		}
		if header && strings.HasPrefix(line, "#    zgpu ") {
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

// rewritesInput reports whether target is the requirements.txt the Space's
// requirements were read from (the in-place workflow).
func rewritesInput(proj *project.Project, target string) bool {
	if target == "" {
		return false
	}
	ti, err := os.Stat(target)
	if err != nil {
		return false
	}
	for _, f := range proj.Files {
		if f.Kind != project.Requirements {
			continue
		}
		if fi, err := os.Stat(f.Path); err == nil && os.SameFile(fi, ti) {
			return true
		}
	}
	return false
}

// isRegular reports whether path is a regular file (following links): only
// those are read back as an earlier output; a device such as /dev/full
// would never end.
func isRegular(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}
