package validate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
)

// Mirror reads a metadata-only PyPI mirror laid out as ../shared/mirror is
// (simple/<name>/index.json and files/<wheel>.metadata) straight from disk.
// It is safe for concurrent use; listings and metadata are read once.
type Mirror struct {
	dir string

	mu       sync.Mutex
	projects map[string]*project
	metadata map[string]*Metadata
}

// project is one simple/<name>/index.json, or its absence.
type project struct {
	files []mirrorFile
	err   error
}

// mirrorFile is the part of a PEP 691 file entry the validator needs.
type mirrorFile struct {
	Filename       string `json:"filename"`
	RequiresPython string `json:"requires-python"`
	Yanked         any    `json:"yanked"` // false, true or a reason string
}

func (f mirrorFile) yanked() bool {
	switch y := f.Yanked.(type) {
	case bool:
		return y
	case string:
		return true
	}
	return false
}

// Metadata is the part of a core metadata file the validator reads.
type Metadata struct {
	Name           string
	Version        string
	RequiresPython string
	RequiresDist   []string
}

// Open returns the mirror rooted at dir (the folder holding simple/ and
// files/).
func Open(dir string) *Mirror {
	return &Mirror{dir: dir, projects: map[string]*project{}, metadata: map[string]*Metadata{}}
}

// Has reports whether the mirror lists the project (any spelling).
func (m *Mirror) Has(name string) bool {
	p := m.project(pep508.NormalizeName(name))
	return p.err == nil
}

// Projects returns the normalized names of every project in the mirror,
// sorted.
func (m *Mirror) Projects() ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(m.dir, "simple"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// Versions returns the versions the mirror lists for a project, in the
// listing's order (PEP 440 ascending), whether or not they have a wheel.
func (m *Mirror) Versions(name string) ([]pep440.Version, error) {
	path := filepath.Join(m.dir, "simple", pep508.NormalizeName(name), "index.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var page struct {
		Versions []string `json:"versions"`
	}
	if err := json.Unmarshal(data, &page); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	var out []pep440.Version
	for _, s := range page.Versions {
		v, err := pep440.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		out = append(out, v)
	}
	return out, nil
}

func (m *Mirror) project(name string) *project {
	m.mu.Lock()
	p, ok := m.projects[name]
	m.mu.Unlock()
	if ok {
		return p
	}
	p = &project{}
	path := filepath.Join(m.dir, "simple", name, "index.json")
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		p.err = errNotInMirror
	case err != nil:
		p.err = err
	default:
		var page struct {
			Files []mirrorFile `json:"files"`
		}
		if err := json.Unmarshal(data, &page); err != nil {
			p.err = fmt.Errorf("%s: %v", path, err)
		} else {
			p.files = page.Files
		}
	}
	m.mu.Lock()
	m.projects[name] = p
	m.mu.Unlock()
	return p
}

var errNotInMirror = errors.New("not in the mirror")

// Metadata returns the core metadata served beside a wheel
// (files/<filename>.metadata).
func (m *Mirror) Metadata(filename string) (*Metadata, error) {
	m.mu.Lock()
	md, ok := m.metadata[filename]
	m.mu.Unlock()
	if ok {
		return md, nil
	}
	data, err := os.ReadFile(filepath.Join(m.dir, "files", filename+".metadata"))
	if err != nil {
		return nil, err
	}
	md, err = parseMetadata(data)
	if err != nil {
		return nil, fmt.Errorf("%s.metadata: %v", filename, err)
	}
	m.mu.Lock()
	m.metadata[filename] = md
	m.mu.Unlock()
	return md, nil
}

// parseMetadata reads the RFC 822 style header block of a core metadata
// file: "Field: value" lines up to the first blank line, where a line
// starting with a space or tab continues the previous field. It is written
// apart from package coremeta on purpose, so that the validator shares no
// code with what it checks.
func parseMetadata(data []byte) (*Metadata, error) {
	md := &Metadata{}
	var field, value string
	flush := func() {
		switch strings.ToLower(field) {
		case "name":
			md.Name = value
		case "version":
			md.Version = value
		case "requires-python":
			md.RequiresPython = value
		case "requires-dist":
			if value != "" {
				md.RequiresDist = append(md.RequiresDist, value)
			}
		}
		field, value = "", ""
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if text == "" {
			break
		}
		if text[0] == ' ' || text[0] == '\t' {
			if field == "" {
				return nil, fmt.Errorf("line %d: continuation line before any field", line)
			}
			value += " " + strings.TrimSpace(text)
			continue
		}
		flush()
		k, v, ok := strings.Cut(text, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: expected \"Field: value\"", line)
		}
		field, value = strings.TrimSpace(k), strings.TrimSpace(v)
	}
	flush()
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if md.Name == "" || md.Version == "" {
		return nil, errors.New("expected Name and Version fields")
	}
	return md, nil
}

// Wheels returns the wheel filenames the mirror lists for version v of a
// project, in listing order.
func (m *Mirror) Wheels(name string, v pep440.Version) []string {
	p := m.project(pep508.NormalizeName(name))
	var out []string
	for _, f := range p.files {
		if !strings.HasSuffix(f.Filename, ".whl") {
			continue
		}
		// {name}-{version}-...: the version is the second dash-separated
		// field (wheel names escape dashes within fields).
		parts := strings.Split(strings.TrimSuffix(f.Filename, ".whl"), "-")
		if len(parts) < 5 {
			continue
		}
		if w, err := pep440.Parse(parts[1]); err == nil && w.Equal(v) {
			out = append(out, f.Filename)
		}
	}
	return out
}
