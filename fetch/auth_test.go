package fetch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const password = "pw-s3cr3t-9f2c"

// basicServer answers 200 to requests carrying user:password as Basic
// auth, 401 to others, and records what each request carried.
func basicServer(t *testing.T, name string, log *authLog) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(log.handler(name, func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "user" || p != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="private"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Cache-Control", "max-age=600")
		fmt.Fprintf(w, `<a href="/files/x.whl">x</a>`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestIndexCredentialsSentAsBasicToTheirHostOnly(t *testing.T) {
	var log authLog
	priv := basicServer(t, "index", &log)
	other := httptest.NewServer(log.handler("other", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") }))
	t.Cleanup(other.Close)
	cache := t.TempDir()
	var logs []string
	cfg := fastConfig(cache)
	cfg.Transport = hostsTransport(map[string]string{
		"index.test": priv.Listener.Addr().String(),
		"other.test": other.Listener.Addr().String(),
	})
	cfg.Logf = func(f string, a ...any) { logs = append(logs, fmt.Sprintf(f, a...)) }
	c := New(cfg)
	ctx := context.Background()

	res, err := c.Get(ctx, Request{URL: "http://user:" + password + "@index.test/simple/x/"})
	if err != nil {
		t.Fatalf("Get with userinfo: %v", err)
	}
	if strings.Contains(res.URL, password) {
		t.Errorf("Response.URL keeps the password: %s", res.URL)
	}
	// A file on the same host, linked without userinfo, gets the
	// credential; another host never does.
	if _, err := c.Get(ctx, Request{URL: "http://index.test/files/x.whl"}); err != nil {
		t.Errorf("same-host file: %v", err)
	}
	if _, err := c.Get(ctx, Request{URL: "http://other.test/files/x.whl"}); err != nil {
		t.Errorf("other host: %v", err)
	}
	want := []string{"index Basic dXNlcjpwdy1zM2NyM3QtOWYyYw==", "index Basic dXNlcjpwdy1zM2NyM3QtOWYyYw==", "other "}
	if strings.Join(log.seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("Authorization seen:\n%s\nwant:\n%s", strings.Join(log.seen, "\n"), strings.Join(want, "\n"))
	}
	// A fresh cached page is served again without the userinfo in the
	// URL leaking into the cache.
	if _, err := c.Get(ctx, Request{URL: "http://user:" + password + "@index.test/simple/x/"}); err != nil {
		t.Fatal(err)
	}
	assertNoSecretInTree(t, cache, password)
	for _, l := range logs {
		if strings.Contains(l, password) {
			t.Errorf("log line leaks the password: %s", l)
		}
	}
	// The cache is private: folders 0700, entries 0600.
	filepath.WalkDir(filepath.Join(cache, "http"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := d.Info()
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), want)
		}
		return nil
	})
}

// assertNoSecretInTree fails when any file under dir holds secret.
func assertNoSecretInTree(t *testing.T, dir, secret string) {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		data, _ := os.ReadFile(p)
		if strings.Contains(string(data), secret) {
			t.Errorf("%s holds the secret", p)
		}
		return nil
	})
	if n == 0 {
		t.Errorf("no files in %s", dir)
	}
}

func TestUnauthorizedNamesTheHost(t *testing.T) {
	var log authLog
	priv := basicServer(t, "index", &log)
	c := New(Config{MaxRetries: -1, Transport: hostsTransport(map[string]string{"index.test": priv.Listener.Addr().String()})})
	_, err := c.Get(context.Background(), Request{URL: "http://index.test/simple/x/"})
	var se *StatusError
	if !errors.As(err, &se) || !se.Unauthorized() {
		t.Fatalf("err = %v, want a 401 StatusError", err)
	}
	if !strings.Contains(err.Error(), "index.test needs credentials") || !strings.Contains(err.Error(), "~/.netrc") {
		t.Errorf("err = %v, want a hint naming the host", err)
	}
	c = New(Config{MaxRetries: -1, Transport: hostsTransport(map[string]string{"index.test": priv.Listener.Addr().String()})})
	_, err = c.Get(context.Background(), Request{URL: "http://user:wrong-" + password + "@index.test/simple/x/"})
	if err == nil || !strings.Contains(err.Error(), "credentials sent to index.test were refused") || strings.Contains(err.Error(), password) {
		t.Errorf("err = %v, want refused credentials without the password", err)
	}
}

func TestNetrcCredentials(t *testing.T) {
	var log authLog
	priv := basicServer(t, "index", &log)
	rc := filepath.Join(t.TempDir(), "netrc")
	os.WriteFile(rc, []byte("machine elsewhere.test login a password b\n\nmachine index.test\n  login user\n  password "+password+"\ndefault login anon password anon\n"), 0o600)
	c := New(Config{NetrcPath: rc, MaxRetries: -1, Transport: hostsTransport(map[string]string{"index.test": priv.Listener.Addr().String()})})
	if _, err := c.Get(context.Background(), Request{URL: "http://index.test/simple/x/"}); err != nil {
		t.Fatalf("Get with netrc credentials: %v", err)
	}
	got := parseNetrc([]byte("machine h1 login u1 password p1 account x machine h2 login u2\ndefault login d password dp"))
	want := []Credential{{"h1", "u1", "p1"}, {"h2", "u2", ""}, {"", "d", "dp"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("parseNetrc = %v, want %v", got, want)
	}
}

func TestBodyCap(t *testing.T) {
	endless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/declared" {
			w.Header().Set("Content-Length", "1073741824")
			w.WriteHeader(200)
			return
		}
		buf := make([]byte, 32<<10)
		for i := 0; i < 1<<8; i++ { // 8 MiB
			if _, err := w.Write(buf); err != nil {
				return
			}
		}
	}))
	t.Cleanup(endless.Close)
	cfg := fastConfig(t.TempDir())
	cfg.MaxBody = 1 << 20
	c := New(cfg)
	for _, p := range []string{"/stream", "/declared"} {
		_, err := c.Get(context.Background(), Request{URL: endless.URL + p})
		var tl *BodyTooLargeError
		if !errors.As(err, &tl) || !strings.Contains(err.Error(), "exceeds the 1 MiB cap") {
			t.Errorf("%s: err = %v, want the 1 MiB cap", p, err)
		}
	}
	if n := c.Stats().Retries; n != 0 {
		t.Errorf("an oversized body was retried %d times", n)
	}
	if n := c.Stats().BytesDownloaded; n > 4<<20 {
		t.Errorf("read %d bytes for a 1 MiB cap", n)
	}
	// A request's own cap wins.
	if _, err := c.Get(context.Background(), Request{URL: endless.URL + "/stream", MaxBytes: 16 << 20}); err != nil {
		t.Errorf("with MaxBytes 16 MiB: %v", err)
	}
}

// TestPlaceholderCredentials: a userinfo written as ${VAR} placeholders
// (pip's syntax, kept as written by the requirements reader) is expanded
// from the environment when the request is sent, as HTTP Basic to that
// host, and the value never reaches the cache.
func TestPlaceholderCredentials(t *testing.T) {
	var log authLog
	priv := basicServer(t, "index", &log)
	cache := t.TempDir()
	cfg := fastConfig(cache)
	cfg.Transport = hostsTransport(map[string]string{"index.test": priv.Listener.Addr().String()})
	cfg.Getenv = func(k string) (string, bool) {
		v, ok := map[string]string{"IDX_USER": "user", "IDX_PASSWORD": password}[k]
		return v, ok
	}
	c := New(cfg)
	if _, err := c.Get(context.Background(), Request{URL: "http://${IDX_USER}:${IDX_PASSWORD}@index.test/simple/x/"}); err != nil {
		t.Fatalf("Get with placeholders: %v", err)
	}
	if got, want := strings.Join(log.seen, "\n"), "index Basic dXNlcjpwdy1zM2NyM3QtOWYyYw=="; got != want {
		t.Errorf("Authorization seen %q, want %q", got, want)
	}
	assertNoSecretInTree(t, cache, password)
}
