package wheelfind

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zgpu/zgpu/index"
)

const blackwell = "datasets/multimodalart/zerogpu-blackwell-wheels"

// hubFiles lists "cell/filename" entries as a Hub lister of repo does.
func hubFiles(repo string, entries ...string) static {
	var out static
	for _, e := range entries {
		cell, name, _ := strings.Cut(e, "/")
		path := "wheels/" + cell + "/" + name
		out = append(out, index.File{Filename: name, URL: "https://hf.test/" + repo + "/resolve/main/" + path,
			Origin: "hf.co/" + repo, Path: path})
	}
	return out
}

// onTorch211 is ZeroGPU's default runtime: Python 3.10, torch 2.11 (CUDA 13.0).
var onTorch211 = Query{
	Python:             [2]int{3, 10},
	Platform:           zeroGPU.Platform,
	Torch:              [2]int{2, 11},
	CUDA:               [2]int{13, 0},
	GPUArch:            "sm120",
	TorchMinorTolerant: []string{blackwell},
}

func TestTorchMinorTolerance(t *testing.T) {
	dataset := hubFiles(blackwell,
		"pt28-cu128-cp310/flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl",
		"pt210-cu128-cp310/flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl",
		"pt211-cu130-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl",
		"pt212-cu130-cp310/flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl",
		"pt212-cu130-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl",
		"pt212-cu130-cp312/xformers-0.0.34+3da0fc92.d20260528-cp39-abi3-linux_x86_64.whl",
		"pt212-cu130-cp310/flash_attn-2.8.3+cu13torch2.12cxx11abiTRUE-cp310-cp310-linux_x86_64.whl",
	)
	mjun := files(
		"flash_attn-2.8.3+cu130torch2.11-cp310-cp310-linux_x86_64.whl",
		"flash_attn-2.8.3+cu130torch2.11-cp312-cp312-linux_x86_64.whl",
	)
	other := hubFiles("datasets/someone/cells", "pt212-cu130-cp310/flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl")
	py312 := onTorch211
	py312.Python = [2]int{3, 12}
	torch29 := onTorch211
	torch29.Torch, torch29.CUDA = [2]int{2, 9}, [2]int{12, 8}
	torch210 := onTorch211
	torch210.Torch, torch210.CUDA = [2]int{2, 10}, [2]int{12, 8}
	strict := onTorch211
	strict.TorchMinorTolerant = nil

	tests := []struct {
		name    string
		pkg     string
		q       Query
		sources []Source
		found   []string // "source path-or-file"
		reason  string   // a reason some reject must give; "" for none
	}{
		{"cp310 on torch 2.11: the pt212 cell, before a third-party wheel", "flash-attn", onTorch211,
			[]Source{{Name: "hub", Lister: dataset}, {Name: "mjun", Lister: mjun}},
			[]string{"hub wheels/pt212-cu130-cp310/flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl",
				"mjun flash_attn-2.8.3+cu130torch2.11-cp310-cp310-linux_x86_64.whl"},
			"built for torch 2.12, target has torch 2.11"}, // the filename names torch 2.12
		{"cp312 on torch 2.11: the exact pt211 cell first, then pt212", "flash-attn", py312,
			[]Source{{Name: "hub", Lister: dataset}, {Name: "mjun", Lister: mjun}},
			[]string{"hub wheels/pt211-cu130-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl",
				"hub wheels/pt212-cu130-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl",
				"mjun flash_attn-2.8.3+cu130torch2.11-cp312-cp312-linux_x86_64.whl"},
			""},
		{"a label without torch is tolerated too", "xformers", py312,
			[]Source{{Name: "hub", Lister: dataset}},
			[]string{"hub wheels/pt212-cu130-cp312/xformers-0.0.34+3da0fc92.d20260528-cp39-abi3-linux_x86_64.whl"}, ""},
		{"an older cell never fits a newer torch", "flash-attn", torch29,
			[]Source{{Name: "hub", Lister: dataset}},
			[]string{"hub wheels/pt210-cu128-cp310/flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl"},
			"built for torch 2.8, target has torch 2.9"},
		{"one minor only", "flash-attn", torch210,
			[]Source{{Name: "hub", Lister: dataset}},
			[]string{"hub wheels/pt210-cu128-cp310/flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl"},
			"built for torch 2.12, target has torch 2.10"},
		{"not a tolerant repository", "flash-attn", onTorch211,
			[]Source{{Name: "other", Lister: other}},
			nil, "built for torch 2.12, target has torch 2.11"},
		{"one merged source (the catalog snapshot): cells first", "flash-attn", py312,
			[]Source{{Name: "snapshot", Lister: append(append(static{}, mjun...), dataset...)}},
			[]string{"snapshot wheels/pt211-cu130-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl",
				"snapshot wheels/pt212-cu130-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl",
				"snapshot flash_attn-2.8.3+cu130torch2.11-cp312-cp312-linux_x86_64.whl"},
			""},
		{"no tolerance asked", "flash-attn", strict,
			[]Source{{Name: "hub", Lister: dataset}, {Name: "mjun", Lister: mjun}},
			[]string{"mjun flash_attn-2.8.3+cu130torch2.11-cp310-cp310-linux_x86_64.whl"},
			"built for torch 2.12, target has torch 2.11"},
	}
	for _, tt := range tests {
		res, err := Find(context.Background(), tt.pkg, tt.q, tt.sources)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var got []string
		for _, f := range res.Found {
			where := f.File.Path
			if where == "" {
				where = f.File.Filename
			}
			got = append(got, f.Source+" "+where)
		}
		if diff := cmp.Diff(tt.found, got); diff != "" {
			t.Errorf("%s: found (-want +got):\n%s", tt.name, diff)
		}
		if tt.reason != "" {
			var all []string
			for _, r := range res.Rejected {
				all = append(all, r.Reasons...)
			}
			if !strings.Contains(strings.Join(all, "\n"), tt.reason) {
				t.Errorf("%s: no reject says %q; reasons %q", tt.name, tt.reason, all)
			}
		}
	}
}

// TestTolerantNeeds checks what a tolerant wheel says of itself, and that
// Suggest keeps the tolerance under another Python.
func TestTolerantNeeds(t *testing.T) {
	dataset := hubFiles(blackwell,
		"pt211-cu130-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl",
		"pt212-cu130-cp310/flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl",
		"pt212-cu130-cp311/flash_attn-2.8.3-cp311-cp311-linux_x86_64.whl",
	)
	res, err := Find(context.Background(), "flash-attn", onTorch211, []Source{{Name: "hub", Lister: dataset}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Found) != 1 {
		t.Fatalf("found %d, want the pt212 cp310 cell", len(res.Found))
	}
	want := "CUDA 13.0, torch 2.12 (dataset cell pt212; the dataset is torch-minor tolerant: runs on torch 2.11)"
	if got := res.Found[0].Needs.String(); got != want {
		t.Errorf("Needs = %q, want %q", got, want)
	}
	// Python 3.9: nothing fits; Python 3.11 would (pt212, tolerant), and so
	// would 3.12 (pt211, exact).
	q := onTorch211
	q.Python = [2]int{3, 9}
	res, _ = Find(context.Background(), "flash-attn", q, []Source{{Name: "hub", Lister: dataset}})
	if len(res.Found) != 0 {
		t.Fatalf("cp39: found %d", len(res.Found))
	}
	var got []string
	for _, s := range Suggest(res, PythonAlternatives(q, [][2]int{{3, 11}, {3, 12}})) {
		got = append(got, s.Change+" -> "+s.Found.File.Path+" ("+s.Found.Needs.String()+")")
	}
	wantSugg := []string{
		"set python_version: 3.11 -> wheels/pt212-cu130-cp311/flash_attn-2.8.3-cp311-cp311-linux_x86_64.whl (" + want + ")",
		"set python_version: 3.12 -> wheels/pt211-cu130-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl (CUDA 13.0, torch 2.11)",
	}
	if diff := cmp.Diff(wantSugg, got); diff != "" {
		t.Errorf("suggestions (-want +got):\n%s", diff)
	}
}
