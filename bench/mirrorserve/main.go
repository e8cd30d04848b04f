// Command mirrorserve serves a static PyPI mirror as
// ../shared/tools/mirror_server.py does (simple/<name>/index.json or
// index.html by PEP 691 content negotiation, files as they are, the same
// added latency, no ETag and no Cache-Control, the same request log), but
// in Go: bench/speed.sh runs it with SERVER=go to tell how much of a
// benchmark's wall time is the Python server's own CPU (one request at a
// time under its GIL) rather than the client's.
//
//	mirrorserve MIRROR_DIR PORT_FILE [-latency-ms N] [-log FILE]
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

func main() {
	fs := flag.NewFlagSet("mirrorserve", flag.ExitOnError)
	latency := fs.Float64("latency-ms", 0, "latency added to every request")
	logPath := fs.String("log", "", "request log: time, status, path per line")
	// The folder and the port file come first, as mirror_server.py takes them.
	if len(os.Args) < 3 || fs.Parse(os.Args[3:]) != nil || fs.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: mirrorserve MIRROR_DIR PORT_FILE [-latency-ms N] [-log FILE]")
		os.Exit(2)
	}
	root, err := filepath.Abs(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var mu sync.Mutex
	var logf *os.File
	if *logPath != "" {
		if logf, err = os.OpenFile(*logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Duration(*latency * float64(time.Millisecond)))
		code, ctype, body := serve(root, r)
		if logf != nil {
			mu.Lock()
			fmt.Fprintf(logf, "%.4f\t%d\t%s\n", float64(time.Now().UnixNano())/1e9, code, r.URL.RequestURI())
			mu.Unlock()
		}
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(code)
		w.Write(body)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[2], []byte(fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, http.Serve(ln, h))
	os.Exit(1)
}

// serve answers one request as mirror_server.py does.
func serve(root string, r *http.Request) (int, string, []byte) {
	full := filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/")))
	if full != root && !strings.HasPrefix(full, root+string(filepath.Separator)) {
		return 404, "text/plain", []byte("not found")
	}
	ctype := "application/octet-stream"
	if st, err := os.Stat(full); err == nil && st.IsDir() {
		j, h := filepath.Join(full, "index.json"), filepath.Join(full, "index.html")
		switch {
		case strings.Contains(r.Header.Get("Accept"), "application/vnd.pypi.simple.v1+json") && exists(j):
			full, ctype = j, "application/vnd.pypi.simple.v1+json"
		case exists(h):
			full, ctype = h, "text/html"
		case exists(j):
			full, ctype = j, "application/vnd.pypi.simple.v1+json"
		}
	} else if strings.HasSuffix(full, ".json") {
		ctype = "application/json"
	}
	body, err := os.ReadFile(full)
	if err != nil {
		return 404, "text/plain", []byte("not found")
	}
	return 200, ctype, body
}

func exists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
