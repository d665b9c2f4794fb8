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

// throttledRun brings up 800 servers on a cloud throttled at n requests
// per second, then applies a call-bound change (three calls for each of 800
// servers: set a tag, remove another, change a metadata value) with an
// engine told nothing of n and allowed far more. It returns the change's
// time as a multiple of the throttle-limited ideal, and the fraction of
// calls the cloud refused.
func throttledRun(t testing.TB, n float64) (ratio, refusedFrac float64) {
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
	if accepted < 2400 {
		t.Fatalf("only %d calls: the scenario is not call-bound", accepted)
	}
	ideal := time.Duration(float64(accepted-20) / n * float64(time.Second))
	ratio, refusedFrac = float64(took)/float64(ideal), float64(refused)/float64(calls)
	t.Logf("%d calls accepted, %d refused (%.1f%%), %s against an ideal of %s (%.2fx); engine rate now %.0f/s",
		accepted, refused, 100*refusedFrac, took.Round(time.Millisecond), ideal.Round(time.Millisecond), ratio, cl.eng.lim.rate())
	return ratio, refusedFrac
}

// The engine learns a throttled cloud's limit instead of hammering it:
// told nothing of the limit and allowed more than three times it, it gets
// few calls refused. (An engine that did not adapt would have about two
// thirds of its calls refused.) How close it comes to the throttle-limited
// ideal time is a speed target, measured by BenchmarkThrottledApply.
func TestThrottledCloudIsNotHammered(t *testing.T) {
	if _, frac := throttledRun(t, 300); frac > 0.15 {
		t.Fatalf("%.1f%% of calls were throttled, want at most 15%%", 100*frac)
	}
}

// BenchmarkThrottledApply reports the call-bound change's time as a
// multiple of the throttle-limited ideal (target: at most 1.2) and the
// share of calls refused (target: a few percent).
func BenchmarkThrottledApply(b *testing.B) {
	var ratio, frac float64
	for range b.N {
		r, f := throttledRun(b, 300)
		ratio += r
		frac += f
	}
	b.ReportMetric(ratio/float64(b.N), "x-ideal")
	b.ReportMetric(100*frac/float64(b.N), "%refused")
}
