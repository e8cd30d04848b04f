package wheeltags

import (
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"
)

// PythonFits reports whether one of the wheel's tags installs on CPython
// py, ignoring the platform: its cpXY tag, an abi3 tag of that Python or an
// older 3.x, or a py3 / pyXY / py2.py3 tag. When none does, interpreters
// lists the wheel's interpreter tags, sorted and comma-separated.
func (w Wheel) PythonFits(py [2]int) (ok bool, interpreters string) {
	want := "cp" + nodot(py[0], py[1])
	var seen []string
	for _, t := range w.Tags {
		seen = append(seen, t.Interpreter)
		switch {
		case t.Interpreter == want:
			return true, ""
		case t.ABI == "abi3" && strings.HasPrefix(t.Interpreter, fmt.Sprintf("cp%d", py[0])) && cpMinor(t.Interpreter) <= py[1]:
			return true, ""
		case t.Interpreter == "py3" || t.Interpreter == "py"+nodot(py[0], py[1]) || t.Interpreter == "py2.py3":
			return true, ""
		}
	}
	sort.Strings(seen)
	return false, strings.Join(seen, ",")
}

// cpMinor returns 12 for "cp312" (single-digit major), -1 when unreadable.
func cpMinor(tag string) int {
	min := -1
	if len(tag) >= 4 {
		fmt.Sscanf(tag[3:], "%d", &min)
	}
	return min
}

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
