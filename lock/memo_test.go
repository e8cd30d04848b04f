package lock_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/lock"
	"github.com/zgpu/zgpu/pep508"
	"github.com/zgpu/zgpu/pypi"
)

type mapMemo struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (m *mapMemo) Derived(key string) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.m[key]
}

func (m *mapMemo) StoreDerived(key string, data []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[key] = data
}

func versions(pins []lock.Pin) []string {
	var out []string
	for _, p := range pins {
		out = append(out, p.Name+"=="+p.Version)
	}
	return out
}

// keyOf returns the one key of m.
func keyOf(m *mapMemo) string {
	for k := range m.m {
		return k
	}
	return ""
}

// pagesRead returns the project pages s served, in order.
func pagesRead(s *fakes.Server) []string {
	var out []string
	for _, r := range s.Requests() {
		if strings.HasPrefix(r.Path, "/simple/") {
			out = append(out, strings.Trim(strings.TrimPrefix(r.Path, "/simple/"), "/"))
		}
	}
	return out
}

// TestMemoListsTheLastLocksProjectsAtOnce: a lock with a Memo remembers
// every project it listed; the next lock of the same roots lists them
// before the resolver asks (here, with one request in flight, before any
// metadata file) and pins the same versions. Other roots do not share it.
func TestMemoListsTheLastLocksProjectsAtOnce(t *testing.T) {
	memo := &mapMemo{m: map[string][]byte{}}
	reqs := []string{"transformers", "accelerate"}
	run := func(opt lock.Options, reqs ...string) ([]lock.Pin, *fakes.Server) {
		t.Helper()
		s := fakes.PyPI(t, "")
		c := fetch.New(fetch.Config{MaxRetries: -1})
		res, err := lock.Lock(context.Background(), pypi.New(s.URL, c), pypi.NewReader(c), opt, request(t, reqs...))
		if err != nil || res.Unsat != nil {
			t.Fatalf("lock: %v %v", err, res.Unsat)
		}
		return res.Pins, s
	}
	opt := lock.Options{Target: target, Memo: memo, MemoScope: "mirror", Concurrency: 1}
	first, s1 := run(opt, reqs...)
	if len(memo.m) != 1 {
		t.Fatalf("%d memo entries after a lock, want 1", len(memo.m))
	}
	listed := pagesRead(s1)
	slices.Sort(listed)
	for _, p := range first {
		if _, ok := slices.BinarySearch(listed, pep508.NormalizeName(p.Name)); !ok {
			t.Errorf("pinned %s without listing it", p.Name)
		}
	}
	// A lock of the same roots lists every remembered project (here a
	// lock of the same request: the same ones) and pins the same.
	second, s2 := run(opt, reqs...)
	if diff := cmp.Diff(versions(first), versions(second)); diff != "" {
		t.Errorf("pins with the memo differ (-first +second):\n%s", diff)
	}
	listed2 := pagesRead(s2)
	slices.Sort(listed2)
	if diff := cmp.Diff(listed, listed2); diff != "" {
		t.Errorf("pages read with the memo differ (-first +second):\n%s", diff)
	}
	// Remembered: only the project pages with releases.
	for _, name := range strings.Split(string(memo.m[keyOf(memo)]), "\n") {
		if _, ok := slices.BinarySearch(listed, name); !ok {
			t.Errorf("remembered %s, which the lock did not list", name)
		}
	}
	// What is remembered is listed, needed or not, and changes nothing.
	k := keyOf(memo)
	memo.m[k] = append(memo.m[k], "\nsix"...)
	// The roots' listings wait for six's: it must be asked for without
	// anything requiring it.
	s3 := fakes.PyPI(t, "")
	c3 := fetch.New(fetch.Config{MaxRetries: -1})
	l3 := &waitLister{Lister: pypi.New(s3.URL, c3), waiter: "transformers", awaited: "six", asked: make(chan struct{})}
	opt3 := opt
	opt3.Concurrency = 0 // more than one: transformers' listing holds its slot while it waits
	res3, err := lock.Lock(context.Background(), l3, pypi.NewReader(c3), opt3, request(t, reqs...))
	if err != nil || res3.Unsat != nil {
		t.Fatalf("lock: %v %v", err, res3.Unsat)
	}
	if diff := cmp.Diff(versions(first), versions(res3.Pins)); diff != "" {
		t.Errorf("pins with six remembered differ (-first +third):\n%s", diff)
	}
	select {
	case <-l3.asked:
	default:
		t.Error("a remembered project was not listed")
	}
	if slices.Contains(listed, "six") {
		t.Error("six was needed after all")
	}
	if strings.Contains(string(memo.m[k]), "six") {
		t.Error("a project listed only because it was remembered is remembered again")
	}
	run(lock.Options{Target: target, Memo: memo, MemoScope: "mirror"}, "six")
	if len(memo.m) != 2 {
		t.Errorf("%d memo entries after a lock of other roots, want 2", len(memo.m))
	}
}

// waitLister makes the listing of one project wait until another's was
// asked for (or a timeout passes), to observe a read ahead without timing.
type waitLister struct {
	index.Lister
	waiter, awaited string
	asked           chan struct{}
	once            sync.Once
}

func (w *waitLister) Files(ctx context.Context, name string) ([]index.File, error) {
	switch name {
	case w.awaited:
		w.once.Do(func() { close(w.asked) })
	case w.waiter:
		select {
		case <-w.asked:
		case <-time.After(10 * time.Second):
		}
	}
	return w.Lister.Files(ctx, name)
}

// TestPrefetchReadsAheadWithoutRequiring: a Prefetch requirement is read
// ahead (its listing is asked for while the request's own is held back)
// but never pinned unless something requires it.
func TestPrefetchReadsAheadWithoutRequiring(t *testing.T) {
	s := fakes.PyPI(t, "")
	c := fetch.New(fetch.Config{MaxRetries: -1})
	six, err := pep508.ParseRequirement("six")
	if err != nil {
		t.Fatal(err)
	}
	l := &waitLister{Lister: pypi.New(s.URL, c), waiter: "idna", awaited: "six", asked: make(chan struct{})}
	opt := lock.Options{Target: target, Prefetch: []pep508.Requirement{six}}
	res, err := lock.Lock(context.Background(), l, pypi.NewReader(c), opt, request(t, "idna"))
	if err != nil || res.Unsat != nil {
		t.Fatalf("lock: %v %v", err, res.Unsat)
	}
	if got := pins(res); len(got) != 1 || got["idna"] == "" {
		t.Errorf("pins = %v, want idna alone", got)
	}
	select {
	case <-l.asked:
	default:
		t.Error("the Prefetch requirement's project was not read ahead")
	}
}
