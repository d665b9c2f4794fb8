package plan

import (
	"context"
	"encoding/base64"
	"fmt"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
	"github.com/ecsfleet/ecsfleet/spec"
)

// cloud is a simulator on a local port and a real client for it.
type cloud struct {
	hs *sim.HTTPServer
	c  *ecs.Client
	// imported is what an import chose (Options.Imported; importAll).
	imported map[string]string
}

func newCloud(t testing.TB, opts ...func(*sim.Config)) *cloud {
	t.Helper()
	hs := sim.NewTestServer(t, opts...)
	c, err := ecs.New(ecs.Config{Endpoint: hs.URL, ProjectID: hs.ProjectID, AccessKey: hs.AK, SecretKey: hs.SK})
	if err != nil {
		t.Fatal(err)
	}
	return &cloud{hs: hs, c: c}
}

// fastWait polls jobs of the test simulator (time scale 10000) quickly.
var fastWait = ecs.WaitOptions{Expected: time.Millisecond, MinInterval: time.Millisecond, MaxInterval: 5 * time.Millisecond, Timeout: time.Minute}

var fixedNow = func() time.Time { return time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC) }

// loadFleet parses a fleet from text (YAML).
func loadFleet(t testing.TB, name, src string) *spec.Fleet {
	t.Helper()
	f, diags := spec.Parse(name, []byte(src), spec.LoadOptions{LookupEnv: func(k string) (string, bool) {
		return "Sim-Passw0rd!x", true
	}})
	if diags.HasErrors() {
		t.Fatalf("fleet %s: %v", name, diags)
	}
	return f
}

func (cl *cloud) plan(t testing.TB, f *spec.Fleet) *Plan {
	t.Helper()
	p, err := Make(context.Background(), cl.c, f, Options{Now: fixedNow, FleetHash: "test", Imported: cl.imported})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return p
}

// execute carries out a plan's ops with the client, in order, waiting for
// every job: a small stand-in for the engine so tests can bring the cloud
// to a fleet's state. It also proves each op holds what its call needs.
func (cl *cloud) execute(t testing.TB, f *spec.Fleet, p *Plan) {
	t.Helper()
	ctx := context.Background()
	created := map[string]string{} // member name -> id
	objIDs := map[string]string{}  // group/volume name -> id
	id := func(tg Target) string {
		if tg.ID != "" {
			return tg.ID
		}
		return created[tg.Name]
	}
	wait := func(jr *ecs.JobResponse, err error) *ecs.Job {
		t.Helper()
		if err != nil {
			t.Fatalf("call: %v", err)
		}
		if jr == nil || jr.JobID == "" {
			return nil
		}
		j, err := cl.c.WaitJob(ctx, jr.JobID, fastWait)
		if err != nil {
			t.Fatalf("job %s: %v", jr.JobID, err)
		}
		if j.Status != ecs.JobSuccess {
			t.Fatalf("job %s: %s", jr.JobID, j.Status)
		}
		return j
	}
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("call: %v", err)
		}
	}
	for _, op := range orderOps(p.Ops) {
		a := op.Args
		switch op.Kind {
		case OpCreateKeypair:
			_, err := cl.c.CreateKeypair(ctx, a.Name, a.PublicKey)
			check(err)
		case OpCreateServerGroup:
			g, err := cl.c.CreateServerGroup(ctx, a.Name, []string{a.Policy})
			check(err)
			objIDs[a.Name] = g.ID
		case OpCreateVolume:
			v, err := cl.c.CreateVolume(ctx, ecs.CreateVolume{DisplayName: a.Name, Size: a.Volume.SizeGB, VolumeType: a.Volume.Type,
				AvailabilityZone: a.Volume.AvailabilityZone, Multiattach: true, Metadata: map[string]string{spec.OwnerTagKey: f.Name}})
			check(err)
			objIDs[a.Name] = v.ID
		case OpCreateServers:
			req := createRequest(f, a.Create, objIDs)
			j := wait(cl.c.CreateServers(ctx, req))
			for _, r := range j.ServerResults() {
				srv, err := cl.c.GetServer(ctx, r.ServerID)
				check(err)
				created[srv.Name] = srv.ID
			}
		case OpDeleteServers:
			var ids []ecs.IDRef
			for _, tg := range op.Targets {
				ids = append(ids, ecs.IDRef{ID: id(tg)})
			}
			wait(cl.c.DeleteServers(ctx, &ecs.DeleteServersRequest{Servers: ids, DeleteVolume: a.DeleteVolumes}))
		case OpUpdateMetadata:
			_, err := cl.c.UpdateMetadata(ctx, id(op.Targets[0]), a.Metadata)
			check(err)
		case OpDeleteMetadata:
			check(cl.c.DeleteMetadataKey(ctx, id(op.Targets[0]), a.MetadataKey))
		case OpAddTags:
			var tags []ecs.Tag
			for _, k := range sortedKeys(a.Tags) {
				tags = append(tags, ecs.Tag{Key: k, Value: a.Tags[k]})
			}
			check(cl.c.AddTags(ctx, id(op.Targets[0]), tags))
		case OpDeleteTags:
			var tags []ecs.Tag
			for _, k := range a.TagKeys {
				tags = append(tags, ecs.Tag{Key: k})
			}
			check(cl.c.DeleteTags(ctx, id(op.Targets[0]), tags))
		case OpModifyServer:
			m := ecs.ModifyServer{Description: a.Description}
			if a.Name != "" {
				m.Name = &a.Name
			}
			_, err := cl.c.ModifyServer(ctx, id(op.Targets[0]), m)
			check(err)
		case OpAttachShared:
			var infos []ecs.ServerInfo
			for _, tg := range op.Targets {
				infos = append(infos, ecs.ServerInfo{ServerID: id(tg)})
			}
			vol := a.ObjectID
			if vol == "" {
				vol = objIDs[a.ObjectName]
			}
			wait(cl.c.AttachSharedVolume(ctx, vol, infos))
		default:
			t.Fatalf("execute: op kind %s is not supported by the test executor", op.Kind)
		}
	}
}

// orderOps returns ops in an order that respects their dependencies.
func orderOps(ops []Op) []Op {
	done := map[string]bool{}
	var out []Op
	for len(out) < len(ops) {
		progress := false
		for _, op := range ops {
			if done[op.ID] {
				continue
			}
			ready := true
			for _, d := range op.DependsOn {
				ready = ready && done[d]
			}
			if ready {
				done[op.ID] = true
				out = append(out, op)
				progress = true
			}
		}
		if !progress {
			panic("dependency cycle")
		}
	}
	return out
}

// createRequest builds the 5.2.1 request of a create op, filling the
// secrets from the fleet as the engine will.
func createRequest(f *spec.Fleet, a *CreateArgs, objIDs map[string]string) *ecs.CreateServersRequest {
	cs := ecs.CreateServer{
		ImageRef: a.ImageID, FlavorRef: a.FlavorID, Name: a.Name, VPCID: a.VPCID, AvailabilityZone: a.AvailabilityZone,
		RootVolume: ecs.RootVolume{VolumeType: a.RootVolumeType, Size: a.RootVolumeSize}, Count: a.Count,
		KeyName: a.KeyName, Description: a.Description,
	}
	power := a.PowerOn
	cs.PowerOn = &power
	for _, n := range a.NICs {
		cs.NICs = append(cs.NICs, ecs.CreateNIC{SubnetID: n.SubnetID, IPAddress: n.IP})
	}
	for _, sg := range a.SecurityGroupIDs {
		cs.SecurityGroups = append(cs.SecurityGroups, ecs.IDRef{ID: sg})
	}
	for _, v := range a.DataVolumes {
		cs.DataVolumes = append(cs.DataVolumes, ecs.DataVolume{VolumeType: v.Type, Size: v.SizeGB})
	}
	for _, k := range sortedKeys(a.Tags) {
		cs.ServerTags = append(cs.ServerTags, ecs.Tag{Key: k, Value: a.Tags[k]})
	}
	if a.Postfix != "" {
		cs.ExtendParam = &ecs.ServerExtendParam{Postfix: a.Postfix}
	}
	group := a.ServerGroupID
	if group == "" {
		group = objIDs[a.ServerGroupName]
	}
	if group != "" {
		cs.SchedulerHints = &ecs.CreateSchedulerHints{Group: group}
	}
	s := f.ServerSet(a.Name)
	if a.HasUserData && s != nil && s.UserData != nil {
		cs.UserData = base64.StdEncoding.EncodeToString([]byte(s.UserData.Content))
	}
	if a.HasPassword && s != nil && s.AdminPassword != nil {
		pw, err := s.AdminPassword.Resolve()
		if err != nil {
			panic(fmt.Sprintf("test secret: %v", err))
		}
		cs.AdminPass = pw
	}
	return &ecs.CreateServersRequest{Server: cs}
}

// importAll records every server without a fleet's mark as chosen by an
// import (under its own name), as `ecsfleet import` would for the tests
// that adopt.
func (cl *cloud) importAll(t testing.TB) map[string]string {
	t.Helper()
	all, err := cl.c.ListServersDetailAll(context.Background(), ecs.ListServersOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cl.imported = map[string]string{}
	for i := range all {
		if _, owned := ownerOf(&all[i]); !owned {
			cl.imported[all[i].ID] = all[i].Name
		}
	}
	return cl.imported
}
