package hub

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzParseRepo checks that a parsed repository prints back to a string
// that parses to the same repository.
func FuzzParseRepo(f *testing.F) {
	for _, s := range []string{"datasets/a/b", "kernels/k/f@v1", "a/b@refs/pr/1", "models/x/y", "a", "a/b/c/d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRepo(s)
		if err != nil {
			return
		}
		r2, err := ParseRepo(r.String())
		if err != nil || r2 != r {
			t.Errorf("ParseRepo(%q) = %+v; String %q reparses to %+v, %v", s, r, r.String(), r2, err)
		}
	})
}

// FuzzEscape checks that escaped revisions and paths decode to what they
// encode, and that a revision keeps no '/'.
func FuzzEscape(f *testing.F) {
	f.Add("refs/pr/1", "wheels/a+b c.whl")
	f.Fuzz(func(t *testing.T, rev, path string) {
		er := escapeRevision(rev)
		if strings.Contains(er, "/") {
			t.Errorf("escapeRevision(%q) = %q keeps a slash", rev, er)
		}
		if got, err := url.PathUnescape(er); err != nil || got != rev {
			t.Errorf("escapeRevision(%q) = %q decodes to %q, %v", rev, er, got, err)
		}
		ep := escapePath(path)
		if strings.Contains(ep, "+") {
			t.Errorf("escapePath(%q) = %q keeps a '+'", path, ep)
		}
		if got, err := url.PathUnescape(ep); err != nil || got != path {
			t.Errorf("escapePath(%q) = %q decodes to %q, %v", path, ep, got, err)
		}
	})
}
