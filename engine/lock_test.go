package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
	"github.com/ecsfleet/ecsfleet/plan"
)

// The lock's tests use the real client over HTTP against the simulator:
// the 409 of a duplicate keypair name (5.30.2) is the simulator's.

func lockClient(t testing.TB, hs *sim.HTTPServer, hc *http.Client) *ecs.Client {
	t.Helper()
	c, err := ecs.New(ecs.Config{Endpoint: hs.URL, ProjectID: hs.ProjectID, AccessKey: hs.AK, SecretKey: hs.SK, HTTPClient: hc,
		Retry: ecs.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// race starts n acquirers of fleet's lock at once (none waits) and returns
// those that got it and the errors of the others.
func race(t *testing.T, c LockCloud, fleet string, n int, o LockOptions) ([]*Lock, []error) {
	t.Helper()
	var (
		mu    sync.Mutex
		won   []*Lock
		lost  []error
		start = make(chan struct{})
		wg    sync.WaitGroup
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			oi := o
			oi.Fleet, oi.Command, oi.Run = fleet, "apply", fmt.Sprintf("racer-%d", i)
			<-start
			l, err := AcquireLock(context.Background(), c, oi)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				lost = append(lost, err)
				return
			}
			won = append(won, l)
		}()
	}
	close(start)
	wg.Wait()
	return won, lost
}

func TestLockRaceExactlyOneWins(t *testing.T) {
	hs := sim.NewTestServer(t)
	c := lockClient(t, hs, nil)
	rounds, racers := 200, 8
	if testing.Short() {
		rounds = 20
	}
	for r := range rounds {
		won, lost := race(t, c, "web", racers, LockOptions{})
		if len(won) != 1 {
			t.Fatalf("round %d: %d of %d racers hold the lock, want exactly 1 (errors: %v)", r, len(won), racers, lost)
		}
		for _, err := range lost {
			var held *LockHeldError
			if !errors.As(err, &held) || held.Holder.Run != won[0].Holder.Run {
				t.Fatalf("round %d: a loser's error is %v, want the lock held by the winner %s", r, err, won[0].Holder.Run)
			}
		}
		if err := won[0].Release(context.Background()); err != nil {
			t.Fatalf("round %d: release: %v", r, err)
		}
	}
	if h, err := ReadLock(context.Background(), c, "web"); !errors.Is(err, ErrNotLocked) {
		t.Fatalf("after the last release the lock is %v, %v; want none", h, err)
	}
	t.Logf("%d rounds of %d racers: one winner each", rounds, racers)
}

// A waiter with --lock-timeout gets the lock once the holder releases it.
func TestLockWaitsForRelease(t *testing.T) {
	hs := sim.NewTestServer(t)
	c := lockClient(t, hs, nil)
	ctx := context.Background()
	first, err := AcquireLock(ctx, c, LockOptions{Fleet: "web", Command: "apply", Run: "first"})
	if err != nil {
		t.Fatal(err)
	}
	waited := make(chan LockHolder, 1)
	go func() {
		time.Sleep(300 * time.Millisecond)
		first.Release(ctx)
	}()
	second, err := AcquireLock(ctx, c, LockOptions{Fleet: "web", Command: "apply", Run: "second", Wait: 10 * time.Second, Poll: 20 * time.Millisecond,
		Waiting: func(h LockHolder) { waited <- h }})
	if err != nil {
		t.Fatalf("waiting for the lock: %v", err)
	}
	if h := <-waited; h.Run != "first" {
		t.Errorf("waited for %s, want run first", h.Run)
	}
	if second.Holder.Run != "second" {
		t.Errorf("holder %s, want second", second.Holder.Run)
	}
	// Without waiting: refused at once, naming the holder.
	_, err = AcquireLock(ctx, c, LockOptions{Fleet: "web", Command: "destroy", Run: "third"})
	var held *LockHeldError
	if !errors.As(err, &held) || held.Holder.Run != "second" || held.Holder.Command != "apply" || held.Holder.PID != os.Getpid() {
		t.Fatalf("a third acquirer: %v, want the lock held by run second", err)
	}
	for _, want := range []string{"fleet web is locked by run second (apply by ", fmt.Sprintf("pid %d", os.Getpid()), "since ", "expires at "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the message %q does not say %q", err, want)
		}
	}
}

// staleLock makes fleet's lock as a run that started at since with ttl
// left it (and never released).
func staleLock(t *testing.T, c LockCloud, h LockHolder) string {
	t.Helper()
	blob, err := newKey()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateKeypair(context.Background(), plan.LockKeypairName(h.Fleet), "ssh-ed25519 "+blob+" "+h.comment()); err != nil {
		t.Fatal(err)
	}
	return blob
}

func TestLockExpiredIsBrokenByExactlyOneWaiter(t *testing.T) {
	hs := sim.NewTestServer(t)
	c := lockClient(t, hs, nil)
	rounds, racers := 100, 8
	if testing.Short() {
		rounds = 10
	}
	for r := range rounds {
		since := time.Now().Add(-2 * time.Hour)
		staleLock(t, c, LockHolder{Fleet: "web", Run: fmt.Sprintf("dead-%d", r), User: "ops@elsewhere", PID: 1, Command: "apply",
			Since: since, Expires: since.Add(time.Hour)})
		var broke atomic.Int32
		won, lost := race(t, c, "web", racers, LockOptions{Broke: func(h LockHolder, why string) {
			broke.Add(1)
			if !strings.Contains(why, "expired") || h.Run != fmt.Sprintf("dead-%d", r) {
				t.Errorf("broke %s because %q", h.Run, why)
			}
		}})
		if len(won) != 1 {
			t.Fatalf("round %d: %d of %d waiters hold the lock after it expired, want exactly 1 (errors: %v)", r, len(won), racers, lost)
		}
		if n := broke.Load(); n != 1 {
			t.Fatalf("round %d: the expired lock was broken %d times, want once", r, n)
		}
		if h, err := ReadLock(context.Background(), c, "web"); err != nil || h.Run != won[0].Holder.Run {
			t.Fatalf("round %d: the lock is %v (%v), want the winner's %s", r, h.Run, err, won[0].Holder.Run)
		}
		if err := won[0].Release(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	kps, err := c.ListKeypairs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tickets := 0
	for _, kp := range kps {
		if strings.HasPrefix(kp.Name, plan.LockKeypairPrefix+"b-") {
			tickets++
		}
	}
	t.Logf("%d rounds of %d waiters on an expired lock: one breaker, one holder each; %d break tickets kept", rounds, racers, tickets)
}

// A lock not yet expired is not broken, whatever its holder's clock said
// (the guard after the expiry).
func TestLockNotBrokenBeforeExpiryAndGuard(t *testing.T) {
	hs := sim.NewTestServer(t)
	c := lockClient(t, hs, nil)
	since := time.Now().Add(-time.Hour)
	staleLock(t, c, LockHolder{Fleet: "web", Run: "just-expired", User: "ops@elsewhere", PID: 1, Command: "apply",
		Since: since, Expires: since.Add(time.Hour).Add(-time.Minute)}) // expired a minute ago: within the 5-minute guard
	_, err := AcquireLock(context.Background(), c, LockOptions{Fleet: "web", Command: "apply"})
	var held *LockHeldError
	if !errors.As(err, &held) || held.Holder.Run != "just-expired" {
		t.Fatalf("a lock a minute past its expiry: %v, want it still held (guard)", err)
	}
}

// dropAnswer loses the answer of the first keypair create it forwards: the
// request reaches the simulator, the client sees a broken connection.
type dropAnswer struct {
	base    http.RoundTripper
	before  bool // drop before sending instead: the create never happens
	dropped atomic.Int32
}

func (d *dropAnswer) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/os-keypairs") && d.dropped.Add(1) == 1 {
		if d.before {
			return nil, &netErr{}
		}
		resp, err := d.base.RoundTrip(r)
		if err == nil {
			resp.Body.Close()
		}
		return nil, &netErr{}
	}
	return d.base.RoundTrip(r)
}

type netErr struct{}

func (*netErr) Error() string   { return "connection reset by peer (test)" }
func (*netErr) Timeout() bool   { return false }
func (*netErr) Temporary() bool { return true }

func TestLockCreateWithUnknownOutcome(t *testing.T) {
	for _, before := range []bool{false, true} {
		t.Run(fmt.Sprintf("made=%v", !before), func(t *testing.T) {
			hs := sim.NewTestServer(t)
			d := &dropAnswer{base: http.DefaultTransport, before: before}
			c := lockClient(t, hs, &http.Client{Transport: d})
			l, err := AcquireLock(context.Background(), c, LockOptions{Fleet: "web", Command: "apply", Run: "lossy"})
			if err != nil {
				t.Fatalf("a create whose answer was lost: %v, want the lock (re-read, compared)", err)
			}
			if d.dropped.Load() < 1 {
				t.Fatal("no create was dropped")
			}
			h, err := ReadLock(context.Background(), lockClient(t, hs, nil), "web")
			if err != nil || h.Run != "lossy" {
				t.Fatalf("the lock is %+v (%v), want run lossy", h, err)
			}
			// Another acquirer's lost create must not make it the holder.
			d2 := &dropAnswer{base: http.DefaultTransport}
			_, err = AcquireLock(context.Background(), lockClient(t, hs, &http.Client{Transport: d2}), LockOptions{Fleet: "web", Command: "apply", Run: "other"})
			var held *LockHeldError
			if !errors.As(err, &held) || held.Holder.Run != "lossy" {
				t.Fatalf("a second acquirer with a lost answer: %v, want the lock held by lossy", err)
			}
			if err := l.Release(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A holder that ran in this directory on this machine and whose process
// is gone is taken over at once (this run resumes its journal); from
// another directory it is reported, and left to expire or force-unlock.
func TestLockOfADeadProcess(t *testing.T) {
	hs := sim.NewTestServer(t)
	c := lockClient(t, hs, nil)
	ctx := context.Background()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no 'true' to run:", err)
	}
	self := Self("web", "apply", "/srv/fleets/web", "", time.Now(), time.Hour)
	if self.Machine == "" {
		t.Skip("no /proc: a dead holder cannot be told")
	}
	h := self
	h.Run, h.PID, h.PStart = "killed", dead.Process.Pid, "1"
	staleLock(t, c, h)

	_, err := AcquireLock(ctx, c, LockOptions{Fleet: "web", Command: "apply", Dir: "/srv/fleets/other"})
	var held *LockHeldError
	if !errors.As(err, &held) || held.Holder.Run != "killed" || !held.Gone {
		t.Fatalf("from another directory: %v, want the lock held by the dead run killed, said to be gone", err)
	}
	if !strings.Contains(err.Error(), "no longer running") {
		t.Errorf("the message does not say the holder is gone: %v", err)
	}
	var why string
	l, err := AcquireLock(ctx, c, LockOptions{Fleet: "web", Command: "apply", Dir: "/srv/fleets/web", Broke: func(_ LockHolder, w string) { why = w }})
	if err != nil {
		t.Fatalf("from the dead run's directory: %v, want the lock taken over", err)
	}
	if !strings.Contains(why, "no longer running") {
		t.Errorf("broke it because %q", why)
	}
	if err := l.Release(ctx); err != nil {
		t.Fatal(err)
	}
	// A directory longer than a lock records is still recognized.
	long := "/srv/" + strings.Repeat("deep/", 40) + "web"
	h.Dir, h.Run = long, "killed-deep"
	staleLock(t, c, h)
	if l, err = AcquireLock(ctx, c, LockOptions{Fleet: "web", Command: "apply", Dir: long}); err != nil {
		t.Fatalf("from the dead run's long directory: %v, want the lock taken over", err)
	}
	// A live holder (this process) in the same directory is never taken over.
	_, err = AcquireLock(ctx, c, LockOptions{Fleet: "web", Command: "apply", Dir: long})
	if !errors.As(err, &held) || held.Holder.Run != l.Holder.Run || held.Gone {
		t.Fatalf("a live holder in the same directory: %v, want it held", err)
	}
}

func TestForceUnlock(t *testing.T) {
	hs := sim.NewTestServer(t)
	c := lockClient(t, hs, nil)
	ctx := context.Background()
	if _, err := ForceUnlock(ctx, c, "web", "nobody", "force-unlock"); !errors.Is(err, ErrNotLocked) {
		t.Fatalf("force-unlock of no lock: %v, want ErrNotLocked", err)
	}
	l, err := AcquireLock(ctx, c, LockOptions{Fleet: "web", Command: "apply", Run: "holder"})
	if err != nil {
		t.Fatal(err)
	}
	var held *LockHeldError
	if _, err := ForceUnlock(ctx, c, "web", "someone-else", "force-unlock"); !errors.As(err, &held) {
		t.Fatalf("force-unlock naming another run: %v, want refused", err)
	}
	if err := l.Check(ctx); err != nil {
		t.Fatalf("the holder's check after a refused force-unlock: %v", err)
	}
	h, err := ForceUnlock(ctx, c, "web", "holder", "force-unlock")
	if err != nil || h.Run != "holder" {
		t.Fatalf("force-unlock: %+v, %v", h, err)
	}
	if err := l.Check(ctx); !errors.Is(err, ErrLockLost) {
		t.Fatalf("the holder's check after force-unlock: %v, want ErrLockLost", err)
	}
	// The next run takes it; the broken holder's release leaves it alone.
	next, err := AcquireLock(ctx, c, LockOptions{Fleet: "web", Command: "apply", Run: "next"})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if h, err := ReadLock(ctx, c, "web"); err != nil || h.Run != "next" {
		t.Fatalf("after the broken holder released: %v (%v), want next's lock kept", h.Run, err)
	}
	lost := make(chan error, 1)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next.Watch(wctx, 10*time.Millisecond, func(err error) { lost <- err })
	if _, err := ForceUnlock(ctx, c, "web", "next", "force-unlock"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-lost:
		if !errors.Is(err, ErrLockLost) {
			t.Fatalf("watch: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the watch did not notice the lock was broken")
	}
}

// A lock near its expiry tells its holder to stop.
func TestLockExpiringStopsTheHolder(t *testing.T) {
	hs := sim.NewTestServer(t)
	c := lockClient(t, hs, nil)
	l, err := AcquireLock(context.Background(), c, LockOptions{Fleet: "web", Command: "apply", TTL: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	lost := make(chan error, 1)
	l.Watch(context.Background(), 20*time.Millisecond, func(err error) { lost <- err })
	select {
	case err := <-lost:
		if !errors.Is(err, ErrLockExpiring) {
			t.Fatalf("watch: %v, want ErrLockExpiring", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the holder was not told its lock expires")
	}
}

// While a run holds the lock, no plan of any fleet touches the lock keypair.
func TestLockKeypairNeverInAPlan(t *testing.T) {
	cl := newCloud(t)
	ctx := context.Background()
	for _, ex := range []string{"web-tier.yaml", "batch-farm.yaml"} {
		if _, err := os.Stat("../examples/" + ex); err != nil {
			continue
		}
		f := loadExample(t, ex)
		l, err := AcquireLock(ctx, cl.c, LockOptions{Fleet: f.Name, Command: "apply"})
		if err != nil {
			t.Fatal(err)
		}
		for round := 0; round < 2; round++ {
			p := cl.plan(t, f)
			for _, ch := range p.Changes {
				if plan.IsLockKeypair(ch.Name) {
					t.Errorf("%s: the plan has %s %s %s", ex, ch.Action, ch.Kind, ch.Name)
				}
			}
			for _, op := range p.Ops {
				if plan.IsLockKeypair(op.Args.Name) || plan.IsLockKeypair(op.Args.KeyName) {
					t.Errorf("%s: op %s %s names the lock", ex, op.ID, op.Kind)
				}
			}
			if round == 0 {
				cl.apply(t, f)
			}
		}
		if h, err := ReadLock(ctx, cl.c, f.Name); err != nil || h.Run != l.Holder.Run {
			t.Fatalf("%s: after apply, the lock is %v (%v)", ex, h, err)
		}
		if err := l.Release(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLockCloudSkew(t *testing.T) {
	since := time.Date(2026, 12, 3, 21, 45, 3, 0, time.UTC)
	for _, tc := range []struct {
		created string
		want    time.Duration
		ok      bool
	}{
		{"2026-12-03T21:45:02.681238", 318762 * time.Microsecond, true},
		{"2026-12-03T21:35:03.000000", 10 * time.Minute, true},
		{"2026-12-03T21:50:03Z", -5 * time.Minute, true},
		{"", 0, false},
		{"yesterday", 0, false},
	} {
		got, ok := LockHolder{Since: since, Created: tc.created}.CloudSkew()
		if got != tc.want || ok != tc.ok {
			t.Errorf("created_at %q: skew %v %v, want %v %v", tc.created, got, ok, tc.want, tc.ok)
		}
	}
}

// A cloud that refuses to create keypairs (403) stops the run before
// anything changes, saying what right the lock needs.
func TestLockPermissionDenied(t *testing.T) {
	hs := sim.NewTestServer(t)
	// Credentials of one project, the path of another: the simulator
	// refuses (401 APIGW.0301), as a cloud refuses a user without the
	// right (403).
	c, err := ecs.New(ecs.Config{Endpoint: hs.URL, ProjectID: "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f", AccessKey: hs.AK, SecretKey: hs.SK,
		Retry: ecs.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = AcquireLock(context.Background(), c, LockOptions{Fleet: "web", Command: "apply"})
	var held *LockHeldError
	if err == nil || errors.As(err, &held) {
		t.Fatalf("acquire on a cloud that refuses: %v, want the refusal", err)
	}
	if !strings.Contains(err.Error(), "HTTP 401") || !strings.Contains(err.Error(), "the run lock needs the right to create and delete keypairs") {
		t.Errorf("the error does not say the lock needs the keypair rights: %v", err)
	}
}

// A breaker that died while breaking leaves its ticket: the next waiter
// takes the next ticket once it expired, and the run that gets the lock
// deletes the dead breaker's ticket.
func TestLockDeadBreakersTicket(t *testing.T) {
	hs := sim.NewTestServer(t)
	c := lockClient(t, hs, nil)
	ctx := context.Background()
	since := time.Now().Add(-2 * time.Hour)
	blob := staleLock(t, c, LockHolder{Fleet: "web", Run: "dead", User: "ops@elsewhere", PID: 1, Command: "apply", Since: since, Expires: since.Add(time.Hour)})
	tb, err := newKey()
	if err != nil {
		t.Fatal(err)
	}
	ticket := ticketName("web", instance(blob), 1)
	th := LockHolder{Fleet: "web", Run: "dead-breaker", User: "ops@elsewhere", PID: 2, Command: "apply", Breaks: instance(blob),
		Since: time.Now().Add(-time.Hour), Expires: time.Now().Add(-time.Hour).Add(time.Minute)}
	if _, err := c.CreateKeypair(ctx, ticket, "ssh-ed25519 "+tb+" "+th.comment()); err != nil {
		t.Fatal(err)
	}
	l, err := AcquireLock(ctx, c, LockOptions{Fleet: "web", Command: "apply", Run: "next"})
	if err != nil {
		t.Fatalf("with a dead breaker's ticket: %v, want the lock", err)
	}
	defer l.Release(ctx)
	kps, err := c.ListKeypairs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, kp := range kps {
		if kp.Name != plan.LockKeypairName("web") {
			t.Errorf("keypair %s left after the lock was taken", kp.Name)
		}
	}
}

// The lock's public key stays under the 1024 bytes 5.30.2 recommends,
// whatever the directory, and its comment reads back as written.
func TestLockKeyShortAndReadable(t *testing.T) {
	blob, err := newKey()
	if err != nil {
		t.Fatal(err)
	}
	h := Self("web", "apply", "/srv/"+strings.Repeat("a dir with spaces/", 40), "", time.Now(), time.Hour)
	h.User = strings.Repeat("u", 32) + "@" + strings.Repeat("h", 63)
	key := "ssh-ed25519 " + blob + " " + h.comment()
	if len(key) > 1024 {
		t.Errorf("the lock's key is %d bytes, more than 1024", len(key))
	}
	b, got, ok := parseLockKey(key)
	if !ok || b != blob || got.Run != h.Run || got.User != h.User || got.PID != h.PID || !got.Expires.Equal(h.Expires) || !strings.HasSuffix(h.Dir, strings.TrimPrefix(got.Dir, "...")) {
		t.Errorf("read back %+v (ok %v), wrote %+v", got, ok, h)
	}
}

// A run killed while it was breaking a lock (its ticket made, the lock not
// yet deleted) does not block the next run in its directory until the
// ticket expires: its process is gone, so its ticket is passed over too.
func TestLockBreakerKilledInTheSameDirectory(t *testing.T) {
	hs := sim.NewTestServer(t)
	c := lockClient(t, hs, nil)
	ctx := context.Background()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no 'true' to run:", err)
	}
	self := Self("web", "apply", "/srv/fleets/web", "", time.Now(), time.Hour)
	if self.Machine == "" {
		t.Skip("no /proc: a dead holder cannot be told")
	}
	// The first dead run's lock, and the ticket of a second run that died
	// taking it over: both this directory's, both processes gone.
	h := self
	h.Run, h.PID, h.PStart = "killed", dead.Process.Pid, "1"
	blob := staleLock(t, c, h)
	tb, err := newKey()
	if err != nil {
		t.Fatal(err)
	}
	th := h
	th.Run, th.Breaks = "killed-while-breaking", instance(blob)
	if _, err := c.CreateKeypair(ctx, ticketName("web", instance(blob), 1), "ssh-ed25519 "+tb+" "+th.comment()); err != nil {
		t.Fatal(err)
	}
	l, err := AcquireLock(ctx, c, LockOptions{Fleet: "web", Command: "apply", Dir: "/srv/fleets/web"})
	if err != nil {
		t.Fatalf("after a run killed while breaking: %v, want the lock taken over", err)
	}
	l.Release(ctx)
}
