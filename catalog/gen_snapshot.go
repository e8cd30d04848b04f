//go:build ignore

// gen_snapshot writes data/snapshot.tsv, the catalog's snapshot of known
// prebuilt CUDA wheels, so that `zgpu deps resolve --offline` works on a fresh
// machine. Run from the catalog folder:
//
//	go run gen_snapshot.go [-shared ../../shared] [-o data/snapshot.tsv]
//
// The output depends only on the shared reference files, so running it again
// gives the same file (TestSnapshotGenerated checks that).
//
// Filenames are never made up: each row's filename is copied from the shared
// references (domain/real-wheel-filenames.txt, domain/domain-facts.md,
// domain/zerogpu-rules.md, or a wheel URL in corpus/*/*.txt), and the
// generator fails when one is not found there. The single exception predates
// this rule and its note says so: the Blackwell dataset's flash_attn 2.8.3
// in the cp311, cp312 and cp313 cells, named after the real cp310 file.
//
// A row's URL is "src" when a reference writes it out (a Space's
// requirements in the corpus, domain-facts.md), "inf" when it follows from
// the source's documented layout:
//
//   - Dao-AILab/flash-attention, state-spaces/mamba, Dao-AILab/causal-conv1d:
//     the release tagged v{version} (setup.py BASE_WHEEL_URL, domain-facts.md
//     §1.1, §2.2), for the names in their official dialect;
//   - data.pyg.org: whl/torch-{X.Y}.0+{cuABC}/{file} (domain-facts.md §2.2,
//     as in the corpus Space 071-pshuman-hf);
//   - the Blackwell dataset: wheels/{cell}/{file}, every cell shipping the
//     same packages (zerogpu-rules.md);
//   - mjun0812/flash-attention-prebuild-wheels, FlashAttention-2 for torch
//     2.12 and 2.13 (linux_x86_64 names): the releases zerogpu-rules.md
//     (Update 2026-12-07) names, v0.9.17 for torch 2.12 and v0.9.47 for 2.13.
//
// The note column says where the filename and the URL come from.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/zgpu/zgpu/pep508"
)

type row struct {
	pkg, file, url, kind, location, path, confidence, note string
	// derived marks a filename not found in the references (see the
	// package comment).
	derived bool
}

const realList = "real-wheel-filenames.txt"

// githubRepos are the projects whose release assets setup.py names
// v{version}/{file} in the official dialect.
var githubRepos = map[string]string{
	"flash_attn":    "Dao-AILab/flash-attention",
	"mamba_ssm":     "state-spaces/mamba",
	"causal_conv1d": "Dao-AILab/causal-conv1d",
}

var (
	officialLabel = regexp.MustCompile(`\+cu\d+torch\d+\.\d+cxx11abi(TRUE|FALSE)-`)
	// torch_scatter-2.1.2+pt28cu126-cp310-cp310-linux_x86_64.whl
	// flash_attn-2.8.3+cu130torch2.13-cp312-cp312-linux_x86_64.whl
	mjunName = regexp.MustCompile(`^flash_attn-[^-+]+\+cu\d+torch2\.(12|13)-cp\d+-cp\d+-linux_x86_64\.whl$`)
	pygName  = regexp.MustCompile(`^(torch_scatter|torch_sparse|torch_cluster|torch_spline_conv|pyg_lib)-[^-+]+\+pt(\d)(\d+)(cu\d+|cpu)-[^-]+-[^-]+-linux_x86_64\.whl$`)
)

// blackwellCells are the cells of the dataset (zerogpu-rules.md).
var blackwellCells = []string{"pt28-cu128-cp310", "pt28-cu128-cp311", "pt28-cu128-cp312", "pt291-cu128-cp310", "pt210-cu128-cp310", "pt210-cu130-cp312", "pt211-cu130-cp312", "pt211-cu130-cp313", "pt212-cu130-cp310", "pt212-cu130-cp311", "pt212-cu130-cp312", "pt212-cu130-cp313"}

const blackwellRepo = "datasets/multimodalart/zerogpu-blackwell-wheels"

// documented are wheel URLs written out in domain-facts.md, with the
// section that gives them.
var documented = []struct{ url, where string }{
	{"https://github.com/mjun0812/flash-attention-prebuild-wheels/releases/download/v0.9.4/flash_attn-2.8.3+cu130torch2.11-cp310-cp310-linux_x86_64.whl",
		"domain-facts.md §2.1 (mjun0812 example URL)"},
	{"https://github.com/mjun0812/flash-attention-prebuild-wheels/releases/download/v0.9.47/flash_attn-2.8.3+cu130torch2.13-cp312-cp312-linux_x86_64.whl",
		"zerogpu-rules.md Update 2026-12-07 (mjun0812 example URL)"},
	{"https://github.com/mjun0812/flash-attention-prebuild-wheels/releases/download/v0.9.17/flash_attn-2.8.3+cu130torch2.12-cp310-cp310-linux_x86_64.whl",
		"zerogpu-rules.md Update 2026-12-07 (mjun0812 example URL)"},
}

// mjunTags are the mjun0812 releases of the torch 2.12 and 2.13 wheels
// (zerogpu-rules.md Update 2026-12-07, from its doc/packages.md).
var mjunTags = map[string]string{"12": "v0.9.17", "13": "v0.9.47"}

const mjunRepo = "mjun0812/flash-attention-prebuild-wheels"

func main() {
	sharedDir := flag.String("shared", filepath.Join("..", "..", "shared"), "the shared reference folder")
	out := flag.String("o", filepath.Join("data", "snapshot.tsv"), "the file to write")
	flag.Parse()

	refs := readRefs(*sharedDir)
	real := readLines(filepath.Join(*sharedDir, "domain", realList))

	byURL := map[string]int{}
	var rows []row
	add := func(r row) {
		if i, ok := byURL[r.url]; ok {
			// A URL seen in a reference beats one inferred from a layout.
			if rows[i].confidence == "inf" && r.confidence == "src" {
				rows[i] = r
			}
			return
		}
		byURL[r.url] = len(rows)
		rows = append(rows, r)
	}

	for _, name := range real {
		parts := strings.SplitN(name, "-", 3)
		if len(parts) < 3 {
			continue
		}
		if repo, ok := githubRepos[parts[0]]; ok && officialLabel.MatchString(name) {
			tag := "v" + strings.SplitN(parts[1], "+", 2)[0]
			add(row{
				pkg: pep508.NormalizeName(parts[0]), file: name,
				url:  fmt.Sprintf("https://github.com/%s/releases/download/%s/%s", repo, tag, name),
				kind: "github", location: repo, path: tag, confidence: "inf",
				note: "filename in " + realList + "; URL: release tag v{version} per setup.py BASE_WHEEL_URL (domain-facts.md §1.1)",
			})
		}
		if m := mjunName.FindStringSubmatch(name); m != nil {
			tag := mjunTags[m[1]]
			add(row{
				pkg: "flash-attn", file: name,
				url:  fmt.Sprintf("https://github.com/%s/releases/download/%s/%s", mjunRepo, tag, name),
				kind: "github", location: mjunRepo, path: tag, confidence: "inf",
				note: "filename in " + realList + "; URL: release " + tag + " for torch 2." + m[1] + " (zerogpu-rules.md Update 2026-12-07)",
			})
		}
		if m := pygName.FindStringSubmatch(name); m != nil {
			dir := fmt.Sprintf("torch-%s.%s.0+%s", m[2], m[3], m[4])
			add(row{
				pkg: pep508.NormalizeName(m[1]), file: name,
				url:  "https://data.pyg.org/whl/" + escapePlus(dir) + "/" + escapePlus(name),
				kind: "url", location: "data.pyg.org", confidence: "inf",
				note: "filename in " + realList + "; URL: data.pyg.org/whl/torch-{X.Y}.0+{cuABC}/ layout (domain-facts.md §2.2, as in corpus 071-pshuman-hf)",
			})
		}
	}

	// The Blackwell dataset: every cell ships flash_attn 2.8.3, named
	// without a torch tag (zerogpu-rules.md, which gives the cp310 name).
	const faCP310 = "flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl"
	for _, cell := range blackwellCells {
		py := cell[strings.LastIndex(cell, "-")+1:]
		file := strings.ReplaceAll(faCP310, "cp310", py)
		r := row{
			pkg: "flash-attn", file: file,
			kind: "hub", location: blackwellRepo, path: "wheels/" + cell + "/" + file, confidence: "inf",
			note: "filename in " + realList + " and zerogpu-rules.md; zerogpu-rules.md: every cell ships flash_attn 2.8.3, named without a torch tag",
		}
		if py != "cp310" {
			r.derived = true
			r.note = "filename NOT in the references: the cp310 name (" + realList + ", zerogpu-rules.md) with this cell's Python; zerogpu-rules.md: every cell ships flash_attn 2.8.3, named without a torch tag"
		}
		r.url = "https://huggingface.co/" + blackwellRepo + "/resolve/main/" + r.path
		add(r)
	}

	for _, d := range documented {
		r, ok := fromURL(d.url)
		if !ok {
			fail("documented URL %s: not a wheel URL", d.url)
		}
		r.note = "URL in " + d.where
		add(r)
	}

	// Wheel URLs written in real Spaces' requirements.
	urlRE := regexp.MustCompile(`https?://[^\s;"']+\.whl`)
	check(filepath.WalkDir(filepath.Join(*sharedDir, "corpus"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".txt") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, u := range urlRE.FindAllString(string(data), -1) {
			if strings.Contains(u, "pythonhosted.org") || strings.Contains(u, "pytorch.org") || !strings.Contains(u, "linux_x86_64") {
				continue
			}
			r, ok := fromURL(u)
			if !ok {
				continue
			}
			rel, _ := filepath.Rel(*sharedDir, p)
			r.note = "seen in shared/" + filepath.ToSlash(rel)
			add(r)
		}
		return nil
	}))

	for _, r := range rows {
		if !r.derived && !refs[r.file] {
			fail("%s: filename not found in the shared references", r.file)
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].pkg != rows[j].pkg {
			return rows[i].pkg < rows[j].pkg
		}
		return rows[i].url < rows[j].url
	})
	var b strings.Builder
	b.WriteString("# Snapshot of known prebuilt CUDA wheels (generated by gen_snapshot.go; do not edit).\n")
	b.WriteString("# package\tfilename\turl\tkind\tlocation\tpath\tconfidence\tnote\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.pkg, r.file, r.url, r.kind, r.location, r.path, r.confidence, r.note)
	}
	check(os.WriteFile(*out, []byte(b.String()), 0o644))
	fmt.Printf("wrote %d rows\n", len(rows))
}

// fromURL makes a "src" row of a wheel URL, its kind and location read
// from the host.
func fromURL(u string) (row, bool) {
	pu, err := url.Parse(u)
	if err != nil || !strings.HasSuffix(pu.Path, ".whl") {
		return row{}, false
	}
	file, err := url.PathUnescape(path.Base(pu.Path))
	if err != nil {
		return row{}, false
	}
	r := row{pkg: pep508.NormalizeName(strings.SplitN(file, "-", 2)[0]), file: file, url: u,
		kind: "url", location: pu.Host, confidence: "src"}
	seg := strings.Split(strings.TrimPrefix(pu.Path, "/"), "/")
	switch pu.Host {
	case "github.com":
		r.kind, r.location = "github", seg[0]+"/"+seg[1]
		if len(seg) >= 6 && seg[2] == "releases" && seg[3] == "download" {
			r.path = seg[4]
		}
	case "huggingface.co":
		r.kind = "hub"
		if seg[0] == "datasets" || seg[0] == "spaces" {
			r.location = strings.Join(seg[:3], "/")
		} else {
			r.location = strings.Join(seg[:2], "/")
		}
	}
	return r, true
}

// readRefs returns every wheel filename written in the shared references:
// the lines of real-wheel-filenames.txt, and the names (URL-unescaped) in
// domain/*.md and in the corpus's *.txt files.
func readRefs(dir string) map[string]bool {
	refs := map[string]bool{}
	for _, l := range readLines(filepath.Join(dir, "domain", realList)) {
		refs[l] = true
	}
	name := regexp.MustCompile(`[A-Za-z0-9_.%+-]+\.whl`)
	files, err := filepath.Glob(filepath.Join(dir, "domain", "*.md"))
	check(err)
	check(filepath.WalkDir(filepath.Join(dir, "corpus"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".txt") {
			files = append(files, p)
		}
		return err
	}))
	for _, p := range files {
		data, err := os.ReadFile(p)
		check(err)
		for _, m := range name.FindAllString(string(data), -1) {
			if s, err := url.PathUnescape(m); err == nil {
				refs[s] = true
			}
		}
	}
	return refs
}

func readLines(p string) []string {
	f, err := os.Open(p)
	check(err)
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	check(sc.Err())
	return out
}

// escapePlus writes '+' as %2B, as data.pyg.org's links do.
func escapePlus(s string) string { return strings.ReplaceAll(s, "+", "%2B") }

func check(err error) {
	if err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "gen_snapshot: "+format+"\n", args...)
	os.Exit(1)
}
