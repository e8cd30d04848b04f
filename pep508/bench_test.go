package pep508

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/internal/testonly/shared"
)

// benchRequirements returns n requirement strings: every requirement line
// of the corpus's requirements files (comments and options dropped), then
// well-formed generated ones, cycled to n.
func benchRequirements(b *testing.B, n int) []string {
	var lines []string
	files, _ := filepath.Glob(filepath.Join(shared.Dir(b, "corpus"), "*", "requirements*.txt"))
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			line := sc.Text()
			if i := strings.Index(line, " #"); i >= 0 {
				line = line[:i]
			}
			line = strings.TrimSpace(line)
			if line == "" || line[0] == '#' || line[0] == '-' {
				continue
			}
			if _, err := ParseRequirement(line); err == nil {
				lines = append(lines, line)
			}
		}
		fh.Close()
	}
	g := newGen(7)
	for len(lines) < 2*len(files)+2000 {
		if s := g.requirement(); g.clean {
			if _, err := ParseRequirement(s); err == nil {
				lines = append(lines, s)
			}
		}
	}
	out := make([]string, n)
	for i := range out {
		out[i] = lines[i%len(lines)]
	}
	return out
}

func BenchmarkParseRequirement100k(b *testing.B) {
	reqs := benchRequirements(b, 100_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, s := range reqs {
			if _, err := ParseRequirement(s); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(reqs)), "ns/req")
}

var benchMarkers = []string{
	`python_version >= "3.10"`,
	`sys_platform == "linux" and platform_machine == "x86_64"`,
	`python_version < "3.11" and (platform_system == "Linux" or platform_system == "Darwin")`,
	`extra == "cuda" and python_full_version >= "3.10.0"`,
	`platform_python_implementation == "CPython" and python_version not in "3.8 3.9"`,
	`implementation_name == "cpython" and sys_platform != "win32" and python_version ~= "3.12"`,
}

func BenchmarkParseMarker(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range benchMarkers {
			if _, err := ParseMarker(s); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(benchMarkers)), "ns/marker")
}

func BenchmarkEvaluate(b *testing.B) {
	env := LinuxEnv("3.12.12")
	var ms []*Marker
	for _, s := range benchMarkers {
		m, err := ParseMarker(s)
		if err != nil {
			b.Fatal(err)
		}
		ms = append(ms, m)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, m := range ms {
			m.Evaluate(env)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ms)), "ns/marker")
}

func BenchmarkNormalizeName(b *testing.B) {
	names := []string{"torch", "Flash_Attn", "zope.interface", "scikit-learn", "Pillow"}
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range names {
			NormalizeName(n)
		}
	}
}

func BenchmarkEvaluateExtras(b *testing.B) {
	env := LinuxEnv("3.12.12")
	m, err := ParseMarker(`python_version >= "3.10" and (extra == "cuda" or extra == "all")`)
	if err != nil {
		b.Fatal(err)
	}
	extras := []string{"test", "Cuda"}
	b.ReportAllocs()
	for b.Loop() {
		if !m.EvaluateExtras(env, extras) {
			b.Fatal("marker does not hold")
		}
	}
}
