package uvlock

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/pep508"
)

// syntheticLock writes a uv.lock of a virtual root and n registry packages:
// with chain, the root needs p0, p0 needs p1, ... (a chain n deep);
// otherwise the root needs every package and each package needs the next
// two (a wide graph with fan-in), some edges behind markers.
func syntheticLock(n int, chain bool) []byte {
	var b strings.Builder
	b.WriteString("version = 1\nrevision = 3\nrequires-python = \">=3.10\"\n\n")
	b.WriteString("[[package]]\nname = \"root\"\nversion = \"0.1.0\"\nsource = { virtual = \".\" }\ndependencies = [\n")
	if chain {
		b.WriteString("    { name = \"p0\" },\n")
	} else {
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "    { name = \"p%d\" },\n", i)
		}
	}
	b.WriteString("]\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "[[package]]\nname = \"p%d\"\nversion = \"1.%d\"\nsource = { registry = \"https://pypi.org/simple\" }\n", i, i)
		var deps []int
		if chain {
			deps = []int{i + 1}
		} else {
			deps = []int{i + 1, i + 2}
		}
		var ds []string
		for k, d := range deps {
			if d >= n {
				continue
			}
			marker := ""
			if k == 1 && i%3 == 0 {
				marker = `, marker = "sys_platform == 'linux'"`
			}
			ds = append(ds, fmt.Sprintf("    { name = \"p%d\"%s },\n", d, marker))
		}
		if len(ds) > 0 {
			b.WriteString("dependencies = [\n" + strings.Join(ds, "") + "]\n")
		}
		fmt.Fprintf(&b, "wheels = [\n    { url = \"https://files.example/p%d-1.%d-py3-none-any.whl\", hash = \"sha256:%064d\", size = 100 },\n]\n\n", i, i, i)
	}
	return []byte(b.String())
}

// TestExportScales exports both synthetic shapes and checks the selection;
// BenchmarkExportScale measures them.
func TestExportScales(t *testing.T) {
	for _, chain := range []bool{true, false} {
		n := 2000
		l, err := Parse("uv.lock", syntheticLock(n, chain))
		if err != nil {
			t.Fatal(err)
		}
		sel, err := l.Export(ExportOptions{Env: pep508.LinuxEnv("3.12.12")})
		if err != nil {
			t.Fatal(err)
		}
		if len(sel) != n+1 {
			t.Fatalf("chain=%v: selected %d, want %d", chain, len(sel), n+1)
		}
		for _, s := range sel {
			c := s.Chain()
			if c[0] != "root" || c[len(c)-1] != s.Name {
				t.Fatalf("chain of %s = %v", s.Name, c)
			}
			if chain && s.Name == fmt.Sprintf("p%d", n-1) && len(c) != n+1 {
				t.Fatalf("chain of the deepest package has %d links, want %d", len(c), n+1)
			}
		}
	}
}

// BenchmarkExportScale: uv.lock parse and export at 10,000 packages, as a
// 10,000-deep chain and as a wide graph.
func BenchmarkExportScale(b *testing.B) {
	for _, tc := range []struct {
		name  string
		chain bool
	}{{"wide-10000", false}, {"chain-10000", true}} {
		data := syntheticLock(10000, tc.chain)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l, err := Parse("uv.lock", data)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := l.Export(ExportOptions{Env: pep508.LinuxEnv("3.12.12")}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
