package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs/sim"
	"github.com/ecsfleet/ecsfleet/plan"
)

// benchFleet is 1,000 servers in four sets of 250 (one per /24 subnet of
// the default catalogue), each with a data volume, three tags and a
// metadata key, sharing a soft anti-affinity group and a keypair.
func benchFleet() string {
	var b strings.Builder
	b.WriteString(`
name: bench
defaults:
  availability_zone: az1.dc1
  vpc: vpc-default
  image: Ubuntu 22.04 server 64bit
  flavor: s6.small.1
  root_volume: {type: SSD}
  security_groups: [default]
  keypair: bench-key
  tags: {env: bench, team: infra}
keypairs:
  - name: bench-key
    public_key: ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDV9luoG0IvjlGbMZs8I6pVSe0HvirOiNdB8rf5moZnEp3EIuPGeewqRiCQAnRoclr1FVmxbiN6gQuznmp37GYNHdpuXIzTT4rzo+ODxFDa3d1d7jyYP5thS3oj6hCv4+6doXQ4NUQitgl0RUt9u/dRzcc0yu8BEHAbVhactBMvvWysvuOd1Urin7EA2kNTc7ez+2CzJjiTmUIXkQaDQlwj+V6EQrbfrCF6Ng1HbKVf4qcW0JvhNcikW4LVjI1yU6SnpK7VFqvqkoSL/r+yu14IWPdpDoYhFh554vlLPzO3JGdEn4zY6ych+Fk5+3j+IppONuXhipR8bEYxdig17zeZ bench
server_groups:
  - name: bench-spread
    policy: soft-anti-affinity
servers:
`)
	for _, sub := range []string{"web", "app", "db", "mgmt"} {
		fmt.Fprintf(&b, `  - name: %s
    count: 250
    server_group: bench-spread
    nics: [{subnet: subnet-%s}]
    data_volumes: [{type: SSD, size: 20}]
    tags: {role: %s}
    metadata: {owner: bench}
`, sub, sub, sub)
	}
	return b.String()
}

// BenchmarkBringUp1000 applies the 1,000-server fleet on the simulator's
// default cloud model (20 sub-jobs at once per project, a create takes
// 60 s with ±20% jitter), its clock 200 times faster than real time, and
// reports the cloud time to converge against the model's lower bound:
// the capacity-limited critical path no client can beat (1,000 creates ×
// 60 s / 20 at once = 3,000 s). API calls are not slowed by the time
// scale, so the engine's rates are set high enough not to be the limit
// (on a real cloud they are the default; see docs/benchmarks.md).
func BenchmarkBringUp1000(b *testing.B) {
	const scale = 200
	var cloudS, boundS float64
	var stats CallStats
	for range b.N {
		b.StopTimer()
		cl := newCloud(b, func(c *sim.Config) { c.TimeScale = scale })
		cl.eng = New(Options{TimeScale: scale, Dir: cl.dir, Rates: Rates{Reads: 5000, Writes: 5000, Polls: 5000}})
		cl.c = cl.clientWithHook(b)
		f := loadFleet(b, benchFleet())
		p := cl.plan(b, f)
		cl.eng.o.Fleet = f
		b.StartTimer()
		start := time.Now()
		res, err := cl.eng.Apply(context.Background(), cl.c, p)
		wall := time.Since(start)
		b.StopTimer()
		if err != nil || !res.OK() {
			b.Fatalf("apply: %v %+v", err, res.Counts)
		}
		cloudS += wall.Seconds() * scale
		model := plan.DefaultModel()
		boundS += model.Estimate(p.Ops).Duration().Seconds()
		stats.Reads += res.Calls.Reads
		stats.Writes += res.Calls.Writes
		stats.Polls += res.Calls.Polls
		if p2 := cl.plan(b, f); !p2.Empty() {
			b.Fatal("the fleet did not converge")
		}
	}
	n := float64(b.N)
	b.ReportMetric(cloudS/n, "cloud-s")
	b.ReportMetric(boundS/n, "bound-s")
	b.ReportMetric(cloudS/boundS, "x-bound")
	b.ReportMetric(float64(stats.Reads)/n, "reads")
	b.ReportMetric(float64(stats.Writes)/n, "writes")
	b.ReportMetric(float64(stats.Polls)/n, "polls")
}
