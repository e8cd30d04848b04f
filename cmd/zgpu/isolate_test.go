package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"

	"github.com/zgpu/zgpu/catalog"
)

// isolateCatalog points every catalog source that names its own host
// (find-links pages and extra indexes such as data.pyg.org) at base, a fake
// server, through a --catalog override in ZGPU_CATALOG: tests never reach
// the network. GitHub, the Hub and the package index are faked through
// GITHUB_API_URL, HF_ENDPOINT and PIP_INDEX_URL.
func isolateCatalog(tb testing.TB, base string) {
	tb.Helper()
	c := *catalog.Default()
	c.Packages = append([]catalog.Package(nil), c.Packages...)
	for i := range c.Packages {
		p := &c.Packages[i]
		p.Sources = append([]catalog.Source(nil), p.Sources...)
		for j := range p.Sources {
			s := &p.Sources[j]
			if s.URL == "" {
				continue
			}
			u, err := url.Parse(strings.NewReplacer("{", "", "}", "").Replace(s.URL))
			if err != nil {
				tb.Fatalf("catalog source %q: %v", s.URL, err)
			}
			s.URL = strings.TrimSuffix(base, "/") + "/external/" + u.Host + s.URL[strings.Index(s.URL, u.Host)+len(u.Host):]
		}
	}
	data, err := toml.Marshal(map[string]any{"packages": c.Packages})
	if err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(tb.TempDir(), "catalog.toml")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	tb.Setenv("ZGPU_CATALOG", p)
}
