package sim

import (
	"net/http"
	"testing"
)

// 5.8.7 and 5.8.8 have no tenant in the path; the caller's project comes
// from the token. They coexist with the /v2.1/{tenant_id}/servers routes.
func TestTenantlessBlockDevice(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	srv := ts.sim.project(ts.pid).Servers[id]
	boot := srv.Volumes[0].VolumeID

	st, body := ts.do("GET", "/v2.1/servers/"+id+"/block_device", nil)
	if st != http.StatusOK {
		t.Fatalf("5.8.7: %d %v", st, body)
	}
	list := body["volumeAttachment"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["volumeId"] != boot || list[0].(map[string]any)["serverId"] != id {
		t.Fatalf("5.8.7 disks: %v", body)
	}
	st, body = ts.do("GET", "/v2.1/servers/"+id+"/block_device/"+boot, nil)
	if st != http.StatusOK || body["volumeAttachment"].(map[string]any)["device"] != "/dev/vda" {
		t.Fatalf("5.8.8: %d %v", st, body)
	}
	st, body = ts.do("GET", "/v2.1/servers/"+id+"/block_device/00000000-0000-4000-8000-000000000000", nil)
	wantErr(t, st, body, http.StatusNotFound, "itemNotFound")
	st, body = ts.do("GET", "/v2.1/servers/00000000-0000-4000-8000-000000000000/block_device", nil)
	wantErr(t, st, body, http.StatusNotFound, "itemNotFound")

	// Authentication applies as everywhere.
	resp := ts.raw("GET", "/v2.1/servers/"+id+"/block_device", nil, nil)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("no token: %d", resp.StatusCode)
	}
	// The tenant routes and the JSON 404 for unknown paths are unchanged.
	if st, _ := ts.do("GET", "/v2.1/"+ts.pid+"/servers/"+id, nil); st != http.StatusOK {
		t.Fatalf("tenant route: %d", st)
	}
	if st, _ := ts.do("GET", "/v2.1/servers/"+id+"/nothing", nil); st != http.StatusNotFound {
		t.Fatalf("unknown tenant-less path: %d", st)
	}
}
