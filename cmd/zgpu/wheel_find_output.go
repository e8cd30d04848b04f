package main

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/internal/redact"
	"github.com/zgpu/zgpu/wheelfind"
)

// This file renders `zgpu wheel find` results as text and as JSON (the
// schema is in wheelFindLong).

func describeTarget(q wheelfind.Query) string {
	t := q.Platform
	t.Python = q.Python
	s := t.String()
	if q.Torch != [2]int{} {
		s += fmt.Sprintf(", torch %d.%d", q.Torch[0], q.Torch[1])
		var extra []string
		if cu := cudaString(q.CUDA); cu != "" {
			extra = append(extra, "CUDA "+cu)
		}
		if q.ABI != cudalabel.ABIUnknown {
			extra = append(extra, q.ABI.String()+" ABI")
		}
		if len(extra) > 0 {
			s += " (" + strings.Join(extra, ", ") + ")"
		}
	} else if cu := cudaString(q.CUDA); cu != "" {
		s += ", CUDA " + cu
	}
	if q.GPUArch != "" {
		s += ", GPU " + q.GPUArch
	}
	return s
}

func cudaString(v [2]int) string {
	switch {
	case v[0] == 0:
		return ""
	case v[1] < 0:
		return strconv.Itoa(v[0])
	}
	return fmt.Sprintf("%d.%d", v[0], v[1])
}

type reasonCount struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

func countReasons(rej []wheelfind.Rejected) []reasonCount {
	m := map[string]int{}
	for _, r := range rej {
		for _, why := range r.Reasons {
			m[why]++
		}
	}
	out := make([]reasonCount, 0, len(m))
	for k, v := range m {
		out = append(out, reasonCount{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Reason < out[j].Reason
	})
	return out
}

func writeWheelFindText(w io.Writer, r findReport) {
	res, all := r.res, r.all
	fmt.Fprintf(w, "%s for %s (catalog %s)\n", res.Package, describeTarget(r.q), r.catalog)
	if r.snapshot != "" {
		var names []string
		for _, e := range r.failed {
			names = append(names, e.Source)
		}
		fmt.Fprintf(w, "\nEvery source failed (%s).\n", strings.Join(names, ", "))
		fmt.Fprintf(w, "Searched the %s instead: wheels known on that date, NOT checked online.\n", r.snapshot)
	}
	if len(res.Found) == 0 {
		fmt.Fprintf(w, "\nNo prebuilt wheel fits.\n")
	} else {
		fmt.Fprintln(w)
		for _, f := range res.Found {
			fmt.Fprintf(w, "%4d  %s\n      %s\n      %s; %s\n", f.Rank, f.File.Filename, f.URL, f.Source, f.Needs)
		}
	}
	if len(res.Rejected) > 0 {
		fmt.Fprintf(w, "\n%d other files do not fit", len(res.Rejected))
		if all {
			fmt.Fprintln(w, ":")
			for _, r := range res.Rejected {
				fmt.Fprintf(w, "  %s (%s)\n", r.Filename, r.Source)
				for _, why := range r.Reasons {
					fmt.Fprintf(w, "      - %s\n", why)
				}
			}
		} else {
			fmt.Fprintln(w, "; reasons, most frequent first:")
			counts := countReasons(res.Rejected)
			const top = 12
			for i, rc := range counts {
				if i == top {
					fmt.Fprintf(w, "  ... and %d more reasons\n", len(counts)-top)
					break
				}
				fmt.Fprintf(w, "%6d  %s\n", rc.Count, rc.Reason)
			}
			fmt.Fprintln(w, "Use --all to list each file with its reasons.")
		}
	}
	if len(res.Empty) > 0 {
		fmt.Fprintf(w, "\nNo %s files in: %s\n", res.Package, strings.Join(res.Empty, ", "))
	}
	if len(r.sugg) > 0 {
		fmt.Fprintf(w, "\nTo make one fit:\n")
		for _, s := range r.sugg {
			fmt.Fprintf(w, "  %s\n", s.Text)
		}
	}
}

type jsonNeeds struct {
	CUDA     string   `json:"cuda"`
	Torch    string   `json:"torch"`
	ABI      string   `json:"abi"`
	GPUArchs []string `json:"gpu_archs"`
	Python   string   `json:"python"`
}

type jsonFound struct {
	Rank     int       `json:"rank"`
	Filename string    `json:"filename"`
	URL      string    `json:"url"`
	Source   string    `json:"source"`
	Origin   string    `json:"origin"`
	Version  string    `json:"version"`
	SHA256   string    `json:"sha256"`
	Needs    jsonNeeds `json:"needs"`
}

type jsonRejected struct {
	Filename string   `json:"filename"`
	URL      string   `json:"url"`
	Source   string   `json:"source"`
	Reasons  []string `json:"reasons"`
}

type jsonSource struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

type jsonSuggestion struct {
	Change   string `json:"change"`
	Filename string `json:"filename"`
	URL      string `json:"url"`
	Source   string `json:"source"`
	Text     string `json:"text"`
}

type jsonWheelFind struct {
	Package string `json:"package"`
	Target  struct {
		Python   string `json:"python"`
		Torch    string `json:"torch"`
		CUDA     string `json:"cuda"`
		ABI      string `json:"abi"`
		GPU      string `json:"gpu"`
		Platform string `json:"platform"`
	} `json:"target"`
	Sources      []jsonSource     `json:"sources"`
	FromSnapshot bool             `json:"from_snapshot"`
	Snapshot     string           `json:"snapshot"`
	Found        []jsonFound      `json:"found"`
	Rejected     []jsonRejected   `json:"rejected"`
	RejectCounts []reasonCount    `json:"reject_counts"`
	Suggestions  []jsonSuggestion `json:"suggestions"`
}

func writeWheelFindJSON(w io.Writer, r findReport) error {
	res, q := r.res, r.q
	var out jsonWheelFind
	out.Package = res.Package
	out.Target.Python = fmt.Sprintf("%d.%d", q.Python[0], q.Python[1])
	if q.Torch != [2]int{} {
		out.Target.Torch = fmt.Sprintf("%d.%d", q.Torch[0], q.Torch[1])
	}
	out.Target.CUDA = cudaString(q.CUDA)
	out.Target.ABI = q.ABI.String()
	out.Target.GPU = q.GPUArch
	t := q.Platform
	t.Python = q.Python
	out.Target.Platform = t.String()
	status := map[string]jsonSource{}
	for _, e := range res.Empty {
		status[e] = jsonSource{Name: e, Status: "empty"}
	}
	for _, e := range r.failed {
		status[e.Source] = jsonSource{Name: e.Source, Status: "error", Error: oneLine(e.Err.Error())}
	}
	specs := r.specs
	if r.snapshot != "" {
		out.FromSnapshot, out.Snapshot = true, r.snapshot
		specs = append(specs[:len(specs):len(specs)], r.snapshot)
	}
	out.Sources = []jsonSource{}
	for _, s := range specs {
		js, ok := status[s]
		if !ok {
			js = jsonSource{Name: s, Status: "ok"}
		}
		out.Sources = append(out.Sources, js)
	}
	out.Found = []jsonFound{}
	for _, f := range res.Found {
		out.Found = append(out.Found, jsonFound{
			Rank: f.Rank, Filename: f.File.Filename, URL: redact.URL(f.URL), Source: redact.Text(f.Source), Origin: redact.Text(f.File.Origin),
			Version: f.Wheel.Version.String(), SHA256: f.File.Hashes["sha256"],
			Needs: jsonNeeds{CUDA: f.Needs.CUDA(), Torch: f.Needs.Torch(), ABI: f.Needs.CXX11ABI.String(),
				GPUArchs: orEmpty(f.Needs.GPUArchs), Python: f.Needs.Python},
		})
	}
	out.Rejected = []jsonRejected{}
	if r.all {
		for _, rj := range res.Rejected {
			out.Rejected = append(out.Rejected, jsonRejected{Filename: rj.Filename, URL: redact.URL(rj.URL), Source: redact.Text(rj.Source), Reasons: rj.Reasons})
		}
	}
	out.RejectCounts = countReasons(res.Rejected)
	out.Suggestions = []jsonSuggestion{}
	for _, s := range r.sugg {
		out.Suggestions = append(out.Suggestions, jsonSuggestion{Change: s.Change, Filename: s.Found.File.Filename,
			URL: redact.URL(s.Found.URL), Source: redact.Text(s.Found.Source), Text: s.Text})
	}
	enc := newJSONEncoder(w)
	return enc.Encode(out)
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
