package lock

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/wheeltags"
)

// listingFilter selects the files of a project page that group can use, so
// that a lister able to filter (pypi) builds those alone: every sdist, every
// wheel the target installs, and the first wheel of each release, which
// tells group that the release has wheels, none for the target ("no wheel
// for ..."). The files kept give group the same releases, in the same
// order, with the same files and reasons as the whole page: each release
// keeps its first file. On torch's page that is under a tenth of the files.
func listingFilter(t wheeltags.Target) index.Filter {
	return index.Filter{
		Key: "lock-v1 " + t.String(),
		New: func() func(string) bool {
			k := &wheelKeeper{target: t, releases: map[string]string{}, tags: map[string]int8{}, seen: map[string]bool{}}
			return func(filename string) bool {
				switch {
				case wheeltags.IsWheelFilename(filename):
					return k.keep(filename)
				case wheeltags.IsSdistFilename(filename):
					return true
				}
				return false
			}
		},
	}
}

// wheelKeeper decides, for the wheels of one page, what
// wheeltags.ParseWheelFilename and Target.Rank would decide, parsing each
// distinct name-version and each distinct tag set once: a page lists each
// release's wheels for every platform (hundreds of files, a few dozen tag
// sets), and parsing every filename whole was most of a cold lock's
// listing CPU. A filename is valid exactly when ParseWheelFilename
// accepts it: no line break, 4 or 5 dashes, a build tag starting with a
// digit, no empty tag field, and a name and version it accepts (checked
// by parsing "name-version-py3-none-any.whl", which has the same name and
// version fields).
type wheelKeeper struct {
	target   wheeltags.Target
	releases map[string]string // "name-version" -> "normalized-name version", "" when invalid
	tags     map[string]int8   // "python-abi-platform" -> 1 installs, 0 does not, -1 invalid
	seen     map[string]bool   // releases with a wheel kept
}

func (k *wheelKeeper) keep(filename string) bool {
	stem := strings.TrimSuffix(filename, ".whl")
	dashes := strings.Count(stem, "-")
	if dashes != 4 && dashes != 5 || strings.ContainsAny(filename, "\r\n") {
		return false
	}
	// The last three fields are the tags; before them, name-version and
	// an optional build tag.
	cut := len(stem)
	for range 3 {
		cut = strings.LastIndexByte(stem[:cut], '-')
	}
	head, tagSet := stem[:cut], stem[cut+1:]
	if dashes == 5 {
		b := strings.LastIndexByte(head, '-')
		if r, _ := utf8.DecodeRuneInString(head[b+1:]); !unicode.IsDigit(r) {
			return false
		}
		head = head[:b]
	}
	rel, ok := k.releases[head]
	if !ok {
		if w, err := wheeltags.ParseWheelFilename(head + "-py3-none-any.whl"); err == nil {
			rel = w.Name + " " + w.Version.String()
		}
		k.releases[head] = rel
	}
	installs, ok := k.tags[tagSet]
	if !ok {
		installs = k.installs(tagSet)
		k.tags[tagSet] = installs
	}
	if rel == "" || installs < 0 {
		return false
	}
	if installs > 0 || !k.seen[rel] {
		k.seen[rel] = true
		return true
	}
	return false
}

// installs reports whether the target installs a wheel of tag set s
// (python-abi-platform): 1 yes, 0 no, -1 an empty field.
func (k *wheelKeeper) installs(s string) int8 {
	for _, f := range strings.Split(s, "-") {
		if f == "" {
			return -1
		}
	}
	tags, err := wheeltags.ParseTags(s)
	if err != nil {
		return -1
	}
	if _, ok := k.target.Rank(tags); ok {
		return 1
	}
	return 0
}
