package main

import (
	"bytes"
	"testing"
)

// TestSafeWriter: stdout lines are redacted and terminal-escaped, whatever
// the size of the writes; CRLF endings and ${VAR} placeholders are kept.
func TestSafeWriter(t *testing.T) {
	in := "a @ https://u:pw@h/a.whl\r\nb @ https://u:${TOK}@h/b\n\x1b]0;x\x07 c\rd\ntokenizers==0.20.1\nno newline \x1b[2J"
	want := "a @ https://u:****@h/a.whl\r\nb @ https://u:${TOK}@h/b\n\\x1b]0;x\\x07 c\\x0dd\ntokenizers==0.20.1\nno newline \\x1b[2J"
	for _, size := range []int{1, 3, 7, len(in)} {
		var buf bytes.Buffer
		w := newSafeWriter(&buf)
		for i := 0; i < len(in); i += size {
			n, err := w.Write([]byte(in[i:min(i+size, len(in))]))
			if err != nil || n != min(size, len(in)-i) {
				t.Fatalf("Write = %d, %v", n, err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := buf.String(); got != want {
			t.Errorf("writes of %d: got\n%q\nwant\n%q", size, got, want)
		}
	}
}
