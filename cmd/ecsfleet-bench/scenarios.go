package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
	"github.com/ecsfleet/ecsfleet/spec"
)

const benchKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDV9luoG0IvjlGbMZs8I6pVSe0HvirOiNdB8rf5moZnEp3EIuPGeewqRiCQAnRoclr1FVmxbiN6gQuznmp37GYNHdpuXIzTT4rzo+ODxFDa3d1d7jyYP5thS3oj6hCv4+6doXQ4NUQitgl0RUt9u/dRzcc0yu8BEHAbVhactBMvvWysvuOd1Urin7EA2kNTc7ez+2CzJjiTmUIXkQaDQlwj+V6EQrbfrCF6Ng1HbKVf4qcW0JvhNcikW4LVjI1yU6SnpK7VFqvqkoSL/r+yu14IWPdpDoYhFh554vlLPzO3JGdEn4zY6ych+Fk5+3j+IppONuXhipR8bEYxdig17zeZ bench"

const fleetHead = `name: bench
defaults:
  availability_zone: az1.dc1
  vpc: vpc-default
  image: Ubuntu 22.04 server 64bit
  flavor: s6.small.1
  root_volume: {type: SSD}
  security_groups: [default]
  tags: {env: bench, team: infra}
`

// bringUpFleet is scenario 1's fleet: n servers, each with 2 NICs, a data
// volume, 3 tags (env, team, role), the fleet's server group and keypair,
// and a shared volume on 16 of them (the "db" set).
func bringUpFleet(n int) string {
	shared := min(16, n/2)
	var b strings.Builder
	b.WriteString(fleetHead)
	fmt.Fprintf(&b, `  keypair: bench-key
keypairs:
  - name: bench-key
    public_key: %s
server_groups:
  - name: bench-spread
    policy: soft-anti-affinity
volumes:
  - name: bench-shared
    size: 100
    type: SSD
    attach_to: [db]
servers:
`, benchKey)
	for _, s := range []struct {
		name string
		n    int
	}{{"web", n - shared}, {"db", shared}} {
		fmt.Fprintf(&b, `  - name: %s
    count: %d
    server_group: bench-spread
    nics: [{subnet: bench-a}, {subnet: bench-b}]
    data_volumes: [{type: SSD, size: 20}]
    tags: {role: %s}
`, s.name, s.n, s.name)
	}
	return b.String()
}

// bigFleet is scenario 2's fleet: n servers in sets of at most 1,000, each
// with 2 NICs and 3 tags.
func bigFleet(n int) string {
	var b strings.Builder
	b.WriteString(fleetHead)
	b.WriteString("servers:\n")
	for i := 0; n > 0; i++ {
		c := min(n, 1000)
		n -= c
		fmt.Fprintf(&b, `  - name: s%02d
    count: %d
    nics: [{subnet: bench-a}, {subnet: bench-b}]
    tags: {role: s%02d}
`, i, c, i)
	}
	return b.String()
}

// rollingFleet is scenario 3's fleet: n servers with max_unavailable 10%.
func rollingFleet(n int, flavor string) string {
	return fleetHead + fmt.Sprintf(`servers:
  - name: app
    count: %d
    flavor: %s
    nics: [{subnet: bench-a}]
    tags: {role: app}
    update_policy: {max_unavailable: 10%%}
`, n, flavor)
}

// passwordFleet is scenario 4's fleet: n servers whose admin password is
// at generation gen (the secret BENCH_PW, then BENCH_PW2).
func passwordFleet(n, gen int) string {
	env := "BENCH_PW"
	if gen > 1 {
		env = "BENCH_PW2"
	}
	var b strings.Builder
	b.WriteString(fleetHead)
	b.WriteString("servers:\n")
	for i := 0; n > 0; i++ {
		c := min(n, 1000)
		n -= c
		fmt.Fprintf(&b, `  - name: pw%d
    count: %d
    nics: [{subnet: bench-a}]
    tags: {role: pw}
    admin_password: {env: %s}
    password_generation: %d
`, i, c, env, gen)
	}
	return b.String()
}

// Sizes are the scenarios' fleet sizes.
type Sizes struct {
	BringUp, Drift, Rolling, Password, Terraform int
	// DriftImitation, when smaller than Drift, is the fleet the imitation
	// runs scenario 2 on, its numbers extrapolated to Drift.
	DriftImitation int
	// DriftCount is how many servers drift (1%), of which DriftDeleted are
	// deleted out of band.
	DriftDeleted int
}

var fullSizes = Sizes{BringUp: 1000, Drift: 10000, DriftImitation: 2000, Rolling: 300, Password: 1000, Terraform: 10, DriftDeleted: 10}
var shortSizes = Sizes{BringUp: 24, Drift: 100, Rolling: 20, Password: 20, Terraform: 3, DriftDeleted: 2}

// Row is one line of the table.
type Row struct {
	Scenario string
	Capacity int
	N        int
	Stats    *runStats
	BoundS   float64
	// Base is the row the ratio is taken against (the imitation's run of
	// the same scenario), nil for the baseline itself.
	Base    *Row
	Scale   float64
	Skipped string
	Extra   string
}

// Harness runs scenarios.
type Harness struct {
	Seed  int64
	Scale float64
	// CallScale is the time scale of the call-bound scenarios (drift,
	// passwords): every call's own CPU time on this machine is cloud time
	// multiplied by the scale, so those run slower.
	CallScale float64
	Sizes     Sizes
	Pol       ImitationPolicy
	Log       func(format string, args ...any)
	Rows      []*Row
	Curves    map[string][]float64 // scenario 1 at the default capacity, per tool
	// CheckSame makes every scenario compare the two tools' clouds.
	CheckSame bool
	Problems  []string
	// tfRows are the real provider's rows (its run goes on beside the
	// other scenarios: it mostly sleeps, in real time).
	tfRows []*Row
	// noHistory: the scenario running needs no status history.
	noHistory bool
}

func (h *Harness) logf(format string, args ...any) {
	if h.Log != nil {
		h.Log(format, args...)
	}
}

func (h *Harness) cloud(scale float64, capacity int, faults sim.FaultConfig) (*benchCloud, error) {
	return startCloud(cloudOptions{Seed: h.Seed, Scale: scale, NoHistory: h.noHistory, Capacity: capacity, Latency: 200 * time.Millisecond, Faults: faults})
}

// setup brings a fleet up with ecsfleet, the clock warped (not measured).
func (h *Harness) setup(ctx context.Context, b *benchCloud, f *spec.Fleet) error {
	b.clock.SetRate(200)
	defer b.clock.SetRate(1)
	dir, err := os.MkdirTemp("", "ecsfleet-bench-setup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	eng := engineFor(b, f, dir)
	c, err := ecsfleetClient(b, eng)
	if err != nil {
		return err
	}
	p, err := makePlan(ctx, b, c, f, false)
	if err != nil {
		return err
	}
	res, err := eng.Apply(ctx, c, p)
	if err != nil {
		return err
	}
	if !res.OK() {
		return fmt.Errorf("setup: the starting fleet did not come up: %+v", res.Counts)
	}
	// Let every job settle before the measured run starts.
	time.Sleep(10 * time.Millisecond)
	return nil
}

// pair runs both tools on two identical clouds prepared by prep, and
// records rows. run is the measured part of the scenario for one tool.
func (h *Harness) pair(ctx context.Context, name string, scale float64, capacity, n int, faults sim.FaultConfig,
	prep func(*benchCloud) error, f *spec.Fleet, destroy bool) (eco, imi *Row, err error) {
	return h.pairAlt(ctx, name, scale, capacity, n, faults, prep, f, destroy, nil)
}

// smaller is the imitation's run on a smaller fleet, extrapolated to the
// scenario's size (its calls and time are linear in the fleet's size).
type smaller struct {
	n    int
	prep func(*benchCloud) error
	f    *spec.Fleet
}

func (h *Harness) pairAlt(ctx context.Context, name string, scale float64, capacity, n int, faults sim.FaultConfig,
	prep func(*benchCloud) error, f *spec.Fleet, destroy bool, alt *smaller) (eco, imi *Row, err error) {
	var states [2][]string
	rows := [2]*Row{}
	for i, tool := range []string{toolEcsfleet, toolImitation} {
		prep, f := prep, f
		if alt != nil && tool == toolImitation {
			prep, f = alt.prep, alt.f
		}
		b, err := h.cloud(scale, capacity, faults)
		if err != nil {
			return nil, nil, err
		}
		start := time.Now()
		if prep != nil {
			if err := prep(b); err != nil {
				b.Close()
				return nil, nil, fmt.Errorf("%s: prepare: %w", name, err)
			}
		}
		rs, bound, err := h.runTool(ctx, tool, b, f, destroy)
		if err != nil {
			b.Close()
			return nil, nil, fmt.Errorf("%s %s: %w", name, tool, err)
		}
		if h.CheckSame && faults == (sim.FaultConfig{}) && alt == nil {
			if states[i], err = b.state(ctx); err != nil {
				b.Close()
				return nil, nil, err
			}
		}
		b.Close()
		if alt != nil && tool == toolImitation {
			k := float64(n) / float64(alt.n)
			rs.Note = fmt.Sprintf("extrapolated ×%.0f from a run on %d servers (%.0f s, %d calls)", k, alt.n, rs.CloudS, rs.Calls.Total())
			rs.CloudS *= k
			rs.Calls = callCounts{Reads: int(float64(rs.Calls.Reads) * k), Writes: int(float64(rs.Calls.Writes) * k),
				Polls: int(float64(rs.Calls.Polls) * k), R429: int(float64(rs.Calls.R429) * k), R5xx: int(float64(rs.Calls.R5xx) * k)}
			bound = rows[0].BoundS
		}
		rows[i] = &Row{Scenario: name, Capacity: capacity, N: n, Stats: rs, BoundS: bound, Scale: b.scale}
		h.logRow(rows[i], tool, start)
	}
	rows[0].Base = rows[1]
	h.Rows = append(h.Rows, rows[0], rows[1])
	h.checkPair(name, rows, states, faults == (sim.FaultConfig{}))
	return rows[0], rows[1], nil
}

// BringUp is scenario 1 at one capacity, then scenario 5 (its teardown)
// on the same clouds when teardown is set.
func (h *Harness) BringUp(ctx context.Context, capacity int, teardown bool) error {
	n := h.Sizes.BringUp
	f, err := loadFleet(bringUpFleet(n))
	if err != nil {
		return err
	}
	name := fmt.Sprintf("1 bring-up %d", n)
	var clouds [2]*benchCloud
	rows := [2]*Row{}
	var states [2][]string
	for i, tool := range []string{toolEcsfleet, toolImitation} {
		// At a high capacity ecsfleet's run is short and bound by its
		// calls, whose CPU time on this machine the time scale would
		// inflate: its cloud runs slower, so every run of the sweep takes
		// about as much wall time. The imitation is bound by its sleeps.
		scale := h.Scale
		if tool == toolEcsfleet && capacity > 20 {
			scale = h.Scale * 20 / float64(capacity)
		}
		b, err := h.cloud(scale, capacity, sim.FaultConfig{})
		if err != nil {
			return err
		}
		clouds[i] = b
		defer b.Close()
		start := time.Now()
		rs, bound, err := h.runTool(ctx, tool, b, f, false)
		if err != nil {
			return fmt.Errorf("%s %s: %w", name, tool, err)
		}
		rows[i] = &Row{Scenario: name, Capacity: capacity, N: n, Stats: rs, BoundS: bound, Scale: b.scale}
		h.logRow(rows[i], tool, start)
		if capacity == 20 {
			if h.Curves == nil {
				h.Curves = map[string][]float64{}
			}
			h.Curves[tool] = rs.Curve
		}
		if h.CheckSame {
			if states[i], err = b.state(ctx); err != nil {
				return err
			}
		}
	}
	rows[0].Base = rows[1]
	h.Rows = append(h.Rows, rows[0], rows[1])
	h.checkPair(name, rows, states, true)
	if !teardown {
		return nil
	}
	name = fmt.Sprintf("5 teardown %d", n)
	rows = [2]*Row{}
	for i, tool := range []string{toolEcsfleet, toolImitation} {
		b := clouds[i]
		start := time.Now()
		rs, bound, err := h.runTool(ctx, tool, b, f, true)
		if err != nil {
			return fmt.Errorf("%s %s: %w", name, tool, err)
		}
		rows[i] = &Row{Scenario: name, Capacity: capacity, N: n, Stats: rs, BoundS: bound, Scale: b.scale}
		h.logRow(rows[i], tool, start)
		if h.CheckSame {
			if states[i], err = b.state(ctx); err != nil {
				return err
			}
		}
	}
	rows[0].Base = rows[1]
	h.Rows = append(h.Rows, rows[0], rows[1])
	h.checkPair(name, rows, states, true)
	return nil
}

// checkPair records as problems a pair that left different clouds (when
// both states were taken) and, when quiet says the cloud injected no
// faults, a tool that did not converge.
func (h *Harness) checkPair(name string, rows [2]*Row, states [2][]string, quiet bool) {
	if h.CheckSame && states[0] != nil {
		if d := diffStates(states[0], states[1]); len(d) > 0 {
			if len(d) > 6 {
				d = d[:6]
			}
			h.Problems = append(h.Problems, fmt.Sprintf("%s: the two tools left different clouds:\n  %s", name, strings.Join(d, "\n  ")))
		}
	}
	for _, r := range rows {
		if r.Stats.Left > 0 && quiet {
			h.Problems = append(h.Problems, fmt.Sprintf("%s: %s did not converge: %d changes left", name, r.Stats.Tool, r.Stats.Left))
		}
	}
}

// Noisy is scenario 6: scenario 1 on a cloud answering 5% of calls with a
// 5xx and 3% with a 429, and failing 2% of sub-jobs.
func (h *Harness) Noisy(ctx context.Context) error {
	n := h.Sizes.BringUp
	f, err := loadFleet(bringUpFleet(n))
	if err != nil {
		return err
	}
	_, _, err = h.pair(ctx, fmt.Sprintf("6 noisy bring-up %d", n), h.Scale, 20, n, NoisyFaults, nil, f, false)
	return err
}

// NoisyFaults is scenario 6's cloud.
var NoisyFaults = sim.FaultConfig{Error5xx: 0.05, Throttle429: 0.03, SubJobFail: 0.02}

// Rolling is scenario 3: a flavor change of n servers, max_unavailable 10%.
func (h *Harness) Rolling(ctx context.Context) error {
	n := h.Sizes.Rolling
	before, err := loadFleet(rollingFleet(n, "s6.small.1"))
	if err != nil {
		return err
	}
	after, err := loadFleet(rollingFleet(n, "c6.large.2"))
	if err != nil {
		return err
	}
	eco, imi, err := h.pair(ctx, fmt.Sprintf("3 rolling resize %d", n), h.Scale, 20, n, sim.FaultConfig{},
		func(b *benchCloud) error { return h.setup(ctx, b, before) }, after, false)
	if err != nil {
		return err
	}
	budget := max(n/10, 1)
	b, err := h.cloud(h.Scale, 20, sim.FaultConfig{})
	if err != nil {
		return err
	}
	lb := rollingBound(b, n, budget)
	b.Close()
	for _, r := range []*Row{eco, imi} {
		r.BoundS = min(r.BoundS, lb)
		r.Extra = fmt.Sprintf("max down %d (budget %d)", r.Stats.MaxDown, budget)
		if r.Stats.MaxDown > budget {
			h.Problems = append(h.Problems, fmt.Sprintf("rolling resize: %s had %d servers down at once, budget %d", r.Stats.Tool, r.Stats.MaxDown, budget))
		}
	}
	return nil
}

// Password is scenario 4: a password rotation across n servers.
func (h *Harness) Password(ctx context.Context) error {
	n := h.Sizes.Password
	h.noHistory = true
	defer func() { h.noHistory = false }()
	before, err := loadFleet(passwordFleet(n, 1))
	if err != nil {
		return err
	}
	after, err := loadFleet(passwordFleet(n, 2))
	if err != nil {
		return err
	}
	_, _, err = h.pair(ctx, fmt.Sprintf("4 password rotation %d", n), h.CallScale, 20, n, sim.FaultConfig{},
		func(b *benchCloud) error { return h.setup(ctx, b, before) }, after, false)
	return err
}

// Drift is scenario 2: a fleet of n, 1% of it drifted out of band in mixed
// ways, then snapshot, plan and apply.
func (h *Harness) Drift(ctx context.Context) error {
	n := h.Sizes.Drift
	h.noHistory = true
	defer func() { h.noHistory = false }()
	f, err := loadFleet(bigFleet(n))
	if err != nil {
		return err
	}
	var alt *smaller
	if m := h.Sizes.DriftImitation; m > 0 && m < n {
		fa, err := loadFleet(bigFleet(m))
		if err != nil {
			return err
		}
		alt = &smaller{n: m, f: fa, prep: func(b *benchCloud) error {
			if err := h.setup(ctx, b, fa); err != nil {
				return err
			}
			return h.drift(ctx, b, m, h.Sizes.DriftDeleted*m/n)
		}}
	}
	eco, _, err := h.pairAlt(ctx, fmt.Sprintf("2 drift %d (1%%)", n), h.CallScale, 20, n, sim.FaultConfig{},
		func(b *benchCloud) error {
			if err := h.setup(ctx, b, f); err != nil {
				return err
			}
			return h.drift(ctx, b, n, h.Sizes.DriftDeleted)
		}, f, false, alt)
	if err != nil {
		return err
	}
	eco.Extra = fmt.Sprintf("snapshot %d reads", eco.Stats.SnapReads)
	return nil
}

// drift changes 1% of the fleet out of band with direct calls: renamed,
// resized, tags edited, a NIC removed, and DriftDeleted deleted. The same
// members drift in every cloud (chosen by name, from the seed).
func (h *Harness) drift(ctx context.Context, b *benchCloud, n, deleted int) error {
	b.clock.SetRate(200)
	defer b.clock.SetRate(1)
	c, err := b.client(ecs.RetryPolicy{MaxAttempts: 6, BaseDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}, nil)
	if err != nil {
		return err
	}
	ss, err := c.ListServersDetailAll(ctx, ecs.ListServersOptions{})
	if err != nil {
		return err
	}
	sort.Slice(ss, func(i, j int) bool { return ss[i].Name < ss[j].Name })
	total := max(n/100, 5)
	del := max(min(deleted, total/5), 1)
	rest := total - del
	kinds := []string{"rename", "resize", "tags", "nic"}
	// A deterministic stride through the fleet.
	step := len(ss) / total
	var jobs []string
	for i := 0; i < total; i++ {
		s := ss[(i*step+int(h.Seed))%len(ss)]
		kind := "delete"
		if i < rest {
			kind = kinds[i%len(kinds)]
		}
		switch kind {
		case "rename":
			name := s.Name + "-x"
			_, err = c.ModifyServer(ctx, s.ID, ecs.ModifyServer{Name: &name})
		case "resize":
			var jr *ecs.JobResponse
			jr, err = c.ResizeServer(ctx, s.ID, ecs.ResizeSpec{FlavorRef: "c6.large.2", Mode: "withStopServer"})
			if jr != nil {
				jobs = append(jobs, jr.JobID)
			}
		case "tags":
			err = c.AddTags(ctx, s.ID, []ecs.Tag{{Key: "team", Value: "drifted"}})
		case "nic":
			var nics []ecs.InterfaceAttachment
			if nics, err = c.ListNICs(ctx, s.ID); err == nil && len(nics) > 1 {
				var jr *ecs.JobResponse
				jr, err = c.DeleteNICs(ctx, s.ID, []string{nics[len(nics)-1].PortID})
				if jr != nil {
					jobs = append(jobs, jr.JobID)
				}
			}
		case "delete":
			var jr *ecs.JobResponse
			jr, err = c.DeleteServers(ctx, &ecs.DeleteServersRequest{Servers: []ecs.IDRef{{ID: s.ID}}, DeleteVolume: true})
			if jr != nil {
				jobs = append(jobs, jr.JobID)
			}
		}
		if err != nil {
			return fmt.Errorf("drift %s of %s: %w", kind, s.Name, err)
		}
	}
	for _, id := range jobs {
		if _, err := c.WaitJob(ctx, id, ecs.WaitOptions{Expected: time.Millisecond, MinInterval: time.Millisecond, MaxInterval: 10 * time.Millisecond, Timeout: time.Minute}); err != nil {
			return fmt.Errorf("drift job %s: %w", id, err)
		}
	}
	return nil
}

// runTool runs tool (ecsfleet or the imitation) on b to f, or to nothing
// when destroy is set.
func (h *Harness) runTool(ctx context.Context, tool string, b *benchCloud, f *spec.Fleet, destroy bool) (*runStats, float64, error) {
	if tool == toolEcsfleet {
		return runEcsfleet(ctx, b, f, destroy)
	}
	return runImitation(ctx, b, f, destroy, h.Pol)
}

// logRow prints one tool's run of a scenario on the progress log.
func (h *Harness) logRow(r *Row, tool string, start time.Time) {
	rs := r.Stats
	h.logf("%-28s %-9s cap %3d: %8.0f s cloud (bound %6.0f), %6d reads %6d writes %6d polls, %d 429s, %d left, %.1f s wall",
		r.Scenario, tool, r.Capacity, rs.CloudS, r.BoundS, rs.Calls.Reads, rs.Calls.Writes, rs.Calls.Polls, rs.Calls.R429, rs.Left, time.Since(start).Seconds())
}
