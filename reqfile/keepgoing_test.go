package reqfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestKeepGoing checks that KeepGoing records every rejected line, keeps
// every good one, and that without it the first bad line is the error.
func TestKeepGoing(t *testing.T) {
	files := map[string]string{
		"req.txt":  "torch==2.8.0\nnumpy (>=2\n--index-url https://x.invalid/simple\n-r more.txt\nscipy>=1 ;; python_version > '3'\neinops\n",
		"more.txt": "gradio\n--bogus\n",
	}
	read := func(p string) ([]byte, error) { return []byte(files[p]), nil }
	f, err := ParseFile("req.txt", ParseOptions{ReadFile: read, KeepGoing: true})
	if err != nil {
		t.Fatalf("ParseFile(KeepGoing): %v", err)
	}
	var names []string
	for _, r := range f.Requirements {
		names = append(names, r.Req.Name)
	}
	if diff := cmp.Diff([]string{"torch", "gradio", "einops"}, names); diff != "" {
		t.Errorf("requirements (-want +got):\n%s", diff)
	}
	if f.Options.IndexURL != "https://x.invalid/simple" {
		t.Errorf("index URL = %q: the option line after a bad line was not applied", f.Options.IndexURL)
	}
	var errs []string
	for _, e := range f.Errors {
		errs = append(errs, e.Error())
	}
	want := []string{
		`req.txt:2:11: invalid requirement: expected ')': "numpy (>=2"`,
		`more.txt:2:1: no such option: --bogus: "--bogus"`,
		`req.txt:5:11: invalid marker: expected a marker variable or quoted string: "scipy>=1 ;; python_version > '3'"`,
	}
	if diff := cmp.Diff(want, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}

	f, err = ParseFile("req.txt", ParseOptions{ReadFile: read})
	if err == nil || err.Error() != want[0] {
		t.Errorf("ParseFile without KeepGoing = %v, %v; want the first error %s", f, err, want[0])
	}
	// A file that cannot be decoded still fails with KeepGoing.
	if _, err := Parse("bad.txt", []byte("\xff\xfe\x00"), ParseOptions{KeepGoing: true}); err == nil {
		t.Errorf("Parse(undecodable, KeepGoing): no error")
	}
}
