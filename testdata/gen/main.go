// Command gen writes the GitHub and Hugging Face Hub fixtures under
// testdata/github and testdata/hub from the real wheel filenames in
// ../shared/domain/real-wheel-filenames.txt.
//
// Run it from the module root after changing the grouping rules:
//
//	go run ./testdata/gen
//
// Filenames come from the real list wherever the list has them. Release
// tags, dates, sizes, asset ids, digests and git/LFS object ids are
// synthesized deterministically (from SHA-256 of the name), because the list
// carries none of them; testdata/README.md says which files are synthesized.
package main

import (
	"bufio"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("gen: ")
	shared := flag.String("shared", "../shared", "the shared reference folder")
	out := flag.String("out", "testdata", "the testdata folder to write into")
	flag.Parse()
	if d := os.Getenv("ZGPU_SHARED"); d != "" {
		*shared = d
	}
	names, err := readNames(filepath.Join(*shared, "domain", "real-wheel-filenames.txt"))
	if err != nil {
		log.Fatal(err)
	}
	for repo, rels := range githubRepos(names) {
		writeJSON(filepath.Join(*out, "github", filepath.FromSlash(repo), "releases.json"), rels)
	}
	for key, entries := range hubRepos(names) {
		writeJSON(filepath.Join(*out, "hub", filepath.FromSlash(key)+".json"), entries)
	}
}

func readNames(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" && !strings.HasPrefix(s, "#") {
			names = append(names, s)
		}
	}
	return names, sc.Err()
}

func writeJSON(path string, v any) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}

// num derives a stable pseudo-random number from s.
func num(s string) uint64 {
	h := sha256.Sum256([]byte(s))
	return binary.BigEndian.Uint64(h[:8])
}

func sha256hex(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
func sha1hex(s string) string   { h := sha1.Sum([]byte(s)); return hex.EncodeToString(h[:]) }

// GitHub release JSON, as GET /repos/{owner}/{repo}/releases returns it (the
// fields zgpu reads, plus a few for realism).
type ghAsset struct {
	ID                 uint64  `json:"id"`
	Name               string  `json:"name"`
	ContentType        string  `json:"content_type"`
	State              string  `json:"state"`
	Size               int64   `json:"size"`
	Digest             *string `json:"digest"`
	DownloadCount      int     `json:"download_count"`
	CreatedAt          string  `json:"created_at"`
	UpdatedAt          string  `json:"updated_at"`
	BrowserDownloadURL string  `json:"browser_download_url"`
}

type ghRelease struct {
	ID          uint64    `json:"id"`
	TagName     string    `json:"tag_name"`
	Name        string    `json:"name"`
	Draft       bool      `json:"draft"`
	Prerelease  bool      `json:"prerelease"`
	CreatedAt   string    `json:"created_at"`
	PublishedAt *string   `json:"published_at"`
	HTMLURL     string    `json:"html_url"`
	Assets      []ghAsset `json:"assets"`
}

// release is a release being built: its tag, date and asset names.
type release struct {
	tag        string
	date       time.Time
	draft      bool
	prerelease bool
	files      []string
}

func makeRelease(repo string, r release, digests bool) ghRelease {
	created := r.date.Format(time.RFC3339)
	out := ghRelease{
		ID:         num(repo+"@"+r.tag) % 1e9,
		TagName:    r.tag,
		Name:       r.tag,
		Draft:      r.draft,
		Prerelease: r.prerelease,
		CreatedAt:  created,
		HTMLURL:    "https://github.com/" + repo + "/releases/tag/" + r.tag,
		Assets:     []ghAsset{},
	}
	if !r.draft {
		out.PublishedAt = &created
	}
	files := append([]string(nil), r.files...)
	sort.Strings(files)
	for i, f := range files {
		n := num(repo + "@" + r.tag + "/" + f)
		up := r.date.Add(time.Duration(i+1) * time.Minute).Format(time.RFC3339)
		a := ghAsset{
			ID:                 n % 1e9,
			Name:               f,
			ContentType:        "application/octet-stream",
			State:              "uploaded",
			Size:               int64(50_000_000 + n%400_000_000),
			DownloadCount:      int(n % 100_000),
			CreatedAt:          up,
			UpdatedAt:          up,
			BrowserDownloadURL: "https://github.com/" + repo + "/releases/download/" + url.PathEscape(r.tag) + "/" + url.PathEscape(f),
		}
		if digests {
			d := "sha256:" + sha256hex(repo+"@"+r.tag+"/"+f)
			a.Digest = &d
		}
		out.Assets = append(out.Assets, a)
	}
	return out
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		log.Fatal(err)
	}
	return t.Add(14 * time.Hour)
}

// githubRepos groups the real filenames into releases, newest first.
func githubRepos(names []string) map[string][]ghRelease {
	out := map[string][]ghRelease{}

	// Dao-AILab/flash-attention: one release per version, tag v{version};
	// the official assets are the names with a cxx11abi segment.
	official := map[string][]string{}
	for _, n := range names {
		if strings.HasPrefix(n, "flash_attn-") && strings.Contains(n, "cxx11abi") {
			v := strings.SplitN(strings.TrimPrefix(n, "flash_attn-"), "+", 2)[0]
			official["v"+v] = append(official["v"+v], n)
		}
	}
	faDates := map[string]string{
		"v2.5.8": "2024-04-26", "v2.5.9.post1": "2024-05-27", "v2.6.3": "2024-07-25",
		"v2.7.3": "2025-01-10", "v2.7.4.post1": "2025-01-30", "v2.8.0.post2": "2025-06-14",
		"v2.8.1": "2025-07-10", "v2.8.3": "2025-08-15", "v2.8.3.post1": "2026-06-10",
	}
	var fa []release
	for tag, files := range official {
		d, ok := faDates[tag]
		if !ok {
			log.Fatalf("no date for flash-attention %s", tag)
		}
		fa = append(fa, release{tag: tag, date: day(d), files: files})
	}
	// A draft (assets not yet public) and a prerelease without wheels.
	fa = append(fa,
		release{tag: "v2.8.4", date: day("2026-08-01"), draft: true,
			files: []string{"flash_attn-2.8.4+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl"}},
		release{tag: "fa4-v4.0.0.beta1", date: day("2026-07-01"), prerelease: true})
	out["Dao-AILab/flash-attention"] = finish("Dao-AILab/flash-attention", fa, "2025-06-01")

	// mjun0812/flash-attention-prebuild-wheels: the names without a
	// cxx11abi segment, spread over the repository's own releases; some
	// names appear in two releases, as they do upstream.
	mj := map[string]*release{}
	add := func(tag, date, f string) {
		r := mj[tag]
		if r == nil {
			r = &release{tag: tag, date: day(date)}
			mj[tag] = r
		}
		r.files = append(r.files, f)
	}
	for _, n := range names {
		isFA2 := strings.HasPrefix(n, "flash_attn-") && strings.Contains(n, "+") && !strings.Contains(n, "cxx11abi")
		isFA3 := strings.HasPrefix(n, "flash_attn_3-")
		if !isFA2 && !isFA3 {
			continue
		}
		v := strings.SplitN(strings.SplitN(n, "-", 3)[1], "+", 2)[0]
		cu := 0
		fmt.Sscanf(strings.SplitN(n, "+cu", 2)[1], "%d", &cu)
		manylinux := strings.Contains(n, "manylinux")
		switch {
		case strings.Contains(n, "torch2.12"):
			// zerogpu-rules.md Update 2026-12-07: torch 2.12 wheels in v0.9.17.
			add("v0.9.17", "2026-06-10", n)
		case strings.Contains(n, "torch2.13"):
			// and torch 2.13 wheels in v0.9.47.
			add("v0.9.47", "2026-08-20", n)
		case isFA3:
			add("v0.8.2", "2026-01-20", n)
		case v == "2.7.4.post1":
			add("v0.4.11", "2025-03-02", n)
		case v == "2.8.0" || v == "2.8.1":
			add("v0.5.2", "2025-07-20", n)
		case v == "2.8.2":
			add("v0.6.5", "2025-09-05", n)
		case strings.Contains(n, "manylinux2014"):
			add("v0.7.16", "2025-11-12", n)
		case !manylinux && cu < 128:
			add("v0.7.16", "2025-11-12", n)
		case !manylinux:
			add("v0.9.4", "2026-04-02", n)
			if cu == 130 && strings.Contains(n, "-cp312-") {
				add("v0.9.47", "2026-08-20", n) // rebuilt and uploaded again
			}
		default:
			add("v0.9.47", "2026-08-20", n)
		}
	}
	var mjs []release
	for _, r := range mj {
		mjs = append(mjs, *r)
	}
	out["mjun0812/flash-attention-prebuild-wheels"] = finish("mjun0812/flash-attention-prebuild-wheels", mjs, "2025-06-01")

	// state-spaces/mamba and Dao-AILab/causal-conv1d: tag v{version}.
	for _, p := range []struct{ prefix, repo, digestsFrom string }{
		{"mamba_ssm-", "state-spaces/mamba", "2025-06-01"},
		{"causal_conv1d-", "Dao-AILab/causal-conv1d", "2025-06-01"},
	} {
		byTag := map[string][]string{}
		for _, n := range names {
			if strings.HasPrefix(n, p.prefix) {
				v := strings.SplitN(strings.TrimPrefix(n, p.prefix), "+", 2)[0]
				byTag["v"+v] = append(byTag["v"+v], n)
			}
		}
		var rs []release
		for tag, files := range byTag {
			// Dates follow version order: a stable synthetic date per tag.
			rs = append(rs, release{tag: tag, files: files})
		}
		sort.Slice(rs, func(i, j int) bool { return rs[i].tag < rs[j].tag })
		for i := range rs {
			rs[i].date = day("2024-06-01").AddDate(0, 3*i, 0)
		}
		out[p.repo] = finish(p.repo, rs, p.digestsFrom)
	}
	return out
}

// finish sorts releases newest first, as the API does, and renders them.
// Assets of releases after digestsFrom carry a digest, as GitHub's do since
// mid-2025.
func finish(repo string, rs []release, digestsFrom string) []ghRelease {
	sort.Slice(rs, func(i, j int) bool {
		if !rs[i].date.Equal(rs[j].date) {
			return rs[i].date.After(rs[j].date)
		}
		return rs[i].tag > rs[j].tag
	})
	var out []ghRelease
	for _, r := range rs {
		out = append(out, makeRelease(repo, r, !r.date.Before(day(digestsFrom))))
	}
	return out
}
