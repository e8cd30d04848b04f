package github

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
)

func newClient(t *testing.T, api string, cfg fetch.Config) *Client {
	t.Helper()
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, 5*time.Millisecond
	}
	return New(fetch.New(cfg), api)
}

func TestReleasesPaginated(t *testing.T) {
	gh := fakes.GitHub(t, fakes.GitHubFixtures())
	c := newClient(t, gh.URL, fetch.Config{})
	rels, err := c.Releases(context.Background(), "Dao-AILab/flash-attention")
	if err != nil {
		t.Fatal(err)
	}
	var tags []string
	pre := map[string]bool{}
	for _, r := range rels {
		tags = append(tags, r.Tag)
		pre[r.Tag] = r.Prerelease
	}
	want := []string{"fa4-v4.0.0.beta1", "v2.8.3.post1", "v2.8.3", "v2.8.1", "v2.8.0.post2",
		"v2.7.4.post1", "v2.7.3", "v2.6.3", "v2.5.9.post1", "v2.5.8"} // v2.8.4 is a draft
	if diff := cmp.Diff(want, tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if !pre["fa4-v4.0.0.beta1"] || pre["v2.8.3"] {
		t.Errorf("prerelease flags wrong: %v", pre)
	}
	reqs := gh.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3 pages", len(reqs))
	}
	for _, r := range reqs {
		if r.Header.Get("Accept") != "application/vnd.github+json" || r.Header.Get("X-GitHub-Api-Version") != APIVersion {
			t.Errorf("request %s?%s: Accept %q, version %q", r.Path, r.Query, r.Header.Get("Accept"), r.Header.Get("X-GitHub-Api-Version"))
		}
	}
	if !strings.Contains(reqs[0].Query, "per_page=100") {
		t.Errorf("first request %q lacks per_page=100", reqs[0].Query)
	}
	if rl := c.RateLimit(); !rl.Known || rl.Remaining != 4997 {
		t.Errorf("rate limit %+v, want 4997 remaining", rl)
	}
}

func TestAssetsAsFiles(t *testing.T) {
	gh := fakes.GitHub(t, fakes.GitHubFixtures())
	c := newClient(t, gh.URL, fetch.Config{})
	files, err := c.Lister("Dao-AILab/flash-attention").Files(context.Background(), "Flash_Attn")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 128 {
		t.Errorf("%d files, want the 128 official wheels", len(files))
	}
	var got index.File
	for _, f := range files {
		if f.Filename == "flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl" {
			got = f
		}
		if f.Path == "v2.8.4" {
			t.Errorf("draft asset listed: %s", f.Filename)
		}
	}
	if got.Filename == "" {
		t.Fatal("flash_attn 2.8.3 cu12torch2.8 cp312 TRUE not listed")
	}
	if got.URL != "https://github.com/Dao-AILab/flash-attention/releases/download/v2.8.3/flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl" ||
		got.Origin != "github.com/Dao-AILab/flash-attention@v2.8.3" || got.Path != "v2.8.3" ||
		got.Size == 0 || got.UploadTime.IsZero() || len(got.Hashes["sha256"]) != 64 {
		t.Errorf("file = %+v", got)
	}
	// Assets from before mid-2025 have no digest.
	for _, f := range files {
		if f.Path == "v2.5.8" && f.Hashes != nil {
			t.Errorf("%s: hashes %v, want none", f.Filename, f.Hashes)
		}
	}
	if _, err := c.Lister("Dao-AILab/flash-attention").Files(context.Background(), "mamba-ssm"); !errors.Is(err, index.ErrNotFound) {
		t.Errorf("absent project: err = %v, want ErrNotFound", err)
	}
	if n := gh.Count(); n != 3 {
		t.Errorf("%d requests for two listings of one repository, want 3 (one listing)", n)
	}
}

func TestRepeatedFilenamesNewestFirst(t *testing.T) {
	gh := fakes.GitHub(t, fakes.GitHubFixtures())
	c := newClient(t, gh.URL, fetch.Config{})
	files, err := c.Lister("mjun0812/flash-attention-prebuild-wheels").Files(context.Background(), "flash-attn")
	if err != nil {
		t.Fatal(err)
	}
	var tags []string
	for _, f := range files {
		if f.Filename == "flash_attn-2.8.3+cu130torch2.11-cp312-cp312-linux_x86_64.whl" {
			tags = append(tags, f.Path)
		}
	}
	if diff := cmp.Diff([]string{"v0.9.47", "v0.9.4"}, tags); diff != "" {
		t.Errorf("releases of a repeated file (-want +got):\n%s", diff)
	}
	fa3, err := c.Lister("mjun0812/flash-attention-prebuild-wheels").Files(context.Background(), "flash-attn-3")
	if err != nil || len(fa3) != 46 {
		t.Errorf("flash-attn-3: %d files, %v; want 46", len(fa3), err)
	}
}

func TestRepoNotFound(t *testing.T) {
	gh := fakes.GitHub(t, fakes.GitHubFixtures())
	c := newClient(t, gh.URL, fetch.Config{})
	_, err := c.Releases(context.Background(), "nobody/nothing")
	var nf *RepoNotFoundError
	if !errors.As(err, &nf) || nf.Repo != "nobody/nothing" || !errors.Is(err, index.ErrNotFound) {
		t.Fatalf("err = %v, want RepoNotFoundError for nobody/nothing", err)
	}
	if !strings.Contains(err.Error(), `"nobody/nothing"`) {
		t.Errorf("error %q does not name the repository", err)
	}
	if _, err := c.Releases(context.Background(), "not-a-repo"); err == nil || !strings.Contains(err.Error(), "owner/name") {
		t.Errorf("bad repo: err = %v", err)
	}
}

func TestTokenScopedAndNeverInErrors(t *testing.T) {
	gh := fakes.GitHub(t, fakes.GitHubFixtures())
	const secret = "ghp_0123456789abcdefSECRET"
	c := newClient(t, gh.LocalhostURL(), fetch.Config{Tokens: []fetch.Token{
		{Host: "localhost", Value: secret},
		{Host: "127.0.0.1", Value: "hf_other_host_token"},
	}})
	if _, err := c.Releases(context.Background(), "state-spaces/mamba"); err != nil {
		t.Fatal(err)
	}
	_, err := c.Releases(context.Background(), "nobody/nothing")
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("404 error %v leaks the token or is nil", err)
	}
	gh.ExhaustRateLimit(403, time.Now().Add(12*time.Minute))
	_, err = c.Releases(context.Background(), "Dao-AILab/causal-conv1d")
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("rate-limit error %v leaks the token or is nil", err)
	}
	for _, r := range gh.Requests() {
		if got := r.Header.Get("Authorization"); got != "Bearer "+secret {
			t.Errorf("%s: Authorization %q, want the GitHub token", r.Path, got)
		}
	}
}

func TestRateLimitExhausted(t *testing.T) {
	for _, status := range []int{403, 429} {
		gh := fakes.GitHub(t, fakes.GitHubFixtures())
		reset := time.Now().Add(12*time.Minute + 20*time.Second).Truncate(time.Second)
		gh.ExhaustRateLimit(status, reset)
		c := newClient(t, gh.URL, fetch.Config{})
		c.Now = func() time.Time { return reset.Add(-12 * time.Minute) }
		_, err := c.Releases(context.Background(), "Dao-AILab/flash-attention")
		var rl *RateLimitError
		if !errors.As(err, &rl) {
			t.Fatalf("status %d: err = %v, want *RateLimitError", status, err)
		}
		want := "github rate limit exhausted; resets at " + reset.UTC().Format("15:04") + " UTC (in 12m)"
		if err.Error() != want {
			t.Errorf("status %d: error\n %q, want\n %q", status, err, want)
		}
		if gh.CountPrefix("/rate_limit") != 1 {
			t.Errorf("status %d: /rate_limit asked %d times, want 1", status, gh.CountPrefix("/rate_limit"))
		}
	}
}

func TestFaultRecovered(t *testing.T) {
	gh := fakes.GitHub(t, fakes.GitHubFixtures())
	gh.Fail(1, 500)
	fc := fetch.New(fetch.Config{RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	c := New(fc, gh.URL)
	rels, err := c.Releases(context.Background(), "Dao-AILab/causal-conv1d")
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) != 4 || fc.Stats().Retries != 1 {
		t.Errorf("%d releases, %d retries; want 4, 1", len(rels), fc.Stats().Retries)
	}
}

func TestWarmCacheOffline(t *testing.T) {
	gh := fakes.GitHub(t, fakes.GitHubFixtures())
	dir := t.TempDir()
	online := newClient(t, gh.URL, fetch.Config{CacheDir: dir})
	want, err := online.Assets(context.Background(), "Dao-AILab/flash-attention")
	if err != nil {
		t.Fatal(err)
	}
	n := gh.Count()
	offline := newClient(t, gh.URL, fetch.Config{CacheDir: dir, Offline: true})
	got, err := offline.Assets(context.Background(), "Dao-AILab/flash-attention")
	if err != nil {
		t.Fatal(err)
	}
	if gh.Count() != n {
		t.Errorf("offline listing made %d requests", gh.Count()-n)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("offline listing differs (-online +offline):\n%s", diff)
	}
	// Revalidation online: every page answers 304 and costs no rate limit.
	again := newClient(t, gh.URL, fetch.Config{CacheDir: dir})
	if _, err := again.Assets(context.Background(), "Dao-AILab/flash-attention"); err != nil {
		t.Fatal(err)
	}
	for _, r := range gh.Requests()[n:] {
		if r.Status != 304 {
			t.Errorf("revalidation of %s?%s: %d, want 304", r.Path, r.Query, r.Status)
		}
	}
	_, err = offline.Assets(context.Background(), "state-spaces/mamba")
	if !errors.Is(err, fetch.ErrOffline) {
		t.Errorf("cold offline: err = %v, want ErrOffline", err)
	}
}

func TestRateLimitErrorText(t *testing.T) {
	now := time.Date(2026, 11, 25, 14, 52, 0, 0, time.UTC)
	for _, c := range []struct {
		reset time.Time
		want  string
	}{
		{now.Add(12 * time.Minute), "github rate limit exhausted; resets at 15:04 UTC (in 12m)"},
		{now.Add(65*time.Minute + 10*time.Second), "github rate limit exhausted; resets at 15:57 UTC (in 1h5m)"},
		{now.Add(40 * time.Second), "github rate limit exhausted; resets at 14:52 UTC (in 40s)"},
		{time.Time{}, "github rate limit exhausted"},
	} {
		if got := (&RateLimitError{Reset: c.reset, Now: now}).Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}
