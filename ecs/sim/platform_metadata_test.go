package sim

import (
	"net/http"
	"testing"
)

// Every 5.2.4/5.2.5 example carries 14 metadata keys the platform writes;
// the simulator's detail carries the same set (the watchdog keys only when
// create set them, being create's own table 5-18 keys), and 5.9.1's answer
// includes the system keys its example shows.
func TestDetailCarriesDocumentedPlatformMetadata(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	st, body := ts.do("GET", ts.v1("/cloudservers/"+id), nil)
	if st != http.StatusOK {
		t.Fatalf("GET: %d", st)
	}
	got := body["server"].(map[string]any)["metadata"].(map[string]any)
	for _, sec := range []string{"5.2.4", "5.2.5"} {
		ex := referenceExample(t, sec, "response-1.json")
		var md map[string]any
		if s, ok := ex["server"].(map[string]any); ok {
			md = s["metadata"].(map[string]any)
		} else {
			md = ex["servers"].([]any)[0].(map[string]any)["metadata"].(map[string]any)
		}
		for k := range md {
			if k == "__instance_vwatchdog" || k == "hw_watchdog_action" {
				continue
			}
			if _, ok := got[k]; !ok {
				t.Errorf("detail metadata lacks %s (in the %s example)", k, sec)
			}
		}
	}
	st, body = ts.do("POST", ts.v1("/cloudservers/"+id+"/metadata"), map[string]any{"metadata": map[string]any{"key_bb": "v"}})
	if st != http.StatusOK {
		t.Fatalf("5.9.1: %d %v", st, body)
	}
	md := body["metadata"].(map[string]any)
	for _, k := range []string{"key_bb", "_ha_policy_type", "cascaded.instance_extrainfo", "productId", "server_expiry"} {
		if _, ok := md[k]; !ok {
			t.Errorf("5.9.1 answer lacks %s: %v", k, md)
		}
	}
}
