package diagnose

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDiagnose checks that any input gives a report without panicking, with
// evidence lines that exist in the input and a text rendering.
func FuzzDiagnose(f *testing.F) {
	logs, _ := filepath.Glob(filepath.Join("testdata", "*.log"))
	for _, l := range logs {
		if b, err := os.ReadFile(l); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("Guessing wheel URL: \x1b[31m%zz\r\nNo module named 'torch'\n"))
	f.Add([]byte("The conflict is caused by:\n    The user requested spaces==\n    gradio[ 1 depends on\n"))
	c := testCatalog()
	f.Fuzz(func(t *testing.T, log []byte) {
		r := Diagnose(log, c)
		lines := r.Lines
		for _, fd := range r.Findings {
			for _, e := range fd.Evidence {
				if e.Line < 1 || e.Line > lines {
					t.Fatalf("evidence line %d outside 1..%d", e.Line, lines)
				}
				if utf8.ValidString(string(log)) && !utf8.ValidString(e.Text) {
					t.Fatalf("invalid UTF-8 excerpt from valid input: %q", e.Text)
				}
			}
			if fd.Line < 1 || fd.Line > lines {
				t.Fatalf("finding line %d outside 1..%d", fd.Line, lines)
			}
		}
		var b bytes.Buffer
		if err := WriteText(&b, r); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(b.String(), "\n") {
			t.Fatalf("text output does not end with a newline")
		}
	})
}
