package plan

import (
	"strings"
	"testing"
)

// --target narrows a plan to a set and what it needs first; the other
// sets' changes are left for later, and an unknown set is an error that
// names the known ones.
func TestTargetNarrowsToASetAndItsDependencies(t *testing.T) {
	cl := newCloud(t)
	f := loadFleet(t, "fleet.yaml", `
name: two
defaults: {availability_zone: az1.dc1, vpc: vpc-default, image: Ubuntu 22.04 server 64bit, flavor: s6.small.1, root_volume: {type: SSD}, security_groups: [default]}
server_groups:
  - name: two-web
    policy: soft-anti-affinity
servers:
  - name: web
    count: 3
    server_group: two-web
    nics: [{subnet: subnet-web}]
  - name: db
    count: 2
    nics: [{subnet: subnet-db}]
`)
	p := cl.plan(t, f)
	tp, err := p.Target([]string{"web"})
	if err != nil {
		t.Fatal(err)
	}
	kinds := tp.CallsByKind()
	if kinds[OpCreateServerGroup] != 1 || kinds[OpCreateServers] != 1 || kinds[OpUpdateMetadata] != 3 || len(tp.Ops) != 5 {
		t.Fatalf("targeted ops %v, want the group, web's create and its 3 metadata writes", kinds)
	}
	for _, c := range tp.Changes {
		if c.Set == "db" {
			t.Fatalf("db's change %s is in a plan targeted at web", c.Name)
		}
	}
	if tp.Summary.Add != 4 || tp.Destroys() != 0 || !strings.Contains(strings.Join(tp.Warnings, "\n"), "targeted at server set(s) web") {
		t.Fatalf("summary %s, warnings %v", tp.Summary, tp.Warnings)
	}
	if len(p.Ops) == len(tp.Ops) {
		t.Fatal("the original plan was changed")
	}
	_, err = p.Target([]string{"wbe"})
	if err == nil || !strings.Contains(err.Error(), "it changes: db, web") {
		t.Fatalf("unknown set: err = %v", err)
	}
}
