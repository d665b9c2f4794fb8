package ecs_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// TestClockSkewIsNamed: an AK/SK call from a machine whose clock is 20
// minutes behind (or ahead of) the cloud's is refused by the cloud; the
// client's error says so, with the amount, instead of a bare 401.
func TestClockSkewIsNamed(t *testing.T) {
	for _, tc := range []struct {
		offset time.Duration
		want   string
	}{
		{20 * time.Minute, "20m0s behind the cloud's"},
		{-20 * time.Minute, "20m0s ahead of the cloud's"},
	} {
		hs := sim.NewTestServer(t, func(c *sim.Config) { c.Clock = sim.NewManualClock(time.Now().Add(tc.offset)) })
		c := newSimClient(t, hs, "aksk")
		_, err := c.GetServer(context.Background(), "00000000-0000-4000-8000-000000000000")
		var skew *ecs.ClockSkewError
		if !errors.As(err, &skew) {
			t.Fatalf("offset %s: %T %v, want a ClockSkewError", tc.offset, err, err)
		}
		d := skew.Skew - tc.offset
		if d < -5*time.Second || d > 5*time.Second {
			t.Errorf("offset %s: skew %s", tc.offset, skew.Skew)
		}
		// The message rounds to the second; a second of test time may pass.
		if msg := err.Error(); !strings.Contains(msg, "NTP") || !(strings.Contains(msg, tc.want) || strings.Contains(msg, strings.Replace(tc.want, "20m0s", "20m1s", 1)) || strings.Contains(msg, strings.Replace(tc.want, "20m0s", "19m59s", 1))) {
			t.Errorf("offset %s: message %q, want %q", tc.offset, msg, tc.want)
		}
		var apiErr *ecs.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
			t.Errorf("offset %s: the cloud's answer is lost: %v", tc.offset, err)
		}
	}
	// A small difference is not blamed on the clock: a wrong key is a
	// plain 401.
	hs := sim.NewTestServer(t, func(c *sim.Config) { c.Clock = sim.NewManualClock(time.Now().Add(time.Minute)) })
	cfg := simConfig(hs, "aksk")
	cfg.SecretKey = "not-the-secret-key-0000000000000000000000"
	c, err := ecs.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetServer(context.Background(), "00000000-0000-4000-8000-000000000000")
	var skew *ecs.ClockSkewError
	if err == nil || errors.As(err, &skew) {
		t.Fatalf("wrong key with a 1-minute offset: %v", err)
	}
}
