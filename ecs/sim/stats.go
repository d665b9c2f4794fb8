package sim

import (
	"net/http"
	"sort"
	"sync"
	"time"
)

// Call statistics per route pattern, so benchmarks and tests can count the
// calls a client made (e.g. "a 500-server rename took 10 calls").

// EndpointStats is what one route pattern has seen.
type EndpointStats struct {
	Pattern      string        `json:"pattern"`
	Count        int           `json:"count"`
	Status       map[int]int   `json:"status"` // status code -> count (0 = dropped)
	TotalLatency time.Duration `json:"total_latency_ns"`
	MaxLatency   time.Duration `json:"max_latency_ns"`
}

type statsTable struct {
	mu sync.Mutex
	m  map[string]*EndpointStats
}

func (t *statsTable) init() { t.m = map[string]*EndpointStats{} }

func (t *statsTable) record(pattern string, status int, d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.m[pattern]
	if e == nil {
		e = &EndpointStats{Pattern: pattern, Status: map[int]int{}}
		t.m[pattern] = e
	}
	e.Count++
	e.Status[status]++
	e.TotalLatency += d
	if d > e.MaxLatency {
		e.MaxLatency = d
	}
}

// Stats returns a copy of the per-endpoint statistics, sorted by pattern.
func (s *Sim) Stats() []EndpointStats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	out := make([]EndpointStats, 0, len(s.stats.m))
	for _, e := range s.stats.m {
		c := *e
		c.Status = make(map[int]int, len(e.Status))
		for k, v := range e.Status {
			c.Status[k] = v
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pattern < out[j].Pattern })
	return out
}

// Calls returns how many calls the route pattern has served (0 if none).
func (s *Sim) Calls(pattern string) int {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	if e := s.stats.m[pattern]; e != nil {
		return e.Count
	}
	return 0
}

// ResetStats clears the statistics.
func (s *Sim) ResetStats() {
	s.stats.mu.Lock()
	s.stats.m = map[string]*EndpointStats{}
	s.stats.mu.Unlock()
}

// handleAdminStats is GET /_sim/stats: the call counts per route.
func (s *Sim) handleAdminStats(c *Ctx) error {
	return c.JSON(http.StatusOK, map[string]any{"endpoints": s.Stats()})
}

// handleAdminStatsReset is POST /_sim/stats/reset.
func (s *Sim) handleAdminStatsReset(c *Ctx) error {
	s.ResetStats()
	return c.NoContent(http.StatusNoContent)
}
