package sim

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// errMessage is the message of a native {"error":{"message","code"}} answer.
func errMessage(body map[string]any) string {
	if e, ok := body["error"].(map[string]any); ok {
		if m, ok := e["message"].(string); ok {
			return m
		}
	}
	return ""
}

// serverCount is how many servers the test project holds.
func serverCount(ts *testSim) int {
	n := 0
	xbWithProject(ts, func(p *ProjectState) { n = len(p.Servers) })
	return n
}

// TestCreateRAMQuota: Config.Quotas.RAM (MB) limits create on its own (cores
// and instances unlimited); the refusal is 400 Ecs.0001 naming RAM, and a
// create that would cross the limit creates nothing (all-or-nothing).
func TestCreateRAMQuota(t *testing.T) {
	ts := newTestSim(t, func(c *Config) {
		c.Quotas.Instances, c.Quotas.Cores = -1, -1
		c.Quotas.RAM = 3 * 4096 // three c6.large.2 (4 GB each)
	})
	ts.create(2, nil)
	st, body := ts.do("POST", "/v1.1/"+ts.pid+"/cloudservers", createBody(2, nil))
	wantErr(t, st, body, http.StatusBadRequest, CodeQuota)
	msg := errMessage(body)
	if !strings.Contains(msg, "ram") || strings.Contains(msg, "cores") || strings.Contains(msg, "instances") {
		t.Fatalf("the refusal should name the RAM quota only: %q", msg)
	}
	if n := serverCount(ts); n != 2 {
		t.Fatalf("a refused create left %d servers, want 2", n)
	}
	// The one that still fits is accepted; then the next is refused.
	ts.create(1, nil)
	st, body = ts.do("POST", "/v1.1/"+ts.pid+"/cloudservers", createBody(1, func(s map[string]any) { s["flavorRef"] = "s6.small.1" }))
	wantErr(t, st, body, http.StatusBadRequest, CodeQuota)
	_, lim := ts.do("GET", ts.v1("/cloudservers/limits"), nil)
	abs := lim["absolute"].(map[string]any)
	if abs["totalRAMUsed"] != float64(3*4096) || abs["maxTotalRAMSize"] != float64(3*4096) {
		t.Fatalf("limits: %v", abs)
	}
}

// TestCreateCoresQuotaNamesCores: the cores refusal names cores (the count
// behaviour is in TestCreateQuota).
func TestCreateCoresQuotaNamesCores(t *testing.T) {
	ts := newTestSim(t, func(c *Config) {
		c.Quotas.Instances, c.Quotas.RAM = -1, -1
		c.Quotas.Cores = 3
	})
	st, body := ts.do("POST", "/v1.1/"+ts.pid+"/cloudservers", createBody(2, nil)) // 4 cores
	wantErr(t, st, body, http.StatusBadRequest, CodeQuota)
	if msg := errMessage(body); !strings.Contains(msg, "cores") || strings.Contains(msg, "ram") {
		t.Fatalf("the refusal should name the cores quota only: %q", msg)
	}
	if n := serverCount(ts); n != 0 {
		t.Fatalf("a refused create left %d servers", n)
	}
}

// TestLatencyDelaysEveryRequest: Config.Latency is real wall time added to
// each API request. Only a lower bound is asserted (a slow machine can
// only make it longer), on a native and a community route.
func TestLatencyDelaysEveryRequest(t *testing.T) {
	const latency = 200 * time.Millisecond
	ts := newTestSim(t, func(c *Config) { c.Latency = latency })
	for _, path := range []string{ts.v1("/cloudservers/detail"), "/v2.1/" + ts.pid + "/flavors/detail"} {
		start := time.Now()
		st, body := ts.do("GET", path, nil)
		took := time.Since(start)
		if st != http.StatusOK {
			t.Fatalf("GET %s: %d %v", path, st, body)
		}
		if took < latency {
			t.Errorf("GET %s took %v with Latency %v", path, took, latency)
		}
	}
}
