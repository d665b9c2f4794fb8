package plan

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs"
)

// legacyFleet names servers that lookalikes makes (the web template of the
// base fleet, without keypair, tags or metadata).
const legacyFleet = `
name: legacy
servers:
  - name: web
    count: 3
    availability_zone: az1.dc1
    vpc: vpc-default
    image: Ubuntu 22.04 server 64bit
    flavor: s6.small.1
    root_volume: {type: SSD, size: 40}
    nics: [{subnet: subnet-web}]
`

// Servers made behind ecsfleet's back, named as the file's members and
// made from its template, are adopted: only tag and metadata calls, no
// create; once adopted, the plan is empty.
func TestAdoptUnownedServers(t *testing.T) {
	cl := newCloud(t)
	lookalikes(t, cl, "web", 3, "")
	cl.importAll(t)
	f := loadFleet(t, "fleet.yaml", legacyFleet)
	// No import chose them: the plan is refused, naming each server, and
	// nothing is created beside them.
	_, err := Make(context.Background(), cl.c, f, Options{})
	for _, want := range []string{"server web-0001 (", "server web-0003 (", "no 'ecsfleet import' chose it", "ecsfleet import --name legacy --name-prefix web-0002"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("plan without an import: %v; want it to say %q", err, want)
		}
	}
	cl.importAll(t)
	p := cl.plan(t, f)
	if p.Summary.Adopt != 3 || p.Summary.Add != 0 || p.Summary.Change != 0 || p.Summary.Destroy != 0 || p.Summary.Replace != 0 {
		t.Fatalf("summary %+v, want 3 to adopt and nothing else", p.Summary)
	}
	for _, c := range p.Changes {
		if c.Kind != KindServer || c.Action != Adopt || c.ID == "" || c.Set != "web" {
			t.Errorf("change %+v, want a server adoption with its id", c)
		}
		if c.Reason != "exists without the fleet's mark; apply --adopt takes it over" {
			t.Errorf("%s: reason %q", c.Name, c.Reason)
		}
	}
	for _, op := range p.Ops {
		switch op.Kind {
		case OpAddTags:
			if len(op.Args.Tags) != 2 || op.Args.Tags["ecsfleet"] != "legacy" || op.Args.Tags["ecsfleet-set"] != "web" {
				t.Errorf("%s tags %v", op.ID, op.Args.Tags)
			}
		case OpUpdateMetadata:
			if len(op.DependsOn) != 1 || op.Args.Metadata[CreateDescriptorKey] != "root=SSD:40" {
				t.Errorf("%s: %v after %v", op.ID, op.Args.Metadata, op.DependsOn)
			}
		default:
			t.Errorf("op %s %s: an adoption makes tag and metadata calls only", op.ID, op.Kind)
		}
		if len(op.Targets) != 1 || op.Targets[0].ID == "" {
			t.Errorf("%s targets %v: an adopted server is addressed by its id", op.ID, op.Targets)
		}
	}
	if n := p.CallsByKind(); n[OpAddTags] != 3 || n[OpUpdateMetadata] != 3 {
		t.Errorf("calls %v", n)
	}
	var text strings.Builder
	if err := RenderText(&text, p, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "\n  ? web-0001..web-0003  (exists without the fleet's mark") {
		t.Errorf("text:\n%s", text.String())
	}
	cl.execute(t, f, p)
	if p2 := cl.plan(t, f); !p2.Empty() {
		var b strings.Builder
		_ = RenderText(&b, p2, TextOptions{})
		t.Fatalf("the plan after the adoption is not empty:\n%s", b.String())
	}
}

// The project's servers are read only when members are missing, and the
// reads are counted.
func TestAdoptReadsOnlyForMissingMembers(t *testing.T) {
	cl := newCloud(t)
	f := loadFleet(t, "fleet.yaml", legacyFleet)
	snap, err := ReadSnapshot(context.Background(), cl.c, f)
	if err != nil {
		t.Fatal(err)
	}
	p, err := makeFrom(context.Background(), cl.c, f, snap, Options{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if snap.Reads["project_servers"] != 1 || p.Summary.Calls.Read != snap.TotalReads() {
		t.Fatalf("reads %v, plan says %d", snap.Reads, p.Summary.Calls.Read)
	}
	cl.execute(t, f, p)
	snap, err = ReadSnapshot(context.Background(), cl.c, f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := makeFrom(context.Background(), cl.c, f, snap, Options{Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	if n := snap.Reads["project_servers"]; n != 0 {
		t.Fatalf("a plan without missing members read the project's servers %d times", n)
	}
}

// What can change in place is left to the next plan, and the reason says so.
func TestAdoptLeavesInPlaceChangesForLater(t *testing.T) {
	cl := newCloud(t)
	lookalikes(t, cl, "web", 3, "")
	cl.importAll(t)
	f := loadFleet(t, "fleet.yaml", strings.Replace(legacyFleet, "flavor: s6.small.1", "flavor: c6.large.2\n    tags: {role: web}", 1))
	p := cl.plan(t, f)
	if p.Summary.Adopt != 3 || len(p.Ops) != 6 {
		t.Fatalf("summary %+v, %d ops", p.Summary, len(p.Ops))
	}
	if r := p.Changes[0].Reason; !strings.HasSuffix(r, "; the next plan then changes flavor, tags.role") {
		t.Fatalf("reason %q", r)
	}
	cl.execute(t, f, p)
	p2 := cl.plan(t, f)
	if p2.Summary.Change != 3 || p2.Summary.Adopt != 0 || p2.CallsByKind()[OpResizeServers] == 0 {
		t.Fatalf("the next plan: %+v %v", p2.Summary, p2.CallsByKind())
	}
}

// Two unowned servers with a member's name: which one is the member?
func TestAdoptAmbiguousName(t *testing.T) {
	cl := newCloud(t)
	a := lookalikes(t, cl, "web", 3, "")
	b := lookalikes(t, cl, "web", 2, "")
	cl.importAll(t)
	f := loadFleet(t, "fleet.yaml", legacyFleet)
	_, err := Make(context.Background(), cl.c, f, Options{Imported: cl.imported})
	var probs Problems
	if !errors.As(err, &probs) || len(probs) != 2 {
		t.Fatalf("err = %v, want two problems (web-0001, web-0002)", err)
	}
	msg := probs.Error()
	for _, want := range []string{`server set "web": 2 servers named web-0001 exist without the fleet's mark`, a[0], b[0], a[1], b[1],
		"hint: rename or delete all but one of them"} {
		if !strings.Contains(msg, want) {
			t.Errorf("problems lack %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "web-0003") {
		t.Errorf("web-0003 has one unowned server; it is adopted:\n%s", msg)
	}
}

// A server that differs in what cannot change in place is not adopted:
// it would only be replaced.
func TestAdoptTemplateMismatch(t *testing.T) {
	for _, tc := range []struct {
		name, from, to, want string
	}{
		{"az", "availability_zone: az1.dc1", "availability_zone: az2.dc1", "availability_zone az1.dc1 (the set: az2.dc1)"},
		{"keypair", "    nics:", "    keypair: k\n    nics:", "keypair (none) (the set: k)"},
		{"root", "size: 40}", "size: 60}", "root_volume SSD:40 (the set: SSD:60)"},
		{"data", "    nics:", "    data_volumes: [{type: SSD, size: 10}]\n    nics:", "data_volumes (none) (the set: SSD:10)"},
		{"subnet", "subnet: subnet-web", "subnet: subnet-db", "nics[0].subnet: no NIC of the server is in subnet-db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := newCloud(t)
			lookalikes(t, cl, "web", 1, "")
			cl.importAll(t)
			src := strings.Replace(legacyFleet, tc.from, tc.to, 1)
			if tc.name == "keypair" {
				src += "keypairs:\n  - name: k\n    public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO/6+WwPZ+wTUkjbbGm/fN6Yd7YgcTSuC43Jo4ci2iPC test\n"
			}
			f := loadFleet(t, "fleet.yaml", strings.Replace(src, "count: 3", "count: 1", 1))
			_, err := Make(context.Background(), cl.c, f, Options{Imported: cl.imported})
			var probs Problems
			if !errors.As(err, &probs) || len(probs) != 1 {
				t.Fatalf("err = %v, want one problem", err)
			}
			msg := probs.Error()
			if !strings.Contains(msg, `server set "web": server web (`) || !strings.Contains(msg, "cannot be adopted into this set: "+tc.want) {
				t.Fatalf("problem:\n%s", msg)
			}
		})
	}
}

// A saved plan that adopts a server is stale once another fleet has taken
// the server.
func TestAdoptStale(t *testing.T) {
	ctx := context.Background()
	cl := newCloud(t)
	ids := lookalikes(t, cl, "web", 3, "")
	cl.importAll(t)
	f := loadFleet(t, "fleet.yaml", legacyFleet)
	p := cl.plan(t, f)
	fresh := func() *Snapshot {
		s, err := ReadSnapshotFor(ctx, cl.c, f, p)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if err := Stale(p, f, fresh()); err != nil {
		t.Fatalf("nothing changed, yet: %v", err)
	}
	if err := cl.c.AddTags(ctx, ids[1], []ecs.Tag{{Key: "ecsfleet", Value: "other"}}); err != nil {
		t.Fatal(err)
	}
	err := Stale(p, f, fresh())
	if !errors.Is(err, ErrStale) || !strings.Contains(err.Error(), "changed tags since the plan was made") {
		t.Fatalf("err = %v", err)
	}
}
