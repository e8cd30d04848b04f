package catalog

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad: a catalog file (--catalog, ZGPU_CATALOG) of any content is
// loaded or refused with an error; it never panics, and a loaded catalog
// answers the questions zgpu asks of it.
func FuzzLoad(f *testing.F) {
	f.Add(EmbeddedTOML())
	f.Add([]byte("[catalog]\ndate = \"2027-01-01\"\n"))
	f.Add([]byte("[[torch]]\nversion = \"2.8.0\"\n"))
	f.Add([]byte("[catalog\n"))
	f.Add([]byte("a = [[[[[[[[[[1]]]]]]]]]]\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "catalog.toml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(p)
		if err != nil {
			return
		}
		c.AllowedTorch()
		c.Label()
	})
}

// FuzzVerify: a downloaded catalog (zgpu catalog update) of any content
// is accepted or refused with an error, never a panic.
func FuzzVerify(f *testing.F) {
	f.Add(EmbeddedTOML())
	f.Add([]byte("[catalog]\nformat = 1\ndate = \"x\"\n"))
	f.Add([]byte{0xff, 0xfe, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Verify(data, "")
		if err == nil && c == nil {
			t.Fatal("Verify: nil catalog and nil error")
		}
	})
}
