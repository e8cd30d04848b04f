//go:build unix

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// withUmask runs the test under umask mask (process-wide: these tests are
// not parallel).
func withUmask(t *testing.T, mask int) {
	t.Helper()
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

type fileState struct {
	Mode    os.FileMode
	Content string
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fileState{Mode: fi.Mode().Perm(), Content: string(data)}
}

// TestWriteModes checks that a new file gets perm less the umask, as
// os.WriteFile gives it, and that a file replaced keeps its mode whatever
// the umask.
func TestWriteModes(t *testing.T) {
	tests := []struct {
		name  string
		umask int
		old   os.FileMode // 0: no file yet
		perm  os.FileMode
		want  os.FileMode
	}{
		{name: "new, umask 022", umask: 0o022, perm: 0o666, want: 0o644},
		{name: "new, umask 027", umask: 0o027, perm: 0o666, want: 0o640},
		{name: "new, umask 077", umask: 0o077, perm: 0o666, want: 0o600},
		{name: "new, umask 0", umask: 0, perm: 0o666, want: 0o666},
		{name: "new, perm 0644, umask 0", umask: 0, perm: 0o644, want: 0o644},
		{name: "existing 0600 kept", umask: 0o022, old: 0o600, perm: 0o666, want: 0o600},
		{name: "existing 0666 kept despite umask", umask: 0o022, old: 0o666, perm: 0o644, want: 0o666},
		{name: "existing 0755 kept", umask: 0o077, old: 0o755, perm: 0o666, want: 0o755},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "requirements.txt")
			if tt.old != 0 {
				if err := os.WriteFile(p, []byte("old\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(p, tt.old); err != nil {
					t.Fatal(err)
				}
			}
			withUmask(t, tt.umask)
			if err := WriteFile(p, []byte("new\n"), tt.perm); err != nil {
				t.Fatal(err)
			}
			want := fileState{Mode: tt.want, Content: "new\n"}
			if diff := cmp.Diff(want, stateOf(t, p)); diff != "" {
				t.Errorf("file (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadOnlyNotReplaced checks that a file its owner may not write is
// left as it is, by mode bits (the tests may run as root, for whom
// access(2) would allow it), with an error that names it.
func TestReadOnlyNotReplaced(t *testing.T) {
	for _, mode := range []os.FileMode{0o444, 0o400, 0o500, 0o466} {
		t.Run(mode.String(), func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "requirements.txt")
			if err := os.WriteFile(p, []byte("old\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, mode); err != nil {
				t.Fatal(err)
			}
			err := WriteFile(p, []byte("new\n"), 0o666)
			if !errors.Is(err, ErrReadOnly) || !errors.Is(err, fs.ErrPermission) {
				t.Fatalf("err = %v, want ErrReadOnly (and fs.ErrPermission)", err)
			}
			if want := "write " + p + ": read-only file"; err.Error() != want {
				t.Errorf("err = %q, want %q", err, want)
			}
			if diff := cmp.Diff(fileState{Mode: mode, Content: "old\n"}, stateOf(t, p)); diff != "" {
				t.Errorf("file changed (-want +got):\n%s", diff)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 1 {
				t.Errorf("files left in the folder: %v", ents)
			}
		})
	}
}
