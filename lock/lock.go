// Package lock resolves a request against package indexes and writes the
// pins: the bridge between the resolver core (package resolver) and the
// wheel sources (package index).
//
// Its Provider offers the resolver, for each project listed once, the
// versions with a file that installs on the target: wheels only, ranked by
// wheeltags.Target.Rank, or a pure-Python sdist when Options.AllowSdist; a
// version without one is listed as unavailable with the reason, so a
// failure says "cannot be installed on the target". Requires-Python and
// yanked come from the listing (of the best file). Dependencies come from
// core metadata (PEP 658 files when served); no wheel is downloaded by the
// provider.
//
// Metadata is read ahead of the resolver, as a wavefront over the
// dependency graph: Lock hands the prefetcher the request before resolving,
// and whenever a release's metadata arrives (read ahead, or asked for by
// the resolver) the projects it depends on are listed and, for each, the
// release that the requirements seen so far allow is read in turn: the
// highest one every requirement on the project allows, or the preferred
// one, with the request's requirements and constraints always in force
// (not the newest release: a request pinning torch==2.5.1 never reads the
// newest torch's metadata). At most Options.Concurrency requests are in
// flight (DefaultConcurrency, 50, unless set), and a request the resolver
// waits for goes before every queued prefetch; among those, the deepest in
// the dependency graph goes first, since the chain below it waits for it,
// not the first to arrive. Prefetching changes when answers arrive, never what they are:
// the pins are those of a provider without it.
//
// Lock returns a Pin per package with the sha256 of every file of the
// chosen version that installs on the target (what pip-compile
// --generate-hashes lists, restricted to the target), and Format writes
// them as a requirements.txt with "# via" comments.
//
// Like pip, a release whose metadata turns out to exclude the target's
// Python, or to name another version, is discarded when its metadata is
// read (resolver.UnavailableError). Deviation: versions are compared
// without local labels, so renamed CUDA wheels ("+cu12torch2.8") whose
// METADATA lacks the label are kept.
package lock

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/resolver"
)

// Pin is one package of a lock.
type Pin struct {
	Name    string
	Version string
	Extras  []string
	URL     string // a direct URL requirement, as requested
	// Files are the files of the version that install on the target, best
	// first (non-yanked ones unless all are yanked).
	Files []index.File
	// Hashes are "sha256:<hex>" of Files, sorted; files without a sha256
	// are counted in MissingHashes.
	Hashes        []string
	MissingHashes int
	Via           []resolver.Via
}

// Result is a lock, or why none exists.
type Result struct {
	Pins  []Pin
	Unsat *resolver.Explanation
	Stats resolver.Stats
}

// Lock resolves req with a Provider over l and m and returns the pins. The
// error is for index failures and cancellation; no solution is
// Result.Unsat. The request's projects are listed (and their allowed
// releases' metadata read) concurrently before the resolver asks.
// Prefetches still running when resolution ends are canceled and waited
// for.
func Lock(ctx context.Context, l index.Lister, m index.MetadataReader, opt Options, req resolver.Request) (*Result, error) {
	if opt.Env == nil {
		opt.Env = req.Env
	}
	ctx, cancel := context.WithCancel(ctx)
	p := NewProvider(l, m, opt)
	defer p.Wait()
	defer cancel()
	p.seed(ctx, req)
	p.revalidate(ctx, remembered(opt, req))
	res, err := resolver.Resolve(ctx, p, req)
	if err != nil {
		return nil, err
	}
	p.remember(req)
	out := &Result{Unsat: res.Unsat, Stats: res.Stats}
	for _, r := range res.Packages {
		out.Pins = append(out.Pins, pinOf(r))
	}
	return out, nil
}

func pinOf(r resolver.Resolved) Pin {
	pin := Pin{Name: r.Name, Version: r.Version.String(), Extras: r.Extras, URL: r.Candidate.URL, Via: r.Via}
	rel, ok := r.Candidate.Data.(*release)
	if !ok {
		return pin
	}
	pin.Files = rel.usable()
	for _, f := range pin.Files {
		if h := f.Hashes["sha256"]; h != "" {
			pin.Hashes = append(pin.Hashes, "sha256:"+h)
		} else {
			pin.MissingHashes++
		}
	}
	sort.Strings(pin.Hashes)
	pin.Hashes = compact(pin.Hashes)
	return pin
}

func compact(xs []string) []string {
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// Requirement returns the pin as a requirement line: "name[extras]==version"
// or "name[extras] @ url".
func (p Pin) Requirement() string {
	n := p.Name
	if len(p.Extras) > 0 {
		n += "[" + strings.Join(p.Extras, ",") + "]"
	}
	if p.URL != "" {
		return n + " @ " + p.URL
	}
	return n + "==" + p.Version
}

// FormatOptions shape Format's output.
type FormatOptions struct {
	Hashes bool // write --hash options (pip then requires them for every line)
	Via    bool // write "# via" comments
	Omit   func(name string) bool
}

// Format writes the pins as a requirements.txt, sorted by name.
func Format(w io.Writer, pins []Pin, o FormatOptions) error {
	var b strings.Builder
	for _, p := range pins {
		if o.Omit != nil && o.Omit(p.Name) {
			continue
		}
		b.WriteString(p.Requirement())
		if o.Hashes {
			for _, h := range p.Hashes {
				b.WriteString(" \\\n    --hash=" + h)
			}
		}
		b.WriteString("\n")
		if o.Via && len(p.Via) > 0 {
			b.WriteString("    # via\n")
			for _, v := range p.Via {
				b.WriteString("    #   " + viaText(v) + "\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func viaText(v resolver.Via) string {
	switch {
	case v.From == "" && v.Origin != "":
		return fmt.Sprintf("%s (%s)", v.Requirement, v.Origin)
	case v.From == "":
		return v.Requirement
	}
	return fmt.Sprintf("%s (%s)", v.From, v.Requirement)
}
