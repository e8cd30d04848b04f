package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
)

// A Space reference names a Space on the Hub, in any of the forms a user
// copies:
//
//	OWNER/NAME
//	spaces/OWNER/NAME
//	https://huggingface.co/spaces/OWNER/NAME   (any host; also hf.co/spaces/...)
//	https://huggingface.co/spaces/OWNER/NAME/tree/REVISION
//
// each optionally followed by @REVISION (a branch, tag, commit or
// "refs/pr/N").

// ParseSpaceRef reads a Space reference. The error says which form was
// expected.
func ParseSpaceRef(s string) (Repo, error) {
	bad := fmt.Errorf("hub: expected a Space as OWNER/NAME, spaces/OWNER/NAME or https://huggingface.co/spaces/OWNER/NAME, got %q", s)
	rest := strings.TrimSpace(s)
	hadScheme := false
	for _, p := range []string{"https://", "http://"} {
		if r, ok := strings.CutPrefix(rest, p); ok {
			rest, hadScheme = r, true
		}
	}
	rev := ""
	if i := strings.IndexByte(rest, '@'); i >= 0 {
		rest, rev = rest[:i], rest[i+1:]
		if rev == "" {
			return Repo{}, fmt.Errorf("hub: expected a revision after '@' in %q", s)
		}
	}
	parts := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	// A first segment with a dot or a port is a host: owners have neither.
	hasHost := len(parts) > 1 && strings.ContainsAny(parts[0], ".:")
	if hasHost {
		parts = parts[1:]
	}
	if hadScheme && !hasHost {
		return Repo{}, bad
	}
	switch {
	case len(parts) >= 3 && parts[0] == "spaces":
		parts = parts[1:]
	case hasHost:
		return Repo{}, fmt.Errorf("hub: %q is not a Space URL (expected https://huggingface.co/spaces/OWNER/NAME)", s)
	}
	if len(parts) >= 4 && (parts[2] == "tree" || parts[2] == "blob") {
		if rev == "" {
			rev, _ = url.PathUnescape(strings.Join(parts[3:], "/"))
		}
		parts = parts[:2]
	}
	if len(parts) != 2 || !index.ValidRepoPart(parts[0]) || !index.ValidRepoPart(parts[1]) {
		return Repo{}, bad
	}
	if rev == "" {
		rev = "main"
	}
	return Repo{Type: Space, ID: parts[0] + "/" + parts[1], Revision: rev}, nil
}

// SpaceFiles are the files of a Space that say what it installs, as zgpu
// reads them from a folder.
var SpaceFiles = []string{"README.md", "requirements.txt", "pre-requirements.txt", "pyproject.toml", "uv.lock", "pylock.toml", "packages.txt"}

// maxSpaceFile bounds one file read from a Space (uv.lock files of large
// projects are a few megabytes).
const maxSpaceFile = 32 << 20

// DownloadSpace writes the files of SpaceFiles that the Space r has at its
// root (and its pylock.*.toml files) into dir, and returns their names in
// the order written. A Space the Hub does not show is a
// *RepoNotFoundError.
func (c *Client) DownloadSpace(ctx context.Context, r Repo, dir string) ([]string, error) {
	entries, err := c.Tree(ctx, r, "", false)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, f := range SpaceFiles {
		want[f] = true
	}
	var names []string
	for _, e := range entries {
		isLock := strings.HasPrefix(e.Path, "pylock.") && strings.HasSuffix(e.Path, ".toml")
		if e.IsDir() || strings.Contains(e.Path, "/") || !(want[e.Path] || isLock) {
			continue
		}
		if e.Size > maxSpaceFile {
			return nil, fmt.Errorf("hub: %s in %s: %d bytes, more than the %d MiB zgpu reads", e.Path, r, e.Size, maxSpaceFile>>20)
		}
		body, err := c.File(ctx, r, e.Path)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, e.Path), body, 0o644); err != nil {
			return nil, err
		}
		names = append(names, e.Path)
	}
	return names, nil
}

// File reads one file of r through its resolve URL, at most 32 MiB.
func (c *Client) File(ctx context.Context, r Repo, path string) ([]byte, error) {
	resp, err := c.fc.Get(ctx, fetch.Request{URL: c.ResolveURL(r, path)})
	if err != nil {
		return nil, c.explain(err, r, path)
	}
	if len(resp.Body) > maxSpaceFile {
		return nil, fmt.Errorf("hub: %s in %s: more than the %d MiB zgpu reads", path, r, maxSpaceFile>>20)
	}
	return resp.Body, nil
}

// Runtime is the state of a Space, as GET /api/spaces/{id}/runtime
// answers (huggingface_hub's SpaceRuntime).
type Runtime struct {
	// Stage is NO_APP_FILE, CONFIG_ERROR, BUILDING, BUILD_ERROR,
	// APP_STARTING, RUNNING, RUNNING_BUILDING, RUNNING_APP_STARTING,
	// RUNTIME_ERROR, DELETING, STOPPED, PAUSED or SLEEPING.
	Stage    string   `json:"stage"`
	Hardware Hardware `json:"hardware"`
	// ErrorMessage is the Hub's summary of a failure ("" when none).
	ErrorMessage string `json:"errorMessage,omitempty"`
	// SHA is the commit the Space runs.
	SHA string `json:"sha,omitempty"`
}

// Hardware is the hardware flavor a Space runs on and the one requested
// ("cpu-basic", "t4-small", "zero-a10g", ...); either may be "".
type Hardware struct {
	Current   string `json:"current"`
	Requested string `json:"requested"`
}

// IsZeroGPU reports whether flavor is ZeroGPU hardware ("zero-a10g"; any
// "zero-" flavor).
func IsZeroGPU(flavor string) bool { return strings.HasPrefix(flavor, "zero-") }

// Failed reports whether the stage is one of the failure stages.
func (rt Runtime) Failed() bool {
	switch rt.Stage {
	case "BUILD_ERROR", "RUNTIME_ERROR", "CONFIG_ERROR", "NO_APP_FILE":
		return true
	}
	return false
}

// Runtime reads the runtime of the Space r. It is never cached: it is the
// state now.
func (c *Client) Runtime(ctx context.Context, r Repo) (*Runtime, error) {
	u := c.endpoint + "/api/spaces/" + r.ID + "/runtime"
	resp, err := c.fc.Get(ctx, fetch.Request{URL: u, Accept: "application/json", NoStore: true})
	if err != nil {
		return nil, c.explain(err, r, "")
	}
	var rt Runtime
	if err := json.Unmarshal(resp.Body, &rt); err != nil {
		return nil, fmt.Errorf("hub: runtime of %s: %v", r, err)
	}
	return &rt, nil
}

// SpaceInfo is one item of the Space listing (GET /api/spaces).
type SpaceInfo struct {
	ID      string   `json:"id"`
	Author  string   `json:"author,omitempty"`
	SDK     string   `json:"sdk,omitempty"`
	Private bool     `json:"private,omitempty"`
	Runtime *Runtime `json:"runtime,omitempty"`
}

// ListSpaces lists the Spaces of author, every page, as list_spaces does:
//
//	GET {endpoint}/api/spaces?author=OWNER&expand=sdk&expand=runtime&expand=private
//
// following the Link header's rel="next" URL. Private Spaces are listed
// only with a token that can see them.
func (c *Client) ListSpaces(ctx context.Context, author string) ([]SpaceInfo, error) {
	q := url.Values{"author": {author}, "expand": {"author", "sdk", "runtime", "private"}}
	var out []SpaceInfo
	err := c.pages(ctx, c.endpoint+"/api/spaces?"+q.Encode(), "listing the Spaces of "+author, func(body []byte) error {
		var items []SpaceInfo
		if err := json.Unmarshal(body, &items); err != nil {
			return err
		}
		out = append(out, items...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
