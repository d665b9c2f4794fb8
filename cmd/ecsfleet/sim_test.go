package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// The model flags override the config file only when given, and a flag
// left out keeps the file's value.
func TestSimServeFlagsOverrideConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sim.yaml")
	if err := os.WriteFile(file, []byte("capacity: 7\nfaults:\n  error_5xx: 0.25\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var errw bytes.Buffer
	addr, cfg, _, ok := parseSimServe([]string{"--config", file, "--addr", "127.0.0.1:0",
		"--latency", "20ms", "--throttle-rate", "50", "--fault-429", "0.1", "--fault-drop", "0.05",
		"--fault-subjob", "0.2", "--time-scale", "500", "--seed", "9"}, stdio{err: &errw})
	if !ok {
		t.Fatalf("parse failed: %s", errw.String())
	}
	if addr != "127.0.0.1:0" {
		t.Errorf("addr = %q", addr)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"capacity (file)", cfg.Capacity, 7},
		{"error_5xx (file)", cfg.Faults.Error5xx, 0.25},
		{"latency", cfg.Latency, 20 * time.Millisecond},
		{"throttle rate", cfg.Throttle.Rate, 50.0},
		{"throttle_429", cfg.Faults.Throttle429, 0.1},
		{"drop", cfg.Faults.Drop, 0.05},
		{"subjob_fail", cfg.Faults.SubJobFail, 0.2},
		{"time scale", cfg.TimeScale, 500.0},
		{"seed", cfg.Seed, int64(9)},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}

	// A flag given explicitly wins over the file, even when it is zero.
	_, cfg, _, ok = parseSimServe([]string{"--config", file, "--fault-5xx", "0"}, stdio{err: &errw})
	if !ok || cfg.Faults.Error5xx != 0 {
		t.Errorf("--fault-5xx 0 over a file's 0.25: ok=%v error_5xx=%v", ok, cfg.Faults.Error5xx)
	}
}

// The banner's example URL lists servers: 5.2.5 answers only {"count"}
// without offset, which is not what a newcomer trying it wants to see.
func TestSimInfoExampleLists(t *testing.T) {
	cfg := sim.DefaultConfig()
	hs, err := sim.StartAddr("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer hs.Close()
	var b bytes.Buffer
	printSimInfo(&b, hs, cfg)
	m := regexp.MustCompile(`\(e\.g\. GET (\S+)\)`).FindStringSubmatch(b.String())
	if m == nil {
		t.Fatalf("no example URL in the banner:\n%s", b.String())
	}
	body := fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{"name":%q}}}},"scope":{"project":{"id":%q}}}}`,
		hs.User, hs.Password, hs.DomainName, hs.ProjectID)
	resp, err := http.Post(hs.URL+"/v3/auth/tokens", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest(http.MethodGet, m[1], nil)
	req.Header.Set("X-Auth-Token", resp.Header.Get("X-Subject-Token"))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d, %v", m[1], resp.StatusCode, err)
	}
	if _, ok := out["servers"]; !ok {
		t.Errorf("GET %s answers %v: no server list", m[1], out)
	}
}

// --time-scale must be a finite positive number: Inf and NaN are refused
// (NaN used to pass both "< 0" and "> 0" and be ignored silently).
func TestSimServeRefusesNonFiniteTimeScale(t *testing.T) {
	for _, v := range []string{"NaN", "Inf", "+Inf", "-Inf", "-1"} {
		var errw bytes.Buffer
		if _, _, _, ok := parseSimServe([]string{"--time-scale", v}, stdio{err: &errw}); ok {
			t.Errorf("--time-scale %s: accepted", v)
		}
	}
}
