package pypi

import (
	"archive/zip"
	"bytes"
	"io"
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

// FuzzWheelMetadata: a wheel (a local -f file, or one downloaded whole)
// of any content gives its METADATA or an error; never a panic or an
// unbounded read.
func FuzzWheelMetadata(f *testing.F) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("x-1.0.dist-info/METADATA")
	io.WriteString(w, "Metadata-Version: 2.1\nName: x\nVersion: 1.0\nRequires-Dist: y>=2\n")
	zw.Close()
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Fuzz(func(t *testing.T, data []byte) {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		wheelMetadata(zr, "x-1.0-py3-none-any.whl")
	})
}
