package main

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// hubEntry is one item of GET /api/{type}s/{repo}/tree/{revision}.
type hubEntry struct {
	Type string  `json:"type"`
	OID  string  `json:"oid"`
	Size int64   `json:"size"`
	Path string  `json:"path"`
	LFS  *hubLFS `json:"lfs,omitempty"`
}

type hubLFS struct {
	OID         string `json:"oid"`
	Size        int64  `json:"size"`
	PointerSize int    `json:"pointerSize"`
}

// blackwellCells are the cells zerogpu-rules.md lists for
// datasets/multimodalart/zerogpu-blackwell-wheels.
var blackwellCells = []string{
	"pt28-cu128-cp310", "pt28-cu128-cp311", "pt28-cu128-cp312",
	"pt291-cu128-cp310",
	"pt210-cu128-cp310", "pt210-cu130-cp312",
	"pt211-cu130-cp312", "pt211-cu130-cp313",
	"pt212-cu130-cp310", "pt212-cu130-cp311", "pt212-cu130-cp312", "pt212-cu130-cp313",
}

// kernelVariants are build variants of kernels-community/flash-attn2, from
// domain-facts.md §4.2.
var kernelVariants = []string{
	"torch26-cxx98-cu118-x86_64-linux",
	"torch27-cxx11-cu118-x86_64-linux", "torch27-cxx11-cu126-x86_64-linux", "torch27-cxx11-cu128-x86_64-linux",
	"torch28-cxx11-cu126-x86_64-linux", "torch28-cxx11-cu128-x86_64-linux", "torch28-cxx11-cu129-x86_64-linux",
	"torch29-cxx11-cu126-x86_64-linux", "torch29-cxx11-cu128-x86_64-linux", "torch29-cxx11-cu130-x86_64-linux",
	"torch210-cxx11-cu126-x86_64-linux", "torch210-cxx11-cu128-x86_64-linux", "torch210-cxx11-cu130-x86_64-linux",
	"torch212-cxx11-cu126-x86_64-linux", "torch212-cxx11-cu130-x86_64-linux", "torch212-cxx11-cu132-x86_64-linux",
	"torch212-cxx11-cu126-aarch64-linux", "torch212-cxx11-cu130-aarch64-linux", "torch212-cxx11-cu132-aarch64-linux",
	"torch213-cxx11-cu126-x86_64-linux", "torch213-cxx11-cu130-x86_64-linux", "torch213-cxx11-cu132-x86_64-linux",
	"torch212-metal-aarch64-darwin",
}

// blackwellFiles returns the wheels of one cell: every cell ships the same
// packages (zerogpu-rules.md). The real list has the flash_attn 2.8.3 cp310
// name and one xformers name; the others follow the same pattern.
func blackwellFiles(names []string, cell string) []string {
	py := cell[strings.LastIndex(cell, "-")+1:] // cp312
	xf := fmt.Sprintf("xformers-0.0.34+%08x.d20260528-cp39-abi3-linux_x86_64.whl", uint32(num(cell)))
	if cell == "pt212-cu130-cp312" {
		xf = "xformers-0.0.34+3da0fc92.d20260528-cp39-abi3-linux_x86_64.whl" // the real one
	}
	return []string{
		fmt.Sprintf("flash_attn-2.8.3-%s-%s-linux_x86_64.whl", py, py),
		fmt.Sprintf("flash_attn-2.7.4.post1-%s-%s-linux_x86_64.whl", py, py),
		xf,
		fmt.Sprintf("pytorch3d-0.7.9-%s-%s-linux_x86_64.whl", py, py),
		fmt.Sprintf("nvdiffrast-0.4.0-%s-%s-linux_x86_64.whl", py, py),
		fmt.Sprintf("diff_gaussian_rasterization-0.0.0-%s-%s-linux_x86_64.whl", py, py),
		fmt.Sprintf("torchmcubes-0.1.0-%s-%s-linux_x86_64.whl", py, py),
	}
}

type tree struct {
	repo    string
	entries map[string]hubEntry
}

func (t *tree) file(path string, lfs bool) {
	for d := path; strings.Contains(d, "/"); {
		d = d[:strings.LastIndex(d, "/")]
		t.entries[d] = hubEntry{Type: "directory", OID: sha1hex(t.repo + ":" + d), Path: d}
	}
	n := num(t.repo + ":" + path)
	e := hubEntry{Type: "file", OID: sha1hex(t.repo + "/" + path), Path: path}
	if lfs {
		size := int64(20_000_000 + n%300_000_000)
		e.Size = size
		e.LFS = &hubLFS{OID: sha256hex(t.repo + "/" + path), Size: size, PointerSize: 134}
	} else {
		e.Size = int64(200 + n%4000)
	}
	t.entries[path] = e
}

// sorted returns the entries in the order the Hub lists a recursive tree:
// by path.
func (t *tree) sorted() []hubEntry {
	var out []hubEntry
	for _, e := range t.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// hubRepos returns the fixture trees keyed by "{type}s/{owner}/{name}/{revision, escaped}".
func hubRepos(names []string) map[string][]hubEntry {
	out := map[string][]hubEntry{}
	key := func(typ, repo, rev string) string { return typ + "/" + repo + "/" + url.PathEscape(rev) }

	bw := &tree{repo: "datasets/multimodalart/zerogpu-blackwell-wheels", entries: map[string]hubEntry{}}
	bw.file(".gitattributes", false)
	bw.file("README.md", false)
	for _, cell := range blackwellCells {
		for _, f := range blackwellFiles(names, cell) {
			bw.file("wheels/"+cell+"/"+f, true)
		}
	}
	out[key("datasets", "multimodalart/zerogpu-blackwell-wheels", "main")] = bw.sorted()

	// An open pull request adding a cell: a revision with a slash.
	pr := &tree{repo: bw.repo, entries: map[string]hubEntry{}}
	for k, v := range bw.entries {
		pr.entries[k] = v
	}
	for _, f := range blackwellFiles(names, "pt213-cu130-cp312") {
		pr.file("wheels/pt213-cu130-cp312/"+f, true)
	}
	out[key("datasets", "multimodalart/zerogpu-blackwell-wheels", "refs/pr/1")] = pr.sorted()

	for _, rev := range []string{"v1", "main"} {
		k := &tree{repo: "kernels/kernels-community/flash-attn2", entries: map[string]hubEntry{}}
		k.file(".gitattributes", false)
		k.file("README.md", false)
		k.file("build.toml", false)
		for _, v := range kernelVariants {
			k.file("build/"+v+"/flash_attn2/__init__.py", false)
			k.file("build/"+v+"/flash_attn2/_ops.py", false)
			k.file(fmt.Sprintf("build/%s/flash_attn2/_flash_attn2_%07x.abi3.so", v, uint32(num(v))&0xfffffff), true)
			k.file("build/"+v+"/metadata.json", false)
		}
		out[key("kernels", "kernels-community/flash-attn2", rev)] = k.sorted()
	}
	return out
}
