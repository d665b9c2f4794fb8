package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
	"github.com/ecsfleet/ecsfleet/spec"
)

// warpClock is the simulator's wall clock, and it can run faster than
// real time: the simulator's clock is scale × this clock, so while a
// scenario's starting fleet is being built (not measured) the harness
// turns the warp up and the cloud runs warp × scale faster than real time,
// then turns it back to 1 for the measured run.
type warpClock struct {
	mu    sync.Mutex
	base  time.Time // virtual time at realAt
	real  time.Time
	rate  float64
	start time.Time // virtual time at creation
}

func newWarpClock() *warpClock {
	now := time.Now()
	return &warpClock{base: now, real: now, rate: 1, start: now}
}

func (c *warpClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base.Add(time.Duration(float64(time.Since(c.real)) * c.rate))
}

// SetRate makes the clock run rate times faster than real time from now on.
func (c *warpClock) SetRate(rate float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	c.base = c.base.Add(time.Duration(float64(now.Sub(c.real)) * c.rate))
	c.real = now
	c.rate = rate
}

func (c *warpClock) Rate() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rate
}

// benchCloud is one simulator on a local port, its warp clock and its scale.
type benchCloud struct {
	hs    *sim.HTTPServer
	clock *warpClock
	scale float64
	cfg   sim.Config
}

// cloudOptions are a scenario's departures from the simulator's default
// cloud model.
type cloudOptions struct {
	Seed      int64
	Scale     float64
	Capacity  int
	Latency   time.Duration // cloud time per API call (spent as wall time / scale)
	Faults    sim.FaultConfig
	Throttle  sim.ThrottleConfig
	Durations map[string]time.Duration // overrides
	// NoHistory turns the status history off: it costs the simulator a
	// pass over every server per request, which a 10,000-server fleet
	// feels.
	NoHistory bool
}

// benchSubnets are two large subnets added to the default catalogue: the
// default /24s hold 250 servers each, and the scenarios put two NICs on up
// to 10,000 servers.
var benchSubnets = []sim.Subnet{
	{ID: "2f1a3b4c-0000-4000-8000-0000000be001", Name: "bench-a", VPCID: "1e0f2a3b-0000-4000-8000-00000000a001", CIDR: "10.0.64.0/18"},
	{ID: "2f1a3b4c-0000-4000-8000-0000000be002", Name: "bench-b", VPCID: "1e0f2a3b-0000-4000-8000-00000000a001", CIDR: "10.0.128.0/18"},
}

// benchConfig is the simulator's default cloud with o applied.
func benchConfig(o cloudOptions, clock sim.Clock) sim.Config {
	cfg := sim.DefaultConfig()
	cfg.Seed = o.Seed
	cfg.TimeScale = o.Scale
	if o.Capacity > 0 {
		cfg.Capacity = o.Capacity
	}
	cfg.Latency = time.Duration(float64(o.Latency) / o.Scale)
	cfg.Faults.Error5xx = o.Faults.Error5xx
	cfg.Faults.Throttle429 = o.Faults.Throttle429
	cfg.Faults.SubJobFail = o.Faults.SubJobFail
	cfg.Faults.Drop = o.Faults.Drop
	cfg.Faults.ExcludeIAM = true
	cfg.Throttle = o.Throttle
	for k, v := range o.Durations {
		cfg.Durations[k] = v
	}
	cfg.Catalogue.Subnets = append(cfg.Catalogue.Subnets, benchSubnets...)
	// Room for the 10,000-server fleet of scenario 2.
	cfg.Quotas.Instances = 20000
	cfg.Quotas.Cores = 200000
	cfg.Quotas.RAM = 1 << 30
	cfg.Quotas.Volumes = 100000
	cfg.Quotas.ServerGroupMembers = 1000
	// The warp clock runs ahead of real time while a starting fleet is
	// built; AK/SK request dates are real time.
	cfg.SdkDateWindow = 50 * 365 * 24 * time.Hour
	cfg.TokenTTL = 50 * 365 * 24 * time.Hour
	cfg.RecordHistory = !o.NoHistory
	cfg.Clock = clock
	return cfg
}

func startCloud(o cloudOptions) (*benchCloud, error) {
	clock := newWarpClock()
	cfg := benchConfig(o, clock)
	hs, err := sim.Start(cfg)
	if err != nil {
		return nil, err
	}
	return &benchCloud{hs: hs, clock: clock, scale: o.Scale, cfg: cfg}, nil
}

func (b *benchCloud) Close() { _ = b.hs.Close() }

// now is the simulator's time (its epoch is the clock's start).
func (b *benchCloud) now() time.Time {
	v := b.clock.Now()
	return b.clock.start.Add(time.Duration(float64(v.Sub(b.clock.start)) * b.scale))
}

// effScale is how much faster than real time the cloud runs right now.
func (b *benchCloud) effScale() float64 { return b.scale * b.clock.Rate() }

// client is a client of the simulator over HTTP with AK/SK. policy is its
// transport retry policy (MaxAttempts 1: none).
func (b *benchCloud) client(policy ecs.RetryPolicy, onRetry func(ecs.RetryInfo)) (*ecs.Client, error) {
	return ecs.New(ecs.Config{Endpoint: b.hs.URL, ProjectID: b.hs.ProjectID, AccessKey: b.hs.AK, SecretKey: b.hs.SK,
		Retry: policy, OnRetry: onRetry, MaxConnsPerHost: 128})
}

// callCounts are the API calls the simulator served, by class.
type callCounts struct {
	Reads, Writes, Polls int
	R429, R5xx           int
}

func (c callCounts) Total() int { return c.Reads + c.Writes + c.Polls }

// counts classifies the simulator's call statistics: a job read is a
// poll, any other GET a read, anything else a write (IAM tokens and the
// simulator's own admin routes are not counted).
func (b *benchCloud) counts() callCounts {
	var c callCounts
	for _, e := range b.hs.Sim.Stats() {
		p := e.Pattern
		if strings.Contains(p, "/v3/auth/tokens") || strings.Contains(p, "/_sim/") {
			continue
		}
		switch {
		case strings.HasPrefix(p, "GET ") && strings.Contains(p, "/jobs/"):
			c.Polls += e.Count
		case strings.HasPrefix(p, "GET "), p == "unmatched": // a path the cloud does not have: a provider's probe
			c.Reads += e.Count
		default:
			c.Writes += e.Count
		}
		for st, n := range e.Status {
			switch {
			case st == 429:
				c.R429 += n
			case st >= 500:
				c.R5xx += n
			}
		}
	}
	return c
}

// state is the project's servers in a form two clouds can be compared
// by: name, flavor, tags, NICs (by subnet), attached volumes (count) and
// status, sorted by name. Ids differ between clouds and are left out.
func (b *benchCloud) state(ctx context.Context) ([]string, error) {
	c, err := b.client(ecs.RetryPolicy{MaxAttempts: 6, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}, nil)
	if err != nil {
		return nil, err
	}
	ss, err := c.ListServersDetailAll(ctx, ecs.ListServersOptions{})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		tags := append([]string(nil), s.Tags...)
		sort.Strings(tags)
		var nics []string
		for net, as := range s.Addresses {
			nics = append(nics, fmt.Sprintf("%s×%d", net, len(as)))
		}
		sort.Strings(nics)
		out = append(out, fmt.Sprintf("%s flavor=%s status=%s tags=%s nics=%s volumes=%d",
			s.Name, s.Flavor.ID, s.Status, strings.Join(tags, ","), strings.Join(nics, ","), len(s.VolumesAttached)))
	}
	sort.Strings(out)
	return out, nil
}

// diffStates names the first differences between two clouds' states.
func diffStates(a, b []string) []string {
	var out []string
	ma := map[string]bool{}
	for _, s := range a {
		ma[s] = true
	}
	mb := map[string]bool{}
	for _, s := range b {
		mb[s] = true
	}
	for _, s := range a {
		if !mb[s] {
			out = append(out, "only in the first: "+s)
		}
	}
	for _, s := range b {
		if !ma[s] {
			out = append(out, "only in the second: "+s)
		}
	}
	return out
}

// secretEnv is the environment the bench fleets' secrets come from.
var secretEnv = map[string]string{"BENCH_PW": "Bench-Passw0rd!1", "BENCH_PW2": "Bench-Passw0rd!2"}

func lookupSecret(k string) (string, bool) { v, ok := secretEnv[k]; return v, ok }

// loadFleet parses a generated fleet file.
func loadFleet(src string) (*spec.Fleet, error) {
	f, diags := spec.Parse("fleet.yaml", []byte(src), spec.LoadOptions{LookupEnv: lookupSecret})
	if diags.HasErrors() {
		return nil, fmt.Errorf("fleet: %v", diags)
	}
	return f, nil
}
