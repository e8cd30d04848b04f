package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/hub"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/indexenv"
	"github.com/zgpu/zgpu/internal/redact"
	"github.com/zgpu/zgpu/pypi"
)

// netOptions are the flags of every command that reads package indexes
// (`wheel find`, `deps resolve`). Commands embed it, call addFlags on their
// flag set, check it with validate, and build their client with
// fetchConfig (or hubFetchConfig for Hugging Face Hub sources) and their
// package sources with sources.
type netOptions struct {
	IndexURL       string
	ExtraIndexURLs []string
	FindLinks      []string
	CacheDir       string
	Offline        bool
	Refresh        bool
	Timeout        time.Duration
	Jobs           int
	// NoIndex reads no package index, only FindLinks (pip's --no-index).
	NoIndex bool
	// env is what the environment sets (indexenv); envErr a value of it
	// that cannot be read, reported by validate.
	env    indexenv.Settings
	envErr error
}

// netFlagsHelp documents the network flags and their environment, for the
// Long help of commands that use them.
const netFlagsHelp = `Network:
  Packages are looked up on --index-url (default $PIP_INDEX_URL, then
  $UV_DEFAULT_INDEX, $UV_INDEX_URL, then https://pypi.org/simple/), every
  --extra-index-url (default: the URLs of $PIP_EXTRA_INDEX_URL, $UV_INDEX
  and $UV_EXTRA_INDEX_URL) and every --find-links location (an HTML page of
  links or a local folder; default $PIP_FIND_LINKS and $UV_FIND_LINKS), all
  together as pip does: the files of a project are the union of what each
  lists. A flag replaces its variables. --no-index (or PIP_NO_INDEX=1,
  UV_NO_INDEX=1) reads only the --find-links locations. Responses are cached in --cache-dir (default $XDG_CACHE_HOME/zgpu,
  or ~/.cache/zgpu): served from the cache while fresh (the index's
  Cache-Control max-age, at most 10 minutes), then revalidated with
  conditional requests (--refresh revalidates every page at once, as uv
  --refresh); metadata files named by their hash are never fetched twice. --offline reads only the cache and fails on anything not
  in it.
  HF_TOKEN is sent only to the Hugging Face Hub (the host of $HF_ENDPOINT,
  default huggingface.co); without HF_TOKEN, the token file of
  'hf auth login' is read ($HF_TOKEN_PATH, default $HF_HOME/token, HF_HOME
  defaulting to ~/.cache/huggingface); GITHUB_TOKEN only to GitHub (the host of
  $GITHUB_API_URL, default api.github.com, and github.com for release
  downloads). HF_HUB_OFFLINE=1 makes Hub lookups offline (cache only) even
  without --offline. ZGPU_ALLOW_HOSTS=h1,h2 restricts every request to those
  hosts (for sandboxes and tests). Tokens are never printed.`

// addFlags registers the network flags on fs, their defaults from the
// environment as pip and uv read it (indexenv): a flag given on the command
// line replaces its variables, as in pip.
func (n *netOptions) addFlags(fs *pflag.FlagSet) {
	n.env, n.envErr = indexenv.Read(os.Getenv)
	def := n.env.IndexURL
	if def == "" {
		def = pypi.DefaultIndexURL
	}
	fs.StringVarP(&n.IndexURL, "index-url", "i", def, "base `URL` of the package index (Simple API; env PIP_INDEX_URL, UV_DEFAULT_INDEX, UV_INDEX_URL)")
	fs.StringArrayVar(&n.ExtraIndexURLs, "extra-index-url", indexenv.URLs(n.env.ExtraIndexURLs), "another package index `URL` to read as well (repeatable; env PIP_EXTRA_INDEX_URL, UV_INDEX, UV_EXTRA_INDEX_URL)")
	fs.StringArrayVarP(&n.FindLinks, "find-links", "f", indexenv.URLs(n.env.FindLinks), "an HTML page of links (`URL`) or a local folder of wheels to read as well (repeatable; env PIP_FIND_LINKS, UV_FIND_LINKS)")
	fs.BoolVar(&n.NoIndex, "no-index", n.env.NoIndex, "read no package index, only --find-links locations (env PIP_NO_INDEX, UV_NO_INDEX)")
	fs.StringVar(&n.CacheDir, "cache-dir", fetch.DefaultCacheDir(), "HTTP cache `folder` (\"\" disables the cache)")
	fs.BoolVar(&n.Offline, "offline", false, "use only the cache; fail on anything not in it")
	fs.BoolVar(&n.Refresh, "refresh", false, "revalidate every cached page with the index (a conditional request) instead of trusting its freshness, as uv --refresh")
	fs.DurationVar(&n.Timeout, "timeout", 30*time.Second, "timeout of each HTTP attempt")
	fs.IntVar(&n.Jobs, "jobs", fetch.DefaultMaxPerHost, "concurrent requests per host (index requests in flight)")
}

// validate checks the flag values; its errors are usage errors.
func (n *netOptions) validate() error {
	if n.envErr != nil {
		return usagef("%v", n.envErr)
	}
	if err := checkIndexURL("--index-url", n.IndexURL); err != nil {
		return err
	}
	for _, u := range n.ExtraIndexURLs {
		if err := checkIndexURL("--extra-index-url", u); err != nil {
			return err
		}
	}
	for _, f := range n.FindLinks {
		if strings.TrimSpace(f) == "" {
			return usagef("--find-links: empty location")
		}
	}
	if n.Timeout <= 0 {
		return usagef("--timeout must be positive, got %v", n.Timeout)
	}
	if n.Jobs < 1 {
		return usagef("--jobs must be at least 1, got %d", n.Jobs)
	}
	if _, err := httpRetries(); err != nil {
		return usagef("%v", err)
	}
	if n.Offline && n.Refresh {
		return usagef("--refresh and --offline cannot be used together: --offline reads only the cache, --refresh asks the index")
	}
	if n.Offline && n.CacheDir == "" {
		return usagef("--offline needs a cache (--cache-dir is empty)")
	}
	return nil
}

// checkIndexURL accepts absolute http, https and file URLs.
func checkIndexURL(flag, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || (u.Scheme != "file" && u.Host == "") {
		return usagef("%s: expected an absolute URL, got %q", flag, redactForUsage(raw))
	}
	switch u.Scheme {
	case "http", "https", "file":
		return nil
	}
	return usagef("%s: expected an http, https or file URL, got %q", flag, redactForUsage(raw))
}

// redactForUsage hides URL userinfo (index URLs may carry credentials) and
// escapes terminal control characters.
func redactForUsage(raw string) string { return redact.Terminal(redact.URL(raw)) }

// hostOf returns the host name of a URL, or def when it has none.
func hostOf(raw, def string) string {
	if raw == "" {
		return def
	}
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return def
	}
	return u.Hostname()
}

// envTokens are the bearer tokens from the environment (and the Hugging
// Face token file `hf auth login` writes, when HF_TOKEN is unset), each
// scoped to its own host.
func envTokens() []fetch.Token {
	var toks []fetch.Token
	if v, _ := hub.Token(os.Getenv); v != "" {
		toks = append(toks, fetch.Token{Host: hostOf(os.Getenv("HF_ENDPOINT"), "huggingface.co"), Value: v})
	}
	if v := strings.TrimSpace(os.Getenv("GITHUB_TOKEN")); v != "" {
		api := hostOf(os.Getenv("GITHUB_API_URL"), "api.github.com")
		toks = append(toks, fetch.Token{Host: api, Value: v})
		if api == "api.github.com" {
			toks = append(toks, fetch.Token{Host: "github.com", Value: v})
		}
	}
	return toks
}

// fetchConfig is the HTTP client configuration the flags and environment
// ask for; debug lines go to g.Debugf (--verbose).
func (n *netOptions) fetchConfig(g *globalOptions) fetch.Config {
	return fetch.Config{
		CacheDir:   n.CacheDir,
		Offline:    n.Offline,
		Refresh:    n.Refresh,
		Timeout:    n.Timeout,
		MaxRetries: retries(),
		MaxPerHost: n.Jobs,
		Tokens:     envTokens(),
		NetrcPath:  netrcPath(),
		UserAgent:  "zgpu/" + buildVersion(),
		Logf:       g.Debugf,
		AllowHosts: allowHosts(),
		// Cache files are written off the requests' path; runWith
		// flushes them before the command returns.
		WriteBehind: true,
	}
}

// netrcPath is the netrc file whose entries give index credentials, as pip
// (through requests) reads it: $NETRC, else ~/.netrc.
func netrcPath() string {
	if p := os.Getenv("NETRC"); p != "" {
		return p
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".netrc")
	}
	return ""
}

// allowHosts reads ZGPU_ALLOW_HOSTS, a comma-separated list of the only
// hosts zgpu may reach (tests and sandboxes set it to the loopback).
func allowHosts() []string {
	var out []string
	for _, h := range strings.Split(os.Getenv("ZGPU_ALLOW_HOSTS"), ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}

// httpRetries reads UV_HTTP_RETRIES, uv's number of retries of a failed
// request (zgpu's default, 4, when unset).
func httpRetries() (int, error) {
	v := strings.TrimSpace(os.Getenv("UV_HTTP_RETRIES"))
	if v == "" {
		return 4, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("UV_HTTP_RETRIES: expected a number of retries (0 or more), got %q", v)
	}
	return n, nil
}

// retries is fetch.Config.MaxRetries from UV_HTTP_RETRIES (negative: none).
func retries() int {
	n, _ := httpRetries()
	if n == 0 {
		return -1
	}
	return n
}

// envBool reads a boolean variable as uv and pip do (1/0, true/false,
// yes/no, on/off); unset or unreadable is false.
func envBool(name string) bool {
	b, err := indexenv.ParseBool(os.Getenv(name))
	return err == nil && b
}

// hubOffline reports whether HF_HUB_OFFLINE asks for offline Hub access
// (1, true, yes, on; as huggingface_hub reads it).
func hubOffline() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv("HF_HUB_OFFLINE"))) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// hubFetchConfig is fetchConfig for the client of Hugging Face Hub
// sources: offline also when HF_HUB_OFFLINE is set.
func (n *netOptions) hubFetchConfig(g *globalOptions) fetch.Config {
	cfg := n.fetchConfig(g)
	if hubOffline() {
		cfg.Offline = true
	}
	return cfg
}

// sources returns the package sources the flags name, read as one:
// --index-url, each --extra-index-url (neither with --no-index), each
// --find-links.
func (n *netOptions) sources(c *fetch.Client) *pypi.Multi {
	var ls []index.Lister
	if !n.NoIndex {
		ls = append(ls, pypi.New(n.IndexURL, c))
		for _, u := range n.ExtraIndexURLs {
			ls = append(ls, pypi.New(u, c))
		}
	}
	for _, f := range n.FindLinks {
		ls = append(ls, pypi.NewFindLinks(f, c))
	}
	return pypi.NewMulti(ls...)
}

// describe names the sources for messages, credentials redacted.
func (n *netOptions) describe() string {
	parts := []string{"no index (--no-index)"}
	if !n.NoIndex {
		parts = []string{redactForUsage(n.IndexURL)}
		for _, u := range n.ExtraIndexURLs {
			parts = append(parts, redactForUsage(u))
		}
	}
	for _, f := range n.FindLinks {
		parts = append(parts, "find-links "+redactForUsage(f))
	}
	return fmt.Sprint(strings.Join(parts, ", "))
}

// unreachable is the error of a lock that could not read the package
// sources: it names them and the cause, and how to go on without them.
func (n *netOptions) unreachable(err error) error {
	label := "index"
	if len(n.ExtraIndexURLs)+len(n.FindLinks) > 0 {
		label = "package sources"
	}
	return fmt.Errorf("cannot lock: %v\n  %s: %s\n  nothing was written; to go on without it:\n    --offline   lock from the cache of an earlier run\n    --no-lock   keep your version ranges, with only the ZeroGPU fixes", err, label, n.describe())
}
