package plan

import (
	"strings"
	"testing"
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
