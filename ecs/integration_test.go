package ecs_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// These tests drive the real client against the real simulator over HTTP,
// in-process (sim.NewTestServer: time scale 10000, so a 60 s create takes
// ~6 ms). They are the contract test between the two independently written
// wire models.

const (
	simVPC    = "1e0f2a3b-0000-4000-8000-00000000a001"
	simSubnet = "2f1a3b4c-0000-4000-8000-00000000b001"
	simFlavor = "c6.large.2"
)

// simWait matches the simulator's scaled clock: jobs take milliseconds.
var simWait = ecs.WaitOptions{Expected: 10 * time.Millisecond, MinInterval: 2 * time.Millisecond, MaxInterval: 20 * time.Millisecond, Timeout: 30 * time.Second}

func clients(t *testing.T) map[string]*ecs.Client {
	t.Helper()
	out := map[string]*ecs.Client{}
	for _, mode := range []string{"token", "aksk", "aksk-scoped"} {
		out[mode] = newSimClient(t, sim.NewTestServer(t), mode)
	}
	return out
}

// simConfig is a client configuration for hs in one auth mode: "token",
// "aksk" or "aksk-scoped". Retries are fast because the simulator's clock is.
func simConfig(hs *sim.HTTPServer, mode string) ecs.Config {
	cfg := ecs.Config{Endpoint: hs.URL, ProjectID: hs.ProjectID, Region: hs.Region,
		Retry: ecs.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}}
	switch mode {
	case "token":
		cfg.IAMEndpoint, cfg.Username, cfg.Password, cfg.DomainName = hs.URL, hs.User, hs.Password, hs.DomainName
	case "aksk":
		cfg.AccessKey, cfg.SecretKey = hs.AK, hs.SK
	case "aksk-scoped":
		cfg.AccessKey, cfg.SecretKey, cfg.ScopedSigning = hs.AK, hs.SK, true
	}
	return cfg
}

func createReq(name string, count int, postfix string) *ecs.CreateServersRequest {
	on := true
	return &ecs.CreateServersRequest{Server: ecs.CreateServer{
		ImageRef: sim.ImageCentOS82, FlavorRef: simFlavor, Name: name, VPCID: simVPC,
		NICs:             []ecs.CreateNIC{{SubnetID: simSubnet}},
		RootVolume:       ecs.RootVolume{VolumeType: "SATA", Size: 40},
		AvailabilityZone: "az1.dc1",
		Count:            count,
		ExtendParam:      &ecs.ServerExtendParam{Postfix: postfix},
		ServerTags:       []ecs.Tag{{Key: "fleet", Value: name}},
		PowerOn:          &on,
	}}
}

func TestClientAgainstSimulatorLifecycle(t *testing.T) {
	for mode, c := range clients(t) {
		t.Run(mode, func(t *testing.T) {
			ctx := context.Background()
			jr, err := c.CreateServers(ctx, createReq("web", 3, "0001"))
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			job, err := c.WaitJob(ctx, jr.JobID, simWait)
			if err != nil {
				t.Fatalf("wait create job: %v", err)
			}
			res := job.ServerResults()
			if len(res) != 3 {
				t.Fatalf("create job results = %+v, want 3 sub-jobs (C7)", res)
			}
			var ids []string
			for _, r := range res {
				if r.ServerID == "" || r.Status != ecs.JobSuccess {
					t.Errorf("sub-job result %+v", r)
				}
				ids = append(ids, r.ServerID)
			}
			// User metadata is written after create (5.9.1): 5.2.1's
			// metadata takes only the keys of table 5-18.
			for _, id := range ids {
				if _, err := c.UpdateMetadata(ctx, id, map[string]string{"ecsfleet_member": "web"}); err != nil {
					t.Fatalf("metadata after create: %v", err)
				}
			}

			// Paging: 3 servers, 2 per page.
			all, err := c.ListServersDetailAll(ctx, ecs.ListServersOptions{Name: "web", Limit: 2})
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			var names []string
			for _, s := range all {
				names = append(names, s.Name)
				if s.Status != ecs.StatusActive {
					t.Errorf("%s status %s", s.Name, s.Status)
				}
			}
			slices.Sort(names)
			if strings.Join(names, ",") != "web-0001,web-0002,web-0003" {
				t.Errorf("listed names %v", names)
			}

			// The fleet tag (given as server_tags) filters server-side and is
			// readable from the detail.
			tagged, err := c.ListServersDetailAll(ctx, ecs.ListServersOptions{Tags: "fleet=web"})
			if err != nil || len(tagged) != 3 {
				t.Errorf("tag filter: %d servers, %v", len(tagged), err)
			}
			for _, s := range tagged {
				if s.TagMap()["fleet"] != "web" {
					t.Errorf("%s tags %v", s.Name, s.Tags)
				}
			}

			// Batch rename two of them, then modify the third alone.
			renamed, err := c.RenameServers(ctx, &ecs.RenameServersRequest{Name: "web-renamed", Servers: []ecs.IDRef{{ID: ids[0]}, {ID: ids[1]}}})
			if err != nil {
				t.Fatalf("rename: %v", err)
			}
			if len(renamed) != 2 {
				t.Errorf("rename answered %v", renamed)
			}
			s, err := c.GetServer(ctx, ids[0])
			if err != nil || s.Name != "web-renamed" {
				t.Fatalf("after rename: %v %v", s, err)
			}
			desc := "managed by ecsfleet"
			name := "web-solo"
			ms, err := c.ModifyServer(ctx, ids[2], ecs.ModifyServer{Name: &name, Description: &desc})
			if err != nil || ms.Name != name {
				t.Fatalf("modify: %+v %v", ms, err)
			}

			// Server detail carries what the engine relies on.
			s, err = c.GetServer(ctx, ids[2])
			if err != nil {
				t.Fatal(err)
			}
			if s.Metadata["ecsfleet_member"] != "web" || s.Flavor.ID == "" || len(s.Addresses) == 0 {
				t.Errorf("detail: metadata %v flavor %+v addresses %v", s.Metadata, s.Flavor, s.Addresses)
			}
			tags, err := c.ListServerTags(ctx, ids[2])
			if err != nil || !slices.Contains(tags, ecs.Tag{Key: "fleet", Value: "web"}) {
				t.Errorf("server_tags at create (C2) -> tags %v, %v", tags, err)
			}

			// Delete all three.
			dr, err := c.DeleteServers(ctx, &ecs.DeleteServersRequest{Servers: []ecs.IDRef{{ID: ids[0]}, {ID: ids[1]}, {ID: ids[2]}}, DeleteVolume: true})
			if err != nil {
				t.Fatalf("delete: %v", err)
			}
			if dr.JobID == "" {
				t.Fatal("delete answered no job_id (C8)")
			}
			if _, err := c.WaitJob(ctx, dr.JobID, simWait); err != nil {
				t.Fatalf("wait delete job: %v", err)
			}
			for _, id := range ids {
				s, err := c.GetServer(ctx, id)
				if err == nil && s.Status != ecs.StatusDeleted && s.Status != "SOFT_DELETED" {
					t.Errorf("server %s after delete: status %s (C14)", id, s.Status)
				} else if err != nil && !ecs.IsNotFound(err) {
					t.Errorf("server %s after delete: %v", id, err)
				}
			}
			left, err := c.ListServersDetailAll(ctx, ecs.ListServersOptions{Name: "web"})
			if err != nil || len(left) != 0 {
				t.Errorf("after delete: %d servers listed, %v", len(left), err)
			}
		})
	}
}

func TestClientAgainstSimulatorRulesAndErrors(t *testing.T) {
	c := clients(t)["aksk"]
	ctx := context.Background()
	// A rule broken client-side-unchecked must come back as a typed,
	// permanent 4xx error.
	_, err := c.CreateServers(ctx, createReq("web server", 1, ""))
	var ae *ecs.Error
	if !errors.As(err, &ae) || ae.StatusCode != 400 || ecs.Classify(err) != ecs.Permanent || ae.Code == "" {
		t.Errorf("bad name: %v", err)
	}
	_, err = c.GetServer(ctx, "00000000-0000-4000-8000-000000000000")
	if !ecs.IsNotFound(err) {
		t.Errorf("unknown server: %v", err)
	}
	_, err = c.GetJob(ctx, "ffffffffffffffffffffffffffffffff")
	if err == nil {
		t.Error("unknown job: no error")
	}
}

func TestClientAgainstSimulatorCatalogueAndResources(t *testing.T) {
	c := clients(t)["token"]
	ctx := context.Background()
	check := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}
	fl, err := c.ListFlavors(ctx, "az1.dc1")
	check("flavors 5.6.5", err)
	if len(fl) == 0 || fl[0].VCPUs == 0 {
		t.Errorf("flavors: %+v", fl)
	}
	fd, err := c.ListFlavorsDetail(ctx, nil)
	check("flavors 5.6.2", err)
	if len(fd) != len(fl) {
		t.Errorf("5.6.2 lists %d flavors, 5.6.5 %d", len(fd), len(fl))
	}
	az, err := c.ListAvailabilityZones(ctx)
	check("AZs 5.20.1", err)
	if len(az) == 0 || !bool(az[0].ZoneState.Available) {
		t.Errorf("AZs: %+v", az)
	}
	im, err := c.ListImages(ctx, nil)
	check("images 5.4.1", err)
	if im != nil && len(im.Images) > 0 {
		one, err := c.GetImage(ctx, im.Images[0].ID)
		check("image 5.4.4", err)
		if one != nil && one.ID != im.Images[0].ID {
			t.Errorf("image detail %+v", one)
		}
	}
	lim, err := c.GetLimits(ctx)
	check("limits 5.10.1", err)
	if lim != nil && lim.MaxTotalInstances == 0 {
		t.Errorf("limits: %+v", lim)
	}
	_, err = c.GetLimitsCompat(ctx)
	check("limits 5.10.3", err)
	_, err = c.GetQuotaSet(ctx)
	check("quota set 5.10.2", err)

	kp, err := c.CreateKeypair(ctx, "fleet-key", "")
	check("keypair create 5.30.2", err)
	if kp != nil && (kp.PublicKey == "" || kp.Fingerprint == "") {
		t.Errorf("keypair: %+v", kp)
	}
	kps, err := c.ListKeypairs(ctx)
	check("keypairs 5.30.1", err)
	if len(kps) != 1 {
		t.Errorf("keypairs %v", kps)
	}
	_, err = c.GetKeypair(ctx, "fleet-key")
	check("keypair 5.30.4", err)
	check("keypair delete 5.30.3", c.DeleteKeypair(ctx, "fleet-key"))

	g, err := c.CreateServerGroup(ctx, "web-spread", []string{"anti-affinity"})
	check("group create 5.16.1", err)
	if g != nil {
		gs, err := c.ListServerGroups(ctx)
		check("groups 5.16.2", err)
		if len(gs) != 1 || gs[0].Name != "web-spread" {
			t.Errorf("groups %+v", gs)
		}
		one, err := c.GetServerGroup(ctx, g.ID)
		check("group 5.16.11", err)
		if one != nil && one.ID != g.ID {
			t.Errorf("group %+v", one)
		}
		check("group delete 5.16.3", c.DeleteServerGroup(ctx, g.ID))
	}

	// Per-server calls on one server.
	jr, err := c.CreateServers(ctx, createReq("app", 1, ""))
	if err != nil {
		t.Fatal(err)
	}
	job, err := c.WaitJob(ctx, jr.JobID, simWait)
	if err != nil {
		t.Fatal(err)
	}
	id := job.ServerResults()[0].ServerID
	check("add tags 5.13.2", c.AddTags(ctx, id, []ecs.Tag{{Key: "env", Value: "prod"}}))
	check("delete tags 5.13.1", c.DeleteTags(ctx, id, []ecs.Tag{{Key: "env", Value: "prod"}}))
	pt, err := c.ListProjectTags(ctx)
	check("project tags 5.13.9", err)
	if len(pt) == 0 {
		t.Errorf("project tags empty")
	}
	md, err := c.UpdateMetadata(ctx, id, map[string]string{"role": "app"})
	check("metadata 5.9.1", err)
	if md["role"] != "app" {
		t.Errorf("metadata after update: %v", md)
	}
	check("metadata delete 5.9.2", c.DeleteMetadataKey(ctx, id, "role"))
	md, err = c.GetMetadata(ctx, id)
	check("metadata 5.9.3", err)
	if _, ok := md["role"]; ok {
		t.Errorf("role still set: %v", md)
	}
	nics, err := c.ListNICs(ctx, id)
	check("NICs 5.7.3", err)
	if len(nics) != 1 {
		t.Errorf("NICs %+v", nics)
	}
	bd, err := c.ListBlockDevices(ctx, id)
	check("block devices 5.8.3", err)
	if bd != nil && len(bd.VolumeAttachments) == 0 {
		t.Errorf("no system disk in %+v", bd)
	}
	check("stop 5.28.1", c.StopServer(ctx, id, ecs.Soft))
	waitStatus(t, c, id, ecs.StatusShutoff)
	check("start 5.28.2", c.StartServer(ctx, id))
	waitStatus(t, c, id, ecs.StatusActive)
	check("lock 5.25.2", c.LockServer(ctx, id))
	s, err := c.GetServer(ctx, id)
	check("get", err)
	if s != nil && !bool(s.Locked) {
		t.Error("locked not reported")
	}
	check("unlock 5.25.1", c.UnlockServer(ctx, id))
	ids, err := c.ResetPasswords(ctx, &ecs.ResetPasswordsRequest{NewPassword: "N3w-Passw0rd!", DryRun: true, Servers: []ecs.IDRef{{ID: id}}})
	check("reset passwords dry run 5.14.1", err)
	if len(ids) != 1 {
		t.Errorf("reset answered %v", ids)
	}
}

func waitStatus(t *testing.T, c *ecs.Client, id, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		s, err := c.GetServer(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if s.Status == want {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Errorf("server %s never reached %s", id, want)
}
