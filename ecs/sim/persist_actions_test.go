package sim

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestActionStateSurvivesAnotherProcess checks that what the server-action endpoints keep
// outside the core types (resize history in sub-job params, volume
// description and metadata) lives in the persisted state: a second
// simulator on the same file confirms a resize the first one ran and
// reads the volume's metadata back, and a change-OS password never
// reaches the file.
func TestActionStateSurvivesAnotherProcess(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cloud.json")
	a := newTestSim(t, func(c *Config) { c.StateFile = file })
	ids := a.createServers(1, nil)
	stopped := xaStopped(a, 1)[0]
	if st, body := xaAction(a, "v2.1", ids[0], "resize", map[string]any{"flavorRef": "c6.xlarge.2"}); st != http.StatusAccepted {
		t.Fatalf("resize: %d %v", st, body)
	}
	st, body := a.do("POST", "/v2/"+a.pid+"/volumes", map[string]any{"volume": map[string]any{
		"availability_zone": "az1.dc1", "size": 8, "volume_type": "SAS", "description": "shared logs",
		"metadata": map[string]any{"owner": "fleet-web"}, "multiattach": true}})
	if st != http.StatusAccepted {
		t.Fatalf("create volume: %d %v", st, body)
	}
	vid := body["volume"].(map[string]any)["id"].(string)
	const secret = "Xy7!kq-Passw0rd"
	if st, body := a.do("POST", "/v2/"+a.pid+"/cloudservers/"+stopped+"/changeos", map[string]any{"os-change": map[string]any{
		"imageid": ImageEulerOS29, "adminpass": secret}}); st != http.StatusOK {
		t.Fatalf("changeos: %d %v", st, body)
	}
	xaSettle(a)

	b := newTestSim(t, func(c *Config) { c.StateFile = file })
	b.clock.Advance(a.clock.Now().Sub(b.clock.Now()))
	if st, body := xaAction(b, "v2.1", ids[0], "revertResize", map[string]any{}); st != http.StatusNoContent {
		t.Fatalf("revert on the second simulator: %d %v", st, body)
	}
	if s := xaServer(b, ids[0]); s.FlavorID != "c6.large.2" || s.Status != StatusActive {
		t.Fatalf("after revert: %s %s", s.FlavorID, s.Status)
	}
	st, body = b.do("GET", "/v2/"+b.pid+"/volumes/"+vid, nil)
	v := body["volume"].(map[string]any)
	if st != http.StatusOK || v["description"] != "shared logs" || v["metadata"].(map[string]any)["owner"] != "fleet-web" || v["multiattach"] != true {
		t.Fatalf("volume on the second simulator: %d %v", st, v)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), secret) {
		t.Fatal("the state file contains the change-OS password")
	}
	if s := xaServer(b, stopped); !s.AdminPasswordSet || s.ImageID != ImageEulerOS29 {
		t.Fatalf("changeos not applied: %+v", s)
	}
}
