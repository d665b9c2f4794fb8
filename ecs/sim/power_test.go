package sim

import (
	"net/http"
	"testing"
	"time"
)

func TestStopStartReboot(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	act := "/v2.1/" + ts.pid + "/servers/" + id + "/action"

	// Starting an ACTIVE server: 409 (5.28.2).
	st, body := ts.do("POST", act, xaFixture(t, "5.28.2/request-1.json"))
	wantErr(t, st, body, http.StatusConflict, "conflictingRequest")

	// The reference's os-stop example: 204 (5.28's normal success; 202 is
	// its "busy, delayed" case), no body, powering-off, then SHUTOFF.
	st, body = ts.do("POST", act, xaFixture(t, "5.28.1/request-1.json"))
	if st != http.StatusNoContent || body != nil {
		t.Fatalf("os-stop: %d %v", st, body)
	}
	if s := xaServer(ts, id); s.TaskState != TaskPoweringOff || s.Status != StatusActive {
		t.Fatalf("right after os-stop: %s %q", s.Status, s.TaskState)
	}
	// A second stop while the first runs conflicts.
	st, body = ts.do("POST", act, map[string]any{"os-stop": map[string]any{"type": "HARD"}})
	wantErr(t, st, body, http.StatusConflict, "conflictingRequest")
	xaSettle(ts)
	if s := xaServer(ts, id); s.Status != StatusShutoff || s.PowerState != PowerShutdown || s.TaskState != TaskNone {
		t.Fatalf("after os-stop: %s %d %q", s.Status, s.PowerState, s.TaskState)
	}
	// Stopping a SHUTOFF server: 409 (5.28.1); a soft reboot needs it running.
	st, body = ts.do("POST", act, map[string]any{"os-stop": map[string]any{}})
	wantErr(t, st, body, http.StatusConflict, "conflictingRequest")
	st, body = ts.do("POST", act, map[string]any{"reboot": map[string]any{"type": "SOFT"}})
	wantErr(t, st, body, http.StatusConflict, "conflictingRequest")

	// os-start, chapter 4's /v2/ prefix, with os-start typed String (null accepted).
	st, _ = ts.do("POST", "/v2/"+ts.pid+"/servers/"+id+"/action", `{"os-start": null}`)
	if st != http.StatusNoContent {
		t.Fatalf("os-start: %d", st)
	}
	xaSettle(ts)
	if s := xaServer(ts, id); s.Status != StatusActive || s.PowerState != PowerRunning {
		t.Fatalf("after os-start: %s %d", s.Status, s.PowerState)
	}

	// reboot: type is required and SOFT or HARD; REBOOT while it runs.
	st, body = ts.do("POST", act, map[string]any{"reboot": map[string]any{}})
	wantErr(t, st, body, http.StatusBadRequest, "badRequest")
	st, body = ts.do("POST", act, map[string]any{"reboot": map[string]any{"type": "WARM"}})
	wantErr(t, st, body, http.StatusBadRequest, "badRequest")
	st, body = ts.do("POST", act, map[string]any{"os-stop": map[string]any{"type": "soft"}})
	wantErr(t, st, body, http.StatusBadRequest, "badRequest")
	if st, _ := ts.do("POST", act, xaFixture(t, "5.28.3/request-1.json")); st != http.StatusNoContent {
		t.Fatalf("reboot: %d", st)
	}
	ts.clock.Advance(time.Second)
	if s := xaServer(ts, id); s.Status != StatusReboot {
		t.Fatalf("while rebooting: %s", s.Status)
	}
	xaSettle(ts)
	if s := xaServer(ts, id); s.Status != StatusActive {
		t.Fatalf("after reboot: %s", s.Status)
	}
}

func TestLockRefusesChanges(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	act := "/v2.1/" + ts.pid + "/servers/" + id + "/action"
	if st, body := ts.do("POST", act, xaFixture(t, "5.25.2/request-1.json")); st != http.StatusAccepted || body != nil {
		t.Fatalf("lock: %d %v", st, body)
	}
	if !xaServer(ts, id).Locked {
		t.Fatal("not locked")
	}
	// Every change to a locked server is refused (5.25.2).
	st, body := ts.do("POST", act, map[string]any{"os-stop": map[string]any{}})
	wantErr(t, st, body, http.StatusConflict, "conflictingRequest")
	st, body = ts.do("POST", "/v1.1/"+ts.pid+"/cloudservers/"+id+"/resize", map[string]any{"resize": map[string]any{"flavorRef": "c6.xlarge.2", "mode": "withStopServer"}})
	wantErr(t, st, body, http.StatusConflict, CodeLocked)
	st, body = ts.do("POST", ts.v1("/cloudservers/"+id+"/nics/delete"), map[string]any{"nics": []any{map[string]any{"id": "x"}}})
	wantErr(t, st, body, http.StatusConflict, CodeLocked)
	// Locking again is harmless; unlock re-opens the server.
	if st, _ := ts.do("POST", act, map[string]any{"lock": map[string]any{}}); st != http.StatusAccepted {
		t.Fatalf("second lock: %d", st)
	}
	if st, _ := ts.do("POST", act, xaFixture(t, "5.25.1/request-1.json")); st != http.StatusAccepted {
		t.Fatalf("unlock: %d", st)
	}
	if st, body := ts.do("POST", act, map[string]any{"os-stop": map[string]any{}}); st != http.StatusNoContent {
		t.Fatalf("stop after unlock: %d %v", st, body)
	}
}

func TestActionDispatcherRefusals(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	act := "/v2.1/" + ts.pid + "/servers/" + id + "/action"
	for name, body := range map[string]any{
		"unknown action":   map[string]any{"os-hibernate": map[string]any{}},
		"two actions":      map[string]any{"lock": map[string]any{}, "unlock": map[string]any{}},
		"no action":        map[string]any{},
		"not an object":    `["os-start"]`,
		"lock with fields": map[string]any{"lock": map[string]any{"reason": "x"}},
	} {
		t.Run(name, func(t *testing.T) {
			st, resp := ts.do("POST", act, body)
			wantErr(t, st, resp, http.StatusBadRequest, "badRequest")
		})
	}
	st, body := ts.do("POST", "/v2.1/"+ts.pid+"/servers/00000000-0000-4000-8000-000000000000/action", map[string]any{"os-start": map[string]any{}})
	wantErr(t, st, body, http.StatusNotFound, "itemNotFound")
}

func TestPowerFailureRestoresStatus(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.Faults.SubJobFail = 1 })
	id := ts.createServers(1, nil)[0]
	if st, _ := xaAction(ts, "v2.1", id, "os-stop", map[string]any{}); st != http.StatusNoContent {
		t.Fatalf("os-stop: %d", st)
	}
	xaSettle(ts)
	if s := xaServer(ts, id); s.Status != StatusActive || s.TaskState != TaskNone || s.Fault == "" {
		t.Fatalf("after a failed stop: %s %q fault %q", s.Status, s.TaskState, s.Fault)
	}
}
