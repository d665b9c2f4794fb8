package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/engine"
	"github.com/ecsfleet/ecsfleet/plan"
	"github.com/ecsfleet/ecsfleet/spec"
)

const applyHelp = `Usage: ecsfleet apply -f FILE [--var NAME=VALUE ...] [--auto-approve] [flags]
       ecsfleet apply [--var NAME=VALUE ...] [flags] PLANFILE

Makes the cloud match the fleet file. With -f it reads the cloud, shows the
plan and asks for confirmation ('yes') on a terminal; --auto-approve skips
the question, and without a terminal (cron, CI) it is required. With a
PLANFILE saved by 'ecsfleet plan -out' it applies exactly that plan, without
asking (it was reviewed), or refuses if the cloud or the fleet file changed
since it was made. A saved plan holds no secrets: give the --var and
--var-file values the fleet file needs again, and give every flag before
the PLANFILE.

Servers are created, deleted, renamed and resized through the API's batch
calls; independent changes run at once (--parallelism), disruptive ones in
waves of the set's max_unavailable. Progress is shown live on a terminal,
as plain lines otherwise, as NDJSON with --json. The run ends with the
outcome of every change; what failed is retried by the next apply.

Every call is journaled in .ecsfleet/ before it is made: a run that dies
(Ctrl-C, a lost connection, a killed process) is resumed by the next one,
which first waits for what the last one left running. Ctrl-C stops starting
new changes and waits for those in flight; a second Ctrl-C exits at once.

One apply or destroy of a fleet runs at a time, wherever it runs: each
takes the fleet's lock, a keypair named ecsfleet-lock-<fleet> in the cloud,
and releases it when it ends. A run that finds the lock held names the
holder and fails, or waits up to --lock-timeout. A lock whose holder died
expires (1 hour; ECSFLEET_LOCK_TTL), or is broken at once by the next run
in the dead run's directory, which resumes its journal. To break one by
hand: ecsfleet force-unlock LOCK_ID (docs/locking.md).

Flags (written with one dash or two):
`

const applyFooter = `
Exit status:
  0  everything was applied, or there was nothing to do
  1  error, or some change failed (the summary says which and why)

%s
Examples:
  ecsfleet apply -f examples/quickstart.yaml --auto-approve
  ecsfleet plan -f fleet.yaml -out fleet.plan && ecsfleet apply fleet.plan
`

const destroyHelp = `Usage: ecsfleet destroy -f FILE [--auto-approve] [flags]

Deletes every server and shared volume that carries the fleet's mark
(the tag ecsfleet=<fleet name>), and nothing else: servers of other fleets
and servers without the mark are never touched. Keypairs and server groups
carry no mark, so they are left in place and listed.

It shows what it would delete and asks for confirmation ('yes') on a
terminal; --auto-approve skips the question, and without a terminal it is
required. Progress and the closing summary are shown as apply shows them.

Like apply, every call is journaled in .ecsfleet/ before it is made: a run
that dies is resumed by the next one. Ctrl-C stops starting new deletes
and waits for those in flight; a second Ctrl-C exits at once.

Like apply, it takes the fleet's lock in the cloud first: a destroy never
runs while an apply (or another destroy) of the fleet does. A held lock is
reported with its holder, or waited for with --lock-timeout; see
'ecsfleet force-unlock -h' and docs/locking.md.

Flags (written with one dash or two):
`

const destroyFooter = `
Exit status:
  0  everything was deleted, or there was nothing to delete
  1  error, or some delete failed (the summary says which and why)

%s
Example:
  ecsfleet destroy -f examples/quickstart.yaml --auto-approve
`

// runFlags are the flags of the commands that change the cloud.
type runFlags struct {
	autoApprove bool
	parallelism int
	asJSON      bool
	noColor     bool
	adopt       bool
	// lockTimeout is how long to wait for another run's lock of the fleet.
	lockTimeout time.Duration
	// apply only:
	maxDestroy int
	targets    stringList
}

// defaultMaxDestroy is how many servers and volumes an apply deletes or
// replaces without being told it may: a nightly run that suddenly wants to
// delete more is far more likely a mistake (a wrong file, a renamed fleet,
// a count typo) than a wish.
const defaultMaxDestroy = 10

// registerApply adds the flags only apply has.
func (rf *runFlags) registerApply(fs *flag.FlagSet) {
	fs.IntVar(&rf.maxDestroy, "max-destroy", defaultMaxDestroy, "refuse a plan that deletes or replaces more than `N` servers and volumes (0: none)")
	fs.Var(&rf.targets, "target", "apply only the changes of server `SET` and what it needs first (repeatable)")
}

// guard refuses a plan that deletes or replaces more than --max-destroy.
func (rf *runFlags) guard(cmd string, p *plan.Plan, io stdio) bool {
	if n := p.Destroys(); n > rf.maxDestroy {
		fmt.Fprintf(io.err, "ecsfleet %s: refused: the plan deletes or replaces %d servers and volumes, more than --max-destroy %d; review it with 'ecsfleet plan', then run again with --max-destroy %d if it is meant\n", cmd, n, rf.maxDestroy, n)
		return false
	}
	return true
}

func (rf *runFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&rf.autoApprove, "auto-approve", false, "do not ask for confirmation (required without a terminal)")
	fs.IntVar(&rf.parallelism, "parallelism", 10, "at most `N` changes (API calls or batch jobs) in flight at once")
	fs.BoolVar(&rf.asJSON, "json", false, "print progress and the result as NDJSON events (implies no question: needs --auto-approve)")
	fs.BoolVar(&rf.noColor, "no-color", false, "never color the output")
	fs.DurationVar(&rf.lockTimeout, "lock-timeout", 0, "wait up to `DURATION` (e.g. 10m) while another apply or destroy holds the fleet's lock (0: fail at once, naming the holder)")
	fs.BoolVar(&rf.adopt, "adopt", false, "take over servers, keypairs, server groups and volumes the fleet does not own but names (the plan marks them '?'; a server gets the fleet's tags)")
}

// check refuses flag values that cannot work.
func (rf *runFlags) check(cmd string, io stdio) bool {
	if rf.parallelism < 1 {
		fmt.Fprintf(io.err, "ecsfleet %s: --parallelism must be at least 1, got %d\n", cmd, rf.parallelism)
		return false
	}
	if rf.lockTimeout < 0 {
		fmt.Fprintf(io.err, "ecsfleet %s: --lock-timeout cannot be negative, got %s\n", cmd, rf.lockTimeout)
		return false
	}
	return true
}

func runApply(args []string, io stdio) int {
	fs := flag.NewFlagSet("apply", flag.ContinueOnError)
	var ff fleetFlags
	var rf runFlags
	ff.register(fs)
	ff.cloud.register(fs)
	rf.register(fs)
	rf.registerApply(fs)
	if code, ok := parseFlags(fs, args, io, applyHelp, fmt.Sprintf(applyFooter, cloudEnv)); !ok {
		return code
	}
	// Flags may follow the PLANFILE too (apply q.plan --json).
	var planFile string
	if fs.NArg() >= 1 {
		planFile = fs.Arg(0)
		if code, ok := parseFlags(fs, fs.Args()[1:], io, applyHelp, fmt.Sprintf(applyFooter, cloudEnv)); !ok {
			return code
		}
		if fs.NArg() > 0 {
			fmt.Fprintln(io.err, "ecsfleet apply: give one saved PLANFILE (or -f FILE), not more")
			return exitError
		}
	}
	if !rf.check("apply", io) {
		return exitError
	}
	io = io.withoutColor(rf.noColor)
	switch {
	case planFile == "" && ff.file == "":
		fmt.Fprintln(io.err, "ecsfleet apply: give the fleet with -f FILE, or a saved PLANFILE from 'ecsfleet plan -out' (run 'ecsfleet apply -h' for the flags)")
		return exitError
	case planFile != "" && ff.file != "":
		fmt.Fprintln(io.err, "ecsfleet apply: give either -f FILE or a saved PLANFILE, not both")
		return exitError
	case planFile != "" && len(rf.targets) > 0:
		fmt.Fprintln(io.err, "ecsfleet apply: --target narrows a plan as it is made; give it to 'ecsfleet plan -out', not with a saved PLANFILE")
		return exitError
	case planFile != "":
		return applySaved(planFile, ff, rf, io)
	}
	return execute("apply", ff, rf, io, false)
}

func runDestroy(args []string, io stdio) int {
	fs := flag.NewFlagSet("destroy", flag.ContinueOnError)
	var ff fleetFlags
	var rf runFlags
	ff.register(fs)
	ff.cloud.register(fs)
	rf.register(fs)
	if code, ok := parseFlags(fs, args, io, destroyHelp, fmt.Sprintf(destroyFooter, cloudEnv)); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return tooManyArgs("destroy", io)
	}
	if !rf.check("destroy", io) {
		return exitError
	}
	io = io.withoutColor(rf.noColor)
	return execute("destroy", ff, rf, io, true)
}

// session is what a changing command holds: the cloud, the engine wired to
// it, the fleet's journal, and the signal handling.
type session struct {
	cmd   string
	io    stdio
	rf    runFlags
	fleet *spec.Fleet
	cloud *cloud
	eng   *engine.Engine
	jrnl  *engine.Journal
	ctx   context.Context
	stop  chan struct{}
	// stopOnce closes stop: the first Ctrl-C, or the lock lost.
	stopOnce sync.Once
	done     func()
	// lock is the fleet's run lock, held from before the journal is
	// reconciled until close.
	lock *engine.Lock
	// created are the keypairs, server groups and volumes ("kind name")
	// the journal's unfinished run created: the fleet's own, though no
	// server uses them yet.
	created map[string]bool
}

// open connects to the cloud, makes the engine, and reconciles the
// fleet's journal if the last run did not finish.
func open(cmd string, fleet *spec.Fleet, cf cloudFlags, rf runFlags, io stdio) (*session, bool) {
	s := &session{cmd: cmd, io: io, rf: rf, fleet: fleet, stop: make(chan struct{})}
	var cancel context.CancelFunc
	s.ctx, cancel = context.WithCancel(context.Background())
	s.signals(cancel)
	opts := engine.Options{Fleet: fleet, Parallelism: rf.parallelism, Stop: s.stop, Dir: "."}
	var err error
	var onRetry func(ecs.RetryInfo)
	s.cloud, err = connect(s.ctx, cf, os.Getenv, fleet.Project, io.err, func(c *ecs.Config) { c.OnRetry = func(i ecs.RetryInfo) { onRetry(i) } })
	if err != nil {
		fmt.Fprintf(io.err, "ecsfleet %s: %v\n", cmd, err)
		s.close()
		return nil, false
	}
	opts.TimeScale = s.cloud.timeScale
	s.eng = engine.New(opts)
	onRetry = s.eng.OnRetry
	// The lock before the journal: resuming a dead run is a change too.
	if !s.takeLock() {
		s.close()
		return nil, false
	}
	s.jrnl, err = engine.OpenJournal(engine.JournalPath(stateDir, fleet.Name))
	if err != nil {
		fmt.Fprintf(io.err, "ecsfleet %s: %v\n", cmd, err)
		s.close()
		return nil, false
	}
	s.eng.SetJournal(s.jrnl)
	rec, err := s.eng.Recover(s.ctx, s.cloud.client, s.jrnl, fleet.Name)
	if err != nil {
		fmt.Fprintf(io.err, "ecsfleet %s: %v\n", cmd, err)
		s.close()
		return nil, false
	}
	if rec.Message != "" {
		fmt.Fprintf(io.err, "ecsfleet: %s\n", rec.Message)
	}
	s.created = rec.Created
	return s, true
}

// signals: the first Ctrl-C (or SIGTERM) stops new changes and lets those
// in flight finish; the second exits at once (the journal still lets the
// next run resume).
func (s *session) signals(cancel context.CancelFunc) {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	quit := make(chan struct{})
	s.done = func() {
		signal.Stop(ch)
		close(quit)
		cancel()
	}
	go func() {
		select {
		case <-ch:
		case <-quit:
			return
		}
		fmt.Fprintf(s.io.err, "\necsfleet: interrupted: no new change starts; waiting for those in flight (Ctrl-C again to exit now)\n")
		s.stopNow()
		select {
		case <-ch:
			fmt.Fprintf(s.io.err, "ecsfleet: exiting now; the next run resumes from the journal\n")
			os.Exit(130)
		case <-quit:
		}
	}()
}

// stopNow stops the run from starting changes; those in flight finish.
func (s *session) stopNow() { s.stopOnce.Do(func() { close(s.stop) }) }

func (s *session) close() {
	if s.jrnl != nil {
		s.jrnl.Close()
	}
	s.releaseLock()
	if s.cloud != nil {
		s.cloud.Close()
	}
	s.done()
}

// execute is apply -f and destroy -f: plan, show, confirm, apply.
func execute(cmd string, ff fleetFlags, rf runFlags, io stdio, destroy bool) int {
	fleet, src, ok := loadFleet(cmd, ff, io)
	if !ok {
		return exitError
	}
	if !destroy && !secretsResolve(cmd, fleet, io) {
		return exitError
	}
	if rf.asJSON && !rf.autoApprove {
		fmt.Fprintf(io.err, "ecsfleet %s: --json cannot ask for confirmation: add --auto-approve after reviewing with 'ecsfleet plan'\n", cmd)
		return exitError
	}
	if !rf.autoApprove && !isTerminal(io.in) {
		fmt.Fprintf(io.err, "ecsfleet %s: there is no terminal to confirm on; review the changes with 'ecsfleet plan' and run again with --auto-approve\n", cmd)
		return exitError
	}
	if destroy {
		var guarded []string
		for _, set := range fleet.Servers {
			if set.PreventDestroy {
				guarded = append(guarded, fmt.Sprintf("%s (%s)", set.Name, set.Pos))
			}
		}
		if len(guarded) > 0 {
			fmt.Fprintf(io.err, "ecsfleet destroy: refused: server sets with prevent_destroy: %s; remove prevent_destroy from them first if destroying is really meant\n", strings.Join(guarded, ", "))
			return exitError
		}
	}
	s, ok := open(cmd, fleet, ff.cloud, rf, io)
	if !ok {
		return exitError
	}
	defer s.close()
	target := fleet
	if destroy {
		target = plan.ForDestroy(fleet)
	}
	sum := sha256.Sum256(src)
	project := fleet.Project
	if project == "" {
		project = s.cloud.client.ProjectID()
	}
	imported, ok := importedServers(cmd, fleet.Name, io)
	if !ok {
		return exitError
	}
	p, err := plan.Make(s.ctx, s.cloud.client, target, plan.Options{FleetHash: hex.EncodeToString(sum[:]), Project: project, Destroy: destroy, Imported: imported})
	if err != nil {
		var probs plan.Problems
		switch {
		case errors.As(err, &probs):
			reportProblems(io.err, ff.file, probs)
		case s.ctx.Err() != nil:
			fmt.Fprintf(io.err, "ecsfleet %s: %v\n", cmd, errInterrupted)
		default:
			fmt.Fprintf(io.err, "ecsfleet %s: %s\n", cmd, s.cloud.explain(err))
		}
		return exitError
	}
	p.FleetFile = ff.file
	if len(rf.targets) > 0 {
		if p, err = p.Target(rf.targets); err != nil {
			fmt.Fprintf(io.err, "ecsfleet %s: %v\n", cmd, err)
			return exitError
		}
	}
	color := !rf.noColor && useColor(io.out)
	if destroy && len(p.Ops) == 0 {
		if rf.asJSON {
			return s.emptyResult()
		}
		fmt.Fprintf(io.out, "Nothing to destroy: no server or volume in the cloud carries the mark of fleet %s.\n", fleet.Name)
		if kept := plan.Kept(fleet); len(kept) > 0 {
			fmt.Fprintf(io.out, "Kept (they carry no ownership mark; delete them by hand if no longer wanted): %s\n", strings.Join(kept, ", "))
		}
		return exitOK
	}
	if !rf.asJSON {
		if err := plan.RenderText(io.out, p, plan.TextOptions{Color: color}); err != nil {
			fmt.Fprintf(io.err, "ecsfleet %s: cannot render the plan: %v\n", cmd, err)
			return exitError
		}
		if destroy {
			if kept := plan.Kept(fleet); len(kept) > 0 {
				fmt.Fprintf(io.out, "\nKept (they carry no ownership mark; delete them by hand if no longer wanted): %s\n", strings.Join(kept, ", "))
			}
		}
	}
	if len(p.Ops) == 0 {
		if rf.asJSON {
			return s.emptyResult()
		}
		return exitOK // the plan said "No changes"
	}
	if !destroy && !rf.guard(cmd, p, io) {
		return exitError
	}
	if !adoptionAllowed(p, rf, io, cmd, s.created) {
		return exitError
	}
	if !rf.autoApprove && !confirm(io, cmd, p) {
		fmt.Fprintf(io.out, "%s cancelled; nothing was changed.\n", title(cmd))
		return exitError
	}
	return s.apply(p)
}

// applySaved applies a plan saved by plan -out, exactly, or refuses it.
func applySaved(path string, ff fleetFlags, rf runFlags, io stdio) int {
	p, err := plan.ReadSaved(path)
	if err != nil {
		fmt.Fprintf(io.err, "ecsfleet apply: %v\n", err)
		return exitError
	}
	ff.file = p.FleetFile
	fleet, src, ok := loadFleet("apply", ff, io)
	if !ok {
		return exitError
	}
	if sum := sha256.Sum256(src); hex.EncodeToString(sum[:]) != p.FleetHash {
		fmt.Fprintf(io.err, "ecsfleet apply: %s changed since the plan %s was made; make a new plan: ecsfleet plan -f %s -out %s\n", p.FleetFile, path, p.FleetFile, path)
		return exitError
	}
	s, ok := open("apply", fleet, ff.cloud, rf, io)
	if !ok {
		return exitError
	}
	defer s.close()
	snap, err := plan.ReadSnapshotFor(s.ctx, s.cloud.client, fleet, p)
	if err == nil {
		err = plan.Stale(p, fleet, snap)
	}
	if err != nil {
		if errors.Is(err, plan.ErrStale) {
			fmt.Fprintf(io.err, "ecsfleet apply: the saved plan %s cannot be applied: %v\nMake a new plan: ecsfleet plan -f %s -out %s (with the same --var flags)\n", path, err, p.FleetFile, path)
		} else {
			fmt.Fprintf(io.err, "ecsfleet apply: %s\n", s.cloud.explain(err))
		}
		return exitError
	}
	if len(p.Ops) == 0 {
		if rf.asJSON {
			return s.emptyResult()
		}
		fmt.Fprintf(io.out, "Nothing to do: the saved plan %s changes nothing.\n", path)
		return exitOK
	}
	if !rf.guard("apply", p, io) {
		return exitError
	}
	if !adoptionAllowed(p, rf, io, "apply", s.created) {
		return exitError
	}
	return s.apply(p)
}

// apply runs the plan with the view the output calls for, then prints
// the exact account.
func (s *session) apply(p *plan.Plan) int {
	mode := viewPlain
	color := !s.rf.noColor && useColor(s.io.out)
	switch {
	case s.rf.asJSON:
		mode = viewJSON
	case color:
		mode = viewLive
	}
	if !s.rf.asJSON {
		fmt.Fprintln(s.io.out)
	}
	v := newView(s.io.out, mode, color)
	s.eng.SetEvents(v.Event)
	res, err := s.eng.Apply(s.ctx, s.cloud.client, p)
	v.Close()
	if err != nil {
		fmt.Fprintf(s.io.err, "ecsfleet %s: %v\n", s.cmd, err)
		return exitError
	}
	if s.rf.asJSON {
		renderResultJSON(s.io.out, res)
	} else {
		fmt.Fprintln(s.io.out)
		renderResult(s.io.out, res, title(s.cmd), color)
	}
	if !res.OK() {
		return exitError
	}
	return exitOK
}

// confirm asks on the terminal; only "yes" goes ahead.
func confirm(io stdio, cmd string, p *plan.Plan) bool {
	if cmd == "destroy" {
		fmt.Fprintf(io.out, "\nDestroy %s of fleet %s? This cannot be undone.\n", destroyCount(p), p.Fleet)
	} else {
		fmt.Fprintf(io.out, "\nApply these changes to fleet %s?\n", p.Fleet)
	}
	fmt.Fprint(io.out, "Only 'yes' will be accepted: ")
	line, _ := bufio.NewReader(io.in).ReadString('\n')
	return strings.TrimSpace(line) == "yes"
}

// destroyCount names what a destroy deletes: "6 servers and 1 volume".
func destroyCount(p *plan.Plan) string {
	servers, volumes := 0, 0
	for _, c := range p.Changes {
		if c.Action != plan.Delete {
			continue
		}
		switch c.Kind {
		case plan.KindServer:
			servers++
		case plan.KindVolume:
			volumes++
		}
	}
	out := fmt.Sprintf("%d %s", servers, plural(servers, "server", "servers"))
	if volumes > 0 {
		out += fmt.Sprintf(" and %d %s", volumes, plural(volumes, "volume", "volumes"))
	}
	return out
}

func title(cmd string) string { return strings.ToUpper(cmd[:1]) + cmd[1:] }

// isTerminal reports whether r is an interactive terminal (not merely a
// character device: /dev/null is one, and cron gives it as stdin).
func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// adoptionAllowed refuses a plan that uses objects the fleet does not own,
// unless --adopt says they are the fleet's to use. The objects an
// unfinished run of the fleet created (created) are its own.
func adoptionAllowed(p *plan.Plan, rf runFlags, io stdio, cmd string, created map[string]bool) bool {
	if rf.adopt || p.Summary.Adopt == 0 {
		return true
	}
	var names, servers []string
	for _, c := range p.Changes {
		switch {
		case c.Action != plan.Adopt || created[string(c.Kind)+" "+c.Name]:
		case c.Kind == plan.KindServer:
			servers = append(servers, c.Name) // an import may adopt hundreds: named in ranges
		default:
			names = append(names, fmt.Sprintf("%s %s", strings.ReplaceAll(string(c.Kind), "_", " "), c.Name))
		}
	}
	if len(servers) > 0 {
		names = append(names, plural(len(servers), "server ", "servers ")+strings.Join(plan.NameRanges(servers), ", "))
	}
	if len(names) == 0 {
		return true
	}
	fmt.Fprintf(io.err, "ecsfleet %s: refused: the plan would use %s, which the fleet does not own (marked '?'); if they are the fleet's, run again with --adopt\n", cmd, strings.Join(names, ", "))
	return false
}

// emptyResult prints the result of a run with nothing to do, for --json.
func (s *session) emptyResult() int {
	if err := renderResultJSON(s.io.out, &engine.Result{}); err != nil {
		fmt.Fprintf(s.io.err, "ecsfleet %s: %v\n", s.cmd, err)
		return exitError
	}
	return exitOK
}

// secretsResolve checks, before the cloud is read, that every secret the
// fleet names can be read: an unset variable is found before a plan is
// shown, not after the question. It says which, never a value.
func secretsResolve(cmd string, fleet *spec.Fleet, io stdio) bool {
	ok := true
	for _, set := range fleet.Servers {
		if set.AdminPassword == nil {
			continue
		}
		if _, err := set.AdminPassword.Resolve(); err != nil {
			fmt.Fprintf(io.err, "ecsfleet %s: %s: server set %q: admin_password: %v\n", cmd, set.Pos, set.Name, err)
			ok = false
		}
	}
	return ok
}
