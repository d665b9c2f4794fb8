package sim

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestActionReferenceExamplesAccepted sends every valid request example of
// the server-action endpoints (NICs, volumes, resize, power, OS change) (testdata/reference/index.json) to a fresh
// simulator, with the example's placeholder ids replaced by ids that exist,
// and expects the documented success status. A section of ours without a
// preparer below fails the test, so a new example is never skipped
// silently.
func TestActionReferenceExamplesAccepted(t *testing.T) {
	index := loadFixtures(t)
	type env struct {
		ts               *testSim
		running, stopped string
	}
	set := func(m map[string]any, path string, v any) {
		parts := strings.Split(path, ".")
		cur := any(m)
		for _, p := range parts[:len(parts)-1] {
			switch x := cur.(type) {
			case map[string]any:
				cur = x[p]
			case []any:
				cur = x[0]
				if p != "0" {
					cur = x[0].(map[string]any)[p]
				}
			}
		}
		cur.(map[string]any)[parts[len(parts)-1]] = v
	}
	act := func(e env, id string) string { return "/v2.1/" + e.ts.pid + "/servers/" + id + "/action" }
	// Each preparer fills the example and returns method, path and the wanted status.
	preparers := map[string]func(e env, body map[string]any) (string, string, int){
		"5.7.1": func(e env, b map[string]any) (string, string, int) {
			set(b, "nics.0.subnet_id", xaSubnetApp)
			set(b, "nics.0.security_groups.0.id", xaSGWeb)
			return "POST", e.ts.v1("/cloudservers/" + e.running + "/nics"), 200
		},
		"5.7.2": func(e env, b map[string]any) (string, string, int) {
			xaJob(t, e.ts, "POST", e.ts.v1("/cloudservers/"+e.running+"/nics"), map[string]any{"nics": []any{xaNIC(xaSubnetApp, "")}})
			set(b, "nics.0.id", xaServer(e.ts, e.running).NICs[1].PortID)
			return "POST", e.ts.v1("/cloudservers/" + e.running + "/nics/delete"), 200
		},
		"5.8.1": func(e env, b map[string]any) (string, string, int) {
			// The misplaced "response" example is the request body (NOTE 5.8.1).
			vid := xaNewVolume(t, e.ts, 10, true)
			other := e.ts.createServers(1, nil)[0]
			list := b["serverinfo"].([]any)
			list[0].(map[string]any)["server_id"] = e.running
			list[1].(map[string]any)["server_id"] = other
			return "POST", e.ts.v1("/batchaction/attachvolumes/" + vid), 200
		},
		"5.8.2": func(e env, b map[string]any) (string, string, int) {
			set(b, "volumeAttachment.volumeId", xaNewVolume(t, e.ts, 10, false))
			return "POST", e.ts.v1("/cloudservers/" + e.running + "/attachvolume"), 200
		},
		"5.7.4": func(e env, b map[string]any) (string, string, int) {
			ia := b["interfaceAttachment"].(map[string]any)
			if _, ok := ia["net_id"]; ok {
				ia["net_id"] = xaSubnetApp
				set(b, "interfaceAttachment.fixed_ips.0.ip_address", "10.0.2.33")
			}
			return "POST", "/v2.1/" + e.ts.pid + "/servers/" + e.running + "/os-interface", 200
		},
		"4.3.3.5.2": func(e env, b map[string]any) (string, string, int) {
			set(b, "interfaceAttachment.net_id", xaSubnetApp)
			return "POST", "/v2/" + e.ts.pid + "/servers/" + e.running + "/os-interface", 200
		},
		"5.8.14": func(e env, b map[string]any) (string, string, int) {
			set(b, "volumeAttachment.volumeId", xaNewVolume(t, e.ts, 10, false))
			return "POST", "/v2.1/" + e.ts.pid + "/servers/" + e.running + "/os-volume_attachments", 200
		},
		"5.8.10": func(e env, b map[string]any) (string, string, int) {
			return "POST", "/v2.1/" + e.ts.pid + "/os-volumes", 200
		},
		"5.21.1": func(e env, b map[string]any) (string, string, int) {
			set(b, "resize.flavorRef", "c6.xlarge.2")
			return "POST", "/v1.1/" + e.ts.pid + "/cloudservers/" + e.stopped + "/resize", 200
		},
		"5.21.2": func(e env, b map[string]any) (string, string, int) {
			set(b, "live-resize.flavorRef", "c6.xlarge.2")
			return "POST", e.ts.v1("/cloudservers/" + e.running + "/live-resize"), 200
		},
		"5.21.3": func(e env, b map[string]any) (string, string, int) {
			xaAction(e.ts, "v2.1", e.running, "resize", map[string]any{"flavorRef": "c6.xlarge.2"})
			xaSettle(e.ts)
			return "POST", act(e, e.running), 204
		},
		"5.21.5": func(e env, b map[string]any) (string, string, int) {
			set(b, "resize.flavorRef", "c6.xlarge.2")
			return "POST", act(e, e.running), 202
		},
		"5.21.6": func(e env, b map[string]any) (string, string, int) {
			set(b, "resize.0.serverId", e.stopped)
			set(b, "resize.0.flavorRef", "c6.xlarge.2")
			return "POST", e.ts.v1("/cloudservers/resize"), 200
		},
		"5.21.7": func(e env, b map[string]any) (string, string, int) {
			set(b, "live-resize.0.serverId", e.running)
			set(b, "live-resize.0.flavorRef", "c6.xlarge.2")
			return "POST", e.ts.v1("/cloudservers/live-resize"), 200
		},
		"5.25.1": func(e env, b map[string]any) (string, string, int) { return "POST", act(e, e.running), 202 },
		"5.25.2": func(e env, b map[string]any) (string, string, int) { return "POST", act(e, e.running), 202 },
		"5.26.1": func(e env, b map[string]any) (string, string, int) {
			xaKeypair(e.ts, b["os-change"].(map[string]any)["keyname"].(string))
			set(b, "os-change.imageid", ImageUbuntu2204)
			return "POST", "/v2/" + e.ts.pid + "/cloudservers/" + e.stopped + "/changeos", 200
		},
		"5.26.2": func(e env, b map[string]any) (string, string, int) {
			xaKeypair(e.ts, b["os-reinstall"].(map[string]any)["keyname"].(string))
			return "POST", "/v2/" + e.ts.pid + "/cloudservers/" + e.stopped + "/reinstallos", 200
		},
		"5.28.1": func(e env, b map[string]any) (string, string, int) { return "POST", act(e, e.running), 204 },
		"5.28.2": func(e env, b map[string]any) (string, string, int) { return "POST", act(e, e.stopped), 204 },
		"5.28.3": func(e env, b map[string]any) (string, string, int) { return "POST", act(e, e.running), 204 },
		"4.3.3.2.1": func(e env, b map[string]any) (string, string, int) {
			return "POST", "/v2/" + e.ts.pid + "/servers/" + e.stopped + "/action", 204
		},
		"4.3.3.2.2": func(e env, b map[string]any) (string, string, int) {
			return "POST", "/v2/" + e.ts.pid + "/servers/" + e.running + "/action", 204
		},
		"4.3.3.2.3": func(e env, b map[string]any) (string, string, int) {
			return "POST", "/v2/" + e.ts.pid + "/servers/" + e.running + "/action", 204
		},
	}
	preparers["5.21.4"] = preparers["5.21.3"]
	mine := func(section string) bool {
		for _, p := range []string{"5.7.1", "5.7.2", "5.7.4", "5.8.1", "5.8.2", "5.8.10", "5.8.14", "5.21.", "5.25.", "5.26.1", "5.26.2", "5.28.", "4.3.3.2.", "4.3.3.5.2"} {
			if section == p || (strings.HasSuffix(p, ".") && strings.HasPrefix(section, p)) {
				return true
			}
		}
		return false
	}
	seen := 0
	for _, e := range index {
		if !e.Valid || !mine(e.Section) || (e.Kind != "request" && e.Section != "5.8.1") {
			continue
		}
		t.Run(e.Section+"/"+filepath.Base(e.File), func(t *testing.T) {
			prep := preparers[e.Section]
			if prep == nil {
				t.Fatalf("no preparer for our example %s", e.File)
			}
			ts := newTestSim(t)
			en := env{ts: ts, running: ts.createServers(1, nil)[0], stopped: xaStopped(ts, 1)[0]}
			body := xaFixture(t, e.File)
			method, path, want := prep(en, body)
			st, resp := ts.do(method, path, body)
			if st != want {
				t.Fatalf("%s %s: status %d %v, want %d", method, path, st, resp, want)
			}
			if want == http.StatusOK && resp == nil {
				t.Fatalf("a 200 without a body")
			}
		})
		seen++
	}
	if seen < 20 {
		t.Fatalf("only %d of our request examples found in index.json", seen)
	}
}
