package shared

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// RecordEnv is the environment variable that makes differential tests run
// CPython's pip (and its vendored packaging) live and record the answers:
// ZGPU_PIPORACLE=1 go test ./... Without it, the answers recorded under
// each package's testdata/oracle are read, so that the tests need neither
// Python nor pip.
const RecordEnv = "ZGPU_PIPORACLE"

// Recording reports whether the oracle runs live and records (RecordEnv).
func Recording() bool {
	v := os.Getenv(RecordEnv)
	return v != "" && v != "0" && v != "false"
}

// Oracle is one run of the reference Python: the interpreter with Args,
// Stdin, in Dir, with Env added to the environment. Its answer (stdout) is
// recorded in testdata/oracle/<Name>.json.gz of the test's package, keyed
// by everything it depends on: the arguments, the content of every
// argument that is a file (the script), Stdin, Env, and the files under
// each of Roots, whose paths (which change from run to run: temporary
// folders) are replaced by $ROOT0, $ROOT1... in the key and the answer.
type Oracle struct {
	Name  string
	Args  []string
	Stdin []byte
	Dir   string
	Env   []string
	Roots []string
	// Replace are more strings that change from run to run (a folder whose
	// files are not part of the key, a server's URL): replaced as Roots
	// are, after them ($ROOTn numbering continues).
	Replace []string
	// Python returns the interpreter; nil means Python (CPython 3.13).
	Python func(testing.TB) string
}

// Output returns the oracle's stdout: recorded, or (RecordEnv set) from
// running it, which records it. A missing recording fails the test with
// how to make it.
func (o Oracle) Output(tb testing.TB) []byte {
	tb.Helper()
	out, ok := o.Lookup(tb)
	if !ok {
		tb.Fatalf("no recorded answer of the %s oracle for this input in testdata/oracle: the test or its input changed; record it with %s=1 go test (runs CPython 3.13's pip)", o.Name, RecordEnv)
	}
	return out
}

// Lookup is Output that reports a missing recording (ok false) instead of
// failing the test: for questions about what the code under test writes,
// which changes with it, so that the caller can fall back to another check.
func (o Oracle) Lookup(tb testing.TB) (_ []byte, ok bool) {
	tb.Helper()
	key := o.key(tb)
	rec := recordings(tb, o.Name)
	if !Recording() {
		ans, ok := rec.get(key)
		if !ok {
			return nil, false
		}
		return []byte(o.unroot(ans)), true
	}
	py := Python
	if o.Python != nil {
		py = o.Python
	}
	cmd := exec.Command(py(tb), o.Args...)
	cmd.Dir = o.Dir
	cmd.Stdin = bytes.NewReader(o.Stdin)
	cmd.Env = append(os.Environ(), o.Env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("%s oracle: %v\n%s", o.Name, err, stderr.Bytes())
	}
	rec.put(tb, key, o.root(string(out)))
	return out, true
}

// varying are Roots and Replace, numbered as $ROOTn.
func (o Oracle) varying() []string {
	return append(append([]string(nil), o.Roots...), o.Replace...)
}

// Store records out as o's answer when recording (RecordEnv), for a test
// that asks many questions of one live run and records each answer on its
// own (so that one changed input leaves the others' answers in use).
func (o Oracle) Store(tb testing.TB, out []byte) {
	tb.Helper()
	if Recording() {
		recordings(tb, o.Name).put(tb, o.key(tb), o.root(string(out)))
	}
}

// root replaces the varying strings in s by $ROOTn (longest first).
func (o Oracle) root(s string) string {
	v := o.varying()
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return len(v[idx[a]]) > len(v[idx[b]]) })
	for _, i := range idx {
		if v[i] != "" {
			s = strings.ReplaceAll(s, v[i], "$ROOT"+strconv.Itoa(i))
		}
	}
	return s
}

// unroot is root undone.
func (o Oracle) unroot(s string) string {
	v := o.varying()
	for i := len(v) - 1; i >= 0; i-- {
		s = strings.ReplaceAll(s, "$ROOT"+strconv.Itoa(i), v[i])
	}
	return s
}

// key hashes what the answer depends on.
func (o Oracle) key(tb testing.TB) string {
	tb.Helper()
	h := sha256.New()
	put := func(s string) { fmt.Fprintf(h, "%d:%s", len(s), s) }
	for _, a := range o.Args {
		put(o.root(a))
		if fi, err := os.Stat(o.path(a)); err == nil && fi.Mode().IsRegular() {
			data, err := os.ReadFile(o.path(a))
			if err != nil {
				tb.Fatal(err)
			}
			put(string(data))
		}
	}
	put(o.root(string(o.Stdin)))
	put(o.root(o.Dir))
	for _, e := range o.Env {
		put(o.root(e))
	}
	for i, r := range o.Roots {
		put("$ROOT" + strconv.Itoa(i))
		err := filepath.WalkDir(r, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(r, p)
			put(rel + "|" + d.Type().String())
			if d.Type().IsRegular() {
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				put(o.root(string(data)))
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// path resolves an argument against Dir, as the interpreter would.
func (o Oracle) path(a string) string {
	if filepath.IsAbs(a) || o.Dir == "" {
		return a
	}
	return filepath.Join(o.Dir, a)
}

// recording is one testdata/oracle/<name>.json.gz: key -> answer.
type recording struct {
	mu      sync.Mutex
	path    string
	answers map[string]string
}

var recordingsMu sync.Mutex
var recordingsByPath = map[string]*recording{}

func recordings(tb testing.TB, name string) *recording {
	tb.Helper()
	name = strings.NewReplacer("/", "-", " ", "_", string(filepath.Separator), "-").Replace(name)
	p, err := filepath.Abs(filepath.Join("testdata", "oracle", name+".json.gz"))
	if err != nil {
		tb.Fatal(err)
	}
	recordingsMu.Lock()
	defer recordingsMu.Unlock()
	if r, ok := recordingsByPath[p]; ok {
		return r
	}
	r := &recording{path: p, answers: map[string]string{}}
	// Recording starts afresh, so that answers no test asks for any more
	// are dropped; each test records under its own name.
	if data, err := os.ReadFile(p); err == nil && !Recording() {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		if err := json.Unmarshal(raw, &r.answers); err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
	}
	recordingsByPath[p] = r
	return r
}

func (r *recording) get(key string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.answers[key]
	if b, isB64 := strings.CutPrefix(a, "base64:"); ok && isB64 {
		data, err := base64.StdEncoding.DecodeString(b)
		return string(data), err == nil
	}
	return a, ok
}

// put records an answer and rewrites the file (sorted keys, so that a
// re-recording with the same answers changes nothing).
func (r *recording) put(tb testing.TB, key, answer string) {
	tb.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if !utf8.ValidString(answer) || strings.HasPrefix(answer, "base64:") {
		answer = "base64:" + base64.StdEncoding.EncodeToString([]byte(answer))
	}
	r.answers[key] = answer
	raw, err := json.MarshalIndent(r.answers, "", " ")
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(raw)
	zw.Close()
	if err := os.MkdirAll(filepath.Dir(r.path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(r.path, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
}
