package zerogpu

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/resolver"
	"github.com/zgpu/zgpu/wheeltags"
)

// Verify co-resolves a lock export (uv.lock, pylock.toml) with what the
// platform installs: its pins, exactly, with gradio at sdk_version and
// spaces. The export itself is left as it is; pins that cannot install
// with the platform's Gradio become a Problem that names the conflict. It
// reads the index: ErrUnreachable when it cannot.
func (r *Report) Verify(ctx context.Context, c *catalog.Catalog, in *Input, lo LockOptions) error {
	if !r.OK() || !in.Locked {
		return nil
	}
	if c == nil {
		c = catalog.Default()
	}
	lo.verify = true
	lo.Preferences = nil
	lo.Meta = sdistMeta{inner: lo.Meta}
	if in.SDKVersion != "" {
		// The check needs the platform's gradio from the index.
		found, err := gradioOnIndex(ctx, lo.Lister, in.SDKVersion)
		if err != nil {
			return err
		}
		if !found {
			r.warnf("gradio %s (sdk_version) has no wheel on the index: the export is checked without it", in.SDKVersion)
			without := *in
			without.SDKVersion = ""
			in = &without
		}
	}
	return r.Lock(ctx, c, in, lo)
}

// VerifyFile co-resolves the requirements about to be written as they are
// (the ranges of --no-lock) with what the platform's builder installs in
// the same pip call (catalog.Catalog.BuilderInstall). When they cannot
// install together, the conflict (the resolver's chain of requirements)
// becomes a Problem, and nothing is written. A failure that does not
// involve the builder's set (a package the index lacks) says nothing about
// the builder and is only recorded as a decision. It reads the index:
// ErrUnreachable when it cannot (the file is then written unverified).
func (r *Report) VerifyFile(ctx context.Context, c *catalog.Catalog, in *Input, lo LockOptions) error {
	if !r.OK() || r.Locked || in.Locked {
		return nil
	}
	if c == nil {
		c = catalog.Default()
	}
	if in.SDKVersion != "" {
		found, err := gradioOnIndex(ctx, lo.Lister, in.SDKVersion)
		if err != nil {
			return err
		}
		if !found {
			r.decide("verify", "not verified", fmt.Sprintf("gradio %s (sdk_version) has no wheel on the index, so what the builder installs cannot be resolved here", in.SDKVersion), "")
			return nil
		}
	}
	lo.verifyFile = true
	lo.Preferences = nil
	return r.Lock(ctx, c, in, lo)
}

// fileUnsat reports requirements that do not resolve with the builder's
// set (VerifyFile).
func (r *Report) fileUnsat(ctx context.Context, l index.Lister, c *catalog.Catalog, target wheeltags.Target, in *Input, e *resolver.Explanation) {
	if !involvesBuilder(e.Derivation) {
		r.decide("verify", "not verified", "the requirements do not resolve on the index for a reason that does not involve what the builder installs:\n"+e.Derivation, "")
		return
	}
	r.problem(Problem{
		Subject: "verify",
		Message: "the requirements to write cannot be installed together with what the platform's builder installs in the same pip call (" + builderSet(c, in) + "), so the build would fail:\n" + e.Derivation,
		Fixes:   unsatFixes(ctx, l, c, target, r.Target.Torch, in, e),
	})
}

// involvesBuilder reports whether a resolver explanation names one of the
// builder's own requirements.
func involvesBuilder(derivation string) bool {
	for _, o := range []string{originGradio, originNewest, originSpaces, originBuilder} {
		if strings.Contains(derivation, "("+o+")") {
			return true
		}
	}
	return false
}

// gradioOnIndex reports whether the index has a wheel of gradio sdk (the
// platform's gradio); ErrUnreachable when it cannot be read.
func gradioOnIndex(ctx context.Context, l index.Lister, sdk string) (bool, error) {
	files, err := l.Files(ctx, "gradio")
	if err != nil && !errors.Is(err, index.ErrNotFound) {
		return false, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	v, err := pep440.Parse(sdk)
	if err != nil {
		return false, nil
	}
	for _, f := range files {
		if w, err := wheeltags.ParseWheelFilename(f.Filename); err == nil && w.Version.Compare(v) == 0 {
			return true, nil
		}
	}
	return false, nil
}

// exportFixes turns a failed verification into changes to the project:
// the lock is uv's, so the fixes go through pyproject.toml and uv lock, or
// the README's sdk_version. Gradio is named only when the explanation
// involves it or spaces.
func exportFixes(ctx context.Context, l index.Lister, target wheeltags.Target, in *Input, e *resolver.Explanation) []string {
	var out []string
	pin, relock := "in pyproject.toml (or [tool.uv] constraint-dependencies) and run `uv lock`", "in pyproject.toml and run `uv lock`"
	if filepath.Base(in.Input) == "pylock.toml" {
		// PEP 751 locks are made by several tools: the fix is where it
		// comes from.
		pin, relock = "where pylock.toml is made from and lock again", "where pylock.toml is made from and lock again"
	}
	for _, f := range append(missingVersionFixes(ctx, l, target, e.Derivation), derivationFixes(e.Derivation)...) {
		f = strings.Replace(f, ": change the requirement", ": pin a version that has one "+pin, 1)
		out = append(out, f)
	}
	if in.SDKVersion != "" && (mentionsPackage(e.Derivation, "gradio") || mentionsPackage(e.Derivation, "spaces")) {
		out = append(out, fmt.Sprintf("add \"gradio==%s\" to [tool.uv] constraint-dependencies in pyproject.toml and run `uv lock`, so that the lock is resolved with the Gradio the platform installs", in.SDKVersion))
		if in.LockedGradio != "" && in.LockedGradio != in.SDKVersion {
			out = append(out, fmt.Sprintf("or set `sdk_version: %s` in README.md (the gradio the lock was resolved with)", in.LockedGradio))
		}
	}
	if len(out) == 0 {
		out = append(out, "change the conflicting requirement "+relock)
	}
	return out
}

// sdistMeta reads metadata of wheels only: a lock export's sdist (argbind,
// say) has no core metadata on the index, and reading it would mean a
// download. Verify takes its name and version, and its dependencies from
// the other pins of the export.
type sdistMeta struct {
	inner index.MetadataReader
}

func (s sdistMeta) Metadata(ctx context.Context, f index.File) (index.Metadata, error) {
	if !wheeltags.IsWheelFilename(f.Filename) {
		if sd, err := wheeltags.ParseSdistFilename(f.Filename); err == nil {
			return index.Metadata{Name: sd.Name, Version: sd.Version.String()}, nil
		}
	}
	return s.inner.Metadata(ctx, f)
}
