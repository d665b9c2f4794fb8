package sim

import (
	"path/filepath"
	"testing"
	"time"
)

// The list order is cached; a server added, removed or re-dated between
// two listings must show in the next one exactly as a fresh sort would.
func TestServersInOrderFollowsChanges(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(5, func(i int, s *Server) { s.Created = s.Created.Add(time.Duration(i) * time.Second) })
	listIDs := func() []string {
		_, b := ts.do("GET", ts.v1("/cloudservers/detail?offset=1"), nil)
		var out []string
		for _, s := range b["servers"].([]any) {
			out = append(out, s.(map[string]any)["id"].(string))
		}
		return out
	}
	if got := listIDs(); len(got) != 5 || got[0] != ids[0] || got[4] != ids[4] {
		t.Fatalf("first listing %v, want %v", got, ids)
	}
	p := ts.sim.project(ts.pid)
	_ = ts.sim.withLock(func() error {
		delete(p.Servers, ids[2])
		p.Servers[ids[0]].Created = p.Servers[ids[4]].Created.Add(time.Second) // now the newest
		return nil
	})
	extra := ts.createServers(1, nil)[0] // created at the clock's start: the oldest now
	got := listIDs()
	want := []string{extra, ids[1], ids[3], ids[4], ids[0]}
	if len(got) != len(want) {
		t.Fatalf("after changes %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("after changes %v, want %v", got, want)
		}
	}
}

// The pending-job index is not persisted: a second process sharing the
// state file rebuilds it and still finishes the first process's job.
func TestPendingJobsSurviveReload(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cloud.json")
	a := newTestSim(t, func(c *Config) { c.StateFile = file })
	id := a.create(2, nil)
	b := newTestSim(t, func(c *Config) { c.StateFile = file; c.Clock = a.clock })
	b.token = a.token
	b.clock = a.clock
	if body := b.waitJob(id); body["status"] != JobSuccess {
		t.Fatalf("job after reload: %v", body["status"])
	}
	if n := len(b.sim.project(b.pid).unfinishedJobs()); n != 0 {
		t.Fatalf("%d jobs still indexed as pending after they finished", n)
	}
	if _, body := a.do("GET", a.v1("/jobs/"+id), nil); body["status"] != JobSuccess {
		t.Fatalf("the first process sees %v", body["status"])
	}
}
