package plan

import (
	"context"
	"runtime"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs"
)

// BenchmarkPlan10k plans a 10,000-server fleet with 1% drift (a tag added
// out of band on 100 servers). "diff" is the planner's own work on a
// snapshot already read (matching, diff, compile, fingerprints): the CPU
// and memory the target is about. "full" adds the 14 reads over
// HTTP, with the simulator answering in the same process (its JSON
// encoding is in the number; no simulated latency).
func BenchmarkPlan10k(b *testing.B) {
	ctx := context.Background()
	cl := bigCloud(b)
	f := loadFleet(b, "big.yaml", setsFleet(10000))
	cl.execute(b, f, createOnly(cl.plan(b, f)))
	all, err := cl.c.ListServersDetailAll(ctx, ecs.ListServersOptions{Tags: OwnerFilter("big")})
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range all[:100] {
		if err := cl.c.AddTags(ctx, s.ID, []ecs.Tag{{Key: "drift", Value: "yes"}}); err != nil {
			b.Fatal(err)
		}
	}
	snap, err := ReadSnapshot(ctx, cl.c, f)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("diff", func(b *testing.B) {
		b.ReportAllocs()
		var peak uint64
		for b.Loop() {
			p, err := makeFrom(ctx, cl.c, f, snap, Options{Now: fixedNow})
			if err != nil || p.Summary.Change != 100 {
				b.Fatalf("plan: %v %+v", err, p.Summary)
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
		b.ReportMetric(float64(peak)/(1<<20), "MB-heap-inuse")
	})
	b.Run("full", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p, err := Make(ctx, cl.c, f, Options{Now: fixedNow})
			if err != nil || p.Summary.Change != 100 {
				b.Fatalf("plan: %v", err)
			}
		}
	})
}
