package wheeltags

import (
	"fmt"
	"slices"
	"strings"
)

// Explain says why the target supports none of tags, naming the part that
// fails: the platform ("macOS platform macosx_11_0_arm64, target is
// linux_x86_64", "aarch64 platform linux_aarch64, target is x86_64"), the
// Python tag ("cp311 wheel, target is cp312") or the ABI ("ABI cp312t,
// target accepts cp312, abi3, none"). It returns "" when a tag is supported.
func (t Target) Explain(tags []Tag) string {
	tb := t.lookup()
	if len(tags) == 0 {
		return "no tags"
	}
	if _, ok := t.Rank(tags); ok {
		return ""
	}
	if t.impl() != "cp" {
		return fmt.Sprintf("implementation %q is not modelled, only cp", t.impl())
	}
	// 1. Platform: no tag has a platform the target runs.
	var onPlatform []Tag
	for _, tag := range tags {
		if tag.Platform == "any" || tb.platforms[tag.Platform] {
			onPlatform = append(onPlatform, tag)
		}
	}
	if len(onPlatform) == 0 {
		var reasons []string
		for _, p := range uniq(tags, func(t Tag) string { return t.Platform }) {
			if r := t.explainPlatform(p); !slices.Contains(reasons, r) {
				reasons = append(reasons, r)
			}
		}
		return strings.Join(reasons, "; ")
	}
	// 2. Python tag: no tag names an interpreter the target runs, with abi3
	// counting for older cp3x.
	interpOK := false
	for _, tag := range onPlatform {
		if tb.interps[tag.Interpreter] || (tag.ABI == "abi3" && t.abi3Accepts(tag.Interpreter)) {
			interpOK = true
			break
		}
	}
	if !interpOK {
		interps := uniq(onPlatform, func(t Tag) string { return t.Interpreter })
		abi3Only := true
		for _, tag := range onPlatform {
			if tag.ABI != "abi3" {
				abi3Only = false
			}
		}
		if abi3Only {
			return fmt.Sprintf("abi3 wheel for %s and newer, target is %s", strings.Join(interps, "."), t.Interpreter())
		}
		return fmt.Sprintf("%s wheel, target is %s", strings.Join(interps, "."), t.Interpreter())
	}
	// 3. ABI: the interpreter fits but its ABI does not.
	abis := uniq(onPlatform, func(t Tag) string { return t.ABI })
	for _, abi := range abis {
		if abi != t.ABI() && abi != "abi3" && abi != "none" {
			return fmt.Sprintf("ABI %s, target accepts %s, abi3, none", strings.Join(abis, "."), t.ABI())
		}
	}
	// Each part is accepted somewhere, but not in these combinations
	// ("py3-cp312-any").
	var names []string
	for _, tag := range tags {
		names = append(names, tag.String())
	}
	return fmt.Sprintf("no supported combination in %s", strings.Join(names, ", "))
}

// abi3Accepts reports whether an abi3 wheel built for interp runs on t.
func (t Target) abi3Accepts(interp string) bool {
	for _, x := range t.lookup().tags {
		if x.Interpreter == interp && x.ABI == "abi3" {
			return true
		}
	}
	return false
}

func uniq(tags []Tag, key func(Tag) string) []string {
	var out []string
	for _, t := range tags {
		if k := key(t); !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// SkipKind classifies why Best did not choose a file.
type SkipKind int

const (
	NotWheel     SkipKind = iota + 1 // an sdist or another kind of file
	BadFilename                      // a .whl whose name does not parse
	Incompatible                     // no tag of the wheel is supported by the target
	Worse                            // compatible, but a better file was chosen
)

// String returns the kind in words: "not a wheel", "bad filename",
// "incompatible", "worse".
func (k SkipKind) String() string {
	switch k {
	case NotWheel:
		return "not a wheel"
	case BadFilename:
		return "bad filename"
	case Incompatible:
		return "incompatible"
	case Worse:
		return "worse"
	}
	return fmt.Sprintf("SkipKind(%d)", int(k))
}

// Skip is a file Best did not choose, with the reason.
type Skip struct {
	Filename string
	Kind     SkipKind
	Reason   string
}

// candidate is a compatible wheel with its rank.
type candidate struct {
	w    Wheel
	rank int
}

// better reports whether a sorts before b in pip's preference: the higher
// version, then the better (lower) tag rank, then the higher build tag.
func better(a, b candidate) bool {
	if c := a.w.Version.Compare(b.w.Version); c != 0 {
		return c > 0
	}
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	return CompareBuild(a.w, b.w) > 0
}

// Best returns the wheel among filenames that pip would install on the
// target, and every other file with the reason it was not chosen. Files of
// one project are expected; the order of preference is that of pip's
// candidate sort key: the highest version, then the best tag rank, then the
// highest build tag. Source distributions are never chosen (a ZeroGPU build
// has no compiler for CUDA extensions). best is "" when no wheel fits.
func Best(filenames []string, t Target) (best string, skipped []Skip) {
	var cands []candidate
	bestIdx := -1
	for _, f := range filenames {
		if !IsWheelFilename(f) {
			reason := "not a wheel"
			if IsSdistFilename(f) {
				reason = "source distribution, not a wheel"
			}
			skipped = append(skipped, Skip{f, NotWheel, reason})
			continue
		}
		w, err := ParseWheelFilename(f)
		if err != nil {
			skipped = append(skipped, Skip{f, BadFilename, err.Error()})
			continue
		}
		rank, ok := t.Rank(w.Tags)
		if !ok {
			skipped = append(skipped, Skip{f, Incompatible, t.Explain(w.Tags)})
			continue
		}
		cands = append(cands, candidate{w, rank})
		if bestIdx < 0 || better(cands[len(cands)-1], cands[bestIdx]) {
			bestIdx = len(cands) - 1
		}
	}
	if bestIdx < 0 {
		return "", skipped
	}
	b := cands[bestIdx]
	for i, c := range cands {
		if i == bestIdx {
			continue
		}
		skipped = append(skipped, Skip{c.w.Filename, Worse, worseReason(c, b)})
	}
	return b.w.Filename, skipped
}

// worseReason says why c lost to the chosen b.
func worseReason(c, b candidate) string {
	if cmp := c.w.Version.Compare(b.w.Version); cmp != 0 {
		return fmt.Sprintf("version %s is older than the chosen %s", c.w.Version, b.w.Version)
	}
	if c.rank != b.rank {
		return fmt.Sprintf("tag rank %d is worse than the chosen %d", c.rank, b.rank)
	}
	if CompareBuild(c.w, b.w) != 0 {
		return fmt.Sprintf("build tag %q is lower than the chosen %q", c.w.Build, b.w.Build)
	}
	return "same version, tag rank and build tag as the chosen file, which came first"
}
