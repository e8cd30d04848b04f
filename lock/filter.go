package lock

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/pep440"
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
			k := newWheelKeeper(t)
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
// wheeltags.ParseWheelFilename and Target.Rank would decide (wheelCache),
// and keeps each release's first wheel.
type wheelKeeper struct {
	wheelCache
	seen map[string]bool // releases with a wheel kept
}

func newWheelKeeper(t wheeltags.Target) *wheelKeeper {
	return &wheelKeeper{wheelCache: newWheelCache(t), seen: map[string]bool{}}
}

func (k *wheelKeeper) keep(filename string) bool {
	h, tg, ok := k.parse(filename)
	if !ok {
		return false
	}
	if tg.installs || !k.seen[h.key] {
		k.seen[h.key] = true
		return true
	}
	return false
}

// wheelCache reads the wheel filenames of one project page as
// wheeltags.ParseWheelFilename and Target.Rank would, parsing each
// distinct name-version and each distinct tag set once: a page lists each
// release's wheels for every platform (hundreds of files, a few dozen tag
// sets), and parsing every filename whole was most of a lock's listing
// CPU (the filter, then group). A filename is valid exactly when
// ParseWheelFilename accepts it: no line break, 4 or 5 dashes, a build tag
// starting with a digit, no empty tag field, and a name and version it
// accepts (checked by parsing "name-version-py3-none-any.whl", which has
// the same name and version fields).
type wheelCache struct {
	target wheeltags.Target
	heads  map[string]wheelHead // "name-version" as written
	tags   map[string]wheelTags // "python-abi-platform" as written
}

// wheelHead is a wheel's project and version.
type wheelHead struct {
	name    string         // normalized
	version pep440.Version // local label included
	key     string         // name and version: the release
	ok      bool
}

// wheelTags is what the target makes of a wheel's tag set.
type wheelTags struct {
	rank     int // Target.Rank's, when installs
	installs bool
	ok       bool // no empty field
}

func newWheelCache(t wheeltags.Target) wheelCache {
	return wheelCache{target: t, heads: map[string]wheelHead{}, tags: map[string]wheelTags{}}
}

// parse reads a wheel filename; ok is false when ParseWheelFilename
// rejects it.
func (c *wheelCache) parse(filename string) (wheelHead, wheelTags, bool) {
	stem := strings.TrimSuffix(filename, ".whl")
	dashes := strings.Count(stem, "-")
	if len(stem) == len(filename) || dashes != 4 && dashes != 5 || strings.ContainsAny(filename, "\r\n") {
		return wheelHead{}, wheelTags{}, false
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
			return wheelHead{}, wheelTags{}, false
		}
		head = head[:b]
	}
	h, seen := c.heads[head]
	if !seen {
		if w, err := wheeltags.ParseWheelFilename(head + "-py3-none-any.whl"); err == nil {
			h = wheelHead{name: w.Name, version: w.Version, key: w.Name + " " + w.Version.String(), ok: true}
		}
		c.heads[head] = h
	}
	tg, seen := c.tags[tagSet]
	if !seen {
		tg = c.rank(tagSet)
		c.tags[tagSet] = tg
	}
	return h, tg, h.ok && tg.ok
}

// rank ranks tag set s (python-abi-platform) for the target.
func (c *wheelCache) rank(s string) wheelTags {
	for _, f := range strings.Split(s, "-") {
		if f == "" {
			return wheelTags{}
		}
	}
	tags, err := wheeltags.ParseTags(s)
	if err != nil {
		return wheelTags{}
	}
	rank, installs := c.target.Rank(tags)
	return wheelTags{rank: rank, installs: installs, ok: true}
}
