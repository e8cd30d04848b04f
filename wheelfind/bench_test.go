package wheelfind

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/internal/testonly/shared"
)

// BenchmarkFind judges every real flash_attn filename (725 files) for a
// ZeroGPU query.
func BenchmarkFind(b *testing.B) {
	f, err := os.Open(shared.Dir(b, "domain", "real-wheel-filenames.txt"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var src static
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if n := sc.Text(); strings.HasPrefix(n, "flash_attn-") {
			src = append(src, index.File{Filename: n, URL: "https://example.test/" + n})
		}
	}
	sources := []Source{{Name: "all", Lister: src}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Find(context.Background(), "flash-attn", zeroGPU, sources)
		if err != nil || len(res.Found) == 0 {
			b.Fatalf("found %d, %v", len(res.Found), err)
		}
	}
}
