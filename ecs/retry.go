package ecs

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy bounds the transport's retries.
//
// What is retried (and why): a throttled answer (429 or a throttling code)
// means the request was not processed, so it is retried for ANY method; a GET
// is also retried after a 5xx or a network failure, since reading twice is
// harmless; a mutating request is NEVER retried after an ambiguous failure (5xx,
// connection dropped after sending): it may have been applied, and only the
// caller can find out (e.g. by re-reading live state) before trying again.
type RetryPolicy struct {
	// MaxAttempts counts the first try (default 6; 1 disables retries).
	MaxAttempts int
	// BaseDelay is the first backoff (default 500 ms); it doubles per attempt.
	BaseDelay time.Duration
	// MaxDelay caps one backoff (default 30 s), Retry-After included.
	MaxDelay time.Duration
}

// RetryInfo describes one retry the transport is about to make.
type RetryInfo struct {
	Method, Path string
	// Class is why: Throttled (429 or a throttling code) or Transient (a 5xx
	// or a network failure of a read).
	Class Class
	// Attempt is the attempt that failed (1 = the first try).
	Attempt int
	// Delay is how long the transport waits before the next attempt
	// (Retry-After included).
	Delay time.Duration
	// Err is the failure (never holds a secret: messages are masked).
	Err error
}

// DefaultRetryPolicy is used for a zero RetryPolicy.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 6, BaseDelay: 500 * time.Millisecond, MaxDelay: 30 * time.Second}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy
	if p.MaxAttempts > 0 {
		d.MaxAttempts = p.MaxAttempts
	}
	if p.BaseDelay > 0 {
		d.BaseDelay = p.BaseDelay
	}
	if p.MaxDelay > 0 {
		d.MaxDelay = p.MaxDelay
	}
	return d
}

// backoff is the wait before attempt n+1 (n >= 1): full jitter over an
// exponentially growing window, but never less than the server's Retry-After.
func (p RetryPolicy) backoff(n int, retryAfter time.Duration) time.Duration {
	window := p.BaseDelay << min(n-1, 20)
	if window > p.MaxDelay || window <= 0 {
		window = p.MaxDelay
	}
	d := window/2 + rand.N(window/2+1)
	if retryAfter > d {
		d = retryAfter
	}
	if d > p.MaxDelay {
		d = p.MaxDelay
	}
	return d
}

// parseRetryAfter reads Retry-After as delta-seconds or an HTTP date.
func parseRetryAfter(v string) int {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return n
	}
	if t, err := time.Parse(time.RFC1123, v); err == nil {
		if s := int(time.Until(t).Seconds() + 0.5); s > 0 {
			return s
		}
	}
	return 0
}

func randN(n int64) int64 { return rand.Int64N(n) }
