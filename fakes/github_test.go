package fakes

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/internal/testonly/shared"
)

func get(t *testing.T, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// nextLink returns the rel="next" URL of resp's Link header, or "".
func nextLink(t *testing.T, resp *http.Response) string {
	t.Helper()
	next, err := fetch.NextLink(resp.Header.Get("Link"), resp.Request.URL.String())
	if err != nil {
		t.Fatal(err)
	}
	return next
}

func TestGitHubPagination(t *testing.T) {
	s := GitHub(t, GitHubFixtures())
	var tags []string
	url := s.URL + "/repos/Dao-AILab/flash-attention/releases?per_page=100"
	pages := 0
	for url != "" {
		resp, body := get(t, url, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
		}
		var rels []struct {
			Tag string `json:"tag_name"`
		}
		if err := json.Unmarshal(body, &rels); err != nil {
			t.Fatal(err)
		}
		if len(rels) > 5 {
			t.Errorf("page of %d releases, want at most 5", len(rels))
		}
		for _, r := range rels {
			tags = append(tags, r.Tag)
		}
		url = nextLink(t, resp)
		pages++
	}
	want := []string{"v2.8.4", "fa4-v4.0.0.beta1", "v2.8.3.post1", "v2.8.3", "v2.8.1", "v2.8.0.post2",
		"v2.7.4.post1", "v2.7.3", "v2.6.3", "v2.5.9.post1", "v2.5.8"}
	if diff := cmp.Diff(want, tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if pages != 3 || s.Count() != 3 {
		t.Errorf("pages = %d, requests = %d; want 3, 3", pages, s.Count())
	}
}

func TestGitHubETagAndRateLimit(t *testing.T) {
	s := GitHub(t, GitHubFixtures())
	s.SetRateLimit(2, time.Now().Add(10*time.Minute))
	url := s.URL + "/repos/state-spaces/mamba/releases"
	resp, _ := get(t, url, map[string]string{"Authorization": "Bearer ghp_secret"})
	if resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Remaining") != "1" {
		t.Fatalf("first: %d remaining %q", resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining"))
	}
	etag := resp.Header.Get("ETag")
	resp, _ = get(t, url, map[string]string{"If-None-Match": etag})
	if resp.StatusCode != 304 || resp.Header.Get("X-RateLimit-Remaining") != "1" {
		t.Fatalf("conditional: %d remaining %q; want 304, 1", resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining"))
	}
	get(t, url, nil)
	resp, body := get(t, url, nil)
	if resp.StatusCode != 403 || !strings.Contains(string(body), "rate limit exceeded") {
		t.Fatalf("exhausted: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, s.URL+"/rate_limit", nil)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"remaining":0`) {
		t.Errorf("/rate_limit: %d %s", resp.StatusCode, body)
	}
	if got := s.Requests()[0].Header.Get("Authorization"); got != "Bearer ghp_secret" {
		t.Errorf("logged Authorization = %q", got)
	}
	s.ExhaustRateLimit(429, time.Now().Add(time.Minute))
	if resp, _ := get(t, url, nil); resp.StatusCode != 429 {
		t.Errorf("ExhaustRateLimit(429): got %d", resp.StatusCode)
	}
}

func TestGitHubNotFoundAndFaults(t *testing.T) {
	s := GitHub(t, GitHubFixtures())
	if resp, _ := get(t, s.URL+"/repos/nobody/nothing/releases", nil); resp.StatusCode != 404 {
		t.Errorf("unknown repo: %d, want 404", resp.StatusCode)
	}
	s.Fail(2, 502)
	for i, want := range []int{502, 502, 200} {
		if resp, _ := get(t, s.URL+"/repos/state-spaces/mamba/releases", nil); resp.StatusCode != want {
			t.Errorf("request %d: %d, want %d", i, resp.StatusCode, want)
		}
	}
	if n := s.CountPrefix("/repos/state-spaces/"); n != 3 {
		t.Errorf("CountPrefix = %d, want 3", n)
	}
}

func readLines(t *testing.T, path string) map[string]bool {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out[strings.TrimSpace(sc.Text())] = true
	}
	return out
}

// TestGitHubFixturesAreReal checks that every published asset of the
// fixtures is a real filename, and that every real flash-attn (official and
// mjun0812), mamba-ssm and causal-conv1d name with a local version is
// published somewhere.
func TestGitHubFixturesAreReal(t *testing.T) {
	real := readLines(t, shared.Dir(t, "domain", "real-wheel-filenames.txt"))
	published := map[string]int{}
	for _, repo := range []string{"Dao-AILab/flash-attention", "mjun0812/flash-attention-prebuild-wheels", "state-spaces/mamba", "Dao-AILab/causal-conv1d"} {
		data, err := os.ReadFile(filepath.Join(GitHubFixtures(), repo, "releases.json"))
		if err != nil {
			t.Fatal(err)
		}
		var rels []struct {
			Tag    string `json:"tag_name"`
			Draft  bool   `json:"draft"`
			Assets []struct {
				Name string `json:"name"`
				URL  string `json:"browser_download_url"`
			} `json:"assets"`
		}
		if err := json.Unmarshal(data, &rels); err != nil {
			t.Fatal(err)
		}
		for _, r := range rels {
			for _, a := range r.Assets {
				if !strings.Contains(a.URL, "/"+repo+"/releases/download/"+r.Tag+"/") {
					t.Errorf("%s: URL %s not under the release", a.Name, a.URL)
				}
				if r.Draft {
					continue
				}
				published[a.Name]++
				if !real[a.Name] {
					t.Errorf("%s@%s: %s is not in real-wheel-filenames.txt", repo, r.Tag, a.Name)
				}
			}
		}
	}
	repeated := 0
	for name := range real {
		for _, p := range []string{"flash_attn-", "flash_attn_3-", "mamba_ssm-", "causal_conv1d-"} {
			if strings.HasPrefix(name, p) && strings.Contains(name, "+") && published[name] == 0 {
				t.Errorf("%s is published in no fixture release", name)
			}
		}
		if published[name] > 1 {
			repeated++
		}
	}
	if repeated == 0 {
		t.Error("no filename is repeated across releases; the mjun0812 fixture should repeat some")
	}
}

// TestGitHubLocalDownloads: WithLocalDownloads serves asset URLs under the
// fake's own host, as an API mirror does.
func TestGitHubLocalDownloads(t *testing.T) {
	s := GitHub(t, GitHubFixtures(), WithLocalDownloads())
	_, body := get(t, s.URL+"/repos/Dao-AILab/flash-attention/releases?per_page=1", nil)
	var rels []struct {
		Assets []struct {
			URL string `json:"browser_download_url"`
		} `json:"assets"`
	}
	if err := json.Unmarshal(body, &rels); err != nil || len(rels) != 1 || len(rels[0].Assets) == 0 {
		t.Fatalf("releases %v: %s", err, body)
	}
	for _, a := range rels[0].Assets {
		if !strings.HasPrefix(a.URL, s.URL+"/Dao-AILab/flash-attention/releases/download/") {
			t.Errorf("asset URL %s, want it under %s", a.URL, s.URL)
		}
	}
}
