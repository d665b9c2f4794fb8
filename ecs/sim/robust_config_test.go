package sim

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// Config validation refuses values no comparison catches: NaN passes
// "x <= 0" and "x > 1", and an infinite time scale makes simulated time
// meaningless.
func TestConfigRefusesNaNAndInf(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for name, tweak := range map[string]func(*Config){
		"time_scale NaN":    func(c *Config) { c.TimeScale = nan },
		"time_scale +Inf":   func(c *Config) { c.TimeScale = inf },
		"error_5xx NaN":     func(c *Config) { c.Faults.Error5xx = nan },
		"throttle_429 NaN":  func(c *Config) { c.Faults.Throttle429 = nan },
		"drop NaN":          func(c *Config) { c.Faults.Drop = nan },
		"sub_job_fail NaN":  func(c *Config) { c.Faults.SubJobFail = nan },
		"slow_job NaN":      func(c *Config) { c.Faults.SlowJob = nan },
		"jitter NaN":        func(c *Config) { c.Jitter = nan },
		"slow_factor NaN":   func(c *Config) { c.Faults.SlowFactor = nan },
		"slow_factor +Inf":  func(c *Config) { c.Faults.SlowFactor = inf },
		"throttle rate NaN": func(c *Config) { c.Throttle.Rate = nan },
	} {
		cfg := DefaultConfig()
		tweak(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := New(DefaultConfig()); err != nil {
		t.Fatalf("default config: %v", err)
	}
}

// Temp files a killed process left beside the state file are removed when
// a simulator opens it; other files are left alone.
func TestStaleTempStateFilesCleaned(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "cloud.json")
	stale := []string{file + ".tmp123456", file + ".tmp987"}
	keep := []string{filepath.Join(dir, "other.json.tmp1"), filepath.Join(dir, "cloud.jsonx.tmp1")}
	for _, p := range append(append([]string{}, stale...), keep...) {
		if err := os.WriteFile(p, []byte("{half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := DefaultConfig()
	cfg.StateFile = file
	if _, err := New(cfg); err != nil {
		t.Fatal(err)
	}
	for _, p := range stale {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s: still there (%v)", filepath.Base(p), err)
		}
	}
	for _, p := range keep {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: removed (%v)", filepath.Base(p), err)
		}
	}
}
