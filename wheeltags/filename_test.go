package wheeltags

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseWheelFilename(t *testing.T) {
	type result struct {
		Name, RawName, Version, Build string
		Tags                          []string
	}
	tests := []struct {
		in   string
		want result
	}{
		{
			"flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
			result{"flash-attn", "flash_attn", "2.8.3+cu12torch2.8cxx11abitrue", "", []string{"cp312-cp312-linux_x86_64"}},
		},
		{
			"six-1.16.0-py2.py3-none-any.whl",
			result{"six", "six", "1.16.0", "", []string{"py2-none-any", "py3-none-any"}},
		},
		{
			"MarkupSafe-2.1.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
			result{"markupsafe", "MarkupSafe", "2.1.3", "", []string{"cp312-cp312-manylinux_2_17_x86_64", "cp312-cp312-manylinux2014_x86_64"}},
		},
		{
			"pkg-1.0-1abc-PY3-NONE-ANY.whl",
			result{"pkg", "pkg", "1.0", "1abc", []string{"py3-none-any"}},
		},
		{
			"zope.interface-6.0-cp310-cp310-linux_x86_64.whl",
			result{"zope-interface", "zope.interface", "6.0", "", []string{"cp310-cp310-linux_x86_64"}},
		},
		{
			"a-1-py3.py3-none.none-any.whl", // duplicates collapse
			result{"a", "a", "1", "", []string{"py3-none-any"}},
		},
	}
	for _, tt := range tests {
		w, err := ParseWheelFilename(tt.in)
		if err != nil {
			t.Errorf("ParseWheelFilename(%q): %v", tt.in, err)
			continue
		}
		got := result{w.Name, w.RawName, w.Version.String(), w.Build, nil}
		for _, tag := range w.Tags {
			got.Tags = append(got.Tags, tag.String())
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseWheelFilename(%q) (-want +got):\n%s", tt.in, diff)
		}
		if w.Filename != tt.in {
			t.Errorf("Filename = %q, want %q", w.Filename, tt.in)
		}
	}
}

func TestParseWheelFilenameErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"pkg-1.0.tar.gz", `wheeltags: expected ".whl" at the end of "pkg-1.0.tar.gz"`},
		{"pkg-1.0-any.whl", `wheeltags: expected 4 or 5 dashes (name-version[-build]-python-abi-platform.whl), found 2 in "pkg-1.0-any.whl"`},
		{"a__b-1.0-py3-none-any.whl", `wheeltags: expected a project name without "__", found "a__b" at column 1 in "a__b-1.0-py3-none-any.whl"`},
		{"a b-1.0-py3-none-any.whl", `wheeltags: expected a project name of letters, digits, '.' and '_', found "a b" at column 1 in "a b-1.0-py3-none-any.whl"`},
		{"pkg-1.0-x1-py3-none-any.whl", `wheeltags: expected a build tag starting with a digit at column 9 in "pkg-1.0-x1-py3-none-any.whl"`},
		// Rejected as packaging 26 rejects them (24.1 accepted them).
		{"-1.0-py3-none-any.whl", `wheeltags: expected a project name, found none at column 1 in "-1.0-py3-none-any.whl"`},
		{"pkg-1.0--none-any.whl", `wheeltags: expected a python tag, found an empty field in "pkg-1.0--none-any.whl"`},
		{"pkg-1.0-py3--any.whl", `wheeltags: expected an abi tag, found an empty field in "pkg-1.0-py3--any.whl"`},
		{"pkg-1.0-py3-none-.whl", `wheeltags: expected a platform tag, found an empty field in "pkg-1.0-py3-none-.whl"`},
		{"pkg\n-1.0-py3-none-any.whl", `wheeltags: expected a filename without line breaks, found one at column 4 in "pkg\n-1.0-py3-none-any.whl"`},
		{"pkg-1.0-py3-none-an\ny.whl", `wheeltags: expected a filename without line breaks, found one at column 20 in "pkg-1.0-py3-none-an\ny.whl"`},
	}
	for _, tt := range tests {
		_, err := ParseWheelFilename(tt.in)
		if err == nil {
			t.Errorf("ParseWheelFilename(%q): no error, want %q", tt.in, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("ParseWheelFilename(%q) error\n got %q\nwant %q", tt.in, err, tt.want)
		}
	}
	_, err := ParseWheelFilename("pkg-one.two-py3-none-any.whl")
	if err == nil || !strings.HasPrefix(err.Error(), `wheeltags: expected a PEP 440 version at column 5 in "pkg-one.two-py3-none-any.whl"`) {
		t.Errorf("bad version: got %v", err)
	}
}

func TestParseSdistFilename(t *testing.T) {
	tests := []struct{ in, name, version, ext string }{
		{"flash_attn-2.8.3.tar.gz", "flash-attn", "2.8.3", ".tar.gz"},
		{"Foo.Bar-1.0.zip", "foo-bar", "1.0", ".zip"},
		{"mamba-ssm-2.2.5.tar.gz", "mamba-ssm", "2.2.5", ".tar.gz"},
	}
	for _, tt := range tests {
		s, err := ParseSdistFilename(tt.in)
		if err != nil {
			t.Errorf("ParseSdistFilename(%q): %v", tt.in, err)
			continue
		}
		got := []string{s.Name, s.Version.String(), s.Ext}
		if diff := cmp.Diff([]string{tt.name, tt.version, tt.ext}, got); diff != "" {
			t.Errorf("ParseSdistFilename(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	for _, bad := range []string{"foo.whl", "foo.tar.gz", "foo-bar-.zip"} {
		if _, err := ParseSdistFilename(bad); err == nil {
			t.Errorf("ParseSdistFilename(%q): no error", bad)
		}
	}
}

func TestProjectOf(t *testing.T) {
	type result struct {
		Name string
		OK   bool
	}
	tests := []struct {
		in   string
		want result
	}{
		{"flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", result{"flash-attn", true}},
		{"flash_attn_3-3.0.0+cu128torch2.8gite2743ab-cp39-abi3-linux_x86_64.whl", result{"flash-attn-3", true}},
		{"Flash.Attn-2.8.3-py3-none-any.whl", result{"flash-attn", true}},
		{"Flash.Attn-2.8.3-py3-none-any.WHL", result{"flash-attn", true}},
		{"Causal.Conv1d-1.0.tar.gz", result{"causal-conv1d", true}},
		{"flash-attn-2.8.3.tar.gz", result{"flash-attn", true}},
		{"flash_attn-2.8.3.tar.gz", result{"flash-attn", true}},
		{"mamba_ssm-2.2.4.zip", result{"mamba-ssm", true}},
		{"pkg-name-with-dashes-0.1.zip", result{"pkg-name-with-dashes", true}},
		{"thing-v1.0.tar.bz2", result{"thing", true}},
		{"SHA256SUMS.txt", result{}},
		{"README.html", result{}},
		{"x.exe", result{}},
		{"noversion.tar.gz", result{}},
		{"-1.0.tar.gz", result{}},
		{"-1.0-py3-none-any.whl", result{}},
		{"nodash.whl", result{}},
	}
	for _, tt := range tests {
		name, ok := ProjectOf(tt.in)
		if diff := cmp.Diff(tt.want, result{name, ok}); diff != "" {
			t.Errorf("ProjectOf(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestCompareBuild(t *testing.T) {
	mk := func(b string) Wheel { return Wheel{Build: b} }
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "1", -1},
		{"2", "10", -1},
		{"10", "9", 1},
		{"007", "7", 0},
		{"1a", "1b", -1},
		{"1", "1a", -1},
	}
	for _, tt := range tests {
		if got := CompareBuild(mk(tt.a), mk(tt.b)); got != tt.want {
			t.Errorf("CompareBuild(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestManylinux(t *testing.T) {
	tests := []struct {
		in    string
		glibc [2]int
		arch  string
		ok    bool
	}{
		{"manylinux_2_28_x86_64", [2]int{2, 28}, "x86_64", true},
		{"manylinux1_x86_64", [2]int{2, 5}, "x86_64", true},
		{"manylinux2010_i686", [2]int{2, 12}, "i686", true},
		{"manylinux2014_aarch64", [2]int{2, 17}, "aarch64", true},
		{"manylinux_2_x_x86_64", [2]int{}, "", false},
		{"linux_x86_64", [2]int{}, "", false},
		{"musllinux_1_2_x86_64", [2]int{}, "", false},
	}
	for _, tt := range tests {
		g, a, ok := Manylinux(tt.in)
		if g != tt.glibc || a != tt.arch || ok != tt.ok {
			t.Errorf("Manylinux(%q) = %v, %q, %v; want %v, %q, %v", tt.in, g, a, ok, tt.glibc, tt.arch, tt.ok)
		}
	}
}

func TestWheelOfURL(t *testing.T) {
	w, file, ok := WheelOfURL("https://h/x/flash_attn-2.8.3%2Bcu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl#sha256=00")
	if !ok || file != "flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl" || w.Name != "flash-attn" {
		t.Errorf("WheelOfURL = %+v %q %v", w, file, ok)
	}
	for _, bad := range []string{"", "https://h/x/a-1.tar.gz", "https://h/x/notawheel.whl"} {
		if _, _, ok := WheelOfURL(bad); ok {
			t.Errorf("WheelOfURL(%q) ok", bad)
		}
	}
}
