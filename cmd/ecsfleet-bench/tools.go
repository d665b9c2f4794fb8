package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sort"
	"syscall"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
	"github.com/ecsfleet/ecsfleet/engine"
	"github.com/ecsfleet/ecsfleet/plan"
	"github.com/ecsfleet/ecsfleet/spec"
)

// Tool names as the table prints them.
const (
	toolEcsfleet  = "ecsfleet"
	toolImitation = "imitation"
	toolTerraform = "terraform"
)

// runStats is one tool's run of one scenario.
type runStats struct {
	Tool   string
	CloudS float64 // cloud time from the first call to converged (or given up)
	Calls  callCounts
	// Left is what the next plan would still change (0: converged).
	Left int
	// Failed are the targets the run itself reported failed.
	Failed int
	// For ecsfleet: the plan's CPU time (process, includes the in-process
	// simulator answering the snapshot), wall time and the peak heap in use.
	PlanCPU  time.Duration
	PlanWall time.Duration
	PlanHeap uint64
	// SnapReads are the reads of ecsfleet's snapshot and plan.
	SnapReads int
	// MaxDown is the most servers out of service at once (rolling).
	MaxDown int
	// Curve are the cloud times (s from the start) at which servers first
	// reached ACTIVE (bring-up), for the chart.
	Curve []float64
	Note  string
}

// modelFor is the cloud model of a simulator config, for estimates, job
// polls and lower bounds.
func modelFor(b *benchCloud) plan.CloudModel {
	m := plan.DefaultModel()
	m.Capacity = b.cfg.Capacity
	d := b.cfg.Durations
	for k, v := range map[plan.OpKind]string{
		plan.OpCreateServers: sim.OpCreateServer, plan.OpDeleteServers: sim.OpDeleteServer,
		plan.OpResizeServers: sim.OpResize, plan.OpLiveResize: sim.OpResize, plan.OpChangeOS: sim.OpChangeOS,
		plan.OpAddNICs: sim.OpAddNIC, plan.OpDeleteNICs: sim.OpDeleteNIC,
		plan.OpAttachShared: sim.OpAttachVolume, plan.OpDetachVolume: sim.OpDetachVolume,
		plan.OpCreateVolume: sim.OpCreateVolume, plan.OpDeleteVolume: sim.OpDeleteVolume,
		plan.OpStart: sim.OpPower, plan.OpStop: sim.OpPower,
	} {
		if v, ok := d[v]; ok {
			m.Durations[k] = v
		}
	}
	return m
}

// engineFor is an engine at its defaults, with the cloud's time scale:
// its call rates (per second of cloud time) and poll schedule are the
// defaults of a real cloud, scaled like the cloud's clock.
func engineFor(b *benchCloud, f *spec.Fleet, dir string) *engine.Engine {
	s := b.effScale()
	d := engine.DefaultRates
	m := modelFor(b)
	// RetryBase is real time in the engine (not divided by TimeScale): its
	// default of 1 s is given here in cloud time.
	return engine.New(engine.Options{Fleet: f, TimeScale: s, Dir: dir, Model: &m, RetryBase: time.Duration(float64(time.Second) / s),
		Rates: engine.Rates{Reads: d.Reads * s, Writes: d.Writes * s, Polls: d.Polls * s}})
}

// ecsfleetClient is the client as the CLI wires it, its backoffs in cloud
// time.
func ecsfleetClient(b *benchCloud, eng *engine.Engine) (*ecs.Client, error) {
	s := b.effScale()
	d := ecs.DefaultRetryPolicy
	return b.client(ecs.RetryPolicy{MaxAttempts: d.MaxAttempts,
		BaseDelay: max(time.Duration(float64(d.BaseDelay)/s), time.Microsecond),
		MaxDelay:  max(time.Duration(float64(d.MaxDelay)/s), time.Microsecond)}, eng.OnRetry)
}

func makePlan(ctx context.Context, b *benchCloud, c *ecs.Client, f *spec.Fleet, destroy bool) (*plan.Plan, error) {
	o := plan.Options{FleetHash: "bench", Model: modelFor(b), Destroy: destroy}
	if destroy {
		f = plan.ForDestroy(f)
	}
	return plan.Make(ctx, c, f, o)
}

// leftover is how many changes the next plan holds (0: converged).
func leftover(ctx context.Context, b *benchCloud, f *spec.Fleet, destroy bool) (int, error) {
	c, err := b.client(ecs.RetryPolicy{MaxAttempts: 8, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}, nil)
	if err != nil {
		return 0, err
	}
	var p *plan.Plan
	for range 5 { // the noisy cloud may fail a read; the check is not measured
		if p, err = makePlan(ctx, b, c, f, destroy); err == nil {
			break
		}
	}
	if err != nil {
		return 0, err
	}
	return len(p.Changes), nil
}

// peakHeap samples the heap in use until stop is closed.
func peakHeap(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		var peak uint64
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runEcsfleet is one `ecsfleet apply` (or destroy): the snapshot and plan,
// then the engine, from the first call to the end of the run.
func runEcsfleet(ctx context.Context, b *benchCloud, f *spec.Fleet, destroy bool) (*runStats, float64, error) {
	dir, err := os.MkdirTemp("", "ecsfleet-bench-")
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(dir)
	eng := engineFor(b, f, dir)
	c, err := ecsfleetClient(b, eng)
	if err != nil {
		return nil, 0, err
	}
	b.hs.Sim.ResetStats()
	b.hs.Sim.ResetHistory()
	t0 := b.now()
	runtime.GC()
	stop := make(chan struct{})
	peak := peakHeap(stop)
	cpu0, w0 := cpuTime(), time.Now()
	p, err := makePlan(ctx, b, c, f, destroy)
	cpu1, w1 := cpuTime(), time.Now()
	close(stop)
	heap := <-peak
	if err != nil {
		return nil, 0, fmt.Errorf("plan: %w", err)
	}
	snapReads := b.counts().Reads
	if os.Getenv("ECSFLEET_BENCH_STATS") != "" {
		dumpStats(b, "ecsfleet plan")
	}
	if os.Getenv("ECSFLEET_BENCH_PLAN") != "" {
		_ = plan.RenderText(os.Stderr, p, plan.TextOptions{})
	}
	bound := lowerBound(b, p)
	res, err := eng.Apply(ctx, c, p)
	if err != nil {
		return nil, 0, fmt.Errorf("apply: %w", err)
	}
	t1 := b.now()
	rs := &runStats{Tool: toolEcsfleet, CloudS: t1.Sub(t0).Seconds(), Calls: b.counts(),
		PlanCPU: cpu1 - cpu0, PlanWall: w1.Sub(w0), PlanHeap: heap, SnapReads: snapReads}
	rs.MaxDown, rs.Curve = historyOf(b, t0)
	for _, o := range res.Ops {
		if o.Status != engine.StatusDone {
			rs.Failed += max(len(o.Failures), 1)
			if rs.Note == "" {
				why := o.Error
				if len(o.Failures) > 0 {
					why = o.Failures[0].Reason
				}
				rs.Note = clip(fmt.Sprintf("first failure: %s %s: %s", o.ID, o.Kind, why), 110)
			}
		}
	}
	if rs.Left, err = leftover(ctx, b, f, destroy); err != nil {
		return nil, 0, err
	}
	return rs, bound, nil
}

// runImitation is the baseline: the same plan (made before the clock
// starts: the provider's own plan is its refresh, which is measured),
// a refresh of every existing server, then the plan resource by resource.
func runImitation(ctx context.Context, b *benchCloud, f *spec.Fleet, destroy bool, pol ImitationPolicy) (*runStats, float64, error) {
	pc, err := b.client(ecs.RetryPolicy{MaxAttempts: 8, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}, nil)
	if err != nil {
		return nil, 0, err
	}
	p, err := makePlan(ctx, b, pc, f, destroy)
	if err != nil {
		return nil, 0, fmt.Errorf("plan: %w", err)
	}
	bound := lowerBound(b, p)
	var ids []string
	owned, err := pc.ListServersDetailAll(ctx, ecs.ListServersOptions{Tags: spec.OwnerTagKey + "=" + f.Name})
	if err != nil {
		return nil, 0, err
	}
	for _, s := range owned {
		ids = append(ids, s.ID)
	}
	// The provider's HTTP client: no transparent retries (its own 429
	// policy is in the imitation).
	c, err := b.client(ecs.RetryPolicy{MaxAttempts: 1}, nil)
	if err != nil {
		return nil, 0, err
	}
	m := newImitation(pol, c, f, b.effScale())
	b.hs.Sim.ResetStats()
	b.hs.Sim.ResetHistory()
	t0 := b.now()
	rs := &runStats{Tool: toolImitation}
	if err := m.Refresh(ctx, ids); err != nil {
		rs.Note = "refresh failed: " + err.Error()
	}
	var res *ImitationResult
	if rs.Note == "" {
		res = m.Apply(ctx, p)
	}
	t1 := b.now()
	rs.CloudS, rs.Calls = t1.Sub(t0).Seconds(), b.counts()
	rs.MaxDown, rs.Curve = historyOf(b, t0)
	if res != nil {
		rs.Failed = len(res.Failed)
		keys := make([]string, 0, len(res.Failed))
		for k := range res.Failed {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if len(keys) > 0 && rs.Note == "" {
			rs.Note = clip(fmt.Sprintf("first failure: %s: %s", keys[0], res.Failed[keys[0]]), 110)
		}
	}
	if rs.Left, err = leftover(ctx, b, f, destroy); err != nil {
		return nil, 0, err
	}
	return rs, bound, nil
}

// historyOf reads the simulator's status history since t0: the most
// servers out of service at once, and when each server first became ACTIVE.
func historyOf(b *benchCloud, t0 time.Time) (int, []float64) {
	h := b.hs.Sim.History(b.hs.ProjectID)
	down, _ := maxDown(h)
	seen := map[string]bool{}
	var curve []float64
	for _, c := range h {
		if c.To == ecs.StatusActive && c.From == ecs.StatusBuild && !seen[c.ServerID] {
			seen[c.ServerID] = true
			curve = append(curve, c.At.Sub(t0).Seconds())
		}
	}
	return down, curve
}

// maxDown is the most servers out of service at once: any status but
// ACTIVE, for servers that existed (a new server in BUILD is not down).
func maxDown(h []sim.StatusChange) (int, time.Time) {
	return sim.MaxConcurrent(h, func(st string) bool { return st != ecs.StatusActive && st != ecs.StatusBuild })
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
