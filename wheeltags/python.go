package wheeltags

import (
	"net/url"
	"path"
	"strings"
)

// WheelOfURL parses the wheel file name at the end of a URL's path (or of
// a plain path), percent-decoded: ok is false when it is not a valid wheel
// file name. file is the decoded name.
func WheelOfURL(raw string) (w Wheel, file string, ok bool) {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return Wheel{}, "", false
	}
	file, err = url.PathUnescape(path.Base(u.Path))
	if err != nil || !strings.HasSuffix(file, ".whl") {
		return Wheel{}, "", false
	}
	w, err = ParseWheelFilename(file)
	if err != nil {
		return Wheel{}, "", false
	}
	return w, file, true
}
