package pypi

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/zgpu/zgpu/fetch"
)

func sha(data string) string {
	s := sha256.Sum256([]byte(data))
	return hex.EncodeToString(s[:])
}

// wheelOpts shapes a test wheel.
type wheelOpts struct {
	padding  int // bytes of incompressible data before the .dist-info
	entries  int // extra small files, to grow the central directory
	metadata string
}

// buildWheel writes a wheel zip for name-version and returns its bytes.
func buildWheel(t testing.TB, name, version string, o wheelOpts) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(path string, data []byte, method uint16) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: path, Method: method, Modified: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	if o.padding > 0 {
		pad := make([]byte, o.padding)
		for i := range pad {
			pad[i] = byte(rng.UintN(256))
		}
		add(name+"/_blob.bin", pad, zip.Store)
	}
	for i := 0; i < o.entries; i++ {
		add(fmt.Sprintf("%s/sub/module_with_a_long_name_%05d.py", name, i), []byte("x = 1\n"), zip.Deflate)
	}
	add(name+"/__init__.py", []byte("__version__ = '"+version+"'\n"), zip.Deflate)
	di := name + "-" + version + ".dist-info/"
	meta := o.metadata
	if meta == "" {
		meta = "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\nRequires-Dist: numpy>=1.26\nRequires-Dist: torch; extra == \"gpu\"\nProvides-Extra: gpu\n\nA long description.\n"
	}
	add(di+"METADATA", []byte(meta), zip.Deflate)
	add(di+"WHEEL", []byte("Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"), zip.Deflate)
	add(di+"RECORD", []byte(""), zip.Deflate)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// testClient is a fetch client that retries fast.
func testClient(cache string) *fetch.Client {
	return fetch.New(fetch.Config{CacheDir: cache, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond, Timeout: 10 * time.Second})
}

// offlineClient serves only from cache.
func offlineClient(cache string) *fetch.Client {
	return fetch.New(fetch.Config{CacheDir: cache, Offline: true})
}
