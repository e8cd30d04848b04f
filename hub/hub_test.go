package hub

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

var blackwell = Repo{Type: Dataset, ID: "multimodalart/zerogpu-blackwell-wheels"}

func newClient(t *testing.T, endpoint string, cfg fetch.Config) *Client {
	t.Helper()
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, 5*time.Millisecond
	}
	return New(fetch.New(cfg), endpoint)
}

func TestParseRepo(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Repo
		err  string
	}{
		{"datasets/multimodalart/zerogpu-blackwell-wheels", Repo{Dataset, "multimodalart/zerogpu-blackwell-wheels", "main"}, ""},
		{"kernels/kernels-community/flash-attn2@v1", Repo{Kernel, "kernels-community/flash-attn2", "v1"}, ""},
		{"openai/whisper-large-v3", Repo{Model, "openai/whisper-large-v3", "main"}, ""},
		{"spaces/a/b@refs/pr/1", Repo{Space, "a/b", "refs/pr/1"}, ""},
		{"buckets/a/b", Repo{}, "expected models/, datasets/, spaces/ or kernels/"},
		{"a", Repo{}, "expected a repository"},
		{"a/b@", Repo{}, "expected a revision"},
	} {
		got, err := ParseRepo(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseRepo(%q) err = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseRepo(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
}

func TestURLs(t *testing.T) {
	c := New(nil, "")
	pr := Repo{Type: Dataset, ID: "o/n", Revision: "refs/pr/1"}
	for _, tc := range []struct{ got, want string }{
		{c.TreeURL(pr, "wheels/pt28-cu128-cp312", true), "https://huggingface.co/api/datasets/o/n/tree/refs%2Fpr%2F1/wheels/pt28-cu128-cp312?recursive=true"},
		{c.TreeURL(Repo{Type: Kernel, ID: "k/f"}, "", false), "https://huggingface.co/api/kernels/k/f/tree/main"},
		{c.ResolveURL(Repo{Type: Model, ID: "o/m"}, "a b/x+y.whl"), "https://huggingface.co/o/m/resolve/main/a%20b/x%2By.whl"},
		{c.ResolveURL(pr, "wheels/xformers-0.0.34+3da0fc92.d20260528-cp39-abi3-linux_x86_64.whl"),
			"https://huggingface.co/datasets/o/n/resolve/refs%2Fpr%2F1/wheels/xformers-0.0.34%2B3da0fc92.d20260528-cp39-abi3-linux_x86_64.whl"},
		{New(nil, "http://127.0.0.1:9/").ResolveURL(Repo{Type: Kernel, ID: "k/f", Revision: "v1"}, "build/x"), "http://127.0.0.1:9/kernels/k/f/resolve/v1/build/x"},
	} {
		if tc.got != tc.want {
			t.Errorf("got  %s\nwant %s", tc.got, tc.want)
		}
	}
}

func TestBlackwellWheels(t *testing.T) {
	hf := fakes.Hub(t, fakes.HubFixtures())
	c := newClient(t, hf.URL, fetch.Config{})
	files, err := c.Lister(blackwell).Files(context.Background(), "flash-attn")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 24 {
		t.Errorf("%d flash_attn files, want 24 (2 per cell)", len(files))
	}
	var got index.File
	for _, f := range files {
		if f.Path == "wheels/pt28-cu128-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl" {
			got = f
		}
	}
	want := hf.URL + "/datasets/multimodalart/zerogpu-blackwell-wheels/resolve/main/wheels/pt28-cu128-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl"
	if got.URL != want || got.Filename != "flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl" ||
		got.Origin != "hf.co/datasets/multimodalart/zerogpu-blackwell-wheels" || len(got.Hashes["sha256"]) != 64 || got.Size == 0 {
		t.Errorf("file = %+v", got)
	}
	if n := hf.CountPrefix("/api/"); n < 3 {
		t.Errorf("%d tree pages, want the listing split over several", n)
	}
	xf, err := c.Lister(blackwell).Files(context.Background(), "xformers")
	if err != nil || len(xf) != 12 {
		t.Errorf("xformers: %d files, %v", len(xf), err)
	}
	if _, err := c.Lister(blackwell).Files(context.Background(), "mamba-ssm"); !errors.Is(err, index.ErrNotFound) {
		t.Errorf("absent project: %v", err)
	}
}

func TestRevisionWithSlash(t *testing.T) {
	hf := fakes.Hub(t, fakes.HubFixtures())
	c := newClient(t, hf.URL, fetch.Config{})
	r := blackwell
	r.Revision = "refs/pr/1"
	entries, err := c.Tree(context.Background(), r, "wheels/pt213-cu130-cp312", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 7 {
		t.Errorf("%d entries, want 7", len(entries))
	}
	if p := hf.Requests()[0].Path; !strings.Contains(p, "/tree/refs%2Fpr%2F1/") {
		t.Errorf("request path %s does not escape the revision", p)
	}
}

func TestNotFoundNamesRepo(t *testing.T) {
	hf := fakes.Hub(t, fakes.HubFixtures())
	c := newClient(t, hf.URL, fetch.Config{})
	for _, r := range []Repo{
		{Type: Dataset, ID: "nobody/nothing"},
		{Type: Kernel, ID: "kernels-community/flash-attn2", Revision: "v9"},
	} {
		_, err := c.Wheels(context.Background(), r)
		var nf *RepoNotFoundError
		if !errors.As(err, &nf) || !errors.Is(err, index.ErrNotFound) || !strings.Contains(err.Error(), r.ID) {
			t.Errorf("%s: err = %v, want a RepoNotFoundError naming it", r, err)
		}
	}
	hf.SetPrivate("datasets/multimodalart/zerogpu-blackwell-wheels", "hf_secret")
	_, err := c.Wheels(context.Background(), blackwell)
	if err == nil || !strings.Contains(err.Error(), "HF_TOKEN") {
		t.Errorf("private without token: %v", err)
	}
}

func TestTokenScopedAndNeverInErrors(t *testing.T) {
	hf := fakes.Hub(t, fakes.HubFixtures())
	const secret = "hf_abcdefSECRET"
	hf.SetPrivate("datasets/multimodalart/zerogpu-blackwell-wheels", secret)
	// Only the other host has a token: the Hub must not receive it.
	c := newClient(t, hf.URL, fetch.Config{Tokens: []fetch.Token{{Host: "localhost", Value: "ghp_other"}}})
	_, err := c.Wheels(context.Background(), blackwell)
	if !errors.Is(err, index.ErrNotFound) {
		t.Fatalf("without the Hub token: %v", err)
	}
	for _, r := range hf.Requests() {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the Hub received %q", r.Header.Get("Authorization"))
		}
	}
	c = newClient(t, hf.URL, fetch.Config{Tokens: []fetch.Token{{Host: "127.0.0.1", Value: secret}}})
	if _, err := c.Wheels(context.Background(), blackwell); err != nil {
		t.Fatalf("with the token: %v", err)
	}
	_, err = c.Wheels(context.Background(), Repo{Type: Dataset, ID: "nobody/nothing"})
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("error %v leaks the token or is nil", err)
	}
}

func TestRateLimitAndFaults(t *testing.T) {
	hf := fakes.Hub(t, fakes.HubFixtures())
	hf.Fail(2, 503)
	fc := fetch.New(fetch.Config{RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	c := New(fc, hf.URL)
	kr := Repo{Type: Kernel, ID: "kernels-community/flash-attn2", Revision: "v1"}
	vs, err := c.KernelVariants(context.Background(), kr)
	if err != nil || len(vs) != 23 || fc.Stats().Retries != 2 {
		t.Fatalf("%d variants, %v, %d retries; want 23, nil, 2", len(vs), err, fc.Stats().Retries)
	}
	hf.ExhaustRateLimit(600) // longer than fetch waits: no retry
	_, err = c.KernelVariants(context.Background(), Repo{Type: Kernel, ID: "kernels-community/flash-attn2", Revision: "main"})
	if !errors.Is(err, ErrRateLimited) || !strings.Contains(err.Error(), "kernels-community/flash-attn2") {
		t.Errorf("exhausted: %v", err)
	}
}

func TestWarmCacheOffline(t *testing.T) {
	hf := fakes.Hub(t, fakes.HubFixtures())
	dir := t.TempDir()
	want, err := newClient(t, hf.URL, fetch.Config{CacheDir: dir}).Wheels(context.Background(), blackwell)
	if err != nil {
		t.Fatal(err)
	}
	n := hf.Count()
	got, err := newClient(t, hf.URL, fetch.Config{CacheDir: dir, Offline: true}).Wheels(context.Background(), blackwell)
	if err != nil {
		t.Fatal(err)
	}
	if hf.Count() != n {
		t.Errorf("offline listing made %d requests", hf.Count()-n)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("offline listing differs (-online +offline):\n%s", diff)
	}
}
