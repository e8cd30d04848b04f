package fetch

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/hashicorp/go-retryablehttp"
)

// Stream sends one GET for a body that may never end (server-sent events,
// a live log) and returns the response with its body unread: the caller
// bounds the read (time, size) and must close the body. Nothing is cached;
// Offline mode fails at once. Connection errors and the statuses Get
// retries are retried the same way before the first byte of the body; a
// non-2xx status is a *StatusError. The per-attempt Timeout does not apply
// to the body: ctx is the only bound on it. Tokens, host limits and the
// host allow-list apply as for Get; a stream holds its host slot until the
// body is closed.
func (c *Client) Stream(ctx context.Context, r Request) (*http.Response, error) {
	if c.cfg.Offline {
		return nil, fmt.Errorf("GET %s: %w", redactURL(r.URL), ErrOffline)
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, r.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %v", redactURL(r.URL), c.redactErr(err))
	}
	for k, v := range r.Header {
		req.Header[k] = append([]string(nil), v...)
	}
	req.Header.Del("Authorization")
	if r.Accept != "" {
		req.Header.Set("Accept", r.Accept)
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	hc := *c.http
	hc.Timeout = 0
	rc := &retryablehttp.Client{
		HTTPClient:   &hc,
		RetryWaitMin: c.cfg.RetryWaitMin,
		RetryWaitMax: c.cfg.RetryWaitMax,
		RetryMax:     c.cfg.MaxRetries,
		CheckRetry:   c.checkRetry,
		Backoff:      c.backoff,
		ErrorHandler: func(resp *http.Response, err error, n int) (*http.Response, error) { return resp, err },
	}
	c.logf("GET %s (stream)", r.URL)
	resp, err := rc.Do(req)
	if err != nil {
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("GET %s: %w", redactURL(r.URL), ctxErr)
		}
		return nil, fmt.Errorf("GET %s: %s", redactURL(r.URL), c.redactErr(err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return nil, &StatusError{URL: redactURL(r.URL), Status: resp.StatusCode, Body: c.redact(snippet(body))}
	}
	return resp, nil
}
