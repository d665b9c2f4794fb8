package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/plan"
)

// The metrics file of a run with drift, exactly: every metric with its HELP
// and TYPE, the fleet's label escaped as the text format wants.
func TestRenderDriftMetrics(t *testing.T) {
	p := &plan.Plan{Fleet: "web", Changes: []plan.Change{
		{Kind: plan.KindServer, Action: plan.Create, Name: "web-0003"},
		{Kind: plan.KindServer, Action: plan.Update, Name: "web-0001"},
		{Kind: plan.KindServer, Action: plan.Replace, Name: "web-0002"},
		{Kind: plan.KindServer, Action: plan.Delete, Name: "web-0009"},
		{Kind: plan.KindKeypair, Action: plan.Create, Name: "k"},
		{Kind: plan.KindVolume, Action: plan.Update, Name: "data"},
	}}
	end := time.Date(2026, 12, 3, 2, 0, 0, 250_000_000, time.UTC)
	got := string(renderDriftMetrics(p.Fleet, p, end, 1234567*time.Microsecond))
	want := `# HELP ecsfleet_drift_last_run_success 1 if the last drift check compared the cloud with the fleet file, 0 if it failed (then no drift metrics are written).
# TYPE ecsfleet_drift_last_run_success gauge
ecsfleet_drift_last_run_success{fleet="web"} 1
# HELP ecsfleet_drift_last_run_timestamp_seconds When the last drift check ended, successful or not, in seconds since the Unix epoch.
# TYPE ecsfleet_drift_last_run_timestamp_seconds gauge
ecsfleet_drift_last_run_timestamp_seconds{fleet="web"} 1796263200.25
# HELP ecsfleet_drift_duration_seconds How long the last drift check took, in seconds.
# TYPE ecsfleet_drift_duration_seconds gauge
ecsfleet_drift_duration_seconds{fleet="web"} 1.235
# HELP ecsfleet_drift_detected 1 if the cloud differs from the fleet file (drift exits 2), 0 if it matches.
# TYPE ecsfleet_drift_detected gauge
ecsfleet_drift_detected{fleet="web"} 1
# HELP ecsfleet_drift_objects Objects (servers, keypairs, server groups, volumes) that differ: changed (apply would update or replace them), missing (apply would create them), extra (apply would delete them).
# TYPE ecsfleet_drift_objects gauge
ecsfleet_drift_objects{fleet="web",kind="changed"} 3
ecsfleet_drift_objects{fleet="web",kind="missing"} 2
ecsfleet_drift_objects{fleet="web",kind="extra"} 1
# HELP ecsfleet_drift_servers Servers that differ: changed (apply would update or replace them), missing (apply would create them), extra (apply would delete them).
# TYPE ecsfleet_drift_servers gauge
ecsfleet_drift_servers{fleet="web",kind="changed"} 2
ecsfleet_drift_servers{fleet="web",kind="missing"} 1
ecsfleet_drift_servers{fleet="web",kind="extra"} 1
`
	if got != want {
		t.Errorf("metrics =\n%s\nwant\n%s", got, want)
	}
	checkExposition(t, got)
}

// A failed run: success 0, when and how long, nothing else; without a
// fleet name the samples have no label at all.
func TestRenderDriftMetricsFailed(t *testing.T) {
	got := string(renderDriftMetrics("", nil, time.Unix(1796263200, 0), 2*time.Second))
	for _, line := range []string{"ecsfleet_drift_last_run_success 0\n", "ecsfleet_drift_last_run_timestamp_seconds 1796263200\n", "ecsfleet_drift_duration_seconds 2\n"} {
		if !strings.Contains(got, line) {
			t.Errorf("metrics lack %q:\n%s", line, got)
		}
	}
	for _, absent := range []string{"ecsfleet_drift_detected", "ecsfleet_drift_objects", "ecsfleet_drift_servers", "{"} {
		if strings.Contains(got, absent) {
			t.Errorf("a failed run's metrics hold %q:\n%s", absent, got)
		}
	}
	checkExposition(t, got)
}

// Label values escape backslash, double quote and line feed.
func TestEscapeLabel(t *testing.T) {
	got := string(renderDriftMetrics("a\\b\"c\nd", nil, time.Unix(0, 0), 0))
	if !strings.Contains(got, `ecsfleet_drift_last_run_success{fleet="a\\b\"c\nd"} 0`+"\n") {
		t.Errorf("label not escaped:\n%s", got)
	}
	checkExposition(t, got)
}

// checkExposition checks every line against the text format: a HELP or
// TYPE comment, or name{labels} value, each metric's HELP and TYPE before
// its samples.
func checkExposition(t *testing.T, text string) {
	t.Helper()
	comment := regexp.MustCompile(`^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$`)
	sample := regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (-?[0-9.e+]+)$`)
	typed := map[string]bool{}
	if !strings.HasSuffix(text, "\n") {
		t.Error("the text does not end with a line feed")
	}
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if m := comment.FindStringSubmatch(line); m != nil {
			if m[1] == "TYPE" {
				typed[m[2]] = true
			}
			continue
		}
		m := sample.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("not in the text format: %q", line)
			continue
		}
		if !typed[m[1]] {
			t.Errorf("sample before its TYPE: %q", line)
		}
	}
}

// The file is replaced whole, mode 0644, and no temporary file is left.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ecsfleet.prom")
	for _, text := range []string{"first\n", "second\n"} {
		if err := writeFileAtomic(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil || string(data) != text {
			t.Errorf("file = %q, %v; want %q", data, err, text)
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %04o, want 0644", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left: %v", entries)
	}
	if err := writeFileAtomic(filepath.Join(dir, "no", "x.prom"), []byte("x"), 0o644); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}
