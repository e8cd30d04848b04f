package wheeltags

import (
	"strings"
	"testing"

	"github.com/zgpu/zgpu/pep508"
)

func FuzzParseWheelFilename(f *testing.F) {
	for _, s := range []string{
		"flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
		"six-1.16.0-py2.py3-none-any.whl",
		"pkg-1.0-1abc-PY3-NONE-ANY.whl",
		"a__b-1-py3-none-any.whl",
		"-1-py3-none-any.whl",
		"x-1-\u0661-py3..-none-.whl",
	} {
		f.Add(s)
	}
	t := Target{Python: [2]int{3, 12}, Glibc: [2]int{2, 36}}
	f.Fuzz(func(tt *testing.T, s string) {
		w, err := ParseWheelFilename(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "wheeltags: ") {
				tt.Errorf("error without package prefix: %v", err)
			}
			return
		}
		if len(w.Tags) == 0 {
			tt.Errorf("%q: parsed with no tags", s)
		}
		w.BuildNumber()
		if _, ok := t.Rank(w.Tags); !ok && t.Explain(w.Tags) == "" {
			tt.Errorf("%q: unsupported but Explain is empty", s)
		}
		if pep508.NormalizeName(w.Name) != w.Name {
			tt.Errorf("%q: name %q is not stable under pep508.NormalizeName", s, w.Name)
		}
	})
}

func FuzzParseSdistFilename(f *testing.F) {
	f.Add("flash_attn-2.8.3.tar.gz")
	f.Add("Foo.Bar-1.0.zip")
	f.Fuzz(func(t *testing.T, s string) {
		ParseSdistFilename(s)
	})
}

// BenchmarkParseWheelFilename parses 100,000 filenames per iteration, cycling
// through the real ones of the shared reference material.
func BenchmarkParseWheelFilename(b *testing.B) {
	names := realWheelNames(b)
	b.ReportAllocs()
	for b.Loop() {
		for i := range 100_000 {
			if _, err := ParseWheelFilename(names[i%len(names)]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkSupportedTags builds the ordered tag list of a ZeroGPU target.
func BenchmarkSupportedTags(b *testing.B) {
	t := Target{Python: [2]int{3, 12}, Glibc: [2]int{2, 36}}
	b.ReportAllocs()
	for b.Loop() {
		t.SupportedTags()
	}
}

// BenchmarkRank ranks the tag sets of the real wheel filenames against a
// ZeroGPU target (the lookup table is built once and cached).
func BenchmarkRank(b *testing.B) {
	names := realWheelNames(b)
	var sets [][]Tag
	for _, n := range names {
		w, err := ParseWheelFilename(n)
		if err != nil {
			b.Fatal(err)
		}
		sets = append(sets, w.Tags)
	}
	t := Target{Python: [2]int{3, 12}, Glibc: [2]int{2, 36}}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		t.Rank(sets[i%len(sets)])
		i++
	}
}

// FuzzProjectOf checks that ProjectOf returns a normalized name exactly
// when it recognizes a distribution, and the name of every wheel with a
// name that ParseWheelFilename accepts.
func FuzzProjectOf(f *testing.F) {
	f.Add("flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl")
	f.Add("a-b-1.0.tar.gz")
	f.Add("Thing-v1.TGZ")
	f.Fuzz(func(t *testing.T, s string) {
		name, ok := ProjectOf(s)
		if ok != (name != "") {
			t.Errorf("ProjectOf(%q) = %q, %v: a name exactly when ok", s, name, ok)
		}
		if name != pep508.NormalizeName(name) {
			t.Errorf("ProjectOf(%q) = %q, not normalized", s, name)
		}
		// parse_wheel_filename accepts an empty name; ProjectOf does not.
		if w, err := ParseWheelFilename(s); err == nil && w.Name != "" && (!ok || name != w.Name) {
			t.Errorf("ProjectOf(%q) = %q, %v; ParseWheelFilename names %q", s, name, ok, w.Name)
		}
	})
}
