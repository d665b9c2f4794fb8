package plan

import (
	"fmt"
	"time"
)

// CloudModel is what the estimate assumes of the cloud: how long one
// server's part of each job takes, how many such parts run at once per
// project, and the time of one API call. The reference publishes no
// figures; the defaults are the simulator's documented assumptions
// (docs/simulator.md), so an estimate is an estimate, not a promise.
type CloudModel struct {
	Capacity    int
	CallLatency time.Duration
	Durations   map[OpKind]time.Duration
}

// DefaultModel is the simulator's default cloud model.
func DefaultModel() CloudModel {
	return CloudModel{
		Capacity:    20,
		CallLatency: 200 * time.Millisecond,
		Durations: map[OpKind]time.Duration{
			OpCreateServers: 60 * time.Second,
			OpDeleteServers: 20 * time.Second,
			OpResizeServers: 90 * time.Second,
			OpLiveResize:    90 * time.Second,
			OpChangeOS:      120 * time.Second,
			OpAddNICs:       10 * time.Second,
			OpDeleteNICs:    10 * time.Second,
			OpAttachShared:  15 * time.Second,
			OpDetachVolume:  15 * time.Second,
			OpCreateVolume:  10 * time.Second,
			OpDeleteVolume:  10 * time.Second,
			OpStart:         20 * time.Second,
			OpStop:          20 * time.Second,
		},
	}
}

// Estimate is the longer of the dependency graph's critical path and the
// total backend work divided by the capacity.
func (m CloudModel) Estimate(ops []Op) Estimate {
	byID := make(map[string]*Op, len(ops))
	for i := range ops {
		byID[ops[i].ID] = &ops[i]
	}
	cost := func(op *Op) (wall, work time.Duration) {
		d := m.Durations[op.Kind]
		n := max(len(op.Targets), 1)
		if op.Kind == OpCreateServers && op.Args.Create != nil {
			n = op.Args.Create.Count
		}
		rounds := (n + m.Capacity - 1) / m.Capacity
		return m.CallLatency + time.Duration(rounds)*d, time.Duration(n) * d
	}
	finish := make(map[string]time.Duration, len(ops))
	var visit func(id string, depth int) time.Duration
	visit = func(id string, depth int) time.Duration {
		if f, ok := finish[id]; ok {
			return f
		}
		op := byID[id]
		if op == nil || depth > len(ops) {
			return 0
		}
		var start time.Duration
		for _, d := range op.DependsOn {
			start = max(start, visit(d, depth+1))
		}
		wall, _ := cost(op)
		finish[id] = start + wall
		return finish[id]
	}
	var path, work time.Duration
	for i := range ops {
		path = max(path, visit(ops[i].ID, 0))
		_, w := cost(&ops[i])
		work += w
	}
	total := max(path, work/time.Duration(m.Capacity))
	return Estimate{
		Seconds: int((total + time.Second - 1) / time.Second),
		Basis:   fmt.Sprintf("estimate on the default cloud model: %d concurrent backend operations, create %s, resize %s per server; the real cloud may differ", m.Capacity, m.Durations[OpCreateServers], m.Durations[OpResizeServers]),
	}
}
