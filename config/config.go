// Package config reads zgpu's configuration files and applies them to a
// command's flags as defaults, generically: a key is the long name of a
// flag, its value what the flag would be given on the command line.
//
// Files, in a project folder (the Space folder a command works on):
//
//	zgpu.toml        top-level keys:            python = "3.12"
//	pyproject.toml   the [tool.zgpu] table:     [tool.zgpu]
//	                                            python = "3.12"
//
// As uv does with uv.toml and [tool.uv], when both exist zgpu.toml wins and
// pyproject.toml's [tool.zgpu] is not read at all (not merged); Find says
// so in File.Shadowed. A pyproject.toml without a [tool.zgpu] table is no
// configuration. There is no search in parent folders and no user-level
// file (deviation from uv, which has both).
//
// Precedence, highest first: the command line, the environment (the
// variables a flag names with Env, e.g. PIP_INDEX_URL for index-url), the
// configuration file, the built-in default. Flags that name one setting
// (aliases such as python and python-version, negations such as
// emit-index-url and no-emit-index-url) are tied with Group: a key of the
// group is not applied when any flag of the group was given on the command
// line, and a file may hold only one key of a group.
//
// Values are TOML values of the flag's kind: a boolean for a boolean flag,
// an integer for a number, an array of strings (or one string) for a
// repeatable flag, a string for everything else (durations "30s"). A key
// that names no flag, a flag excluded with Exclude, a value of the wrong
// TOML type, or a value the flag rejects is an error naming
// file:line:column and what was expected.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/zgpu/zgpu/internal/inputfile"
	"github.com/zgpu/zgpu/internal/tomlpos"
)

// The file names Find looks for.
const (
	FileName      = "zgpu.toml"
	PyprojectName = "pyproject.toml"
)

// Setting is one key of a configuration file.
type Setting struct {
	Key   string
	Value any // as go-toml decodes it: string, bool, int64, float64, []any, map[string]any, ...
	File  string
	Pos   tomlpos.Pos
}

// Where is "file:line:col" of the key.
func (s Setting) Where() string {
	return fmt.Sprintf("%s:%d:%d", s.File, s.Pos.Line, s.Pos.Col)
}

// File is a configuration file read.
type File struct {
	Path string
	// Table is the table the settings are in: "" for zgpu.toml,
	// "tool.zgpu" for pyproject.toml.
	Table    string
	Settings []Setting // in document order
	// Shadowed is a pyproject.toml with a [tool.zgpu] table that was not
	// read because zgpu.toml is beside it.
	Shadowed string
}

// Find returns the configuration of the folder dir: zgpu.toml, else the
// [tool.zgpu] table of pyproject.toml; nil when there is neither.
func Find(dir string) (*File, error) {
	zt := filepath.Join(dir, FileName)
	py := filepath.Join(dir, PyprojectName)
	if exists(zt) {
		f, err := Read(zt)
		if err != nil {
			return nil, err
		}
		if exists(py) {
			if other, err := Read(py); err == nil && other != nil {
				f.Shadowed = py
			}
		}
		return f, nil
	}
	if exists(py) {
		return Read(py)
	}
	return nil, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// Read reads one configuration file: a pyproject.toml (by its name) for
// its [tool.zgpu] table, whose absence gives nil; any other name for its
// top-level keys.
func Read(path string) (*File, error) {
	data, err := inputfile.ReadFile(path)
	if err != nil {
		return nil, err
	}
	table := ""
	if filepath.Base(path) == PyprojectName {
		table = "tool.zgpu"
	}
	return Parse(path, table, data)
}

// Parse reads the settings of data's table ("" for the top level; nil
// when the table is absent).
func Parse(path, table string, data []byte) (*File, error) {
	var tree map[string]any
	if err := toml.Unmarshal(data, &tree); err != nil {
		return nil, tomlpos.DecodeError(path, data, err)
	}
	idx, err := tomlpos.Build(data)
	if err != nil {
		return nil, tomlpos.DecodeError(path, data, err)
	}
	sub := tree
	if table != "" {
		for _, k := range strings.Split(table, ".") {
			v, ok := sub[k]
			if !ok {
				return nil, nil
			}
			m, ok := v.(map[string]any)
			if !ok {
				pos, _ := idx.KeyPos(table)
				return nil, &tomlpos.PosError{File: path, Line: pos.Line, Col: pos.Col, Path: table, Msg: "expected a table, found " + tomlpos.TypeOf(v)}
			}
			sub = m
		}
	}
	f := &File{Path: path, Table: table}
	for k, v := range sub {
		key := tomlpos.Key(k)
		full := key
		if table != "" {
			full = table + "." + key
		}
		pos, _ := idx.KeyPos(full)
		f.Settings = append(f.Settings, Setting{Key: k, Value: v, File: path, Pos: pos})
	}
	sort.SliceStable(f.Settings, func(i, j int) bool {
		a, b := f.Settings[i].Pos, f.Settings[j].Pos
		return a.Line < b.Line || (a.Line == b.Line && a.Col < b.Col)
	})
	return f, nil
}
