package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

const tagFleet = `
name: tagged
defaults:
  availability_zone: az1.dc1
  vpc: vpc-default
  image: Ubuntu 22.04 server 64bit
  flavor: s6.small.1
  root_volume: {type: SSD}
  security_groups: [default]
servers:
  - name: app
    count: 200
    nics: [{subnet: subnet-app}]
    tags: {role: app, BUILD}
    metadata: {release: REL}
  - name: web
    count: 200
    nics: [{subnet: subnet-web}]
    tags: {role: web, BUILD}
    metadata: {release: REL}
  - name: db
    count: 200
    nics: [{subnet: subnet-db}]
    tags: {role: db, BUILD}
    metadata: {release: REL}
  - name: ops
    count: 200
    nics: [{subnet: subnet-mgmt}]
    tags: {role: ops, BUILD}
    metadata: {release: REL}
`

// With the cloud's API gateway throttled at N requests per second, a
// call-bound change (three calls for each of 800 servers: set a tag, remove another, change a metadata value) takes at most 1.2 times the
// time the throttle itself imposes, and few calls are refused: the engine,
// told nothing of N and allowed far more, learns it from the first 429s.
func TestThrottledCloudIsUsedToItsLimit(t *testing.T) {
	const n = 300.0 // requests per second the cloud accepts
	cl := newCloud(t, func(c *sim.Config) { c.Throttle = sim.ThrottleConfig{Rate: n, Burst: 20}; c.Capacity = 1000 })
	cl.eng = New(Options{TimeScale: cl.hs.Sim.Config().TimeScale, RetryBase: 10 * time.Millisecond, Dir: cl.dir, Parallelism: 50,
		Rates: Rates{Reads: 200, Writes: 600, Polls: 200}})
	// The client's own retry policy as the CLI has it: a throttled call
	// waits for the cloud's Retry-After.
	c, err := ecs.New(ecs.Config{Endpoint: cl.hs.URL, ProjectID: cl.hs.ProjectID, AccessKey: cl.hs.AK, SecretKey: cl.hs.SK, OnRetry: cl.eng.OnRetry})
	if err != nil {
		t.Fatal(err)
	}
	cl.c = c

	f := loadFleet(t, strings.NewReplacer("BUILD", "build: 1", "REL", "r1").Replace(tagFleet))
	cl.mustConverge(t, f, cl.apply(t, f))

	f = loadFleet(t, strings.NewReplacer("BUILD", "release: 2", "REL", "r2").Replace(tagFleet))
	p := cl.plan(t, f)
	t.Logf("%d ops", len(p.Ops))
	cl.eng.o.Fleet = f
	cl.hs.Sim.ResetStats()
	start := time.Now()
	res, err := cl.eng.Apply(context.Background(), cl.c, p)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	cl.mustConverge(t, f, res)
	calls, refused := 0, 0
	for _, e := range cl.hs.Sim.Stats() {
		calls += e.Count
		refused += e.Status[429]
	}
	accepted := calls - refused
	ideal := time.Duration(float64(accepted-20) / n * float64(time.Second))
	t.Logf("%d calls accepted, %d refused (%.1f%%), %s against an ideal of %s (%.2fx); engine rate now %.0f/s",
		accepted, refused, 100*float64(refused)/float64(calls), took.Round(time.Millisecond), ideal.Round(time.Millisecond),
		float64(took)/float64(ideal), cl.eng.lim.rate())
	if accepted < 2400 {
		t.Fatalf("only %d calls: the scenario is not call-bound", accepted)
	}
	if float64(took) > 1.2*float64(ideal) {
		t.Fatalf("took %s, more than 1.2x the throttle-limited ideal %s", took, ideal)
	}
	if frac := float64(refused) / float64(calls); frac > 0.05 {
		t.Fatalf("%.1f%% of calls were throttled, want at most 5%%", 100*frac)
	}
}
