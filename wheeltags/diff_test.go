package wheeltags

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/zgpu/zgpu/internal/testonly/shared"
)

// oracle runs testdata/oracle.py (pip's vendored packaging 24.1) in mode with
// in as JSON on stdin and decodes its JSON answer into out.
func oracle(t *testing.T, mode string, in, out any) {
	t.Helper()
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	stdout := shared.Oracle{Name: t.Name() + "-" + mode, Args: []string{filepath.Join("testdata", "oracle.py"), mode}, Stdin: data}.Output(t)
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("oracle %s: decoding answer: %v", mode, err)
	}
}

// realWheelNames returns the lines of real-wheel-filenames.txt and the wheel
// names of the offline mirror.
func realWheelNames(t testing.TB) []string {
	t.Helper()
	var names []string
	f, err := os.Open(shared.Dir(t, "domain", "real-wheel-filenames.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			names = append(names, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(shared.Dir(t, "mirror", "files"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".metadata"); ok && strings.HasSuffix(n, ".whl") {
			names = append(names, n)
		}
	}
	return names
}

// mutations derives malformed and unusual variants of a real filename that
// exercise every rule of parse_wheel_filename and parse_sdist_filename.
func mutations(name string, r *rand.Rand) []string {
	stem := strings.TrimSuffix(name, ".whl")
	parts := strings.Split(stem, "-")
	n := len(parts)
	tagPart := strings.Join(parts[n-3:], "-")
	nv := parts[0] + "-" + parts[1]
	out := []string{
		stem,                 // no suffix
		stem + ".WHL",        // suffix is case-sensitive
		nv + ".tar.gz",       // sdist
		nv + ".zip",          // sdist
		parts[0] + ".tar.gz", // sdist without version
		strings.ToUpper(name[:len(name)-4]) + ".whl", // upper case everywhere
		parts[0] + "__x-" + parts[1] + "-" + tagPart + ".whl",
		parts[0] + "-" + parts[1] + "-1abc-" + tagPart + ".whl",
		parts[0] + "-" + parts[1] + "-abc-" + tagPart + ".whl",
		parts[0] + "-" + parts[1] + "-\u0661\u0662-" + tagPart + ".whl", // Arabic-Indic digits
		parts[0] + "-" + parts[1] + "-007_x-" + tagPart + ".whl",
		parts[0] + "-" + parts[1] + "--" + tagPart + ".whl",
		parts[0] + "-" + parts[1] + "-x-y-" + tagPart + ".whl",
		parts[0] + "-" + parts[1] + ".dev-1-" + tagPart + ".whl",
		parts[0] + "- " + parts[1] + " -" + tagPart + ".whl",
		parts[0] + "-v" + strings.ToUpper(parts[1]) + "-" + tagPart + ".whl",
		parts[0] + "-" + parts[1] + "+Local_Ver.1-" + tagPart + ".whl",
		parts[0] + "-" + parts[1] + "+-" + tagPart + ".whl",
		parts[0] + "-not a version-" + tagPart + ".whl",
		"-" + parts[1] + "-" + tagPart + ".whl", // empty name is accepted by packaging
		parts[0] + "\n-" + parts[1] + "-" + tagPart + ".whl",
		parts[0] + "\n\n-" + parts[1] + "-" + tagPart + ".whl",
		"Ünïcödé." + parts[0] + "-" + parts[1] + "-" + tagPart + ".whl",
		"名前-" + parts[1] + "-" + tagPart + ".whl",
		parts[0] + " x-" + parts[1] + "-" + tagPart + ".whl",
		"a-b." + parts[0] + "-" + parts[1] + "-" + tagPart + ".whl",
		nv + "-PY2.py3.PY3-None.ABI3-ANY.Linux_X86_64.any.whl",
		nv + "-py3..-none-.whl",
		nv + "--" + "-.whl",
	}
	// A random splice of two halves of the name.
	i, j := r.IntN(len(name)+1), r.IntN(len(name)+1)
	if i > j {
		i, j = j, i
	}
	out = append(out, name[:i]+name[j:], name[:i]+"-"+name[i:])
	return out
}

// sample keeps every nth name.
func sample(names []string, n int) []string {
	var out []string
	for i := 0; i < len(names); i += n {
		out = append(out, names[i])
	}
	return out
}

type oracleFile struct {
	Wheel *struct {
		Name    string   `json:"name"`
		Version string   `json:"version"`
		Build   []string `json:"build"`
		Tags    []string `json:"tags"`
	} `json:"wheel"`
	Sdist *struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	} `json:"sdist"`
}

// TestDifferentialFilenames compares ParseWheelFilename and
// ParseSdistFilename with packaging 24.1 on every real filename and on
// generated malformed ones.
func TestDifferentialFilenames(t *testing.T) {
	names := realWheelNames(t)
	if testing.Short() {
		names = sample(names, 10)
	}
	r := rand.New(rand.NewPCG(1, 2))
	real := len(names)
	for k := 0; k < real; k += 20 { // every 20th real name yields mutations
		names = append(names, mutations(names[k], r)...)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	var want []oracleFile
	start := time.Now()
	oracle(t, "filenames", names, &want)
	t.Logf("oracle took %v", time.Since(start))
	if len(want) != len(names) {
		t.Fatalf("oracle answered %d results for %d names", len(want), len(names))
	}
	var wheelsOK, wheelsBad, sdistOK, sdistBad, failures, newer int
	for i, name := range names {
		if packaging26Rejects(name) && (want[i].Wheel != nil || want[i].Sdist != nil) {
			// The oracle is 24.1; packaging 26 rejects these, and so do we.
			want[i].Wheel, newer = nil, newer+1
			if strings.ContainsAny(name, "\r\n") {
				want[i].Sdist = nil
			}
		}
		got := goFile(name)
		if reflect.DeepEqual(want[i], got) {
			// fast path: cmp.Diff is too slow for 60,000 equal values
		} else if diff := cmp.Diff(want[i], got); diff != "" {
			failures++
			if failures <= 20 {
				t.Errorf("%q (-packaging +wheeltags):\n%s", name, diff)
			}
		}
		if want[i].Wheel != nil {
			wheelsOK++
		} else {
			wheelsBad++
		}
		if want[i].Sdist != nil {
			sdistOK++
		} else {
			sdistBad++
		}
	}
	t.Logf("differential: %d distinct names (%d real wheels); wheel accepted %d rejected %d; sdist accepted %d rejected %d; %d rejected as packaging 26 does; %d mismatches",
		len(names), real, wheelsOK, wheelsBad, sdistOK, sdistBad, newer, failures)
}

// packaging26Rejects reports whether packaging 26 rejects a filename that
// the oracle's packaging 24.1 accepts: a line break anywhere (24.1's "$"
// matched before a final newline); for a wheel, an empty project name or an
// empty python, abi or platform field.
func packaging26Rejects(name string) bool {
	if strings.ContainsAny(name, "\r\n") {
		return true
	}
	stem, ok := strings.CutSuffix(name, ".whl")
	if !ok {
		return false
	}
	f := strings.Split(stem, "-")
	if len(f) < 5 || f[0] == "" {
		return len(f) >= 5
	}
	for _, tag := range f[len(f)-3:] {
		if tag == "" {
			return true
		}
	}
	return false
}

// goFile is the wheeltags answer in the shape of the oracle's.
func goFile(name string) oracleFile {
	var f oracleFile
	if w, err := ParseWheelFilename(name); err == nil {
		f.Wheel = &struct {
			Name    string   `json:"name"`
			Version string   `json:"version"`
			Build   []string `json:"build"`
			Tags    []string `json:"tags"`
		}{Name: w.Name, Version: w.Version.String()}
		if w.Build != "" {
			num, rest := w.BuildNumber()
			f.Wheel.Build = []string{num, rest}
		}
		for _, tag := range w.Tags {
			f.Wheel.Tags = append(f.Wheel.Tags, tag.String())
		}
		slices.Sort(f.Wheel.Tags)
	}
	if s, err := ParseSdistFilename(name); err == nil {
		f.Sdist = &struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		}{s.Name, s.Version.String()}
	}
	return f
}

// TestDifferentialSupportedTags compares SupportedTags, in order, with
// packaging's cpython_tags + compatible_tags for the ZeroGPU Pythons and
// several glibc versions, and checks that Rank is the index in that list.
func TestDifferentialSupportedTags(t *testing.T) {
	type target struct {
		Python [2]int `json:"python"`
		Glibc  [2]int `json:"glibc"`
		Arch   string `json:"arch"`
	}
	var targets []target
	for _, py := range [][2]int{{3, 10}, {3, 12}, {3, 8}, {3, 13}} {
		for _, glibc := range [][2]int{{2, 28}, {2, 31}, {2, 35}, {2, 36}, {2, 17}, {2, 5}, {3, 1}} {
			targets = append(targets, target{py, glibc, "x86_64"})
		}
	}
	targets = append(targets, target{[2]int{3, 12}, [2]int{2, 36}, "aarch64"}, target{[2]int{3, 12}, [2]int{2, 17}, "aarch64"})
	var want [][]string
	oracle(t, "tags", targets, &want)
	total := 0
	for i, tg := range targets {
		tt := Target{Python: tg.Python, Glibc: tg.Glibc, Arch: tg.Arch}
		var got []string
		for _, tag := range tt.SupportedTags() {
			got = append(got, tag.String())
		}
		if diff := cmp.Diff(want[i], got); diff != "" {
			t.Errorf("%v (-packaging +wheeltags):\n%s", tt, diff)
			continue
		}
		total += len(got)
		for r, s := range want[i] {
			tags, err := ParseTags(s)
			if err != nil {
				t.Fatal(err)
			}
			if rank, ok := tt.Rank(tags); !ok || rank != r {
				t.Errorf("%v: Rank(%s) = %d, %v; want %d, true", tt, s, rank, ok, r)
			}
		}
	}
	t.Logf("differential: %d targets, %d ordered tags equal", len(targets), total)
}

func ExampleTarget_Rank() {
	t := Target{Python: [2]int{3, 12}, Glibc: [2]int{2, 36}}
	for _, s := range []string{"cp312-cp312-manylinux_2_28_x86_64", "py3-none-any", "cp311-cp311-linux_x86_64"} {
		tags, _ := ParseTags(s)
		rank, ok := t.Rank(tags)
		fmt.Println(s, rank, ok)
	}
	// Output:
	// cp312-cp312-manylinux_2_28_x86_64 8 true
	// py3-none-any 974 true
	// cp311-cp311-linux_x86_64 0 false
}
