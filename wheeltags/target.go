package wheeltags

import (
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
)

// Target is the interpreter and platform a wheel must install on: CPython
// X.Y on Linux with a given glibc and architecture.
type Target struct {
	Python         [2]int // {3, 12}
	Glibc          [2]int // {2, 36}; {0, 0} means no manylinux support at all
	Arch           string // "x86_64" when empty
	Implementation string // "cp" when empty; SupportedTags is empty for any other
}

// arch returns the machine name, defaulting to x86_64.
func (t Target) arch() string {
	if t.Arch == "" {
		return "x86_64"
	}
	return t.Arch
}

// impl returns the implementation, defaulting to cp.
func (t Target) impl() string {
	if t.Implementation == "" {
		return "cp"
	}
	return t.Implementation
}

// Interpreter returns the interpreter tag of the target, "cp312".
func (t Target) Interpreter() string {
	return t.impl() + nodot(t.Python[0], t.Python[1])
}

// ABI returns the ABI tag of a release build of the target interpreter:
// "cp312", or "cp37m" before Python 3.8 (pymalloc).
func (t Target) ABI() string {
	abi := "cp" + nodot(t.Python[0], t.Python[1])
	if t.Python[0] == 3 && t.Python[1] < 8 {
		abi += "m"
	}
	return abi
}

// String describes the target: "cp312 linux x86_64 glibc 2.36".
func (t Target) String() string {
	return fmt.Sprintf("%s linux %s glibc %d.%d", t.Interpreter(), t.arch(), t.Glibc[0], t.Glibc[1])
}

func nodot(major, minor int) string {
	return strconv.Itoa(major) + strconv.Itoa(minor)
}

// legacyManylinux maps the glibc versions of PEP 513, 571 and 599 to their
// legacy platform names.
var legacyManylinux = map[[2]int]string{
	{2, 17}: "manylinux2014",
	{2, 12}: "manylinux2010",
	{2, 5}:  "manylinux1",
}

// lastGlibcMinor is the newest minor version assumed for an older glibc
// major version, as packaging._manylinux._LAST_GLIBC_MINOR (always 50).
const lastGlibcMinor = 50

// Platforms returns the platform tags the target supports, best first, as
// packaging.tags.platform_tags orders them on Linux: manylinux_{glibc} down
// to the oldest manylinux of the architecture, each legacy alias right after
// its glibc version, then linux_{arch}.
func (t Target) Platforms() []string {
	arch := t.arch()
	var plats []string
	if t.Glibc[0] >= 2 {
		tooOld := [2]int{2, 16}
		if arch == "x86_64" || arch == "i686" {
			tooOld = [2]int{2, 4}
		}
		maxes := [][2]int{t.Glibc}
		for major := t.Glibc[0] - 1; major > 1; major-- {
			maxes = append(maxes, [2]int{major, lastGlibcMinor})
		}
		for _, max := range maxes {
			minMinor := -1
			if max[0] == tooOld[0] {
				minMinor = tooOld[1]
			}
			for minor := max[1]; minor > minMinor; minor-- {
				plats = append(plats, "manylinux_"+strconv.Itoa(max[0])+"_"+strconv.Itoa(minor)+"_"+arch)
				if legacy, ok := legacyManylinux[[2]int{max[0], minor}]; ok {
					plats = append(plats, legacy+"_"+arch)
				}
			}
		}
	}
	return append(plats, "linux_"+arch)
}

// SupportedTags returns every tag the target supports, best first, in the
// order of packaging.tags.sys_tags for a release build of CPython X.Y:
// cpython_tags (cpXY-cpXY, cpXY-abi3, cpXY-none on each platform, then
// abi3 for cpX(Y-1) down to cp32) followed by compatible_tags (pyXY, pyX,
// pyX(Y-1) … pyX0 with ABI none on each platform, then cpXY-none-any, then
// pyXY … pyX0 with none-any). It is nil for an implementation other than cp.
func (t Target) SupportedTags() []Tag {
	if t.impl() != "cp" {
		return nil
	}
	plats := t.Platforms()
	major, minor := t.Python[0], t.Python[1]
	interp := t.Interpreter()
	useABI3 := major > 3 || (major == 3 && minor >= 2)
	var tags []Tag
	for _, p := range plats {
		tags = append(tags, Tag{interp, t.ABI(), p})
	}
	if useABI3 {
		for _, p := range plats {
			tags = append(tags, Tag{interp, "abi3", p})
		}
	}
	for _, p := range plats {
		tags = append(tags, Tag{interp, "none", p})
	}
	if useABI3 {
		for m := minor - 1; m > 1; m-- {
			older := "cp" + nodot(major, m)
			for _, p := range plats {
				tags = append(tags, Tag{older, "abi3", p})
			}
		}
	}
	pys := pyInterpreters(major, minor)
	for _, py := range pys {
		for _, p := range plats {
			tags = append(tags, Tag{py, "none", p})
		}
	}
	tags = append(tags, Tag{interp, "none", "any"})
	for _, py := range pys {
		tags = append(tags, Tag{py, "none", "any"})
	}
	return tags
}

// pyInterpreters is packaging.tags._py_interpreter_range: pyXY, pyX, then
// pyX(Y-1) down to pyX0.
func pyInterpreters(major, minor int) []string {
	out := []string{"py" + nodot(major, minor), "py" + strconv.Itoa(major)}
	for m := minor - 1; m >= 0; m-- {
		out = append(out, "py"+nodot(major, m))
	}
	return out
}

// table is the precomputed lookup of a target's supported tags.
type table struct {
	tags      []Tag
	rank      map[Tag]int
	platforms map[string]bool
	interps   map[string]bool // interpreters supported with their own ABI or none
}

var (
	tables    sync.Map // Target -> *table
	lastTable atomic.Pointer[targetTable]
)

// targetTable pairs a target with its table: the most recent lookup, which
// saves hashing the Target when one target is asked about many times.
type targetTable struct {
	t  Target
	tb *table
}

// lookup returns the cached table of t, building it on first use.
func (t Target) lookup() *table {
	if last := lastTable.Load(); last != nil && last.t == t {
		return last.tb
	}
	if v, ok := tables.Load(t); ok {
		lastTable.Store(&targetTable{t, v.(*table)})
		return v.(*table)
	}
	tags := t.SupportedTags()
	tb := &table{
		tags:      tags,
		rank:      make(map[Tag]int, len(tags)),
		platforms: map[string]bool{},
		interps:   map[string]bool{},
	}
	for i, tag := range tags {
		if _, dup := tb.rank[tag]; !dup {
			tb.rank[tag] = i
		}
		tb.platforms[tag.Platform] = true
		if tag.ABI != "abi3" || tag.Interpreter == t.Interpreter() {
			tb.interps[tag.Interpreter] = true
		}
	}
	v, _ := tables.LoadOrStore(t, tb)
	lastTable.Store(&targetTable{t, v.(*table)})
	return v.(*table)
}

// Rank returns the position in SupportedTags of the best tag among tags
// (lower is better) and whether any of them is supported at all.
func (t Target) Rank(tags []Tag) (rank int, ok bool) {
	tb := t.lookup()
	rank = -1
	for _, tag := range tags {
		if r, found := tb.rank[tag]; found && (rank < 0 || r < rank) {
			rank = r
		}
	}
	if rank < 0 {
		return 0, false
	}
	return rank, true
}

// Supports reports whether the target supports tag.
func (t Target) Supports(tag Tag) bool {
	_, ok := t.lookup().rank[tag]
	return ok
}
