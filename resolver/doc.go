// Package resolver is a PubGrub version solver for Python requirements,
// with the semantics pip 24 gives them, behind a two-method Provider.
//
// # Algorithm
//
// It implements PubGrub as described in Dart pub's solver documentation
// (doc/solver.md) and used by uv and Poetry: unit propagation over
// incompatibilities, decision making, and conflict-driven clause learning
// that backjumps and records derived incompatibilities. When there is no
// solution the derivation graph of the final incompatibility is rendered as
// pub does, a numbered chain of "Because ..., ..." sentences, followed by
// suggested changes to the request, each verified by resolving again.
//
// Deviation from pub: a package's versions are not continuous ranges. The
// provider lists a package's candidates once, so a term is a set over that
// finite list (a bitset with one extra element, "not selected"); positive
// and negative terms, intersection and subset tests are bit operations.
// Ranges are printed from runs of adjacent candidates ("torch >=2.8.0"
// means every listed version from 2.8.0 up). As pub does with ranges, a
// dependency shared by several loaded versions of a package is merged into
// one incompatibility ("transformers >=4.42.4,<=4.44.2 depends on
// huggingface-hub<1.0,>=0.23.2"), which shortens explanations and lets
// propagation rule those versions out together.
//
// # Python semantics
//
//   - Extras: "name[extra]" is a virtual package whose version v depends on
//     name==v and on the requirements whose markers hold with that extra but
//     not without it. A requirement with extras depends on the project and
//     on each extra's package.
//   - Markers are evaluated in Request.Env (extra "" for the project
//     itself); requirements whose markers fail are dropped.
//   - Requires-Python: a candidate whose Requires-Python does not contain
//     the target's python_full_version is excluded (an invalid value is
//     ignored, as pip does).
//   - Pre-releases: a requirement admits pre-releases with Request.Pre, when
//     its specifiers name a pre-release (packaging's Specifier.prereleases),
//     or when no installable final release satisfies it (packaging's filter
//     fallback). Deviation: pip applies these rules to the intersection of
//     the specifiers of every requirement on a package it currently holds;
//     here each requirement applies them on its own. They differ only when
//     one requirement on a package admits pre-releases and another does not
//     (pip then admits them for both; here the second excludes them, and an
//     explanation says "pre-release ... excluded"); see the
//     prerelease-per-requirement scenario and lock's pip semantics test.
//   - Yanked (PEP 592): a yanked candidate matches only a requirement that
//     pins it exactly (one == or === specifier, no wildcard), as pip's
//     "pinned" rule.
//   - Direct URLs: a request requirement "name @ url" (or a constraint)
//     fixes the package to the provider's URL candidate (URLProvider); a
//     specifier requirement on it matches when the URL candidate's version
//     satisfies it; a different URL for the same name matches nothing, so
//     the conflict is explained. URL requirements in dependencies are
//     honoured only when they name the request's URL.
//   - Constraints restrict a package only if something requires it.
//   - Preferences (an existing lock) are tried first unless Upgrade or
//     UpgradePackages names the package.
//   - Provider filtering: candidates marked Unavailable (no wheel for the
//     target, policy) are kept in the universe but forbidden, so a failure
//     says "cannot be installed on the target" rather than "no versions". A
//     provider that finds out only when reading metadata returns an
//     UnavailableError from Dependencies; the version is then forbidden the
//     same way.
//
// # Heuristics
//
// The next package decided is one the request pins (== or a URL), as uv
// and pip do, else the required one with the fewest allowed candidates
// left, ties broken by first appearance (request order first);
// its version is the preferred one if allowed, else the highest allowed.
// When several solutions exist the one found can differ from pip's, whose
// resolvelib explores in a different order; every solution satisfies every
// requirement.
//
// Resolution is deterministic and single-threaded; a Prefetcher lets an
// index-backed provider fetch metadata concurrently ahead of it.
package resolver
