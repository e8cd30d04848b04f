// Package atomicfile writes files so that readers see either the old content
// or the new, never a part: the data goes to a temporary file in the same
// folder, is synced, and is renamed over the target.
package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile writes data to path atomically with permission perm. On any
// error the existing file at path is left untouched and no temporary file
// remains.
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
// Errors name path, not the temporary file (the user asked for path): a
// full disk is "write requirements.txt: no space left on device", a
// read-only folder "write requirements.txt: read-only file system". An
// error of fill's own is returned as it is, unless it is a *fs.PathError
// about the temporary file.
func Write(path string, perm os.FileMode, fill func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return named("write", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
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
	if err = f.Chmod(perm); err != nil {
		return named("write", path, err)
	}
	if err = f.Close(); err != nil {
		return named("write", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return named("replace", path, err)
	}
	return nil
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
