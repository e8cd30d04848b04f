package reqfile

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func FuzzParse(f *testing.F) {
	for _, c := range trickyFiles {
		f.Add([]byte(c))
	}
	f.Add([]byte("-r a.txt\n-c b.txt\n"))
	f.Add([]byte("${A}${B}\\\n${A}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		getenv := func(k string) (string, bool) { return strings.Repeat("v", len(k)%3), true }
		// Includes read the same data again: cycles must be caught.
		read := func(string) ([]byte, error) { return data, nil }
		file, err := Parse("r.txt", data, ParseOptions{Getenv: getenv, ReadFile: read})
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				if e.Origin.File == "" || e.Origin.Line < 1 || e.Origin.Column < 1 || e.Msg == "" {
					t.Fatalf("error without a position or message: %#v", e)
				}
			} else if !strings.HasPrefix(err.Error(), "r.txt: ") && !strings.Contains(err.Error(), ": ") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for _, r := range file.Requirements {
			if r.Origin.Line < 1 || r.Origin.Column < 1 {
				t.Fatalf("bad origin %v for %q", r.Origin, r.Line)
			}
		}
		// What we write, we read back the same.
		var buf bytes.Buffer
		if err := Write(&buf, FromFile(file)); err != nil {
			return // not every line pip reads can be written back
		}
		again, err := Parse("r.txt", buf.Bytes(), ParseOptions{})
		if err != nil {
			t.Fatalf("reading back:\n%s\n%v", buf.String(), err)
		}
		if diff := cmp.Diff(views(file.Requirements), views(again.Requirements)); diff != "" {
			t.Fatalf("round trip (-read +reread):\n%s\nwritten:\n%s", diff, buf.String())
		}
	})
}

// bigFile returns a requirements file of n lines in the styles the corpus
// uses: pins, ranges, extras, markers, comments, URLs, hash continuations.
func bigFile(n int) []byte {
	var b strings.Builder
	for i := 0; i < n; {
		switch i % 10 {
		case 0:
			fmt.Fprintf(&b, "# section %d\n", i)
			i++
		case 1:
			fmt.Fprintf(&b, "package-%d==1.%d.0\n", i, i%7)
			i++
		case 2:
			fmt.Fprintf(&b, "Pkg_%d[extra,other]>=2.%d,<3 ; python_version >= \"3.10\" and sys_platform == 'linux'\n", i, i%9)
			i++
		case 3:
			fmt.Fprintf(&b, "lib%d~=0.%d  # pinned for a reason\n", i, i%5)
			i++
		case 4:
			fmt.Fprintf(&b, "flash-attn-%d @ https://github.com/o/r/releases/download/v2.8.3/flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl\n", i)
			i++
		case 5:
			fmt.Fprintf(&b, "git+https://github.com/org/repo%d.git@v1.%d#egg=repo%d\n", i, i, i)
			i++
		case 6:
			fmt.Fprintf(&b, "hashed%d==1.0 \\\n    --hash=sha256:%064x \\\n    --hash=sha256:%064x\n", i, i, i+1)
			i += 3
		case 7:
			b.WriteString("\n")
			i++
		case 8:
			fmt.Fprintf(&b, "https://example.com/dl/pkg%d-1.0-py3-none-any.whl ; os_name == \"posix\"\n", i)
			i++
		case 9:
			fmt.Fprintf(&b, "--extra-index-url https://index%d.example/simple\n", i%3)
			i++
		}
	}
	return []byte(b.String())
}

// BenchmarkParse5000 reads a generated 5,000-line requirements file. It
// also reports the heap the result holds (retained-B).
func BenchmarkParse5000(b *testing.B) {
	data := bigFile(5000)
	b.SetBytes(int64(len(data)))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	kept, err := Parse("requirements.txt", data, ParseOptions{})
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(kept)
	retained := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	b.ResetTimer()
	b.ReportAllocs()
	for b.Loop() {
		f, err := Parse("requirements.txt", data, ParseOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if len(f.Requirements) < 3000 {
			b.Fatalf("%d requirements", len(f.Requirements))
		}
	}
	b.ReportMetric(retained, "retained-B")
}

// BenchmarkWrite5000 writes what BenchmarkParse5000 reads.
func BenchmarkWrite5000(b *testing.B) {
	f, err := Parse("requirements.txt", bigFile(5000), ParseOptions{})
	if err != nil {
		b.Fatal(err)
	}
	doc := FromFile(f)
	b.ReportAllocs()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, doc); err != nil {
			b.Fatal(err)
		}
	}
}
