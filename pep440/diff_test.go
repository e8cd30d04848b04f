package pep440

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zgpu/zgpu/internal/testonly/shared"
)

// oracleRequest and oracleAnswer are the JSON exchanged with
// testdata/oracle.py (see its docstring).
type oracleRequest struct {
	Versions   []string    `json:"versions"`
	Specifiers []string    `json:"specifiers"`
	Sets       []string    `json:"sets"`
	Contains   [][2]int    `json:"contains"`
	Filters    []filterReq `json:"filters"`
}

type filterReq struct {
	Set      int
	Versions []int
}

func (f filterReq) MarshalJSON() ([]byte, error) { return json.Marshal([]any{f.Set, f.Versions}) }

type oracleVersion struct {
	OK           bool    `json:"ok"`
	Big          bool    `json:"big,omitempty"`
	Str          string  `json:"str"`
	Rank         int     `json:"rank"`
	Epoch        int     `json:"epoch"`
	Release      []int   `json:"release"`
	Pre          []any   `json:"pre"`
	Post         *int    `json:"post"`
	Dev          *int    `json:"dev"`
	Local        *string `json:"local"`
	IsPrerelease bool    `json:"is_prerelease"`
	Public       string  `json:"public"`
	Base         string  `json:"base"`
}

type oracleAnswer struct {
	Packaging  string          `json:"packaging"`
	Versions   []oracleVersion `json:"versions"`
	Specifiers []struct {
		OK  bool   `json:"ok"`
		Str string `json:"str"`
	} `json:"specifiers"`
	Sets []struct {
		OK          bool   `json:"ok"`
		Str         string `json:"str"`
		Prereleases any    `json:"prereleases"`
		Lenient     bool   `json:"prereleases_lenient"`
	} `json:"sets"`
	Contains [][2]any             `json:"contains"`
	Filters  [][2]json.RawMessage `json:"filters"`
}

// runOracle feeds req to testdata/oracle.py under the reference Python,
// or reads its recorded answer (see shared.Oracle).
func runOracle(t *testing.T, req *oracleRequest) *oracleAnswer {
	t.Helper()
	in, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("PEP440_DUMP") != "" {
		os.WriteFile(os.Getenv("PEP440_DUMP"), in, 0o644)
	}
	start := time.Now()
	defer func() { t.Logf("oracle took %v", time.Since(start)) }()
	out := shared.Oracle{Name: t.Name(), Args: []string{"testdata/oracle.py"}, Stdin: in, Env: []string{"PYTHONHASHSEED=0"}}.Output(t)
	var ans oracleAnswer
	if err := json.Unmarshal(out, &ans); err != nil {
		t.Fatalf("oracle answer: %v", err)
	}
	if ans.Packaging != "24.1" {
		t.Logf("oracle runs packaging %s, not 24.1", ans.Packaging)
	}
	return &ans
}

// nearVersions derives versions close to the items of a specifier set
// text, so that the boundaries of each operator get exercised.
func nearVersions(g *gen, set string) []string {
	var out []string
	for _, item := range strings.Split(set, ",") {
		v := strings.TrimLeft(strings.TrimSpace(item), "=<>!~ ")
		v = strings.TrimSuffix(v, ".*")
		if v == "" {
			continue
		}
		for k := 0; k < 3; k++ {
			suffix := g.pick("", "", "a1", "rc1", ".post1", "-1", ".dev0", "+local", "rc1.dev2", ".post0.dev1",
				".0", ".1", ".0.1", "+cu128", ".post1+x", "a0", "b2.post3", "+1.2", "+0")
			if b, _, ok := strings.Cut(v, "+"); ok && g.chance(0.5) {
				v = b
			}
			out = append(out, v+suffix)
		}
	}
	return out
}

// trickySets and trickyVersionTexts probe the corners of ~=, wildcards and
// ===: packaging computes ~= prefixes on the text as written, and its
// Unicode case folding keeps odd labels.
var trickySets = []string{
	"~=1.4c1", "~=1.4.c1", "~=v1.4", "~=V1.4", "~=1.4.A1", "~=1.4.RC1", "~=1.4.pre1", "~=1.4.r1",
	"~=1.4-rev1", "~=1.4.pre.r1", "~=v1!1.4", "~=1!1.4.5", "~=1.4.5-1", "~=1.4.5a4", "~=1.4.0", "~=0.0",
	"~=1.4.dev1", "~=1.4.5.post1.dev2", "~=1.4.preview", "~=1.4.prev\u0131ew1", "~=1.4.po\u017ft1",
	"~=1.4.Post1", "~=1.4_a1", "~=01.04.c.post", "==1.4.*", "!=1.4.*", "==1!1.*", "==v1.4.*",
	"==1.4.0.*", "==0.*", "===1.4", "===1.4.0", "===1.4+K", "===1.4+\u0130", "===1.4prev\u0131ew0",
	"===1.4previ\u0307ew0", "==1.4+cu128", "!=1.4+cu128", "==1.4", ">1.4", "<1.4", ">1.4.post1", "<1.4rc1",
	">=1.4prev\u0130ew", "<=1.4po\u017ft1", "==1.4po\u017ft1", "==1.4+\u212a", ">1!1.4", "<1.4.dev0",
	">1.4.dev0", "<=1.4,>=1.4", ">=1.4.0,~=1.4", "",
}

var trickyVersionTexts = []string{
	"1.4", "1.4.0", "1.4.5", "1.4c1", "1.4rc1", "1.4.5a4", "1.5", "2.0", "1!1.5", "1!1.4", "1.4.post1",
	"1.4.0.post1", "1.4+cu128", "1.4+cu126", "1.4.dev0", "1.4a1.dev0", "1.4prev\u0131ew0", "1.4prev\u0130ew0",
	"1.5prev\u0131ew0", "1prev\u0131ew0", "1.4po\u017ft1", "1.4+K", "1.4+k", "1.4+\u0130", "0.9", "0prev\u0131ew",
	"1.3.9", "1.4.5.post1.dev2", "1.4rc0.post1", "1.4.post1+x", "1.4.0rc0", "1.4.5.0", "1.4.post0.dev0",
	"1.4+\u212a", "1.4.9999", "1.40", "0.0.1", "1!0",
}

var (
	diffScale = 1
	diffSeed  = uint64(440)
)

func init() {
	flag.IntVar(&diffScale, "diffscale", 1, "multiply the differential test's case counts")
	flag.Uint64Var(&diffSeed, "diffseed", 440, "random seed of the differential test")
}

// diffInput is the differential test's request with Go's parse of it.
type diffInput struct {
	req      *oracleRequest
	goV      []Version
	goErr    []error
	goSets   []Specifiers
	goSetErr []error
	valid    []int // indices of the versions Go accepts
}

// buildDifferential generates the cases: random versions, specifiers and
// sets, versions near each set, the tricky lists, and the mirror's real data.
// Contains pairs and filters use the versions Go accepts.
func buildDifferential(t *testing.T, seed uint64, scale int) *diffInput {
	nVersions, nSpecs, nSets, perSet := 4000*scale, 3000*scale, 2500*scale, 16
	g := newGen(seed)
	req := &oracleRequest{}
	for i := 0; i < nVersions; i++ {
		req.Versions = append(req.Versions, g.version())
	}
	for i := 0; i < nSpecs; i++ {
		req.Specifiers = append(req.Specifiers, g.specifier())
	}
	for i := 0; i < nSets; i++ {
		req.Sets = append(req.Sets, g.set())
	}
	// Versions near each set's items join the pool.
	near := make([][]int, nSets)
	for i, s := range req.Sets {
		for _, v := range nearVersions(g, s) {
			near[i] = append(near[i], len(req.Versions))
			req.Versions = append(req.Versions, v)
		}
	}
	// Hand-picked tricky texts, every set against every version.
	trickyFrom := len(req.Sets)
	req.Sets = append(req.Sets, trickySets...)
	trickyVersions := make([]int, len(trickyVersionTexts))
	for k, v := range trickyVersionTexts {
		trickyVersions[k] = len(req.Versions)
		req.Versions = append(req.Versions, v)
	}
	nSets = len(req.Sets)
	near = append(near, make([][]int, len(trickySets))...)
	for i := trickyFrom; i < nSets; i++ {
		near[i] = trickyVersions
	}
	// Real versions and specifier sets from the offline mirror, when present.
	realFrom := len(req.Sets)
	realVersions, realSets := realData(t, 1500, 1500)
	realVersionFrom := len(req.Versions)
	req.Versions = append(req.Versions, realVersions...)
	req.Sets = append(req.Sets, realSets...)
	nSets = len(req.Sets)
	near = append(near, make([][]int, len(realSets))...)
	t.Logf("real data: %d versions, %d specifier sets (from set %d)", len(realVersions), len(realSets), realFrom)
	// Go's view, needed to pick valid pairs.
	goV := make([]Version, len(req.Versions))
	goErr := make([]error, len(req.Versions))
	var valid []int
	for i, s := range req.Versions {
		goV[i], goErr[i] = Parse(s)
		if goErr[i] == nil {
			valid = append(valid, i)
		}
	}
	goSets := make([]Specifiers, nSets)
	goSetErr := make([]error, nSets)
	for i, s := range req.Sets {
		goSets[i], goSetErr[i] = ParseSpecifiers(s)
		if goSetErr[i] != nil {
			continue
		}
		var pool []int
		for _, k := range near[i] {
			if goErr[k] == nil {
				pool = append(pool, k)
			}
		}
		for len(pool) < perSet && (i < trickyFrom || i >= realFrom) {
			k := valid[g.r.IntN(len(valid))]
			if i >= realFrom && len(realVersions) > 0 && g.chance(0.8) {
				k = realVersionFrom + g.r.IntN(len(realVersions)) // real against real
				if goErr[k] != nil {
					continue
				}
			}
			pool = append(pool, k)
		}
		for _, k := range pool {
			req.Contains = append(req.Contains, [2]int{i, k})
		}
		if i%3 == 0 && len(pool) > 0 {
			slices.Sort(pool)
			pool = slices.Compact(pool)
			g.r.Shuffle(len(pool), func(a, b int) { pool[a], pool[b] = pool[b], pool[a] })
			req.Filters = append(req.Filters, filterReq{Set: i, Versions: pool})
		}
	}
	return &diffInput{req, goV, goErr, goSets, goSetErr, valid}
}

func TestDifferential(t *testing.T) {
	seed := diffSeed
	in := buildDifferential(t, seed, diffScale)
	req, goV, goErr, goSets, goSetErr, valid := in.req, in.goV, in.goErr, in.goSets, in.goSetErr, in.valid
	ans := runOracle(t, req)

	var (
		mismatches int
		stats      = map[string]int{}
	)
	fail := func(format string, args ...any) {
		mismatches++
		if mismatches <= 40 {
			t.Errorf(format, args...)
		}
	}

	// Versions: accept/reject, normal form, accessors.
	for i, s := range req.Versions {
		want, v, err := ans.Versions[i], goV[i], goErr[i]
		stats["versions"]++
		if want.Big {
			// A documented deviation: numbers beyond int64 are rejected.
			stats["versions beyond int64 (rejected)"]++
			if err == nil || !strings.Contains(err.Error(), "too large") {
				fail("Parse(%q): err = %v, want number too large", s, err)
			}
			continue
		}
		if want.OK && err != nil && nonASCIILocal(s) {
			stats["versions with a non-ASCII local label (rejected as packaging 26 does)"]++
			continue
		}
		if want.OK != (err == nil) {
			fail("Parse(%q): err = %v, packaging ok = %v", s, err, want.OK)
			continue
		}
		if !want.OK {
			stats["versions rejected"]++
			if _, ok := err.(*SyntaxError); !ok || !strings.HasPrefix(err.Error(), "pep440: ") {
				fail("Parse(%q): error %T %q, want *SyntaxError with prefix pep440:", s, err, err)
			}
			continue
		}
		got := oracleVersion{OK: true, Str: v.String(), Rank: want.Rank, Epoch: v.Epoch(), Release: v.Release(),
			IsPrerelease: v.IsPrerelease(), Public: v.Public().String(), Base: v.BaseVersion().String()}
		if l, n, ok := v.Pre(); ok {
			got.Pre = []any{l, float64(n)}
		}
		if n, ok := v.Post(); ok {
			got.Post = &n
		}
		if n, ok := v.Dev(); ok {
			got.Dev = &n
		}
		if l := v.Local(); l != "" {
			got.Local = &l
		}
		if d := diffJSON(want, got); d != "" {
			fail("Parse(%q) (-packaging +go):\n%s", s, d)
		}
		// packaging's str() round-trips except for its odd Unicode labels.
		if r, err := Parse(v.String()); !v.oddUnicode() && (err != nil || r.Compare(v) != 0 || r.String() != v.String()) {
			fail("Parse(String(%q)) = %v, %v: does not round-trip", s, r, err)
		}
	}

	// Order: dense ranks of the valid versions.
	sorted := slices.Clone(valid)
	slices.SortStableFunc(sorted, func(a, b int) int { return goV[a].Compare(goV[b]) })
	rank := make(map[int]int, len(sorted))
	r := -1
	for k, idx := range sorted {
		if k == 0 || goV[sorted[k-1]].Compare(goV[idx]) != 0 {
			r++
		}
		rank[idx] = r
	}
	// packaging's dense ranks, renumbered over the versions Go accepts
	// (packaging 24.1 ranks some that packaging 26 and Go reject).
	oracleRank := denseRanks(valid, func(idx int) int { return ans.Versions[idx].Rank })
	for _, idx := range valid {
		stats["order ranks"]++
		if ans.Versions[idx].OK && rank[idx] != oracleRank[idx] {
			fail("rank of %q = %d, packaging %d", req.Versions[idx], rank[idx], oracleRank[idx])
		}
	}

	// Single specifiers.
	for i, s := range req.Specifiers {
		stats["specifiers"]++
		sp, err := ParseSpecifier(s)
		want := ans.Specifiers[i]
		if want.OK && tooLarge(err) {
			stats["specifiers beyond int64 (rejected)"]++
			continue
		}
		if want.OK && err != nil && nonASCIILocal(s) {
			stats["specifiers with a non-ASCII local label (rejected as packaging 26 does)"]++
			continue
		}
		if want.OK != (err == nil) {
			fail("ParseSpecifier(%q): err = %v, packaging ok = %v", s, err, want.OK)
			continue
		}
		if want.OK && sp.String() != want.Str {
			fail("ParseSpecifier(%q).String() = %q, packaging %q", s, sp.String(), want.Str)
		}
		if !want.OK {
			stats["specifiers rejected"]++
		}
	}

	// Sets: accept/reject, String, Prereleases.
	for i, s := range req.Sets {
		stats["sets"]++
		want := ans.Sets[i]
		if want.OK && tooLarge(goSetErr[i]) {
			stats["sets beyond int64 (rejected)"]++
			continue
		}
		if want.OK && goSetErr[i] != nil && nonASCIILocal(s) {
			stats["sets with a non-ASCII local label (rejected as packaging 26 does)"]++
			continue
		}
		if want.OK != (goSetErr[i] == nil) {
			fail("ParseSpecifiers(%q): err = %v, packaging ok = %v", s, goSetErr[i], want.OK)
			continue
		}
		if !want.OK {
			stats["sets rejected"]++
			continue
		}
		if got := goSets[i].String(); got != want.Str {
			fail("ParseSpecifiers(%q).String() = %q, packaging %q", s, got, want.Str)
		}
		wantPre := want.Prereleases == true
		if want.Prereleases == "error" {
			// An === item that is not a version: packaging raises or not
			// depending on set order; Go skips such items.
			stats["prereleases: packaging raised"]++
			wantPre = want.Lenient
		}
		if got := goSets[i].Prereleases(); got != wantPre {
			fail("ParseSpecifiers(%q).Prereleases() = %v, packaging %v", s, got, want.Prereleases)
		}
	}

	// Contains, with prereleases true and false.
	for k, pair := range req.Contains {
		set, v := goSets[pair[0]], goV[pair[1]]
		for j, pre := range []bool{true, false} {
			stats["contains"]++
			w := ans.Contains[k][j]
			if w == "error" {
				stats["contains: packaging raised"]++
				w = false
			}
			if w == true {
				stats["contains: true"]++
			}
			if got := set.Contains(v, pre); got != w {
				fail("ParseSpecifiers(%q).Contains(%q, %v) = %v, packaging %v", req.Sets[pair[0]], req.Versions[pair[1]], pre, got, w)
			}
		}
	}

	// Filter with prereleases None (false here) and True.
	for k, f := range req.Filters {
		vs := make([]Version, len(f.Versions))
		for j, idx := range f.Versions {
			vs[j] = goV[idx]
		}
		for j, pre := range []bool{false, true} {
			stats["filters"]++
			var want []int
			if err := json.Unmarshal(ans.Filters[k][j], &want); err != nil {
				stats["filters: packaging raised"]++
				continue
			}
			wantVs := make([]string, len(want))
			for n, idx := range want {
				wantVs[n] = goV[idx].String()
			}
			got := goSets[f.Set].Filter(vs, pre)
			gotVs := make([]string, len(got))
			for n, v := range got {
				gotVs[n] = v.String()
			}
			if !slices.Equal(gotVs, wantVs) {
				fail("ParseSpecifiers(%q).Filter(%v, %v) = %v, packaging %v", req.Sets[f.Set], req.Versions, pre, gotVs, wantVs)
			}
		}
	}

	keys := make([]string, 0, len(stats))
	for k := range stats {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %-32s %d\n", k, stats[k])
	}
	t.Logf("differential against packaging %s (seed %d): %d mismatches\n%s", ans.Packaging, seed, mismatches, b.String())
}

// realData returns up to nv distinct versions of the mirror's
// PROVENANCE.tsv and up to ns distinct specifier sets of its metadata
// files' Requires-Dist lines.
func realData(t *testing.T, nv, ns int) (versions, sets []string) {
	dir := shared.Dir(t, "mirror")
	data, err := os.ReadFile(filepath.Join(dir, "PROVENANCE.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n")[1:] {
		if f := strings.Split(line, "\t"); len(f) > 1 && !seen[f[1]] && len(versions) < nv {
			seen[f[1]] = true
			versions = append(versions, f[1])
		}
	}
	names, _ := filepath.Glob(filepath.Join(dir, "files", "*.metadata"))
	slices.Sort(names)
	for i := 0; i < len(names) && len(sets) < ns; i += 7 {
		data, err := os.ReadFile(names[i])
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			req, ok := strings.CutPrefix(line, "Requires-Dist: ")
			if !ok {
				continue
			}
			req, _, _ = strings.Cut(req, ";")
			if k := strings.IndexAny(req, "<>=!~("); k >= 0 {
				spec := strings.TrimSpace(strings.Trim(strings.TrimSpace(req[k:]), "()"))
				if !seen[spec] && len(sets) < ns {
					seen[spec] = true
					sets = append(sets, spec)
				}
			}
		}
	}
	return versions, sets
}

// nonASCIILocal reports whether a version, or a specifier item other than
// "===", has a non-ASCII character in its local label: packaging 24.1
// accepted the four letters Python folds onto ASCII ones there, packaging
// 26 rejects them.
func nonASCIILocal(text string) bool {
	for _, item := range strings.Split(text, ",") {
		if strings.HasPrefix(strings.TrimSpace(item), "===") {
			continue
		}
		if _, local, ok := strings.Cut(item, "+"); ok && strings.ContainsFunc(local, func(r rune) bool { return r >= 0x80 && !isSpace(r) }) {
			return true
		}
	}
	return false
}

// denseRanks renumbers rank(idx) over idxs as dense ranks from 0.
func denseRanks(idxs []int, rank func(int) int) map[int]int {
	distinct := make([]int, 0, len(idxs))
	for _, idx := range idxs {
		distinct = append(distinct, rank(idx))
	}
	slices.Sort(distinct)
	distinct = slices.Compact(distinct)
	out := make(map[int]int, len(idxs))
	for _, idx := range idxs {
		out[idx], _ = slices.BinarySearch(distinct, rank(idx))
	}
	return out
}

// tooLarge reports whether err is the documented int64 deviation.
func tooLarge(err error) bool {
	return err != nil && strings.Contains(err.Error(), "number too large")
}

// diffJSON compares two values through their JSON encodings.
func diffJSON(want, got any) string {
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(got)
	if bytes.Equal(a, b) {
		return ""
	}
	return fmt.Sprintf("- %s\n+ %s", a, b)
}
