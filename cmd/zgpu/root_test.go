package main

import (
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/internal/testonly/shared"
)

func TestUnknownCommandIsUsageError(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"foo"}, `zgpu: unknown command "foo" for "zgpu"` + "\nRun 'zgpu --help' for usage.\n"},
		{[]string{"dep"}, "unknown command \"dep\" for \"zgpu\"\n\nDid you mean this?\n\tdeps\n"},
		{[]string{"deps", "foo"}, `unknown command "foo" for "zgpu deps"`},
		{[]string{"deps", "resolv"}, "unknown command \"resolv\" for \"zgpu deps\"\n\nDid you mean this?\n\tresolve\n\nRun 'zgpu deps --help' for usage."},
		{[]string{"deps", "diagnoze", "build.log"}, "Did you mean this?\n\tdiagnose\n"},
		{[]string{"wheel", "fnd"}, "Did you mean this?\n\tfind\n"},
		{[]string{"target", "shwo"}, "Did you mean this?\n\tshow\n"},
		{[]string{"help", "foo"}, `unknown command "foo" for "zgpu"`},
		{[]string{"help", "deps", "resolv"}, "unknown command \"resolv\" for \"zgpu deps\"\n\nDid you mean this?\n\tresolve\n"},
		{[]string{"completion", "tcsh"}, `unknown command "tcsh" for "zgpu completion"`},
	} {
		out, stderr, code := runCmd(t, c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d and %q", c.args, code, out, stderr, exitUsage, c.want)
		}
	}
	// Without arguments the root and the groups print their help.
	for _, args := range [][]string{nil, {"deps"}, {"wheel"}, {"target"}, {"help"}, {"help", "wheel", "find"}} {
		out, stderr, code := runCmd(t, args...)
		if code != exitOK || !strings.Contains(out, "Usage:") || stderr != "" {
			t.Errorf("%q: exit %d, stderr %q, stdout:\n%s", args, code, stderr, out)
		}
	}
}

func TestRootHelpEnvironment(t *testing.T) {
	out, _, code := runCmd(t, "--help")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	_, env, ok := strings.Cut(out, "\nEnvironment:\n")
	if !ok {
		t.Fatalf("no Environment section:\n%s", out)
	}
	for _, v := range []string{"PIP_INDEX_URL", "UV_INDEX_URL", "HF_ENDPOINT", "HF_TOKEN", "HF_HUB_OFFLINE",
		"GITHUB_API_URL", "GITHUB_TOKEN", "XDG_CACHE_HOME", "NO_COLOR", "ZGPU_CATALOG", "ZGPU_ALLOW_HOSTS"} {
		if !strings.Contains(env, "  "+v+" ") && !strings.Contains(env, "  "+v+", ") && !strings.Contains(env, ", "+v+" ") {
			t.Errorf("Environment lacks %s:\n%s", v, env)
		}
	}
}

func TestVersionFrom(t *testing.T) {
	const rev = "b9968355c093f0e1d2c3b4a5968778695a4b3c2d"
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i+1 < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	tests := []struct {
		name     string
		main     string
		settings []debug.BuildSetting
		want     string
	}{
		{"go install @version", "v1.2.3", nil, "v1.2.3"},
		{"pseudo-version from the checkout", "v0.0.0-20261126010854-b9968355c093+dirty", vcs("vcs.revision", rev), "v0.0.0-20261126010854-b9968355c093+dirty"},
		{"-buildvcs=false", "(devel)", vcs("-buildvcs", "false"), "devel"},
		{"no build info version", "", nil, "devel"},
		{"revision and time", "(devel)", vcs("vcs", "git", "vcs.revision", rev, "vcs.time", "2026-11-26T01:08:54Z", "vcs.modified", "false"),
			"devel (b9968355c093, 2026-11-26T01:08:54Z)"},
		{"modified tree", "(devel)", vcs("vcs.revision", rev, "vcs.time", "2026-11-26T01:08:54Z", "vcs.modified", "true"),
			"devel (b9968355c093, 2026-11-26T01:08:54Z, modified)"},
		{"short revision, no time", "", vcs("vcs.revision", "abc123"), "devel (abc123)"},
	}
	for _, tt := range tests {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/zgpu/zgpu", Version: tt.main}, Settings: tt.settings}
		if diff := cmp.Diff(tt.want, versionFrom(bi)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	out, _, code := runCmd(t, "--version")
	if code != exitOK || out != "zgpu version "+buildVersion()+"\n" || buildVersion() == "" {
		t.Errorf("--version: exit %d, %q", code, out)
	}
}

// TestJSONKeepsHTMLCharacters checks that no --json output escapes <, > and
// & (specifiers and URLs stay readable), on outputs that hold them.
func TestJSONKeepsHTMLCharacters(t *testing.T) {
	fakeEnv(t)
	for _, args := range [][]string{
		{"target", "show", "--json"},
		{"deps", "show", "--json", filepath.Join(shared.Dir(t, "corpus"), "027-anychat")},
		{"deps", "diagnose", "--json", diagnoseFixture("sdk_conflict.log")},
		{"wheel", "inspect", "--json", "bad<1>&.whl"},
		{"wheel", "find", "flash-attn", "--json", "--offline", "--cache-dir", t.TempDir(),
			"--source", "index:http://127.0.0.1:1/simple?a=<b>&c=d"},
	} {
		out, _, _ := runCmd(t, args...)
		if !strings.ContainsAny(out, "<>&") {
			t.Errorf("%q: no <, > or & in the output, the test proves nothing:\n%s", args, out)
		}
		for _, esc := range []string{`\u003c`, `\u003e`, `\u0026`} {
			if strings.Contains(out, esc) {
				t.Errorf("%q: output holds %s", args, esc)
			}
		}
	}
}
