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

// limiter is a token bucket per class whose rate adapts to the cloud:
// multiplicative decrease on every throttled answer (at most once per
// cooldown, so one burst of 429s halves the rate once, not ten times),
// additive increase back to the configured rate while calls go through.
type limiter struct {
	mu       sync.Mutex
	max      [nClasses]float64
	cur      [nClasses]float64
	lim      [nClasses]*rate.Limiter
	lastCut  [nClasses]time.Time
	cooldown time.Duration
	now      func() time.Time
}

// minRate is the floor of an adaptive rate (calls per second).
const minRate = 0.5

func newLimiter(r Rates, cooldown time.Duration, now func() time.Time) *limiter {
	l := &limiter{cooldown: cooldown, now: now}
	for c := Class(0); c < nClasses; c++ {
		l.max[c] = r.of(c)
		l.cur[c] = l.max[c]
		burst := max(1, int(l.max[c]/5))
		l.lim[c] = rate.NewLimiter(rate.Limit(l.max[c]), burst)
	}
	return l
}

// wait blocks until a call of class c may go.
func (l *limiter) wait(ctx context.Context, c Class) error {
	return l.lim[c].Wait(ctx)
}

// throttled halves class c's rate (and the others', which share the
// gateway) unless it was cut within the cooldown. It returns the new
// rate of c.
func (l *limiter) throttled(c Class) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.lastCut[c]) < l.cooldown {
		return l.cur[c]
	}
	for k := Class(0); k < nClasses; k++ {
		if now.Sub(l.lastCut[k]) < l.cooldown {
			continue
		}
		l.cur[k] = max(minRate, l.cur[k]/2)
		l.lastCut[k] = now
		l.lim[k].SetLimit(rate.Limit(l.cur[k]))
	}
	return l.cur[c]
}

// succeeded lets class c's rate creep back up after a quiet cooldown: by
// 2% of the configured rate per successful call, at most to it.
func (l *limiter) succeeded(c Class) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cur[c] >= l.max[c] || l.now().Sub(l.lastCut[c]) < l.cooldown {
		return
	}
	l.cur[c] = min(l.max[c], l.cur[c]+l.max[c]/50)
	l.lim[c].SetLimit(rate.Limit(l.cur[c]))
}

func (l *limiter) rate(c Class) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur[c]
}
