package index

import (
	"strings"

	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/wheeltags"
)

// FilesOf returns the files of project (any spelling, surrounding spaces
// ignored) among files, a flat listing of several projects' files such as
// a find-links page, a repository's release assets or a Hub repository:
// those whose filename wheeltags.ProjectOf names project, in listing
// order. When there are none it returns a *NotFoundError naming source.
func FilesOf(files []File, project, source string) ([]File, error) {
	want := pep508.NormalizeName(strings.TrimSpace(project))
	var out []File
	for _, f := range files {
		if name, ok := wheeltags.ProjectOf(f.Filename); ok && name == want {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, &NotFoundError{Project: project, Source: source}
	}
	return out, nil
}
