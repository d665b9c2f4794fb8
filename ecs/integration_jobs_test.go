package ecs_test

import (
	"context"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// waitOptional waits for a job when the call returned one.
func waitOptional(t *testing.T, c *ecs.Client, what string, jr *ecs.JobResponse, err error) *ecs.Job {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if jr == nil || jr.JobID == "" {
		return nil
	}
	j, err := c.WaitJob(context.Background(), jr.JobID, simWait)
	if err != nil {
		t.Fatalf("%s job: %v", what, err)
	}
	return j
}

// The job-returning per-server calls, end to end against the simulator.
func TestClientAgainstSimulatorPerServerJobs(t *testing.T) {
	c := clients(t)["aksk"]
	ctx := context.Background()
	jr, err := c.CreateServers(ctx, createReq("job", 1, ""))
	j := waitOptional(t, c, "create", jr, err)
	id := j.SubJobs[0].Entities.ServerID

	// Offline resize (5.21.1) of a stopped server.
	if err := c.StopServer(ctx, id, ecs.Soft); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, id, ecs.StatusShutoff)
	r, err := c.ResizeServer(ctx, id, ecs.ResizeSpec{FlavorRef: "c6.xlarge.2"})
	waitOptional(t, c, "resize", r, err)
	waitStatus(t, c, id, ecs.StatusShutoff)
	s, err := c.GetServer(ctx, id)
	if err != nil || s.Flavor.ID != "c6.xlarge.2" {
		t.Errorf("after resize: flavor %+v, %v", s.Flavor, err)
	}
	// Batch resize (5.21.6) back.
	br, err := c.ResizeServers(ctx, []ecs.BatchResizeItem{{ServerID: id, FlavorRef: simFlavor}})
	waitOptional(t, c, "batch resize", br, err)
	waitStatus(t, c, id, ecs.StatusShutoff)

	// NICs (5.7.1, 5.7.2, 5.7.3).
	an, err := c.AddNICs(ctx, id, []ecs.AddNIC{{SubnetID: "2f1a3b4c-0000-4000-8000-00000000b002",
		SecurityGroups: []ecs.IDRef{{ID: "3a2b4c5d-0000-4000-8000-00000000c001"}}}})
	waitOptional(t, c, "add NICs", an, err)
	nics, err := c.ListNICs(ctx, id)
	if err != nil || len(nics) != 2 {
		t.Fatalf("NICs after add: %+v %v", nics, err)
	}
	var added string
	for _, n := range nics {
		if len(n.FixedIPs) > 0 && n.FixedIPs[0].SubnetID == "2f1a3b4c-0000-4000-8000-00000000b002" {
			added = n.PortID
		}
	}
	dn, err := c.DeleteNICs(ctx, id, []string{added})
	waitOptional(t, c, "delete NICs", dn, err)
	if nics, err = c.ListNICs(ctx, id); err != nil || len(nics) != 1 {
		t.Errorf("NICs after delete: %+v %v", nics, err)
	}

	// Volumes (5.8.10, 5.8.13, 5.8.2, 5.8.6, 5.8.5, 5.8.12).
	v, err := c.CreateVolume(ctx, ecs.CreateVolume{Size: 10, AvailabilityZone: "az1.dc1", DisplayName: "data1", VolumeType: "SATA"})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := c.GetVolume(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == "available" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("volume stuck in %s", got.Status)
		}
		time.Sleep(2 * time.Millisecond)
	}
	av, err := c.AttachVolume(ctx, id, v.ID, "/dev/vdb")
	waitOptional(t, c, "attach", av, err)
	atts, err := c.ListVolumeAttachments(ctx, id)
	found := false
	for _, a := range atts {
		found = found || a.VolumeID == v.ID
	}
	if err != nil || !found {
		t.Errorf("attachments %+v %v", atts, err)
	}
	dv, err := c.DetachVolume(ctx, id, v.ID, false)
	waitOptional(t, c, "detach", dv, err)
	deadline = time.Now().Add(10 * time.Second)
	for {
		if err := c.DeleteVolume(ctx, v.ID); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("delete volume: %v", err)
		}
		time.Sleep(2 * time.Millisecond)
	}

	// Server group membership through both APIs (5.16.4/5.16.10 and 5.16.5).
	g, err := c.CreateServerGroup(ctx, "grp", []string{"anti-affinity"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddServerGroupMember(ctx, g.ID, id); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.GetServerGroup(ctx, g.ID); got == nil || len(got.Members) != 1 {
		t.Errorf("members after add: %+v", got)
	}
	if err := c.RemoveServerGroupMember(ctx, g.ID, id); err != nil {
		t.Fatal(err)
	}
	m, err := c.ModifyServerGroupMember(ctx, g.ID, "add_member", id)
	waitOptional(t, c, "group action add", m, err)
	if got, _ := c.GetServerGroup(ctx, g.ID); got == nil || len(got.Members) != 1 {
		t.Errorf("members after 5.16.5 add: %+v", got)
	}
	m, err = c.ModifyServerGroupMember(ctx, g.ID, "remove_member", id)
	waitOptional(t, c, "group action remove", m, err)

	// Change and reinstall OS (5.26.1, 5.26.2) of the stopped server.
	if _, err := c.CreateKeypair(ctx, "k1", ""); err != nil {
		t.Fatal(err)
	}
	co, err := c.ChangeServerOS(ctx, id, ecs.ChangeOS{ImageID: sim.ImageUbuntu2204, KeyName: "k1"})
	waitOptional(t, c, "change OS", co, err)
	waitStatus(t, c, id, ecs.StatusShutoff)
	if s, err := c.GetServer(ctx, id); err != nil || s.Image.ID != sim.ImageUbuntu2204 {
		t.Errorf("image after change OS: %+v %v", s.Image, err)
	}
	ro, err := c.ReinstallServerOS(ctx, id, ecs.ChangeOS{KeyName: "k1"})
	waitOptional(t, c, "reinstall OS", ro, err)
}
