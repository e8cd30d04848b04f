package main

import (
	"bytes"
	"io"

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

func (s *safeWriter) emit(b []byte) error {
	_, s.err = io.WriteString(s.w, redact.Terminal(redact.Text(string(b))))
	return s.err
}
