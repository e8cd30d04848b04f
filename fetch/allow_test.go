package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestAllowHosts(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	c := New(Config{AllowHosts: []string{"127.0.0.1"}, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if _, err := c.Get(context.Background(), Request{URL: srv.URL}); err != nil {
		t.Fatalf("allowed host: %v", err)
	}
	_, err := c.Get(context.Background(), Request{URL: "https://pypi.example.invalid/simple/"})
	var hna *HostNotAllowedError
	if !errors.As(err, &hna) || hna.Host != "pypi.example.invalid" {
		t.Fatalf("err = %v, want HostNotAllowedError", err)
	}
	if st := c.Stats(); st.Retries != 0 {
		t.Errorf("retried a host that is not allowed: %+v", st)
	}
}
