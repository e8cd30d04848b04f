package diagnose

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkDiagnose measures a realistic failed build (the flash-attn 404
// fixture) and a long log: that fixture behind 50,000 lines of pip output.
func BenchmarkDiagnose(b *testing.B) {
	in, err := os.ReadFile(filepath.Join("testdata", "flash_attn_404.log"))
	if err != nil {
		b.Fatal(err)
	}
	c := testCatalog()
	b.Run("fixture", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(in)))
		for b.Loop() {
			Diagnose(in, c)
		}
	})
	long := append(bytes.Repeat([]byte("  Downloading nvidia_cublas_cu12-12.8.4.1-py3-none-manylinux_2_27_x86_64.whl.metadata (1.7 kB)\n"), 50000), in...)
	b.Run("long", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(long)))
		for b.Loop() {
			Diagnose(long, c)
		}
	})
}
