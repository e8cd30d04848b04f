package fetch

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxFreshness caps how long a cached response is served without a
// request when Config.MaxFreshness is zero.
const DefaultMaxFreshness = 10 * time.Minute

// cacheControl is what the cache uses of a Cache-Control header (RFC 9111
// section 5.2.2).
type cacheControl struct {
	maxAge         time.Duration // max-age, else s-maxage; valid when hasMaxAge
	hasMaxAge      bool
	noCache        bool // no-cache, with or without a field list
	noStore        bool
	mustRevalidate bool // must-revalidate or proxy-revalidate
}

// parseCacheControl reads the directives of a Cache-Control header value.
// Unknown directives are ignored; a malformed delta-seconds makes the
// response not fresh (RFC 9111 section 4.2.1: treat it as stale). When a
// directive appears twice the first one wins.
func parseCacheControl(v string) cacheControl {
	var cc cacheControl
	var maxAge, sMaxAge time.Duration
	haveMax, haveS, bad := false, false, false
	for _, part := range splitDirectives(v) {
		name, arg, hasArg := strings.Cut(part, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		arg = strings.Trim(strings.TrimSpace(arg), `"`)
		switch name {
		case "no-cache":
			cc.noCache = true
		case "no-store":
			cc.noStore = true
		case "must-revalidate", "proxy-revalidate":
			cc.mustRevalidate = true
		case "max-age", "s-maxage":
			d, ok := deltaSeconds(arg)
			if !hasArg || !ok {
				bad = true
				continue
			}
			if name == "max-age" && !haveMax {
				maxAge, haveMax = d, true
			} else if name == "s-maxage" && !haveS {
				sMaxAge, haveS = d, true
			}
		}
	}
	switch {
	case bad:
		cc.hasMaxAge, cc.maxAge = true, 0
	case haveMax:
		cc.hasMaxAge, cc.maxAge = true, maxAge
	case haveS:
		cc.hasMaxAge, cc.maxAge = true, sMaxAge
	}
	return cc
}

// splitDirectives splits a header value at commas outside quoted strings.
func splitDirectives(v string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				out = append(out, v[start:i])
				start = i + 1
			}
		}
	}
	return append(out, v[start:])
}

// deltaSeconds parses a non-negative integer number of seconds (RFC 9111
// section 1.2.2); values too large saturate.
func deltaSeconds(s string) (time.Duration, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > math.MaxInt64/int64(time.Second) {
		return time.Duration(math.MaxInt64), true
	}
	return time.Duration(n) * time.Second, true
}

// ageHeader reads the Age header (seconds the response spent in caches
// upstream); absent or malformed is 0.
func ageHeader(h http.Header) int64 {
	d, ok := deltaSeconds(strings.TrimSpace(h.Get("Age")))
	if !ok {
		return 0
	}
	return min(int64(d/time.Second), 1<<31) // RFC 9111 section 1.2.2's cap
}

// fresh reports whether e may be served without a request at now: its
// Cache-Control gives a freshness lifetime (capped by the client's
// MaxFreshness) that its current age (the Age it arrived with plus the time
// since it was stored) has not reached, and no directive forbids serving
// it unvalidated.
func (c *Client) fresh(e *cacheEntry, now time.Time) bool {
	limit := c.cfg.MaxFreshness
	if limit <= 0 || e.CacheControl == "" {
		return false
	}
	cc := parseCacheControl(e.CacheControl)
	if cc.noCache || cc.noStore || !cc.hasMaxAge {
		return false
	}
	lifetime := min(cc.maxAge, limit)
	if e.Stored.IsZero() || now.Before(e.Stored) {
		return false // a clock that went backwards proves nothing
	}
	age := now.Sub(e.Stored) + time.Duration(e.Age)*time.Second
	return age < lifetime
}

// requestNoCache reports whether request headers ask for a cached response
// to be revalidated: Cache-Control no-cache or max-age=0 (RFC 9111 section
// 5.2.1), or the older Pragma: no-cache.
func requestNoCache(h http.Header) bool {
	if len(h) == 0 {
		return false
	}
	if v := h.Values("Cache-Control"); len(v) > 0 {
		cc := parseCacheControl(strings.Join(v, ", "))
		if cc.noCache || (cc.hasMaxAge && cc.maxAge == 0) {
			return true
		}
	}
	for _, v := range h.Values("Pragma") {
		if strings.EqualFold(strings.TrimSpace(v), "no-cache") {
			return true
		}
	}
	return false
}
