package engine

import (
	"strings"
	"testing"

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
