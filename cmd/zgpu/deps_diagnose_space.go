package main

import (
	"context"
	"time"

	"github.com/spf13/pflag"

	"github.com/zgpu/zgpu/diagnose"
	"github.com/zgpu/zgpu/hub"
	"github.com/zgpu/zgpu/spacediag"
)

// spaceLogOptions bound the reading of a Space's log stream.
type spaceLogOptions struct {
	LogTimeout time.Duration
	LogIdle    time.Duration
}

func (s *spaceLogOptions) addFlags(fs *pflag.FlagSet) {
	fs.DurationVar(&s.LogTimeout, "log-timeout", 30*time.Second, "SPACE: stop reading a log stream after this long")
	fs.DurationVar(&s.LogIdle, "log-idle", 3*time.Second, "SPACE: stop reading a log stream after this long without a line")
}

func (s *spaceLogOptions) validate() error {
	if s.LogTimeout <= 0 || s.LogIdle <= 0 {
		return usagef("--log-timeout and --log-idle must be positive")
	}
	return nil
}

func (s *spaceLogOptions) limits() hub.LogLimits {
	return hub.LogLimits{Total: s.LogTimeout, Idle: s.LogIdle, MaxBytes: maxSpaceLog}
}

// maxSpaceLog bounds the text read from one Space log stream.
const maxSpaceLog = 16 << 20

const depsDiagnoseSpaceHelp = `A Space on the Hub (OWNER/NAME, spaces/OWNER/NAME or
https://huggingface.co/spaces/OWNER/NAME, a local file of that name winning):
zgpu reads its runtime ($HF_ENDPOINT/api/spaces/OWNER/NAME/runtime: stage,
hardware, error message) and README.md, then the log its stage calls for:
the build log for BUILD_ERROR and BUILDING, the run log for RUNTIME_ERROR
and a starting app, none for CONFIG_ERROR (the error message is diagnosed).
Logs are server-sent event streams the Hub may keep open: zgpu stops after
--log-idle without a line (one second after the last line when the Space
failed: its log is complete), --log-timeout in all, or 16 MiB, and
diagnoses what it read. The report adds the Space's facts (stage, hardware that is not
ZeroGPU, an sdk other than gradio) and ends with the commands that fix it:
zgpu writes requirements.txt locally and never pushes; the hf upload line
is yours to run. HF_TOKEN is sent for private Spaces.
Exit status: 0 when the Space is not failing or a known failure explains it,
1 when its failure is not explained or the Space cannot be read.
--json prints {"space", "revision", "stage", "hardware": {"current",
"requested"}, "zerogpu": bool, "sdk", "sdk_version", "error_message",
"log": {"kind", "lines", "stopped": "end"|"idle"|"time"|"size", "error"},
"diagnosis": the report of a BUILD_LOG above (omitted when nothing was read),
"facts": [string], "fix": [string]}.`

// runDiagnoseSpace diagnoses the Space r from the Hub.
func runDiagnoseSpace(ctx context.Context, o *depsDiagnoseOptions, r hub.Repo) error {
	if err := o.space.validate(); err != nil {
		return err
	}
	c, err := o.catalog.load()
	if err != nil {
		return err
	}
	stop := o.g.progress("reading " + r.ID)
	rep, err := spacediag.Diagnose(ctx, hubClient(o.g, defaultNet()), r, spacediag.Options{Catalog: c, Limits: o.space.limits()})
	stop()
	if err != nil {
		return err
	}
	if o.JSON {
		if d := rep.Diagnosis; d != nil && d.Findings == nil {
			d.Findings = []diagnose.Finding{}
		}
		if err := newJSONEncoder(o.g.Stdout).Encode(rep); err != nil {
			return err
		}
	} else if err := spacediag.WriteText(o.g.Stdout, rep); err != nil {
		return err
	}
	if rep.Failed() && !rep.Explained() {
		return &silentError{code: exitFailure}
	}
	return nil
}
