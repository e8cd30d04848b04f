package diagnose

import (
	"bytes"
	"cmp"
	"slices"

	"github.com/zgpu/zgpu/catalog"
)

// Kind names a failure diagnose recognizes. The values are stable: they are
// part of the JSON output.
type Kind string

// The kinds of findings.
const (
	KindCUDABuild        Kind = "cuda-extension-build"  // a CUDA extension built from its sdist without nvcc
	KindJITCompile       Kind = "cuda-jit-compile"      // CUDA code compiled at first use, at run time
	KindBuildNoTorch     Kind = "build-isolation-torch" // setup.py imports torch in pip's isolated build
	KindTorchNotAllowed  Kind = "torch-not-allowed"     // CONFIG_ERROR: torch outside the allow-list
	KindConflict         Kind = "resolution-conflict"   // pip ResolutionImpossible
	KindSDKConflict      Kind = "sdk-conflict"          // a conflict with the Gradio SDK's requirements
	KindSpacesConflict   Kind = "spaces-conflict"       // a conflict that involves spaces
	KindGradioPin        Kind = "gradio-pin-conflict"   // gradio pinned (requirements.txt or sdk_version) against another requirement
	KindNoDistribution   Kind = "no-matching-distribution"
	KindPkgResources     Kind = "pkg-resources-missing" // setuptools 81 removed pkg_resources
	KindSlowResolution   Kind = "slow-resolution"       // pip backtracking for minutes
	KindUndefinedSymbol  Kind = "undefined-symbol"      // a wheel built for another torch or ABI
	KindHfFolder         Kind = "hffolder-import"       // old gradio, new huggingface_hub
	KindTorchDowngraded  Kind = "torch-downgraded"      // is_traceable_wrapper_subclass
	KindFlashAttnMissing Kind = "flash-attn-missing"    // flash_attn_varlen_func import error
	KindNoKernelImage    Kind = "no-kernel-image"       // a kernel without sm_120 code (FA3 on Blackwell)
	KindJinja2Unhashable Kind = "jinja2-dict-unhashable"
	KindWeightsOnly      Kind = "weights-only-load"           // torch.load weights_only; a code change
	KindABIBreak         Kind = "torch-extension-abi-break"   // a wheel built for an older torch on torch 2.13
	KindTorchvisionOp    Kind = "torchvision-torch-mismatch"  // operator torchvision::nms does not exist
	KindCusparseLt       Kind = "cusparselt-missing"          // libcusparseLt.so.0 not found
	KindNoSpaces         Kind = "spaces-not-installed"        // No module named 'spaces'
	KindNoGPUFunction    Kind = "no-gpu-function"             // No @spaces.GPU function detected during startup
	KindTorchCodec       Kind = "torchaudio-needs-torchcodec" // torchaudio >= 2.9 load/save without TorchCodec or FFmpeg
	KindPydanticMCPCap   Kind = "pydantic-above-mcp-cap"      // a pydantic pin above gradio[mcp]'s cap
)

// Report is the diagnosis of one log.
type Report struct {
	// Lines is the number of lines read.
	Lines int `json:"lines"`
	// Findings are the failures recognized, the one that counts first: the
	// earliest error in the log (later errors are often consequences of it),
	// then the other errors in log order, then symptoms such as slow
	// resolution. Empty when nothing known was found.
	Findings []Finding `json:"findings"`
	// FirstError is the first line that looks like an error ("ERROR:",
	// "error:", "Traceback", "failed", ...), whether or not a finding explains
	// it; nil when there is none.
	FirstError *Evidence `json:"first_error,omitempty"`
	// Facts are the versions read in the log.
	Facts Facts `json:"facts"`
	// Catalog names the catalog the report was checked against, with its
	// date (catalog.Label: "2026-12-07, embedded").
	Catalog string `json:"catalog"`
	// LogAllowed is the torch allow-list the platform printed in the log
	// ("Supported versions: 2.13.0, 2.12.1, ..."), newest first as printed;
	// nil when the log prints none. When present it is used for the fix.
	LogAllowed []string `json:"log_allowed,omitempty"`
	// CatalogAllowed is the catalog's allow-list, set only when it differs
	// from LogAllowed (the catalog is out of date: `zgpu catalog update`).
	CatalogAllowed []string `json:"catalog_allowed,omitempty"`
}

// Explained reports whether at least one known failure was recognized.
func (r *Report) Explained() bool { return len(r.Findings) > 0 }

// Finding is one recognized failure.
type Finding struct {
	Kind    Kind   `json:"kind"`
	Title   string `json:"title"`
	Package string `json:"package,omitempty"`
	// Line is the line that opened the finding: its first error line (or,
	// for a symptom, its first line). Findings are ordered by it.
	Line int `json:"line"`
	// Evidence are the log lines that triggered the finding, in log order;
	// Omitted counts matching lines left out.
	Evidence []Evidence `json:"evidence"`
	Omitted  int        `json:"omitted,omitempty"`
	Cause    string     `json:"cause"`
	Fix      string     `json:"fix"`
	// Commands are the zgpu commands that apply the fix, the main one first;
	// empty when the fix is outside zgpu's reach.
	Commands []string `json:"commands"`
	// Assumed lists the facts the explanation assumed because the log does
	// not state them (the platform's default Python, its preinstalled torch).
	Assumed []string `json:"assumed,omitempty"`
	// Source says where the rule comes from, with its date.
	Source string `json:"source"`
	// Wheel is the analysis of the prebuilt wheel a setup.py looked for
	// (CUDA extension builds only).
	Wheel *WheelAnalysis `json:"wheel,omitempty"`
	// Conflicts are the constraints of pip's "The conflict is caused by:"
	// block (resolution conflicts only).
	Conflicts []Constraint `json:"conflicts,omitempty"`
}

// Evidence is one line of the log.
type Evidence struct {
	Line int    `json:"line"` // 1-based
	Text string `json:"text"` // cleaned, at most 240 bytes
}

// maxEvidence caps the lines shown per finding.
const maxEvidence = 12

// hit is one line matching one rule.
type hit struct {
	ln    line
	rule  *rule
	pkg   string // the package the line is about, normalized; "" when none
	index int    // position of ln in the scanned lines
}

// group collects the hits of one kind and package.
type group struct {
	kind  Kind
	pkg   string
	hits  []hit
	first int   // line number of the first hit at the group's level
	level level // the highest level of its hits
}

// Diagnose reads a failed Space build or runtime log and explains it against
// catalog c (catalog.Default() when nil). It never fails: a log with nothing
// known in it gives a Report with no findings and, when there is one, the
// first error-looking line.
func Diagnose(log []byte, c *catalog.Catalog) *Report {
	if c == nil {
		c = catalog.Default()
	}
	lines := splitLines(log)
	r := &Report{Lines: countLines(log), Catalog: c.Label()}
	c = trustLog(lines, c, r)
	s := newScan(lines, c)
	s.run()
	r.Facts = s.facts()
	for _, g := range s.groups() {
		f := explain(g, s, c)
		if f.Kind == KindTorchNotAllowed {
			f.Fix += staleNote(r)
		}
		r.Findings = append(r.Findings, f)
	}
	if e, ok := s.firstError(); ok {
		r.FirstError = &e
	}
	return r
}

// countLines counts the lines of log as an editor does.
func countLines(log []byte) int {
	if len(log) == 0 {
		return 0
	}
	n := bytes.Count(log, []byte{'\n'})
	if log[len(log)-1] != '\n' {
		n++
	}
	return n
}

// groups returns the findings to report, ordered: error groups by their
// first error line, then symptom groups by their first line. Context-only
// groups are dropped, except a failed build of a CUDA extension with no other
// error for that package, which becomes an error at its first failure line.
func (s *scan) groups() []*group {
	byKey := map[[2]string]*group{}
	var all []*group
	for _, h := range s.hits {
		k := [2]string{string(h.rule.kind), h.pkg}
		g := byKey[k]
		if g == nil {
			g = &group{kind: h.rule.kind, pkg: h.pkg, first: -1, level: levelContext}
			byKey[k] = g
			all = append(all, g)
		}
		g.hits = append(g.hits, h)
		if h.rule.level > g.level {
			g.level, g.first = h.rule.level, h.ln.n
		} else if h.rule.level == g.level && g.first < 0 && h.rule.level > levelContext {
			g.first = h.ln.n
		}
	}
	errPkgs := map[string]bool{}
	for _, g := range all {
		if g.level == levelError && g.pkg != "" {
			errPkgs[g.pkg] = true
		}
	}
	var out []*group
	for _, g := range all {
		if g.level == levelContext {
			if g.kind != KindCUDABuild || g.pkg == "" || errPkgs[g.pkg] {
				continue
			}
			for _, h := range g.hits {
				if h.rule.pkgOnly {
					g.level, g.first = levelError, h.ln.n
					break
				}
			}
			if g.level == levelContext {
				continue
			}
		}
		out = append(out, g)
	}
	slices.SortStableFunc(out, func(a, b *group) int {
		if a.level != b.level {
			return cmp.Compare(b.level, a.level)
		}
		return cmp.Compare(a.first, b.first)
	})
	return out
}

// evidence returns the lines of a group, in log order, at most maxEvidence of
// them (the first error line always kept), and how many were left out.
func (g *group) evidence() ([]Evidence, int) {
	var ev []Evidence
	seen := map[int]bool{}
	for _, h := range g.hits {
		if seen[h.ln.n] {
			continue
		}
		seen[h.ln.n] = true
		ev = append(ev, Evidence{Line: h.ln.n, Text: excerpt(h.ln.text)})
	}
	slices.SortFunc(ev, func(a, b Evidence) int { return cmp.Compare(a.Line, b.Line) })
	omitted := 0
	if len(ev) > maxEvidence {
		omitted = len(ev) - maxEvidence
		keep := ev[:maxEvidence]
		if g.first >= 0 && !slices.ContainsFunc(keep, func(e Evidence) bool { return e.Line == g.first }) {
			i := slices.IndexFunc(ev, func(e Evidence) bool { return e.Line == g.first })
			keep[maxEvidence-1] = ev[i]
		}
		ev = keep
	}
	return ev, omitted
}
