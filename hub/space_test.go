package hub

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
)

func TestParseSpaceRef(t *testing.T) {
	for _, c := range []struct {
		in, id, rev, err string
	}{
		{"owner/name", "owner/name", "main", ""},
		{"spaces/owner/name", "owner/name", "main", ""},
		{"spaces/owner/name@v1", "owner/name", "v1", ""},
		{"https://huggingface.co/spaces/owner/my.space", "owner/my.space", "main", ""},
		{"https://huggingface.co/spaces/owner/name/", "owner/name", "main", ""},
		{"https://huggingface.co/spaces/owner/name@refs/pr/3", "owner/name", "refs/pr/3", ""},
		{"https://huggingface.co/spaces/owner/name/tree/dev", "owner/name", "dev", ""},
		{"hf.co/spaces/owner/name", "owner/name", "main", ""},
		{"http://127.0.0.1:8080/spaces/o/n", "o/n", "main", ""},
		{"https://huggingface.co/owner/name", "", "", "not a Space URL"},
		{"owner/name@", "", "", "expected a revision"},
		{"owner", "", "", "expected a Space as OWNER/NAME"},
		{"a/b/c", "", "", "expected a Space"},
		{"spaces/o/n/x", "", "", "expected a Space"},
		{"o/n n", "", "", "expected a Space"},
		{"https://owner/name", "", "", "expected a Space"},
	} {
		got, err := ParseSpaceRef(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseSpaceRef(%q) = %+v, %v; want error %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != (Repo{Type: Space, ID: c.id, Revision: c.rev}) {
			t.Errorf("ParseSpaceRef(%q) = %+v, %v; want %s@%s", c.in, got, err, c.id, c.rev)
		}
	}
}

func spaceHub(t *testing.T) *fakes.HubServer {
	t.Helper()
	hf := fakes.Hub(t, t.TempDir())
	hf.AddSpace("alice/demo", fakes.Space{
		Files: map[string]string{
			"README.md":        "---\nsdk: gradio\n---\n",
			"requirements.txt": "torch==2.8.0\n",
			"app.py":           "import spaces\n",
			"src/x.py":         "",
		},
		Revisions: map[string]map[string]string{"refs/pr/1": {"requirements.txt": "numpy\n"}},
		Stage:     "BUILD_ERROR", ErrorMessage: "Build failed with exit code: 1",
		BuildLog: "line one\nERROR: boom\n",
	})
	hf.AddSpace("alice/secret", fakes.Space{Files: map[string]string{"requirements.txt": "x\n"}, Token: "hf_s3cr3t"})
	hf.AddSpace("alice/live", fakes.Space{RunLog: "started\n", Hang: true})
	return hf
}

func TestDownloadSpace(t *testing.T) {
	hf := spaceHub(t)
	c := newClient(t, hf.URL, fetch.Config{})
	dir := t.TempDir()
	names, err := c.DownloadSpace(context.Background(), Repo{Type: Space, ID: "alice/demo"}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names, ","); got != "README.md,requirements.txt" {
		t.Errorf("names = %s", got)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "requirements.txt")); string(b) != "torch==2.8.0\n" {
		t.Errorf("requirements.txt = %q", b)
	}
	pr := Repo{Type: Space, ID: "alice/demo", Revision: "refs/pr/1"}
	if _, err := c.DownloadSpace(context.Background(), pr, t.TempDir()); err != nil {
		t.Errorf("at refs/pr/1: %v", err)
	}

	secret := Repo{Type: Space, ID: "alice/secret"}
	_, err = c.DownloadSpace(context.Background(), secret, t.TempDir())
	var nf *RepoNotFoundError
	if !errors.As(err, &nf) || nf.Status != 401 || !errors.Is(err, index.ErrNotFound) || !strings.Contains(err.Error(), "set HF_TOKEN") {
		t.Errorf("private without token: %v", err)
	}
	u := strings.TrimPrefix(hf.URL, "http://")
	host := u[:strings.IndexByte(u, ':')]
	ct := newClient(t, hf.URL, fetch.Config{Tokens: []fetch.Token{{Host: host, Value: "hf_s3cr3t"}}})
	if names, err := ct.DownloadSpace(context.Background(), secret, t.TempDir()); err != nil || len(names) != 1 {
		t.Errorf("private with token: %v, %v", names, err)
	}
	if _, err := c.DownloadSpace(context.Background(), Repo{Type: Space, ID: "alice/none"}, t.TempDir()); !errors.Is(err, index.ErrNotFound) {
		t.Errorf("missing Space: %v", err)
	}
}

func TestRuntime(t *testing.T) {
	hf := spaceHub(t)
	c := newClient(t, hf.URL, fetch.Config{CacheDir: t.TempDir()})
	rt, err := c.Runtime(context.Background(), Repo{Type: Space, ID: "alice/demo"})
	if err != nil {
		t.Fatal(err)
	}
	if rt.Stage != "BUILD_ERROR" || rt.Hardware.Requested != "zero-a10g" || rt.Hardware.Current != "" || rt.ErrorMessage == "" || !rt.Failed() {
		t.Errorf("runtime = %+v", rt)
	}
	if !IsZeroGPU(rt.Hardware.Requested) || IsZeroGPU("cpu-basic") {
		t.Error("IsZeroGPU")
	}
	// Never served from the cache: the state is now.
	c.Runtime(context.Background(), Repo{Type: Space, ID: "alice/demo"})
	if n := hf.CountPrefix("/api/spaces/alice/demo/runtime"); n != 2 {
		t.Errorf("%d runtime requests, want 2", n)
	}
}

func TestLogs(t *testing.T) {
	hf := spaceHub(t)
	c := newClient(t, hf.URL, fetch.Config{})
	ctx := context.Background()
	log, err := c.Logs(ctx, Repo{Type: Space, ID: "alice/demo"}, BuildLog, LogLimits{})
	if err != nil || string(log.Text) != "line one\nERROR: boom\n" || log.Stopped != "end" || log.Events != 2 {
		t.Fatalf("build log = %+v, %v", log, err)
	}
	// A stream that never ends stops at the idle bound, then at the total.
	start := time.Now()
	log, err = c.Logs(ctx, Repo{Type: Space, ID: "alice/live"}, RunLog, LogLimits{Idle: 200 * time.Millisecond})
	if err != nil || string(log.Text) != "started\n" || log.Stopped != "idle" {
		t.Fatalf("hanging log = %+v, %v", log, err)
	}
	log, err = c.Logs(ctx, Repo{Type: Space, ID: "alice/live"}, RunLog, LogLimits{Idle: time.Hour, Total: 300 * time.Millisecond})
	if err != nil || log.Stopped != "time" {
		t.Fatalf("hanging log, total bound = %+v, %v", log, err)
	}
	log, err = c.Logs(ctx, Repo{Type: Space, ID: "alice/live"}, RunLog, LogLimits{Idle: time.Hour, Settle: 100 * time.Millisecond})
	if err != nil || string(log.Text) != "started\n" || log.Stopped != "idle" {
		t.Fatalf("hanging log, settled = %+v, %v", log, err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("bounded reads took %v", d)
	}
	log, err = c.Logs(ctx, Repo{Type: Space, ID: "alice/demo"}, BuildLog, LogLimits{MaxBytes: 5})
	if err != nil || string(log.Text) != "line " || log.Stopped != "size" {
		t.Fatalf("size bound = %+v, %v", log, err)
	}
	if _, err := c.Logs(ctx, Repo{Type: Space, ID: "alice/secret"}, BuildLog, LogLimits{}); !errors.Is(err, index.ErrNotFound) {
		t.Errorf("private log without token: %v", err)
	}
}

func TestReadEvents(t *testing.T) {
	in := ": comment\nevent: log\ndata: {\"data\":\"a\\n\"}\n\ndata: plain\ndata: two\n\nid: 3\ndata: last"
	out := make(chan []byte)
	var got []string
	go func() {
		readEvents(strings.NewReader(in), out, nil)
		close(out)
	}()
	for d := range out {
		got = append(got, string(eventText(d)))
	}
	if want := []string{"a\n", "plain\ntwo\n", "last\n"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("events = %q, want %q", got, want)
	}
}

func TestListSpaces(t *testing.T) {
	hf := fakes.Hub(t, t.TempDir())
	hf.SetPageSize(7)
	for i := 0; i < 23; i++ {
		hf.AddSpace(fmt.Sprintf("org/s%02d", i), fakes.Space{})
	}
	hf.AddSpace("org/private", fakes.Space{Token: "t"})
	hf.AddSpace("other/x", fakes.Space{})
	c := newClient(t, hf.URL, fetch.Config{})
	got, err := c.ListSpaces(context.Background(), "org")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 23 || got[0].ID != "org/s00" || got[22].ID != "org/s22" || got[0].Runtime == nil || got[0].Runtime.Stage != "RUNNING" || got[0].SDK != "gradio" {
		t.Errorf("listed %d: first %+v", len(got), got[0])
	}
	if n := hf.CountPrefix("/api/spaces"); n != 4 {
		t.Errorf("%d pages, want 4", n)
	}
}
