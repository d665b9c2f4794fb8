package engine

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/user"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/plan"
)

// The run lock keeps two runs that change one fleet (apply, destroy) from
// interleaving, wherever they run: nothing is shared but the cloud, so
// the lock lives there. The ECS API has one atomic create-if-absent: a
// keypair's name is unique in a project, and creating a second keypair of
// that name answers 409 (5.30.2). So the lock of fleet F is a keypair
// named plan.LockKeypairName(F), made by importing a public key generated
// for the run, whose comment says who holds it and until when:
//
//	ssh-ed25519 AAAA… ecsfleet-lock v=1 fleet=web run=20261203T214503Z-1a2b3c4d
//	    holder=ops@cron1 pid=4242 cmd=apply dir=/srv/fleets/web machine=… pstart=…
//	    since=2026-12-03T21:45:03Z expires=2026-12-03T22:45:03Z
//
// The design, its failure modes and the reasons are in docs/locking.md.

// LockCloud is the keypair calls the lock makes. *ecs.Client implements it.
type LockCloud interface {
	ListKeypairs(ctx context.Context) ([]ecs.Keypair, error)
	GetKeypair(ctx context.Context, name string) (*ecs.Keypair, error)
	CreateKeypair(ctx context.Context, name, publicKey string) (*ecs.Keypair, error)
	DeleteKeypair(ctx context.Context, name string) error
}

var _ LockCloud = (*ecs.Client)(nil)

// DefaultLockTTL is how long a lock lasts when its holder neither releases
// it nor is seen to be dead. A keypair cannot be updated, so a lock is
// not renewed: a run still going near the end of its lock stops starting
// changes (as after Ctrl-C) and the next run carries on.
const DefaultLockTTL = time.Hour

// lockTag starts every lock keypair's comment.
const lockTag = "ecsfleet-lock"

// LockHolder is who holds a lock, as its keypair's comment says.
type LockHolder struct {
	Fleet   string
	Run     string
	User    string // user@host
	PID     int
	Command string // apply, destroy, force-unlock
	Dir     string // the working directory, whose journal the run writes
	// Machine identifies the process space the holder ran in (Linux: the
	// boot and the pid namespace), PStart its process's start there: with
	// PID, enough to tell that the holder's process is gone.
	Machine string
	PStart  string
	Since   time.Time
	Expires time.Time
	// Breaks is set on a break ticket: the lock instance it breaks.
	Breaks string
	// Created is the keypair's created_at, by the cloud's clock, as the
	// cloud wrote it ("" when the cloud does not say).
	Created string
}

// CloudSkew is how far the holder's clock was ahead of the cloud's when
// it took the lock: its since (the holder's clock, to the second) less the
// keypair's created_at (the cloud's clock; 5.30.4 gives no zone: UTC is
// assumed). ok is false when the cloud gave no readable created_at. The
// difference includes the create call's latency and the second cut off.
func (h LockHolder) CloudSkew() (time.Duration, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05.999999", time.RFC3339Nano, "2006-01-02 15:04:05.999999"} {
		if c, err := time.Parse(layout, h.Created); err == nil && !h.Since.IsZero() {
			return h.Since.Sub(c.UTC()), true
		}
	}
	return 0, false
}

// ID is the LOCK_ID force-unlock takes: fleet/run.
func (h LockHolder) ID() string { return h.Fleet + "/" + h.Run }

// TTL is how long the holder's lock lasts from its start.
func (h LockHolder) TTL() time.Duration { return h.Expires.Sub(h.Since) }

// String says who holds a lock, for a person.
func (h LockHolder) String() string {
	who := h.User
	if who == "" {
		who = "an unknown holder"
	}
	s := fmt.Sprintf("run %s (%s by %s, pid %d", h.Run, orUnknown(h.Command), who, h.PID)
	if h.Dir != "" {
		s += " in " + h.Dir
	}
	return s + ")"
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown command"
	}
	return s
}

// comment encodes the holder as the public key's comment: key=value words,
// the values query-escaped (no spaces), the whole key under the 1024 bytes
// the reference recommends for a public key (a long directory is cut).
func (h LockHolder) comment() string {
	dir := shortDir(h.Dir)
	kv := []struct{ k, v string }{
		{"v", "1"}, {"fleet", h.Fleet}, {"run", h.Run}, {"holder", h.User}, {"pid", strconv.Itoa(h.PID)},
		{"cmd", h.Command}, {"dir", dir}, {"machine", h.Machine}, {"pstart", h.PStart},
		{"since", h.Since.UTC().Format(time.RFC3339)}, {"expires", h.Expires.UTC().Format(time.RFC3339)},
		{"breaks", h.Breaks},
	}
	var b strings.Builder
	b.WriteString(lockTag)
	for _, e := range kv {
		if e.v != "" {
			fmt.Fprintf(&b, " %s=%s", e.k, url.QueryEscape(e.v))
		}
	}
	return b.String()
}

// shortDir is a directory as a lock records it: a long one is cut to its
// last 120 bytes (the end names it best).
func shortDir(dir string) string {
	if len(dir) > 120 {
		return "..." + dir[len(dir)-120:]
	}
	return dir
}

// parseLockKey reads a lock keypair's public key: its key blob (what
// identifies the instance) and the holder its comment names. ok is false
// when the comment is not a lock's (the cloud dropped it, or the keypair
// was made by hand).
func parseLockKey(publicKey string) (blob string, h LockHolder, ok bool) {
	f := strings.Fields(publicKey)
	if len(f) >= 2 {
		blob = f[1]
	}
	if len(f) < 3 || f[2] != lockTag {
		return blob, h, false
	}
	for _, w := range f[3:] {
		k, v, found := strings.Cut(w, "=")
		if !found {
			continue
		}
		if u, err := url.QueryUnescape(v); err == nil {
			v = u
		}
		switch k {
		case "fleet":
			h.Fleet = v
		case "run":
			h.Run = v
		case "holder":
			h.User = v
		case "pid":
			h.PID, _ = strconv.Atoi(v)
		case "cmd":
			h.Command = v
		case "dir":
			h.Dir = v
		case "machine":
			h.Machine = v
		case "pstart":
			h.PStart = v
		case "since":
			h.Since, _ = time.Parse(time.RFC3339, v)
		case "expires":
			h.Expires, _ = time.Parse(time.RFC3339, v)
		case "breaks":
			h.Breaks = v
		}
	}
	return blob, h, h.Run != "" && !h.Expires.IsZero()
}

// LockOptions say which lock to take and how long to wait for it.
type LockOptions struct {
	Fleet   string
	Command string
	// TTL is how long the lock lasts (0: DefaultLockTTL).
	TTL time.Duration
	// Wait is how long to wait for a held lock (--lock-timeout; 0: not at all).
	Wait time.Duration
	// Poll is the time between two tries while waiting (0: 2 s, less for
	// a short TTL).
	Poll time.Duration
	// Dir is the working directory (absolute): a lock whose holder ran
	// in the same directory on this machine and whose process is gone is
	// taken over at once, since this run's journal resumes the dead one's.
	Dir string
	// Run names this run (0: a new id).
	Run string
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Waiting is called when the lock is found held and the run waits;
	// again when the holder changes.
	Waiting func(LockHolder)
	// Broke is called when a lock is broken to take it: expired, or its
	// holder's process gone.
	Broke func(h LockHolder, why string)
}

// Lock is a held run lock.
type Lock struct {
	c      LockCloud
	name   string
	fleet  string
	blob   string
	Holder LockHolder
	now    func() time.Time

	mu       sync.Mutex
	released bool
}

// Name is the lock's keypair name.
func (l *Lock) Name() string { return l.name }

// LockHeldError says the lock is someone else's.
type LockHeldError struct {
	Name   string
	Holder LockHolder
	// Gone: the holder ran on this machine and its process is no longer
	// running (it died without releasing the lock), yet it ran in another
	// directory, whose journal only a run there resumes.
	Gone bool
	// Unknown: the keypair's comment is not a lock's.
	Unknown bool
}

func (e *LockHeldError) Error() string {
	if e.Unknown {
		return fmt.Sprintf("the fleet's lock (keypair %s) exists, but its key says nothing of its holder", e.Name)
	}
	h := e.Holder
	s := fmt.Sprintf("fleet %s is locked by %s since %s", h.Fleet, h, h.Since.UTC().Format(time.RFC3339))
	if e.Gone {
		s += ", whose process is no longer running"
	}
	return s + fmt.Sprintf("; the lock expires at %s", h.Expires.UTC().Format(time.RFC3339))
}

// ErrLockLost says a held lock is no longer the run's: broken by
// force-unlock, or after its expiry by another run.
var ErrLockLost = errors.New("the run's lock was broken (force-unlock, or it expired and another run took it)")

// ErrLockExpiring says a held lock is about to expire: the run must stop
// starting changes before another may take the lock.
var ErrLockExpiring = errors.New("the run's lock is about to expire")

// ErrNotLocked says there is no lock to break.
var ErrNotLocked = errors.New("the fleet is not locked")

// lockGuard is the margin around a lock's expiry: its holder stops
// starting changes this long before it, and a waiter breaks it only this
// long after it, so clocks that differ by less than this never let two
// runs work at once (docs/locking.md).
func lockGuard(ttl time.Duration) time.Duration {
	return min(5*time.Minute, ttl/5)
}

// ticketTTL is how long a break ticket lasts: a breaker that dies while
// breaking blocks the others this long.
func ticketTTL(ttl time.Duration) time.Duration {
	return min(time.Minute, max(ttl/2, time.Second))
}

// ticketName is the k-th break ticket of lock instance inst of fleet:
// its own prefix (ecsfleet-lockb-), so that no lock name is a ticket's.
func ticketName(fleet, inst string, k int) string {
	return fmt.Sprintf("%sb-%s-%s-%d", plan.LockKeypairPrefix, plan.LockFleetPart(fleet), inst, k)
}

// instance names a lock instance: a hash of its key blob.
func instance(blob string) string {
	sum := sha256.Sum256([]byte(blob))
	return hex.EncodeToString(sum[:4])
}

// newKey generates the run's public key (ed25519, the simulator and every
// HCS validate it as an OpenSSH key); the private key is thrown away: the
// keypair is a name and a comment, never a login key.
func newKey() (string, error) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", err
	}
	var b []byte
	for _, s := range [][]byte{[]byte("ssh-ed25519"), pub} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// Self is the holder identity of this process.
func Self(fleet, command, dir, run string, now time.Time, ttl time.Duration) LockHolder {
	who := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		who = u.Username
	}
	host, _ := os.Hostname()
	if run == "" {
		run = runID(now)
	}
	machine, pstart := processIdentity(os.Getpid())
	return LockHolder{Fleet: fleet, Run: run, User: who + "@" + host, PID: os.Getpid(), Command: command, Dir: dir,
		Machine: machine, PStart: pstart, Since: now.UTC().Truncate(time.Second), Expires: now.UTC().Truncate(time.Second).Add(ttl)}
}

// AcquireLock takes fleet's lock, waiting up to o.Wait while another run
// holds it. A lock past its expiry (and its guard), or one whose holder
// ran in o.Dir on this machine and is gone, is broken first. It returns a
// *LockHeldError when the wait is over and the lock still held; any other
// error is the cloud's (e.g. no right to create keypairs).
func AcquireLock(ctx context.Context, c LockCloud, o LockOptions) (*Lock, error) {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	ttl := o.TTL
	if ttl <= 0 {
		ttl = DefaultLockTTL
	}
	poll := o.Poll
	if poll <= 0 {
		poll = min(2*time.Second, max(ttl/20, 50*time.Millisecond))
	}
	blob, err := newKey()
	if err != nil {
		return nil, fmt.Errorf("lock: generating its key: %w", err)
	}
	a := &acquirer{c: c, o: o, now: now, ttl: ttl, name: plan.LockKeypairName(o.Fleet), blob: blob}
	a.self = Self(o.Fleet, o.Command, o.Dir, o.Run, now(), ttl)
	deadline := now().Add(o.Wait)
	var told string
	for {
		l, held, err := a.try(ctx)
		if l != nil || err != nil {
			return l, err
		}
		if !now().Before(deadline) {
			return nil, held
		}
		if o.Waiting != nil && held.Holder.Run != told {
			told = held.Holder.Run
			o.Waiting(held.Holder)
		}
		wait := min(poll, deadline.Sub(now()))
		// Spread waiters so they do not all try at once.
		wait = wait/2 + time.Duration(randInt63n(int64(wait/2)+1))
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

func randInt63n(n int64) int64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:])>>1) % n
}

type acquirer struct {
	c    LockCloud
	o    LockOptions
	now  func() time.Time
	ttl  time.Duration
	name string
	blob string
	self LockHolder
}

// key is the public key line of this run's lock, stamped now.
func (a *acquirer) key(h LockHolder) string {
	return "ssh-ed25519 " + a.blob + " " + h.comment()
}

// try makes one attempt: the lock, or who holds it, or an error. A lock
// that disappeared, or one just broken, is tried again at once, a bounded
// number of times.
func (a *acquirer) try(ctx context.Context) (*Lock, *LockHeldError, error) {
	for attempt := 0; attempt < 8; attempt++ {
		t := a.now()
		a.self.Since = t.UTC().Truncate(time.Second)
		a.self.Expires = a.self.Since.Add(a.ttl)
		_, err := a.c.CreateKeypair(ctx, a.name, a.key(a.self))
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return nil, nil, ctx.Err()
		case isConflict(err):
		case unknownOutcome(err):
			// Lost answer: the keypair may exist, and be this run's. The
			// read below tells.
		default:
			return nil, nil, createError(a.name, err)
		}
		created := err == nil
		kp, err := a.c.GetKeypair(ctx, a.name)
		if ecs.IsNotFound(err) {
			continue // released (or broken) meanwhile: try again
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			if created {
				// The cloud said it made the run's keypair: the run
				// holds the lock, though the read that confirms it failed
				// (its checks confirm it later).
				return &Lock{c: a.c, name: a.name, fleet: a.o.Fleet, blob: a.blob, Holder: a.self, now: a.now}, nil, nil
			}
			return nil, nil, fmt.Errorf("lock: reading %s: %w", a.name, err)
		}
		blob, h, ok := parseLockKey(kp.PublicKey)
		h.Created = string(kp.CreatedAt)
		if blob == a.blob {
			// Confirmed: the keypair in the cloud is this run's key.
			if ok {
				a.self = h
			}
			a.self.Created = h.Created
			l := &Lock{c: a.c, name: a.name, fleet: a.o.Fleet, blob: a.blob, Holder: a.self, now: a.now}
			a.gcTickets(ctx)
			return l, nil, nil
		}
		if !ok {
			return nil, &LockHeldError{Name: a.name, Unknown: true, Holder: LockHolder{Fleet: a.o.Fleet, Created: h.Created}}, nil
		}
		why := ""
		switch {
		case a.now().After(h.Expires.Add(lockGuard(h.TTL()))):
			why = "it expired at " + h.Expires.UTC().Format(time.RFC3339)
		case a.sameProcessSpace(h) && h.Dir == shortDir(a.o.Dir) && processGone(h.PID, h.PStart):
			why = fmt.Sprintf("its process %d is no longer running on this machine, and this run resumes its journal", h.PID)
		}
		if why == "" {
			return nil, &LockHeldError{Name: a.name, Holder: h, Gone: a.sameProcessSpace(h) && processGone(h.PID, h.PStart)}, nil
		}
		out, err := breakLock(ctx, a.c, a.now, a.self, a.ttl, a.name, blob)
		if err != nil {
			return nil, nil, err
		}
		if out == breakLost {
			// Another run is breaking it: it is held.
			return nil, &LockHeldError{Name: a.name, Holder: h}, nil
		}
		if out == breakDone && a.o.Broke != nil {
			a.o.Broke(h, why)
		}
	}
	kp, err := a.c.GetKeypair(ctx, a.name)
	if err != nil {
		return nil, nil, fmt.Errorf("lock: %s keeps changing; reading it: %w", a.name, err)
	}
	_, h, _ := parseLockKey(kp.PublicKey)
	return nil, &LockHeldError{Name: a.name, Holder: h}, nil
}

func (a *acquirer) sameProcessSpace(h LockHolder) bool {
	return h.Machine != "" && h.Machine == a.self.Machine
}

// breakOutcome is what breakLock did.
type breakOutcome int

const (
	breakLost    breakOutcome = iota // another caller is breaking it
	breakDone                        // this caller deleted the instance
	breakAlready                     // the instance was gone or replaced already
)

// breakLock deletes the lock instance whose key is blob, if this caller
// wins its break ticket: a keypair named after the instance, created
// atomically, so of all who want to break one instance one does. The
// instance is re-read before it is deleted: one that changed meanwhile is
// left alone. The ticket is deleted when the break is over: the instance
// is gone for good then (its key was random), and a late breaker of it
// that wins a new ticket finds it gone.
func breakLock(ctx context.Context, c LockCloud, now func() time.Time, self LockHolder, ttl time.Duration, name, blob string) (breakOutcome, error) {
	inst := instance(blob)
	tblob, err := newKey()
	if err != nil {
		return breakLost, err
	}
	for k, tries := 1, 0; k <= 20 && tries < 40; tries++ {
		tname := ticketName(self.Fleet, inst, k)
		t := self
		t.Breaks = inst
		t.Since = now().UTC().Truncate(time.Second)
		t.Expires = t.Since.Add(ticketTTL(ttl))
		_, err := c.CreateKeypair(ctx, tname, "ssh-ed25519 "+tblob+" "+t.comment())
		switch {
		case err == nil, unknownOutcome(err):
			kp, gerr := c.GetKeypair(ctx, tname)
			if gerr != nil && !ecs.IsNotFound(gerr) {
				return breakLost, fmt.Errorf("lock: reading break ticket %s: %w", tname, gerr)
			}
			if gerr != nil {
				continue // the lost create did not happen (or the ticket is gone): the same ticket again
			}
			if b, _, _ := parseLockKey(kp.PublicKey); b != tblob {
				return breakLost, nil // another breaker's
			}
			out, err := deleteInstance(ctx, c, name, blob)
			if err == nil {
				_ = c.DeleteKeypair(ctx, tname)
			}
			return out, err
		case isConflict(err):
			kp, gerr := c.GetKeypair(ctx, tname)
			if ecs.IsNotFound(gerr) {
				continue
			}
			if gerr != nil {
				return breakLost, fmt.Errorf("lock: reading break ticket %s: %w", tname, gerr)
			}
			_, th, ok := parseLockKey(kp.PublicKey)
			dead := ok && th.Machine != "" && th.Machine == self.Machine && th.Dir == shortDir(self.Dir) && processGone(th.PID, th.PStart)
			if ok && (dead || now().After(th.Expires.Add(lockGuard(th.TTL())))) {
				k++ // that breaker died while breaking (expired, or its process is gone): the next ticket
				continue
			}
			return breakLost, nil
		default:
			return breakLost, createError(tname, err)
		}
	}
	return breakLost, fmt.Errorf("lock: cannot get a break ticket of %s (20 are taken)", name)
}

// deleteInstance deletes the lock keypair name if its key is still blob.
func deleteInstance(ctx context.Context, c LockCloud, name, blob string) (breakOutcome, error) {
	kp, err := c.GetKeypair(ctx, name)
	if ecs.IsNotFound(err) {
		return breakAlready, nil
	}
	if err != nil {
		return breakLost, fmt.Errorf("lock: reading %s: %w", name, err)
	}
	if b, _, _ := parseLockKey(kp.PublicKey); b != blob {
		return breakAlready, nil // replaced: not the instance to break
	}
	for i := 0; ; i++ {
		err := c.DeleteKeypair(ctx, name)
		if err == nil || ecs.IsNotFound(err) {
			return breakDone, nil
		}
		if !unknownOutcome(err) || i == 3 || ctx.Err() != nil {
			return breakLost, fmt.Errorf("lock: deleting %s: %w", name, err)
		}
	}
}

// gcTickets deletes the break tickets of the fleet that their breakers
// left (they died while breaking), once expired.
func (a *acquirer) gcTickets(ctx context.Context) {
	kps, err := a.c.ListKeypairs(ctx)
	if err != nil {
		return
	}
	prefix := plan.LockKeypairPrefix + "b-" + plan.LockFleetPart(a.o.Fleet) + "-"
	for _, kp := range kps {
		if !strings.HasPrefix(kp.Name, prefix) {
			continue
		}
		if _, h, ok := parseLockKey(kp.PublicKey); ok && a.now().After(h.Expires.Add(lockGuard(h.TTL()))) {
			_ = a.c.DeleteKeypair(ctx, kp.Name)
		}
	}
}

// Check says whether the lock is still the run's: nil, ErrLockExpiring
// when its expiry (less the guard) has come, ErrLockLost when the keypair
// is gone or another's. A read that fails is not a loss: nil.
func (l *Lock) Check(ctx context.Context) error {
	if !l.now().Before(l.Holder.Expires.Add(-lockGuard(l.Holder.TTL()))) {
		return ErrLockExpiring
	}
	kp, err := l.c.GetKeypair(ctx, l.name)
	if ecs.IsNotFound(err) {
		return ErrLockLost
	}
	if err != nil {
		return nil
	}
	if b, _, _ := parseLockKey(kp.PublicKey); b != l.blob {
		return ErrLockLost
	}
	return nil
}

// Watch checks the lock every interval (0: a tenth of the TTL, at most a
// minute) until ctx ends; the first time Check fails it calls lost, once.
func (l *Lock) Watch(ctx context.Context, every time.Duration, lost func(error)) {
	if every <= 0 {
		every = min(time.Minute, max(l.Holder.TTL()/10, 10*time.Millisecond))
	}
	go func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if err := l.Check(ctx); err != nil {
				if ctx.Err() == nil {
					lost(err)
				}
				return
			}
		}
	}()
}

// Release deletes the lock if it is still the run's and not past its
// expiry (after it, a waiter may be breaking it: the delete could hit the
// waiter's new lock). Releasing twice is harmless.
func (l *Lock) Release(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.released {
		return nil
	}
	l.released = true
	if !l.now().Before(l.Holder.Expires) {
		return fmt.Errorf("lock %s was not released: it expired at %s, and another run may hold it now", l.name, l.Holder.Expires.UTC().Format(time.RFC3339))
	}
	// Deleted only if it is still this run's (a broken lock is not ours
	// to delete).
	if _, err := deleteInstance(ctx, l.c, l.name, l.blob); err != nil {
		return fmt.Errorf("lock %s was not released (it expires at %s): %w", l.name, l.Holder.Expires.UTC().Format(time.RFC3339), err)
	}
	return nil
}

// readLock reads the lock keypair name: its key blob, its holder (ok: the
// comment parsed) with the cloud's creation time, or ErrNotLocked.
func readLock(ctx context.Context, c LockCloud, name string) (blob string, h LockHolder, ok bool, err error) {
	kp, err := c.GetKeypair(ctx, name)
	if ecs.IsNotFound(err) {
		return "", LockHolder{}, false, ErrNotLocked
	}
	if err != nil {
		return "", LockHolder{}, false, fmt.Errorf("lock: reading %s: %w", name, err)
	}
	blob, h, ok = parseLockKey(kp.PublicKey)
	h.Created = string(kp.CreatedAt)
	return blob, h, ok, nil
}

// ReadLock reads fleet's lock: its holder, or ErrNotLocked.
func ReadLock(ctx context.Context, c LockCloud, fleet string) (LockHolder, error) {
	_, h, _, err := readLock(ctx, c, plan.LockKeypairName(fleet))
	if err != nil {
		return LockHolder{}, err
	}
	if h.Fleet == "" {
		h.Fleet = fleet
	}
	return h, nil
}

// ForceUnlock breaks fleet's lock if run holds it, whatever its expiry:
// for a person who knows the holder is gone. It returns the holder found;
// ErrNotLocked when there is no lock; a *LockHeldError when another run
// holds it (never broken: the person saw another run's lock).
func ForceUnlock(ctx context.Context, c LockCloud, fleet, run, command string) (LockHolder, error) {
	name := plan.LockKeypairName(fleet)
	blob, h, ok, err := readLock(ctx, c, name)
	if err != nil {
		return LockHolder{}, err
	}
	if !ok || h.Run != run {
		return h, &LockHeldError{Name: name, Holder: h, Unknown: !ok}
	}
	dir, _ := os.Getwd()
	self := Self(fleet, command, dir, "", time.Now(), DefaultLockTTL)
	out, err := breakLock(ctx, c, time.Now, self, DefaultLockTTL, name, blob)
	if err != nil {
		return h, err
	}
	if out == breakLost {
		return h, fmt.Errorf("lock: another run is breaking %s right now", name)
	}
	return h, nil
}

func isConflict(err error) bool {
	var ae *ecs.Error
	return errors.As(err, &ae) && ae.StatusCode == http.StatusConflict
}

// unknownOutcome: a 5xx, a lost connection, or a throttled call the
// transport gave up on: the create may or may not have happened.
func unknownOutcome(err error) bool {
	c := ecs.Classify(err)
	return c == ecs.Transient || c == ecs.Throttled
}

// createError explains a refused create of a lock keypair.
func createError(name string, err error) error {
	var ae *ecs.Error
	if errors.As(err, &ae) && (ae.StatusCode == http.StatusForbidden || ae.StatusCode == http.StatusUnauthorized) {
		return fmt.Errorf("lock: the cloud refused to create keypair %s (%w): the run lock needs the right to create and delete keypairs in the project (docs/locking.md)", name, err)
	}
	return fmt.Errorf("lock: creating keypair %s: %w", name, err)
}
