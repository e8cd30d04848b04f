package pypi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/internal/testonly/shared"
)

func TestFilesFromTheMirror(t *testing.T) {
	s := fakes.PyPI(t, "")
	ix := New(s.URL, testClient(""))
	files, err := ix.Files(context.Background(), "Accelerate")
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Files []struct {
			Filename string `json:"filename"`
		} `json:"files"`
	}
	raw, err := os.ReadFile(filepath.Join(shared.Dir(t, "mirror"), "simple", "accelerate", "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &page); err != nil {
		t.Fatal(err)
	}
	if len(files) != len(page.Files) || len(files) == 0 {
		t.Fatalf("listed %d files, the page has %d", len(files), len(page.Files))
	}
	f := files[0]
	want := index.File{
		Filename:       "accelerate-0.29.3-py3-none-any.whl",
		URL:            s.Base + "/files/accelerate-0.29.3-py3-none-any.whl",
		Hashes:         map[string]string{"sha256": "99d633d4b6126817c5e554487406748be95c8d1d1e659dd2fd60657e35f532dd"},
		RequiresPython: ">=3.8.0",
		CoreMetadata:   true,
		MetadataHashes: map[string]string{"sha256": "2d6bc7937800f50f700b9931a900b4acf70f84364d91b95e467dc04078837fed"},
		Origin:         s.URL + "accelerate/",
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("first file (-want +got):\n%s", diff)
	}
	reqs := s.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/simple/accelerate/" || reqs[0].Header.Get("Accept") != Accept {
		t.Errorf("requests = %+v, want one for /simple/accelerate/ with the PEP 691 Accept", reqs)
	}

	m, err := ix.Metadata(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "accelerate" || m.Version != "0.29.3" || len(m.RequiresDist) == 0 {
		t.Errorf("Metadata = %+v", m)
	}
	if n := s.Count("/files/accelerate-0.29.3-py3-none-any.whl.metadata"); n != 1 {
		t.Errorf("metadata file requested %d times, want 1", n)
	}
	for _, r := range s.Requests() {
		if strings.HasSuffix(r.Path, ".whl") {
			t.Errorf("wheel downloaded although its metadata file is served: %+v", r)
		}
	}
	if st := ix.Stats(); st.MetadataFiles != 1 || st.RangeReads != 0 || st.FullDownloads != 0 {
		t.Errorf("Stats = %+v", st)
	}
}

// TestHTMLAndJSONPagesAgree parses every project page of the mirror in both
// formats; PEP 691 says they carry the same data.
func TestHTMLAndJSONPagesAgree(t *testing.T) {
	dir := shared.Dir(t, "mirror", "simple")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		pageURL := "https://mirror.test/simple/" + e.Name() + "/"
		js, err1 := os.ReadFile(filepath.Join(dir, e.Name(), "index.json"))
		ht, err2 := os.ReadFile(filepath.Join(dir, e.Name(), "index.html"))
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", e.Name(), err1, err2)
		}
		fromJSON, err := ParsePage(js, "application/vnd.pypi.simple.v1+json", pageURL)
		if err != nil {
			t.Fatalf("%s json: %v", e.Name(), err)
		}
		fromHTML, err := ParsePage(ht, "text/html", pageURL)
		if err != nil {
			t.Fatalf("%s html: %v", e.Name(), err)
		}
		// Size and upload-time exist only in JSON (PEP 700).
		stripped := make([]index.File, len(fromJSON))
		for i, f := range fromJSON {
			f.Size, f.UploadTime = 0, time.Time{}
			stripped[i] = f
		}
		if !reflect.DeepEqual(stripped, fromHTML) {
			diff := cmp.Diff(fromJSON, fromHTML, cmpopts.IgnoreFields(index.File{}, "Size", "UploadTime"))
			t.Fatalf("%s: JSON and HTML differ (-json +html):\n%s", e.Name(), diff)
		}
		for _, f := range fromJSON {
			if !strings.HasPrefix(f.URL, "https://mirror.test/files/") {
				t.Fatalf("%s: %s not resolved against the page", e.Name(), f.URL)
			}
		}
		n++
	}
	if n < 1000 {
		t.Errorf("compared %d projects, want the whole mirror", n)
	}
	t.Logf("JSON and HTML agree on %d project pages", n)
}

func TestHTMLOnlyIndex(t *testing.T) {
	s := fakes.PyPI(t, "", fakes.WithHTMLOnly())
	ix := New(s.URL, testClient(""))
	files, err := ix.Files(context.Background(), "tokenizers")
	if err != nil {
		t.Fatal(err)
	}
	jsonFiles, err := New(fakes.PyPI(t, "").URL, testClient("")).Files(context.Background(), "tokenizers")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 || len(files) != len(jsonFiles) {
		t.Fatalf("HTML lists %d files, JSON %d", len(files), len(jsonFiles))
	}
	for i := range files {
		if files[i].Filename != jsonFiles[i].Filename || cmp.Diff(files[i].MetadataHashes, jsonFiles[i].MetadataHashes) != "" {
			t.Errorf("file %d: HTML %+v, JSON %+v", i, files[i], jsonFiles[i])
		}
	}
	var wheel index.File
	for _, f := range files {
		if f.CoreMetadata {
			wheel = f
			break
		}
	}
	if m, err := ix.Metadata(context.Background(), wheel); err != nil || m.Name != "tokenizers" {
		t.Errorf("Metadata from an HTML index: %+v, %v", m, err)
	}
}

func TestNotFound(t *testing.T) {
	s := fakes.PyPI(t, "")
	ix := New(strings.TrimSuffix(s.URL, "/"), testClient(""))
	_, err := ix.Files(context.Background(), "No_Such.Project")
	var nf *index.NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, index.ErrNotFound) {
		t.Fatalf("err = %v (%T), want an index.NotFoundError", err, err)
	}
	if diff := cmp.Diff(index.NotFoundError{Project: "No_Such.Project", Source: s.URL}, *nf); diff != "" {
		t.Errorf("NotFoundError (-want +got):\n%s", diff)
	}
	if reqs := s.Requests(); len(reqs) != 1 || reqs[0].Path != "/simple/no-such-project/" {
		t.Errorf("requests = %+v", reqs)
	}
}

func TestRelativeURLsAfterARedirect(t *testing.T) {
	root := t.TempDir()
	fakes.WriteTree(t, root, map[string]string{
		"simple/demo/index.html": `<!DOCTYPE html><html><body>
<a href="../../files/demo-1.0-py3-none-any.whl#sha256=ABCDEF">demo-1.0-py3-none-any.whl</a>
<a href="/other/demo-1.1.tar.gz">demo-1.1.tar.gz</a>
<a href="demo-1.2.zip#md5=0123">x</a>
<a href="https://cdn.example/pkgs/demo%2B1-2.0-py3-none-any.whl?x=1#egg=demo">demo</a>
<a>no href</a>
</body></html>`,
	})
	s := fakes.PyPI(t, root)
	// The index URL given redirects to the fake: URLs resolve against the
	// page's final URL.
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, s.Base+r.URL.Path, http.StatusFound)
	}))
	defer redirect.Close()
	ix := New(redirect.URL+"/simple/", testClient(""))
	files, err := ix.Files(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Name, URL, Hash string }
	var got []row
	for _, f := range files {
		h := ""
		for k, v := range f.Hashes {
			h = k + ":" + v
		}
		got = append(got, row{f.Filename, f.URL, h})
	}
	want := []row{
		{"demo-1.0-py3-none-any.whl", s.Base + "/files/demo-1.0-py3-none-any.whl", "sha256:abcdef"},
		{"demo-1.1.tar.gz", s.Base + "/other/demo-1.1.tar.gz", ""},
		{"demo-1.2.zip", s.Base + "/simple/demo/demo-1.2.zip", "md5:0123"},
		{"demo+1-2.0-py3-none-any.whl", "https://cdn.example/pkgs/demo%2B1-2.0-py3-none-any.whl?x=1", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if files[0].Origin != redirect.URL+"/simple/demo/" {
		t.Errorf("Origin = %q", files[0].Origin)
	}
}

func TestYankedFiles(t *testing.T) {
	root := t.TempDir()
	fakes.WriteTree(t, root, map[string]string{
		"simple/jy/index.json": `{"meta": {"api-version": "1.1"}, "name": "jy", "files": [
 {"filename": "jy-1.0.tar.gz", "url": "../../files/jy-1.0.tar.gz", "hashes": {}, "yanked": true},
 {"filename": "jy-1.1.tar.gz", "url": "../../files/jy-1.1.tar.gz", "hashes": {}, "yanked": "broken build"},
 {"filename": "jy-1.2.tar.gz", "url": "../../files/jy-1.2.tar.gz", "hashes": {}, "yanked": false},
 {"filename": "jy-1.3.tar.gz", "url": "../../files/jy-1.3.tar.gz", "hashes": {}}]}`,
		"simple/hy/index.html": `<a href="hy-1.0.tar.gz" data-yanked>hy-1.0.tar.gz</a>
<a href="hy-1.1.tar.gz" data-yanked="broken &amp; bad">hy-1.1.tar.gz</a>
<a href="hy-1.2.tar.gz">hy-1.2.tar.gz</a>`,
	})
	s := fakes.PyPI(t, root)
	ix := New(s.URL, testClient(""))
	type row struct {
		Yanked bool
		Reason string
	}
	want := []row{{true, ""}, {true, "broken build"}, {false, ""}, {false, ""}}
	for _, proj := range []string{"jy", "hy"} {
		files, err := ix.Files(context.Background(), proj)
		if err != nil {
			t.Fatal(err)
		}
		var got []row
		for _, f := range files {
			got = append(got, row{f.Yanked, f.YankedReason})
		}
		w := want
		if proj == "hy" {
			w = []row{{true, ""}, {true, "broken & bad"}, {false, ""}}
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("%s yanked (-want +got):\n%s", proj, diff)
		}
	}
}

func TestTamperedMetadataIsRejected(t *testing.T) {
	good := "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
	bad := good + "Requires-Dist: evil\n"
	for _, format := range []string{"json", "html"} {
		t.Run(format, func(t *testing.T) {
			root := t.TempDir()
			fakes.WriteTree(t, root, map[string]string{
				"simple/demo/index.json": `{"meta": {"api-version": "1.1"}, "name": "demo", "files": [
 {"filename": "demo-1.0-py3-none-any.whl", "url": "../../files/demo-1.0-py3-none-any.whl", "hashes": {},
  "core-metadata": {"sha256": "` + sha(good) + `"}}]}`,
				"simple/demo/index.html":                   `<a href="../../files/demo-1.0-py3-none-any.whl" data-dist-info-metadata="sha256=` + sha(good) + `">x</a>`,
				"files/demo-1.0-py3-none-any.whl.metadata": bad,
			})
			var opts []fakes.Option
			if format == "html" {
				opts = append(opts, fakes.WithHTMLOnly())
			}
			s := fakes.PyPI(t, root, opts...)
			ix := New(s.URL, testClient(""))
			files, err := ix.Files(context.Background(), "demo")
			if err != nil {
				t.Fatal(err)
			}
			_, err = ix.Metadata(context.Background(), files[0])
			if err == nil {
				t.Fatal("tampered metadata accepted")
			}
			for _, want := range []string{"demo-1.0-py3-none-any.whl", "sha256 mismatch", sha(good)} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			// The honest file passes.
			fakes.WriteTree(t, root, map[string]string{"files/demo-1.0-py3-none-any.whl.metadata": good})
			if m, err := ix.Metadata(context.Background(), files[0]); err != nil || m.Version != "1.0" {
				t.Errorf("honest metadata: %+v, %v", m, err)
			}
		})
	}
}

func TestConcurrentFilesShareOneRequest(t *testing.T) {
	s := fakes.PyPI(t, "", fakes.WithLatency(20*1e6))
	ix := New(s.URL, testClient(""))
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := ix.Files(context.Background(), "numpy"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := s.Count("/simple/numpy/"); n != 1 {
		t.Errorf("%d requests for one project page", n)
	}
}

// TestSharedRequestOfACanceledCaller: a caller that shares the page
// request of another whose context ends (a lock the torch loop no longer
// needs) asks again instead of failing with the other's cancellation.
func TestSharedRequestOfACanceledCaller(t *testing.T) {
	s := fakes.PyPI(t, "", fakes.WithLatency(100*time.Millisecond))
	ix := New(s.URL, testClient(""))
	ctx, cancel := context.WithCancel(context.Background())
	leader := make(chan error, 1)
	go func() {
		_, err := ix.Files(ctx, "numpy")
		leader <- err
	}()
	time.Sleep(20 * time.Millisecond) // the leader's request is in flight
	follower := make(chan error, 1)
	go func() {
		files, err := ix.Files(context.Background(), "numpy")
		if err == nil && len(files) == 0 {
			err = errors.New("no files")
		}
		follower <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-leader; err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("leader: %v, want context.Canceled", err)
	}
	if err := <-follower; err != nil {
		t.Errorf("follower: %v", err)
	}
}

func TestWarmCache(t *testing.T) {
	projects := []string{"accelerate", "numpy", "Pillow", "torch", "safetensors"}
	cache := t.TempDir()
	s := fakes.PyPI(t, "")
	run := func(ix *Index) {
		t.Helper()
		for _, p := range projects {
			files, err := ix.Files(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				if f.CoreMetadata {
					if _, err := ix.Metadata(context.Background(), f); err != nil {
						t.Fatal(err)
					}
					break
				}
			}
		}
	}
	run(New(s.URL, testClient(cache)))
	cold := len(s.Requests())
	if cold != 2*len(projects) {
		t.Fatalf("cold run made %d requests, want %d", cold, 2*len(projects))
	}

	s.ResetRequests()

	offline := New(s.URL, offlineClient(cache))
	run(offline)
	if n := len(s.Requests()); n != 0 {
		t.Errorf("offline run with a warm cache made %d requests", n)
	}

	// Online, within the pages' max-age: pages are fresh and metadata
	// files content addressed, so no request at all.
	s.ResetRequests()
	c := testClient(cache)
	run(New(s.URL, c))
	if reqs := s.Requests(); len(reqs) != 0 {
		t.Errorf("warm online run made %d requests, want none: first %s", len(reqs), reqs[0].Path)
	}
	if st := c.Stats(); st.FreshHits != int64(cold) || st.Requests != 0 {
		t.Errorf("warm Stats = %+v, want %d fresh hits", st, cold)
	}

	// Once pages are stale (here: freshness turned off), each page is
	// revalidated with a conditional request and metadata files still cost
	// none: no unconditional request, no body downloaded.
	s.ResetRequests()
	stale := fetch.New(fetch.Config{CacheDir: cache, MaxFreshness: -1})
	run(New(s.URL, stale))
	reqs := s.Requests()
	if len(reqs) != len(projects) {
		t.Errorf("stale warm run made %d requests, want %d (one per page)", len(reqs), len(projects))
	}
	for _, r := range reqs {
		if r.Header.Get("If-None-Match") == "" {
			t.Errorf("unconditional request with a warm cache: %s", r.Path)
		}
		if !strings.HasPrefix(r.Path, "/simple/") {
			t.Errorf("request for a content-addressed file with a warm cache: %s", r.Path)
		}
	}
	if st := stale.Stats(); st.NotModified != int64(len(projects)) || st.FreshHits != int64(cold-len(projects)) || st.BytesDownloaded != 0 {
		t.Errorf("stale warm Stats = %+v", st)
	}
}

func TestMulti(t *testing.T) {
	root := t.TempDir()
	fakes.WriteTree(t, root, map[string]string{
		"simple/numpy/index.html":      `<a href="../../files/numpy-9.9-cp312-cp312-linux_x86_64.whl">x</a>`,
		"simple/only-extra/index.html": `<a href="../../files/only_extra-1.0-py3-none-any.whl">x</a>`,
	})
	main := fakes.PyPI(t, "")
	extra := fakes.PyPI(t, root)
	c := testClient("")
	m := NewMulti(New(main.URL, c), New(extra.URL, c))
	ctx := context.Background()
	files, err := m.Files(ctx, "numpy")
	if err != nil {
		t.Fatal(err)
	}
	mainFiles, _ := New(main.URL, c).Files(ctx, "numpy")
	if len(files) != len(mainFiles)+1 || files[len(files)-1].Filename != "numpy-9.9-cp312-cp312-linux_x86_64.whl" {
		t.Errorf("union has %d files (main %d), last %q", len(files), len(mainFiles), files[len(files)-1].Filename)
	}
	if files, err := m.Files(ctx, "only_extra"); err != nil || len(files) != 1 {
		t.Errorf("project only on the extra index: %v, %v", files, err)
	}
	_, err = m.Files(ctx, "nowhere")
	var nf *index.NotFoundError
	if !errors.As(err, &nf) || nf.Source != main.URL+", "+extra.URL {
		t.Errorf("err = %v, want not found on both", err)
	}
	var wheel index.File
	for _, f := range files {
		if f.CoreMetadata {
			wheel = f
		}
	}
	if md, err := m.Metadata(ctx, mainFiles[len(mainFiles)-1]); err != nil && !errors.Is(err, ErrNoMetadata) {
		t.Errorf("Metadata through Multi: %v %v", md, err)
	}
	_ = wheel
}

func TestParseJSONErrors(t *testing.T) {
	tests := []struct{ body, want string }{
		{`{"meta": {"api-version": "2.0"}, "files": []}`, `unsupported Simple API version "2.0"`},
		{`{"files": [{"filename": "a-1.tar.gz"}]}`, `file 0: expected "filename" and "url"`},
		{`{"files": [{"filename": "a-1.tar.gz", "url": "a", "yanked": 3}]}`, `yanked: expected a boolean or a string, got 3`},
		{`{"files": [{"filename": "a-1.tar.gz", "url": "a", "core-metadata": "yes"}]}`, `core-metadata: expected a boolean or a dictionary of hashes`},
		{`{"files": [{"filename": "a-1.tar.gz", "url": "a", "upload-time": "yesterday"}]}`, `expected an ISO 8601 upload-time`},
		{`<html>`, `expected a PEP 691 JSON project page`},
	}
	for _, tt := range tests {
		_, err := ParsePage([]byte(tt.body), "application/vnd.pypi.simple.v1+json", "https://x.test/simple/a/")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParsePage(%s) error = %v, want %q", tt.body, err, tt.want)
		}
	}
}

func TestParseJSONFields(t *testing.T) {
	body := `{"meta": {"api-version": "1.4"}, "name": "a", "versions": ["1.0"], "files": [
 {"filename": "a-1.0-py3-none-any.whl", "url": "https://f.test/a-1.0-py3-none-any.whl", "hashes": {"SHA256": "AB"},
  "size": 1234, "upload-time": "2024-03-01T10:11:12.123456Z", "core-metadata": true, "requires-python": " >=3.9 "},
 {"filename": "a-1.0.tar.gz", "url": "/a-1.0.tar.gz#sha256=cd", "dist-info-metadata": {"sha256": "EF"}},
 {"filename": "a-0.9.tar.gz", "url": "/a-0.9.tar.gz", "data-dist-info-metadata": false, "core-metadata": null}]}`
	files, err := ParsePage([]byte(body), "application/vnd.pypi.simple.v1+json; charset=utf-8", "https://x.test/simple/a/")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		URL, Hashes, RP, Meta, Upload string
		Size                          int64
		Core                          bool
	}
	var got []row
	for _, f := range files {
		up := ""
		if !f.UploadTime.IsZero() {
			up = f.UploadTime.Format("2006-01-02T15:04:05.000000")
		}
		got = append(got, row{f.URL, fmt.Sprint(f.Hashes), f.RequiresPython, fmt.Sprint(f.MetadataHashes), up, f.Size, f.CoreMetadata})
	}
	want := []row{
		{"https://f.test/a-1.0-py3-none-any.whl", "map[sha256:ab]", ">=3.9", "map[]", "2024-03-01T10:11:12.123456", 1234, true},
		{"https://x.test/a-1.0.tar.gz", "map[sha256:cd]", "", "map[sha256:ef]", "", 0, true},
		{"https://x.test/a-0.9.tar.gz", "map[]", "", "map[]", "", 0, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

func TestParseHTML(t *testing.T) {
	body := `<html><head><base href="https://cdn.test/base/"></head><body>
<a href="a-1.0-py3-none-any.whl#sha256=AA" data-requires-python="&gt;=3.8,&lt;4" data-core-metadata="sha256=BB">a-1.0-py3-none-any.whl</a>
<A HREF="a-1.1-py3-none-any.whl" data-dist-info-metadata="true">
<a href="a-1.2-py3-none-any.whl" data-core-metadata="false" data-dist-info-metadata="sha256=cc"/>
<a href="sub/">not a file</a>
</body></html>`
	files, err := ParsePage([]byte(body), "text/html", "https://x.test/simple/a/")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name, URL, Hashes, RP, Meta string
		Core                        bool
	}
	var got []row
	for _, f := range files {
		got = append(got, row{f.Filename, f.URL, fmt.Sprint(f.Hashes), f.RequiresPython, fmt.Sprint(f.MetadataHashes), f.CoreMetadata})
	}
	want := []row{
		{"a-1.0-py3-none-any.whl", "https://cdn.test/base/a-1.0-py3-none-any.whl", "map[sha256:aa]", ">=3.8,<4", "map[sha256:bb]", true},
		{"a-1.1-py3-none-any.whl", "https://cdn.test/base/a-1.1-py3-none-any.whl", "map[]", "", "map[]", true},
		{"a-1.2-py3-none-any.whl", "https://cdn.test/base/a-1.2-py3-none-any.whl", "map[]", "", "map[]", false},
		{"not a file", "https://cdn.test/base/sub/", "map[]", "", "map[]", false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

// TestRemotePageLinksStayHTTP: a remote page's links are followed only
// over http(s); a file:// link (or any other scheme) is skipped, so that a
// page someone else serves never makes zgpu read a local file. A local
// page (file://, the user's own -f folder) may link to local files.
func TestRemotePageLinksStayHTTP(t *testing.T) {
	html := `<a href="file:///etc/passwd#sha256=00">x-1.0-py3-none-any.whl</a>
<a href="ftp://h/x-1.1-py3-none-any.whl">x-1.1-py3-none-any.whl</a>
<a href="/files/x-1.2-py3-none-any.whl">x-1.2-py3-none-any.whl</a>`
	json := `{"meta":{"api-version":"1.1"},"files":[{"filename":"x-1.0-py3-none-any.whl","url":"file:///etc/passwd","hashes":{}},{"filename":"x-1.2-py3-none-any.whl","url":"../../files/x-1.2-py3-none-any.whl","hashes":{}}]}`
	for _, tc := range []struct{ body, ct string }{{html, "text/html"}, {json, "application/vnd.pypi.simple.v1+json"}} {
		files, err := ParsePage([]byte(tc.body), tc.ct, "https://evil.test/simple/x/")
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != 1 || files[0].URL != "https://evil.test/files/x-1.2-py3-none-any.whl" {
			t.Errorf("%s: files = %+v, want only the https one", tc.ct, files)
		}
	}
	files, err := ParsePage([]byte(html), "text/html", "file:///home/u/wheels/index.html")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || files[0].URL != "file:///etc/passwd" {
		t.Errorf("local page: files = %+v, want its file:// link kept", files)
	}
}
