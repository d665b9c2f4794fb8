package engine

import (
	"strings"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

const rollingFleet = `
name: roll
defaults:
  availability_zone: az1.dc1
  vpc: vpc-default
  image: Ubuntu 22.04 server 64bit
  root_volume: {type: SSD}
  security_groups: [default]
servers:
  - name: app
    count: 70
    flavor: FLAVOR
    resize_mode: offline
    update_policy: {max_unavailable: 10}
    nics: [{subnet: subnet-app}]
`

// A rolling offline resize of 70 servers with max_unavailable 10 never has
// more than 10 of them out of service at any instant, as the simulator's
// own record of every status change shows, and it does use the budget.
func TestRollingResizeNeverExceedsMaxUnavailable(t *testing.T) {
	cl := newCloud(t, func(c *sim.Config) { c.RecordHistory = true; c.Capacity = 100 })
	f := loadFleet(t, strings.Replace(rollingFleet, "FLAVOR", "s6.small.1", 1))
	cl.mustConverge(t, f, cl.apply(t, f))
	cl.hs.Sim.ResetHistory()

	f = loadFleet(t, strings.Replace(rollingFleet, "FLAVOR", "c6.large.2", 1))
	cl.mustConverge(t, f, cl.apply(t, f))
	for _, s := range cl.servers(t) {
		if s.Flavor.ID != "c6.large.2" || s.Status != ecs.StatusActive {
			t.Fatalf("%s: flavor %s status %s after the rolling resize", s.Name, s.Flavor.ID, s.Status)
		}
	}
	h := cl.hs.Sim.History(cl.hs.ProjectID)
	down, at := sim.MaxConcurrent(h, func(status string) bool { return status != ecs.StatusActive })
	if down > 10 {
		t.Fatalf("%d servers were out of service at once (at %s), max_unavailable is 10", down, at)
	}
	if down < 10 {
		t.Fatalf("at most %d servers were out of service at once: the waves do not use the budget of 10", down)
	}
	changed := map[string]bool{}
	for _, c := range h {
		changed[c.ServerID] = true
	}
	if len(changed) != 70 {
		t.Fatalf("the history shows %d servers changing, want 70", len(changed))
	}
}

// The stops of a rolling wave are not queued behind --parallelism: a
// start or stop gives its slot back while it waits for the server (it has
// no job), so a wave of 30 with the default 10 ops in flight stops all 30
// at once. Their SHUTOFF times (the simulator's record, stop 20 s ±20%)
// then spread over less than one stop, where three rounds of ten would
// spread over two at least.
func TestWaveStopsAreNotQueuedBehindParallelism(t *testing.T) {
	// At 50x a millisecond of this machine's time per call is 50 ms of
	// cloud time, far below the 20 s the assertion leaves.
	cl := newCloud(t, func(c *sim.Config) { c.RecordHistory = true; c.Capacity = 100; c.TimeScale = 50 })
	cl.eng.o.TimeScale = 50
	src := strings.NewReplacer("count: 70", "count: 30", "max_unavailable: 10", "max_unavailable: 30")
	f := loadFleet(t, src.Replace(strings.Replace(rollingFleet, "FLAVOR", "s6.small.1", 1)))
	cl.mustConverge(t, f, cl.apply(t, f))
	cl.hs.Sim.ResetHistory()
	f = loadFleet(t, src.Replace(strings.Replace(rollingFleet, "FLAVOR", "c6.large.2", 1)))
	cl.mustConverge(t, f, cl.apply(t, f))
	var first, last time.Time
	n := 0
	for _, c := range cl.hs.Sim.History(cl.hs.ProjectID) {
		if c.From == ecs.StatusActive && c.To == ecs.StatusShutoff {
			if n == 0 || c.At.Before(first) {
				first = c.At
			}
			if c.At.After(last) {
				last = c.At
			}
			n++
		}
	}
	if n != 30 {
		t.Fatalf("%d servers stopped, want 30", n)
	}
	if spread := last.Sub(first); spread >= 20*time.Second {
		t.Fatalf("the 30 stops of the wave ended over %s of cloud time: they were queued behind the 10 ops in flight", spread)
	} else {
		t.Logf("the 30 stops ended within %s", spread)
	}
}
