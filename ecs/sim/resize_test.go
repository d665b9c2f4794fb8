package sim

import (
	"net/http"
	"testing"
	"time"
)

func TestResizeOfflineNeedsStoppedServer(t *testing.T) {
	ts := newTestSim(t)
	running := ts.createServers(1, nil)[0]
	stopped := xaStopped(ts, 1)[0]
	// The reference's example (5.21.1) with a flavor that exists.
	req := xaFixture(t, "5.21.1/request-1.json")
	req["resize"].(map[string]any)["flavorRef"] = "c6.xlarge.2"

	// 5.21.1 is an offline resize: a running server is refused (no 409 is documented: 400).
	st, body := ts.do("POST", "/v1.1/"+ts.pid+"/cloudservers/"+running+"/resize", req)
	wantErr(t, st, body, http.StatusBadRequest, CodeState)

	job := xaJob(t, ts, "POST", "/v1.1/"+ts.pid+"/cloudservers/"+stopped+"/resize", req)
	if job["status"] != JobSuccess {
		t.Fatalf("job %v", job)
	}
	srv := xaServer(ts, stopped)
	if srv.FlavorID != "c6.xlarge.2" || srv.Status != StatusShutoff {
		t.Fatalf("after offline resize: flavor %s status %s", srv.FlavorID, srv.Status)
	}
}

func TestResizeWithStopServerMode(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	// C9: what the production client sends for a running server.
	req := map[string]any{"resize": map[string]any{"flavorRef": "m6.large.8", "mode": "withStopServer",
		"extendparam": map[string]any{"isAutoPay": "true"}}}
	st, body := ts.do("POST", "/v1.1/"+ts.pid+"/cloudservers/"+id+"/resize", req)
	if st != http.StatusOK || body["job_id"] == nil {
		t.Fatalf("resize: %d %v", st, body)
	}
	// A second change while the first is accepted is refused.
	st2, body2 := xaAction(ts, "v2.1", id, "os-stop", map[string]any{})
	wantErr(t, st2, body2, http.StatusConflict, "conflictingRequest")
	ts.clock.Advance(time.Second)
	if s := xaServer(ts, id); s.Status != StatusResize {
		t.Fatalf("while resizing the server is %s", s.Status)
	}
	ts.waitJob(body["job_id"].(string))
	srv := xaServer(ts, id)
	if srv.FlavorID != "m6.large.8" || srv.Status != StatusActive || srv.PowerState != PowerRunning {
		t.Fatalf("after resize: %s %s %d; want the new flavor and the power state restored", srv.FlavorID, srv.Status, srv.PowerState)
	}
	st, body = ts.do("POST", "/v1.1/"+ts.pid+"/cloudservers/"+id+"/resize", map[string]any{"resize": map[string]any{"flavorRef": "c6.large.2", "mode": "fast"}})
	wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)
}

func TestResizeFlavorRulesAndQuota(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.Quotas.Cores = 5 })
	id := xaStopped(ts, 1)[0] // c6.large.2: 2 vCPUs
	path := "/v1.1/" + ts.pid + "/cloudservers/" + id + "/resize"
	resize := func(f string) map[string]any { return map[string]any{"resize": map[string]any{"flavorRef": f}} }
	st, body := ts.do("POST", path, resize("no-such-flavor"))
	wantErr(t, st, body, http.StatusBadRequest, CodeFlavor)
	st, body = ts.do("POST", path, resize("c6.large.2"))
	wantErr(t, st, body, http.StatusBadRequest, CodeSameFlavor)
	// 2 -> 8 vCPUs needs 6 more cores; the quota is 5 in all.
	st, body = ts.do("POST", path, resize("c6.2xlarge.2"))
	wantErr(t, st, body, http.StatusBadRequest, CodeQuota)
	// Shrinking is always within quota.
	if st, body := ts.do("POST", path, resize("s6.small.1")); st != http.StatusOK {
		t.Fatalf("shrink: %d %v", st, body)
	}
	st, body = ts.do("POST", path, map[string]any{})
	wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)
	st, body = ts.do("POST", "/v1.1/"+ts.pid+"/cloudservers/00000000-0000-4000-8000-000000000000/resize", resize("c6.xlarge.2"))
	wantErr(t, st, body, http.StatusNotFound, CodeServerNotFound)
}

func TestLiveResize(t *testing.T) {
	ts := newTestSim(t)
	running := ts.createServers(1, nil)[0]
	stopped := xaStopped(ts, 1)[0]
	req := xaFixture(t, "5.21.2/request-1.json")
	req["live-resize"].(map[string]any)["flavorRef"] = "c6.xlarge.2"
	st, body := ts.do("POST", ts.v1("/cloudservers/"+stopped+"/live-resize"), req)
	wantErr(t, st, body, http.StatusBadRequest, CodeState)
	xaJob(t, ts, "POST", ts.v1("/cloudservers/"+running+"/live-resize"), req)
	if s := xaServer(ts, running); s.FlavorID != "c6.xlarge.2" || s.Status != StatusActive {
		t.Fatalf("after live resize: %s %s", s.FlavorID, s.Status)
	}
}

func TestBatchResize(t *testing.T) {
	ts := newTestSim(t)
	ids := xaStopped(ts, 31)
	items := func(ids []string, flavors ...string) []map[string]any {
		var l []map[string]any
		for i, id := range ids {
			l = append(l, map[string]any{"serverId": id, "flavorRef": flavors[i%len(flavors)]})
		}
		return l
	}
	path := ts.v1("/cloudservers/resize")
	// At most 30 servers per call (5.21.6).
	st, body := ts.do("POST", path, map[string]any{"resize": items(ids, "c6.xlarge.2")})
	wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)
	st, body = ts.do("POST", path, map[string]any{"resize": items([]string{ids[0], ids[0]}, "c6.xlarge.2")})
	wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)
	st, body = ts.do("POST", path, map[string]any{"resize": []any{}})
	wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)
	// One bad item refuses the whole call and changes nothing.
	bad := append(items(ids[:2], "c6.xlarge.2"), map[string]any{"serverId": ids[2], "flavorRef": "nope"})
	st, body = ts.do("POST", path, map[string]any{"resize": bad})
	wantErr(t, st, body, http.StatusBadRequest, CodeFlavor)
	if s := xaServer(ts, ids[0]); s.TaskState != TaskNone {
		t.Fatalf("a refused batch left task %q", s.TaskState)
	}

	// 30 servers, each its own flavor, one sub-job each.
	job := xaJob(t, ts, "POST", path, map[string]any{"resize": items(ids[:30], "c6.xlarge.2", "m6.large.8")})
	if job["status"] != JobSuccess || len(xaSubJobs(t, job)) != 30 {
		t.Fatalf("job %v", job["status"])
	}
	for i, id := range ids[:30] {
		want := []string{"c6.xlarge.2", "m6.large.8"}[i%2]
		if s := xaServer(ts, id); s.FlavorID != want || s.Status != StatusShutoff {
			t.Fatalf("server %d: %s %s, want %s SHUTOFF", i, s.FlavorID, s.Status, want)
		}
	}
	// The reference's example (5.21.6) with real ids.
	req := xaFixture(t, "5.21.6/request-1.json")
	it := req["resize"].([]any)[0].(map[string]any)
	it["serverId"], it["flavorRef"] = ids[30], "c6.xlarge.2"
	xaJob(t, ts, "POST", path, req)
}

func TestBatchLiveResize(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(2, nil)
	stopped := xaStopped(ts, 1)[0]
	path := ts.v1("/cloudservers/live-resize")
	st, body := ts.do("POST", path, map[string]any{"live-resize": []any{map[string]any{"serverId": stopped, "flavorRef": "c6.xlarge.2"}}})
	wantErr(t, st, body, http.StatusBadRequest, CodeState)
	req := xaFixture(t, "5.21.7/request-1.json")
	it := req["live-resize"].([]any)[0].(map[string]any)
	it["serverId"], it["flavorRef"] = ids[0], "c6.xlarge.2"
	req["live-resize"] = append(req["live-resize"].([]any), map[string]any{"serverId": ids[1], "flavorRef": "m6.xlarge.8"})
	job := xaJob(t, ts, "POST", path, req)
	if job["status"] != JobSuccess || len(xaSubJobs(t, job)) != 2 {
		t.Fatalf("job %v", job)
	}
	if s := xaServer(ts, ids[1]); s.FlavorID != "m6.xlarge.8" || s.Status != StatusActive {
		t.Fatalf("after live resize: %s %s", s.FlavorID, s.Status)
	}
}

func TestNovaResizeConfirmRevert(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(2, nil)
	// 5.21.5 with the reference's example, then revert (5.21.4) and confirm (5.21.3).
	req := xaFixture(t, "5.21.5/request-1.json")
	rz := req["resize"].(map[string]any)
	rz["flavorRef"] = "c6.xlarge.2"
	for _, id := range ids {
		st, body := xaAction(ts, "v2.1", id, "resize", rz)
		if st != http.StatusAccepted {
			t.Fatalf("resize action: %d %v", st, body)
		}
	}
	// Confirm before the resize finished: wrong state.
	st, body := ts.do("POST", "/v2.1/"+ts.pid+"/servers/"+ids[0]+"/action", xaFixture(t, "5.21.3/request-1.json"))
	wantErr(t, st, body, http.StatusBadRequest, "badRequest")
	xaSettle(ts)
	for _, id := range ids {
		if s := xaServer(ts, id); s.Status != StatusVerify || s.VMState != "resized" || s.FlavorID != "c6.xlarge.2" || s.PrevFlavorID != "c6.large.2" {
			t.Fatalf("after resize: %s %s %s (previous %q)", s.Status, s.VMState, s.FlavorID, s.PrevFlavorID)
		}
	}
	if st, body := ts.do("POST", "/v2.1/"+ts.pid+"/servers/"+ids[0]+"/action", xaFixture(t, "5.21.3/request-1.json")); st != http.StatusNoContent {
		t.Fatalf("confirm: %d %v", st, body)
	}
	// 5.2.13 spells the empty value null; accepted as well.
	if st, body := ts.do("POST", "/v2.1/"+ts.pid+"/servers/"+ids[1]+"/action", `{"revertResize": null}`); st != http.StatusNoContent {
		t.Fatalf("revert: %d %v", st, body)
	}
	if s := xaServer(ts, ids[0]); s.Status != StatusActive || s.FlavorID != "c6.xlarge.2" {
		t.Fatalf("confirmed: %s %s", s.Status, s.FlavorID)
	}
	if s := xaServer(ts, ids[1]); s.Status != StatusActive || s.FlavorID != "c6.large.2" {
		t.Fatalf("reverted: %s %s", s.Status, s.FlavorID)
	}
	for _, id := range ids {
		if s := xaServer(ts, id); s.PrevFlavorID != "" {
			t.Fatalf("PrevFlavorID %q kept after confirm/revert", s.PrevFlavorID)
		}
	}
}

func TestResizeFailureRestoresServer(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.Faults.SubJobFail = 1 })
	id := ts.createServers(1, nil)[0]
	job := xaJob(t, ts, "POST", "/v1.1/"+ts.pid+"/cloudservers/"+id+"/resize",
		map[string]any{"resize": map[string]any{"flavorRef": "c6.xlarge.2", "mode": "withStopServer"}})
	if job["status"] != JobFail {
		t.Fatalf("want FAIL, got %v", job["status"])
	}
	if s := xaServer(ts, id); s.FlavorID != "c6.large.2" || s.Status != StatusActive || s.TaskState != TaskNone {
		t.Fatalf("after a failed resize: %s %s %q", s.FlavorID, s.Status, s.TaskState)
	}
}

// 5.6.1 and the resize calls share one rule: every flavor resize_flavors
// lists for a server is accepted by 5.21.1, and the one it leaves out (the
// current flavor) is refused.
func TestResizeAcceptsExactlyResizeFlavors(t *testing.T) {
	ts := newTestSim(t)
	ids := xaStopped(ts, len(ts.sim.cfg.Catalogue.Flavors))
	_, b := ts.do("GET", ts.v1("/cloudservers/resize_flavors?instance_uuid="+ids[0]), nil)
	listed := b["flavors"].([]any)
	if len(listed) != len(ids)-1 {
		t.Fatalf("resize_flavors lists %d of %d flavors", len(listed), len(ids))
	}
	for i, f := range listed {
		ref := f.(map[string]any)["id"].(string)
		st, body := ts.do("POST", "/v1.1/"+ts.pid+"/cloudservers/"+ids[i]+"/resize", map[string]any{"resize": map[string]any{"flavorRef": ref}})
		if st != http.StatusOK {
			t.Errorf("listed flavor %s refused: %d %v", ref, st, body)
		}
	}
	last := ids[len(ids)-1]
	st, body := ts.do("POST", "/v1.1/"+ts.pid+"/cloudservers/"+last+"/resize", map[string]any{"resize": map[string]any{"flavorRef": "c6.large.2"}})
	wantErr(t, st, body, http.StatusBadRequest, CodeSameFlavor)
}
