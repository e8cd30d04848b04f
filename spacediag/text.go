package spacediag

import (
	"fmt"
	"io"
	"strings"

	"github.com/zgpu/zgpu/diagnose"
)

// WriteText writes the diagnosis of one Space for people: the Space's
// state, the log's findings as `zgpu deps diagnose FILE` prints them, the
// Space's facts, and the commands that fix it.
func WriteText(w io.Writer, rep *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Space %s (revision %s)\n", rep.Space, rep.Revision)
	stage := rep.Stage
	if rep.ErrorMessage != "" {
		stage += ": " + strings.TrimPrefix(firstLine(rep.ErrorMessage), rep.Stage+": ")
	}
	fmt.Fprintf(&b, "  stage:    %s\n", stage)
	hw := orUnknown(rep.Hardware.Current)
	if rep.Hardware.Requested != "" && rep.Hardware.Requested != rep.Hardware.Current {
		hw += " (requested " + rep.Hardware.Requested + ")"
	}
	fmt.Fprintf(&b, "  hardware: %s\n", hw)
	sdk := orUnknown(rep.SDK)
	if rep.SDKVersion != "" {
		sdk += " " + rep.SDKVersion
	}
	fmt.Fprintf(&b, "  sdk:      %s\n", sdk)
	if l := rep.Log; l != nil {
		how := map[string]string{"end": "stream ended", "idle": "stream still open: stopped waiting", "time": "stream still open: time limit", "size": "size limit"}[l.Stopped]
		if l.Error != "" {
			how = "not read"
		}
		fmt.Fprintf(&b, "  log:      %s log, %d lines (%s)\n", l.Kind, l.Lines, how)
	}
	b.WriteString("\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	b.Reset()
	switch {
	case rep.Diagnosis != nil && (rep.Failed() || rep.Explained()):
		if err := diagnose.WriteText(w, rep.Diagnosis); err != nil {
			return err
		}
		b.WriteString("\n")
	case !rep.Failed():
		b.WriteString("No failure to explain (yet).\n\n")
	}
	b.WriteString("Space facts:\n")
	for _, f := range rep.Facts {
		fmt.Fprintf(&b, "  - %s\n", f)
	}
	if len(rep.Fix) > 0 {
		b.WriteString("\nTo fix the Space (zgpu writes locally; the upload is yours to run):\n")
		for _, c := range rep.Fix {
			fmt.Fprintf(&b, "  %s\n", c)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// firstLine returns the first line of s.
func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
