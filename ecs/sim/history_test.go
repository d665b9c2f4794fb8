package sim_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// The status history (Config.RecordHistory), driven by the real client.
// The simulator runs on a manual clock at time scale 1, so simulated time
// is the clock's time and every recorded At can be checked exactly: jobs
// advance lazily, and a change must carry the time it happened, not the
// time a later request noticed it.

const (
	histVPC    = "1e0f2a3b-0000-4000-8000-00000000a001"
	histSubnet = "2f1a3b4c-0000-4000-8000-00000000b001"
)

type histEnv struct {
	t     *testing.T
	ctx   context.Context
	hs    *sim.HTTPServer
	c     *ecs.Client
	clock *sim.ManualClock
}

func newHistEnv(t *testing.T, record bool, opts ...func(*sim.Config)) *histEnv {
	t.Helper()
	clk := sim.NewManualClock(time.Now().UTC().Truncate(time.Second))
	return newHistEnvClock(t, clk, record, opts...)
}

func newHistEnvClock(t *testing.T, clk *sim.ManualClock, record bool, opts ...func(*sim.Config)) *histEnv {
	t.Helper()
	hs := sim.NewTestServer(t, append([]func(*sim.Config){func(c *sim.Config) {
		c.Clock, c.TimeScale, c.RecordHistory = clk, 1, record
	}}, opts...)...)
	c, err := ecs.New(ecs.Config{Endpoint: hs.URL, ProjectID: hs.ProjectID, Region: hs.Region,
		IAMEndpoint: hs.URL, Username: hs.User, Password: hs.Password, DomainName: hs.DomainName,
		Retry: ecs.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return &histEnv{t: t, ctx: context.Background(), hs: hs, c: c, clock: clk}
}

func (e *histEnv) history() []sim.StatusChange { return e.hs.Sim.History(e.hs.ProjectID) }

// job waits for a job by moving the clock far past any duration, then
// reads it once (which advances the simulator to the new "now").
func (e *histEnv) job(jr *ecs.JobResponse, err error) *ecs.Job {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
	e.clock.Advance(10 * time.Minute)
	j, err := e.c.GetJob(e.ctx, jr.JobID)
	if err != nil {
		e.t.Fatal(err)
	}
	if j.Status != ecs.JobSuccess {
		e.t.Fatalf("job %s (%s): %s %s", j.JobID, j.JobType, j.Status, j.FailReason)
	}
	return j
}

func (e *histEnv) create(name string, n int) []string {
	e.t.Helper()
	on := true
	jr, err := e.c.CreateServers(e.ctx, &ecs.CreateServersRequest{Server: ecs.CreateServer{
		ImageRef: sim.ImageCentOS82, FlavorRef: "c6.large.2", Name: name, VPCID: histVPC,
		NICs:             []ecs.CreateNIC{{SubnetID: histSubnet}},
		RootVolume:       ecs.RootVolume{VolumeType: "SATA", Size: 40},
		AvailabilityZone: "az1.dc1", Count: n, PowerOn: &on,
	}})
	var ids []string
	for _, r := range e.job(jr, err).ServerResults() {
		ids = append(ids, r.ServerID)
	}
	if len(ids) != n {
		e.t.Fatalf("create %d: %d servers", n, len(ids))
	}
	return ids
}

// power stops or starts servers without a job (5.28): it moves the clock
// past the power duration and checks the servers reached want.
func (e *histEnv) power(stop bool, want string, ids ...string) {
	e.t.Helper()
	for _, id := range ids {
		var err error
		if stop {
			err = e.c.StopServer(e.ctx, id, ecs.Soft)
		} else {
			err = e.c.StartServer(e.ctx, id)
		}
		if err != nil {
			e.t.Fatal(err)
		}
	}
	e.clock.Advance(time.Minute)
	for _, id := range ids {
		if s, err := e.c.GetServer(e.ctx, id); err != nil || s.Status != want {
			e.t.Fatalf("server %s after power action: %v %v, want %s", id, s, err, want)
		}
	}
}

// trail is a server's statuses in h: the first change's From, then each
// To; "-" stands for "not there".
func trail(h []sim.StatusChange, id string) string {
	var out []string
	for _, c := range h {
		if c.ServerID != id {
			continue
		}
		if out == nil {
			out = append(out, orDash(c.From))
		}
		out = append(out, orDash(c.To))
	}
	return strings.Join(out, ">")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// change is the change of id into to (nil if none).
func change(h []sim.StatusChange, id, to string) *sim.StatusChange {
	for i := range h {
		if h[i].ServerID == id && h[i].To == to {
			return &h[i]
		}
	}
	return nil
}

// lastOf is id's last change in h.
func lastOf(h []sim.StatusChange, id string) sim.StatusChange {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].ServerID == id {
			return h[i]
		}
	}
	return sim.StatusChange{}
}

// within checks that id's change into to happened between from+lo and
// from+hi (a duration with the simulator's ±20 % jitter).
func within(t *testing.T, h []sim.StatusChange, id, to string, from time.Time, lo, hi time.Duration) time.Time {
	t.Helper()
	c := change(h, id, to)
	if c == nil {
		t.Fatalf("no change of %s into %q in %+v", id, to, h)
	}
	if c.At.Before(from.Add(lo)) || c.At.After(from.Add(hi)) {
		t.Errorf("%s into %s at %s, want between +%s and +%s of %s", id, to, c.At, lo, hi, from)
	}
	return c.At
}

func notActive(st string) bool { return st != sim.StatusActive }

// checkOrder checks Seq counts up by one and At never goes back.
func checkOrder(t *testing.T, h []sim.StatusChange) {
	t.Helper()
	for i := 1; i < len(h); i++ {
		if h[i].Seq != h[i-1].Seq+1 || h[i].At.Before(h[i-1].At) {
			t.Errorf("change %d %+v after %+v: out of order", i, h[i], h[i-1])
		}
	}
}

func TestHistoryRecordsClientOperations(t *testing.T) {
	e := newHistEnv(t, true)
	ctx := e.ctx

	// Create 3: they appear in BUILD at once, and go ACTIVE when their
	// sub-jobs end (60 s ±20 %), not when the next request (10 min later)
	// applies the ends.
	t0 := e.clock.Now()
	ids := e.create("web", 3)
	h := e.history()
	checkOrder(t, h)
	if len(h) != 6 {
		t.Fatalf("create of 3: %d changes, want 6: %+v", len(h), h)
	}
	for _, id := range ids {
		if got := trail(h, id); got != "->BUILD>ACTIVE" {
			t.Errorf("create: %s went %s, want ->BUILD>ACTIVE", id, got)
		}
		if c := change(h, id, sim.StatusBuild); c == nil || !c.At.Equal(t0) || !strings.HasPrefix(c.Name, "web") {
			t.Errorf("create: appearance %+v, want at %s with the server's name", c, t0)
		}
		within(t, h, id, sim.StatusActive, t0, 48*time.Second, 72*time.Second)
	}
	if n, at := sim.MaxConcurrent(h, notActive); n != 3 || !at.Equal(t0) {
		t.Errorf("create: MaxConcurrent = %d at %s, want 3 at %s (all BUILD)", n, at, t0)
	}
	lastSeq := h[len(h)-1].Seq

	// From here on, a fresh history; Seq goes on counting.
	e.hs.Sim.ResetHistory()
	if h := e.history(); len(h) != 0 {
		t.Fatalf("after ResetHistory: %+v", h)
	}

	// Stop 3: ACTIVE -> SHUTOFF when each power job ends (20 s ±20 %);
	// powering-off is a task_state, not a status, so nothing before.
	t1 := e.clock.Now()
	for _, id := range ids {
		if err := e.c.StopServer(ctx, id, ecs.Soft); err != nil {
			t.Fatal(err)
		}
	}
	if h := e.history(); len(h) != 0 {
		t.Errorf("right after os-stop (task_state only): %+v", h)
	}
	e.clock.Advance(time.Minute)
	h = e.history()
	checkOrder(t, h)
	if len(h) != 3 || h[0].Seq != lastSeq+1 {
		t.Fatalf("stop: %+v, want 3 changes from seq %d", h, lastSeq+1)
	}
	var lastDown time.Time
	for _, id := range ids {
		if got := trail(h, id); got != "ACTIVE>SHUTOFF" {
			t.Errorf("stop: %s went %s", id, got)
		}
		if at := within(t, h, id, sim.StatusShutoff, t1, 16*time.Second, 24*time.Second); at.After(lastDown) {
			lastDown = at
		}
	}
	if n, at := sim.MaxConcurrent(h, notActive); n != 3 || !at.Equal(lastDown) {
		t.Errorf("stop 3: MaxConcurrent = %d at %s, want 3 at %s (the last stop)", n, at, lastDown)
	}

	// Offline batch resize of 2 stopped servers (5.21.6): RESIZE when the
	// sub-job starts (at once: capacity is free), SHUTOFF when it ends.
	t2 := e.clock.Now()
	jr, err := e.c.ResizeServers(ctx, []ecs.BatchResizeItem{{ServerID: ids[0], FlavorRef: "c6.xlarge.2"}, {ServerID: ids[1], FlavorRef: "c6.xlarge.2"}})
	if err != nil {
		t.Fatal(err)
	}
	h = e.history() // History advances the jobs to "now": the starts are due
	for _, id := range ids[:2] {
		if c := change(h, id, sim.StatusResize); c == nil || !c.At.Equal(t2) || c.From != sim.StatusShutoff {
			t.Errorf("resize start of %s: %+v, want SHUTOFF>RESIZE at %s", id, c, t2)
		}
	}
	e.job(jr, nil)
	h = e.history()
	for _, id := range ids[:2] {
		if got := trail(h, id); got != "ACTIVE>SHUTOFF>RESIZE>SHUTOFF" {
			t.Errorf("resize: %s went %s", id, got)
		}
		if c := lastOf(h, id); c.To != sim.StatusShutoff || c.At.Before(t2.Add(72*time.Second)) || c.At.After(t2.Add(108*time.Second)) {
			t.Errorf("resize end of %s: %+v, want SHUTOFF 90 s ±20 %% after %s", id, c, t2)
		}
	}
	if got := trail(h, ids[2]); got != "ACTIVE>SHUTOFF" {
		t.Errorf("the server not resized went %s", got)
	}

	// Change OS of the third (stopped) server: the simulator keeps it
	// SHUTOFF throughout (task_state rebuilding), so no status change.
	before := len(h)
	if _, err := e.c.CreateKeypair(ctx, "k1", ""); err != nil {
		t.Fatal(err)
	}
	e.job(e.c.ChangeServerOS(ctx, ids[2], ecs.ChangeOS{ImageID: sim.ImageUbuntu2204, KeyName: "k1"}))
	if h = e.history(); len(h) != before {
		t.Errorf("change OS recorded %+v", h[before:])
	}

	// Start all, soft-reboot one (REBOOT while the power job runs), delete
	// one: it disappears (To "") when its sub-job ends, under its name.
	e.power(false, sim.StatusActive, ids...)
	t3 := e.clock.Now()
	if err := e.c.RebootServer(ctx, ids[0], ecs.Soft); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	h = e.history()
	if c := change(h[len(h)-2:], ids[0], sim.StatusReboot); c == nil || !c.At.Equal(t3) {
		t.Errorf("reboot: %+v, want REBOOT at %s", h[len(h)-2:], t3)
	}
	name := ""
	if s, err := e.c.GetServer(ctx, ids[1]); err == nil {
		name = s.Name
	}
	t4 := e.clock.Now()
	e.job(e.c.DeleteServers(ctx, &ecs.DeleteServersRequest{Servers: []ecs.IDRef{{ID: ids[1]}}}))
	h = e.history()
	gone := h[len(h)-1]
	if gone.ServerID != ids[1] || gone.From != sim.StatusActive || gone.To != "" || gone.Name != name || name == "" {
		t.Errorf("delete: last change %+v, want %s (%s) ACTIVE>\"\"", gone, ids[1], name)
	}
	within(t, h, ids[1], "", t4, 16*time.Second, 24*time.Second)

	checkOrder(t, h)
	want := map[string]string{
		ids[0]: "ACTIVE>SHUTOFF>RESIZE>SHUTOFF>ACTIVE>REBOOT>ACTIVE",
		ids[1]: "ACTIVE>SHUTOFF>RESIZE>SHUTOFF>ACTIVE>-",
		ids[2]: "ACTIVE>SHUTOFF>ACTIVE",
	}
	for id, w := range want {
		if got := trail(h, id); got != w {
			t.Errorf("%s went %s, want %s", id, got, w)
		}
	}
	if n, _ := sim.MaxConcurrent(h, notActive); n != 3 {
		t.Errorf("whole history: MaxConcurrent = %d, want 3", n)
	}
	if n, _ := sim.MaxConcurrent(h, func(st string) bool { return st == sim.StatusResize }); n != 2 {
		t.Errorf("whole history: %d in RESIZE at once, want 2", n)
	}
}

// TestHistoryRollingRestart is the use the history is for: a restart one
// server at a time never has more than one down; two at a time, two.
func TestHistoryRollingRestart(t *testing.T) {
	e := newHistEnv(t, true)
	ids := e.create("app", 4)
	e.hs.Sim.ResetHistory()
	for _, id := range ids {
		e.power(true, sim.StatusShutoff, id)
		e.power(false, sim.StatusActive, id)
	}
	h := e.history()
	if len(h) != 8 {
		t.Fatalf("rolling restart of 4: %d changes: %+v", len(h), h)
	}
	if n, _ := sim.MaxConcurrent(h, notActive); n != 1 {
		t.Errorf("one at a time: MaxConcurrent = %d, want 1", n)
	}
	for i := 0; i < len(ids); i += 2 {
		e.power(true, sim.StatusShutoff, ids[i:i+2]...)
		e.power(false, sim.StatusActive, ids[i:i+2]...)
	}
	h = e.history()
	if n, _ := sim.MaxConcurrent(h, notActive); n != 2 {
		t.Errorf("two at a time: MaxConcurrent = %d, want 2", n)
	}
	// After the batches every server is ACTIVE again: a history that
	// starts there has nobody down.
	e.hs.Sim.ResetHistory()
	e.power(true, sim.StatusShutoff, ids[0])
	h = e.history()
	if n, _ := sim.MaxConcurrent(h, notActive); n != 1 {
		t.Errorf("one stop after the reset: MaxConcurrent = %d, want 1", n)
	}
}

func TestMaxConcurrentHandBuilt(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	seq := int64(0)
	ch := func(s int, id, from, to string) sim.StatusChange {
		seq++
		return sim.StatusChange{At: at(s), Seq: seq, ServerID: id, Name: "n-" + id, From: from, To: to}
	}
	const A, S, B, R, D = sim.StatusActive, sim.StatusShutoff, sim.StatusBuild, sim.StatusResize, sim.StatusDeleted
	cases := []struct {
		name   string
		h      []sim.StatusChange
		n      int
		atSecs int // -1: zero time
	}{
		{"empty", nil, 0, -1},
		{"nobody down", []sim.StatusChange{ch(0, "a", "", A), ch(1, "b", "", A)}, 0, -1},
		{"create of 3", []sim.StatusChange{ch(0, "a", "", B), ch(0, "b", "", B), ch(0, "c", "", B),
			ch(60, "a", B, A), ch(61, "b", B, A), ch(62, "c", B, A)}, 3, 0},
		{"stop 3 then start 3", []sim.StatusChange{ch(10, "a", A, S), ch(11, "b", A, S), ch(12, "c", A, S),
			ch(20, "a", S, A), ch(21, "b", S, A), ch(22, "c", S, A)}, 3, 12},
		{"rolling one at a time", []sim.StatusChange{ch(10, "a", A, S), ch(20, "a", S, A),
			ch(30, "b", A, S), ch(40, "b", S, A), ch(50, "c", A, S), ch(60, "c", S, A)}, 1, 10},
		{"resize passes through RESIZE", []sim.StatusChange{ch(10, "a", A, S), ch(11, "b", A, S),
			ch(20, "a", S, R), ch(110, "a", R, S), ch(111, "a", S, A), ch(112, "b", S, A)}, 2, 11},
		// One comes up and another goes down at the same instant (recorded
		// down first): not both down.
		{"same instant", []sim.StatusChange{ch(10, "a", A, S), ch(20, "b", A, S), ch(20, "a", S, A),
			ch(30, "b", S, A)}, 1, 10},
		// A server whose first change has a From was there, in that
		// status, when the history began (after a reset).
		{"down before the history began", []sim.StatusChange{ch(5, "a", S, A), ch(6, "b", A, S),
			ch(7, "b", S, A)}, 1, 5},
		{"two down before the history began", []sim.StatusChange{ch(5, "x", A, S), ch(6, "a", S, A),
			ch(7, "b", S, A)}, 3, 5},
		// A deleted server is not down, whether it disappears or shows DELETED.
		{"delete", []sim.StatusChange{ch(0, "a", "", B), ch(1, "b", "", B), ch(60, "a", B, S),
			ch(70, "a", S, ""), ch(80, "b", B, D), ch(81, "c", "", B)}, 2, 1},
		{"appear after others left", []sim.StatusChange{ch(0, "a", "", S), ch(10, "a", S, ""),
			ch(20, "b", "", S), ch(30, "c", "", S)}, 2, 30},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, got := sim.MaxConcurrent(tc.h, func(st string) bool {
				if st == "" {
					t.Errorf("down asked about \"\"")
				}
				return st != A
			})
			want := time.Time{}
			if tc.atSecs >= 0 {
				want = at(tc.atSecs)
			}
			if n != tc.n || !got.Equal(want) {
				t.Errorf("MaxConcurrent = %d at %s, want %d at %s", n, got, tc.n, want)
			}
		})
	}
}

// historyBody is GET /_sim/history's answer.
type historyBody struct {
	Project       string             `json:"project"`
	RecordHistory bool               `json:"record_history"`
	Changes       []sim.StatusChange `json:"changes"`
}

func getHistory(t *testing.T, url string) (int, string, historyBody) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var b historyBody
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatalf("decode %s: %v", raw, err)
		}
	}
	return resp.StatusCode, string(raw), b
}

func sameChanges(a, b []sim.StatusChange) bool {
	return slices.EqualFunc(a, b, func(x, y sim.StatusChange) bool {
		return x.At.Equal(y.At) && x.Seq == y.Seq && x.ServerID == y.ServerID && x.Name == y.Name && x.From == y.From && x.To == y.To
	})
}

func TestHistoryOverHTTP(t *testing.T) {
	e := newHistEnv(t, true)
	e.create("api", 2)
	want := e.history()
	for _, q := range []string{"?project=" + e.hs.ProjectID, ""} { // default: the first project
		st, raw, b := getHistory(t, e.hs.URL+"/_sim/history"+q)
		if st != http.StatusOK || b.Project != e.hs.ProjectID || !b.RecordHistory || len(b.Changes) != 4 || !sameChanges(b.Changes, want) {
			t.Errorf("GET /_sim/history%s: %d %s, want %+v", q, st, raw, want)
		}
	}
	if st, raw, _ := getHistory(t, e.hs.URL+"/_sim/history?project=ffffffffffffffffffffffffffffffff"); st != http.StatusNotFound {
		t.Errorf("unknown project: %d %s", st, raw)
	}
	resp, err := http.Post(e.hs.URL+"/_sim/history/reset", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("reset: %d", resp.StatusCode)
	}
	if st, raw, b := getHistory(t, e.hs.URL+"/_sim/history"); st != http.StatusOK || !strings.Contains(raw, `"changes":[]`) || len(b.Changes) != 0 {
		t.Errorf("after reset: %d %s", st, raw)
	}
}

func TestHistoryOffRecordsNothing(t *testing.T) {
	e := newHistEnv(t, false)
	ids := e.create("off", 2)
	e.power(true, sim.StatusShutoff, ids...)
	if h := e.history(); len(h) != 0 {
		t.Errorf("RecordHistory off: History = %+v", h)
	}
	e.hs.Sim.ResetHistory() // a no-op
	st, raw, b := getHistory(t, e.hs.URL+"/_sim/history")
	if st != http.StatusOK || b.RecordHistory || !strings.Contains(raw, `"changes":[]`) {
		t.Errorf("GET /_sim/history with recording off: %d %s", st, raw)
	}
}

// TestHistorySharedStateFile: two simulator processes on one state file
// write one history, since it lives in the state. The second applies the
// first's create job (nobody asked the first since) and records each
// change at its own time.
func TestHistorySharedStateFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cloud.json")
	clk := sim.NewManualClock(time.Now().UTC().Truncate(time.Second))
	withFile := func(c *sim.Config) { c.StateFile = file }
	first := newHistEnvClock(t, clk, true, withFile)
	second := newHistEnvClock(t, clk, true, withFile)

	t0 := clk.Now()
	on := true
	jr, err := first.c.CreateServers(first.ctx, &ecs.CreateServersRequest{Server: ecs.CreateServer{
		ImageRef: sim.ImageCentOS82, FlavorRef: "c6.large.2", Name: "shared", VPCID: histVPC,
		NICs:             []ecs.CreateNIC{{SubnetID: histSubnet}},
		RootVolume:       ecs.RootVolume{VolumeType: "SATA", Size: 40},
		AvailabilityZone: "az1.dc1", Count: 2, PowerOn: &on,
	}})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(10 * time.Minute)
	h := second.history()
	if len(h) != 4 {
		t.Fatalf("second process: %+v", h)
	}
	for _, c := range h {
		if c.To == sim.StatusActive {
			within(t, h, c.ServerID, sim.StatusActive, t0, 48*time.Second, 72*time.Second)
		}
	}
	if h1 := first.history(); !sameChanges(h1, h) {
		t.Errorf("first process: %+v, second: %+v", h1, h)
	}
	j, err := first.c.GetJob(first.ctx, jr.JobID)
	if err != nil || j.Status != ecs.JobSuccess {
		t.Errorf("create job: %v %v", j, err)
	}
}

func TestHistoryYAMLKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.yaml")
	if err := os.WriteFile(path, []byte("record_history: true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := sim.LoadConfig(path)
	if err != nil || !cfg.RecordHistory {
		t.Fatalf("record_history: %v %v", cfg.RecordHistory, err)
	}
	if sim.DefaultConfig().RecordHistory {
		t.Error("RecordHistory must be off by default")
	}
}
