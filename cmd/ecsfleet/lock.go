package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ecsfleet/ecsfleet/engine"
	"github.com/ecsfleet/ecsfleet/plan"
)

// The run lock in the CLI: apply and destroy take it (session.takeLock)
// before they reconcile the journal, and release it when they end; plan,
// drift, validate, show, graph and import only read and take none. The
// design is in docs/locking.md, the protocol in engine/lock.go.

// lockTTLEnv sets how long a lock lasts (default engine.DefaultLockTTL):
// longer for applies that take hours, shorter in tests.
const lockTTLEnv = "ECSFLEET_LOCK_TTL"

// lockTTL reads ECSFLEET_LOCK_TTL: a Go duration from 1s to 7 days.
func lockTTL(getenv func(string) string) (time.Duration, error) {
	v := getenv(lockTTLEnv)
	if v == "" {
		return engine.DefaultLockTTL, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Second || d > 7*24*time.Hour {
		return 0, fmt.Errorf("%s=%q is not a duration from 1s to 168h (e.g. 2h)", lockTTLEnv, v)
	}
	return d, nil
}

// takeLock takes the fleet's lock, waiting up to --lock-timeout, and
// watches it: a lock lost (force-unlocked) or about to expire stops the
// run from starting changes, as a first Ctrl-C does. It says why it
// cannot and returns false.
func (s *session) takeLock() bool {
	ttl, err := lockTTL(os.Getenv)
	if err != nil {
		fmt.Fprintf(s.io.err, "ecsfleet %s: %v\n", s.cmd, err)
		return false
	}
	dir, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(s.io.err, "ecsfleet %s: %v\n", s.cmd, err)
		return false
	}
	// A Ctrl-C while waiting for the lock ends the wait.
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	l, err := engine.AcquireLock(ctx, s.cloud.client, engine.LockOptions{
		Fleet: s.fleet.Name, Command: s.cmd, TTL: ttl, Wait: s.rf.lockTimeout, Dir: dir,
		Waiting: func(h engine.LockHolder) {
			fmt.Fprintf(s.io.err, "ecsfleet: fleet %s is locked by %s since %s; waiting for it up to %s (--lock-timeout)\n",
				s.fleet.Name, h, h.Since.UTC().Format(time.RFC3339), s.rf.lockTimeout)
		},
		Broke: func(h engine.LockHolder, why string) {
			fmt.Fprintf(s.io.err, "ecsfleet: took over the lock of fleet %s from %s: %s\n", s.fleet.Name, h, why)
		},
	})
	if err != nil {
		var held *engine.LockHeldError
		switch {
		case errors.As(err, &held):
			fmt.Fprint(s.io.err, heldMessage(s.cmd, held, s.rf.lockTimeout))
		case ctx.Err() != nil:
			fmt.Fprintf(s.io.err, "ecsfleet %s: %v (while waiting for the fleet's lock)\n", s.cmd, errInterrupted)
		default:
			fmt.Fprintf(s.io.err, "ecsfleet %s: %s\n", s.cmd, s.cloud.explain(err))
		}
		return false
	}
	s.lock = l
	// Expiry is judged by the machines' clocks (docs/locking.md): say so
	// when this one is far from the cloud's (a real-time cloud only: a
	// simulator's clock runs faster).
	if d, ok := l.Holder.CloudSkew(); ok && s.cloud.timeScale == 1 && (d > time.Minute || d < -time.Minute) {
		fmt.Fprintf(s.io.err, "ecsfleet: warning: this machine's clock differs from the cloud's by %s (the lock's created_at); locks expire by the machines' clocks: keep them synchronized (NTP)\n", d.Round(time.Second))
	}
	l.Watch(s.ctx, 0, func(err error) {
		what := "the fleet's lock was broken (ecsfleet force-unlock, or another run took it after it expired)"
		if errors.Is(err, engine.ErrLockExpiring) {
			what = fmt.Sprintf("the fleet's lock expires at %s (%s=%s)", l.Holder.Expires.UTC().Format(time.RFC3339), lockTTLEnv, l.Holder.TTL())
		}
		fmt.Fprintf(s.io.err, "\necsfleet: %s: no new change starts; waiting for those in flight. Run 'ecsfleet %s' again to finish.\n", what, s.cmd)
		s.stopNow()
	})
	return true
}

// heldMessage says who holds the lock and what to do.
func heldMessage(cmd string, held *engine.LockHeldError, waited time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ecsfleet %s: %v\n", cmd, held)
	if waited > 0 {
		fmt.Fprintf(&b, "  It was still held after waiting %s (--lock-timeout).\n", waited)
	}
	h := held.Holder
	if held.Unknown {
		fmt.Fprintf(&b, "  Delete keypair %s by hand if no ecsfleet run of fleet %s is going on.\n", held.Name, h.Fleet)
		return b.String()
	}
	if held.Gone {
		fmt.Fprintf(&b, "  That run died without releasing the lock. Run 'ecsfleet %s' in %s to resume what it left (its journal is there), or break the lock:\n", h.Command, h.Dir)
	} else {
		b.WriteString("  Another apply or destroy of this fleet is running: wait for it (--lock-timeout 30m waits up to 30 minutes).\n")
		b.WriteString("  If that run is dead (its machine or process is gone), break the lock:\n")
	}
	fmt.Fprintf(&b, "    ecsfleet force-unlock %s\n", h.ID())
	return b.String()
}

// releaseLock releases the lock, if held, with its own deadline (the
// run's context may be over).
func (s *session) releaseLock() {
	if s.lock == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.lock.Release(ctx); err != nil {
		fmt.Fprintf(s.io.err, "ecsfleet %s: %v\n", s.cmd, err)
	}
}

const forceUnlockHelp = `Usage: ecsfleet force-unlock [--force] [flags] LOCK_ID

Breaks the lock of a fleet held by a run that will never release it: its
machine died, it was killed, its network is gone. LOCK_ID is FLEET/RUN, as
apply and destroy print it when they find the lock held:

  ecsfleet apply: fleet web is locked by run 20261203T214503Z-1a2b3c4d (...)
    ecsfleet force-unlock web/20261203T214503Z-1a2b3c4d

The lock is broken only if that run still holds it: a lock another run
took since is left alone. Breaking the lock of a run that is still going
lets two runs change the fleet at once; that run notices within a minute
and stops starting changes. A lock also expires by itself (1 hour by
default), and the next apply in the dead run's directory takes it over at
once when the run's process is gone, resuming its journal.

It shows the holder and asks for confirmation ('yes') on a terminal;
--force (or -y) breaks it without asking, and without a terminal it is
required. See docs/locking.md.

Flags (written with one dash or two):
`

const forceUnlockFooter = `
Exit status:
  0  the lock was broken, or the fleet was not locked
  1  error: another run holds the lock now, no terminal without --force, the cloud refused

%s
Example:
  ecsfleet force-unlock web/20261203T214503Z-1a2b3c4d
`

// runForceUnlock is `ecsfleet force-unlock LOCK_ID`.
func runForceUnlock(args []string, io stdio) int {
	fs := flag.NewFlagSet("force-unlock", flag.ContinueOnError)
	var force bool
	fs.BoolVar(&force, "force", false, "break the lock without asking (required without a terminal)")
	fs.BoolVar(&force, "y", false, "the same as --force")
	var cf cloudFlags
	cf.register(fs)
	footer := fmt.Sprintf(forceUnlockFooter, cloudEnv)
	if code, ok := parseFlags(fs, args, io, forceUnlockHelp, footer); !ok {
		return code
	}
	rest := fs.Args()
	if len(rest) >= 1 { // flags after LOCK_ID too
		if code, ok := parseFlags(fs, rest[1:], io, forceUnlockHelp, footer); !ok {
			return code
		}
		rest = append(rest[:1], fs.Args()...)
	}
	if len(rest) != 1 {
		fmt.Fprintln(io.err, "ecsfleet force-unlock: give one LOCK_ID (FLEET/RUN, as apply or destroy printed it); run 'ecsfleet force-unlock -h'")
		return exitError
	}
	fleet, run, ok := strings.Cut(rest[0], "/")
	if i := strings.LastIndex(rest[0], "/"); i >= 0 {
		fleet, run = rest[0][:i], rest[0][i+1:]
	}
	if !ok || fleet == "" || run == "" {
		fmt.Fprintf(io.err, "ecsfleet force-unlock: %q is not a LOCK_ID: want FLEET/RUN, e.g. web/20261203T214503Z-1a2b3c4d, as apply or destroy printed it\n", rest[0])
		return exitError
	}
	if !force && !isTerminal(io.in) {
		fmt.Fprintln(io.err, "ecsfleet force-unlock: there is no terminal to confirm on; make sure the holder is dead, then run again with --force")
		return exitError
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := connect(ctx, cf, os.Getenv, "", io.err)
	if err != nil {
		fmt.Fprintf(io.err, "ecsfleet force-unlock: %v\n", err)
		return exitError
	}
	defer c.Close()
	h, err := engine.ReadLock(ctx, c.client, fleet)
	switch {
	case errors.Is(err, engine.ErrNotLocked):
		fmt.Fprintf(io.out, "Fleet %s is not locked (no keypair %s): nothing to do.\n", fleet, plan.LockKeypairName(fleet))
		return exitOK
	case err != nil:
		fmt.Fprintf(io.err, "ecsfleet force-unlock: %s\n", c.explain(err))
		return exitError
	case h.Run != run:
		fmt.Fprintf(io.err, "ecsfleet force-unlock: fleet %s is locked by %s since %s, not by run %s; nothing was done (give its LOCK_ID %s if that run is dead too)\n",
			fleet, h, h.Since.UTC().Format(time.RFC3339), run, h.ID())
		return exitError
	}
	if !force {
		fmt.Fprintf(io.out, "Fleet %s is locked by %s since %s; the lock expires at %s.\n", fleet, h, h.Since.UTC().Format(time.RFC3339), h.Expires.UTC().Format(time.RFC3339))
		fmt.Fprintf(io.out, "Break the lock? If that run is still going, two runs will change the fleet at once.\n")
		fmt.Fprint(io.out, "Only 'yes' will be accepted: ")
		line, _ := bufio.NewReader(io.in).ReadString('\n')
		if strings.TrimSpace(line) != "yes" {
			fmt.Fprintln(io.out, "Force-unlock cancelled; the lock is kept.")
			return exitError
		}
	}
	h, err = engine.ForceUnlock(ctx, c.client, fleet, run, "force-unlock")
	var held *engine.LockHeldError
	switch {
	case errors.Is(err, engine.ErrNotLocked):
		fmt.Fprintf(io.out, "Fleet %s is not locked any more: nothing to do.\n", fleet)
		return exitOK
	case errors.As(err, &held):
		fmt.Fprintf(io.err, "ecsfleet force-unlock: %v, not by run %s any more; nothing was done\n", held, run)
		return exitError
	case err != nil:
		fmt.Fprintf(io.err, "ecsfleet force-unlock: %s\n", c.explain(err))
		return exitError
	}
	fmt.Fprintf(io.out, "The lock of fleet %s held by %s is broken. The next apply or destroy of the fleet takes it.\n", fleet, h)
	if h.Dir != "" {
		fmt.Fprintf(io.out, "If that run died mid-apply, run the next apply in %s: its journal there resumes what it left.\n", h.Dir)
	}
	return exitOK
}
