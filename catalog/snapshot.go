package catalog

import (
	"context"
	"fmt"
	"strings"

	"github.com/zgpu/zgpu/index"
	"github.com/zgpu/zgpu/pep508"
)

// SnapshotLister lists the catalog's snapshot of known wheels as an
// index.Lister, so that wheel searches work with no network at all.
type SnapshotLister struct{ C *Catalog }

// Files returns the snapshot wheels of project. A project the snapshot does
// not know is an *index.NotFoundError.
func (s SnapshotLister) Files(_ context.Context, project string) ([]index.File, error) {
	ws := s.C.SnapshotFor(project)
	if len(ws) == 0 {
		return nil, &index.NotFoundError{Project: project, Source: "the catalog snapshot"}
	}
	out := make([]index.File, 0, len(ws))
	for _, w := range ws {
		origin := w.Location
		switch w.Kind {
		case "github":
			origin = "github.com/" + w.Location
			if w.Path != "" {
				origin += "@" + w.Path
			}
		case "hub":
			origin = "hf.co/" + w.Location
		}
		out = append(out, index.File{
			Filename: w.Filename,
			URL:      w.URL,
			Origin:   origin + " (catalog snapshot " + s.C.Meta.Date + ", " + confidenceWord(w) + ")",
			Path:     w.Path,
		})
	}
	return out, nil
}

// confidenceWord says how sure the snapshot is of a wheel's URL: seen in a
// public Space's requirements, written in a cited source, or inferred from
// the source's layout.
func confidenceWord(w SnapshotWheel) string {
	switch {
	case w.Confidence != "src":
		return "inferred: verify online"
	case strings.HasPrefix(w.Note, "seen in "):
		return "seen in a public Space"
	}
	return "URL from a cited source"
}

// HubPathOf returns the path inside the repository for a Hub resolve URL
// ("https://huggingface.co/datasets/o/r/resolve/main/wheels/cell/f.whl" gives
// "wheels/cell/f.whl"), or "".
func HubPathOf(url string) string {
	i := strings.Index(url, "/resolve/")
	if i < 0 {
		return ""
	}
	rest := url[i+len("/resolve/"):]
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		return rest[j+1:]
	}
	return ""
}

// KnowsProject reports whether the snapshot lists wheels of project.
func (s SnapshotLister) KnowsProject(project string) bool {
	n := pep508.NormalizeName(project)
	for _, w := range s.C.Snapshot {
		if w.Package == n {
			return true
		}
	}
	return false
}

// Expand fills the placeholders of a source URL for one torch build:
// {torch} is the full torch version ("2.8.0"), {torchXY} its compact
// major.minor ("28", "210"), {cuda} and {cudaABC} the CUDA version
// without the dot ("128"). It reports false when a placeholder remains
// (no torch or CUDA known).
func (s Source) Expand(torch string, cuda [2]int) (Source, bool) {
	if !strings.Contains(s.URL, "{") {
		return s, true
	}
	var xy string
	if parts := strings.Split(torch, "."); len(parts) >= 2 {
		xy = parts[0] + parts[1]
	}
	r := strings.NewReplacer()
	if torch != "" && cuda[0] > 0 {
		abc := fmt.Sprintf("%d%d", cuda[0], cuda[1])
		r = strings.NewReplacer("{torch}", torch, "{torchXY}", xy, "{cuda}", abc, "{cudaABC}", abc)
	}
	s.URL = r.Replace(s.URL)
	return s, !strings.Contains(s.URL, "{")
}
