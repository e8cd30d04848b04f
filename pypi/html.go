package pypi

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"

	"golang.org/x/net/html"

	"github.com/zgpu/zgpu/index"
)

// anchor is one <a href> of an HTML page.
type anchor struct {
	href  string
	text  string
	attrs map[string]string // data-* attributes, unescaped
}

// anchors tokenizes an HTML page and returns its <a href> elements and the
// first <base href>, if any.
func anchors(body []byte) (as []anchor, base string) {
	z := html.NewTokenizer(bytes.NewReader(body))
	var cur *anchor
	var text strings.Builder
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if cur != nil {
				cur.text = strings.TrimSpace(text.String())
				as = append(as, *cur)
			}
			return as, base
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "a":
				if cur != nil { // an unclosed <a>: the next one ends it
					cur.text = strings.TrimSpace(text.String())
					as = append(as, *cur)
					cur = nil
				}
				a := anchor{attrs: map[string]string{}}
				hasHref := false
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					key := string(k)
					switch {
					case key == "href":
						a.href, hasHref = string(v), true
					case strings.HasPrefix(key, "data-"):
						a.attrs[key] = string(v)
					}
				}
				if hasHref {
					if tt == html.SelfClosingTagToken {
						as = append(as, a)
					} else {
						cur = &a
						text.Reset()
					}
				}
			case "base":
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "href" && base == "" {
						base = string(v)
					}
				}
			}
		case html.TextToken:
			if cur != nil {
				text.Write(z.Text())
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "a" && cur != nil {
				cur.text = strings.TrimSpace(text.String())
				as = append(as, *cur)
				cur = nil
			}
		}
	}
}

// parseHTML reads a PEP 503 project page (or a find-links page): every
// anchor is a file, named by the last segment of its URL path; only those
// keep accepts (all when nil) are built.
func parseHTML(body []byte, pageURL string, keep func(string) bool) ([]index.File, error) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil, fmt.Errorf("bad page URL: %v", err)
	}
	as, baseHref := anchors(body)
	if baseHref != "" {
		if b, err := url.Parse(strings.TrimSpace(baseHref)); err == nil {
			base = base.ResolveReference(b)
		}
	}
	files := make([]index.File, 0, len(as))
	for _, a := range as {
		u, frag, err := resolve(base, a.href)
		if errors.Is(err, errNotHTTP) {
			continue
		}
		if err != nil {
			return nil, err
		}
		name := fileName(u)
		if name == "" {
			name = a.text
		}
		if name == "" || keep != nil && !keep(name) {
			continue
		}
		f := index.File{Filename: name, URL: u, Hashes: fragmentHash(frag)}
		f.RequiresPython = strings.TrimSpace(a.attrs["data-requires-python"])
		if reason, ok := a.attrs["data-yanked"]; ok {
			f.Yanked, f.YankedReason = true, reason
		}
		meta, ok := a.attrs["data-core-metadata"]
		if !ok {
			meta, ok = a.attrs["data-dist-info-metadata"]
		}
		if ok {
			f.CoreMetadata, f.MetadataHashes = metadataAttr(meta)
		}
		files = append(files, f)
	}
	return files, nil
}

// metadataAttr reads data-core-metadata: "true" or "<alg>=<hex>"; "false"
// (or anything else unreadable) means no metadata file.
func metadataAttr(v string) (bool, map[string]string) {
	v = strings.TrimSpace(v)
	switch strings.ToLower(v) {
	case "true", "":
		return true, nil
	case "false":
		return false, nil
	}
	if h := fragmentHash(v); h != nil {
		return true, h
	}
	return false, nil
}

// fileName is the unescaped last path segment of a URL.
func fileName(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	p := u.Path
	if strings.HasSuffix(p, "/") {
		return ""
	}
	return path.Base(p)
}
