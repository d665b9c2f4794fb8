package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
	"github.com/ecsfleet/ecsfleet/engine"
	"github.com/ecsfleet/ecsfleet/plan"
)

// The run lock across processes: real ecsfleet processes, each in its own
// working directory (as cron and a laptop are: nothing shared but the
// cloud), against one simulator served by the test.

// -lockrounds is how many times TestTwoAppliesRaceForTheLock races.
var lockRounds = flag.Int("lockrounds", 10, "rounds of two ecsfleet applies racing for one fleet's lock")

const lockFleetName = "lockrace"

// lockFleet is a small fleet whose tag tier flips between rounds, so every
// round has changes to make.
func lockFleet(tier string) string {
	return fmt.Sprintf(`name: %s
defaults:
  availability_zone: az1.dc1
  vpc: vpc-default
  image: Ubuntu 22.04 server 64bit
  flavor: s6.small.1
  root_volume:
    type: SSD
  security_groups: [default]
servers:
  - name: app
    count: 4
    nics:
      - subnet: subnet-web
    tags:
      tier: %s
`, lockFleetName, tier)
}

func newLockSim(t *testing.T) *sim.HTTPServer {
	return sim.NewTestServer(t, func(c *sim.Config) {
		c.Seed = 11
		c.TimeScale = crashTimeScale
		c.Latency = 20 * time.Millisecond
		c.Capacity = crashCapacity
	})
}

// appMembers counts the fleet's servers by name and checks each has the
// tier of the file.
func checkLockFleet(t *testing.T, hs *sim.HTTPServer, tier string) {
	t.Helper()
	servers, err := simClient(t, hs).ListServersDetailAll(context.Background(), ecs.ListServersOptions{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, s := range servers {
		seen[s.Name]++
		if s.Status != ecs.StatusActive {
			t.Errorf("server %s is %s", s.Name, s.Status)
		}
		ok := false
		for _, tag := range s.Tags {
			ok = ok || tag == "tier="+tier
		}
		if !ok {
			t.Errorf("server %s has tags %v, want tier=%s", s.Name, s.Tags, tier)
		}
	}
	for i := 1; i <= 4; i++ {
		if n := seen[fmt.Sprintf("app-%04d", i)]; n != 1 {
			t.Errorf("server app-%04d exists %d times, want once", i, n)
		}
	}
	if len(servers) != 4 {
		t.Errorf("%d servers, want 4", len(servers))
	}
}

func noLockLeft(t *testing.T, hs *sim.HTTPServer, fleet string) {
	t.Helper()
	kps, err := simClient(t, hs).ListKeypairs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, kp := range kps {
		if plan.IsLockKeypair(kp.Name) {
			t.Errorf("keypair %s is left after the runs ended: %s", kp.Name, kp.PublicKey)
		}
	}
}

var heldLine = regexp.MustCompile(`(?m)^ecsfleet apply: fleet ` + lockFleetName + ` is locked by run (\S+) \(apply by \S+, pid (\d+) in (\S+)\) since \S+; the lock expires at \S+$`)

// Two applies of one fleet, started at once from two directories, many
// times: one applies, the other names the holder and exits 1 having
// changed nothing (no journal even), or (when the first was over before
// the second looked) finds nothing to do. Never both at once.
func TestTwoAppliesRaceForTheLock(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ecsfleet processes")
	}
	hs := newLockSim(t)
	env := cloudEnviron(hs, crashTimeScale)
	dirs := []string{t.TempDir(), t.TempDir()}
	tier := "a"
	for _, d := range dirs {
		writeFleet(t, d, lockFleet(tier))
	}
	runOK(t, hs, dirs[0], env, 0, "apply", "-f", "fleet.yaml", "--auto-approve")
	refused, nothing := 0, 0
	for r := range *lockRounds {
		tier = map[string]string{"a": "b", "b": "a"}[tier]
		for _, d := range dirs {
			writeFleet(t, d, lockFleet(tier))
			os.RemoveAll(filepath.Join(d, ".ecsfleet"))
		}
		p0 := startEcsfleet(t, dirs[0], env, "apply", "-f", "fleet.yaml", "--auto-approve")
		p1 := startEcsfleet(t, dirs[1], env, "apply", "-f", "fleet.yaml", "--auto-approve")
		c0, c1 := p0.wait(t), p1.wait(t)
		noSecrets(t, hs, p0)
		noSecrets(t, hs, p1)
		winner, loser, ld := p0, p1, dirs[1]
		if c0 != 0 {
			winner, loser, ld = p1, p0, dirs[0]
		}
		switch {
		case c0 == 0 && c1 == 0:
			// Not at once: the second found the first's work done.
			if !strings.Contains(p0.stdout.String(), "No changes") && !strings.Contains(p1.stdout.String(), "No changes") {
				t.Fatalf("round %d: both applies made changes:\n%s\n%s", r, p0.output(), p1.output())
			}
			nothing++
		case winner.code() == 0 && loser.code() == 1:
			m := heldLine.FindStringSubmatch(loser.stderr.String())
			if m == nil {
				t.Fatalf("round %d: the refused apply does not name the holder:\n%s", r, loser.output())
			}
			if m[2] != fmt.Sprint(winner.cmd.Process.Pid) {
				t.Errorf("round %d: the holder's pid is %s, want the winner's %d", r, m[2], winner.cmd.Process.Pid)
			}
			if !strings.Contains(loser.stderr.String(), "ecsfleet force-unlock "+lockFleetName+"/"+m[1]) {
				t.Errorf("round %d: the refusal does not say how to break the lock:\n%s", r, loser.stderr.String())
			}
			if _, err := os.Stat(engine.JournalPath(filepath.Join(ld, ".ecsfleet"), lockFleetName)); err == nil {
				t.Errorf("round %d: the refused apply opened a journal: it went past the lock", r)
			}
			if strings.Contains(loser.stdout.String(), "Plan:") {
				t.Errorf("round %d: the refused apply planned:\n%s", r, loser.output())
			}
			refused++
		default:
			t.Fatalf("round %d: exit statuses %d and %d:\n%s\n%s", r, c0, c1, p0.output(), p1.output())
		}
		checkLockFleet(t, hs, tier)
		noLockLeft(t, hs, lockFleetName)
	}
	t.Logf("%d rounds: %d times one apply refused naming the holder, %d times the second found nothing to do", *lockRounds, refused, nothing)
	if refused == 0 {
		t.Errorf("in %d rounds the two applies never met", *lockRounds)
	}
}

// With --lock-timeout both finish: one applies, the other waits for it,
// then finds nothing to do.
func TestSecondApplyWaitsForTheLock(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ecsfleet processes")
	}
	hs := newLockSim(t)
	env := cloudEnviron(hs, crashTimeScale)
	dirs := []string{t.TempDir(), t.TempDir()}
	for _, d := range dirs {
		writeFleet(t, d, lockFleet("a"))
	}
	p0 := startEcsfleet(t, dirs[0], env, "apply", "-f", "fleet.yaml", "--auto-approve", "--lock-timeout", "1m")
	p1 := startEcsfleet(t, dirs[1], env, "apply", "-f", "fleet.yaml", "--auto-approve", "--lock-timeout", "1m")
	if c0, c1 := p0.wait(t), p1.wait(t); c0 != 0 || c1 != 0 {
		t.Fatalf("exit %d and %d, want both 0:\n%s\n%s", c0, c1, p0.output(), p1.output())
	}
	waiter, first := p1, p0
	if strings.Contains(p0.stderr.String(), "waiting for it") {
		waiter, first = p0, p1
	}
	if !strings.Contains(waiter.stderr.String(), "is locked by run ") || !strings.Contains(waiter.stderr.String(), "waiting for it up to 1m0s (--lock-timeout)") {
		t.Fatalf("neither apply says it waited for the other's lock:\n%s\n%s", p0.output(), p1.output())
	}
	if !strings.Contains(first.stdout.String(), "Apply complete") || !strings.Contains(waiter.stdout.String(), "No changes") {
		t.Errorf("want one apply to make the fleet and the waiter to find nothing to do:\n%s\n%s", first.output(), waiter.output())
	}
	checkLockFleet(t, hs, "a")
	noLockLeft(t, hs, lockFleetName)
}

// killMidApply starts an apply of the crash fleet in dir and kills it
// with SIGKILL once its journal holds a create's job id; it returns the
// dead process's pid.
func killMidApply(t *testing.T, hs *sim.HTTPServer, dir string, env []string) int {
	t.Helper()
	writeFleet(t, dir, fleetV1)
	w := newJournalWatch(t, engine.JournalPath(filepath.Join(dir, ".ecsfleet"), crashFleetName))
	defer w.close()
	p := startEcsfleet(t, dir, env, "apply", "-f", "fleet.yaml", "--auto-approve")
	waitFor(t, p, "a create's job id in the journal", func() bool {
		w.poll()
		for _, r := range w.recs {
			if r.Type == engine.RecJob && r.Kind == plan.OpCreateServers {
				return true
			}
		}
		return false
	})
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.wait(t)
	return p.cmd.Process.Pid
}

// A holder killed mid-apply: an apply elsewhere reports the lock held by
// the dead run and how to break it; after force-unlock (or the lock's
// expiry) the fleet goes on, and the dead run's directory resumes its
// journal. In the dead run's own directory the next apply takes the lock
// over at once.
func TestApplyAfterTheHolderWasKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ecsfleet processes")
	}
	for _, how := range []string{"force-unlock", "expiry", "same-directory"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			hs := newCrashSim(t, 5)
			env := cloudEnviron(hs, crashTimeScale)
			// The killed run's lock lasts 3 s when the test waits for it
			// to expire (the lock says how long it lasts: the waiter's
			// own setting does not matter).
			killEnv := env
			if how == "expiry" {
				killEnv = append(append([]string(nil), env...), "ECSFLEET_LOCK_TTL=3s")
			}
			dead, other := t.TempDir(), t.TempDir()
			writeFleet(t, other, fleetV1)
			pid := killMidApply(t, hs, dead, killEnv)

			if how == "same-directory" {
				p := runOK(t, hs, dead, env, 0, "apply", "-f", "fleet.yaml", "--auto-approve")
				if !regexp.MustCompile(`took over the lock of fleet crash from run \S+ \(apply by \S+, pid ` + fmt.Sprint(pid) + ` in ` + regexp.QuoteMeta(dead) + `\): its process \d+ is no longer running on this machine, and this run resumes its journal`).MatchString(p.stderr.String()) {
					t.Errorf("the apply in the dead run's directory does not say it took the lock over:\n%s", p.output())
				}
				if !strings.Contains(p.stderr.String(), "did not finish") {
					t.Errorf("it did not resume the journal:\n%s", p.output())
				}
				verifyCloud(t, hs, dead)
				noLockLeft(t, hs, crashFleetName)
				return
			}

			p := runOK(t, hs, other, env, 1, "apply", "-f", "fleet.yaml", "--auto-approve")
			m := regexp.MustCompile(`(?m)^ecsfleet apply: fleet crash is locked by run (\S+) \(apply by \S+, pid (\d+) in (\S+)\) since \S+, whose process is no longer running; the lock expires at \S+$`).FindStringSubmatch(p.stderr.String())
			if m == nil || m[2] != fmt.Sprint(pid) || m[3] != dead {
				t.Fatalf("an apply elsewhere does not report the lock held by the dead run (pid %d in %s):\n%s", pid, dead, p.output())
			}
			for _, want := range []string{"Run 'ecsfleet apply' in " + dead + " to resume what it left", "ecsfleet force-unlock crash/" + m[1]} {
				if !strings.Contains(p.stderr.String(), want) {
					t.Errorf("the refusal does not say %q:\n%s", want, p.stderr.String())
				}
			}
			if _, err := os.Stat(filepath.Join(other, ".ecsfleet", "journal-crash.ndjson")); err == nil {
				t.Errorf("the refused apply opened a journal")
			}

			switch how {
			case "force-unlock":
				// Without a terminal it must be told: --force.
				fu := runOK(t, hs, other, env, 1, "force-unlock", "crash/"+m[1])
				if !strings.Contains(fu.stderr.String(), "no terminal to confirm on") {
					t.Errorf("force-unlock without a terminal: %s", fu.output())
				}
				// A wrong run id is refused, the lock kept.
				fu = runOK(t, hs, other, env, 1, "force-unlock", "--force", "crash/20990101T000000Z-00000000")
				if !strings.Contains(fu.stderr.String(), "not by run 20990101T000000Z-00000000; nothing was done") {
					t.Errorf("force-unlock of another run: %s", fu.output())
				}
				fu = runOK(t, hs, other, env, 0, "force-unlock", "-y", "crash/"+m[1])
				if !strings.Contains(fu.stdout.String(), "is broken") || !strings.Contains(fu.stdout.String(), "run the next apply in "+dead) {
					t.Errorf("force-unlock: %s", fu.output())
				}
			case "expiry":
				// Waits for the expiry (3 s and its guard), then goes on.
				// --adopt: the keypair and group the dead run made before
				// any server used them are the fleet's, but only its
				// journal, in the other directory, says so.
				p := runOK(t, hs, other, env, 0, "apply", "-f", "fleet.yaml", "--auto-approve", "--adopt", "--lock-timeout", "1m")
				if !strings.Contains(p.stderr.String(), "waiting for it up to 1m0s") || !strings.Contains(p.stderr.String(), "took over the lock of fleet crash from run "+m[1]) || !strings.Contains(p.stderr.String(), "expired at") {
					t.Errorf("the waiting apply does not say it waited and broke the expired lock:\n%s", p.output())
				}
			}
			// The dead run's directory resumes its journal.
			resumed, _, _ := converge(t, hs, dead, env)
			if resumed == "" {
				t.Errorf("the apply in the dead run's directory did not resume its journal")
			}
			noLockLeft(t, hs, crashFleetName)
		})
	}
}

// plan and drift only read: they run while another run holds the lock;
// apply and destroy do not.
func TestReadersTakeNoLock(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ecsfleet processes")
	}
	hs := newLockSim(t)
	env := cloudEnviron(hs, crashTimeScale)
	dir := t.TempDir()
	writeFleet(t, dir, lockFleet("a"))
	runOK(t, hs, dir, env, 0, "apply", "-f", "fleet.yaml", "--auto-approve")
	l, err := engine.AcquireLock(context.Background(), simClient(t, hs), engine.LockOptions{Fleet: lockFleetName, Command: "apply", Dir: "/elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release(context.Background())
	writeFleet(t, dir, lockFleet("b"))
	runOK(t, hs, dir, env, 2, "plan", "-f", "fleet.yaml", "--detailed-exitcode", "-out", "fleet.plan")
	runOK(t, hs, dir, env, 2, "drift", "-f", "fleet.yaml")
	for _, args := range [][]string{{"apply", "-f", "fleet.yaml", "--auto-approve"}, {"destroy", "-f", "fleet.yaml", "--auto-approve"}, {"apply", "fleet.plan"}} {
		p := runOK(t, hs, dir, env, 1, args...)
		if !strings.Contains(p.stderr.String(), "ecsfleet "+args[0]+": fleet lockrace is locked by run "+l.Holder.Run) {
			t.Errorf("%s while the lock is held:\n%s", strings.Join(args, " "), p.output())
		}
	}
	checkLockFleet(t, hs, "a")
}

// Ctrl-C while waiting for the lock ends the wait at once; nothing changed.
func TestCtrlCWhileWaitingForTheLock(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ecsfleet processes")
	}
	hs := newLockSim(t)
	env := cloudEnviron(hs, crashTimeScale)
	dir := t.TempDir()
	writeFleet(t, dir, lockFleet("a"))
	l, err := engine.AcquireLock(context.Background(), simClient(t, hs), engine.LockOptions{Fleet: lockFleetName, Command: "destroy", Dir: "/elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release(context.Background())
	p := startEcsfleet(t, dir, env, "apply", "-f", "fleet.yaml", "--auto-approve", "--lock-timeout", "10m")
	waitFor(t, p, "the wait for the lock", func() bool { return strings.Contains(p.stderr.String(), "waiting for it up to 10m0s") })
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t); code != 1 || !strings.Contains(p.stderr.String(), "interrupted; nothing was changed (while waiting for the fleet's lock)") {
		t.Fatalf("Ctrl-C while waiting: exit %d:\n%s", code, p.output())
	}
	if p.took > 30*time.Second {
		t.Errorf("the wait went on %s after Ctrl-C", p.took)
	}
	if h, err := engine.ReadLock(context.Background(), simClient(t, hs), lockFleetName); err != nil || h.Run != l.Holder.Run {
		t.Errorf("the holder's lock is %v (%v) after the waiter was interrupted", h.Run, err)
	}
}

// An apply and a destroy of one fleet, started at once from two
// directories: one runs, the other is refused naming the holder (or runs
// after it); the fleet ends whole or gone, never half of each.
func TestApplyAndDestroyRaceForTheLock(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ecsfleet processes")
	}
	hs := newLockSim(t)
	env := cloudEnviron(hs, crashTimeScale)
	dirs := []string{t.TempDir(), t.TempDir()}
	tier := "a"
	outcomes := map[string]int{}
	for r := range max(*lockRounds/2, 4) {
		for _, d := range dirs {
			writeFleet(t, d, lockFleet(tier))
		}
		runOK(t, hs, dirs[0], env, 0, "apply", "-f", "fleet.yaml", "--auto-approve")
		tier = map[string]string{"a": "b", "b": "a"}[tier]
		writeFleet(t, dirs[0], lockFleet(tier))
		ap := startEcsfleet(t, dirs[0], env, "apply", "-f", "fleet.yaml", "--auto-approve")
		de := startEcsfleet(t, dirs[1], env, "destroy", "-f", "fleet.yaml", "--auto-approve")
		ca, cd := ap.wait(t), de.wait(t)
		servers, err := simClient(t, hs).ListServersDetailAll(context.Background(), ecs.ListServersOptions{})
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case ca == 0 && cd == 1:
			if !strings.Contains(de.stderr.String(), "ecsfleet destroy: fleet lockrace is locked by run ") {
				t.Fatalf("round %d: the destroy failed without naming the lock's holder:\n%s", r, de.output())
			}
			checkLockFleet(t, hs, tier)
			outcomes["destroy refused"]++
		case ca == 1 && cd == 0:
			if !strings.Contains(ap.stderr.String(), "ecsfleet apply: fleet lockrace is locked by run ") {
				t.Fatalf("round %d: the apply failed without naming the lock's holder:\n%s", r, ap.output())
			}
			if len(servers) != 0 {
				t.Fatalf("round %d: %d servers after the destroy", r, len(servers))
			}
			outcomes["apply refused"]++
		case ca == 0 && cd == 0:
			if len(servers) == 0 {
				outcomes["apply, then destroy"]++
			} else {
				checkLockFleet(t, hs, tier)
				outcomes["destroy, then apply"]++
			}
		default:
			t.Fatalf("round %d: apply exit %d, destroy exit %d:\n%s\n%s", r, ca, cd, ap.output(), de.output())
		}
		noLockLeft(t, hs, lockFleetName)
	}
	t.Logf("outcomes: %v", outcomes)
}
