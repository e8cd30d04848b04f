package spacediag

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Row is one Space of an audit as the table, JSON and CSV show it.
type Row struct {
	Space    string `json:"space"`
	Stage    string `json:"stage,omitempty"`
	Hardware string `json:"hardware,omitempty"` // current, else requested
	ZeroGPU  bool   `json:"zerogpu"`
	SDK      string `json:"sdk,omitempty"`
	// Requirements is the check of the Space's requirements; nil when
	// they were not checked.
	Requirements *Check `json:"requirements,omitempty"`
	// RequirementsError says why they could not be checked.
	RequirementsError string `json:"requirements_error,omitempty"`
	// FirstError is the first error of the log, explained or not.
	FirstError *FirstError `json:"first_error,omitempty"`
	// LogStopped says how the log read ended ("end", "idle", "time", "size").
	LogStopped string   `json:"log_stopped,omitempty"`
	Facts      []string `json:"facts"`
	Fix        []string `json:"fix"`
	// Error says why the Space could not be read; the other fields are
	// then empty.
	Error string `json:"error,omitempty"`
	OK    bool   `json:"ok"`
}

// FirstError is the error that counts in a Space's log.
type FirstError struct {
	Kind  string `json:"kind,omitempty"` // "" when no known failure explains it
	Title string `json:"title"`
	Line  int    `json:"line"`
}

// Rows returns the rows of entries, Spaces left out by ZeroGPUOnly
// dropped.
func Rows(entries []Entry) []Row {
	rows := []Row{}
	for _, e := range entries {
		if e.Skipped {
			continue
		}
		row := Row{Space: e.Repo.ID, Error: e.Error, OK: e.OK(), Requirements: e.Check, RequirementsError: e.CheckError, Facts: []string{}, Fix: []string{}}
		if rep := e.Report; rep != nil {
			row.Stage, row.ZeroGPU, row.SDK = rep.Stage, rep.ZeroGPU, rep.SDK
			row.Hardware = rep.Hardware.Current
			if row.Hardware == "" {
				row.Hardware = rep.Hardware.Requested
			}
			row.Facts, row.Fix = rep.Facts, rep.Fix
			if rep.Log != nil {
				row.LogStopped = rep.Log.Stopped
			}
			row.FirstError = firstError(rep)
		}
		rows = append(rows, row)
	}
	return rows
}

// firstError returns the error that counts in the report's log, or nil.
func firstError(rep *Report) *FirstError {
	d := rep.Diagnosis
	switch {
	case d == nil || !(rep.Failed() || d.Explained()):
		return nil
	case d.Explained():
		f := d.Findings[0]
		return &FirstError{Kind: string(f.Kind), Title: f.Title, Line: f.Line}
	case d.FirstError != nil:
		return &FirstError{Title: d.FirstError.Text, Line: d.FirstError.Line}
	}
	return nil
}

// WriteTable writes rows as an aligned table for a terminal, then a
// summary line.
func WriteTable(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SPACE\tSTAGE\tHARDWARE\tREQUIREMENTS\tFIRST ERROR\tFIX")
	for _, r := range rows {
		if r.Error != "" {
			fmt.Fprintf(tw, "%s\t-\t-\t-\terror: %s\t-\n", r.Space, clip(r.Error, 90))
			continue
		}
		fix := "-"
		if len(r.Fix) > 0 {
			fix = r.Fix[0]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Space, r.Stage, r.Hardware, reqCell(r), errCell(r), fix)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, Summary(rows))
	return err
}

// Summary counts the rows by outcome.
func Summary(rows []Row) string {
	var ok, failing, unsafe, unread int
	for _, r := range rows {
		switch {
		case r.Error != "":
			unread++
		case r.OK:
			ok++
		default:
			if (&Report{Stage: r.Stage}).Failed() {
				failing++
			}
			if r.Requirements != nil && !r.Requirements.Safe {
				unsafe++
			}
		}
	}
	return fmt.Sprintf("%d Spaces: %d ok, %d failing, %d with requirements not ZeroGPU-safe, %d not read", len(rows), ok, failing, unsafe, unread)
}

func reqCell(r Row) string {
	switch {
	case r.RequirementsError != "":
		return "not checked"
	case r.Requirements == nil:
		return "-"
	case r.Requirements.Safe:
		return "safe"
	case len(r.Requirements.Issues) == 1:
		return "1 issue"
	}
	return strconv.Itoa(len(r.Requirements.Issues)) + " issues"
}

func errCell(r Row) string {
	e := r.FirstError
	switch {
	case e == nil:
		return "-"
	case e.Kind == "":
		return "unexplained: " + clip(e.Title, 60)
	}
	return e.Kind
}

// clip shortens s to n bytes on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n-3] + "..."
	}
	return s
}

// csvHeader names the CSV columns.
var csvHeader = []string{"space", "ok", "stage", "hardware", "zerogpu", "sdk", "requirements_safe", "requirements_issues", "first_error_kind", "first_error", "first_error_line", "log_stopped", "fix", "error"}

// WriteCSV writes rows as CSV (RFC 4180) with a header; lists are joined
// with " | ".
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	for _, r := range rows {
		safe, issues := "", ""
		if r.Requirements != nil {
			safe = strconv.FormatBool(r.Requirements.Safe)
			issues = strings.Join(r.Requirements.Issues, " | ")
		} else if r.RequirementsError != "" {
			issues = "not checked: " + r.RequirementsError
		}
		kind, title, line := "", "", ""
		if e := r.FirstError; e != nil {
			kind, title, line = e.Kind, e.Title, strconv.Itoa(e.Line)
		}
		cw.Write([]string{r.Space, strconv.FormatBool(r.OK), r.Stage, r.Hardware, strconv.FormatBool(r.ZeroGPU), r.SDK,
			safe, issues, kind, title, line, r.LogStopped, strings.Join(r.Fix, " | "), r.Error})
	}
	cw.Flush()
	return cw.Error()
}
