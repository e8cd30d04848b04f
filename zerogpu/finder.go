package zerogpu

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/target"
	"github.com/zgpu/zgpu/wheelfind"
)

// ListerFor turns a catalog source into a lister of files, or reports false
// when it cannot (offline, an unsupported kind, a URL template it cannot
// fill). The CLI supplies it with the network sources; tests with fakes.
type ListerFor func(s catalog.Source) (index.Lister, bool)

// SourceFinder finds prebuilt wheels with wheelfind across the catalog's
// sources for each package, and falls back to the catalog's snapshot of
// known wheels when no source answers. Listings are fetched once per run.
type SourceFinder struct {
	Catalog   *catalog.Catalog
	ListerFor ListerFor // nil: the snapshot only
	// Warn, when set, is told about sources that failed.
	Warn func(format string, args ...any)
	// Extra are wheel sources searched for every CUDA package after the
	// catalog's (the input's own index lines, InputSources).
	Extra []catalog.Source
	// ProjectSources, when set, returns the project's own wheel sources of
	// a package (a [[tool.uv.index]] that [tool.uv.sources] sends it to),
	// searched before the catalog's.
	ProjectSources func(pkg string) []wheelfind.Source
	// PublicURL, when set, rewrites a found wheel's URL to the one the
	// Space builder fetches (see PublicURL).
	PublicURL func(string) string

	mu    sync.Mutex
	lists map[string]*memoLister
}

// memoLister lists a project once.
type memoLister struct {
	l    index.Lister
	mu   sync.Mutex
	done map[string]memoResult
}

type memoResult struct {
	files []index.File
	err   error
}

func (m *memoLister) Files(ctx context.Context, project string) ([]index.File, error) {
	m.mu.Lock()
	if r, ok := m.done[project]; ok {
		m.mu.Unlock()
		return r.files, r.err
	}
	m.mu.Unlock()
	files, err := m.l.Files(ctx, project)
	if ctx.Err() == nil {
		m.mu.Lock()
		m.done[project] = memoResult{files, err}
		m.mu.Unlock()
	}
	return files, err
}

func (f *SourceFinder) memo(key string, l index.Lister) index.Lister {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.lists == nil {
		f.lists = map[string]*memoLister{}
	}
	if m, ok := f.lists[key]; ok {
		return m
	}
	m := &memoLister{l: l, done: map[string]memoResult{}}
	f.lists[key] = m
	return m
}

// Sources returns the wheel sources of a package for a torch build, in the
// catalog's order of preference, each listing memoized.
func (f *SourceFinder) Sources(pkg, torch string, cuda [2]int) []wheelfind.Source {
	p, ok := f.Catalog.Package(pkg)
	if !ok {
		return nil
	}
	var out []wheelfind.Source
	if f.ProjectSources != nil {
		for _, s := range f.ProjectSources(pkg) {
			s.Lister = f.memo("project "+s.Name, s.Lister)
			out = append(out, s)
		}
	}
	if f.ListerFor == nil {
		return out
	}
	for _, s := range append(append([]catalog.Source(nil), p.Sources...), f.Extra...) {
		s, ok := s.Expand(torch, cuda)
		if !ok {
			continue
		}
		l, ok := f.ListerFor(s)
		if !ok {
			continue
		}
		out = append(out, wheelfind.Source{Name: s.String(), Kind: s.Kind, Lister: f.memo(s.String(), l)})
	}
	return out
}

func (f *SourceFinder) snapshot() wheelfind.Source {
	return wheelfind.Source{Name: "catalog snapshot " + f.Catalog.Meta.Date, Kind: "snapshot",
		Lister: f.memo("snapshot", catalog.SnapshotLister{C: f.Catalog})}
}

// Prefetch lists, concurrently, every source of every package that does
// not depend on the torch version, so that the per-torch searches Plan
// makes afterwards find the listings in memory.
func (f *SourceFinder) Prefetch(ctx context.Context, pkgs []string) {
	var wg sync.WaitGroup
	for _, pkg := range pkgs {
		for _, s := range f.Sources(pkg, "", [2]int{}) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.Lister.Files(ctx, pkg)
			}()
		}
	}
	wg.Wait()
}

// wheelQuery converts a zerogpu query for wheelfind.
func (f *SourceFinder) wheelQuery(q WheelQuery) wheelfind.Query {
	t := target.For(f.Catalog, fmt.Sprintf("%d.%d", q.Python[0], q.Python[1]))
	t.Torch, t.CUDA, t.ABI, t.GPUArch = q.Torch, q.CUDA, q.ABI, q.GPUArch
	return t
}

// FindWheel implements WheelFinder.
func (f *SourceFinder) FindWheel(ctx context.Context, q WheelQuery) (*WheelMatch, []WheelMiss, error) {
	wq := f.wheelQuery(q)
	sources := f.Sources(q.Package, q.TorchVersion, q.CUDA)
	var res wheelfind.Result
	var err error
	snapshot := len(sources) == 0
	if !snapshot {
		res, err = wheelfind.Find(ctx, q.Package, wq, sources)
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		for _, se := range res.Errors {
			if f.Warn != nil {
				f.Warn("%s: %v", se.Source, se.Err)
			}
		}
		if err != nil {
			snapshot = true // every source failed: the snapshot is all we have
		}
	}
	failed := res.Errors
	if snapshot {
		res, err = wheelfind.Find(ctx, q.Package, wq, []wheelfind.Source{f.snapshot()})
		var nf *index.NotFoundError
		if err != nil && !errors.As(err, &nf) {
			return nil, nil, err
		}
	}
	var misses []WheelMiss
	for _, found := range res.Found {
		if len(q.Specifiers) > 0 && !q.Specifiers.Contains(found.Wheel.Version, true) {
			misses = append(misses, WheelMiss{Filename: found.File.Filename, URL: found.URL, Outside: found.Wheel.Version.String(),
				Reasons: []string{fmt.Sprintf("version %s is outside %s%s", found.Wheel.Version.Public(), q.Package, q.Specifiers)}})
			continue
		}
		m := &WheelMatch{
			Filename: found.File.Filename, URL: found.URL, Source: originOf(found),
			Version: found.Wheel.Version.String(), Needs: found.Needs, Snapshot: snapshot,
		}
		if h := found.File.Hashes["sha256"]; h != "" {
			m.Hashes = []string{"sha256:" + h}
		}
		if f.PublicURL != nil {
			m.URL = f.PublicURL(m.URL)
		}
		for _, x := range f.Extra {
			m.FromInput = m.FromInput || found.Source == x.String()
		}
		return m, nil, nil
	}
	misses = append(misses, f.nearest(q, wq, res, snapshot)...)
	for i := range misses {
		misses[i].Snapshot = snapshot
	}
	// What could not be searched, for the planner (not listed as nearest
	// wheels): each source that failed, or, when only the snapshot was
	// read, the sources themselves.
	for _, se := range failed {
		misses = append(misses, WheelMiss{Filename: "source " + se.Source, Reasons: []string{fmt.Sprintf("could not be read: %v", se.Err)}, Unread: true})
	}
	if snapshot && len(failed) == 0 {
		misses = append(misses, WheelMiss{Filename: "sources not searched (offline)", Unread: true, Snapshot: true})
	}
	return nil, misses, nil
}

// nearest says why nothing fits q: the pins that would make a rejected
// wheel fit, then the nearest rejects (at most five).
func (f *SourceFinder) nearest(q WheelQuery, wq wheelfind.Query, res wheelfind.Result, snapshot bool) []WheelMiss {
	var misses []WheelMiss
	if snapshot && len(res.Rejected) == 0 {
		if m, ok := f.unsearched(q); ok {
			misses = append(misses, m)
		}
	}
	alts := Alternatives(f.Catalog, wq)
	for _, s := range wheelfind.Suggest(res, alts) {
		if len(q.Specifiers) > 0 && !q.Specifiers.Contains(s.Found.Wheel.Version, true) {
			continue // it fits another target, but not the version asked for
		}
		misses = append(misses, WheelMiss{Filename: s.Found.File.Filename, URL: s.Found.URL,
			Reasons: []string{"fits after: " + s.Change}, Fix: s.Text})
	}
	rej := append([]wheelfind.Rejected(nil), res.Rejected...)
	sort.SliceStable(rej, func(i, j int) bool { return len(rej[i].Reasons) < len(rej[j].Reasons) })
	for i, r := range rej {
		if i >= 5 {
			break
		}
		misses = append(misses, WheelMiss{Filename: r.Filename, URL: r.URL, Reasons: r.Reasons})
	}
	return misses
}

// unsearched says, when the catalog snapshot knows no wheel of q.Package
// but the catalog names sources for it, that those sources were not
// searched: the snapshot holds only the wheels known on its date, and
// "build a wheel" would be the wrong advice before searching them.
func (f *SourceFinder) unsearched(q WheelQuery) (WheelMiss, bool) {
	p, ok := f.Catalog.Package(q.Package)
	if !ok {
		return WheelMiss{}, false
	}
	var names []string
	for _, s := range p.Sources {
		if s, ok := s.Expand(q.TorchVersion, q.CUDA); ok {
			names = append(names, s.String())
		}
	}
	if len(names) == 0 {
		return WheelMiss{}, false
	}
	list := strings.Join(names, ", ")
	return WheelMiss{
		Filename: "catalog snapshot " + f.Catalog.Meta.Date,
		Reasons:  []string{fmt.Sprintf("knows no %s wheel; its sources were not searched (offline, or unreachable): %s", q.Package, list)},
		Fix:      fmt.Sprintf("search %s with network access (without --offline); the catalog snapshot lists only the wheels known on %s", list, f.Catalog.Meta.Date),
	}, true
}

func originOf(f wheelfind.Found) string {
	if f.File.Origin != "" {
		return f.File.Origin
	}
	return f.Source
}

// Alternatives lists the changes of target a Space author can make, for
// wheelfind.Suggest: the allowed torch builds (with their CUDA and C++ ABI,
// when the query names a torch), then the supported Pythons.
func Alternatives(c *catalog.Catalog, q wheelfind.Query) []wheelfind.Alternative {
	var torches []wheelfind.TorchBuild
	for _, v := range c.AllowedTorch() {
		row, ok := c.FamilyOf(v)
		if !ok {
			continue
		}
		maj, min := row.CUDA()
		torches = append(torches, wheelfind.TorchBuild{Version: v.String(), CUDA: [2]int{maj, min}, ABI: row.ABI()})
	}
	var pythons [][2]int
	for _, s := range c.Python.Supported {
		pythons = append(pythons, target.MajorMinor(s))
	}
	var alts []wheelfind.Alternative
	if q.Torch != [2]int{} {
		alts = wheelfind.TorchAlternatives(q, torches)
	}
	return append(alts, wheelfind.PythonAlternatives(q, pythons)...)
}
