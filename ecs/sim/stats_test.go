package sim

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestStatsOverHTTP(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.AdminToken = "adm1n" })
	ts.do("GET", ts.v1("/cloudservers/limits"), nil)
	ts.do("GET", ts.v1("/cloudservers/limits"), nil)
	ts.do("GET", ts.v1("/cloudservers/nope-nope/x"), nil)
	resp := ts.raw("GET", "/_sim/stats", nil, nil) // httptest listens on loopback
	b := decodeBody(t, resp)
	found := false
	for _, e := range b["endpoints"].([]any) {
		m := e.(map[string]any)
		if m["pattern"] == "GET /v1/{tenant_id}/cloudservers/limits" {
			found = m["count"].(float64) == 2 && m["status"].(map[string]any)["200"].(float64) == 2
		}
	}
	if resp.StatusCode != 200 || !found {
		t.Fatalf("stats: %d %v", resp.StatusCode, b)
	}
	if r := ts.raw("POST", "/_sim/stats/reset", nil, nil); r.StatusCode != 204 || len(ts.sim.Stats()) != 1 {
		t.Fatalf("reset: %d, %d endpoints left (only the reset call itself)", r.StatusCode, len(ts.sim.Stats()))
	}

	// From a non-loopback address the admin token is required.
	req := httptest.NewRequest("GET", "/_sim/stats", nil)
	req.RemoteAddr = "192.0.2.7:5555"
	rec := httptest.NewRecorder()
	ts.sim.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("remote without token: %d", rec.Code)
	}
	req.Header.Set("X-Sim-Admin-Token", "adm1n")
	rec = httptest.NewRecorder()
	ts.sim.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("remote with token: %d", rec.Code)
	}
}

func TestLoadConfigYAML(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/sim.yaml"
	writeFile(t, path, "seed: 9\ntime_scale: 500\ncapacity: 4\ndurations:\n  createServer: 30s\nquotas:\n  instances: 7\n")
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Seed != 9 || cfg.TimeScale != 500 || cfg.Capacity != 4 || cfg.Quotas.Instances != 7 || cfg.Durations[OpCreateServer].Seconds() != 30 {
		t.Fatalf("loaded %+v", cfg)
	}
	if len(cfg.Catalogue.Flavors) != 6 {
		t.Fatal("defaults not kept for fields the file does not name")
	}
	writeFile(t, path, "seeed: 9\n")
	if _, err := LoadConfig(path); err == nil {
		t.Fatal("a misspelt key must be an error")
	}
}

func TestNewTestServerForOtherPackages(t *testing.T) {
	hs := NewTestServer(t, func(c *Config) { c.Seed = 3 })
	resp, err := http.Get(hs.URL + "/_sim/stats")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("stats over a real listener: %v %v", err, resp)
	}
	resp.Body.Close()
	if hs.ProjectID != DefaultProjectID || hs.AK != DefaultAK || hs.Sim.Config().Seed != 3 || hs.Sim.Config().TimeScale != 10000 {
		t.Fatalf("server info: project %s, seed %d", hs.ProjectID, hs.Sim.Config().Seed)
	}
}
