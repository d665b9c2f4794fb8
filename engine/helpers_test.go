package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
	"github.com/ecsfleet/ecsfleet/plan"
	"github.com/ecsfleet/ecsfleet/spec"
)

// cloud is a simulator on a local port and a real client for it, with an
// engine whose clock matches the simulator's.
type cloud struct {
	hs  *sim.HTTPServer
	c   *ecs.Client
	eng *Engine
	dir string
	// imported is what an import chose (plan.Options.Imported).
	imported map[string]string

	mu     sync.Mutex
	events []Event
}

func newCloud(t testing.TB, opts ...func(*sim.Config)) *cloud {
	t.Helper()
	hs := sim.NewTestServer(t, opts...)
	cl := &cloud{hs: hs, dir: t.TempDir()}
	cl.eng = New(Options{TimeScale: hs.Sim.Config().TimeScale, RetryBase: time.Millisecond, Dir: cl.dir,
		Rates:  Rates{Reads: 5000, Writes: 5000, Polls: 5000},
		Events: func(ev Event) { cl.mu.Lock(); cl.events = append(cl.events, ev); cl.mu.Unlock() }})
	cl.c = cl.clientWithHook(t)
	return cl
}

// clientWithHook is a client of the simulator that reports its retries to
// the cloud's engine, as the CLI wires it.
func (cl *cloud) clientWithHook(t testing.TB) *ecs.Client {
	t.Helper()
	return cl.clientFor(t, cl.eng)
}

// clientFor is a client of the simulator that reports its retries to eng.
func (cl *cloud) clientFor(t testing.TB, eng *Engine) *ecs.Client {
	t.Helper()
	hs := cl.hs
	c, err := ecs.New(ecs.Config{Endpoint: hs.URL, ProjectID: hs.ProjectID, AccessKey: hs.AK, SecretKey: hs.SK,
		Retry: ecs.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}, OnRetry: eng.OnRetry})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testLookup(string) (string, bool) { return "Sim-Passw0rd!x", true }

// loadFleet parses a fleet from YAML text.
func loadFleet(t testing.TB, src string) *spec.Fleet {
	t.Helper()
	f, diags := spec.Parse("fleet.yaml", []byte(src), spec.LoadOptions{LookupEnv: testLookup})
	if diags.HasErrors() {
		t.Fatalf("fleet: %v", diags)
	}
	return f
}

// loadExample loads a fleet file of examples/.
func loadExample(t testing.TB, name string) *spec.Fleet {
	t.Helper()
	f, diags := spec.Load(filepath.Join("..", "examples", name), spec.LoadOptions{LookupEnv: testLookup})
	if diags.HasErrors() {
		t.Fatalf("%s: %v", name, diags)
	}
	return f
}

func (cl *cloud) plan(t testing.TB, f *spec.Fleet) *plan.Plan {
	t.Helper()
	p, err := plan.Make(context.Background(), cl.c, f, plan.Options{FleetHash: "test", Imported: cl.imported})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return p
}

// apply plans and applies the fleet, with the fleet's secrets.
func (cl *cloud) apply(t testing.TB, f *spec.Fleet) *Result {
	t.Helper()
	p := cl.plan(t, f)
	cl.eng.o.Fleet = f
	res, err := cl.eng.Apply(context.Background(), cl.c, p)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	return res
}

// writes counts the mutating calls the simulator has served.
func (cl *cloud) writes() int {
	n := 0
	for _, e := range cl.hs.Sim.Stats() {
		if !strings.HasPrefix(e.Pattern, "GET ") && !strings.Contains(e.Pattern, "/v3/auth/tokens") {
			n += e.Count
		}
	}
	return n
}

// servers lists every server of the project.
func (cl *cloud) servers(t testing.TB) []ecs.Server {
	t.Helper()
	ss, err := cl.c.ListServersDetailAll(context.Background(), ecs.ListServersOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

// mustConverge asserts the run did everything and the next plan is empty.
func (cl *cloud) mustConverge(t testing.TB, f *spec.Fleet, res *Result) {
	t.Helper()
	if !res.OK() {
		for _, o := range res.Ops {
			if o.Status != StatusDone {
				t.Errorf("%s %s: %s %s %v %s", o.ID, o.Kind, o.Status, o.Error, o.Failures, o.BlockedBy)
			}
		}
		t.Fatalf("run not OK: %+v", res.Counts)
	}
	if p := cl.plan(t, f); !p.Empty() {
		var b strings.Builder
		_ = plan.RenderText(&b, p, plan.TextOptions{})
		t.Fatalf("the plan after apply is not empty:\n%s", b.String())
	}
}

func exists(path string) bool { _, err := os.Stat(path); return err == nil }
