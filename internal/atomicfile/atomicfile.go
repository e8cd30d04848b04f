// Package atomicfile writes files so that readers see either the old content
// or the new, never a part: the data goes to a temporary file in the same
// folder, is synced, and is renamed over the target.
//
// The rename would replace a file whatever its permissions (only the
// folder's count), so Write checks them first: a read-only file is not
// replaced, as os.WriteFile would not open it. A new file gets its mode as
// os.WriteFile gives it (perm less the umask); a file replaced keeps its
// mode.
package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// ErrReadOnly is the cause of the error Write returns for a target without
// write permission for its owner. errors.Is(ErrReadOnly, fs.ErrPermission)
// holds.
var ErrReadOnly error = readOnlyError{}

type readOnlyError struct{}

func (readOnlyError) Error() string        { return "read-only file" }
func (readOnlyError) Is(target error) bool { return target == fs.ErrPermission }

// WriteFile writes data to path atomically, with the mode rules of Write.
// On any error the existing file at path is left untouched and no
// temporary file remains.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write calls fill with a writer to a temporary file beside path and, if
// fill succeeds, renames the file over path. If fill fails, path is left
// untouched.
//
// A new file is created with perm less the umask, as os.WriteFile creates
// one. An existing regular file keeps its mode, and one its owner may not
// write (mode bits, not access(2): root too is refused) is not replaced:
// the error is ErrReadOnly. A symbolic link at path is replaced by the
// file, not followed.
//
// Errors name path, not the temporary file (the user asked for path): a
// full disk is "write requirements.txt: no space left on device", a
// read-only folder "write requirements.txt: read-only file system". An
// error of fill's own is returned as it is, unless it is a *fs.PathError
// about the temporary file.
func Write(path string, perm os.FileMode, fill func(io.Writer) error) (err error) {
	mode, keep := perm, false
	if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() {
		if fi.Mode().Perm()&0o200 == 0 {
			return &fs.PathError{Op: "write", Path: path, Err: ErrReadOnly}
		}
		mode, keep = fi.Mode().Perm(), true
	}
	f, err := createTemp(path, mode)
	if err != nil {
		return named("write", path, err)
	}
	tmp := f.Name()
	pending.Store(tmp, struct{}{})
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
		pending.Delete(tmp)
	}()
	if err = fill(f); err != nil {
		if pe, ok := errors.AsType[*fs.PathError](err); ok && pe.Path == tmp {
			return named("write", path, err)
		}
		return err
	}
	if err = f.Sync(); err != nil {
		return named("write", path, err)
	}
	if keep {
		// The umask may have cleared bits of the old mode.
		if err = f.Chmod(mode); err != nil {
			return named("write", path, err)
		}
	}
	if err = f.Close(); err != nil {
		return named("write", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return named("replace", path, err)
	}
	return nil
}

// pending holds the temporary files being written, for RemovePending.
var pending sync.Map // path -> struct{}

// RemovePending removes the temporary files of writes in progress. A
// process stopped by a signal calls it before exiting, so that no
// ".NAME.tmp-NNN" stays behind; the files being replaced are untouched.
func RemovePending() {
	pending.Range(func(k, _ any) bool {
		os.Remove(k.(string))
		pending.Delete(k)
		return true
	})
}

// createTemp creates a new file ".NAME.tmp-RANDOM" beside path with perm,
// which the system reduces by the umask (os.CreateTemp would use 0600).
func createTemp(path string, perm os.FileMode) (*os.File, error) {
	prefix := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	for try := 0; ; try++ {
		f, err := os.OpenFile(prefix+strconv.FormatUint(uint64(rand.Uint32()), 10), os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) && try < 10000 {
			continue
		}
		return f, err
	}
}

// named returns err as a *fs.PathError about path: the cause of an
// *fs.PathError or *os.LinkError (which name the temporary file) is kept.
func named(op, path string, err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		err = pe.Err
	} else if le, ok := errors.AsType[*os.LinkError](err); ok {
		err = le.Err
	}
	return &fs.PathError{Op: op, Path: path, Err: err}
}
