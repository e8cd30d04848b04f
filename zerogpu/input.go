package zerogpu

import (
	"context"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
)

// Requirement is one requirement of the input with where it came from.
type Requirement struct {
	Req      pep508.Requirement
	Text     string // as the user wrote it (one logical line)
	Origin   string // "requirements.txt:12", "pyproject.toml:8", "uv.lock"
	Editable bool
	Hashes   []string
	// Locked marks a pin taken from a lock (uv.lock, pylock.toml).
	Locked bool
	// Via lists what pulled a locked package in, for annotations.
	Via []string
	// Comment is the "# zgpu:" comment the line had in a file zgpu wrote
	// (without the prefix), kept when the line is kept.
	Comment string
}

// Input is a Space's dependencies as Plan sees them.
type Input struct {
	Requirements []Requirement
	// Constraints come from -c files: they restrict a package only when
	// something requires it (locking), and are never written.
	Constraints []Requirement
	// ConstraintFiles are the -c files of a requirements file (absolute
	// paths), written again as -c lines when ranges are kept, so that pip
	// still applies them.
	ConstraintFiles []string
	// IncludeFiles are the -r files of a requirements file (absolute
	// paths), written again as -r lines when the file is rewritten in
	// place, so that later edits to them count.
	IncludeFiles []string
	// LockedGradio is the gradio version a lock export resolved with
	// (gradio itself is not exported): the platform installs sdk_version's.
	LockedGradio string
	// LeftOut names preinstalled packages a lock export did not write
	// (huggingface-hub when only a dependency needs it).
	LeftOut []string
	// Overrides are [tool.uv] override-dependencies, applied as far as a
	// requirements file can carry them (see applyOverrides).
	Overrides []Requirement
	// Pre holds pre-requirements.txt: installed first by the Space builder,
	// taken into account, never emitted.
	Pre []Requirement

	PythonVersion       string // README python_version, "" when absent
	PythonVersionOrigin string // "README.md:4"
	SDK                 string
	SDKVersion          string
	SDKVersionOrigin    string
	// SDKVersionNewest marks an SDKVersion zgpu took as the newest gradio
	// on the index, the README naming none (assumeGradio).
	SDKVersionNewest bool

	// RequiresPython is the project's requires-python (pyproject or lock).
	RequiresPython string

	// Options are index lines to carry over verbatim ("--extra-index-url URL").
	Options []string
	// Files lists the files read, in order.
	Files []string
	// Input is the file the requirements come from; Ignored the other
	// dependency files read, and InputWhy why they were not used.
	Input    string
	Ignored  []string
	InputWhy string
	// Locked reports that Requirements come from a lock export.
	Locked bool
	// SystemPackages are the lines of packages.txt (Debian packages); nil
	// when the Space has none.
	SystemPackages []string
}

// Options steer Plan.
type Options struct {
	Catalog *catalog.Catalog
	Python  string // --python: "3.12" or "3.12.12"
	Torch   string // --torch: an allowed version
	Finder  WheelFinder
	// NoEmit lists further packages not to write (--no-emit-package); their
	// constraints still count.
	NoEmit []string
	// EmitPreinstalled writes gradio and spaces too (not recommended).
	EmitPreinstalled bool
	// Strict repairs nothing: every problem zgpu would fix is reported
	// instead (--strict), and nothing is written.
	Strict bool

	// pick makes the plan commit one torch candidate (the torch loop's
	// fallback: settleTorch).
	pick *torchPick
}

// WheelQuery asks for a prebuilt wheel of one package for one target.
type WheelQuery struct {
	Package      string            // PEP 503 name
	Specifiers   pep440.Specifiers // the user's constraints on the package version
	Python       [2]int            // {3, 12}
	Torch        [2]int            // {2, 8}
	TorchVersion string            // "2.8.0", for URL templates of sources
	CUDA         [2]int            // torch's CUDA {12, 8}
	ABI          cudalabel.ABI     // torch's C++ ABI
	GPUArch      string            // "sm120"
}

// WheelMatch is a wheel that fits a query.
type WheelMatch struct {
	Filename string
	URL      string
	Source   string // "github.com/Dao-AILab/flash-attention@v2.8.3", "hf.co/datasets/..."
	Version  string
	Needs    cudalabel.Needs
	Hashes   []string // "sha256:<hex>" when the source gives one
	// Snapshot marks a wheel known only from the catalog snapshot (offline).
	Snapshot bool
	// FromInput marks a wheel found on the input's own index lines: it is
	// written as name==version (inputLine).
	FromInput bool
	// Moved, for a wheel of another version than the requirement asks for
	// (no version it allows has a wheel that fits), says so (movePins).
	Moved string
}

// WheelMiss is a wheel that does not fit, and why.
type WheelMiss struct {
	Filename string
	URL      string
	Reasons  []string
	// Fix names the pin that would make it fit ("torch==2.8.0"), if any.
	Fix string
	// Outside is the version of a wheel that fits the target but not the
	// query's specifiers ("2.8.3"); "" for a wheel that does not fit.
	Outside string
	// Unread marks a source that could not be read (Filename names it):
	// what it holds is unknown.
	Unread bool
	// Snapshot marks what only the catalog snapshot was searched for
	// (offline, or every source failed): the sources may hold more.
	Snapshot bool
}

// WheelFinder finds prebuilt wheels across sources. Implementations cache
// listings: Plan asks once per package and torch candidate.
type WheelFinder interface {
	FindWheel(ctx context.Context, q WheelQuery) (best *WheelMatch, nearest []WheelMiss, err error)
}
