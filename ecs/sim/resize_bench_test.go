package sim

import (
	"net/http"
	"testing"
	"time"
)

// BenchmarkBatchResize30 measures one full 5.21.6 call (30 servers, each
// its own flavor) through HTTP, with 200 finished jobs already in the
// project: the limit checks scan unfinished sub-jobs, so this shows what a
// long-lived project costs per call.
func BenchmarkBatchResize30(b *testing.B) {
	// Simulated time runs for days here; keep the token valid throughout.
	ts := newTestSim(b, func(c *Config) { c.TokenTTL = 100000 * time.Hour })
	ids := xaStopped(ts, 30)
	other := ts.createServers(1, nil)[0]
	for range 100 {
		xaAction(ts, "v2.1", other, "os-stop", map[string]any{})
		ts.clock.Advance(time.Minute)
		xaAction(ts, "v2.1", other, "os-start", map[string]any{})
		ts.clock.Advance(time.Minute)
	}
	if n := len(ts.sim.project(ts.pid).Jobs); n < 200 {
		b.Fatalf("setup made %d jobs, want 200", n)
	}
	flavors := []string{"c6.xlarge.2", "m6.large.8"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var items []map[string]any
		for k, id := range ids {
			items = append(items, map[string]any{"serverId": id, "flavorRef": flavors[(i+k)%2]})
		}
		st, body := ts.do("POST", ts.v1("/cloudservers/resize"), map[string]any{"resize": items})
		if st != http.StatusOK {
			b.Fatalf("resize: %d %v", st, body)
		}
		b.StopTimer()
		ts.waitJob(body["job_id"].(string))
		b.StartTimer()
	}
}
