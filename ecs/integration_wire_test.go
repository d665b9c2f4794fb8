package ecs_test

import (
	"context"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// The wire-audit fixes, end to end against the simulator: each is a shape the
// reference's tables allow that the old client got wrong on the wire.
func TestClientAgainstSimulatorWireAuditFixes(t *testing.T) {
	c := newSimClient(t, sim.NewTestServer(t), "aksk")
	ctx := context.Background()
	jr, err := c.CreateServers(ctx, createReq("audit", 1, ""))
	if err != nil {
		t.Fatal(err)
	}
	j, err := c.WaitJob(ctx, jr.JobID, simWait)
	if err != nil {
		t.Fatal(err)
	}
	id := j.ServerResults()[0].ServerID

	// 5.13.1: a tag without a value deletes the key whatever its value (the
	// old client sent "value":"" and deleted nothing).
	if err := c.DeleteTags(ctx, id, []ecs.Tag{{Key: "fleet"}}); err != nil {
		t.Fatal(err)
	}
	if tags, err := c.ListServerTags(ctx, id); err != nil || len(tags) != 0 {
		t.Errorf("after deleting key fleet: tags %v, %v", tags, err)
	}

	// 5.9.4: a nil map clears the user metadata ({} on the wire, not null).
	// The metadata is written after create (5.2.1 takes no user keys).
	if md, err := c.UpdateMetadata(ctx, id, map[string]string{"ecsfleet_member": "audit"}); err != nil || md["ecsfleet_member"] != "audit" {
		t.Fatalf("metadata after create: %v, %v", md, err)
	}
	if _, err := c.SetMetadata(ctx, id, nil); err != nil {
		t.Fatal(err)
	}
	if md, err := c.GetMetadata(ctx, id); err != nil || md["ecsfleet_member"] != "" {
		t.Errorf("after clearing: metadata %v, %v", md, err)
	}

	// 5.14.1: a dry run needs no new_password.
	if _, err := c.ResetPasswords(ctx, &ecs.ResetPasswordsRequest{DryRun: true, Servers: []ecs.IDRef{{ID: id}}}); err != nil {
		t.Errorf("dry-run reset without a password: %v", err)
	}

	// 5.8.3: exactly the system disk has bootIndex 0.
	bd, err := c.ListBlockDevices(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	sys := 0
	for _, d := range bd.VolumeAttachments {
		if d.IsSystemDisk() {
			sys++
		}
	}
	if sys != 1 {
		t.Errorf("%d system disks in %+v", sys, bd.VolumeAttachments)
	}
}
