package cudalabel

import (
	"os"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/internal/testonly/shared"
	"github.com/zgpu/zgpu/wheeltags"
)

func FuzzFromLocal(f *testing.F) {
	for _, s := range []string{"cu12torch2.8cxx11abiTRUE", "cu128torch2.9", "pt211cu128", "cu130torch2.10.0sm80.86.89.90",
		"torch2.11.0.cu130", "cu124torch2.5gite2743ab", "cpu.cxx11.abi", "rocm6.4", "3da0fc92.d20260528", "pt9999cu1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := FromLocal(s)
		if !ok && (n.Dialect != "" || n.CUDAMajor != 0 || n.TorchMajor != 0) {
			t.Errorf("FromLocal(%q) not ok but states %+v", s, n)
		}
		if ok && n.Dialect == "" {
			t.Errorf("FromLocal(%q) ok without a dialect", s)
		}
		_ = n.String()
		n.Fits(2, 8, 12, ABITrue, "sm120")
	})
}

func FuzzFromHubPath(f *testing.F) {
	for _, s := range []string{"wheels/pt28-cu128-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl", "pt291-cu128", "pt9-cpu-cp3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := FromHubPath(s)
		if ok && (n.Dialect != "hub-cell" || n.TorchMajor == 0) {
			t.Errorf("FromHubPath(%q) = %+v", s, n)
		}
	})
}

func FuzzFromKernelVariant(f *testing.F) {
	for _, s := range []string{"torch28-cxx11-cu128-x86_64-linux", "torch-universal", "torch212-metal-aarch64-darwin", "build/torch26-cxx98-cu118-x86_64-linux/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := FromKernelVariant(s)
		if ok && !v.Noarch && (v.Arch == "" || v.OS == "" || v.Needs.TorchMajor == 0) {
			t.Errorf("FromKernelVariant(%q) = %+v", s, v)
		}
		if ok && !strings.Contains(strings.ToLower(s), strings.ToLower(v.Name)) {
			t.Errorf("FromKernelVariant(%q): name %q not from the input", s, v.Name)
		}
	})
}

// BenchmarkFromWheel reads the needs of every real wheel filename (parsed
// once, outside the loop).
func BenchmarkFromWheel(b *testing.B) {
	f, err := os.ReadFile(shared.Dir(b, "domain", "real-wheel-filenames.txt"))
	if err != nil {
		b.Fatal(err)
	}
	var wheels []wheeltags.Wheel
	for line := range strings.Lines(string(f)) {
		if line = strings.TrimSpace(line); line != "" {
			w, err := wheeltags.ParseWheelFilename(line)
			if err != nil {
				b.Fatal(err)
			}
			wheels = append(wheels, w)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		FromWheel(wheels[i%len(wheels)])
		i++
	}
}
