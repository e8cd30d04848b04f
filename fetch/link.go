package fetch

import (
	"fmt"
	"net/url"
	"strings"
)

// NextLink returns the rel="next" target of an RFC 8288 Link header value,
// resolved against base (the URL of the response that carried the header),
// or "" when the header names no next page.
//
// The header is a comma-separated list of link-values,
// `<target>; param; param`, where a rel parameter holds one or more
// space-separated relation types, quoted or not; relation types and
// parameter names compare case-insensitively. GitHub's page links and the
// Hub's cursor links are both read this way. Deviation from RFC 8288: a
// link-value ends where the next '<' is, so a '<' inside a quoted parameter
// value (title="a<b") would start a new one; neither server sends such
// values.
func NextLink(header, base string) (string, error) {
	for header != "" {
		header = strings.TrimLeft(header, " ,")
		if !strings.HasPrefix(header, "<") {
			return "", fmt.Errorf("expected '<' in Link header %q", header)
		}
		end := strings.IndexByte(header, '>')
		if end < 0 {
			return "", fmt.Errorf("expected '>' in Link header %q", header)
		}
		target := header[1:end]
		params := header[end+1:]
		header = ""
		if i := strings.Index(params, "<"); i >= 0 {
			params, header = params[:i], params[i:]
		}
		if hasRel(params, "next") {
			return resolveLink(base, target)
		}
	}
	return "", nil
}

// hasRel reports whether the ';'-separated link parameters params carry a
// rel parameter naming relation type want.
func hasRel(params, want string) bool {
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(strings.TrimRight(strings.TrimSpace(p), ",")), "=")
		if !strings.EqualFold(k, "rel") {
			continue
		}
		for _, rel := range strings.Fields(strings.Trim(v, `"`)) {
			if strings.EqualFold(rel, want) {
				return true
			}
		}
	}
	return false
}

// resolveLink resolves a Link target against the URL base.
func resolveLink(base, target string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	t, err := b.Parse(target)
	if err != nil {
		return "", fmt.Errorf("bad Link target %q: %v", target, err)
	}
	return t.String(), nil
}
