package ecs_test

import (
	"context"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// TestClientAgainstSimulatorVolumeMetadata: the metadata given when a volume
// is created (5.8.10) is stored and read back by GetVolume (5.8.13) and
// both lists (5.8.9, 5.8.11), before and after the create job ends. The
// planner marks the shared volumes it owns this way (ecsfleet=<fleet>), so
// losing it would orphan them. Unlike 5.2.1's server metadata, 5.8.10's
// metadata is user data.
func TestClientAgainstSimulatorVolumeMetadata(t *testing.T) {
	for mode, c := range clients(t) {
		t.Run(mode, func(t *testing.T) {
			ctx := context.Background()
			v, err := c.CreateVolume(ctx, ecs.CreateVolume{
				Size: 20, AvailabilityZone: "az1.dc1", DisplayName: "shared-logs", VolumeType: "SSD",
				Metadata: map[string]string{"ecsfleet": "web-fleet", "owner.team": "ops"}, Multiattach: true,
			})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			check := func(when string, got *ecs.Volume) {
				t.Helper()
				if got.Metadata["ecsfleet"] != "web-fleet" || got.Metadata["owner.team"] != "ops" {
					t.Errorf("%s: metadata %v, want ecsfleet=web-fleet and owner.team=ops", when, got.Metadata)
				}
			}
			check("create answer", v)

			got, err := c.GetVolume(ctx, v.ID)
			if err != nil {
				t.Fatal(err)
			}
			check("GetVolume while creating", got)
			deadline := time.Now().Add(10 * time.Second)
			for got.Status != "available" {
				if time.Now().After(deadline) {
					t.Fatalf("volume stuck in %s", got.Status)
				}
				time.Sleep(2 * time.Millisecond)
				if got, err = c.GetVolume(ctx, v.ID); err != nil {
					t.Fatal(err)
				}
			}
			check("GetVolume when available", got)

			for _, detail := range []bool{true, false} {
				vols, err := c.ListVolumes(ctx, detail)
				if err != nil {
					t.Fatalf("ListVolumes(detail=%v): %v", detail, err)
				}
				found := false
				for i := range vols {
					if vols[i].ID == v.ID {
						found = true
						check("ListVolumes", &vols[i])
					}
				}
				if !found {
					t.Errorf("ListVolumes(detail=%v) does not list %s", detail, v.ID)
				}
			}
		})
	}
}

// TestVolumeMetadataSurvivesTheStateFile: a second simulator process on the
// same state file (as `ecsfleet sim serve --state` and the CLI share it)
// reads the volume's metadata back through the client.
func TestVolumeMetadataSurvivesTheStateFile(t *testing.T) {
	state := t.TempDir() + "/cloud.json"
	first := sim.NewTestServer(t, func(cfg *sim.Config) { cfg.StateFile = state })
	ctx := context.Background()
	v, err := newSimClient(t, first, "aksk").CreateVolume(ctx, ecs.CreateVolume{
		Size: 10, AvailabilityZone: "az1.dc1", VolumeType: "SATA", Metadata: map[string]string{"ecsfleet": "db-fleet"},
	})
	if err != nil {
		t.Fatal(err)
	}
	second := sim.NewTestServer(t, func(cfg *sim.Config) { cfg.StateFile = state })
	got, err := newSimClient(t, second, "aksk").GetVolume(ctx, v.ID)
	if err != nil || got.Metadata["ecsfleet"] != "db-fleet" {
		t.Fatalf("after reloading the state file: %+v, %v", got, err)
	}
}

// TestSharedVolumeGoesToTheStorageService: 5.8.10 has no field for a shared
// volume, so CreateVolume with Multiattach calls the storage service's
// Cinder-compatible create at the EVS endpoint (signed like every call),
// never 5.8.10, and reads its answer into the same Volume.
func TestSharedVolumeGoesToTheStorageService(t *testing.T) {
	for _, mode := range []string{"token", "aksk"} {
		t.Run(mode, func(t *testing.T) {
			hs := sim.NewTestServer(t)
			cfg := simConfig(hs, mode)
			cfg.EVSEndpoint = hs.URL + "/"
			c, err := ecs.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			v, err := c.CreateVolume(ctx, ecs.CreateVolume{Size: 20, AvailabilityZone: "az1.dc1", DisplayName: "shared-logs",
				VolumeType: "SSD", Metadata: map[string]string{"ecsfleet": "web"}, Multiattach: true})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if v.ID == "" || v.Name() != "shared-logs" || !bool(v.Multiattach) || int(v.Size) != 20 || v.AvailabilityZone != "az1.dc1" {
				t.Errorf("answer: %+v", v)
			}
			if n := hs.Sim.Calls("POST /v2/{tenant_id}/volumes"); n != 1 {
				t.Errorf("EVS create called %d times, want 1", n)
			}
			for _, p := range []string{"POST /v2/{tenant_id}/os-volumes", "POST /v2.1/{tenant_id}/os-volumes"} {
				if n := hs.Sim.Calls(p); n != 0 {
					t.Errorf("%s called %d times for a shared volume", p, n)
				}
			}
			u, err := c.CreateVolume(ctx, ecs.CreateVolume{Size: 10, AvailabilityZone: "az1.dc1", VolumeType: "SSD"})
			if err != nil || bool(u.Multiattach) {
				t.Fatalf("unshared create: %+v %v", u, err)
			}
			if n := hs.Sim.Calls("POST /v2.1/{tenant_id}/os-volumes"); n != 1 {
				t.Errorf("5.8.10 called %d times for an unshared volume, want 1", n)
			}
		})
	}
}
