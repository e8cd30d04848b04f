package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestWriteFileReplaces(t *testing.T) {
	p := filepath.Join(t.TempDir(), "requirements.txt")
	if err := os.WriteFile(p, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "new\n" {
		t.Fatalf("content = %q, want %q", got, "new\n")
	}
}

func TestWriteFailureLeavesOldFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "requirements.txt")
	if err := os.WriteFile(p, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(p, 0o644, func(w io.Writer) error {
		io.WriteString(w, "half a fi")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "old\n" {
		t.Fatalf("content = %q, want the old file untouched", got)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("temporary file left behind: %v", ents)
	}
}

// TestErrorsNameTarget checks that every failure names the file asked
// for, never the temporary file, keeps the cause for errors.Is, and leaves
// nothing behind.
func TestErrorsNameTarget(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) (path string, fill func(io.Writer) error)
		op    string
		cause error
	}{
		{
			name: "disk full while writing",
			setup: func(t *testing.T, dir string) (string, func(io.Writer) error) {
				return filepath.Join(dir, "requirements.txt"), func(w io.Writer) error {
					// What *os.File.Write returns on a full disk.
					return &fs.PathError{Op: "write", Path: w.(*os.File).Name(), Err: syscall.ENOSPC}
				}
			},
			op: "write", cause: syscall.ENOSPC,
		},
		{
			name: "folder missing",
			setup: func(t *testing.T, dir string) (string, func(io.Writer) error) {
				return filepath.Join(dir, "missing", "requirements.txt"), writeString("new\n")
			},
			op: "write", cause: fs.ErrNotExist,
		},
		{
			name: "target is a non-empty folder",
			setup: func(t *testing.T, dir string) (string, func(io.Writer) error) {
				p := filepath.Join(dir, "requirements.txt")
				if err := os.MkdirAll(filepath.Join(p, "keep"), 0o755); err != nil {
					t.Fatal(err)
				}
				return p, writeString("new\n")
			},
			op: "replace",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path, fill := tt.setup(t, dir)
			err := Write(path, 0o644, fill)
			pe, ok := errors.AsType[*fs.PathError](err)
			if !ok {
				t.Fatalf("err = %v (%T), want a *fs.PathError", err, err)
			}
			if got := [2]string{pe.Op, pe.Path}; got != [2]string{tt.op, path} {
				t.Errorf("error names %q %q, want %q %q (err: %v)", got[0], got[1], tt.op, path, err)
			}
			if strings.Contains(err.Error(), ".tmp-") {
				t.Errorf("error names the temporary file: %v", err)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.cause)
			}
			tmps, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
			if len(tmps) > 0 {
				t.Errorf("temporary files left behind: %v", tmps)
			}
		})
	}
}

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}
