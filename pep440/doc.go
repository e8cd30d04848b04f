// Package pep440 implements PEP 440 version identifiers and version
// specifier sets exactly as pypa/packaging 24.1 (the copy vendored in pip
// 24.2) implements them: Version, Specifier and SpecifierSet, without
// LegacyVersion.
//
// # Versions
//
// Parse accepts what packaging's VERSION_PATTERN accepts (case-insensitive,
// surrounded by optional Unicode whitespace):
//
//	[v] [N!] N(.N)* [[-_.](a|alpha|b|beta|c|rc|pre|preview)[-_.][N]]
//	      [-N | [-_.](post|rev|r)[-_.][N]] [[-_.]dev[-_.][N]] [+L([-_.]L)*]
//
// where N is a run of ASCII digits and L a run of ASCII letters and digits.
// String returns the normalized form packaging's str(Version) prints, and
// Compare orders versions by packaging's sort key: epoch, release with
// trailing zeros ignored, then pre-release, post-release, development
// release and local label (alphanumeric local segments sort before numeric
// ones, a shorter local label before a longer one it prefixes).
//
// Like packaging, which matches with re.IGNORECASE on str patterns, Parse
// also accepts, in pre-release, post-release and dev words, the four
// non-ASCII letters Python folds onto ASCII ones: U+0130 and U+0131 for "i",
// U+017F for "s" and U+212A for "k". They keep packaging's odd
// consequences: "1.0poſt1" prints as "1.0.post1" yet sorts after it;
// "1prevıew" keeps the label "prevıew", which sorts between "b" and "rc".
// In a local label they are rejected, as packaging 26 rejects them (24.1
// accepted "1.0+K").
//
// # Specifiers
//
// ParseSpecifier and ParseSpecifiers accept exactly what packaging's
// Specifier and SpecifierSet accept: a set is split on commas, blank items
// are dropped, duplicates (by packaging's canonical form) are dropped, the
// first spelling wins. Operators ~= == != <= >= < > and === behave as
// packaging's, including prefix matching (==1.2.*), the local-label rules
// and the exclusive-ordering rules of < and >. Specifier.Version keeps the
// text as written (packaging does not normalize it); Specifiers.String
// sorts the items as str(SpecifierSet) does.
//
// Contains takes packaging's prereleases argument as a bool: true admits
// pre-releases, false rejects them outright. pip without --pre passes
// packaging's None, which means s.Prereleases(); Filter(vs, false) is that
// call (see Filter for packaging 24.1's exact fallback rule).
//
// # Deviations
//
// Packaging uses unbounded integers; Parse rejects an epoch, release,
// pre-release, post-release or dev number that does not fit in an int64
// (after dropping leading zeros). Local numbers may be of any size. Where packaging raises
// InvalidVersion in the middle of a comparison (a pre-release label spelled
// with U+0130, whose str() does not parse again; an === specifier whose text
// is not a version when asked Prereleases), this package answers false
// instead of failing. The zero Version is not a valid version: it sorts
// before every other Version and no specifier contains it.
package pep440
