package lock

import (
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/wheeltags"
)

// listingFilter selects the files of a project page that group can use, so
// that a lister able to filter (pypi) builds those alone: every sdist, every
// wheel the target installs, and the first wheel of each release, which
// tells group that the release has wheels, none for the target ("no wheel
// for ..."). The files kept give group the same releases, in the same
// order, with the same files and reasons as the whole page: each release
// keeps its first file. On torch's page that is under a tenth of the files.
func listingFilter(t wheeltags.Target) index.Filter {
	return index.Filter{
		Key: "lock-v1 " + t.String(),
		New: func() func(string) bool {
			seen := map[string]bool{} // name and version of the releases with a wheel kept
			return func(filename string) bool {
				switch {
				case wheeltags.IsWheelFilename(filename):
					w, err := wheeltags.ParseWheelFilename(filename)
					if err != nil {
						return false
					}
					k := w.Name + " " + w.Version.String()
					if _, ok := t.Rank(w.Tags); ok || !seen[k] {
						seen[k] = true
						return true
					}
					return false
				case wheeltags.IsSdistFilename(filename):
					return true
				}
				return false
			}
		},
	}
}
