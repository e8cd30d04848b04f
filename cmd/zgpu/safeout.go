package main

import (
	"bytes"
	"io"
	"strings"

	"github.com/zgpu/zgpu/internal/redact"
)

// safeWriter is zgpu's standard output: every line goes out with URL
// credentials and secret values redacted (redact.Text; ${VAR}
// placeholders are kept) and terminal control characters escaped
// (redact.Terminal), whatever command printed it (deps show, --json,
// deps diagnose, audit, wheel find, a requirements file on stdout). It
// holds at most one partial line; Flush writes it.
type safeWriter struct {
	w   io.Writer
	buf []byte
	err error
}

func newSafeWriter(w io.Writer) *safeWriter { return &safeWriter{w: w} }

// Write filters the complete lines of p and keeps the rest for later.
func (s *safeWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	s.buf = append(s.buf, p...)
	i := bytes.LastIndexByte(s.buf, '\n')
	if i < 0 {
		return len(p), nil
	}
	if err := s.emit(s.buf[:i+1]); err != nil {
		return 0, err
	}
	s.buf = append(s.buf[:0], s.buf[i+1:]...)
	return len(p), nil
}

// Flush writes the partial line held, if any.
func (s *safeWriter) Flush() error {
	if s.err != nil || len(s.buf) == 0 {
		return s.err
	}
	err := s.emit(s.buf)
	s.buf = s.buf[:0]
	return err
}

// emit writes b filtered line by line; a CRLF line ending (a requirements
// file written as the user's was) is kept, a carriage return elsewhere is
// escaped.
func (s *safeWriter) emit(b []byte) error {
	var out strings.Builder
	for len(b) > 0 {
		line, rest, nl := bytes.Cut(b, []byte("\n"))
		end := ""
		if nl {
			end = "\n"
			if l := len(line); l > 0 && line[l-1] == '\r' {
				line, end = line[:l-1], "\r\n"
			}
		}
		out.WriteString(redact.Terminal(redact.Text(string(line))))
		out.WriteString(end)
		b = rest
	}
	_, s.err = io.WriteString(s.w, out.String())
	return s.err
}
