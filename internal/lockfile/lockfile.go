// Package lockfile holds what the two TOML lock file formats zgpu reads,
// uv.lock and PEP 751 pylock.toml, record alike for a distribution file:
// its upload time, which a TOML document may hold as an offset date-time, a
// local date-time or a string, and its filename, which both formats let a
// writer leave out when the file's URL or path ends in it.
//
// PEP 751 says a file's name is "the name of the file"; when it is absent it
// is inferred from the url or path. uv.lock has no name key for a file and
// always infers it. Both are read here as the last segment of the URL path,
// percent-decoded (an index URL spells a local version's '+' as "%2B"), or
// of the path, with '\' read as '/'.
package lockfile

import (
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"
)

// UploadTime returns the upload-time value v of a file table as a string:
// a string as it is, a time.Time (a TOML offset date-time) in UTC as RFC
// 3339 with fractional seconds, another TOML date or time (a fmt.Stringer)
// as it prints, nil as "".
func UploadTime(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case time.Time:
		return t.UTC().Format(time.RFC3339Nano)
	case fmt.Stringer:
		return t.String()
	}
	return fmt.Sprint(v)
}

// Filename returns the filename of a distribution from its URL (preferred)
// or local path: the last path segment, percent-decoded, without query or
// fragment. A URL that does not parse loses its query and fragment and
// keeps its escapes. It returns "" when both are empty.
func Filename(rawURL, localPath string) string {
	if rawURL != "" {
		if u, err := url.Parse(rawURL); err == nil {
			return path.Base(u.Path)
		}
		rawURL = strings.SplitN(strings.SplitN(rawURL, "#", 2)[0], "?", 2)[0]
		return path.Base(rawURL)
	}
	if localPath != "" {
		return path.Base(strings.ReplaceAll(localPath, "\\", "/"))
	}
	return ""
}
