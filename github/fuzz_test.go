package github

import (
	"net/url"
	"testing"
)

func FuzzNextLink(f *testing.F) {
	f.Add(`<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"`)
	f.Add(`</a?cursor=x>; rel=next`)
	f.Add(`<>; rel="next"`)
	f.Add(`<a>;;,<b>; rel="prev next"`)
	f.Fuzz(func(t *testing.T, h string) {
		got, err := nextLink(h, "https://api.github.com/repos/o/r/releases")
		if err != nil || got == "" {
			return
		}
		u, perr := url.Parse(got)
		if perr != nil || !u.IsAbs() {
			t.Errorf("nextLink(%q) = %q, not an absolute URL", h, got)
		}
	})
}
