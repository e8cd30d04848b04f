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
	f.Add([]byte("Collecting x==1 (from -r a (line 1))\nERROR: ResolutionImpossible\nThe conflict is caused by:\n    The user requested x===1.*\n    spaces 1 depends on x~=\n    gradio[a] 2 depends on x!=1.*,<0\n"))
	f.Add([]byte("pip install -r r gradio[a]==4.4\nCollecting gradio==5 (from gradio[a]==5)\nThe conflict is caused by:\n    The user requested gradio==4.4\n    The user requested gradio==\n    The user requested spaces===x\n    gradio[a] 4.4 depends on gradio 4.4 (from http://x (from y))\n    spaces 1 depends on gradio>=5,garbage\n    p 1 depends on gradio 1.0 (from\n"))
	f.Add([]byte("Collecting gradio==1 (from -r req.txt (line 1))\nERROR: ResolutionImpossible\nThe conflict is caused by:\n    The user requested gradio!=1.*\n    The user requested gradio<0\n    x 1 depends on gradio~=\n"))
	f.Add([]byte("Collecting flash-attn<2.8 (from -r /r.txt (line 2))\n  Downloading torch-2.8.0-cp312-cp312-linux_x86_64.whl.metadata\n  Building wheel for flash-attn\nCUDA_HOME environment variable is not set\n"))
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
