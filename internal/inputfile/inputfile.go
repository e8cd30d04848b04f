// Package inputfile reads the files zgpu takes as input (requirements
// files and what they include, pyproject.toml, uv.lock, pylock.toml,
// README.md, catalogs, build logs) with two guards: only regular files are
// read (a FIFO would block forever, /dev/zero never ends), after following
// symbolic links; and a file over the size cap is refused before it is read
// whole.
package inputfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MaxBytes is the size cap of an input file: 64 MiB, a hundred times the
// largest real uv.lock we have seen.
const MaxBytes = 64 << 20

// ErrNotRegular is the error of a path that is not a regular file.
var ErrNotRegular = errors.New("not a regular file")

// TooLargeError is a file over the cap.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	if e.Limit >= 1<<20 {
		return fmt.Sprintf("larger than the %d MiB cap on input files", e.Limit>>20)
	}
	return fmt.Sprintf("larger than the %d-byte cap on input files", e.Limit)
}

// ReadFile reads the regular file at path, at most MaxBytes. Errors are
// *fs.PathError (so errors.Is(err, fs.ErrNotExist) still works): "read
// /dev/zero: not a regular file (a character device)".
func ReadFile(path string) ([]byte, error) { return ReadFileMax(path, MaxBytes) }

// ReadFileMax is ReadFile with another cap.
func ReadFileMax(path string, max int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := check(path, fi, max); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may have been swapped since the Stat: check what was opened.
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := check(path, fi, max); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, &fs.PathError{Op: "read", Path: path, Err: &TooLargeError{max}}
	}
	return data, nil
}

// check refuses what is not a regular file, or is over max bytes.
func check(path string, fi fs.FileInfo, max int64) error {
	if !fi.Mode().IsRegular() {
		return &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w (%s)", ErrNotRegular, kind(fi.Mode()))}
	}
	if fi.Size() > max {
		return &fs.PathError{Op: "read", Path: path, Err: &TooLargeError{max}}
	}
	return nil
}

// kind names a file type for messages.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a file"
}
