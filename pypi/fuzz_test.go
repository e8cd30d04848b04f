package pypi

import (
	"strings"
	"testing"
)

func FuzzParsePage(f *testing.F) {
	f.Add([]byte(`<a href="../x-1.0.tar.gz#sha256=ab" data-yanked="r" data-core-metadata="sha256=cd">x</a>`), false)
	f.Add([]byte(`<base href="/b/"><a href=y-1.whl>`), false)
	f.Add([]byte(`{"meta": {"api-version": "1.0"}, "files": [{"filename": "a", "url": "b", "yanked": "x", "core-metadata": {"sha256": "x"}}]}`), true)
	f.Fuzz(func(t *testing.T, body []byte, asJSON bool) {
		ct := "text/html"
		if asJSON {
			ct = "application/vnd.pypi.simple.v1+json"
		}
		files, err := ParsePage(body, ct, "https://x.test/simple/p/")
		if err != nil {
			return
		}
		for _, f := range files {
			if f.Filename == "" || strings.Contains(f.URL, "#") {
				t.Errorf("bad file %+v", f)
			}
		}
	})
}
