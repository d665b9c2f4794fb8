package plan

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
	"github.com/ecsfleet/ecsfleet/spec"
)

// bigCloud is a simulator with room for many servers, started fast.
func bigCloud(t testing.TB) *cloud {
	return newCloud(t, func(c *sim.Config) {
		c.Capacity = 2000
		c.Quotas.Instances, c.Quotas.Cores, c.Quotas.RAM = 20000, 100000, 1<<30
		c.HostsPerAZ = 100000
		c.Catalogue.Subnets = append(c.Catalogue.Subnets, sim.Subnet{ID: "2f1a3b4c-0000-4000-8000-00000000b0ff", Name: "subnet-big",
			VPCID: "1e0f2a3b-0000-4000-8000-00000000a001", CIDR: "10.0.128.0/17"})
	})
}

// setsFleet is a fleet of n sets of 1,000 servers (plus a remainder).
func setsFleet(total int) string {
	var b strings.Builder
	b.WriteString(`name: big
defaults:
  availability_zone: az1.dc1
  vpc: vpc-default
  image: Ubuntu 22.04 server 64bit
  flavor: s6.small.1
  root_volume:
    type: SATA
  security_groups: [default]
servers:
`)
	for i := 0; total > 0; i++ {
		n := min(total, 1000)
		fmt.Fprintf(&b, "  - name: s%02d\n    count: %d\n    nics:\n      - subnet: subnet-big\n", i, n)
		total -= n
	}
	return b.String()
}

// createOnly runs only the plan's create ops: servers with no fleet
// metadata need nothing after create to match their fleet.
func createOnly(p *Plan) *Plan {
	q := *p
	q.Ops = nil
	for _, op := range p.Ops {
		if op.Kind == OpCreateServers {
			op.DependsOn = nil
			q.Ops = append(q.Ops, op)
		}
	}
	return &q
}

func totalCalls(s *sim.Sim) int {
	n := 0
	for _, e := range s.Stats() {
		n += e.Count
	}
	return n
}

// TestReadCalls10k: the snapshot of a 10,000-server fleet takes 10 list
// pages and 5 other lists (keypairs, groups, images, subnets, volumes), measured by the simulator's own call
// statistics, with and without 1% drift.
func TestReadCalls10k(t *testing.T) {
	if testing.Short() {
		t.Skip("brings up 10,000 servers")
	}
	cl := bigCloud(t)
	f := loadFleet(t, "big.yaml", setsFleet(10000))
	cl.execute(t, f, createOnly(cl.plan(t, f)))

	cl.hs.Sim.ResetStats()
	p := cl.plan(t, f)
	if !p.Empty() {
		t.Fatalf("steady fleet: plan not empty: %s", p.Summary)
	}
	reads := totalCalls(cl.hs.Sim)
	t.Logf("read calls for 10,000 servers: %d", reads)
	if reads > 15 || reads != p.Summary.Calls.Read {
		t.Fatalf("read calls = %d (plan says %d), want at most 15", reads, p.Summary.Calls.Read)
	}

	// 1% drift: a tag changed out of band on 100 servers.
	all, err := cl.c.ListServersDetailAll(context.Background(), ecs.ListServersOptions{Tags: OwnerFilter("big")})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all[:100] {
		if err := cl.c.AddTags(context.Background(), s.ID, []ecs.Tag{{Key: "drift", Value: "yes"}}); err != nil {
			t.Fatal(err)
		}
	}
	cl.hs.Sim.ResetStats()
	p = cl.plan(t, f)
	if reads := totalCalls(cl.hs.Sim); reads > 15 {
		t.Fatalf("read calls with drift = %d, want at most 15", reads)
	}
	if p.Summary.Change != 100 || countOps(p, OpDeleteTags) != 100 {
		t.Fatalf("want 100 servers changed by 100 tag calls, got %s %v", p.Summary, p.CallsByKind())
	}

	// 10 deleted out of band: the members are missing, so the plan also
	// looks for servers with their names that are not the fleet's, which
	// is one more read (5.2.5 not-tags), not another pass over the fleet
	// (10 pages); and it reads the catalogue the creates are checked
	// against (flavors, images, AZs, VPCs, subnets, security groups,
	// quotas): 10 pages + 1 + 10.
	ids := make([]ecs.IDRef, 10)
	for i, s := range all[100:110] {
		ids[i] = ecs.IDRef{ID: s.ID}
	}
	jr, err := cl.c.DeleteServers(context.Background(), &ecs.DeleteServersRequest{Servers: ids})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.c.WaitJob(context.Background(), jr.JobID, fastWait); err != nil {
		t.Fatal(err)
	}
	cl.hs.Sim.ResetStats()
	p = cl.plan(t, f)
	reads = totalCalls(cl.hs.Sim)
	t.Logf("read calls for 10,000 servers with 10 missing: %d", reads)
	if reads > 21 || reads != p.Summary.Calls.Read || p.Summary.Add != 10 {
		t.Fatalf("read calls with 10 missing = %d (plan says %d), want at most 21; %s", reads, p.Summary.Calls.Read, p.Summary)
	}
}

// TestBatchFarmBringUpCalls: the batch-farm example is one create call per
// server set.
func TestBatchFarmBringUpCalls(t *testing.T) {
	cl := newCloud(t, func(c *sim.Config) { c.Projects[0].Name = "analytics" })
	f, diags := spec.Load("../examples/batch-farm.yaml", spec.LoadOptions{LookupEnv: func(string) (string, bool) { return "Sim-Passw0rd!x", true }})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	p := cl.plan(t, f)
	if got := countOps(p, OpCreateServers); got != len(f.Servers) {
		t.Fatalf("create calls = %d, want %d (one per set)", got, len(f.Servers))
	}
	cl.execute(t, f, p)
	if p2 := cl.plan(t, f); !p2.Empty() {
		t.Fatalf("after bring-up the plan is not empty: %s %v", p2.Summary, p2.CallsByKind())
	}
}

// TestFlavorChange70: resizing 70 servers offline with max_unavailable 50%
// is 3 batch resize calls in 3 waves, each wave waiting for the last.
func TestFlavorChange70(t *testing.T) {
	cl := newCloud(t, func(c *sim.Config) { c.Capacity = 200 })
	before := `name: farm
defaults:
  availability_zone: az1.dc1
  vpc: vpc-default
  image: Ubuntu 22.04 server 64bit
  root_volume:
    type: SATA
  security_groups: [default]
servers:
  - name: batch
    count: 70
    flavor: c6.large.2
    resize_mode: offline
    update_policy:
      max_unavailable: 50%
    nics:
      - subnet: subnet-app
`
	f := loadFleet(t, "farm.yaml", before)
	cl.execute(t, f, cl.plan(t, f))
	f2 := loadFleet(t, "farm.yaml", strings.Replace(before, "c6.large.2", "c6.xlarge.2", 1))
	p := cl.plan(t, f2)
	if n := countOps(p, OpResizeServers); n != 3 {
		t.Fatalf("resize calls = %d, want 3", n)
	}
	waves := map[int]int{}
	for _, op := range p.Ops {
		if op.Kind == OpResizeServers {
			waves[op.Wave] += len(op.Targets)
		}
	}
	if waves[1] != 30 || waves[2] != 30 || waves[3] != 10 {
		t.Fatalf("waves %v, want 30/30/10", waves)
	}
	// Wave 2's stops wait for wave 1's starts.
	byID := map[string]Op{}
	for _, op := range p.Ops {
		byID[op.ID] = op
	}
	for _, op := range p.Ops {
		if op.Kind == OpStop && op.Wave == 2 {
			for _, d := range op.DependsOn {
				if byID[d].Kind != OpStart || byID[d].Wave != 1 {
					t.Fatalf("wave 2 stop depends on %s (%s wave %d)", d, byID[d].Kind, byID[d].Wave)
				}
			}
			if len(op.DependsOn) != 30 {
				t.Fatalf("wave 2 stop waits for %d ops, want the 30 starts of wave 1", len(op.DependsOn))
			}
		}
	}
	var text strings.Builder
	if err := RenderText(&text, p, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "scenarios/flavor-change-70.txt", []byte(text.String()))
}

// movingReader deletes servers of the first page while the list is being
// read, as another tool might: the later pages shift.
type movingReader struct {
	*ecs.Client
	once   sync.Once
	delete []string
	t      *testing.T
}

func (m *movingReader) ListServersDetail(ctx context.Context, o ecs.ListServersOptions) (*ecs.ListServersResponse, error) {
	if o.Offset == 2 {
		m.once.Do(func() {
			var ids []ecs.IDRef
			for _, id := range m.delete {
				ids = append(ids, ecs.IDRef{ID: id})
			}
			jr, err := m.Client.DeleteServers(ctx, &ecs.DeleteServersRequest{Servers: ids, DeleteVolume: true})
			if err == nil {
				_, err = m.Client.WaitJob(ctx, jr.JobID, fastWait)
			}
			if err != nil {
				m.t.Errorf("delete mid-read: %v", err)
			}
		})
	}
	return m.Client.ListServersDetail(ctx, o)
}

// TestSnapshotSetChangesMidRead: the server set changes between page 1 and
// page 2; the snapshot notices, reads again, and holds every remaining
// server exactly once.
func TestSnapshotSetChangesMidRead(t *testing.T) {
	cl := bigCloud(t)
	f := loadFleet(t, "big.yaml", setsFleet(1500))
	cl.execute(t, f, createOnly(cl.plan(t, f)))
	page1, err := cl.c.ListServersDetail(context.Background(), ecs.ListServersOptions{Offset: 1, Tags: OwnerFilter("big")})
	if err != nil {
		t.Fatal(err)
	}
	var doomed []string
	for _, s := range page1.Servers[:5] {
		doomed = append(doomed, s.ID)
	}
	r := &movingReader{Client: cl.c, delete: doomed, t: t}
	snap, err := ReadSnapshot(context.Background(), r, f)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, s := range snap.Servers {
		if seen[s.ID] {
			t.Fatalf("server %s twice", s.ID)
		}
		seen[s.ID] = true
	}
	for _, id := range doomed {
		if seen[id] {
			t.Fatalf("deleted server %s still in the snapshot", id)
		}
	}
	if len(snap.Servers) != 1495 {
		t.Fatalf("snapshot has %d servers, want 1495", len(snap.Servers))
	}
	if snap.Reads["servers"] != 4 {
		t.Fatalf("server list calls = %d, want 4 (2 pages, read twice)", snap.Reads["servers"])
	}
}

// TestExamplesPlan: every example fleet plans on the default simulator.
func TestExamplesPlan(t *testing.T) {
	for _, name := range []string{"quickstart", "web-tier", "database-pair"} {
		t.Run(name, func(t *testing.T) {
			cl := newCloud(t)
			path := "../examples/" + name + ".yaml"
			if _, err := os.Stat(path); err != nil {
				t.Skip(err)
			}
			f, diags := spec.Load(path, spec.LoadOptions{LookupEnv: func(string) (string, bool) { return "Sim-Passw0rd!x", true }})
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			p := cl.plan(t, f)
			if p.Empty() {
				t.Fatal("empty plan on an empty cloud")
			}
		})
	}
}
