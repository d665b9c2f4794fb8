package engine

import (
	"context"
	"fmt"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/plan"
	"github.com/ecsfleet/ecsfleet/spec"
)

// createServers makes one batch create (5.2.1). A create is never made
// again blindly: after an ambiguous failure the engine lists the fleet's
// servers by ownership mark and member name; the ones that exist are
// kept (and waited for), and the call is made again only if none does.
// Every member carries the fleet's tags from the create request itself,
// so a member created by a lost call is found by the next plan too.
func (x *opRun) createServers(ctx context.Context) (map[string]TargetFailure, error) {
	a := x.op.Args.Create
	if a == nil {
		return nil, fmt.Errorf("op %s has no create arguments", x.op.ID)
	}
	sec, err := x.r.e.secrets(*x.op)
	if err != nil {
		return nil, err
	}
	req := x.createRequest(a, sec)
	fail := failures{}
	for {
		var jr *ecs.JobResponse
		err := x.write(ctx, nil, func(ctx context.Context) (err error) { jr, err = x.r.cloud.CreateServers(ctx, req); return })
		if err == nil {
			jf, err := x.waitJob(ctx, jr, nil)
			if err != nil {
				return jf, err
			}
			return x.learnMembers(ctx, jf, false)
		}
		if ecs.Classify(err) == ecs.Throttled {
			if !x.again(ctx, err) {
				return nil, err
			}
			continue
		}
		if !ambiguous(err) {
			return nil, err
		}
		found, rerr := x.members(ctx)
		if rerr != nil {
			return nil, fmt.Errorf("create outcome unknown (%s), and listing the fleet's servers failed: %v; the next run re-reads the cloud", reason(err), rerr)
		}
		if len(found) > 0 {
			// The call went through (in part or in whole): never repeat it.
			return x.learnMembers(ctx, fail, true)
		}
		if !x.again(ctx, err) {
			return nil, err
		}
	}
}

// createRequest is the 5.2.1 body of a create op, with its secrets.
func (x *opRun) createRequest(a *plan.CreateArgs, sec opSecrets) *ecs.CreateServersRequest {
	power := a.PowerOn
	cs := ecs.CreateServer{
		ImageRef: a.ImageID, FlavorRef: a.FlavorID, Name: a.Name, VPCID: a.VPCID, AvailabilityZone: a.AvailabilityZone,
		RootVolume: ecs.RootVolume{VolumeType: a.RootVolumeType, Size: a.RootVolumeSize}, Count: a.Count,
		KeyName: a.KeyName, Description: a.Description, PowerOn: &power, AdminPass: sec.password, UserData: sec.userData,
	}
	for _, n := range a.NICs {
		cs.NICs = append(cs.NICs, ecs.CreateNIC{SubnetID: n.SubnetID, IPAddress: n.IP})
	}
	cs.SecurityGroups = refs(a.SecurityGroupIDs)
	for _, v := range a.DataVolumes {
		cs.DataVolumes = append(cs.DataVolumes, ecs.DataVolume{VolumeType: v.Type, Size: v.SizeGB})
	}
	for _, k := range sortedKeys(a.Tags) {
		cs.ServerTags = append(cs.ServerTags, ecs.Tag{Key: k, Value: a.Tags[k]})
	}
	if a.Postfix != "" {
		cs.ExtendParam = &ecs.ServerExtendParam{Postfix: a.Postfix}
	}
	if g := x.r.object("group", a.ServerGroupID, a.ServerGroupName); g != "" {
		cs.SchedulerHints = &ecs.CreateSchedulerHints{Group: g}
	}
	return &ecs.CreateServersRequest{Server: cs}
}

// members lists the fleet's servers of the op's set and returns the ones
// the op creates, by member name.
func (x *opRun) members(ctx context.Context) (map[string]*ecs.Server, error) {
	want := map[string]bool{}
	for _, t := range x.op.Targets {
		want[t.Name] = true
	}
	out := map[string]*ecs.Server{}
	err := x.r.e.listServers(ctx, x.r.cloud, spec.SetTagKey+"="+x.op.Set, func(s *ecs.Server) {
		if want[s.Name] && ownedBy(s, x.r.p.Fleet) {
			out[s.Name] = s
		}
	})
	return out, err
}

// listServers reads every server carrying a tag (KEY=VALUE), 1,000 a page
// (5.2.5), as counted reads, and hands each to each.
func (e *Engine) listServers(ctx context.Context, c Cloud, tag string, each func(*ecs.Server)) error {
	opts := ecs.ListServersOptions{Tags: tag, Limit: ecs.MaxPageSize}
	for page := 1; ; page++ {
		opts.Offset = page
		var resp *ecs.ListServersResponse
		if err := e.call(ctx, Reads, func() (err error) { resp, err = c.ListServersDetail(ctx, opts); return }); err != nil {
			return err
		}
		for i := range resp.Servers {
			each(&resp.Servers[i])
		}
		if len(resp.Servers) < opts.Limit || page*opts.Limit >= int(resp.Count) {
			return nil
		}
	}
}

// ownedBy reports whether a server carries the fleet's ownership tag.
func ownedBy(s *ecs.Server, fleet string) bool {
	for _, t := range s.Tags {
		if t == spec.OwnerTagKey+"="+fleet {
			return true
		}
	}
	return false
}

// learnMembers reads which members exist after a create, records their
// ids for the ops that follow, and fails the ones that do not exist or
// are broken. wait says the create's job is unknown: the members are
// then waited for until they leave BUILD.
func (x *opRun) learnMembers(ctx context.Context, jobFail failures, wait bool) (map[string]TargetFailure, error) {
	found, err := x.members(ctx)
	if err != nil {
		return nil, fmt.Errorf("the create ran, but listing its servers failed: %v; the next run re-reads the cloud", err)
	}
	byID := map[string]TargetFailure{}
	for _, f := range jobFail {
		byID[f.ID] = f
	}
	fail := failures{}
	var pending []string
	for _, t := range x.op.Targets {
		s := found[t.Name]
		if s == nil {
			why := "the server was not created"
			for _, f := range jobFail {
				why = f.Reason // a failed sub-job names no member: give its reason
				break
			}
			fail.add(t.Name, "", why)
			continue
		}
		x.r.mu.Lock()
		x.r.ids[t.Name] = s.ID
		x.r.mu.Unlock()
		if f, ok := byID[s.ID]; ok {
			fail.add(t.Name, s.ID, f.Reason)
			continue
		}
		if s.Status == ecs.StatusError {
			fail.add(t.Name, s.ID, "the server was created in status ERROR")
			continue
		}
		if wait || s.Status == ecs.StatusBuild {
			pending = append(pending, s.ID)
		}
	}
	for k, v := range x.settle(ctx, pending) {
		fail[k] = v
	}
	return fail, nil
}
