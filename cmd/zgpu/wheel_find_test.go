package main

import (
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/fakes"
)

const (
	ghSecret = "ghp_e2eSECRETtoken"
	hfSecret = "hf_e2eSECRETtoken"
)

// fakeEnv starts the GitHub and Hub fakes on two host names and points the
// environment a user would set at them.
func fakeEnv(t *testing.T) (*fakes.GitHubServer, *fakes.HubServer) {
	t.Helper()
	gh := fakes.GitHub(t, fakes.GitHubFixtures())
	hf := fakes.Hub(t, fakes.HubFixtures())
	t.Setenv("GITHUB_API_URL", gh.LocalhostURL()) // host "localhost"
	t.Setenv("HF_ENDPOINT", hf.URL)               // host "127.0.0.1"
	t.Setenv("GITHUB_TOKEN", ghSecret)
	t.Setenv("HF_TOKEN", hfSecret)
	t.Setenv("HF_HUB_OFFLINE", "")
	return gh, hf
}

type findJSON struct {
	Target struct {
		Torch, CUDA, ABI, GPU string
	}
	Sources []struct{ Name, Status, Error string }
	Found   []struct {
		Rank                                  int
		Filename, URL, Source, Origin, SHA256 string
	}
	Rejected []struct {
		Filename string
		Reasons  []string
	}
	RejectCounts []struct {
		Reason string
		Count  int
	} `json:"reject_counts"`
	Suggestions []struct{ Change, Filename, Text string }
}

func TestWheelFindDefaultSourcesJSON(t *testing.T) {
	gh, hf := fakeEnv(t)
	out, stderr, code := runCmd(t, "wheel", "find", "flash-attn", "--python", "3.12", "--torch", "2.8",
		"--json", "--all", "--cache-dir", t.TempDir())
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var got findJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Target.Torch != "2.8" || got.Target.CUDA != "12.8" || got.Target.ABI != "cxx11" || got.Target.GPU != "sm120" {
		t.Errorf("target %+v, want torch 2.8, CUDA 12.8 and the C++11 ABI from the catalog, GPU sm120", got.Target)
	}
	if len(got.Sources) != 3 {
		t.Fatalf("sources %+v", got.Sources)
	}
	for _, s := range got.Sources {
		if s.Status != "ok" {
			t.Errorf("source %+v", s)
		}
	}
	if len(got.Found) == 0 {
		t.Fatal("nothing found")
	}
	top := got.Found[0]
	if top.Filename != "flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl" ||
		top.URL != hf.URL+"/datasets/multimodalart/zerogpu-blackwell-wheels/resolve/main/wheels/pt28-cu128-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl" ||
		len(top.SHA256) != 64 || top.Rank != 1 {
		t.Errorf("best = %+v", top)
	}
	if len(got.Rejected) == 0 || len(got.RejectCounts) == 0 {
		t.Errorf("%d rejected, %d reason counts", len(got.Rejected), len(got.RejectCounts))
	}
	// Tokens went only to their own host, and were never printed.
	for _, r := range gh.Requests() {
		if r.Header.Get("Authorization") != "Bearer "+ghSecret {
			t.Errorf("GitHub %s got Authorization %q", r.Path, r.Header.Get("Authorization"))
		}
	}
	for _, r := range hf.Requests() {
		if r.Header.Get("Authorization") != "Bearer "+hfSecret {
			t.Errorf("Hub %s got Authorization %q", r.Path, r.Header.Get("Authorization"))
		}
	}
	if gh.Count() == 0 || hf.Count() == 0 {
		t.Errorf("requests: GitHub %d, Hub %d", gh.Count(), hf.Count())
	}
	if strings.Contains(out+stderr, "SECRET") {
		t.Error("a token was printed")
	}
}

func TestWheelFindTextCountsReasons(t *testing.T) {
	fakeEnv(t)
	out, stderr, code := runCmd(t, "wheel", "find", "flash-attn", "--torch", "2.8",
		"--source", "github:Dao-AILab/flash-attention", "--cache-dir", "")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	checkContains(t, "output", out,
		"flash-attn for cp312 linux x86_64 glibc 2.36, torch 2.8 (CUDA 12.8, cxx11 ABI), GPU sm120 (catalog "+catalog.Default().Label()+")\n",
		"   1  flash_attn-2.8.3.post1+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl\n",
		"other files do not fit; reasons, most frequent first:",
		"built with the pre-cxx11 C++ ABI, target torch uses the cxx11 ABI",
		"Use --all",
	)
}

func TestWheelFindNothingFitsSuggests(t *testing.T) {
	fakeEnv(t)
	out, _, code := runCmd(t, "wheel", "find", "flash-attn", "--python", "3.12", "--torch", "2.3",
		"--source", "github:Dao-AILab/flash-attention", "--cache-dir", "")
	if code != 1 {
		t.Errorf("exit %d, want 1 when nothing fits", code)
	}
	checkContains(t, "output", out,
		"No prebuilt wheel fits.",
		"To make one fit:\n  pin torch==2.8.0 to use flash_attn-2.8.3.post1+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl (github.com/Dao-AILab/flash-attention@v2.8.3.post1)\n  pin torch==2.9.1 to use ",
	)
}

func TestWheelFindIndexURL(t *testing.T) {
	fakeEnv(t)
	py := fakes.PyPI(t, "")
	out, stderr, code := runCmd(t, "wheel", "find", "bitsandbytes", "--json", "--all",
		"--index-url", py.URL, "--cache-dir", "")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var got findJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Found) == 0 || !strings.HasSuffix(got.Found[0].Filename, "-py3-none-manylinux_2_24_x86_64.whl") || got.Sources[0].Name != "pypi" {
		t.Fatalf("found %+v, sources %+v", got.Found, got.Sources)
	}
	for _, r := range got.Rejected {
		if strings.Contains(r.Filename, "win_amd64") && r.Reasons[0] != "Windows platform win_amd64, target is linux_x86_64" {
			t.Errorf("%s: %q", r.Filename, r.Reasons)
		}
	}
	// flash-attn on PyPI is an sdist only.
	out, _, code = runCmd(t, "wheel", "find", "flash-attn", "--source", "pypi", "--index-url", py.URL, "--cache-dir", "")
	if code != 1 || !strings.Contains(out, "source distribution, not a prebuilt wheel") {
		t.Errorf("sdist-only: exit %d\n%s", code, out)
	}
}

func TestWheelFindOffline(t *testing.T) {
	gh, hf := fakeEnv(t)
	cache := t.TempDir()
	args := []string{"wheel", "find", "mamba-ssm", "--python", "3.10", "--torch", "2.2", "--abi", "true", "--gpu", "none", "--json", "--cache-dir", cache}
	first, stderr, code := runCmd(t, args...)
	if code != 0 {
		t.Fatalf("online: exit %d, stderr %s", code, stderr)
	}
	n := gh.Count()
	second, stderr, code := runCmd(t, append(args, "--offline")...)
	if code != 0 || gh.Count() != n {
		t.Fatalf("offline: exit %d, %d requests, stderr %s", code, gh.Count()-n, stderr)
	}
	if first != second {
		t.Errorf("offline output differs:\n%s\nvs\n%s", first, second)
	}
	// HF_HUB_OFFLINE with a cold cache: the Hub source fails, without a request.
	t.Setenv("HF_HUB_OFFLINE", "1")
	_, stderr, code = runCmd(t, "wheel", "find", "flash-attn", "--source", "hub:datasets/multimodalart/zerogpu-blackwell-wheels", "--cache-dir", t.TempDir())
	if code != 1 || hf.Count() != 0 || !strings.Contains(stderr, "not in the cache") {
		t.Errorf("HF_HUB_OFFLINE: exit %d, %d Hub requests, stderr %s", code, hf.Count(), stderr)
	}
}

func TestWheelFindErrors(t *testing.T) {
	gh, _ := fakeEnv(t)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"wheel", "find"}, 2, "takes one PACKAGE"},
		{[]string{"wheel", "find", "x", "--source", "ftp:x"}, 2, "expected github:, hub:, index:, find-links: or pypi"},
		{[]string{"wheel", "find", "x", "--source", "github:nope"}, 2, "owner/name"},
		{[]string{"wheel", "find", "x", "--python", "3"}, 2, `--python "3": expected X.Y`},
		{[]string{"wheel", "find", "x", "--abi", "maybe"}, 2, "expected true or false"},
		{[]string{"wheel", "find", "flash-attn", "--source", "github:nobody/nothing", "--cache-dir", ""}, 1, `github repository "nobody/nothing" not found`},
	} {
		_, stderr, code := runCmd(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d, %q", c.args, code, stderr, c.code, c.want)
		}
	}
	gh.ExhaustRateLimit(403, time.Now().Add(30*time.Minute))
	_, stderr, code := runCmd(t, "wheel", "find", "mamba-ssm", "--cache-dir", "")
	if code != 1 || !strings.Contains(stderr, "github rate limit exhausted; resets at ") || strings.Contains(stderr, "SECRET") {
		t.Errorf("rate limit: exit %d, stderr %q", code, stderr)
	}
	gh.SetRateLimit(100, time.Now().Add(time.Hour))
	gh.Fail(1, 500) // recovered by a retry
	_, stderr, code = runCmd(t, "wheel", "find", "causal-conv1d", "--python", "3.12", "--torch", "2.9", "--cache-dir", "")
	if code != 0 {
		t.Errorf("after a 500: exit %d, stderr %s", code, stderr)
	}
}

// TestWheelFindSnapshotFallback checks that when every source fails the
// search runs over the catalog snapshot, says so, and names the failures.
func TestWheelFindSnapshotFallback(t *testing.T) {
	fakeEnv(t)
	snap := "catalog snapshot " + catalog.Default().Meta.Date
	defaults := []string{"hub:datasets/multimodalart/zerogpu-blackwell-wheels", "github:Dao-AILab/flash-attention",
		"github:mjun0812/flash-attention-prebuild-wheels"}

	// Offline with an empty cache: every default source fails at once.
	out, stderr, code := runCmd(t, "wheel", "find", "flash-attn", "--python", "3.12", "--torch", "2.8",
		"--offline", "--cache-dir", t.TempDir())
	if code != 1 {
		t.Errorf("exit %d, want 1: no source was checked online", code)
	}
	checkContains(t, "output", out,
		"\nEvery source failed ("+strings.Join(defaults, ", ")+").\n",
		"Searched the "+snap+" instead: wheels known on that date, NOT checked online.\n",
		"   1  flash_attn-",
		"      "+snap+"; ",
	)
	if strings.Contains(out, "No prebuilt wheel fits.") {
		t.Errorf("the snapshot knows flash-attn wheels for torch 2.8, yet:\n%s", out)
	}
	var failed []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if strings.HasSuffix(l, "not in the cache; run once without --offline") {
			failed = append(failed, strings.SplitN(strings.TrimPrefix(l, "zgpu: "), ": ", 2)[0])
		}
	}
	if diff := cmp.Diff(defaults, failed); diff != "" {
		t.Errorf("failed sources on stderr (-want +got):\n%s\nstderr:\n%s", diff, stderr)
	}

	// JSON: the flag, the snapshot as the last source, and found files from it.
	out, _, code = runCmd(t, "wheel", "find", "flash-attn", "--python", "3.12", "--torch", "2.8",
		"--offline", "--cache-dir", t.TempDir(), "--json")
	var got struct {
		findJSON
		FromSnapshot bool   `json:"from_snapshot"`
		Snapshot     string `json:"snapshot"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("exit %d: %v\n%s", code, err, out)
	}
	if !got.FromSnapshot || got.Snapshot != snap {
		t.Errorf("from_snapshot %v, snapshot %q; want true, %q", got.FromSnapshot, got.Snapshot, snap)
	}
	var status []string
	for _, s := range got.Sources {
		status = append(status, s.Name+" "+s.Status)
	}
	want := []string{defaults[0] + " error", defaults[1] + " error", defaults[2] + " error", snap + " ok"}
	if diff := cmp.Diff(want, status); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	if len(got.Found) == 0 || got.Found[0].Source != snap {
		t.Errorf("found %+v, want files from %s", got.Found, snap)
	}

	// A source that works is never replaced by the snapshot.
	out, _, _ = runCmd(t, "wheel", "find", "flash-attn", "--python", "3.12", "--torch", "2.3",
		"--source", "github:Dao-AILab/flash-attention", "--cache-dir", "", "--json")
	if !strings.Contains(out, `"from_snapshot": false`) || strings.Contains(out, snap) {
		t.Errorf("a working source fell back to the snapshot:\n%s", out)
	}

	// A source that cannot be reached (a closed loopback port), online.
	t.Setenv("GITHUB_API_URL", closedURL(t))
	out, stderr, code = runCmd(t, "wheel", "find", "mamba-ssm", "--python", "3.10", "--torch", "2.8",
		"--source", "github:state-spaces/mamba", "--cache-dir", "")
	if code != 1 || !strings.Contains(out, "Searched the "+snap+" instead") ||
		!strings.Contains(stderr, "zgpu: github:state-spaces/mamba: GET ") || !strings.Contains(stderr, "connection refused") {
		t.Errorf("closed port: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
}

// closedURL returns the URL of a loopback port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + l.Addr().String()
	l.Close()
	return u
}

// TestWheelFindWarnsOffTarget checks the warnings for a Python or torch a
// Space cannot use, and that the search still runs.
func TestWheelFindWarnsOffTarget(t *testing.T) {
	fakeEnv(t)
	const pyWarn, torchWarn = "warning: a ZeroGPU Space cannot run Python", "is not on the ZeroGPU allow-list"
	for _, c := range []struct {
		python, torch string
		warnPy        bool
		warnTorch     bool
	}{
		{"3.12", "2.8", false, false},
		{"3.10", "2.8.0", false, false},
		{"3.11", "2.8", true, false},
		{"3.12", "2.6", false, true},
		{"3.12", "2.8.1", false, true},
		{"3.9", "2.5", true, true},
	} {
		out, stderr, _ := runCmd(t, "wheel", "find", "flash-attn", "--python", c.python, "--torch", c.torch,
			"--source", "github:Dao-AILab/flash-attention", "--cache-dir", "")
		if got := strings.Contains(stderr, pyWarn+" "+c.python+" "); got != c.warnPy {
			t.Errorf("--python %s --torch %s: Python warning %v, want %v; stderr %q", c.python, c.torch, got, c.warnPy, stderr)
		}
		if got := strings.Contains(stderr, "warning: torch "+c.torch+" "+torchWarn); got != c.warnTorch {
			t.Errorf("--python %s --torch %s: torch warning %v, want %v; stderr %q", c.python, c.torch, got, c.warnTorch, stderr)
		}
		py := "cp" + strings.ReplaceAll(c.python, ".", "")
		if !strings.HasPrefix(out, "flash-attn for "+py+" ") || !strings.Contains(out, "other files do not fit") {
			t.Errorf("--python %s --torch %s: the search did not run:\n%s", c.python, c.torch, out)
		}
	}
}
