// Package spacediag diagnoses Spaces on the Hub without cloning them: it
// joins a Space's runtime (stage, hardware, error message), its build or
// run log and its README to explain why it fails, as `zgpu deps diagnose
// FILE` explains a saved log, and audits many Spaces at once.
//
// Which log is read follows the stage: BUILD_ERROR and BUILDING read the
// build log; RUNTIME_ERROR, APP_STARTING and RUNNING_APP_STARTING the run
// log; CONFIG_ERROR and NO_APP_FILE only the runtime's error message, which
// is also appended to any log read (the Hub's summary may name what the
// log does not). Other stages (RUNNING, SLEEPING, PAUSED, ...) are not
// failures and read no log. Logs are read within hub.LogLimits: a stream
// still open is cut there and what was read is diagnosed. The log of a
// failed Space is complete, so its read ends one second after its last
// line (hub.LogLimits.Settle) rather than at the idle bound.
//
// The fix is always a local command: zgpu never writes to a Space. The
// commands of the first finding name the Space; a command that writes
// requirements.txt is followed by the `hf upload` that publishes it.
package spacediag

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zgpu/zgpu/catalog"
	"github.com/zgpu/zgpu/diagnose"
	"github.com/zgpu/zgpu/frontmatter"
	"github.com/zgpu/zgpu/hub"
	"github.com/zgpu/zgpu/index"
)

// settleFailed ends the read of a failed Space's log this long after its
// last line: a failed build or a crashed app writes no more, and the Hub
// sends the log in one burst before it only keeps the stream open.
const settleFailed = time.Second

// Hub is what spacediag reads from the Hub; *hub.Client implements it.
type Hub interface {
	Runtime(ctx context.Context, r hub.Repo) (*hub.Runtime, error)
	Logs(ctx context.Context, r hub.Repo, kind hub.LogKind, lim hub.LogLimits) (*hub.Log, error)
	File(ctx context.Context, r hub.Repo, path string) ([]byte, error)
}

// Options steer Diagnose.
type Options struct {
	Catalog *catalog.Catalog
	Limits  hub.LogLimits
	// FailedLogsOnly reads a log only in a failure stage: a Space that
	// builds or starts has nothing to explain yet (audits set it).
	FailedLogsOnly bool
}

// Report is the diagnosis of one Space.
type Report struct {
	Space    string       `json:"space"`    // "owner/name"
	Revision string       `json:"revision"` // "main"
	Stage    string       `json:"stage"`
	Hardware hub.Hardware `json:"hardware"`
	// ZeroGPU reports whether the Space runs on, or asked for, ZeroGPU.
	ZeroGPU      bool   `json:"zerogpu"`
	SDK          string `json:"sdk,omitempty"` // README.md's sdk ("" when unknown)
	SDKVersion   string `json:"sdk_version,omitempty"`
	ErrorMessage string `json:"error_message,omitempty"`
	// Log says which log was read and how its read ended; nil when none.
	Log *LogRead `json:"log,omitempty"`
	// Diagnosis explains the log; nil when no log or message was read.
	Diagnosis *diagnose.Report `json:"diagnosis,omitempty"`
	// Facts are what the Space's own state adds (hardware, stage, sdk).
	Facts []string `json:"facts"`
	// Fix are the commands that fix the Space, in order; empty when
	// nothing needs fixing or the fix is outside zgpu's reach.
	Fix []string `json:"fix"`
}

// LogRead describes the log read.
type LogRead struct {
	Kind    hub.LogKind `json:"kind"`    // "build" or "run"
	Lines   int         `json:"lines"`   // lines diagnosed
	Stopped string      `json:"stopped"` // "end", "idle", "time" or "size"
	Error   string      `json:"error,omitempty"`
}

// Failed reports whether the Space is in a failure stage.
func (r *Report) Failed() bool { return (hub.Runtime{Stage: r.Stage}).Failed() }

// Explained reports whether a known failure explains the Space's failure.
func (r *Report) Explained() bool { return r.Diagnosis != nil && r.Diagnosis.Explained() }

// Ref returns the Space as zgpu commands name it: "owner/name", with
// "@revision" when not main.
func (r *Report) Ref() string {
	if r.Revision == "" || r.Revision == "main" {
		return r.Space
	}
	return r.Space + "@" + r.Revision
}

// logFor returns the log the stage calls for, or "".
func logFor(stage string) hub.LogKind {
	switch stage {
	case "BUILD_ERROR", "BUILDING", "RUNNING_BUILDING":
		return hub.BuildLog
	case "RUNTIME_ERROR", "APP_STARTING", "RUNNING_APP_STARTING":
		return hub.RunLog
	}
	return ""
}

// Diagnose reads the runtime, README.md and the log of the Space r and
// explains its failure. The error is for a Space that cannot be read at
// all (not found, private, unreachable); a log that cannot be read is
// noted in the report's Log.
func Diagnose(ctx context.Context, h Hub, r hub.Repo, opts Options) (*Report, error) {
	rt, err := h.Runtime(ctx, r)
	if err != nil {
		return nil, err
	}
	rep := &Report{
		Space: r.ID, Revision: r.Revision, Stage: rt.Stage, Hardware: rt.Hardware,
		ZeroGPU:      hub.IsZeroGPU(rt.Hardware.Current) || hub.IsZeroGPU(rt.Hardware.Requested),
		ErrorMessage: rt.ErrorMessage,
	}
	if rep.Revision == "" {
		rep.Revision = "main"
	}
	if err := rep.readme(ctx, h, r); err != nil {
		return nil, err
	}
	var text []byte
	if kind := logFor(rt.Stage); kind != "" && (!opts.FailedLogsOnly || rep.Failed()) {
		rep.Log = &LogRead{Kind: kind}
		lim := opts.Limits
		if rep.Failed() && lim.Settle <= 0 {
			lim.Settle = settleFailed // the log is complete: it comes in one burst
			if lim.Idle > 0 && lim.Idle < settleFailed {
				lim.Settle = lim.Idle
			}
		}
		log, err := h.Logs(ctx, r, kind, lim)
		if err != nil {
			rep.Log.Error = err.Error()
		} else {
			text, rep.Log.Stopped = log.Text, log.Stopped
		}
	}
	if m := strings.TrimSpace(rt.ErrorMessage); m != "" && !strings.Contains(string(text), m) {
		text = append(text, m+"\n"...)
	}
	if len(text) > 0 {
		rep.Diagnosis = diagnose.Diagnose(text, opts.Catalog)
		if rep.Log != nil {
			rep.Log.Lines = rep.Diagnosis.Lines
		}
	}
	rep.Facts = rep.facts()
	rep.Fix = rep.fix()
	return rep, nil
}

// readme reads the sdk from README.md; a Space without one, or with a
// README that does not parse, has an unknown sdk.
func (rep *Report) readme(ctx context.Context, h Hub, r hub.Repo) error {
	data, err := h.File(ctx, r, "README.md")
	if errors.Is(err, index.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	fm, err := frontmatter.Parse("README.md", data)
	if err != nil || fm == nil {
		return nil
	}
	rep.SDK, rep.SDKVersion = fm.SDK, fm.SDKVersion
	return nil
}

// stageWords explains the stages a user meets.
var stageWords = map[string]string{
	"BUILD_ERROR":          "the image build failed: the log below is the build log",
	"BUILDING":             "the Space is building; its build log is still being written",
	"RUNTIME_ERROR":        "the build succeeded but the app crashed: the log below is the run log",
	"CONFIG_ERROR":         "the Hub refused the Space's configuration before building",
	"NO_APP_FILE":          "the Space has no app file (app.py, or README.md's app_file)",
	"APP_STARTING":         "the app is starting",
	"RUNNING_APP_STARTING": "a new version of the app is starting",
	"RUNNING_BUILDING":     "a new version is building while the old one runs",
	"RUNNING":              "the Space runs",
	"PAUSED":               "the Space is paused by its owner",
	"SLEEPING":             "the Space sleeps after inactivity; it wakes on the next visit",
	"STOPPED":              "the Space is stopped",
}

// facts are what the Space's state adds to the log's findings.
func (rep *Report) facts() []string {
	var out []string
	if w, ok := stageWords[rep.Stage]; ok {
		out = append(out, fmt.Sprintf("stage %s: %s", rep.Stage, w))
	} else {
		out = append(out, "stage "+rep.Stage)
	}
	hw := rep.Hardware
	switch {
	case !rep.ZeroGPU:
		out = append(out, fmt.Sprintf("hardware %s, not ZeroGPU: zgpu's rules are for ZeroGPU (zero-a10g); on other hardware they are safe but not required. Select ZeroGPU in the Space settings to run there", orUnknown(cmp.Or(hw.Current, hw.Requested))))
	case !hub.IsZeroGPU(hw.Current) && hw.Current != "":
		out = append(out, fmt.Sprintf("ZeroGPU requested (%s) but the Space runs on %s", hw.Requested, hw.Current))
	}
	switch {
	case rep.SDK == "":
		out = append(out, "README.md names no sdk: ZeroGPU runs Gradio Spaces only (sdk: gradio)")
	case rep.SDK != "gradio" && rep.ZeroGPU:
		out = append(out, fmt.Sprintf("sdk %s: ZeroGPU runs Gradio Spaces only (sdk: gradio); Docker and static Spaces cannot be scheduled on it", rep.SDK))
	}
	if l := rep.Log; l != nil {
		switch {
		case l.Error != "":
			out = append(out, fmt.Sprintf("the %s log could not be read: %s", l.Kind, l.Error))
		case l.Stopped == "idle" || l.Stopped == "time":
			out = append(out, fmt.Sprintf("the %s log stream was still open; zgpu read %d lines and stopped waiting (the first error counts, so later lines rarely change the diagnosis)", l.Kind, l.Lines))
		case l.Stopped == "size":
			out = append(out, fmt.Sprintf("the %s log is larger than zgpu reads; the first %d lines were diagnosed", l.Kind, l.Lines))
		}
	}
	return out
}

// fix returns the commands that fix the Space: those of the first
// finding, naming the Space, each `zgpu deps resolve` followed by the
// upload of what it wrote.
func (rep *Report) fix() []string {
	var cmds []string
	if rep.Explained() {
		cmds = rep.Diagnosis.Findings[0].Commands
	} else if rep.Failed() && rep.Stage != "NO_APP_FILE" {
		cmds = []string{resolveCmd}
	}
	return rep.forSpace(cmds)
}

// resolveCmd is the command that writes ZeroGPU-safe requirements.
const resolveCmd = "zgpu deps resolve -o requirements.txt"

// forSpace returns cmds naming the Space, each `zgpu deps resolve -o
// requirements.txt` followed by the upload of what it wrote.
func (rep *Report) forSpace(cmds []string) []string {
	out := []string{}
	for _, c := range cmds {
		if rest, ok := strings.CutPrefix(c, "zgpu deps resolve"); ok {
			out = append(out, "zgpu deps resolve "+rep.Ref()+rest)
			if strings.Contains(rest, "-o requirements.txt") {
				up := "hf upload " + rep.Space + " requirements.txt requirements.txt --repo-type=space"
				if rep.Ref() != rep.Space {
					up += " --revision " + rep.Revision
				}
				out = append(out, up)
			}
			continue
		}
		out = append(out, c)
	}
	return out
}

func orUnknown(s string) string { return cmp.Or(s, "unknown") }
