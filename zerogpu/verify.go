package zerogpu

import (
	"context"
	"errors"
	"fmt"
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
	if in.SDKVersion != "" {
		// The check needs the platform's gradio from the index.
		files, err := lo.Lister.Files(ctx, "gradio")
		if err != nil && !errors.Is(err, index.ErrNotFound) {
			return fmt.Errorf("%w: %v", ErrUnreachable, err)
		}
		found := false
		if v, perr := pep440.Parse(in.SDKVersion); perr == nil {
			for _, f := range files {
				if w, err := wheeltags.ParseWheelFilename(f.Filename); err == nil && w.Version.Compare(v) == 0 {
					found = true
				}
			}
		}
		if !found {
			r.warnf("gradio %s (sdk_version) has no wheel on the index: the export was not checked against it", in.SDKVersion)
			return nil
		}
	}
	return r.lockOnce(ctx, c, in, lo)
}

// exportFixes turns a failed verification into changes to the project:
// the lock is uv's, so the fixes go through pyproject.toml and uv lock, or
// the README's sdk_version.
func exportFixes(in *Input, e *resolver.Explanation) []string {
	var out []string
	if in.SDKVersion != "" {
		out = append(out, fmt.Sprintf("add \"gradio==%s\" to [tool.uv] constraint-dependencies in pyproject.toml and run `uv lock`, so that the lock is resolved with the Gradio the platform installs", in.SDKVersion))
		if in.LockedGradio != "" && in.LockedGradio != in.SDKVersion {
			out = append(out, fmt.Sprintf("or set `sdk_version: %s` in README.md (the gradio the lock was resolved with)", in.LockedGradio))
		}
	}
	for _, s := range fixesFor(e.Suggestions, in) {
		if strings.HasPrefix(s, "no change to a single requirement") {
			continue
		}
		out = append(out, s)
	}
	return out
}
