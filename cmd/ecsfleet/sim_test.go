package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
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
