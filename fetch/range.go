package fetch

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// GetRange fetches bytes start..end (inclusive) of url with an HTTP Range
// request and returns them with the resource's total size. A negative start
// asks for the last -start bytes (a suffix range) and end is ignored. The
// body is never cached. A server that answers with the whole resource (200)
// gets ErrRangeUnsupported, and its body is not read; 416 and other non-2xx
// statuses are a *StatusError.
func (c *Client) GetRange(ctx context.Context, url string, start, end int64) (body []byte, total int64, err error) {
	if c.cfg.Offline {
		return nil, 0, fmt.Errorf("GET %s: %w", redactURL(url), ErrOffline)
	}
	var spec string
	switch {
	case start < 0:
		spec = fmt.Sprintf("bytes=%d", start)
	case end < start:
		return nil, 0, fmt.Errorf("GetRange: end %d before start %d", end, start)
	default:
		spec = fmt.Sprintf("bytes=%d-%d", start, end)
	}
	h := http.Header{}
	h.Set("Range", spec)
	h.Set("Accept-Encoding", "identity")
	url = c.learn(url)
	limit := c.cfg.MaxBody
	if start >= 0 && end-start+1 < limit {
		limit = end - start + 1
	} else if start < 0 && -start < limit {
		limit = -start
	}
	res, err := c.doWith(ctx, url, h, limit, func(resp *http.Response) error {
		if resp.StatusCode == http.StatusOK {
			return fmt.Errorf("GET %s: %w", redactURL(url), ErrRangeUnsupported)
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if res.Status != http.StatusPartialContent {
		return nil, 0, c.statusError(url, res)
	}
	first, last, total, err := parseContentRange(res.Header.Get("Content-Range"))
	if err != nil {
		return nil, 0, fmt.Errorf("GET %s: %v", redactURL(url), err)
	}
	if int64(len(res.Body)) != last-first+1 {
		return nil, 0, fmt.Errorf("GET %s: range body is %d bytes, Content-Range says %d", redactURL(url), len(res.Body), last-first+1)
	}
	if start >= 0 && first != start {
		return nil, 0, fmt.Errorf("GET %s: asked for bytes from %d, got from %d", redactURL(url), start, first)
	}
	return res.Body, total, nil
}

// parseContentRange parses "bytes first-last/total" (RFC 9110 section
// 14.4). An unknown total ("*") is -1.
func parseContentRange(v string) (first, last, total int64, err error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(v), "bytes ")
	if !ok {
		return 0, 0, 0, fmt.Errorf("expected \"bytes first-last/total\" in Content-Range %q", v)
	}
	rng, tot, ok := strings.Cut(rest, "/")
	if !ok {
		return 0, 0, 0, fmt.Errorf("expected '/' in Content-Range %q", v)
	}
	a, b, ok := strings.Cut(rng, "-")
	if !ok {
		return 0, 0, 0, fmt.Errorf("expected '-' in Content-Range %q", v)
	}
	if first, err = strconv.ParseInt(a, 10, 64); err != nil {
		return 0, 0, 0, fmt.Errorf("bad first byte in Content-Range %q", v)
	}
	if last, err = strconv.ParseInt(b, 10, 64); err != nil || last < first {
		return 0, 0, 0, fmt.Errorf("bad last byte in Content-Range %q", v)
	}
	if tot == "*" {
		return first, last, -1, nil
	}
	if total, err = strconv.ParseInt(tot, 10, 64); err != nil || total <= last {
		return 0, 0, 0, fmt.Errorf("bad total in Content-Range %q", v)
	}
	return first, last, total, nil
}
