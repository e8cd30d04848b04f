package pypi

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/zgpu/zgpu/fetch"
	"github.com/zgpu/zgpu/index"
)

// Range reads: the first request asks for the last tailSize bytes of the
// wheel (the end of central directory record, and most or all of the
// central directory); a read below that fetches up to the next block
// already held when it is at most gapFill away (the rest of the central
// directory in one request), else at least chunkSize bytes (the local
// header and compressed METADATA, usually one request).
const (
	tailSize  = 64 << 10
	chunkSize = 64 << 10
	gapFill   = 16 << 20
)

// rangeMetadata reads f's METADATA through HTTP range requests, letting
// archive/zip drive the reads through an io.ReaderAt.
func (r *Reader) rangeMetadata(ctx context.Context, f index.File) (index.Metadata, error) {
	ra := &httpReaderAt{ctx: ctx, c: r.client, url: f.URL}
	tail, total, err := r.client.GetRange(ctx, f.URL, -tailSize, 0)
	if err != nil {
		return index.Metadata{}, err
	}
	r.count(func(s *Stats) { s.RangeRequests++ })
	if total < 0 {
		return index.Metadata{}, fmt.Errorf("%s: server did not give the file size", f.Filename)
	}
	if f.Size > 0 && total != f.Size {
		return index.Metadata{}, fmt.Errorf("%s: server says %d bytes, index says %d", f.Filename, total, f.Size)
	}
	ra.size = total
	ra.add(total-int64(len(tail)), tail)
	zr, err := zip.NewReader(ra, total)
	if err != nil {
		if ra.err != nil {
			return index.Metadata{}, ra.err
		}
		return index.Metadata{}, fmt.Errorf("%s: %v", f.Filename, err)
	}
	m, err := wheelMetadata(zr, f.Filename)
	r.count(func(s *Stats) { s.RangeRequests += ra.requests; s.RangeReads++ })
	if err != nil && ra.err != nil {
		return index.Metadata{}, ra.err
	}
	return m, err
}

// httpReaderAt is an io.ReaderAt over HTTP range requests, keeping what it
// fetched.
type httpReaderAt struct {
	ctx  context.Context
	c    *fetch.Client
	url  string
	size int64

	mu       sync.Mutex
	blocks   []block // sorted by off, non-overlapping
	requests int64
	err      error // the first fetch error, for the caller
}

type block struct {
	off  int64
	data []byte
}

func (h *httpReaderAt) add(off int64, data []byte) {
	h.blocks = append(h.blocks, block{off, data})
	sort.Slice(h.blocks, func(i, j int) bool { return h.blocks[i].off < h.blocks[j].off })
}

// ReadAt fills p from held blocks, fetching the missing parts.
func (h *httpReaderAt) ReadAt(p []byte, off int64) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		if pos >= h.size {
			return n, io.EOF
		}
		if c := h.copyFrom(p[n:], pos); c > 0 {
			n += c
			continue
		}
		if err := h.fetch(pos, int64(len(p)-n)); err != nil {
			return n, err
		}
	}
	return n, nil
}

// copyFrom copies from the block holding pos, returning 0 if none does.
func (h *httpReaderAt) copyFrom(p []byte, pos int64) int {
	for _, b := range h.blocks {
		if pos >= b.off && pos < b.off+int64(len(b.data)) {
			return copy(p, b.data[pos-b.off:])
		}
	}
	return 0
}

// fetch gets the bytes at pos (at least want of them, within the file).
func (h *httpReaderAt) fetch(pos, want int64) error {
	end := pos + max(want, chunkSize) // exclusive
	next := h.size
	for _, b := range h.blocks {
		if b.off > pos {
			next = b.off
			break
		}
	}
	if next-pos <= gapFill {
		end = max(end, next)
	}
	end = min(end, next, h.size)
	data, _, err := h.c.GetRange(h.ctx, h.url, pos, end-1)
	h.requests++
	if err != nil {
		if h.err == nil {
			h.err = err
		}
		return err
	}
	if len(data) == 0 {
		return io.ErrUnexpectedEOF
	}
	h.add(pos, data)
	return nil
}
