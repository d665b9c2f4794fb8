package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
	"github.com/ecsfleet/ecsfleet/engine"
	"github.com/ecsfleet/ecsfleet/plan"
	"github.com/ecsfleet/ecsfleet/spec"
)

// These tests run `ecsfleet` as real processes (the test binary re-executed
// under the name ecsfleet: testscript.Main runs the registered command when
// filepath.Base(os.Args[0]) is "ecsfleet") against a simulator served by the
// test process, and kill them: with SIGKILL at chosen points of the journal
// or of time, and with SIGINT once or twice. After each, the next apply must
// finish the fleet with no server made twice and none left over.

// -crashseed moves every seeded choice of TestApplySurvivesSIGKILLAnywhere
// (kill points, time-based delays, the simulators' seeds): case i uses
// seed crashseed+i, and its name and log lines say it. To run case 07 of
// a failed run again: -crashseed=BASE -run 'SIGKILL/07-'.
var crashSeed = flag.Int64("crashseed", 20260101, "base seed of the SIGKILL crash test's kill points")

const (
	crashFleetName = "crash"
	// crashTimeScale runs the simulator 1000 times faster than the
	// documented durations (a 60 s create takes 60 ms); ecsfleet is told
	// with ECSFLEET_CLOUD_TIME_SCALE.
	crashTimeScale = 1000
	// crashLatency is added to every API call: it spreads an apply over
	// many distinct journal states and keeps each call in flight long
	// enough to be killed during it.
	crashLatency = 30 * time.Millisecond
	// crashCapacity: sub-jobs the simulator runs at once, so a create of
	// 30 runs in rounds.
	crashCapacity = 10
	// crashConcurrency is how many cases run at once: they mostly wait (on
	// the engine's write rate, the simulator's latency), not compute.
	crashConcurrency = 10
	// procTimeout bounds any one ecsfleet process.
	procTimeout = 90 * time.Second
)

// testRSAKey is the reference RSA public key of ecs/sim's keypair tests.
const testRSAKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDV9luoG0IvjlGbMZs8I6pVSe0HvirOiNdB8rf5moZnEp3EIuPGeewqRiCQAnRoclr1FVmxbiN6gQuznmp37GYNHdpuXIzTT4rzo+ODxFDa3d1d7jyYP5thS3oj6hCv4+6doXQ4NUQitgl0RUt9u/dRzcc0yu8BEHAbVhactBMvvWysvuOd1Urin7EA2kNTc7ez+2CzJjiTmUIXkQaDQlwj+V6EQrbfrCF6Ng1HbKVf4qcW0JvhNcikW4LVjI1yU6SnpK7VFqvqkoSL/r+yu14IWPdpDoYhFh554vlLPzO3JGdEn4zY6ych+Fk5+3j+IppONuXhipR8bEYxdig17zeZ root@crash-test"

// crashFleet is the fleet file: a keypair, a server group, web (count web,
// tags and metadata, in the group) and db (4, each with a data volume).
func crashFleet(web int, tier string) string {
	return fmt.Sprintf(`name: %s
defaults:
  availability_zone: az1.dc1
  vpc: vpc-default
  image: Ubuntu 22.04 server 64bit
  flavor: s6.small.1
  root_volume:
    type: SSD
  security_groups: [default]
  keypair: crash-key
keypairs:
  - name: crash-key
    public_key: %s
server_groups:
  - name: crash-spread
    policy: anti-affinity
servers:
  - name: web
    count: %d
    server_group: crash-spread
    nics:
      - subnet: subnet-web
    tags:
      role: web
      tier: %s
    metadata:
      owner: web-team
  - name: db
    count: 4
    nics:
      - subnet: subnet-db
    data_volumes:
      - type: SSD
        size: 50
    tags:
      role: db
`, crashFleetName, testRSAKey, web, tier)
}

// The two versions of the fleet: the bring-up, and a change that scales
// web up and changes a tag on every existing member.
var (
	fleetV1 = crashFleet(30, "front")
	fleetV2 = crashFleet(40, "edge")
)

// ---- running ecsfleet as a process ----

// lockedBuffer is a bytes.Buffer a test may read while a process writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// proc is one running ecsfleet.
type proc struct {
	cmd    *exec.Cmd
	args   []string
	stdout lockedBuffer
	stderr lockedBuffer
	start  time.Time
	done   chan struct{} // closed when it has exited
	err    error         // Wait's error, once done
	took   time.Duration
}

// cloudEnviron is the environment of an ecsfleet pointed at hs: the
// test's, without any cloud settings of its own.
func cloudEnviron(hs *sim.HTTPServer, scale float64) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "HCS_") || strings.HasPrefix(kv, "ECSFLEET_") || strings.HasPrefix(kv, "NO_COLOR=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"HCS_ECS_ENDPOINT="+hs.URL,
		"HCS_PROJECT_ID="+hs.ProjectID,
		"HCS_ACCESS_KEY="+hs.AK,
		"HCS_SECRET_KEY="+hs.SK,
		fmt.Sprintf("ECSFLEET_CLOUD_TIME_SCALE=%g", scale),
	)
}

// startEcsfleet starts `ecsfleet ARGS` in dir. The process is killed when
// the test ends, if it is still running then.
func startEcsfleet(t *testing.T, dir string, env []string, args ...string) *proc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("finding the test binary: %v", err)
	}
	p := &proc{args: args, done: make(chan struct{})}
	p.cmd = exec.Command(exe, args...)
	p.cmd.Args[0] = "ecsfleet" // testscript.Main dispatches on it
	p.cmd.Dir = dir
	p.cmd.Env = env
	p.cmd.Stdin = nil
	p.cmd.Stdout = &p.stdout
	p.cmd.Stderr = &p.stderr
	p.start = time.Now()
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting ecsfleet %s: %v", strings.Join(args, " "), err)
	}
	go func() {
		p.err = p.cmd.Wait()
		p.took = time.Since(p.start)
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// wait waits for the process to exit (at most procTimeout, then it is
// killed and the test fails) and returns its exit code (-1: killed by a
// signal).
func (p *proc) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(procTimeout - time.Since(p.start)):
		_ = p.cmd.Process.Kill()
		<-p.done
		t.Fatalf("ecsfleet %s did not exit within %s\nstdout:\n%s\nstderr:\n%s", strings.Join(p.args, " "), procTimeout, p.stdout.String(), p.stderr.String())
	}
	return p.code()
}

func (p *proc) code() int {
	if p.err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	return -2
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// output is the process's output for a failure message.
func (p *proc) output() string {
	if !p.exited() {
		return fmt.Sprintf("ecsfleet %s (still running)\nstdout:\n%s\nstderr:\n%s", strings.Join(p.args, " "), p.stdout.String(), p.stderr.String())
	}
	return fmt.Sprintf("ecsfleet %s (exit %d, %s)\nstdout:\n%s\nstderr:\n%s", strings.Join(p.args, " "), p.code(), p.took.Round(time.Millisecond), p.stdout.String(), p.stderr.String())
}

// noSecrets fails if ecsfleet printed the secret key.
func noSecrets(t *testing.T, hs *sim.HTTPServer, p *proc) {
	t.Helper()
	for what, s := range map[string]string{"stdout": p.stdout.String(), "stderr": p.stderr.String()} {
		if strings.Contains(s, hs.SK) {
			t.Errorf("ecsfleet %s printed the secret key on %s", strings.Join(p.args, " "), what)
		}
	}
}

// runOK runs ecsfleet to the end and requires exit status want.
func runOK(t *testing.T, hs *sim.HTTPServer, dir string, env []string, want int, args ...string) *proc {
	t.Helper()
	p := startEcsfleet(t, dir, env, args...)
	if got := p.wait(t); got != want {
		t.Fatalf("exit status %d, want %d: %s", got, want, p.output())
	}
	noSecrets(t, hs, p)
	return p
}

// ---- watching the journal ----

// journalWatch follows a fleet's journal as it grows, a poll at a time,
// counting the records of the runs that were not in it when it started.
type journalWatch struct {
	path    string
	f       *os.File
	old     map[string]bool // run ids already in the journal
	off     int64
	partial []byte
	head    []byte          // the first bytes of the file, once read
	recs    []engine.Record // records of new runs, in order
}

func newJournalWatch(t *testing.T, path string) *journalWatch {
	t.Helper()
	recs, err := engine.ReadJournal(path)
	if err != nil {
		t.Fatalf("reading the journal before the run: %v", err)
	}
	w := &journalWatch{path: path, old: map[string]bool{}}
	for _, r := range recs {
		if r.Run != "" {
			w.old[r.Run] = true
		}
	}
	return w
}

// poll reads what was appended since the last poll. The journal only
// grows, except when a run's recovery empties it (in place: the file stays
// the same): then it is read again from the start; records of old runs are
// not counted either way.
func (w *journalWatch) poll() {
	if w.f == nil {
		f, err := os.Open(w.path)
		if err != nil {
			return // not created yet
		}
		w.f = f
	}
	st, err := w.f.Stat()
	if err != nil {
		return
	}
	if st.Size() < w.off || w.rewritten() {
		w.off, w.partial, w.head = 0, nil, nil
	}
	if st.Size() == w.off {
		return
	}
	buf := make([]byte, st.Size()-w.off)
	n, _ := w.f.ReadAt(buf, w.off)
	w.off += int64(n)
	data := append(w.partial, buf[:n]...)
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		line := data[:i]
		data = data[i+1:]
		var r engine.Record
		if json.Unmarshal(line, &r) != nil || r.Type == "" || w.old[r.Run] {
			continue
		}
		w.recs = append(w.recs, r)
	}
	w.partial = append([]byte(nil), data...)
	if len(w.head) < headLen {
		w.head = make([]byte, headLen)
		n, _ := w.f.ReadAt(w.head, 0)
		w.head = w.head[:n]
	}
}

// headLen is how much of the journal's start identifies it: its first
// record's time, to the nanosecond.
const headLen = 64

// rewritten reports whether the journal was emptied and written again
// since the last poll (a shrink alone may be missed if the new run wrote
// past the old size in between): its first bytes are not the ones seen.
func (w *journalWatch) rewritten() bool {
	if len(w.head) == 0 {
		return false
	}
	b := make([]byte, len(w.head))
	n, _ := w.f.ReadAt(b, 0)
	return !bytes.Equal(b[:n], w.head)
}

func (w *journalWatch) close() {
	if w.f != nil {
		w.f.Close()
	}
}

func (w *journalWatch) last() *engine.Record {
	if len(w.recs) == 0 {
		return nil
	}
	return &w.recs[len(w.recs)-1]
}

// describe names a record for the log: "intent/create_servers".
func describe(r *engine.Record) string {
	if r == nil {
		return "none"
	}
	if r.Kind != "" {
		return r.Type + "/" + string(r.Kind)
	}
	return r.Type
}

// journalState is the journal as the killed run left it: how many of its
// records there are and the last one.
func journalState(t *testing.T, path string, old map[string]bool) (int, *engine.Record) {
	t.Helper()
	recs, err := engine.ReadJournal(path)
	if err != nil {
		t.Fatalf("the journal the killed run left cannot be read: %v", err)
	}
	var mine []engine.Record
	for _, r := range recs {
		if !old[r.Run] {
			mine = append(mine, r)
		}
	}
	if len(mine) == 0 {
		return 0, nil
	}
	return len(mine), &mine[len(mine)-1]
}

// ---- kill points ----

type killMode string

const (
	killNone         killMode = "none"
	killAtLine       killMode = "line"          // once the run has written K records
	killCreateIntent killMode = "create-intent" // between the K-th create_servers intent and its job id
	killAfter        killMode = "time"          // Delay after the process started
)

type killPoint struct {
	Mode  killMode
	K     int
	Delay time.Duration
}

func (k killPoint) String() string {
	switch k.Mode {
	case killAtLine:
		return fmt.Sprintf("after journal record %d", k.K)
	case killCreateIntent:
		return fmt.Sprintf("at create_servers intent #%d, before its job id", k.K)
	case killAfter:
		return fmt.Sprintf("%s after start", k.Delay)
	}
	return "no kill"
}

// killResult says where a process was actually killed.
type killResult struct {
	Killed   bool   // SIGKILL was sent before it exited by itself
	Seen     int    // records of the run seen when the kill was decided
	SeenLast string // the last of them
	Records  int    // records of the run in the journal after the kill
	Last     string // the last of them
	// create-intent: the kill left the create's intent without its job
	// id (Window), and that intent was the journal's last line (IntentLast).
	Window, IntentLast bool
	Took               time.Duration
	Code               int
}

func (r killResult) String() string {
	if !r.Killed {
		return fmt.Sprintf("not killed: the run ended first (exit %d, %d records, last %s, %s)", r.Code, r.Records, r.Last, r.Took.Round(time.Millisecond))
	}
	return fmt.Sprintf("SIGKILL after %s with %d records seen (last %s); journal then had %d records, last %s", r.Took.Round(time.Millisecond), r.Seen, r.SeenLast, r.Records, r.Last)
}

// applyUntilKilled runs `ecsfleet apply -f fleet.yaml --auto-approve` in
// dir and kills it with SIGKILL at kp, watching the journal every
// millisecond. A run that ends before its kill point must have succeeded.
func applyUntilKilled(t *testing.T, hs *sim.HTTPServer, dir string, env []string, kp killPoint) killResult {
	t.Helper()
	jpath := engine.JournalPath(filepath.Join(dir, ".ecsfleet"), crashFleetName)
	w := newJournalWatch(t, jpath)
	defer w.close()
	p := startEcsfleet(t, dir, env, "apply", "-f", "fleet.yaml", "--auto-approve")
	var deadline <-chan time.Time
	if kp.Mode == killAfter {
		deadline = time.After(kp.Delay)
	}
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	creates := 0
	target := "" // create-intent: the op whose create call is open
	var res killResult
	kill := func() {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		res.Killed = true
		res.Seen, res.SeenLast = len(w.recs), describe(w.last())
	}
loop:
	for {
		select {
		case <-p.done:
			break loop
		case <-deadline:
			kill()
			break loop
		case <-tick.C:
			n := len(w.recs)
			w.poll()
			switch kp.Mode {
			case killAtLine:
				if len(w.recs) >= kp.K {
					kill()
					break loop
				}
			case killCreateIntent:
				for _, r := range w.recs[n:] {
					switch {
					case r.Type == engine.RecIntent && r.Kind == plan.OpCreateServers:
						if creates++; creates >= kp.K && target == "" {
							target = r.Op
						}
					case r.Type == engine.RecJob && r.Op == target:
						// Its job id is recorded: the window was missed
						// (a poll came late); take the next create's.
						target = ""
					}
				}
				if target != "" {
					kill()
					break loop
				}
			}
		}
	}
	code := p.wait(t)
	res.Took, res.Code = p.took, code
	var last *engine.Record
	res.Records, last = journalState(t, jpath, w.old)
	res.Last = describe(last)
	if res.Killed && p.err != nil && !strings.Contains(p.err.Error(), "killed") {
		// It exited by itself just before the signal.
		res.Killed = false
	}
	if res.Killed && kp.Mode == killCreateIntent {
		recs, _ := engine.ReadJournal(jpath)
		res.Window = true
		for _, r := range recs {
			if r.Op == target && r.Type == engine.RecJob {
				res.Window = false // the job id made it to the journal before the kill
			}
		}
		res.IntentLast = last != nil && last.Op == target && last.Type == engine.RecIntent
	}
	if !res.Killed && code != 0 {
		t.Fatalf("the run ended before its kill point, and failed: %s", p.output())
	}
	noSecrets(t, hs, p)
	return res
}

// ---- checking the cloud ----

// expectedMembers are the member names the fleet file at path has.
func expectedMembers(t *testing.T, path string) map[string]bool {
	t.Helper()
	f, diags := spec.Load(path, spec.LoadOptions{})
	if f == nil {
		t.Fatalf("loading %s: %v", path, diags)
	}
	want := map[string]bool{}
	for i := range f.Servers {
		for _, n := range f.Servers[i].MemberNames() {
			want[n] = true
		}
	}
	return want
}

func simClient(t *testing.T, hs *sim.HTTPServer) *ecs.Client {
	t.Helper()
	c, err := ecs.New(ecs.Config{Endpoint: hs.URL, ProjectID: hs.ProjectID, AccessKey: hs.AK, SecretKey: hs.SK})
	if err != nil {
		t.Fatalf("ecs client: %v", err)
	}
	return c
}

// verifyCloud checks the cloud against the fleet file in dir: every member
// exactly once and settled, no server the file does not name, one keypair
// and one server group of the fleet, no data volume left unattached, and a
// journal with nothing open.
func verifyCloud(t *testing.T, hs *sim.HTTPServer, dir string) int {
	t.Helper()
	ctx := context.Background()
	c := simClient(t, hs)
	want := expectedMembers(t, filepath.Join(dir, "fleet.yaml"))
	servers, err := c.ListServersDetailAll(ctx, ecs.ListServersOptions{})
	if err != nil {
		t.Fatalf("listing servers: %v", err)
	}
	seen := map[string][]string{}
	for _, s := range servers {
		seen[s.Name] = append(seen[s.Name], s.ID+" "+s.Status)
		if !want[s.Name] {
			t.Errorf("orphan: server %s (%s, %s) is not in the fleet file", s.Name, s.ID, s.Status)
			continue
		}
		if s.Status != ecs.StatusActive {
			t.Errorf("server %s is %s after a successful apply, want ACTIVE", s.Name, s.Status)
		}
		owned := false
		for _, tag := range s.Tags {
			owned = owned || tag == spec.OwnerTagKey+"="+crashFleetName
		}
		if !owned {
			t.Errorf("server %s does not carry the fleet's ownership tag: %v", s.Name, s.Tags)
		}
	}
	for name := range want {
		switch n := len(seen[name]); {
		case n == 0:
			t.Errorf("missing: server %s does not exist", name)
		case n > 1:
			t.Errorf("duplicate: server %s exists %d times: %v", name, n, seen[name])
		}
	}
	groups, err := c.ListServerGroups(ctx)
	if err != nil {
		t.Fatalf("listing server groups: %v", err)
	}
	if n := countNamed(groups, func(g ecs.ServerGroup) string { return g.Name }, "crash-spread"); n != 1 {
		t.Errorf("server group crash-spread exists %d times, want 1", n)
	}
	kps, err := c.ListKeypairs(ctx)
	if err != nil {
		t.Fatalf("listing keypairs: %v", err)
	}
	if n := countNamed(kps, func(k ecs.Keypair) string { return k.Name }, "crash-key"); n != 1 {
		t.Errorf("keypair crash-key exists %d times, want 1", n)
	}
	vols, err := c.ListVolumes(ctx, true)
	if err != nil {
		t.Fatalf("listing volumes: %v", err)
	}
	for _, v := range vols {
		if len(v.Attachments) == 0 {
			t.Errorf("orphan volume %s (%s, %s) is attached to no server", v.ID, v.Name(), v.Status)
		}
	}
	recs, err := engine.ReadJournal(engine.JournalPath(filepath.Join(dir, ".ecsfleet"), crashFleetName))
	if err != nil {
		t.Fatalf("reading the journal: %v", err)
	}
	if len(recs) > 0 && recs[len(recs)-1].Type != engine.RecEnd {
		t.Errorf("after a successful apply the journal ends with %s, want it empty or ending with end", describe(&recs[len(recs)-1]))
	}
	if open := engine.Unfinished(recs); open != nil {
		t.Errorf("after a successful apply the journal has %d open call(s)", len(open.Calls))
	}
	return len(servers)
}

func countNamed[T any](xs []T, name func(T) string, want string) int {
	n := 0
	for _, x := range xs {
		if name(x) == want {
			n++
		}
	}
	return n
}

// converge runs the apply that must finish what a killed run left, then a
// plan that must show no change, then checks the cloud.
func converge(t *testing.T, hs *sim.HTTPServer, dir string, env []string) (resumed string, took time.Duration, servers int) {
	t.Helper()
	p := runOK(t, hs, dir, env, 0, "apply", "-f", "fleet.yaml", "--auto-approve")
	for _, line := range strings.Split(p.stderr.String(), "\n") {
		if strings.Contains(line, "did not finish") {
			resumed = strings.TrimPrefix(line, "ecsfleet: ")
		}
	}
	if pl := startEcsfleet(t, dir, env, "plan", "-f", "fleet.yaml", "--detailed-exitcode"); pl.wait(t) != 0 {
		t.Fatalf("the plan after the resuming apply is not empty: %s\nresuming apply: %s", pl.output(), p.output())
	}
	return resumed, p.took, verifyCloud(t, hs, dir)
}

func writeFleet(t *testing.T, dir, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "fleet.yaml"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func newCrashSim(t *testing.T, seed int64) *sim.HTTPServer {
	return sim.NewTestServer(t, func(c *sim.Config) {
		c.Seed = seed
		c.TimeScale = crashTimeScale
		c.Latency = crashLatency
		c.Capacity = crashCapacity
	})
}

// ---- the SIGKILL test ----

// crashCase is one seeded kill: in the bring-up of fleetV1, or in the
// change to fleetV2 after an uninterrupted bring-up; Again, when set, also
// kills the run that resumes it.
type crashCase struct {
	Name   string
	Seed   int64
	Change bool
	Kill   killPoint
	Again  killPoint
}

// Journal records of one uninterrupted apply of this fleet: 80 for the
// bring-up (run, 38 intents, 2 job ids, 38 outcomes, end), 85 for the
// change. Kill points by record stay below them by a few records, so that
// the run is always still going when the kill lands.
const (
	bringUpRecords = 80
	changeRecords  = 85
)

// crashCases lays out the kill points: the bring-up and the change are
// each cut in strata of their journals (a seeded record in each stratum),
// killed between a create call and the record of its job id, and killed at
// a seeded time; three cases also kill the resuming run.
func crashCases(base int64) []crashCase {
	var cs []crashCase
	add := func(change bool, mk func(r *rand.Rand) (killPoint, killPoint)) {
		i := len(cs)
		seed := base + int64(i)
		r := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
		kp, again := mk(r)
		phase := "bringup"
		if change {
			phase = "change"
		}
		cs = append(cs, crashCase{Name: fmt.Sprintf("%02d-%s-%s-seed%d", i, phase, kp.Mode, seed), Seed: seed, Change: change, Kill: kp, Again: again})
	}
	stratum := func(j, m, total int) func(r *rand.Rand) (killPoint, killPoint) {
		return func(r *rand.Rand) (killPoint, killPoint) {
			span := total - 5
			lo, hi := 1+j*span/m, (j+1)*span/m
			return killPoint{Mode: killAtLine, K: lo + r.IntN(hi-lo+1)}, killPoint{Mode: killNone}
		}
	}
	const bringUpStrata, changeStrata = 8, 6
	for j := range bringUpStrata {
		add(false, stratum(j, bringUpStrata, bringUpRecords))
	}
	for range 3 {
		add(false, func(r *rand.Rand) (killPoint, killPoint) {
			return killPoint{Mode: killCreateIntent, K: 1 + r.IntN(2)}, killPoint{Mode: killNone}
		})
	}
	for range 2 {
		add(false, func(r *rand.Rand) (killPoint, killPoint) {
			return killPoint{Mode: killAfter, Delay: 100*time.Millisecond + time.Duration(r.Int64N(int64(1500*time.Millisecond)))}, killPoint{Mode: killNone}
		})
	}
	for j := range changeStrata {
		add(true, stratum(j, changeStrata, changeRecords))
	}
	for range 2 {
		add(true, func(r *rand.Rand) (killPoint, killPoint) {
			return killPoint{Mode: killCreateIntent, K: 1}, killPoint{Mode: killNone}
		})
	}
	for range 2 {
		add(true, func(r *rand.Rand) (killPoint, killPoint) {
			return killPoint{Mode: killAfter, Delay: 100*time.Millisecond + time.Duration(r.Int64N(int64(1500*time.Millisecond)))}, killPoint{Mode: killNone}
		})
	}
	// Killed twice: the run, then the run that resumes it.
	add(false, func(r *rand.Rand) (killPoint, killPoint) {
		return killPoint{Mode: killAtLine, K: 10 + r.IntN(50)}, killPoint{Mode: killAtLine, K: 1 + r.IntN(30)}
	})
	add(true, func(r *rand.Rand) (killPoint, killPoint) {
		return killPoint{Mode: killCreateIntent, K: 1}, killPoint{Mode: killAtLine, K: 1 + r.IntN(30)}
	})
	// Killed twice before a server exists: the keypair and the group the
	// first run created are used by no server until the third run.
	add(false, func(r *rand.Rand) (killPoint, killPoint) {
		return killPoint{Mode: killCreateIntent, K: 1}, killPoint{Mode: killCreateIntent, K: 1}
	})
	return cs
}

// TestApplySurvivesSIGKILLAnywhere kills `ecsfleet apply` with SIGKILL at
// seeded points of its journal and of time, during a bring-up and during a
// change, and requires the next apply to finish the fleet: exit 0, a plan
// with no change after it, every member exactly once, nothing else, and
// nothing left open in the journal.
func TestApplySurvivesSIGKILLAnywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ecsfleet processes for some seconds")
	}
	cases := crashCases(*crashSeed)
	type outcome struct {
		name, text      string
		killed, windows int
	}
	var (
		mu       sync.Mutex
		outcomes []outcome
		wg       sync.WaitGroup
		sem      = make(chan struct{}, crashConcurrency)
	)
	start := time.Now()
	for _, c := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			t.Run(c.Name, func(t *testing.T) {
				text, killed, windows := runCrashCase(t, c)
				mu.Lock()
				outcomes = append(outcomes, outcome{c.Name, text, killed, windows})
				mu.Unlock()
			})
		}()
	}
	wg.Wait()
	sort.Slice(outcomes, func(i, j int) bool { return outcomes[i].name < outcomes[j].name })
	kills, windows := 0, 0
	var b strings.Builder
	for _, o := range outcomes {
		kills += o.killed
		windows += o.windows
		fmt.Fprintf(&b, "\n  %s: %s", o.name, o.text)
	}
	t.Logf("%d cases, %d processes killed mid-run, %d between a create call and its job id, in %s (base seed %d, -crashseed to change):%s",
		len(outcomes), kills, windows, time.Since(start).Round(time.Millisecond), *crashSeed, b.String())
	if t.Failed() || len(outcomes) < len(cases) { // failed, or -run chose some cases
		return
	}
	if kills < 20 {
		t.Errorf("only %d of the kills landed while a run was going; want at least 20", kills)
	}
	if windows == 0 {
		t.Errorf("no kill landed between a create call and the record of its job id")
	}
}

// runCrashCase runs one case and returns what it hit, how many processes
// were killed mid-run, and how many of those between a create call and
// the record of its job id.
func runCrashCase(t *testing.T, c crashCase) (text string, killed, windows int) {
	hs := newCrashSim(t, c.Seed)
	dir := t.TempDir()
	env := cloudEnviron(hs, crashTimeScale)
	var notes []string
	if c.Change {
		writeFleet(t, dir, fleetV1)
		p := runOK(t, hs, dir, env, 0, "apply", "-f", "fleet.yaml", "--auto-approve")
		notes = append(notes, fmt.Sprintf("bring-up %s", p.took.Round(time.Millisecond)))
		writeFleet(t, dir, fleetV2)
	} else {
		writeFleet(t, dir, fleetV1)
	}
	res := applyUntilKilled(t, hs, dir, env, c.Kill)
	t.Logf("seed %d: kill %s: %s", c.Seed, c.Kill, res)
	what := fmt.Sprintf("kill %s: %s", c.Kill, res)
	if res.Killed {
		killed++
		if c.Kill.Mode == killCreateIntent {
			if res.Window {
				windows++
			}
			what += fmt.Sprintf(" (create window hit: %v, intent last line: %v)", res.Window, res.IntentLast)
		}
	}
	notes = append(notes, what)
	if c.Again.Mode != killNone {
		again := applyUntilKilled(t, hs, dir, env, c.Again)
		t.Logf("seed %d: resuming run killed %s: %s", c.Seed, c.Again, again)
		notes = append(notes, fmt.Sprintf("resume kill %s: %s", c.Again, again))
		if again.Killed {
			killed++
		}
	}
	resumed, took, n := converge(t, hs, dir, env)
	if resumed == "" {
		resumed = "nothing open"
	}
	t.Logf("seed %d: resumed in %s (%s); %d servers verified", c.Seed, took.Round(time.Millisecond), resumed, n)
	notes = append(notes, fmt.Sprintf("resume %s, %d servers", took.Round(time.Millisecond), n))
	return strings.Join(notes, "; "), killed, windows
}

// ---- the Ctrl-C test ----

// TestApplyInterruptedFinishesInFlightAndResumes sends SIGINT to an apply
// once a create's job id is journaled: the run must wait for that job (its
// servers exist and none is still building when it exits), start nothing
// new, exit 1 and say so; the next apply finishes the fleet. A second
// SIGINT exits at once with 130, and the next apply still finishes.
func TestApplyInterruptedFinishesInFlightAndResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ecsfleet processes")
	}
	t.Run("once", func(t *testing.T) {
		t.Parallel()
		interruptCase(t, false)
	})
	t.Run("twice", func(t *testing.T) {
		t.Parallel()
		interruptCase(t, true)
	})
}

func interruptCase(t *testing.T, twice bool) {
	// Slower jobs than the crash test (a create round takes 300 ms) so the
	// second SIGINT surely lands while the first create is still waited for.
	const scale = 200
	hs := sim.NewTestServer(t, func(c *sim.Config) {
		c.Seed = 7
		c.TimeScale = scale
		c.Latency = 10 * time.Millisecond
		c.Capacity = crashCapacity
	})
	dir := t.TempDir()
	env := cloudEnviron(hs, scale)
	writeFleet(t, dir, fleetV1)
	jpath := engine.JournalPath(filepath.Join(dir, ".ecsfleet"), crashFleetName)
	w := newJournalWatch(t, jpath)
	defer w.close()
	p := startEcsfleet(t, dir, env, "apply", "-f", "fleet.yaml", "--auto-approve")

	// The job id of web's create recorded (30 servers: three rounds of
	// the simulator's capacity, 900 ms): interrupt.
	var job *engine.Record
	waitFor(t, p, "the job id of web's create in the journal", func() bool {
		w.poll()
		set := map[string]string{}
		for i := range w.recs {
			r := &w.recs[i]
			if r.Type == engine.RecIntent {
				set[r.Op] = r.Set
			}
			if r.Type == engine.RecJob && r.Kind == plan.OpCreateServers && set[r.Op] == "web" {
				job = r
				return true
			}
		}
		return false
	})
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatalf("SIGINT: %v", err)
	}
	const ack = "interrupted: no new change starts; waiting for those in flight"
	if twice {
		// A second signal sent before the first is handled may merge with
		// it: wait until ecsfleet says it is draining, then send it.
		waitFor(t, p, "the interruption to be acknowledged", func() bool { return strings.Contains(p.stderr.String(), ack) })
		if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatalf("second SIGINT: %v", err)
		}
	}
	code := p.wait(t)
	noSecrets(t, hs, p)
	t.Logf("interrupted at job %s of %s (%d records); exited %d after %s", job.JobID, job.Op, len(w.recs), code, p.took.Round(time.Millisecond))

	recs, err := engine.ReadJournal(jpath)
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	outcome := ""
	for _, r := range recs {
		if r.Op == job.Op && r.Type == engine.RecIntent {
			targets = targets[:0]
			for _, tg := range r.Targets {
				targets = append(targets, tg.Name)
			}
		}
		if r.Op == job.Op && r.Type == engine.RecOutcome {
			outcome = string(r.Status)
		}
	}
	if len(targets) == 0 {
		t.Fatalf("the journal has no intent for op %s", job.Op)
	}

	if twice {
		if code != 130 {
			t.Fatalf("after a second SIGINT: exit %d, want 130: %s", code, p.output())
		}
		if !strings.Contains(p.stderr.String(), "exiting now") {
			t.Errorf("stderr does not say it is exiting at once: %s", p.output())
		}
		if outcome != "" {
			// Not an error: the job may have ended between the two signals.
			t.Logf("the create %s finished (%s) before the second SIGINT", job.Op, outcome)
		}
	} else {
		if code != 1 {
			t.Fatalf("after one SIGINT: exit %d, want 1 (the run did not complete): %s", code, p.output())
		}
		if !strings.Contains(p.stderr.String(), ack) {
			t.Errorf("stderr does not say the run was interrupted: %s", p.output())
		}
		// The summary: interrupted, the ops that never started counted as
		// such (nothing failed, so nothing was skipped because of a
		// failure), and how to carry on.
		out := p.stdout.String()
		summary := out[strings.LastIndex(out, "\nApply ")+1:]
		headline, _, _ := strings.Cut(summary, "\n")
		if !regexp.MustCompile(`^Apply interrupted: [1-9]\d* done, 0 failed, 0 skipped, [1-9]\d* not started in `).MatchString(headline) {
			t.Errorf("the summary's first line does not say the run was interrupted and how many ops were not started:\n%s", summary)
		}
		if !strings.Contains(summary, "Run 'ecsfleet apply' again to finish what was not started") {
			t.Errorf("the summary does not say to run apply again to finish what was not started:\n%s", summary)
		}
		if outcome != string(engine.StatusDone) {
			t.Errorf("the journal's outcome of the in-flight create %s is %q, want done: it was not waited for", job.Op, outcome)
		}
		// The in-flight job was waited for: its servers exist, and no
		// server is still building now that ecsfleet has exited.
		servers, err := simClient(t, hs).ListServersDetailAll(context.Background(), ecs.ListServersOptions{})
		if err != nil {
			t.Fatal(err)
		}
		status := map[string][]string{}
		for _, s := range servers {
			status[s.Name] = append(status[s.Name], s.Status)
			if s.Status == ecs.StatusBuild {
				t.Errorf("server %s is still BUILD after the interrupted apply exited: its job was abandoned", s.Name)
			}
		}
		for _, n := range targets {
			if st := status[n]; len(st) != 1 || st[0] != ecs.StatusActive {
				t.Errorf("server %s of the in-flight create: %v, want one ACTIVE", n, st)
			}
		}
		t.Logf("summary: %s", strings.TrimSpace(summary))
	}

	resumed, took, n := converge(t, hs, dir, env)
	t.Logf("the next apply converged in %s (%s); %d servers verified", took.Round(time.Millisecond), resumed, n)
	if twice && resumed == "" {
		t.Errorf("the apply after an exit at once did not say it resumed an unfinished run")
	}
}

// waitFor polls cond every millisecond until it holds; the process ending
// first, or a minute passing, fails the test.
func waitFor(t *testing.T, p *proc, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if p.exited() {
			t.Fatalf("ecsfleet exited before %s: %s", what, p.output())
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s within a minute: %s", what, p.output())
		}
		time.Sleep(time.Millisecond)
	}
}
