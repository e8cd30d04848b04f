package zerogpu

import (
	"context"
	"fmt"
	"path"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/catalog"
)

// offlineQuery is the query Plan makes for pkg on ZeroGPU with Python
// 3.py and the allowed torch t, CUDA and ABI from the family matrix.
func offlineQuery(t *testing.T, c *catalog.Catalog, pkg string, py int, torch string) WheelQuery {
	t.Helper()
	for _, v := range c.AllowedTorch() {
		if v.String() != torch {
			continue
		}
		row, ok := c.FamilyOf(v)
		if !ok {
			t.Fatalf("no family row for torch %s", torch)
		}
		maj, min := v.MajorMinor()
		cmaj, cmin := row.CUDA()
		return WheelQuery{Package: pkg, Python: [2]int{3, py}, Torch: [2]int{maj, min}, TorchVersion: torch,
			CUDA: [2]int{cmaj, cmin}, ABI: row.ABI(), GPUArch: c.Platform.GPUArch}
	}
	t.Fatalf("torch %s is not allowed", torch)
	return WheelQuery{}
}

// TestOfflineSnapshot is `zgpu deps resolve --offline` on a fresh machine:
// only the catalog snapshot answers. For every CUDA package of the registry
// and every target (cp310/cp312, every allowed torch), the wheel chosen is
// the one in want, or none; where nearest has the pair, the failure names
// what the snapshot knows.
func TestOfflineSnapshot(t *testing.T) {
	c := catalog.Default()
	f := &SourceFinder{Catalog: c}
	const bw = "hf.co/datasets/multimodalart/zerogpu-blackwell-wheels"
	// "pkg cpXY torch" -> the chosen wheel: its Hub cell, or its filename.
	want := map[string]string{
		"flash-attn cp310 2.8.0":  "pt28-cu128-cp310",
		"flash-attn cp310 2.9.1":  "pt291-cu128-cp310",
		"flash-attn cp310 2.10.0": "pt210-cu128-cp310",
		"flash-attn cp310 2.11.0": "pt212-cu130-cp310", // torch-minor tolerant
		"flash-attn cp312 2.8.0":  "pt28-cu128-cp312",
		"flash-attn cp312 2.9.1":  "flash_attn-2.8.3+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
		"flash-attn cp312 2.10.0": "flash_attn-2.8.1+cu12torch2.10cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
		"flash-attn cp312 2.11.0": "pt211-cu130-cp312", // the exact cell before pt212
		"flash-attn cp310 2.12.1": "pt212-cu130-cp310",
		"flash-attn cp312 2.12.1": "pt212-cu130-cp312",
		// No pt213 cell: the mjun0812 wheel built for 2.13 (v0.9.47).
		"flash-attn cp310 2.13.0":   "flash_attn-2.8.3+cu130torch2.13-cp310-cp310-linux_x86_64.whl",
		"flash-attn cp312 2.13.0":   "flash_attn-2.8.3+cu130torch2.13-cp312-cp312-linux_x86_64.whl",
		"causal-conv1d cp312 2.9.1": "causal_conv1d-1.6.2.post1+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
		// Built for torch 2.10: loads on 2.11 and 2.12 (extension ABI), not 2.13.
		"causal-conv1d cp312 2.11.0": "causal_conv1d-1.7.0+cu13torch2.10cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
		"causal-conv1d cp312 2.12.1": "causal_conv1d-1.7.0+cu13torch2.10cxx11abiTRUE-cp312-cp312-linux_x86_64.whl",
		"mamba-ssm cp310 2.11.0":     "mamba_ssm-2.3.2.post1+cu13torch2.10cxx11abiTRUE-cp310-cp310-linux_x86_64.whl",
		"mamba-ssm cp310 2.12.1":     "mamba_ssm-2.3.2.post1+cu13torch2.10cxx11abiTRUE-cp310-cp310-linux_x86_64.whl",
		"nvdiffrast cp312 2.11.0":    "nvdiffrast-0.4.0+torch2.11.0.cu130-cp312-cp312-linux_x86_64.whl",
		"nvdiffrast cp312 2.12.1":    "nvdiffrast-0.4.0+torch2.11.0.cu130-cp312-cp312-linux_x86_64.whl",
	}
	// What a failure must name among its nearest wheels (has), and must not
	// (hasNot).
	nearest := map[string]struct{ has, hasNot string }{
		"torch-scatter cp310 2.8.0": {has: "torch_scatter-2.1.2+pt28cu126-cp310-cp310-linux_x86_64.whl: built with CUDA 12.6, which cannot compile for sm120"},
		"mamba-ssm cp312 2.8.0":     {has: "mamba_ssm-", hasNot: "catalog snapshot"},
		"causal-conv1d cp312 2.8.0": {has: "causal_conv1d-1.6.2.post1+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl: fits after: pin torch==2.9.1"},
		// Nothing known: say that the sources were not searched, rather
		// than only "build a wheel".
		"pytorch3d cp310 2.11.0":  {has: "catalog snapshot " + c.Meta.Date + ": knows no pytorch3d wheel; its sources were not searched (offline, or unreachable): hub:datasets/multimodalart/zerogpu-blackwell-wheels, find-links:https://dl.fbaipublicfiles.com/pytorch3d/packaging/wheels/"},
		"torchmcubes cp312 2.8.0": {has: "knows no torchmcubes wheel; its sources were not searched (offline, or unreachable): hub:datasets/multimodalart/zerogpu-blackwell-wheels"},
		// The snapshot knows one, for torch 2.6.
		"torch-sparse cp310 2.9.1": {has: "torch_sparse-0.6.18+pt26cu124-cp310-cp310-linux_x86_64.whl: built for torch 2.6", hasNot: "knows no"},
		// No source in the catalog: nothing was left unsearched.
		"simple-knn cp310 2.11.0": {hasNot: "catalog snapshot"},
		// The extension ABI break: the torch 2.10 wheel does not load on 2.13.
		"mamba-ssm cp310 2.13.0": {has: "mamba_ssm-2.3.2.post1+cu13torch2.10cxx11abiTRUE-cp310-cp310-linux_x86_64.whl: built for torch 2.10, target has torch 2.13"},
	}
	var pkgs []string
	for _, p := range c.Packages {
		if p.Kind == "extension" || p.Kind == "jit" {
			pkgs = append(pkgs, p.Name)
		}
	}
	seen := map[string]bool{}
	for _, pkg := range pkgs {
		for _, py := range []int{10, 12} {
			for _, torch := range c.Torch.Allowed {
				key := fmt.Sprintf("%s cp3%d %s", pkg, py, torch)
				m, misses, err := f.FindWheel(context.Background(), offlineQuery(t, c, pkg, py, torch))
				if err != nil {
					t.Fatalf("%s: %v", key, err)
				}
				got := ""
				if m != nil {
					seen[key] = true
					got = m.Filename
					if strings.HasPrefix(m.Source, bw) {
						got = path.Base(path.Dir(m.URL))
					}
					if !m.Snapshot {
						t.Errorf("%s: a snapshot wheel not marked Snapshot", key)
					}
				}
				if got != want[key] {
					t.Errorf("%s: chose %q, want %q", key, got, want[key])
				}
				if w, ok := nearest[key]; ok {
					var all []string
					for _, n := range misses {
						all = append(all, n.Filename+": "+strings.Join(n.Reasons, "; "))
					}
					text := strings.Join(all, "\n")
					if w.has != "" && !strings.Contains(text, w.has) {
						t.Errorf("%s: nearest %q, want one with %q", key, all, w.has)
					}
					if w.hasNot != "" && strings.Contains(text, w.hasNot) {
						t.Errorf("%s: nearest %q, want none with %q", key, all, w.hasNot)
					}
				}
			}
		}
	}
	for key := range want {
		if !seen[key] {
			t.Errorf("%s: not searched (not in the registry?)", key)
		}
	}
}

// TestOfflineTolerantDescription checks what deps resolve says of a wheel
// chosen through the Blackwell dataset's torch-minor tolerance.
func TestOfflineTolerantDescription(t *testing.T) {
	c := catalog.Default()
	m, _, err := (&SourceFinder{Catalog: c}).FindWheel(context.Background(), offlineQuery(t, c, "flash-attn", 10, "2.11.0"))
	if err != nil || m == nil {
		t.Fatalf("flash-attn cp310 torch 2.11: %v, %v", m, err)
	}
	wantURL := "https://huggingface.co/datasets/multimodalart/zerogpu-blackwell-wheels/resolve/main/wheels/pt212-cu130-cp310/flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl"
	if diff := cmp.Diff(wantURL, m.URL); diff != "" {
		t.Errorf("URL (-want +got):\n%s", diff)
	}
	want := "prebuilt wheel flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl (CUDA 13.0, torch 2.12 (dataset cell pt212; the dataset is torch-minor tolerant: runs on torch 2.11)) from hf.co/datasets/multimodalart/zerogpu-blackwell-wheels (catalog snapshot " + c.Meta.Date + ", inferred: verify online)"
	if got := describe(m); got != want {
		t.Errorf("describe =\n%s\nwant\n%s", got, want)
	}
	// A catalog that does not record the tolerance keeps the cells exact:
	// the third-party wheel built for torch 2.11 is all that fits.
	strict := *c
	strict.Blackwell.TorchMinorTolerant = false
	m, _, err = (&SourceFinder{Catalog: &strict}).FindWheel(context.Background(), offlineQuery(t, &strict, "flash-attn", 10, "2.11.0"))
	if err != nil || m == nil || m.Filename != "flash_attn-2.8.3+cu130torch2.11-cp310-cp310-linux_x86_64.whl" {
		t.Errorf("torch_minor_tolerant = false: chose %+v, err %v; want the mjun0812 wheel", m, err)
	}
}

// TestSourceFailure: pages of one folder failing the same way are one
// failure; another folder or host, or another error, is another.
func TestSourceFailure(t *testing.T) {
	dial := ": dial tcp: lookup data.pyg.org: no such host (1 attempt)"
	a := "find-links:https://data.pyg.org/whl/torch-2.8.0+cu128.html: GET https://data.pyg.org/whl/torch-2.8.0+cu128.html" + dial
	b := "find-links:https://data.pyg.org/whl/torch-2.9.1+cu128.html: GET https://data.pyg.org/whl/torch-2.9.1+cu128.html" + dial
	c := "find-links:https://data.pyg.org/whl/torch-2.9.1+cu128.html: GET https://data.pyg.org/whl/torch-2.9.1+cu128.html: 404 Not Found"
	d := "index:https://miropsota.github.io/torch_packages_builder: GET https://miropsota.github.io/torch_packages_builder/nvdiffrast/: 404 Not Found"
	e := "hub:datasets/o/wheels: GET https://huggingface.co/api/datasets/o/wheels/tree/main: 401 Unauthorized"
	f := "find-links:https://data.pyg.org/other/torch-2.9.1+cu128.html: GET https://data.pyg.org/other/torch-2.9.1+cu128.html" + dial
	if sourceFailure(a) == sourceFailure(f) {
		t.Errorf("pages of two folders are one failure: %q", sourceFailure(a))
	}
	if sourceFailure(a) != sourceFailure(b) {
		t.Errorf("two pages of one folder failing alike: %q != %q", sourceFailure(a), sourceFailure(b))
	}
	for _, other := range []string{c, d, e} {
		if sourceFailure(a) == sourceFailure(other) {
			t.Errorf("%q and %q are one failure", a, other)
		}
	}
	if got := sourceFailure(e); got != "hub:datasets/o/wheels" {
		t.Errorf("hub source key %q", got)
	}
}
