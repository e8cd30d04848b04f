package pypi

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/internal/testonly/shared"
)

// agree checks the property of the fast path: when scanPage accepts body,
// encoding/json reads it too, to the same files and api-version. It reports
// whether scanPage accepted.
func agree(t *testing.T, name string, body []byte, keep func(string) bool) bool {
	t.Helper()
	base, _ := url.Parse("https://mirror.test/simple/p/")
	v, fast, ok := scanPage(body, base, keep)
	if !ok {
		return false
	}
	slow, err := decodeJSON(body, base, keep)
	if verr := checkAPIVersion(v); verr != nil {
		if err == nil || err.Error() != verr.Error() {
			t.Errorf("%s: api-version: the fast path says %v, encoding/json %v", name, verr, err)
		}
		return true
	}
	if err != nil {
		t.Errorf("%s: the fast path accepts what encoding/json rejects (%v)", name, err)
		return true
	}
	var page jsonPage
	if json.NewDecoder(bytes.NewReader(body)).Decode(&page) == nil && page.Meta.APIVersion != v {
		t.Errorf("%s: api-version %q, encoding/json reads %q", name, v, page.Meta.APIVersion)
	}
	if len(fast) == 0 && len(slow) == 0 {
		return true
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Errorf("%s: the two paths differ (-encoding/json +fast):\n%s", name, cmp.Diff(slow, fast))
	}
	return true
}

// cp312Only keeps sdists and the wheels whose name mentions cp312 or py3.
func cp312Only() func(string) bool {
	return func(f string) bool {
		return strings.HasSuffix(f, ".tar.gz") || strings.Contains(f, "cp312") || strings.Contains(f, "py3-none")
	}
}

// TestScanPageOnTheMirror: the fast path reads every JSON page of the
// mirror, to the files encoding/json reads, with and without a filter.
func TestScanPageOnTheMirror(t *testing.T) {
	pages, _ := filepath.Glob(filepath.Join(shared.Dir(t, "mirror", "simple"), "*", "index.json"))
	if len(pages) < 1000 {
		t.Fatalf("%d pages, want the whole mirror", len(pages))
	}
	for _, p := range pages {
		body, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(filepath.Dir(p))
		if !agree(t, name, body, nil) {
			t.Errorf("%s: the fast path declines a mirror page", name)
		}
		agree(t, name+" (filtered)", body, cp312Only())
	}
}

// TestScanPageDeclinesOrAgrees: on unusual or malformed pages the fast path
// either reads what encoding/json reads or declines (parseJSON then uses
// encoding/json).
func TestScanPageDeclinesOrAgrees(t *testing.T) {
	const f = `"filename": "a-1.0.tar.gz", "url": "a-1.0.tar.gz"`
	tests := []struct {
		body    string
		accepts bool // whether the fast path must read it
	}{
		{`{"meta": {"api-version": "1.1", "_last-serial": 3}, "name": "a", "versions": ["1.0"], "files": [{` + f + `}], "x": {"y": [1, -2.5e3, true, null]}}`, true},
		{`{"files": null}`, true},
		{` {"files": []} ` + "\n", true},
		{`{"files": [{` + f + `, "hashes": {"SHA256": "AB", "md5": "cd"}, "size": 12, "yanked": "bad", "core-metadata": {"sha256": "ef"}}]}`, true},
		{`{"files": [{` + f + `, "requires-python": null, "size": null, "hashes": null, "upload-time": "2024-01-02T03:04:05Z"}]}`, true},
		{`{"files": [{"filename": "a-\u00e9-1.0.tar.gz", "url": "a\/b"}]}`, true},
		{`{"files": [{` + f + `, "provenance": null, "dist-info-metadata": true}]}`, true},
		{`{"Files": [{` + f + `}]}`, false},             // encoding/json folds case
		{`{"files": [{` + f + `, "URL": "b"}]}`, false}, // idem
		{`{"files": [{` + f + `}], "files": []}`, false},
		{`{"files": [{` + f + `, "size": 1.5}]}`, false},
		{`{"files": [{` + f + `, "size": 1e3}]}`, false},
		{`{"files": [{` + f + `, "upload-time": "soon"}]}`, false},
		{`{"files": [{` + f + `, "yanked": 3}]}`, false},
		{`{"files": [{"filename": "a-1.0.tar.gz"}]}`, false},
		{`{"files": [{` + f + `, "x": "\q"}]}`, false},
		{`{"files": [{` + f + `, "x": "` + "\x01" + `"}]}`, false},
		{`{"files": [{` + f + `,}]}`, false},
		{`{"files": [{` + f + `}]} trailing`, false},
		{`{"files": [{` + f + `, "x": 01}]}`, false},
		{`{"files": [{` + f + `, "hashes": {"sha256": 1}}]}`, false},
		{`{"files": [{` + f + `, "k\u00e9y": 1}]}`, false},
		{"\xef\xbb\xbf{\"files\": []}", false},
		{`[]`, false},
		{``, false},
		{`{"files": [` + strings.Repeat(`[`, 20000) + `]}`, false},
	}
	for _, tt := range tests {
		if got := agree(t, tt.body, []byte(tt.body), nil); got != tt.accepts {
			t.Errorf("scanPage(%.80s) accepted = %v, want %v", tt.body, got, tt.accepts)
		}
	}
}

func FuzzScanPage(f *testing.F) {
	f.Add([]byte(`{"meta": {"api-version": "1.0"}, "files": [{"filename": "a-1.0-py3-none-any.whl", "url": "b#sha256=AB", "yanked": "x", "size": 3, "core-metadata": {"sha256": "x"}}]}`))
	f.Add([]byte(`{"files": [{"filename": "a\u0041", "url": "../b", "hashes": {}, "x": [{"y": null}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		agree(t, "fuzz", body, nil)
		agree(t, "fuzz (filtered)", body, cp312Only())
	})
}
