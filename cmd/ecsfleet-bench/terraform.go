package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// The real provider against the imitation.
//
// The provider's own sleeps are wall-clock: they do not shrink with the
// simulator's time scale. So this comparison runs on a cloud at real time
// (time scale 1), with job durations shortened so a phase takes seconds,
// on a small fleet, and the imitation runs the same phases on an
// identical cloud at the same time (both mostly sleep). Phases, as
// scripts/e2e-terraform.sh has them: bring-up, a flavor change with a tag
// change, teardown.

// tfDurations are the shortened jobs of the comparison (cloud = wall).
var tfDurations = map[string]time.Duration{
	sim.OpCreateServer: 20 * time.Second,
	sim.OpResize:       20 * time.Second,
	sim.OpDeleteServer: 10 * time.Second,
}

func tfFleet(n int, flavor, tier string) string {
	return fmt.Sprintf(`name: tf
defaults:
  availability_zone: az1.dc1
  vpc: vpc-default
  image: CentOS 8.2 64bit
  root_volume: {type: SSD, size: 40}
  security_groups: [default]
keypairs:
  - name: tf-kp
    public_key: %s
server_groups:
  - name: tf-group
    policy: anti-affinity
servers:
  - name: tf
    count: %d
    flavor: %s
    keypair: tf-kp
    server_group: tf-group
    update_policy: {max_unavailable: %d}
    nics: [{subnet: subnet-web}]
    tags: {tier: %s}
`, benchKey, n, flavor, n, tier)
}

func tfConfig(hs *sim.HTTPServer, n int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    hcs = { source = "huaweicloud/hcs" }
  }
}

variable "flavor" { default = "c6.large.2" }
variable "tier" { default = "web" }

provider "hcs" {
  region      = %q
  project_id  = %q
  domain_name = %q
  user_name   = %q
  password    = %q
  auth_url    = "%s/v3"
  cloud       = "sim.local"
  insecure    = true
  max_retries = 5
  endpoints = {
    ecs      = "%s/"
    evs      = "%s/"
    vpc      = "%s/"
    ims      = "%s/"
    iam      = "%s/"
    identity = "%s/"
  }
}

resource "hcs_ecs_compute_keypair" "kp" {
  name       = "tf-kp"
  public_key = %q
}

resource "hcs_ecs_compute_server_group" "sg" {
  name     = "tf-group"
  policies = ["anti-affinity"]
}

resource "hcs_ecs_compute_instance" "vm" {
  count              = %d
  name               = format("tf-%%04d", count.index + 1)
  image_id           = %q
  flavor_id          = var.flavor
  availability_zone  = "az1.dc1"
  security_group_ids = ["3a2b4c5d-0000-4000-8000-00000000c001"]
  key_pair           = hcs_ecs_compute_keypair.kp.name
  system_disk_type   = "SSD"
  system_disk_size   = 40
  network {
    uuid = "2f1a3b4c-0000-4000-8000-00000000b001"
  }
  scheduler_hints {
    group = hcs_ecs_compute_server_group.sg.id
  }
  tags = { tier = var.tier }
}
`, hs.Region, hs.ProjectID, hs.DomainName, hs.User, hs.Password, hs.URL, hs.URL, hs.URL, hs.URL, hs.URL, hs.URL, hs.URL,
		benchKey, n, sim.ImageCentOS82)
}

// tfPhase is one phase of the comparison.
type tfPhase struct {
	name, flavor, tier string
	destroy            bool
}

var tfPhases = []tfPhase{
	{"bring-up", "c6.large.2", "web", false},
	{"resize + retag", "c6.xlarge.2", "app", false},
	{"teardown", "c6.xlarge.2", "app", true},
}

// Terraform runs the phases with the real provider and with the imitation,
// concurrently on two identical real-time clouds, or records why not.
func (h *Harness) Terraform(ctx context.Context, dir string) error {
	n := h.Sizes.Terraform
	tf := filepath.Join(dir, "terraform")
	prov := filepath.Join(dir, "provider", "terraform-provider-hcs")
	for _, p := range []string{tf, prov} {
		if st, err := os.Stat(p); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			why := fmt.Sprintf("no executable %s (build it with `make e2e-terraform`)", p)
			h.logf("terraform: skipped: %s", why)
			h.tfRows = append(h.tfRows, &Row{Scenario: "7 real provider", Stats: &runStats{Tool: toolTerraform}, Skipped: why})
			return nil
		}
	}
	opts := cloudOptions{Seed: h.Seed, Scale: 1, Latency: 200 * time.Millisecond, Durations: tfDurations}
	var (
		wg       sync.WaitGroup
		tfRows   []*Row
		imiRows  []*Row
		tfErr    error
		imiErr   error
		provDir  = filepath.Dir(prov)
		absProv  string
		absTF    string
		startErr error
	)
	if absProv, startErr = filepath.Abs(provDir); startErr != nil {
		return startErr
	}
	if absTF, startErr = filepath.Abs(tf); startErr != nil {
		return startErr
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		tfRows, tfErr = h.terraformRun(ctx, opts, absTF, absProv, n)
	}()
	go func() {
		defer wg.Done()
		imiRows, imiErr = h.imitationPhases(ctx, opts, n)
	}()
	wg.Wait()
	if imiErr != nil {
		return imiErr
	}
	if tfErr != nil {
		h.logf("terraform: failed: %v", tfErr)
		h.tfRows = append(h.tfRows, &Row{Scenario: "7 real provider", Stats: &runStats{Tool: toolTerraform}, Skipped: "failed: " + tfErr.Error()})
		return nil
	}
	for i := range tfRows {
		imiRows[i].Base = tfRows[i]
		h.tfRows = append(h.tfRows, tfRows[i], imiRows[i])
	}
	return nil
}

func (h *Harness) terraformRun(ctx context.Context, opts cloudOptions, tf, provDir string, n int) ([]*Row, error) {
	b, err := startCloud(opts)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	work, err := os.MkdirTemp("", "ecsfleet-bench-tf-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	rc := filepath.Join(work, "terraformrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"huaweicloud/hcs\" = %q\n  }\n  direct {}\n}\n", provDir)), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(tfConfig(b.hs, n)), 0o644); err != nil {
		return nil, err
	}
	var rows []*Row
	for _, ph := range tfPhases {
		cmd := "apply"
		if ph.destroy {
			cmd = "destroy"
		}
		args := []string{cmd, "-auto-approve", "-no-color", "-input=false", "-parallelism=10",
			"-var", "flavor=" + ph.flavor, "-var", "tier=" + ph.tier}
		b.hs.Sim.ResetStats()
		b.hs.Sim.ResetHistory()
		t0 := b.now()
		c := exec.CommandContext(ctx, tf, args...)
		c.Dir = work
		c.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
		var out bytes.Buffer
		c.Stdout, c.Stderr = &out, &out
		err := c.Run()
		t1 := b.now()
		rs := &runStats{Tool: toolTerraform, CloudS: t1.Sub(t0).Seconds(), Calls: b.counts()}
		if os.Getenv("ECSFLEET_BENCH_STATS") != "" {
			dumpStats(b, "terraform "+ph.name)
		}
		if err != nil {
			tail := out.String()
			if len(tail) > 2000 {
				tail = tail[len(tail)-2000:]
			}
			return nil, fmt.Errorf("terraform %s (%s): %v\n%s", cmd, ph.name, err, tail)
		}
		rows = append(rows, &Row{Scenario: fmt.Sprintf("7 %s %d, real time", ph.name, n), N: n, Stats: rs, Capacity: b.cfg.Capacity, Scale: 1})
		h.logf("%-28s %-9s: %8.1f s, %d reads %d writes %d polls", "7 "+ph.name, toolTerraform, rs.CloudS, rs.Calls.Reads, rs.Calls.Writes, rs.Calls.Polls)
		if summary := lastLine(out.String(), "complete!"); summary != "" {
			rs.Note = summary
		}
	}
	return rows, nil
}

func lastLine(s, substr string) string {
	lines := strings.Split(s, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], substr) {
			return strings.TrimSpace(lines[i])
		}
	}
	return ""
}

// imitationPhases runs the same phases with the imitation.
func (h *Harness) imitationPhases(ctx context.Context, opts cloudOptions, n int) ([]*Row, error) {
	b, err := startCloud(opts)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	var rows []*Row
	for _, ph := range tfPhases {
		f, err := loadFleet(tfFleet(n, ph.flavor, ph.tier))
		if err != nil {
			return nil, err
		}
		rs, _, err := runImitation(ctx, b, f, ph.destroy, h.Pol)
		if os.Getenv("ECSFLEET_BENCH_STATS") != "" {
			dumpStats(b, "imitation "+ph.name)
		}
		if err != nil {
			return nil, fmt.Errorf("imitation %s: %w", ph.name, err)
		}
		rows = append(rows, &Row{Scenario: fmt.Sprintf("7 %s %d, real time", ph.name, n), N: n, Stats: rs, Capacity: b.cfg.Capacity, Scale: 1})
		h.logf("%-28s %-9s: %8.1f s, %d reads %d writes %d polls, %d left", "7 "+ph.name, toolImitation, rs.CloudS, rs.Calls.Reads, rs.Calls.Writes, rs.Calls.Polls, rs.Left)
	}
	return rows, nil
}

func dumpStats(b *benchCloud, title string) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "== %s\n", title)
	for _, e := range b.hs.Sim.Stats() {
		fmt.Fprintf(&sb, "%5d  %s %v\n", e.Count, e.Pattern, e.Status)
	}
	fmt.Fprint(os.Stderr, sb.String())
}
