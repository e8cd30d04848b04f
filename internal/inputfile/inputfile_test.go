package inputfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "requirements.txt")
	os.WriteFile(ok, []byte("torch\n"), 0o644)
	if data, err := ReadFile(ok); err != nil || string(data) != "torch\n" {
		t.Fatalf("ReadFile = %q, %v", data, err)
	}
	link := filepath.Join(dir, "link.txt")
	os.Symlink(ok, link)
	if _, err := ReadFile(link); err != nil {
		t.Errorf("symlink to a regular file: %v", err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero")
	os.Symlink("/dev/zero", zero)
	big := filepath.Join(dir, "big")
	os.WriteFile(big, make([]byte, 2048), 0o644)
	for _, tc := range []struct {
		path, want string
		max        int64
	}{
		{fifo, "read " + fifo + ": not a regular file (a FIFO)", MaxBytes},
		{"/dev/zero", "read /dev/zero: not a regular file (a character device)", MaxBytes},
		{zero, "read " + zero + ": not a regular file (a character device)", MaxBytes},
		{dir, "read " + dir + ": not a regular file (a directory)", MaxBytes},
		{big, "read " + big + ": larger than the 1024-byte cap on input files", 1024},
	} {
		_, err := ReadFileMax(tc.path, tc.max)
		if err == nil || err.Error() != tc.want {
			t.Errorf("ReadFileMax(%s) = %v, want %s", tc.path, err, tc.want)
		}
	}
	_, err := ReadFile(filepath.Join(dir, "missing"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	if !strings.Contains((&TooLargeError{MaxBytes}).Error(), "64 MiB") {
		t.Error("cap not named")
	}
}
