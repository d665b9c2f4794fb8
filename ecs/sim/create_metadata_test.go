package sim

import (
	"net/http"
	"strings"
	"testing"
)

// TestCreateMetadataOnlyTable518 checks 5.2.1's metadata rule: the field
// does not yet support user-written data (table 5-7) and takes only the
// keys of table 5-18. A user key is refused (400, naming the key, the rule
// and 5.9) and nothing is created; each table 5-18 key with a documented
// value is accepted and kept, admin_pass is consumed and never stored, and
// an empty object is fine. User metadata written after create with 5.9.1
// is kept.
func TestCreateMetadataOnlyTable518(t *testing.T) {
	ts := newTestSim(t)
	path := "/v1.1/" + ts.pid + "/cloudservers"

	for name, md := range map[string]map[string]any{
		"a user key":                  {"ecsfleet:member": "web/0"},
		"a user key beside 5-18 keys": {"_ha_policy_type": "close", "role": "web"},
		"a system-looking key":        {"__sys": "x"},
	} {
		st, body := ts.do("POST", path, createBody(1, func(s map[string]any) { s["metadata"] = md }))
		wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)
		msg := body["error"].(map[string]any)["message"].(string)
		var key string
		for k := range md {
			if _, ok := createMetadataValues[k]; !ok {
				key = k
			}
		}
		for _, want := range []string{`"` + key + `"`, "user-written data", "table 5-18", "admin_pass, hw_watchdog_action, __instance_vwatchdog, _ha_policy_type", "5.9.1"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: message %q does not name %q", name, msg, want)
			}
		}
	}
	if n := len(ts.sim.project(ts.pid).Servers); n != 0 {
		t.Fatalf("refused creates left %d servers", n)
	}

	job := ts.create(1, func(s map[string]any) {
		s["metadata"] = map[string]any{
			"admin_pass": "Lnx-Passw0rd!", "hw_watchdog_action": "reset",
			"__instance_vwatchdog": "true", "_ha_policy_type": "remote_rebuild",
		}
	})
	_, jb := ts.do("GET", ts.v1("/jobs/"+job), nil)
	id := subServerIDs(jb)[0]
	srv := ts.sim.project(ts.pid).Servers[id]
	if srv.Metadata["admin_pass"] != "" || !srv.AdminPasswordSet || len(srv.Metadata) != 3 ||
		srv.Metadata["hw_watchdog_action"] != "reset" || srv.Metadata["__instance_vwatchdog"] != "true" || srv.Metadata["_ha_policy_type"] != "remote_rebuild" {
		t.Fatalf("table 5-18 keys at create: metadata %v, password set %v", srv.Metadata, srv.AdminPasswordSet)
	}

	empty := ts.create(1, func(s map[string]any) { s["metadata"] = map[string]any{} })
	_, jb = ts.do("GET", ts.v1("/jobs/"+empty), nil)
	if md := ts.sim.project(ts.pid).Servers[subServerIDs(jb)[0]].Metadata; len(md) != 0 {
		t.Fatalf("empty metadata at create: %v", md)
	}

	// The way to user metadata: 5.9.1 after create.
	ts.waitJob(job)
	st, body := ts.do("POST", ts.v1("/cloudservers/"+id+"/metadata"), map[string]any{"metadata": map[string]string{"ecsfleet:member": "web/0"}})
	if st != http.StatusOK || body["metadata"].(map[string]any)["ecsfleet:member"] != "web/0" {
		t.Fatalf("5.9.1 after create: %d %v", st, body)
	}
}
