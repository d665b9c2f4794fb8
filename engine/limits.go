package engine

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Class is an API call class with its own rate limit: a burst of job polls
// must not starve the writes, and reads are cheap for the cloud.
type Class int

// Call classes.
const (
	Reads Class = iota
	Writes
	Polls
	nClasses
)

func (c Class) String() string {
	return [...]string{"reads", "writes", "polls"}[c]
}

// Rates are the calls per second the engine allows itself per class. The
// reference publishes no API gateway limits; the defaults are assumptions
// (docs/engine.md) that the adaptive limiter corrects downwards when the
// cloud throttles.
type Rates struct {
	Reads, Writes, Polls float64
}

// DefaultRates are used for zero fields.
var DefaultRates = Rates{Reads: 50, Writes: 20, Polls: 50}

func (r Rates) withDefaults() Rates {
	d := DefaultRates
	if r.Reads > 0 {
		d.Reads = r.Reads
	}
	if r.Writes > 0 {
		d.Writes = r.Writes
	}
	if r.Polls > 0 {
		d.Polls = r.Polls
	}
	return d
}

func (r Rates) of(c Class) float64 {
	switch c {
	case Reads:
		return r.Reads
	case Writes:
		return r.Writes
	}
	return r.Polls
}

// limiter is a token bucket per class (the operator's caps) behind one
// adaptive bucket for the whole API gateway, which counts every call of a
// project whatever its class.
//
// The gateway rate adapts the way TCP finds a link's capacity: every 429
// cuts it by 15% (once per quarter second: a burst of 429s is one signal),
// and after half a second without one it climbs back by 5% a quarter
// second while calls are waiting for it, to at most the sum of the class
// caps. Starting above the cloud's
// limit it comes down within a second or two; at the limit it saw-tooths
// between 85% and 100% of it with a handful of refusals per tooth, each
// of which costs only its own call the cloud's Retry-After.
type limiter struct {
	mu       sync.Mutex
	class    [nClasses]*rate.Limiter
	gate     *rate.Limiter
	max, cur float64
	last429  time.Time
	lastStep time.Time
	// lastBusy is when a call last had to wait for the gateway rate: the
	// rate climbs only while it is what holds calls back (a rate that
	// climbs while demand is low would meet the next burst far too high).
	lastBusy time.Time
	now      func() time.Time
}

// Adaptation of the gateway rate.
const (
	minRate   = 0.5                    // calls per second, the floor
	cut       = 0.85                   // the rate after a 429
	climb     = 1.05                   // per step while calls go through
	step      = 250 * time.Millisecond // between two cuts or two climbs
	quietTime = 500 * time.Millisecond // without a 429, before climbing
)

func newLimiter(r Rates, now func() time.Time) *limiter {
	l := &limiter{now: now}
	for c := Class(0); c < nClasses; c++ {
		l.class[c] = rate.NewLimiter(rate.Limit(r.of(c)), max(1, int(r.of(c)/5)))
		l.max += r.of(c)
	}
	l.cur = l.max
	// A small burst: a cloud's gateway is a token bucket too, and bursts
	// are what it refuses first.
	l.gate = rate.NewLimiter(rate.Limit(l.max), max(1, int(l.max/100)))
	return l
}

// wait blocks until a call of class c may go.
func (l *limiter) wait(ctx context.Context, c Class) error {
	if err := l.class[c].Wait(ctx); err != nil {
		return err
	}
	r := l.gate.Reserve()
	d := r.Delay()
	if d <= 0 {
		return nil
	}
	l.mu.Lock()
	l.lastBusy = l.now()
	l.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		r.Cancel()
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// throttled takes a 429 into account and returns the new gateway rate.
func (l *limiter) throttled() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.last429 = now
	if now.Sub(l.lastStep) >= step {
		l.lastStep = now
		l.set(now, l.cur*cut)
	}
	return l.cur
}

// succeeded climbs back after a quiet spell.
func (l *limiter) succeeded() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cur >= l.max {
		return
	}
	now := l.now()
	if now.Sub(l.last429) >= quietTime && now.Sub(l.lastStep) >= step && now.Sub(l.lastBusy) < step {
		l.lastStep = now
		l.set(now, l.cur*climb)
	}
}

func (l *limiter) set(now time.Time, r float64) {
	l.cur = min(l.max, max(minRate, r))
	l.gate.SetLimitAt(now, rate.Limit(l.cur))
}

// rate is the gateway rate now.
func (l *limiter) rate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur
}
