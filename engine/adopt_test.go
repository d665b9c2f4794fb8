package engine

import (
	"context"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/plan"
)

// A server made behind ecsfleet's back with a member's name, chosen by an
// import, is adopted:
// the run's result marks its change done when its tag and metadata calls
// are, and the fleet has converged.
func TestApplyAdoptsAnUnownedServer(t *testing.T) {
	cl := newCloud(t)
	ctx := context.Background()
	ims, err := cl.c.ListImagesDetail(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var image string
	for _, im := range ims {
		if im.Name == "Ubuntu 22.04 server 64bit" {
			image = im.ID
		}
	}
	power := true
	jr, err := cl.c.CreateServers(ctx, &ecs.CreateServersRequest{Server: ecs.CreateServer{ImageRef: image, FlavorRef: "s6.small.1",
		Name: "app", Count: 1, VPCID: "1e0f2a3b-0000-4000-8000-00000000a001", NICs: []ecs.CreateNIC{{SubnetID: "2f1a3b4c-0000-4000-8000-00000000b001"}},
		RootVolume: ecs.RootVolume{VolumeType: "SSD", Size: 40}, AvailabilityZone: "az1.dc1", PowerOn: &power}})
	if err != nil {
		t.Fatal(err)
	}
	j, err := cl.c.WaitJob(ctx, jr.JobID, ecs.WaitOptions{Expected: time.Millisecond, MinInterval: time.Millisecond, MaxInterval: 5 * time.Millisecond, Timeout: time.Minute})
	if err != nil || j.Status != ecs.JobSuccess {
		t.Fatalf("create: %v %v", err, j)
	}
	// `ecsfleet import` chose it for the fleet (plan.ImportRecord).
	cl.imported = map[string]string{j.ServerResults()[0].ServerID: "app"}
	f := loadFleet(t, `
name: legacy
servers:
  - name: app
    availability_zone: az1.dc1
    vpc: vpc-default
    image: Ubuntu 22.04 server 64bit
    flavor: s6.small.1
    root_volume: {type: SSD, size: 40}
    nics: [{subnet: subnet-web}]
  - name: new
    availability_zone: az1.dc1
    vpc: vpc-default
    image: Ubuntu 22.04 server 64bit
    flavor: s6.small.1
    root_volume: {type: SSD}
    nics: [{subnet: subnet-web}]
`)
	res := cl.apply(t, f)
	cl.mustConverge(t, f, res)
	seen := 0
	for _, c := range res.Changes {
		if c.Name == "app" {
			seen++
			if c.Action != plan.Adopt || c.Status != StatusDone {
				t.Errorf("change of app: %+v, want an adoption, done", c)
			}
		}
	}
	if seen != 1 {
		t.Fatalf("%d changes of app in the result %+v", seen, res.Changes)
	}
	if n := len(cl.servers(t)); n != 2 {
		t.Fatalf("%d servers, want 2: app adopted, new created", n)
	}
}
