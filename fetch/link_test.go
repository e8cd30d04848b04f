package fetch

import (
	"net/url"
	"testing"
)

func TestNextLink(t *testing.T) {
	for _, c := range []struct{ header, base, want string }{
		{``, "https://api.github.com/x", ""},
		{`<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"`, "https://api.github.com/x", "https://api.github.com/x?page=2"},
		{`<https://a/x?page=1>; rel="prev", <https://a/x?page=3>; rel="next"`, "https://a/x", "https://a/x?page=3"},
		{`</api/t?cursor=abc>; rel="next"`, "https://hf.co/api/t", "https://hf.co/api/t?cursor=abc"},
		{`<https://a/x?page=5>; rel="last"`, "https://a/x", ""},
		{`<https://a/x?page=2>; rel="prev next"`, "https://a/x", "https://a/x?page=2"},
		{`<https://a/x?page=2>; REL=Next`, "https://a/x", "https://a/x?page=2"},
	} {
		got, err := NextLink(c.header, c.base)
		if err != nil || got != c.want {
			t.Errorf("NextLink(%q) = %q, %v; want %q", c.header, got, err, c.want)
		}
	}
	for _, h := range []string{`https://a/x; rel="next"`, `<https://a/x; rel="next"`} {
		if got, err := NextLink(h, "https://a/"); err == nil {
			t.Errorf("NextLink(%q) = %q, want an error", h, got)
		}
	}
}

func FuzzNextLink(f *testing.F) {
	f.Add(`<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"`)
	f.Add(`</a?cursor=x>; rel=next`)
	f.Add(`<>; rel="next"`)
	f.Add(`<a>;;,<b>; rel="prev next"`)
	f.Fuzz(func(t *testing.T, h string) {
		got, err := NextLink(h, "https://api.github.com/repos/o/r/releases")
		if err != nil || got == "" {
			return
		}
		u, perr := url.Parse(got)
		if perr != nil || !u.IsAbs() {
			t.Errorf("NextLink(%q) = %q, not an absolute URL", h, got)
		}
	})
}
