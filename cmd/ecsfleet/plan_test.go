package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecsfleet/ecsfleet/plan"
)

// A saved plan is mode 0600; a failed plan leaves no file.
func TestPlanOutFile(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("HCS_ECS_ENDPOINT", "")
	fleet := `name: one
defaults:
  availability_zone: az1.dc1
  vpc: vpc-default
  image: Ubuntu 22.04 server 64bit
  flavor: s6.small.1
  root_volume: {type: SSD}
servers:
  - name: app
    nics: [{subnet: subnet-app}]
`
	if err := os.WriteFile("one.yaml", []byte(fleet), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run([]string{"plan", "-f", "one.yaml", "-out", "one.plan"}, stdio{out: &out, err: &errb}); code != exitOK {
		t.Fatalf("plan = %d, stderr:\n%s", code, errb.String())
	}
	st, err := os.Stat("one.plan")
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("saved plan mode = %v, want 0600", st.Mode().Perm())
	}
	p, err := plan.ReadSaved("one.plan")
	if err != nil {
		t.Fatal(err)
	}
	if p.Summary.Add != 1 || p.Project != "0a1b2c3d4e5f40718293a4b5c6d7e8f9" {
		t.Errorf("saved plan: add %d, project %q; want 1 and the simulator's project id", p.Summary.Add, p.Project)
	}

	bad := strings.Replace(fleet, "s6.small.1", "s6.smal.1", 1)
	if err := os.WriteFile("bad.yaml", []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"plan", "-f", "bad.yaml", "-out", "bad.plan"}, stdio{out: &out, err: &errb}); code != exitError {
		t.Fatalf("plan of a bad flavor = %d, want 1", code)
	}
	if _, err := os.Stat("bad.plan"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("bad.plan exists after a failed plan (%v)", err)
	}
	if matches, _ := filepath.Glob(".ecsfleet-plan-*"); len(matches) > 0 {
		t.Errorf("temporary files left: %v", matches)
	}
}

// Ctrl-C cancels the context: the plan stops and says so, on the embedded
// simulator and before a configured endpoint is even dialled.
func TestMakePlanInterrupted(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.WriteFile("f.yaml", []byte("name: f\nkeypairs:\n  - {name: k, create: true, private_key_file: k.pem}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, endpoint := range []string{"", "http://127.0.0.1:1"} {
		t.Setenv("HCS_ECS_ENDPOINT", endpoint)
		t.Setenv("HCS_PROJECT_ID", "p1")
		t.Setenv("HCS_ACCESS_KEY", "AK")
		t.Setenv("HCS_SECRET_KEY", "SK")
		var out, errb bytes.Buffer
		p, ok := makePlan(ctx, "plan", fleetFlags{file: "f.yaml"}, stdio{out: &out, err: &errb})
		if ok || p != nil {
			t.Fatalf("endpoint %q: a plan was made with a cancelled context", endpoint)
		}
		if !strings.HasSuffix(errb.String(), "ecsfleet plan: interrupted; nothing was changed\n") {
			t.Errorf("endpoint %q: stderr = %q, want it to end with the interruption", endpoint, errb.String())
		}
	}
}
