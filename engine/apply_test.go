package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs/sim"
	"github.com/ecsfleet/ecsfleet/plan"
)

const webFleet = `
name: shop
defaults:
  availability_zone: az1.dc1
  vpc: vpc-default
  image: Ubuntu 22.04 server 64bit
  flavor: s6.small.1
  root_volume: {type: SSD}
  security_groups: [default]
keypairs:
  - name: shop-key
    create: true
    private_key_file: shop-key.pem
server_groups:
  - name: shop-web
    policy: anti-affinity
servers:
  - name: web
    count: 4
    keypair: shop-key
    server_group: shop-web
    nics: [{subnet: subnet-web}]
    data_volumes: [{type: SSD, size: 20}]
    tags: {role: web, env: prod}
    metadata: {owner: team-a}
  - name: db
    count: 2
    nics: [{subnet: subnet-db}]
    admin_password: {env: DB_PASSWORD}
    tags: {role: db}
`

func TestApplyBringsUpAFleetAndASecondApplyDoesNothing(t *testing.T) {
	cl := newCloud(t)
	f := loadFleet(t, webFleet)
	res := cl.apply(t, f)
	cl.mustConverge(t, f, res)
	if n := len(cl.servers(t)); n != 6 {
		t.Fatalf("%d servers, want 6", n)
	}
	key := filepath.Join(cl.dir, "shop-key.pem")
	st, err := os.Stat(key)
	if err != nil {
		t.Fatalf("the generated private key was not written: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode %v, want 0600", st.Mode().Perm())
	}
	before := cl.writes()
	res = cl.apply(t, f)
	if !res.OK() || res.Counts.Total != 0 {
		t.Fatalf("second apply: %+v", res.Counts)
	}
	if after := cl.writes(); after != before {
		t.Fatalf("the second apply made %d mutating calls, want 0", after-before)
	}
}

// A private key file in the way is refused before any call: a key is
// never overwritten.
func TestApplyRefusesAnExistingPrivateKeyFileBeforeAnyCall(t *testing.T) {
	cl := newCloud(t)
	f := loadFleet(t, webFleet)
	if err := os.WriteFile(filepath.Join(cl.dir, "shop-key.pem"), []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := cl.plan(t, f)
	cl.eng.o.Fleet = f
	before := cl.writes()
	_, err := cl.eng.Apply(context.Background(), cl.c, p)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("err = %v, want a refusal naming the existing key file", err)
	}
	if cl.writes() != before {
		t.Fatal("calls were made before the refusal")
	}
	if b, _ := os.ReadFile(filepath.Join(cl.dir, "shop-key.pem")); string(b) != "precious" {
		t.Fatal("the existing key file was changed")
	}
}

// Destroy deletes every server and volume the fleet owns, and nothing
// that is not the fleet's.
func TestDestroyDeletesOnlyWhatTheFleetOwns(t *testing.T) {
	cl := newCloud(t)
	other := loadFleet(t, strings.Replace(strings.Replace(webFleet, "name: shop\n", "name: other\n", 1), "shop-", "other-", -1))
	cl.mustConverge(t, other, cl.apply(t, other))
	f := loadFleet(t, webFleet)
	cl.mustConverge(t, f, cl.apply(t, f))
	if n := len(cl.servers(t)); n != 12 {
		t.Fatalf("%d servers before destroy, want 12", n)
	}
	res := cl.apply(t, plan.ForDestroy(f))
	cl.mustConverge(t, plan.ForDestroy(f), res)
	left := cl.servers(t)
	if len(left) != 6 {
		t.Fatalf("%d servers after destroy, want the other fleet's 6", len(left))
	}
	for _, s := range left {
		if !ownedBy(&s, "other") {
			t.Fatalf("server %s (%v) survived the destroy of shop", s.Name, s.Tags)
		}
	}
	// The other fleet is untouched: its plan is still empty.
	if p := cl.plan(t, other); !p.Empty() {
		t.Fatal("destroying shop changed fleet other")
	}
}

// A destroy names the fleet's shared volume in its plan, detaches it and
// deletes it explicitly: nothing goes unannounced with its last server.
func TestDestroyListsAndDeletesTheSharedVolume(t *testing.T) {
	cl := newCloud(t)
	f := loadFleet(t, webFleet+`
volumes:
  - name: shop-shared
    size: 10
    type: SSD
    attach_to: [db]
`)
	cl.mustConverge(t, f, cl.apply(t, f))
	p := cl.plan(t, plan.ForDestroy(f))
	kinds := p.CallsByKind()
	if kinds[plan.OpDeleteVolume] != 1 || kinds[plan.OpDetachVolume] != 2 {
		t.Fatalf("destroy plan calls %v: want the shared volume detached from both db servers and deleted", kinds)
	}
	deleted := false
	for _, c := range p.Changes {
		deleted = deleted || (c.Kind == plan.KindVolume && c.Action == plan.Delete && c.Name == "shop-shared")
	}
	if !deleted {
		t.Fatal("the destroy plan does not list the shared volume's deletion")
	}
	cl.eng.o.Fleet = f
	res, err := cl.eng.Apply(context.Background(), cl.c, p)
	if err != nil {
		t.Fatal(err)
	}
	cl.mustConverge(t, plan.ForDestroy(f), res)
	vs, err := cl.c.ListVolumes(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if v.Metadata["ecsfleet"] == "shop" {
			t.Fatalf("volume %s of the fleet survived the destroy", v.Name())
		}
	}
}

// When the cloud fails a create's sub-jobs, exactly those members fail,
// with the cloud's reason, and only the ops for them are skipped.
func TestFailedSubJobsFailTheirServersOnly(t *testing.T) {
	cl := newCloud(t, func(c *sim.Config) { c.Faults.SubJobFail = 1; c.Faults.FailErrorCode = "Ecs.0999" })
	f := loadFleet(t, webFleet)
	res := cl.apply(t, f)
	if res.OK() {
		t.Fatal("the run is OK although every sub-job failed")
	}
	failed := 0
	for _, c := range res.Changes {
		if c.Kind != plan.KindServer {
			continue
		}
		if c.Status != StatusFailed || !strings.Contains(c.Reason, "Ecs.0999") {
			t.Fatalf("%s: %s %q, want failed with the cloud's code", c.Name, c.Status, c.Reason)
		}
		failed++
	}
	if failed != 6 {
		t.Fatalf("%d server changes failed, want 6", failed)
	}
	for _, o := range res.Ops {
		if o.Kind == plan.OpUpdateMetadata && o.Status != StatusSkipped {
			t.Fatalf("%s (%s) is %s, want skipped: its server was not created", o.ID, o.Why, o.Status)
		}
		if o.Kind == plan.OpCreateKeypair && o.Status != StatusDone {
			t.Fatalf("the keypair (no job) is %s", o.Status)
		}
	}
}
