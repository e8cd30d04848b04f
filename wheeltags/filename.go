package wheeltags

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
)

// Tag is one PEP 425 compatibility tag. Parsed tags are lower-cased, as
// packaging.tags.Tag lower-cases them.
type Tag struct {
	Interpreter string // "cp312", "py3"
	ABI         string // "cp312", "abi3", "none"
	Platform    string // "manylinux_2_28_x86_64", "any"
}

// String returns the tag in its filename form, "cp312-cp312-linux_x86_64".
func (t Tag) String() string {
	return t.Interpreter + "-" + t.ABI + "-" + t.Platform
}

// Wheel is a parsed wheel filename.
type Wheel struct {
	Filename string         // the filename as given
	RawName  string         // the project name as written in the filename
	Name     string         // the name normalized as canonicalize_name does ("flash-attn")
	Version  pep440.Version // the version, local label included
	Build    string         // the build tag as written, "" when absent
	Tags     []Tag          // the expanded tag set, lower-cased, without duplicates, in expansion order
}

// Sdist is a parsed source distribution filename.
type Sdist struct {
	Filename string
	RawName  string
	Name     string
	Version  pep440.Version
	Ext      string // ".tar.gz" or ".zip"
}

// IsWheelFilename reports whether s names a wheel (ends in ".whl").
func IsWheelFilename(s string) bool { return strings.HasSuffix(s, ".whl") }

// IsSdistFilename reports whether s has a source distribution suffix
// (".tar.gz" or ".zip").
func IsSdistFilename(s string) bool {
	return strings.HasSuffix(s, ".tar.gz") || strings.HasSuffix(s, ".zip")
}

// ParseWheelFilename parses a wheel filename as
// packaging.utils.parse_wheel_filename does:
// {name}-{version}[-{build}]-{python}-{abi}-{platform}.whl. Like packaging
// 26 (and unlike 24.1, whose "$" matched before a final newline and which
// did not check the tag fields), it rejects a newline anywhere, an empty
// project name and an empty python, abi or platform field.
func ParseWheelFilename(s string) (Wheel, error) {
	if !strings.HasSuffix(s, ".whl") {
		return Wheel{}, fmt.Errorf("wheeltags: expected %q at the end of %q", ".whl", s)
	}
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return Wheel{}, fmt.Errorf("wheeltags: expected a filename without line breaks, found one at column %d in %q", i+1, s)
	}
	stem := s[:len(s)-len(".whl")]
	dashes := strings.Count(stem, "-")
	if dashes != 4 && dashes != 5 {
		return Wheel{}, fmt.Errorf("wheeltags: expected 4 or 5 dashes (name-version[-build]-python-abi-platform.whl), found %d in %q", dashes, s)
	}
	i := strings.IndexByte(stem, '-')
	namePart, rest := stem[:i], stem[i+1:]
	if err := checkProjectName(namePart); err != nil {
		return Wheel{}, fmt.Errorf("wheeltags: %v at column 1 in %q", err, s)
	}
	j := strings.IndexByte(rest, '-')
	versionPart, rest := rest[:j], rest[j+1:]
	col := len(namePart) + 2
	v, err := pep440.Parse(versionPart)
	if err != nil {
		return Wheel{}, fmt.Errorf("wheeltags: expected a PEP 440 version at column %d in %q: %w", col, s, err)
	}
	col += len(versionPart) + 1
	build := ""
	if dashes == 5 {
		k := strings.IndexByte(rest, '-')
		build, rest = rest[:k], rest[k+1:]
		if r, _ := utf8.DecodeRuneInString(build); !unicode.IsDigit(r) {
			return Wheel{}, fmt.Errorf("wheeltags: expected a build tag starting with a digit at column %d in %q", col, s)
		}
	}
	tags, _ := ParseTags(rest) // exactly two dashes remain: cannot fail
	for k, field := range strings.SplitN(rest, "-", 3) {
		if field == "" {
			return Wheel{}, fmt.Errorf("wheeltags: expected %s tag, found an empty field in %q", [3]string{"a python", "an abi", "a platform"}[k], s)
		}
	}
	return Wheel{
		Filename: s,
		RawName:  namePart,
		Name:     pep508.NormalizeName(namePart),
		Version:  v,
		Build:    build,
		Tags:     tags,
	}, nil
}

// ParseSdistFilename parses a source distribution filename as
// packaging.utils.parse_sdist_filename does: {name}-{version}.tar.gz or .zip,
// split at the last dash. Like packaging 26, a newline anywhere is refused.
func ParseSdistFilename(s string) (Sdist, error) {
	var ext string
	switch {
	case strings.HasSuffix(s, ".tar.gz"):
		ext = ".tar.gz"
	case strings.HasSuffix(s, ".zip"):
		ext = ".zip"
	default:
		return Sdist{}, fmt.Errorf("wheeltags: expected %q or %q at the end of %q", ".tar.gz", ".zip", s)
	}
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return Sdist{}, fmt.Errorf("wheeltags: expected a filename without line breaks, found one at column %d in %q", i+1, s)
	}
	stem := s[:len(s)-len(ext)]
	i := strings.LastIndexByte(stem, '-')
	if i < 0 {
		return Sdist{}, fmt.Errorf("wheeltags: expected a dash between name and version in %q", s)
	}
	v, err := pep440.Parse(stem[i+1:])
	if err != nil {
		return Sdist{}, fmt.Errorf("wheeltags: expected a PEP 440 version at column %d in %q: %w", i+2, s, err)
	}
	return Sdist{Filename: s, RawName: stem[:i], Name: pep508.NormalizeName(stem[:i]), Version: v, Ext: ext}, nil
}

// ParseTags expands a compressed tag set "py2.py3-none-any" into its tags,
// lower-cased, without duplicates, in expansion order (interpreters, then
// ABIs, then platforms), as packaging.tags.parse_tag does (which returns a
// set). Empty components are kept, as packaging keeps them.
func ParseTags(s string) ([]Tag, error) {
	i := strings.IndexByte(s, '-')
	if i < 0 {
		return nil, fmt.Errorf("wheeltags: expected python-abi-platform, found no dash in %q", s)
	}
	j := strings.IndexByte(s[i+1:], '-')
	if j < 0 {
		return nil, fmt.Errorf("wheeltags: expected python-abi-platform, found one dash in %q", s)
	}
	j += i + 1
	if strings.IndexByte(s[j+1:], '-') >= 0 {
		return nil, fmt.Errorf("wheeltags: expected python-abi-platform, found more than two dashes in %q", s)
	}
	interps, abis, plats := lower(s[:i]), lower(s[i+1:j]), lower(s[j+1:])
	n := (strings.Count(interps, ".") + 1) * (strings.Count(abis, ".") + 1) * (strings.Count(plats, ".") + 1)
	tags := make([]Tag, 0, n)
	for ins := interps; ; {
		in, restIn, moreIn := cutDot(ins)
		for abs := abis; ; {
			ab, restAB, moreAB := cutDot(abs)
			for pls := plats; ; {
				pl, restPl, morePl := cutDot(pls)
				t := Tag{in, ab, pl}
				if n == 1 || !slices.Contains(tags, t) {
					tags = append(tags, t)
				}
				if !morePl {
					break
				}
				pls = restPl
			}
			if !moreAB {
				break
			}
			abs = restAB
		}
		if !moreIn {
			break
		}
		ins = restIn
	}
	return tags, nil
}

// cutDot splits s at its first '.'; more is false when there is none.
// (strings.SplitSeq would allocate its closures here, in the hot path.)
func cutDot(s string) (first, rest string, more bool) {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// sdistExts are the archive suffixes pip accepts for a source
// distribution found in a listing; ParseSdistFilename accepts only the two
// that packaging does.
var sdistExts = []string{".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tbz", ".txz", ".tar"}

// ProjectOf returns the PEP 503-normalized project name of a distribution
// filename found in a listing (an index page, a find-links folder, release
// assets), and whether the filename is a distribution at all. Suffixes
// compare case-insensitively. For a wheel ({name}-{version}-...whl) the name
// is the part before the first '-'. For an sdist ({name}-{version} and one of
// pip's archive suffixes: .tar.gz, .zip, .tar.bz2, .tar.xz, .tgz, .tbz, .txz,
// .tar) it is the part before the last '-' followed by a digit or 'v', since
// names may contain dashes. Unlike ParseWheelFilename and
// ParseSdistFilename, it does not validate the rest of the filename.
func ProjectOf(filename string) (string, bool) {
	lowered := strings.ToLower(filename)
	if strings.HasSuffix(lowered, ".whl") {
		name, _, ok := strings.Cut(filename, "-")
		if !ok || name == "" {
			return "", false
		}
		return pep508.NormalizeName(name), true
	}
	for _, ext := range sdistExts {
		if !strings.HasSuffix(lowered, ext) {
			continue
		}
		stem := filename[:len(filename)-len(ext)]
		for i := len(stem) - 1; i > 0; i-- {
			if stem[i] == '-' && i+1 < len(stem) && ('0' <= stem[i+1] && stem[i+1] <= '9' || stem[i+1] == 'v') {
				return pep508.NormalizeName(stem[:i]), true
			}
		}
		return "", false
	}
	return "", false
}

// lower lower-cases s like Python's str.lower for every character that
// occurs in practice (see the package documentation).
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || (c >= 'A' && c <= 'Z') {
			return lowerSlow(s)
		}
	}
	return s
}

func lowerSlow(s string) string {
	// U+0130 (capital I with dot above) is the one common special case:
	// Python lowers it to "i" + U+0307, Go's simple mapping to "i".
	if strings.ContainsRune(s, '\u0130') {
		s = strings.ReplaceAll(s, "\u0130", "i\u0307")
	}
	return strings.ToLower(s)
}

// checkProjectName applies the rule of parse_wheel_filename: only Unicode
// word characters, '.' and '_' (the regular expression ^[\w\d._]*$), and no
// "__"; like packaging 26, not empty (the caller has refused newlines,
// which 24.1's $ let through at the end).
func checkProjectName(name string) error {
	if name == "" {
		return fmt.Errorf("expected a project name, found none")
	}
	if strings.Contains(name, "__") {
		return fmt.Errorf("expected a project name without %q, found %q", "__", name)
	}
	for _, r := range name {
		if r == '_' || r == '.' || unicode.IsLetter(r) || unicode.IsNumber(r) {
			continue
		}
		return fmt.Errorf("expected a project name of letters, digits, '.' and '_', found %q", name)
	}
	return nil
}

// BuildNumber splits the build tag into its leading decimal number (ASCII
// digits, leading zeros removed, "0" for zero) and the rest, as packaging's
// (int, str) build tuple does. Both are "" when there is no build tag.
func (w Wheel) BuildNumber() (num, rest string) {
	if w.Build == "" {
		return "", ""
	}
	var b strings.Builder
	i := 0
	for i < len(w.Build) {
		r, size := utf8.DecodeRuneInString(w.Build[i:])
		if !unicode.IsDigit(r) {
			break
		}
		d := digitValue(r)
		if b.Len() > 0 || d != 0 {
			b.WriteByte(byte('0' + d))
		}
		i += size
	}
	num = b.String()
	if num == "" {
		num = "0"
	}
	rest = w.Build[i:]
	if k := strings.IndexByte(rest, '\n'); k >= 0 {
		rest = rest[:k]
	}
	return num, rest
}

// digitValue returns the value of a Unicode decimal digit. Decimal digits
// are encoded in contiguous runs that start at zero, so the value is the
// distance from the start of the run, modulo ten.
func digitValue(r rune) int {
	if r >= '0' && r <= '9' {
		return int(r - '0')
	}
	start := r
	for unicode.IsDigit(start - 1) {
		start--
	}
	return int(r-start) % 10
}

// CompareBuild compares the build tags of two wheels as packaging compares
// its (int, str) build tuples: no build tag sorts first, then by number, then
// by the rest of the tag. It returns -1, 0 or +1.
func CompareBuild(a, b Wheel) int {
	if a.Build == "" || b.Build == "" {
		switch {
		case a.Build == "" && b.Build == "":
			return 0
		case a.Build == "":
			return -1
		default:
			return 1
		}
	}
	an, ar := a.BuildNumber()
	bn, br := b.BuildNumber()
	if c := compareDecimal(an, bn); c != 0 {
		return c
	}
	return strings.Compare(ar, br)
}

func compareDecimal(a, b string) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}
