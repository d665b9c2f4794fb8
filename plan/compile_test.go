package plan

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
	"github.com/ecsfleet/ecsfleet/spec"
)

// TestDetachBeforeDelete: a server leaving the fleet that has a shared
// volume attached is detached first, and its delete waits for that.
func TestDetachBeforeDelete(t *testing.T) {
	cl := newCloud(t)
	withVolume := strings.Replace(baseFleet, "servers:\n", "volumes:\n  - name: shared-data\n    size: 100\n    type: SSD\n    attach_to: [web, db]\nservers:\n", 1)
	f := loadFleet(t, "fleet.yaml", withVolume)
	cl.execute(t, f, cl.plan(t, f))
	if p := cl.plan(t, f); !p.Empty() {
		t.Fatalf("after bring-up: %s %v", p.Summary, p.CallsByKind())
	}
	// db leaves the fleet file, and the volume's attach_to with it.
	noDB := strings.Replace(withVolume[:strings.Index(withVolume, "  - name: db")], "attach_to: [web, db]", "attach_to: [web]", 1)
	p := cl.plan(t, loadFleet(t, "fleet.yaml", noDB))
	var detach, del *Op
	for i := range p.Ops {
		switch p.Ops[i].Kind {
		case OpDetachVolume:
			detach = &p.Ops[i]
		case OpDeleteServers:
			del = &p.Ops[i]
		}
	}
	if detach == nil || del == nil || len(p.Ops) != 2 {
		t.Fatalf("want one detach and one delete, got %v", p.CallsByKind())
	}
	if detach.Targets[0].Name != "db" || len(del.DependsOn) != 1 || del.DependsOn[0] != detach.ID {
		t.Fatalf("delete %v depends on %v; want it to wait for detach %s of db", del.Targets, del.DependsOn, detach.ID)
	}
}

// TestDescriptionChange: a changed description is one modify call that
// carries the new description (with the name when the server is also
// renamed back).
func TestDescriptionChange(t *testing.T) {
	cl := newCloud(t)
	f := loadFleet(t, "fleet.yaml", baseFleet)
	cl.execute(t, f, cl.plan(t, f))
	web1 := serverByName(t, cl, "web-0001")
	name := "renamed"
	if _, err := cl.c.ModifyServer(context.Background(), web1.ID, ecs.ModifyServer{Name: &name}); err != nil {
		t.Fatal(err)
	}
	described := strings.Replace(baseFleet, "    count: 3\n", "    count: 3\n    description: front end\n", 1)
	p := cl.plan(t, loadFleet(t, "fleet.yaml", described))
	if n := countOps(p, OpModifyServer); n != 3 {
		t.Fatalf("modify calls = %d, want 3 (one per web server)", n)
	}
	for _, op := range p.Ops {
		if op.Kind != OpModifyServer {
			continue
		}
		if op.Args.Description == nil || *op.Args.Description != "front end" {
			t.Fatalf("%s: modify without the description: %+v", op.ID, op.Args)
		}
		if op.Targets[0].ID == web1.ID && op.Args.Name != "web-0001" {
			t.Fatalf("the renamed server's modify does not rename it back: %+v", op.Args)
		}
	}
	f2 := loadFleet(t, "fleet.yaml", described)
	cl.execute(t, f2, p)
	if p2 := cl.plan(t, f2); !p2.Empty() {
		t.Fatalf("after the modify the plan is not empty: %s", p2.Summary)
	}
}

// TestErrorServersReplaced: servers whose create failed are in status
// ERROR; the plan replaces them at once (one delete, one create), saying
// why, without waves.
func TestErrorServersReplaced(t *testing.T) {
	cl := newCloud(t, func(c *sim.Config) { c.Faults.SubJobFail = 1 })
	f := loadFleet(t, "fleet.yaml", strings.Replace(withoutDB, "    server_group: web-spread\n", "", 1))
	p := cl.plan(t, f)
	// The keypair is made directly (no job, so no injected failure).
	if _, err := cl.c.CreateKeypair(context.Background(), "shop-key", f.Keypairs[0].PublicKey); err != nil {
		t.Fatal(err)
	}
	for _, op := range p.Ops {
		if op.Kind != OpCreateServers {
			continue
		}
		jr, err := cl.c.CreateServers(context.Background(), createRequest(f, op.Args.Create, nil))
		if err != nil {
			t.Fatal(err)
		}
		// WaitJob reports a failed job as an error, with the job.
		j, err := cl.c.WaitJob(context.Background(), jr.JobID, fastWait)
		if j == nil || j.Status != ecs.JobFail {
			t.Fatalf("create job: %v, want FAIL", err)
		}
	}
	if s := serverByName(t, cl, "web-0002"); s.Status != ecs.StatusError {
		t.Fatalf("web-0002 is %s, want ERROR", s.Status)
	}
	p = cl.plan(t, f)
	if p.Summary.Replace != 3 || countOps(p, OpDeleteServers) != 1 || countOps(p, OpCreateServers) != 1 {
		t.Fatalf("want 3 replaced by one delete and one create, got %s %v", p.Summary, p.CallsByKind())
	}
	var del, create Op
	for _, op := range p.Ops {
		switch op.Kind {
		case OpDeleteServers:
			del = op
		case OpCreateServers:
			create = op
		}
	}
	if !slices.Contains(create.DependsOn, del.ID) || create.Wave != 0 || create.Args.Create.Count != 3 {
		t.Fatalf("create %+v must follow delete %s, outside waves", create, del.ID)
	}
	for _, c := range p.Changes {
		if c.Kind == KindServer && !strings.Contains(c.Reason, "status ERROR") {
			t.Fatalf("%s: reason %q", c.Name, c.Reason)
		}
	}
	// A replacement is a new server: it gets its metadata and ecsfleet's
	// bookkeeping written after its create, like any created member.
	metaAfterCreate := 0
	for _, op := range p.Ops {
		if op.Kind == OpUpdateMetadata && slices.Contains(op.DependsOn, create.ID) && op.Args.Metadata[CreateDescriptorKey] != "" {
			metaAfterCreate++
		}
	}
	if metaAfterCreate != 3 {
		t.Fatalf("%d metadata writes follow the replacement create, want 3 (one per member)", metaAfterCreate)
	}
}

// A plan that would delete or replace a member of a set with
// prevent_destroy is refused, at the set, with how to go on.
func TestPreventDestroyRefusesTheDelete(t *testing.T) {
	cl := newCloud(t)
	src := `
name: guarded
defaults: {availability_zone: az1.dc1, vpc: vpc-default, image: Ubuntu 22.04 server 64bit, flavor: s6.small.1, root_volume: {type: SSD}, security_groups: [default]}
servers:
  - name: db
    count: COUNT
    prevent_destroy: true
    nics: [{subnet: subnet-db}]
`
	f := loadFleet(t, "fleet.yaml", strings.Replace(src, "COUNT", "3", 1))
	cl.execute(t, f, cl.plan(t, f))
	f = loadFleet(t, "fleet.yaml", strings.Replace(src, "COUNT", "2", 1))
	_, err := Make(context.Background(), cl.c, f, Options{Now: fixedNow})
	var probs Problems
	if !errors.As(err, &probs) || len(probs) != 1 || !strings.Contains(probs[0].Msg, "prevent_destroy") || !strings.Contains(probs[0].Msg, "db-0003") {
		t.Fatalf("err = %v, want one problem naming prevent_destroy and db-0003", err)
	}
	if probs[0].Pos.Line != 5 {
		t.Fatalf("the problem is at %s, want the set (line 5)", probs[0].Pos)
	}
}

// prevent_destroy travels with the servers as a metadata mark: removing
// the set from the file does not delete them; setting the flag to false
// (which lifts the mark) and then removing the set does.
func TestPreventDestroyMarkTravels(t *testing.T) {
	cl := newCloud(t)
	src := `
name: guarded
defaults: {availability_zone: az1.dc1, vpc: vpc-default, image: Ubuntu 22.04 server 64bit, flavor: s6.small.1, root_volume: {type: SSD}, security_groups: [default]}
servers:
  - name: app
    count: 1
    nics: [{subnet: subnet-app}]
SET`
	guarded := `  - name: db
    count: 2
    prevent_destroy: PD
    nics: [{subnet: subnet-db}]
`
	with := func(pd string) *spec.Fleet {
		return loadFleet(t, "fleet.yaml", strings.Replace(src, "SET", strings.Replace(guarded, "PD", pd, 1), 1))
	}
	f := with("true")
	cl.execute(t, f, cl.plan(t, f))
	if p := cl.plan(t, f); !p.Empty() {
		t.Fatalf("not converged: %s", p.Summary)
	}
	without := loadFleet(t, "fleet.yaml", strings.Replace(src, "SET", "", 1))
	_, err := Make(context.Background(), cl.c, without, Options{Now: fixedNow})
	var probs Problems
	if !errors.As(err, &probs) || len(probs) != 2 || !strings.Contains(probs[0].Msg, `server set "db" with prevent_destroy`) || !strings.Contains(probs[0].Hint, "prevent_destroy: false") {
		t.Fatalf("removing the protected set: err = %v, want two problems (one per server) naming the mark and the way out", err)
	}
	f = with("false")
	p := cl.plan(t, f)
	if p.Summary.Change != 2 || countOps(p, OpDeleteMetadata) != 2 {
		t.Fatalf("lifting prevent_destroy: %s %v, want the mark removed from both servers", p.Summary, p.CallsByKind())
	}
	cl.execute(t, f, p)
	p = cl.plan(t, without)
	if p.Summary.Destroy != 2 {
		t.Fatalf("after lifting the mark, removing the set: %s, want 2 to destroy", p.Summary)
	}
}
