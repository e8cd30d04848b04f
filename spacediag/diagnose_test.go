package spacediag

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/hub"
	"github.com/zgpu/zgpu/index"
)

// fakeHub answers from memory: one runtime, logs by kind, README.md.
type fakeHub struct {
	rt     hub.Runtime
	logs   map[hub.LogKind]string
	readme string
	read   []hub.LogKind
}

func (f *fakeHub) Runtime(ctx context.Context, r hub.Repo) (*hub.Runtime, error) {
	if r.ID == "o/missing" {
		return nil, &hub.RepoNotFoundError{Repo: r, Status: 404}
	}
	rt := f.rt
	return &rt, nil
}

func (f *fakeHub) Logs(ctx context.Context, r hub.Repo, kind hub.LogKind, lim hub.LogLimits) (*hub.Log, error) {
	f.read = append(f.read, kind)
	text, ok := f.logs[kind]
	if !ok {
		return nil, errors.New("stream refused")
	}
	return &hub.Log{Text: []byte(text), Stopped: "end"}, nil
}

func (f *fakeHub) File(ctx context.Context, r hub.Repo, path string) ([]byte, error) {
	if f.readme == "" {
		return nil, &hub.RepoNotFoundError{Repo: r, Path: path, Status: 404}
	}
	return []byte(f.readme), nil
}

const gradioReadme = "---\nsdk: gradio\nsdk_version: 5.49.1\n---\n"

func TestDiagnose(t *testing.T) {
	torchLog := "CONFIG_ERROR: torch version in requirements.txt is not compatible with ZeroGPU\ntorch==2.6.0\n"
	for _, c := range []struct {
		name      string
		rev       string
		hub       fakeHub
		read      []hub.LogKind
		explained bool
		fix       []string
		facts     string // a fragment of the joined facts
	}{
		{name: "build error reads the build log", hub: fakeHub{rt: hub.Runtime{Stage: "BUILD_ERROR", Hardware: hub.Hardware{Requested: "zero-a10g"}}, logs: map[hub.LogKind]string{"build": torchLog}, readme: gradioReadme},
			read: []hub.LogKind{"build"}, explained: true,
			fix:   []string{"zgpu deps resolve o/s --torch 2.8.0 -o requirements.txt", "hf upload o/s requirements.txt requirements.txt --repo-type=space"},
			facts: "stage BUILD_ERROR"},
		{name: "a revision is named in the fix", rev: "refs/pr/1", hub: fakeHub{rt: hub.Runtime{Stage: "CONFIG_ERROR", ErrorMessage: torchLog, Hardware: hub.Hardware{Current: "zero-a10g"}}, readme: gradioReadme},
			explained: true,
			fix:       []string{"zgpu deps resolve o/s@refs/pr/1 --torch 2.8.0 -o requirements.txt", "hf upload o/s requirements.txt requirements.txt --repo-type=space --revision refs/pr/1"}},
		{name: "runtime error reads the run log", hub: fakeHub{rt: hub.Runtime{Stage: "RUNTIME_ERROR", Hardware: hub.Hardware{Current: "zero-a10g"}}, logs: map[hub.LogKind]string{"run": "all fine\n"}, readme: gradioReadme},
			read: []hub.LogKind{"run"}, fix: []string{"zgpu deps resolve o/s -o requirements.txt", "hf upload o/s requirements.txt requirements.txt --repo-type=space"}},
		{name: "a log that cannot be read is a fact", hub: fakeHub{rt: hub.Runtime{Stage: "BUILD_ERROR", Hardware: hub.Hardware{Requested: "zero-a10g"}}, readme: gradioReadme},
			read: []hub.LogKind{"build"}, fix: []string{"zgpu deps resolve o/s -o requirements.txt", "hf upload o/s requirements.txt requirements.txt --repo-type=space"},
			facts: "the build log could not be read: stream refused"},
		{name: "running reads nothing", hub: fakeHub{rt: hub.Runtime{Stage: "RUNNING", Hardware: hub.Hardware{Current: "cpu-basic", Requested: "cpu-basic"}}, readme: gradioReadme},
			fix: []string{}, facts: "hardware cpu-basic, not ZeroGPU"},
		{name: "docker on ZeroGPU, no README sdk", hub: fakeHub{rt: hub.Runtime{Stage: "RUNNING", Hardware: hub.Hardware{Current: "t4-small", Requested: "zero-a10g"}}, readme: "---\nsdk: docker\n---\n"},
			fix: []string{}, facts: "ZeroGPU requested (zero-a10g) but the Space runs on t4-small; sdk docker: ZeroGPU runs Gradio Spaces only"},
		{name: "no README", hub: fakeHub{rt: hub.Runtime{Stage: "SLEEPING", Hardware: hub.Hardware{Current: "zero-a10g"}}},
			fix: []string{}, facts: "README.md names no sdk"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := c.hub
			rev := c.rev
			if rev == "" {
				rev = "main"
			}
			rep, err := Diagnose(context.Background(), &h, hub.Repo{Type: hub.Space, ID: "o/s", Revision: rev}, Options{Catalog: catalog.Default()})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.read, h.read); diff != "" {
				t.Errorf("logs read (-want +got):\n%s", diff)
			}
			if rep.Explained() != c.explained {
				t.Errorf("explained = %v", rep.Explained())
			}
			if diff := cmp.Diff(c.fix, rep.Fix); diff != "" {
				t.Errorf("fix (-want +got):\n%s", diff)
			}
			if got := strings.Join(rep.Facts, "; "); !strings.Contains(got, c.facts) {
				t.Errorf("facts = %s\nwant a part %q", got, c.facts)
			}
		})
	}
	h := fakeHub{}
	if _, err := Diagnose(context.Background(), &h, hub.Repo{Type: hub.Space, ID: "o/missing"}, Options{}); !errors.Is(err, index.ErrNotFound) {
		t.Errorf("missing Space: %v", err)
	}
}
