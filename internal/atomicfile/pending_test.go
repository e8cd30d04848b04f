package atomicfile

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// RemovePending (what a signal handler calls) removes the temporary file of
// a write in progress and leaves the target as it was.
func TestRemovePending(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "requirements.txt")
	os.WriteFile(path, []byte("old\n"), 0o644)
	inFill, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- Write(path, 0o644, func(w io.Writer) error {
			io.WriteString(w, "new\n")
			close(inFill)
			<-release
			return io.ErrUnexpectedEOF // the write is abandoned
		})
	}()
	<-inFill
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Fatalf("during the write: %d entries, want the target and a temporary file", len(ents))
	}
	RemovePending()
	ents, _ = os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left after RemovePending", e.Name())
		}
	}
	close(release)
	<-done
	if data, _ := os.ReadFile(path); string(data) != "old\n" {
		t.Errorf("target = %q, want it untouched", data)
	}
}
