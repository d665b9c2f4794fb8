package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
	"github.com/ecsfleet/ecsfleet/spec"
)

const faultFleet = `
name: noisy
defaults:
  availability_zone: az1.dc1
  vpc: vpc-default
  image: Ubuntu 22.04 server 64bit
  flavor: FLAVOR
  root_volume: {type: SSD}
  security_groups: [default]
server_groups:
  - name: noisy-web
    policy: soft-anti-affinity
volumes:
  - name: noisy-shared
    size: 10
    type: SSD
    attach_to: [db]
servers:
  - name: web
    count: COUNT
    server_group: noisy-web
    resize_mode: offline
    update_policy: {max_unavailable: 5}
    nics: [{subnet: subnet-web}]
    data_volumes: [{type: SSD, size: 10}]
    tags: {role: web, tier: TIER}
    metadata: {team: a}
  - name: db
    count: 3
    nics: [{subnet: subnet-db}]
    admin_password: {env: DB_PASSWORD}
    tags: {role: db}
`

func noisyFleet(t *testing.T, count int, flavor, tier string) *spec.Fleet {
	r := strings.NewReplacer("COUNT", fmt.Sprint(count), "FLAVOR", flavor, "TIER", tier)
	return loadFleet(t, r.Replace(faultFleet))
}

// Under a noisy cloud (10% of calls 5xx, 429 bursts, dropped connections,
// 5% of sub-jobs failing), every step of a sequence of fleet changes
// converges in an apply and at most one more; and at every step the cloud
// holds no duplicate, no orphan, and the server that is not the fleet's is
// untouched. (The engine tries failed sub-jobs again within the run where
// that is safe; a create's failures are left to the next plan, which
// replaces the broken servers.)
func TestApplyConvergesUnderFaults(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Parallel()
			cl := newCloud(t, func(c *sim.Config) {
				c.Seed = seed
				c.Faults = sim.FaultConfig{Error5xx: 0.10, Throttle429: 0.05, Drop: 0.03, SubJobFail: 0.05, SlowJob: 0.05, SlowFactor: 5, ExcludeIAM: true, FailErrorCode: "Ecs.0000"}
			})
			bystander := cl.bystander(t)
			steps := []struct {
				what string
				f    *spec.Fleet
			}{
				{"bring-up", noisyFleet(t, 12, "s6.small.1", "a")},
				{"scale up and retag", noisyFleet(t, 20, "s6.small.1", "b")},
				{"rolling resize", noisyFleet(t, 20, "c6.large.2", "b")},
				{"scale down", noisyFleet(t, 7, "c6.large.2", "b")},
			}
			for _, st := range steps {
				first := cl.apply(t, st.f)
				res, applies := first, 1
				for !res.OK() {
					// What a run leaves undone must be only what the cloud
					// failed in that run, with the cloud's reason; the next
					// run redoes exactly that, and converges.
					cl.onlyCloudFailures(t, res)
					if applies == 2 {
						t.Fatalf("%s: not converged after %d applies", st.what, applies)
					}
					res = cl.apply(t, st.f)
					applies++
				}
				cl.mustConverge(t, st.f, res)
				cl.checkFleet(t, st.f, bystander)
				t.Logf("%s: converged in %d applies; first apply %d/%d ops done, %d retries (%d throttled)", st.what, applies, first.Counts.Done, first.Counts.Total, first.Calls.Retries, first.Calls.Throttled)
			}
			cl.apply(t, noisyFleet(t, 7, "c6.large.2", "b"))
		})
	}
}

// bystander creates a server that is not the fleet's: another fleet's,
// bearing the name of a member (an unowned one would be adopted, adopt.go).
// The simulator's faults come before any change, so the test may simply
// try again.
func (cl *cloud) bystander(t *testing.T) ecs.Server {
	t.Helper()
	ctx := context.Background()
	power := true
	req := &ecs.CreateServersRequest{Server: ecs.CreateServer{ImageRef: sim.ImageUbuntu2204, FlavorRef: "s6.small.1", Name: "web-0001",
		VPCID: "1e0f2a3b-0000-4000-8000-00000000a001", AvailabilityZone: "az1.dc1", RootVolume: ecs.RootVolume{VolumeType: "SSD"},
		NICs: []ecs.CreateNIC{{SubnetID: "2f1a3b4c-0000-4000-8000-00000000b001"}}, PowerOn: &power,
		ServerTags: []ecs.Tag{{Key: "owner", Value: "someone-else"}, {Key: "ecsfleet", Value: "someone-else"}}}}
	wait := ecs.WaitOptions{Expected: time.Millisecond, MinInterval: time.Millisecond, MaxInterval: 5 * time.Millisecond, Timeout: time.Minute}
	for i := 0; i < 50; i++ {
		jr, err := cl.c.CreateServers(ctx, req)
		if err != nil {
			continue
		}
		j, err := cl.c.WaitJob(ctx, jr.JobID, wait)
		if err != nil || len(j.ServerResults()) != 1 {
			continue
		}
		for k := 0; k < 50; k++ {
			s, err := cl.c.GetServer(ctx, j.ServerResults()[0].ServerID)
			if err == nil {
				if s.Status != ecs.StatusActive {
					t.Skipf("the bystander came up %s; try another seed", s.Status)
				}
				return *s
			}
		}
	}
	t.Fatal("could not create the bystander server")
	return ecs.Server{}
}

// checkFleet asserts the cloud holds exactly the fleet's members (no
// duplicate, no orphan) plus the untouched bystander.
func (cl *cloud) checkFleet(t *testing.T, f *spec.Fleet, by ecs.Server) {
	t.Helper()
	want := map[string]bool{}
	for _, s := range f.Servers {
		for _, n := range s.MemberNames() {
			want[n] = true
		}
	}
	seen := map[string]int{}
	sawBystander := false
	for _, s := range cl.servers(t) {
		if s.ID == by.ID {
			sawBystander = true
			if s.Name != by.Name || s.Flavor.ID != by.Flavor.ID || s.Status != ecs.StatusActive || strings.Join(s.Tags, ",") != strings.Join(by.Tags, ",") || len(s.Metadata) != len(by.Metadata) {
				t.Fatalf("the bystander was touched: %s %s %s %v %v", s.Name, s.Flavor.ID, s.Status, s.Tags, s.Metadata)
			}
			continue
		}
		if !ownedBy(&s, f.Name) {
			t.Fatalf("server %s (%s) is neither the fleet's nor the bystander", s.Name, s.ID)
		}
		if !want[s.Name] {
			t.Fatalf("orphan: server %s is owned but the fleet has no such member", s.Name)
		}
		seen[s.Name]++
	}
	if !sawBystander {
		t.Fatal("the bystander was deleted")
	}
	for n := range want {
		if seen[n] != 1 {
			t.Fatalf("member %s exists %d times", n, seen[n])
		}
	}
}

// onlyCloudFailures asserts that every op a run did not finish failed with
// an injected sub-job failure of the cloud, or was skipped because of one.
func (cl *cloud) onlyCloudFailures(t *testing.T, res *Result) {
	t.Helper()
	for _, o := range res.Ops {
		switch o.Status {
		case StatusFailed:
			if o.Error != "" || len(o.Failures) == 0 {
				t.Fatalf("%s %s failed as a whole (%s): not a sub-job failure of the cloud", o.ID, o.Kind, o.Error)
			}
			for _, f := range o.Failures {
				if !strings.Contains(f.Reason, "injected fault: the backend failed") && !strings.Contains(f.Reason, "ERROR") {
					t.Fatalf("%s %s failed for %s: %s", o.ID, o.Kind, f.Name, f.Reason)
				}
			}
		case StatusNotStarted:
			t.Fatalf("%s was not started", o.ID)
		}
	}
}
