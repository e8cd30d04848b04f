package fetch

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// do sends one GET through go-retryablehttp and reads the whole body inside
// the retry loop, so that a body cut short after the headers is retried like
// a connection error. A non-retryable status is returned as a response; a
// retryable status still failing after the last attempt is returned with its
// body too; errors are redacted.
func (c *Client) do(ctx context.Context, rawURL string, h http.Header) (*Response, error) {
	return c.doWith(ctx, rawURL, h, c.cfg.MaxBody, nil)
}

// doWith is do with a cap on the body (limit bytes) and an optional check
// of the response before its body is read (GetRange uses it to refuse a 200
// without reading it).
func (c *Client) doWith(ctx context.Context, rawURL string, h http.Header, limit int64, pre func(*http.Response) error) (*Response, error) {
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %v", redactURL(rawURL), c.redactErr(err))
	}
	req.Header = h.Clone()
	req.Header.Set("User-Agent", c.cfg.UserAgent)

	var out *Response
	var preErr error
	attempts := 0
	req.SetResponseHandler(func(resp *http.Response) error {
		defer resp.Body.Close()
		if pre != nil {
			if err := pre(resp); err != nil {
				preErr = err
				return nil
			}
		}
		tooLarge := &BodyTooLargeError{URL: redactURL(rawURL), Limit: limit}
		if resp.ContentLength > limit {
			preErr = tooLarge
			return nil
		}
		body, err := readBody(resp.Body, resp.ContentLength, limit)
		if err != nil {
			return &bodyError{err}
		}
		if int64(len(body)) > limit {
			preErr = tooLarge
			return nil
		}
		out = &Response{URL: resp.Request.URL.String(), Status: resp.StatusCode, Header: resp.Header, Body: body}
		return nil
	})

	rc := &retryablehttp.Client{
		HTTPClient:   c.http,
		Logger:       nil,
		RetryWaitMin: c.cfg.RetryWaitMin,
		RetryWaitMax: c.cfg.RetryWaitMax,
		RetryMax:     c.cfg.MaxRetries,
		CheckRetry:   c.checkRetry,
		Backoff:      c.backoff,
		ErrorHandler: func(resp *http.Response, err error, n int) (*http.Response, error) {
			attempts = n
			return resp, err
		},
		RequestLogHook: func(_ retryablehttp.Logger, r *http.Request, attempt int) {
			if attempt > 0 {
				c.count(func(s *Stats) { s.Retries++ })
				c.logf("GET %s: retry %d", r.URL, attempt)
			} else {
				c.logf("GET %s", r.URL)
			}
		},
	}
	resp, err := rc.Do(req)
	if preErr != nil {
		return nil, preErr
	}
	if err != nil {
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("GET %s: %w", redactURL(rawURL), ctxErr)
		}
		var hna *HostNotAllowedError
		if errors.As(err, &hna) {
			return nil, fmt.Errorf("GET %s: %w", redactURL(rawURL), hna)
		}
		word := "attempts"
		if attempts == 1 {
			word = "attempt"
		}
		return nil, &NetError{URL: redactURL(rawURL), Msg: fmt.Sprintf("%s (%d %s)", c.redactErr(err), attempts, word),
			Unreachable: isDialError(err) && !c.hostAnswered(rawURL)}
	}
	if out == nil {
		// A retryable status on the last attempt: the handler did not run.
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		out = &Response{URL: resp.Request.URL.String(), Status: resp.StatusCode, Header: resp.Header, Body: body}
	}
	return out, nil
}

// NetError is a request that got no response after retries: the
// connection failed, timed out or was cut. Its message is redacted.
type NetError struct {
	URL string // redacted
	Msg string
	// Unreachable: no connection could be made (refused, no route, name
	// not resolved, connect timeout) to a host that has not answered this
	// client before.
	Unreachable bool
}

func (e *NetError) Error() string { return fmt.Sprintf("GET %s: %s", e.URL, e.Msg) }

// IsUnreachable reports whether err says a host could not be reached at
// all: no connection could ever be made to it (NetError.Unreachable), it
// is outside the allowed hosts, or, offline, the answer is not in the
// cache. A status, a timeout after connecting, a body cut short, or a
// connection failure to a host that answered before are not: the host
// was reached, and the failure is one to report.
func IsUnreachable(err error) bool {
	var ne *NetError
	var hna *HostNotAllowedError
	return errors.Is(err, ErrOffline) || errors.As(err, &hna) || errors.As(err, &ne) && ne.Unreachable
}

// isDialError reports whether err failed before a connection was made.
func isDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// bodyError marks a failure reading a body after the headers arrived.
type bodyError struct{ err error }

func (e *bodyError) Error() string { return "reading body: " + e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

// retryableStatus reports whether a status is worth another attempt.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// checkRetry is the retry policy: stop when the context is done; retry
// connection errors and body read errors except those that cannot heal
// (bad URL scheme, certificate errors, too many redirects); retry the
// statuses of retryableStatus unless Retry-After asks for too long a wait.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			msg := ue.Err.Error()
			if strings.Contains(msg, "stopped after") || strings.Contains(msg, "unsupported protocol scheme") {
				return false, err
			}
			var hna *HostNotAllowedError
			if errors.As(err, &hna) {
				return false, err
			}
			// A name that does not resolve will not resolve on retry.
			var dns *net.DNSError
			if errors.As(err, &dns) && dns.IsNotFound {
				return false, err
			}
			var uae x509.UnknownAuthorityError
			var cie x509.CertificateInvalidError
			if errors.As(err, &uae) || errors.As(err, &cie) {
				return false, err
			}
		}
		return true, err
	}
	if resp != nil && retryableStatus(resp.StatusCode) {
		if d, ok := retryAfter(resp, time.Now()); ok && d > c.cfg.MaxRetryAfter {
			return false, nil
		}
		return true, nil
	}
	return false, nil
}

// backoff waits min·2^attempt with full jitter in its upper half, capped at
// max; a Retry-After on 429 or 503 replaces it.
func (c *Client) backoff(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
	if d, ok := retryAfter(resp, time.Now()); ok {
		return d
	}
	return expBackoff(min, max, attempt, rand.Float64())
}

// expBackoff is min·2^attempt, capped at max, scaled into [d/2, d] by jitter
// in [0,1).
func expBackoff(min, max time.Duration, attempt int, jitter float64) time.Duration {
	d := min
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d/2 + time.Duration(jitter*float64(d/2))
}

// retryAfter reads the Retry-After header of a 429 or 503 response: either
// delay-seconds or an HTTP-date (relative to now). A date in the past is a
// zero wait.
func retryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp == nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
		return 0, false
	}
	return parseRetryAfter(resp.Header.Get("Retry-After"), now)
}

// parseRetryAfter parses a Retry-After value (RFC 9110 section 10.2.3).
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(24*time.Hour/time.Second) {
			n = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

// readBody reads at most limit+1 bytes of r. A declared length (n >= 0)
// sizes the buffer at once, so a large page is read without the copies of
// a growing buffer; the length is not trusted beyond that.
func readBody(r io.Reader, n, limit int64) ([]byte, error) {
	if n < 0 || n > limit {
		return io.ReadAll(io.LimitReader(r, limit+1))
	}
	buf := make([]byte, 0, n+1) // one spare byte: EOF is seen without growing
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		m, err := r.Read(buf[len(buf):min(cap(buf), int(limit+1))])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if int64(len(buf)) > limit {
			return buf, nil
		}
	}
}
