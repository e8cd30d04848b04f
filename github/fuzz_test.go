package github

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/zgpu/zgpu/fetch"
)

// answer is what the fuzz server sends: status, Link and rate headers, body.
type answer struct {
	status    int
	link      string
	remaining string
	body      string
}

type answerServer struct {
	mu sync.Mutex
	a  answer
}

func (s *answerServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	a := s.a
	s.mu.Unlock()
	if a.link != "" {
		w.Header().Set("Link", a.link)
	}
	w.Header().Set("X-RateLimit-Remaining", a.remaining)
	w.Header().Set("X-RateLimit-Reset", "1900000000")
	w.Header().Set("X-RateLimit-Limit", "60")
	if a.status >= 200 && a.status < 600 && a.status != 200 {
		w.WriteHeader(a.status)
	}
	io.WriteString(w, a.body)
}

// FuzzReleases: the GitHub releases API's answer (status, Link and rate
// headers and JSON body of any content, the /rate_limit answer alike),
// served over a loopback server, is decoded or refused with an error;
// never a panic, a hang or a request off the loopback host.
func FuzzReleases(f *testing.F) {
	f.Add(200, "", "59", `[{"tag_name":"v2.8.3","name":"v2.8.3","draft":false,"prerelease":false,"created_at":"2025-08-14T00:00:00Z","published_at":"2025-08-15T00:00:00Z","assets":[{"name":"flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl","size":1,"state":"uploaded","digest":"sha256:00","browser_download_url":"https://github.com/o/r/releases/download/v2.8.3/x.whl"}]}]`)
	f.Add(200, `</repos/o/r/releases?page=2>; rel="next"`, "1", `[{"tag_name":"a","assets":[{"name":"\u001b]0;x\u0007.whl"}]}]`)
	f.Add(403, "", "0", `{"message":"API rate limit exceeded","resources":{"core":{"reset":1900000000}}}`)
	f.Add(200, `<http://example.com/x>; rel="next"`, "", `{`)
	srv := &answerServer{}
	ts := httptest.NewServer(srv)
	f.Cleanup(ts.Close)
	u, _ := url.Parse(ts.URL)
	fc := fetch.New(fetch.Config{MaxRetries: -1, Timeout: 5 * time.Second, AllowHosts: []string{u.Hostname()}})
	f.Fuzz(func(t *testing.T, status int, link, remaining, body string) {
		srv.mu.Lock()
		srv.a = answer{status: status, link: link, remaining: remaining, body: body}
		srv.mu.Unlock()
		c := New(fc, ts.URL)
		c.Releases(context.Background(), "o/r")
		files, err := c.Assets(context.Background(), "o/r")
		if err == nil {
			for _, f := range files {
				if f.Filename == "" || f.URL == "" {
					t.Errorf("asset without a name or URL: %+v", f)
				}
			}
		}
	})
}
