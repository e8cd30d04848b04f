package fakes

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type treeItem struct {
	Type string `json:"type"`
	Path string `json:"path"`
	LFS  *struct {
		OID string `json:"oid"`
	} `json:"lfs"`
}

func listTree(t *testing.T, url string) ([]treeItem, int) {
	t.Helper()
	var all []treeItem
	pages := 0
	for url != "" {
		resp, body := get(t, url, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
		}
		var items []treeItem
		if err := json.Unmarshal(body, &items); err != nil {
			t.Fatal(err)
		}
		all = append(all, items...)
		url = nextLink(t, resp)
		pages++
	}
	return all, pages
}

func TestHubTreeBlackwell(t *testing.T) {
	s := Hub(t, HubFixtures())
	items, pages := listTree(t, s.URL+"/api/datasets/multimodalart/zerogpu-blackwell-wheels/tree/main/wheels?recursive=true")
	var wheels []string
	cells := map[string]bool{}
	for _, it := range items {
		if it.Type == "directory" {
			cells[it.Path] = true
			continue
		}
		if it.LFS == nil || len(it.LFS.OID) != 64 {
			t.Errorf("%s: no sha256 lfs oid", it.Path)
		}
		wheels = append(wheels, it.Path)
	}
	if len(cells) != 12 || len(wheels) != 12*7 {
		t.Errorf("got %d cells, %d wheels; want 12, 84", len(cells), len(wheels))
	}
	if pages < 3 {
		t.Errorf("%d pages; want the 30-entry pages to split the listing", pages)
	}
	want := "wheels/pt28-cu128-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl"
	found := false
	for _, w := range wheels {
		found = found || w == want
	}
	if !found {
		t.Errorf("%s not listed", want)
	}
	top, _ := listTree(t, s.URL+"/api/datasets/multimodalart/zerogpu-blackwell-wheels/tree/main")
	var names []string
	for _, it := range top {
		names = append(names, it.Path)
	}
	if diff := cmp.Diff([]string{".gitattributes", "README.md", "wheels"}, names); diff != "" {
		t.Errorf("non-recursive root (-want +got):\n%s", diff)
	}
}

func TestHubRevisionEscaping(t *testing.T) {
	s := Hub(t, HubFixtures())
	items, _ := listTree(t, s.URL+"/api/datasets/multimodalart/zerogpu-blackwell-wheels/tree/refs%2Fpr%2F1/wheels/pt213-cu130-cp312?recursive=true")
	if len(items) != 7 {
		t.Errorf("refs/pr/1 cell: %d items, want 7", len(items))
	}
	resp, _ := get(t, s.URL+"/api/datasets/multimodalart/zerogpu-blackwell-wheels/tree/refs/pr/1", nil)
	if resp.StatusCode != 404 || resp.Header.Get("X-Error-Code") != "RevisionNotFound" {
		t.Errorf("unescaped revision: %d %s, want 404 RevisionNotFound", resp.StatusCode, resp.Header.Get("X-Error-Code"))
	}
}

func TestHubErrors(t *testing.T) {
	s := Hub(t, HubFixtures())
	for _, c := range []struct {
		path, code string
		status     int
	}{
		{"/api/datasets/nobody/nothing/tree/main", "RepoNotFound", 404},
		{"/api/kernels/kernels-community/flash-attn2/tree/v9", "RevisionNotFound", 404},
		{"/api/kernels/kernels-community/flash-attn2/tree/v1/nope", "EntryNotFound", 404},
	} {
		resp, _ := get(t, s.URL+c.path, nil)
		if resp.StatusCode != c.status || resp.Header.Get("X-Error-Code") != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.path, resp.StatusCode, resp.Header.Get("X-Error-Code"), c.status, c.code)
		}
	}
	s.SetPrivate("datasets/multimodalart/zerogpu-blackwell-wheels", "hf_x")
	if resp, _ := get(t, s.URL+"/api/datasets/multimodalart/zerogpu-blackwell-wheels/tree/main", nil); resp.StatusCode != 401 {
		t.Errorf("private without token: %d, want 401", resp.StatusCode)
	}
	if resp, _ := get(t, s.URL+"/api/datasets/multimodalart/zerogpu-blackwell-wheels/tree/main", map[string]string{"Authorization": "Bearer hf_x"}); resp.StatusCode != 200 {
		t.Errorf("private with token: %d, want 200", resp.StatusCode)
	}
	resp, body := get(t, s.URL+"/datasets/multimodalart/zerogpu-blackwell-wheels/resolve/main/wheels/pt28-cu128-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl", map[string]string{"Authorization": "Bearer hf_x"})
	if resp.StatusCode != 200 || !strings.Contains(string(body), "flash_attn-2.8.3") {
		t.Errorf("resolve: %d %s", resp.StatusCode, body)
	}
	s.ExhaustRateLimit(120)
	resp, _ = get(t, s.URL+"/api/kernels/kernels-community/flash-attn2/tree/v1", nil)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "120" || !strings.Contains(resp.Header.Get("RateLimit"), "r=0") {
		t.Errorf("exhausted: %d %v", resp.StatusCode, resp.Header)
	}
}

func TestHubKernelVariants(t *testing.T) {
	s := Hub(t, HubFixtures())
	items, _ := listTree(t, s.URL+"/api/kernels/kernels-community/flash-attn2/tree/v1/build")
	var dirs []string
	for _, it := range items {
		if it.Type != "directory" || !strings.HasPrefix(it.Path, "build/") {
			t.Errorf("unexpected %s %s", it.Type, it.Path)
		}
		dirs = append(dirs, it.Path)
	}
	if len(dirs) != 23 || dirs[0] != "build/torch210-cxx11-cu126-x86_64-linux" {
		t.Errorf("variants: %d, first %q", len(dirs), dirs[0])
	}
}
