package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/spf13/pflag"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
)

func parseNetFlags(t *testing.T, args ...string) *netOptions {
	t.Helper()
	n := &netOptions{}
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	n.addFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return n
}

func clearNetEnv(t *testing.T) {
	for _, k := range []string{"PIP_INDEX_URL", "UV_INDEX_URL", "HF_TOKEN", "HF_ENDPOINT", "HF_HUB_OFFLINE", "GITHUB_TOKEN", "GITHUB_API_URL", "HUGGING_FACE_HUB_TOKEN", "HF_HOME", "UV_DEFAULT_INDEX", "UV_INDEX", "PIP_EXTRA_INDEX_URL", "UV_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "UV_FIND_LINKS", "PIP_NO_INDEX", "UV_NO_INDEX"} {
		t.Setenv(k, "")
	}
	t.Setenv("XDG_CACHE_HOME", "/tmp/xdg-test")
	t.Setenv("HF_TOKEN_PATH", os.DevNull)
}

// TestHFTokenFile: without HF_TOKEN, the token `hf auth login` saved is
// sent, to the Hub's host only; HF_TOKEN still wins.
func TestHFTokenFile(t *testing.T) {
	clearNetEnv(t)
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, "token"), []byte("hf_from_file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HF_TOKEN_PATH", "")
	t.Setenv("HF_HOME", home)
	n := parseNetFlags(t)
	want := []fetch.Token{{Host: "huggingface.co", Value: "hf_from_file"}}
	if diff := cmp.Diff(want, n.fetchConfig(&globalOptions{}).Tokens); diff != "" {
		t.Errorf("tokens from the file (-want +got):\n%s", diff)
	}
	t.Setenv("HF_TOKEN", "hf_env")
	want = []fetch.Token{{Host: "huggingface.co", Value: "hf_env"}}
	if diff := cmp.Diff(want, n.fetchConfig(&globalOptions{}).Tokens); diff != "" {
		t.Errorf("HF_TOKEN over the file (-want +got):\n%s", diff)
	}
}

// TestNetFlagsEnv: the index variables of pip and uv set the flags'
// defaults; a flag given replaces its variables; --no-index drops every
// index from the sources but keeps find-links.
func TestNetFlagsEnv(t *testing.T) {
	clearNetEnv(t)
	t.Setenv("UV_DEFAULT_INDEX", "https://uv.test/simple/")
	t.Setenv("PIP_EXTRA_INDEX_URL", "https://a.test/simple/ https://b.test/simple/")
	t.Setenv("UV_INDEX", "torch=https://download.pytorch.test/whl/cu128")
	t.Setenv("PIP_FIND_LINKS", "https://links.test/")
	n := parseNetFlags(t)
	want := &netOptions{IndexURL: "https://uv.test/simple/",
		ExtraIndexURLs: []string{"https://a.test/simple/", "https://b.test/simple/", "https://download.pytorch.test/whl/cu128"},
		FindLinks:      []string{"https://links.test/"}, CacheDir: "/tmp/xdg-test/zgpu", Timeout: 30 * time.Second, Jobs: fetch.DefaultMaxPerHost}
	if diff := cmp.Diff(want, n, cmpopts.IgnoreUnexported(netOptions{})); diff != "" {
		t.Errorf("from the environment (-want +got):\n%s", diff)
	}
	n = parseNetFlags(t, "--extra-index-url", "https://flag.test/simple/", "-i", "https://i.test/simple/")
	if got := append([]string{n.IndexURL}, n.ExtraIndexURLs...); !cmp.Equal(got, []string{"https://i.test/simple/", "https://flag.test/simple/"}) {
		t.Errorf("flags should replace the variables: %v", got)
	}
	if got := parseNetFlags(t).sources(nil); len(got.Sources()) != 5 {
		t.Errorf("sources: %d listers, want 5", len(got.Sources()))
	}
	t.Setenv("PIP_NO_INDEX", "1")
	n = parseNetFlags(t)
	if !n.NoIndex || len(n.sources(nil).Sources()) != 1 || !strings.HasPrefix(n.describe(), "no index") {
		t.Errorf("PIP_NO_INDEX=1: NoIndex %v, %d sources, %q", n.NoIndex, len(n.sources(nil).Sources()), n.describe())
	}
	t.Setenv("PIP_NO_INDEX", "sometimes")
	var ue *usageError
	if err := parseNetFlags(t).validate(); !errors.As(err, &ue) || !strings.Contains(err.Error(), "PIP_NO_INDEX=sometimes") {
		t.Errorf("bad PIP_NO_INDEX: %v, want a usage error naming it", err)
	}
}

func TestNetFlagsDefaults(t *testing.T) {
	clearNetEnv(t)
	n := parseNetFlags(t)
	want := &netOptions{IndexURL: "https://pypi.org/simple/", CacheDir: "/tmp/xdg-test/zgpu", Timeout: 30 * time.Second, Jobs: fetch.DefaultMaxPerHost}
	if diff := cmp.Diff(want, n, cmpopts.IgnoreUnexported(netOptions{}), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	t.Setenv("UV_INDEX_URL", "https://uv.test/simple/")
	if got := parseNetFlags(t).IndexURL; got != "https://uv.test/simple/" {
		t.Errorf("with UV_INDEX_URL: %q", got)
	}
	t.Setenv("PIP_INDEX_URL", "https://pip.test/simple/")
	if got := parseNetFlags(t).IndexURL; got != "https://pip.test/simple/" {
		t.Errorf("PIP_INDEX_URL should win over UV_INDEX_URL: %q", got)
	}
	n = parseNetFlags(t, "-i", "https://flag.test/simple", "--extra-index-url", "https://a.test/", "--extra-index-url=https://b.test/",
		"-f", "./wheels", "--find-links", "https://links.test/", "--offline", "--timeout", "5s", "--jobs", "3", "--cache-dir", "/c")
	want = &netOptions{IndexURL: "https://flag.test/simple", ExtraIndexURLs: []string{"https://a.test/", "https://b.test/"},
		FindLinks: []string{"./wheels", "https://links.test/"}, CacheDir: "/c", Offline: true, Timeout: 5 * time.Second, Jobs: 3}
	if diff := cmp.Diff(want, n, cmpopts.IgnoreUnexported(netOptions{})); diff != "" {
		t.Errorf("flags (-want +got):\n%s", diff)
	}
	if err := n.validate(); err != nil {
		t.Errorf("validate: %v", err)
	}
}

func TestNetFlagsValidate(t *testing.T) {
	clearNetEnv(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-i", "pypi.org/simple"}, `--index-url: expected an absolute URL, got "pypi.org/simple"`},
		{[]string{"-i", "ftp://x.test/simple"}, `--index-url: expected an http, https or file URL`},
		{[]string{"--extra-index-url", "https://user:pw@"}, `--extra-index-url: expected an absolute URL, got "https://user:****@"`},
		{[]string{"--timeout", "0s"}, "--timeout must be positive"},
		{[]string{"--jobs", "0"}, "--jobs must be at least 1"},
		{[]string{"--offline", "--cache-dir", ""}, "--offline needs a cache"},
	}
	for _, tt := range tests {
		err := parseNetFlags(t, tt.args...).validate()
		var ue *usageError
		if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.As(err, &ue) {
			t.Errorf("%v: err = %v, want a usage error containing %q", tt.args, err, tt.want)
		}
	}
}

func TestFetchConfigTokens(t *testing.T) {
	clearNetEnv(t)
	t.Setenv("HF_TOKEN", "hf_x")
	t.Setenv("GITHUB_TOKEN", "gh_y")
	var buf bytes.Buffer
	g := &globalOptions{Verbose: true, Stderr: &buf}
	n := parseNetFlags(t, "--jobs", "4", "--timeout", "7s")
	cfg := n.fetchConfig(g)
	want := []fetch.Token{{Host: "huggingface.co", Value: "hf_x"}, {Host: "api.github.com", Value: "gh_y"}, {Host: "github.com", Value: "gh_y"}}
	if diff := cmp.Diff(want, cfg.Tokens); diff != "" {
		t.Errorf("tokens (-want +got):\n%s", diff)
	}
	if cfg.MaxPerHost != 4 || cfg.Timeout != 7*time.Second || cfg.Offline || !strings.HasPrefix(cfg.UserAgent, "zgpu/") {
		t.Errorf("cfg = %+v", cfg)
	}
	cfg.Logf("hello %d", 1)
	if buf.String() != "hello 1\n" {
		t.Errorf("Logf wrote %q, want the debug line", buf.String())
	}

	t.Setenv("HF_ENDPOINT", "https://hf-mirror.test:8443")
	t.Setenv("GITHUB_API_URL", "https://ghe.test/api/v3")
	want = []fetch.Token{{Host: "hf-mirror.test", Value: "hf_x"}, {Host: "ghe.test", Value: "gh_y"}}
	if diff := cmp.Diff(want, n.fetchConfig(g).Tokens); diff != "" {
		t.Errorf("tokens with custom endpoints (-want +got):\n%s", diff)
	}

	if n.hubFetchConfig(g).Offline {
		t.Error("hub offline without HF_HUB_OFFLINE")
	}
	t.Setenv("HF_HUB_OFFLINE", "1")
	if !n.hubFetchConfig(g).Offline || n.fetchConfig(g).Offline {
		t.Error("HF_HUB_OFFLINE=1 should make only the hub client offline")
	}
}

func TestNetSources(t *testing.T) {
	clearNetEnv(t)
	main := fakes.PyPI(t, "")
	dir := t.TempDir()
	extra := fakes.PyPI(t, dir) // an empty index
	n := parseNetFlags(t, "-i", main.URL, "--extra-index-url", extra.URL, "-f", dir, "--cache-dir", t.TempDir())
	if err := n.validate(); err != nil {
		t.Fatal(err)
	}
	c := fetch.New(n.fetchConfig(&globalOptions{}))
	files, err := n.sources(c).Files(context.Background(), "safetensors")
	if err != nil || len(files) == 0 {
		t.Fatalf("safetensors: %d files, %v", len(files), err)
	}
	if extra.Count("/simple/safetensors/") != 1 {
		t.Errorf("the extra index was not asked")
	}
	if got := n.describe(); !strings.Contains(got, main.URL) || !strings.Contains(got, "find-links "+dir) {
		t.Errorf("describe = %q", got)
	}
}
