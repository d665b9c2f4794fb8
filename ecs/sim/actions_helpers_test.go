package sim

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Test helpers of the server-action endpoints (NICs, volumes, resize,
// power, OS change; helpers prefixed xa). Requests go over real HTTP (testSim.do);
// the state is only read directly to check what a request did, or seeded
// for setups the API cannot reach quickly (a server with 59 data disks).

// xaFixture loads the reference's request example file (relative to
// testdata/reference) as a generic JSON value to be filled with ids that
// exist in the simulator.
func xaFixture(t *testing.T, file string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, file))
	if err != nil {
		t.Fatalf("fixture %s: %v", file, err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("fixture %s: %v", file, err)
	}
	return m
}

// xaServer returns a copy of a server's state (nil when gone).
func xaServer(ts *testSim, id string) *Server {
	ts.t.Helper()
	var out *Server
	_ = ts.sim.withLock(func() error {
		p := ts.sim.project(ts.pid)
		ts.sim.advance(p, ts.sim.simNow())
		if s := p.Servers[id]; s != nil {
			cp := *s
			cp.NICs = append([]NIC(nil), s.NICs...)
			cp.Volumes = append([]Attach(nil), s.Volumes...)
			out = &cp
		}
		return nil
	})
	return out
}

// xaVol returns a copy of a volume's state (nil when gone).
func xaVol(ts *testSim, id string) *Volume {
	ts.t.Helper()
	var out *Volume
	_ = ts.sim.withLock(func() error {
		p := ts.sim.project(ts.pid)
		ts.sim.advance(p, ts.sim.simNow())
		if v := p.Volumes[id]; v != nil {
			cp := *v
			cp.Attachments = append([]VolumeAttachment(nil), v.Attachments...)
			out = &cp
		}
		return nil
	})
	return out
}

// xaSettle steps simulated time far enough for every accepted job to end.
func xaSettle(ts *testSim) { ts.clock.Advance(30 * time.Minute) }

// xaJob posts and expects 200 {"job_id"}; it returns the final job body.
func xaJob(t *testing.T, ts *testSim, method, path string, body any) map[string]any {
	t.Helper()
	st, resp := ts.do(method, path, body)
	if st != http.StatusOK {
		t.Fatalf("%s %s: status %d %v", method, path, st, resp)
	}
	id, _ := resp["job_id"].(string)
	if id == "" {
		t.Fatalf("%s %s: no job_id in %v", method, path, resp)
	}
	return ts.waitJob(id)
}

// xaSubJobs returns the job's entities.sub_jobs.
func xaSubJobs(t *testing.T, job map[string]any) []map[string]any {
	t.Helper()
	ents, _ := job["entities"].(map[string]any)
	list, _ := ents["sub_jobs"].([]any)
	var out []map[string]any
	for _, x := range list {
		out = append(out, x.(map[string]any))
	}
	return out
}

// xaAction posts {key: value} to the action URI under prefix (v2 or v2.1).
func xaAction(ts *testSim, prefix, serverID, key string, value any) (int, map[string]any) {
	return ts.do("POST", "/"+prefix+"/"+ts.pid+"/servers/"+serverID+"/action", map[string]any{key: value})
}

// xaNewVolume creates a volume over 5.8.10 and waits until it is available.
func xaNewVolume(t *testing.T, ts *testSim, size int, shared bool) string {
	t.Helper()
	// A shared volume is the storage service's to create (5.8.10 has no
	// field for it); an unshared one goes through 5.8.10.
	path, name, want := "/v2.1/"+ts.pid+"/os-volumes", "display_name", http.StatusOK
	if shared {
		path, name, want = "/v2/"+ts.pid+"/volumes", "name", http.StatusAccepted
	}
	vol := map[string]any{"availability_zone": "az1.dc1", "size": size, "volume_type": "SSD", name: "data"}
	if shared {
		vol["multiattach"] = true
	}
	st, body := ts.do("POST", path, map[string]any{"volume": vol})
	if st != want {
		t.Fatalf("create volume: %d %v", st, body)
	}
	id := body["volume"].(map[string]any)["id"].(string)
	xaSettle(ts)
	if v := xaVol(ts, id); v == nil || v.Status != "available" {
		t.Fatalf("volume %s not available: %+v", id, v)
	}
	return id
}

// xaStopped creates n SHUTOFF servers.
func xaStopped(ts *testSim, n int) []string {
	return ts.createServers(n, func(_ int, s *Server) {
		s.Status, s.VMState, s.PowerState = StatusShutoff, "stopped", PowerShutdown
	})
}
