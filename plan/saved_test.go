package plan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs"
)

func TestSavedPlanRoundTrip(t *testing.T) {
	cl := newCloud(t)
	f := loadFleet(t, "fleet.yaml", baseFleet)
	p := cl.plan(t, f)
	path := filepath.Join(t.TempDir(), "plan.bin")
	if err := WriteSaved(path, p); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("saved plan mode %v, want 0600", st.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "Sim-Passw0rd") {
		t.Fatal("the saved plan holds the admin password")
	}
	got, err := ReadSaved(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Fatal("the plan read back differs from the plan written")
	}
}

func TestSavedPlanDamaged(t *testing.T) {
	cl := newCloud(t)
	p := cl.plan(t, loadFleet(t, "fleet.yaml", baseFleet))
	dir := t.TempDir()
	good := filepath.Join(dir, "good.bin")
	if err := WriteSaved(good, p); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(good)
	cases := map[string]struct {
		data []byte
		want string
	}{
		"truncated":   {data[:len(data)/2], "truncated"},
		"edited":      {[]byte(strings.Replace(string(data), `"count":3`, `"count":4`, 1)), "checksum"},
		"not json":    {[]byte("hello"), "not JSON"},
		"foreign":     {[]byte(`{"format_version":"1"}`), "no ecsfleet_saved_plan header"},
		"new version": {[]byte(`{"ecsfleet_saved_plan":"9","sha256":"","plan":{}}`), `format "9"`},
		"empty":       {nil, "not JSON"},
		"appended":    {append(append([]byte(nil), data...), "x\n"...), "more after the plan"},
	}
	if !strings.Contains(string(data), `"count":3`) {
		t.Fatal(`the fixture has no "count":3 to edit`)
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := ReadSaved(path)
			var se *SavedError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *SavedError", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "ecsfleet plan -f FLEET_FILE -out") {
				t.Fatalf("err = %q, want it to say %q and how to fix it", err, tc.want)
			}
		})
	}
}

func TestStale(t *testing.T) {
	ctx := context.Background()
	cl := newCloud(t)
	f := loadFleet(t, "fleet.yaml", baseFleet)
	cl.execute(t, f, cl.plan(t, f))
	f2 := loadFleet(t, "fleet.yaml", variant(t, "count: 3 => count: 4"))
	p := cl.plan(t, f2)

	fresh := func() *Snapshot {
		s, err := ReadSnapshot(ctx, cl.c, f2)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if err := Stale(p, f2, fresh()); err != nil {
		t.Fatalf("nothing changed, yet: %v", err)
	}
	// Out of band: web-0002 is resized and a tag is added to db.
	web2 := serverByName(t, cl, "web-0002")
	stop(t, cl, web2.ID)
	jr, err := cl.c.ResizeServers(ctx, []ecs.BatchResizeItem{{ServerID: web2.ID, FlavorRef: "c6.large.2"}})
	if err != nil {
		t.Fatal(err)
	}
	waitJob(t, cl, jr.JobID)
	err = Stale(p, f2, fresh())
	if !errors.Is(err, ErrStale) || !strings.Contains(err.Error(), "web-0002 changed flavor, status since the plan was made") {
		t.Fatalf("err = %v", err)
	}
	// A member the plan creates appears.
	f3 := loadFleet(t, "fleet.yaml", variant(t, "count: 3 => count: 5"))
	p3 := cl.plan(t, f3)
	cl.execute(t, f2, createOnly(cl.plan(t, f2)))
	err = Stale(p3, f3, fresh())
	if err == nil || !strings.Contains(err.Error(), "web-0004") || !strings.Contains(err.Error(), "appeared since the plan was made") {
		t.Fatalf("err = %v", err)
	}
}

func stop(t *testing.T, cl *cloud, id string) {
	t.Helper()
	if err := cl.c.StopServer(context.Background(), id, ""); err != nil {
		t.Fatal(err)
	}
	for range 200 {
		s, err := cl.c.GetServer(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if s.Status == ecs.StatusShutoff {
			return
		}
	}
	t.Fatal("server did not stop")
}

// TestPlanWithoutAZ: availability_zone is optional in the language (the
// cloud picks one); the plan must not call "" an unknown zone.
func TestPlanWithoutAZ(t *testing.T) {
	cl := newCloud(t)
	f := loadFleet(t, "fleet.yaml", strings.Replace(baseFleet, "  availability_zone: az1.dc1\n", "", 1))
	p := cl.plan(t, f)
	if p.Summary.Add != 6 {
		t.Fatalf("summary %s", p.Summary)
	}
}
