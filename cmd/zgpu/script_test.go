package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/internal/testonly/shared"
)

var update = flag.Bool("update", false, "rewrite the golden files of testscript scenarios (cmp with -update)")

func TestMain(m *testing.M) {
	// Nothing in these tests may leave the machine: every source is a fake
	// on the loopback.
	os.Setenv("ZGPU_ALLOW_HOSTS", "127.0.0.1,localhost")
	// The developer's own index settings (a PIP_FIND_LINKS of the machine)
	// must not leak into the tests; each test sets what it needs. (Not in
	// the zgpu commands testscript runs: their environment is the script's.)
	if filepath.Base(os.Args[0]) != "zgpu" {
		unsetIndexEnv()
	}
	testscript.Main(m, map[string]func(){
		"zgpu": func() {
			if marker := os.Getenv("ZGPU_TEST_PAUSE_WRITE"); marker != "" {
				midWrite = func() {
					os.WriteFile(marker, []byte(strconv.Itoa(os.Getpid())), 0o644)
					time.Sleep(time.Minute)
				}
			}
			os.Exit(run(os.Args[1:]))
		},
	})
}

// unsetIndexEnv clears the variables that set zgpu's indexes, tokens and
// uv defaults.
func unsetIndexEnv() {
	for _, v := range []string{"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_NO_INDEX",
		"UV_DEFAULT_INDEX", "UV_INDEX", "UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_FIND_LINKS", "UV_NO_INDEX",
		"UV_FROZEN", "UV_LOCKED", "UV_NO_DEV", "UV_CONSTRAINT", "UV_OVERRIDE", "ZGPU_NO_CONFIG", "ZGPU_CONFIG_FILE", "CUSTOM_COMPILE_COMMAND", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"} {
		os.Unsetenv(v)
	}
	os.Setenv("HF_TOKEN_PATH", os.DevNull)
}

// TestScripts runs the end-to-end scenarios in testdata/script: each is a
// txtar archive with a Space folder, the zgpu commands a user would type and
// the expected output. GitHub, the Hub and a PyPI index are fakes serving
// fixture trees, reached through the environment variables a user would set.
//
// Goldens that hold a Hub URL name the fake as $HF_ENDPOINT and are checked
// with cmpenv. To regenerate them: turn cmpenv back into cmp, run
// `go test ./cmd/zgpu -run TestScripts -update`, then replace the fake's
// http://127.0.0.1:PORT with $HF_ENDPOINT and cmp with cmpenv again.
func TestScripts(t *testing.T) {
	gh := fakes.GitHub(t, fakes.GitHubFixtures())
	// An API mirror whose asset URLs are under its own host.
	ghMirror := fakes.GitHub(t, fakes.GitHubFixtures(), fakes.WithLocalDownloads())
	hf := fakes.Hub(t, fakes.HubFixtures())
	addScriptSpaces(t, hf)
	mirror := shared.Dir(t, "mirror")
	pypi := fakes.PyPI(t, mirror, fakes.WithMirrorOverlay())
	isolateCatalog(t, pypi.Base)
	catalogFile := os.Getenv("ZGPU_CATALOG")
	spaces, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "spaces"))
	natten := nattenFindLinks(t)
	testscript.Run(t, testscript.Params{
		Dir:           filepath.Join("testdata", "script"),
		UpdateScripts: *update,
		Cmds:          map[string]func(ts *testscript.TestScript, neg bool, args []string){"faultindex": faultIndexCmd(t, mirror), "waitfile": waitFileCmd, "sigterm": sigtermCmd},
		Setup: func(e *testscript.Env) error {
			e.Setenv("GITHUB_API_URL", gh.URL)
			e.Setenv("GITHUB_MIRROR", ghMirror.URL)
			e.Setenv("HF_ENDPOINT", hf.URL)
			e.Setenv("PIP_INDEX_URL", pypi.URL)
			e.Setenv("XDG_CACHE_HOME", filepath.Join(e.WorkDir, ".cache"))
			e.Setenv("SPACES", spaces)
			e.Setenv("NATTEN_FIND_LINKS", natten)
			e.Setenv("NO_COLOR", "1")
			e.Setenv("ZGPU_CATALOG", catalogFile)
			e.Setenv("ZGPU_ALLOW_HOSTS", "127.0.0.1,localhost")
			e.Setenv("HOME", e.WorkDir)
			e.Setenv("PRIVATE_SPACE_TOKEN", privateSpaceToken)
			return nil
		},
	})
}

// nattenFindLinks serves a find-links page like https://whl.natten.org (one
// link per wheel, the torch and CUDA build in the local label) and returns
// its URL.
func nattenFindLinks(t *testing.T) string {
	srv := fakes.Release(t)
	var page strings.Builder
	page.WriteString("<!DOCTYPE html><html><body>\n")
	for _, f := range []string{
		"natten-0.21.6+torch2110cu130-cp310-cp310-linux_x86_64.whl",
		"natten-0.21.6+torch2110cu130-cp312-cp312-linux_x86_64.whl",
		"natten-0.21.6+torch280cu128-cp312-cp312-linux_x86_64.whl",
		"natten-0.21.6+torch2100cu130-cp312-cp312-linux_x86_64.whl",
	} {
		fmt.Fprintf(&page, "<a href=\"%s/files/%s\">%s</a><br>\n", srv.URL, strings.ReplaceAll(f, "+", "%2B"), f)
	}
	page.WriteString("</body></html>\n")
	srv.Put("/", []byte(page.String()))
	return srv.URL + "/"
}

// faultIndexCmd is the script command
//
//	faultindex KIND [xN] PATH...
//
// which starts a PyPI fake over the test mirror whose PATHs (request paths,
// "*" for all) answer with a fault N times (default 1) before they are
// served normally, and points PIP_INDEX_URL at it. KIND is a status
// ("503", "401"), reset, truncate, hang, huge (an endless body announced
// as 1 TiB) or garbage (a 200 whose body is no page).
func faultIndexCmd(t *testing.T, mirror string) func(ts *testscript.TestScript, neg bool, args []string) {
	kinds := map[string]fakes.FaultKind{"reset": fakes.FaultReset, "truncate": fakes.FaultTruncate,
		"hang": fakes.FaultHang, "huge": fakes.FaultHuge, "garbage": fakes.FaultGarbage}
	return func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) < 2 {
			ts.Fatalf("usage: faultindex KIND [xN] PATH...")
		}
		f := fakes.Fault{Kind: fakes.FaultStatus}
		if k, ok := kinds[args[0]]; ok {
			f.Kind = k
		} else if n, err := strconv.Atoi(args[0]); err == nil {
			f.Status = n
		} else {
			ts.Fatalf("faultindex: unknown kind %q", args[0])
		}
		times, paths := 1, args[1:]
		if n, err := strconv.Atoi(strings.TrimPrefix(paths[0], "x")); strings.HasPrefix(paths[0], "x") && err == nil {
			times, paths = n, paths[1:]
		}
		var faults []fakes.Fault
		for _, p := range paths {
			for i := 0; i < times; i++ {
				g := f
				g.Path = p
				faults = append(faults, g)
			}
		}
		srv := fakes.PyPI(t, mirror, fakes.WithFaults(faults...), fakes.WithMirrorOverlay())
		ts.Defer(srv.Close)
		ts.Setenv("PIP_INDEX_URL", srv.URL)
	}
}

// waitFileCmd is the script command "waitfile PATH": it waits (up to a
// minute) until PATH exists and is not empty, as a background command
// writes it.
func waitFileCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitfile PATH")
	}
	for end := time.Now().Add(time.Minute); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		// Not empty: os.WriteFile creates the file before it writes it,
		// and a loaded machine can run the script in between.
		if st, err := os.Stat(ts.MkAbs(args[0])); err == nil && st.Size() > 0 {
			return
		}
	}
	ts.Fatalf("waitfile: %s did not appear within a minute", args[0])
}

// sigtermCmd is the script command "sigterm PIDFILE": it sends SIGTERM to
// the process whose id PIDFILE holds (testscript's kill knows only INT and
// KILL).
func sigtermCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sigterm PIDFILE")
	}
	pid, err := strconv.Atoi(strings.TrimSpace(ts.ReadFile(args[0])))
	if err != nil {
		ts.Fatalf("sigterm: %v", err)
	}
	p, err := os.FindProcess(pid)
	ts.Check(err)
	ts.Check(p.Signal(syscall.SIGTERM))
}
