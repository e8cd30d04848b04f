package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// TestHTTP2WhereOffered: the default transport negotiates HTTP/2 with a
// TLS server that offers it (ALPN), so the requests in flight share one
// connection; a plain HTTP/1.1 server still works.
func TestHTTP2WhereOffered(t *testing.T) {
	var proto atomic.Value
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proto.Store(r.Proto)
		w.Write([]byte("ok"))
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	c := New(Config{})
	tr, ok := c.lt.base.(*http.Transport)
	if !ok {
		t.Fatalf("default transport is %T", c.lt.base)
	}
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{}
	}
	tr.TLSClientConfig.RootCAs = pool
	if _, err := c.Get(context.Background(), Request{URL: srv.URL + "/x"}); err != nil {
		t.Fatal(err)
	}
	if got := proto.Load(); got != "HTTP/2.0" {
		t.Errorf("protocol = %v, want HTTP/2.0", got)
	}
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proto.Store(r.Proto)
		w.Write([]byte("ok"))
	}))
	defer plain.Close()
	if _, err := c.Get(context.Background(), Request{URL: plain.URL + "/x"}); err != nil {
		t.Fatal(err)
	}
	if got := proto.Load(); got != "HTTP/1.1" {
		t.Errorf("protocol = %v, want HTTP/1.1", got)
	}
}
