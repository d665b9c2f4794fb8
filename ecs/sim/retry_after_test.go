package sim

import (
	"net/http"
	"testing"
)

// Every 429, from the throttle or injected, tells the client how long to
// wait: Retry-After in whole seconds, at least 1.
func TestRetryAfterOn429(t *testing.T) {
	for _, tc := range []struct {
		rate float64
		want string
	}{{1, "1"}, {0.25, "4"}, {50, "1"}} {
		ts := newTestSim(t, func(c *Config) { c.Throttle = ThrottleConfig{Rate: tc.rate, Burst: 1} })
		ts.do("GET", ts.v1("/cloudservers/limits"), nil)
		st, h, b := ts.doH("GET", ts.v1("/cloudservers/limits"), nil)
		wantErr(t, st, b, http.StatusTooManyRequests, CodeThrottled)
		if got := h.Get("Retry-After"); got != tc.want {
			t.Errorf("rate %v: Retry-After %q, want %q", tc.rate, got, tc.want)
		}
	}
	ts := newTestSim(t, func(c *Config) { c.Faults = FaultConfig{Throttle429: 1, ExcludeIAM: true} })
	st, h, b := ts.doH("GET", ts.v1("/cloudservers/limits"), nil)
	wantErr(t, st, b, http.StatusTooManyRequests, CodeThrottled)
	if h.Get("Retry-After") != "1" {
		t.Fatalf("injected 429: Retry-After %q", h.Get("Retry-After"))
	}
	// Other answers carry no Retry-After.
	ok := newTestSim(t)
	if _, h, _ := ok.doH("GET", ok.v1("/cloudservers/limits"), nil); h.Get("Retry-After") != "" {
		t.Fatalf("a 200 carries Retry-After %q", h.Get("Retry-After"))
	}
}
