package lock

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/internal/testonly/shared"
	"github.com/zgpu/zgpu/wheeltags"
)

// referenceKeep is the filter's rule written plainly: every filename
// parsed whole, every tag set ranked.
func referenceKeep(t wheeltags.Target) func(string) bool {
	seen := map[string]bool{}
	return func(filename string) bool {
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
	}
}

// keepsTheSame checks wheelKeeper against referenceKeep on one page's
// filenames, in order, and wheelCache against ParseWheelFilename and
// Target.Rank.
func keepsTheSame(t *testing.T, page string, names []string) {
	t.Helper()
	tg := wheeltags.Target{Python: [2]int{3, 12}, Glibc: [2]int{2, 28}}
	ref := referenceKeep(tg)
	k := newWheelKeeper(tg)
	c := newWheelCache(tg)
	for _, n := range names {
		if want, got := ref(n), k.keep(n); got != want {
			t.Errorf("%s: keep(%q) = %v, the reference says %v", page, n, got, want)
		}
		h, tags, ok := c.parse(n)
		w, err := wheeltags.ParseWheelFilename(n)
		if ok != (err == nil) {
			t.Errorf("%s: parse(%q) ok = %v, ParseWheelFilename: %v", page, n, ok, err)
			continue
		}
		if !ok {
			continue
		}
		rank, installs := tg.Rank(w.Tags)
		if h.name != w.Name || h.version.String() != w.Version.String() || tags.installs != installs || installs && tags.rank != rank {
			t.Errorf("%s: parse(%q) = %s %s rank %d %v, want %s %s rank %d %v", page, n, h.name, h.version, tags.rank, tags.installs, w.Name, w.Version, rank, installs)
		}
	}
}

// TestWheelKeeperAgreesOnTheMirror: the memoized filter keeps the wheels
// the plain rule keeps, on every page of the mirror and on odd names.
func TestWheelKeeperAgreesOnTheMirror(t *testing.T) {
	keepsTheSame(t, "odd names", []string{
		"a-1.0-py3-none-any.whl", "a-1.0-py3-none-any.whl", "A_b-1.0.0-1-py3-none-any.whl",
		"a-1.0-x-py3-none-any.whl", "a-1.0--py3-none-any.whl", "a-1.0-py3--any.whl", "a-1.0-py3-none-.whl",
		"-1.0-py3-none-any.whl", "a-1..0-py3-none-any.whl", "a-1.0-py3-none-any.whl\n", "a\r-1.0-py3-none-any.whl",
		"a-1.0-none-any.whl", "a-1.0-1-2-py3-none-any.whl", "a-1.0-CP312-CP312-MANYLINUX_2_28_X86_64.whl",
		"a-1.0-cp312.cp311-cp312.abi3-manylinux1_x86_64.manylinux2014_x86_64.whl", "a-1.0+cu12-cp312-cp312-linux_x86_64.whl",
		"a-1.0.0-cp39-cp39-win_amd64.whl", "a-1-cp39-cp39-win_amd64.whl", "a-1.0.0-cp312-cp312-linux_x86_64.whl",
		"a-2.0-١-py3-none-any.whl", "a-2.0-0-py3-none-any.whl",
	})
	pages, err := filepath.Glob(filepath.Join(shared.Dir(t, "mirror"), "simple", "*", "index.json"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no mirror pages: %v", err)
	}
	for _, p := range pages {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Files []struct{ Filename string } `json:"files"`
		}
		if err := json.Unmarshal(data, &page); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		var names []string
		for _, f := range page.Files {
			if strings.HasSuffix(f.Filename, ".whl") {
				names = append(names, f.Filename)
			}
		}
		keepsTheSame(t, filepath.Base(filepath.Dir(p)), names)
	}
}

// FuzzWheelKeeper: on any sequence of wheel filenames ("|"-separated),
// the memoized filter keeps what the plain rule keeps.
func FuzzWheelKeeper(f *testing.F) {
	f.Add("a-1.0-py3-none-any.whl|a-1.0.0-cp312-cp312-win_amd64.whl|A-1.0-cp312-cp312-manylinux_2_28_x86_64.whl")
	f.Add("a-1.0-1-py3-none-any.whl|a-1.0-x-py3-none-any.whl|a-1..0-py3-none-any.whl")
	f.Fuzz(func(t *testing.T, s string) {
		var names []string
		for _, n := range strings.Split(s, "|") {
			names = append(names, n+".whl")
		}
		keepsTheSame(t, "fuzz", names)
	})
}
