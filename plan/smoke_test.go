package plan

import (
	"os"
	"testing"
)

func TestSmokeQuickstart(t *testing.T) {
	cl := newCloud(t)
	src, _ := os.ReadFile("../examples/quickstart.yaml")
	f := loadFleet(t, "../examples/quickstart.yaml", string(src))
	p := cl.plan(t, f)
	for _, op := range p.Ops {
		t.Logf("%s %s %v deps=%v why=%s", op.ID, op.Kind, op.Targets, op.DependsOn, op.Why)
	}
	t.Logf("summary %+v est %+v", p.Summary, p.Estimate)
	cl.execute(t, f, p)
	p2 := cl.plan(t, f)
	for _, c := range p2.Changes {
		t.Logf("after: %+v", c)
	}
	if !p2.Empty() {
		t.Fatalf("second plan not empty: %d ops", len(p2.Ops))
	}
}
