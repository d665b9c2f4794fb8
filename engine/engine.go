package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/plan"
	"github.com/ecsfleet/ecsfleet/spec"
)

// Options shape a run. The zero value of every field is a safe default.
type Options struct {
	// Fleet is the fleet file the plan was made from: the engine reads the
	// secrets it must send (admin passwords, user data) from it at call
	// time, since a plan never holds one.
	Fleet *spec.Fleet
	// Parallelism bounds the ops in flight (default 10), a batch job
	// counting as one.
	Parallelism int
	// Rates are the calls per second per class (DefaultRates).
	Rates Rates
	// Model gives each job type its expected duration: the first poll of a
	// job is made near it (default plan.DefaultModel()).
	Model *plan.CloudModel
	// TimeScale is how much faster than real time the cloud runs (the
	// embedded simulator: 1000); it divides every expected duration, poll
	// interval and backoff. 0 means 1 (a real cloud).
	TimeScale float64
	// Journal records intents and outcomes (nil: none).
	Journal *Journal
	// Events receives progress (nil: none). It is called from many
	// goroutines, one call at a time.
	Events func(Event)
	// Stop, when closed, stops the run from starting ops; ops in flight
	// finish (their jobs are waited for) until Drain has passed, then the
	// run's context is cancelled.
	Stop <-chan struct{}
	// Drain bounds the wait for in-flight ops after Stop (default 2 min).
	Drain time.Duration
	// Attempts bounds the tries of one call that may be repeated (default 6).
	Attempts int
	// RetryBase is the first backoff before an op's call is made again
	// (default 1 s of real time; it doubles per attempt, capped at 30 s).
	RetryBase time.Duration
	// Dir is the directory relative private key file names are under
	// (default: the working directory).
	Dir string
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Engine applies plans. One Engine may run one plan at a time; its rate
// limiters persist across runs.
type Engine struct {
	o   Options
	lim *limiter

	mu     sync.Mutex
	stats  CallStats
	run    *run
	emitMu sync.Mutex
	// carry are records Recover hands to the next run's journal.
	carry []Record
}

// New makes an engine with the given options.
func New(o Options) *Engine {
	if o.Parallelism <= 0 {
		o.Parallelism = 10
	}
	if o.TimeScale <= 0 {
		o.TimeScale = 1
	}
	if o.Model == nil {
		m := plan.DefaultModel()
		o.Model = &m
	}
	if o.Drain <= 0 {
		o.Drain = 2 * time.Minute
	}
	if o.Attempts <= 0 {
		o.Attempts = 6
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Rates = o.Rates.withDefaults()
	return &Engine{o: o, lim: newLimiter(o.Rates, o.Now)}
}

// SetJournal sets the journal of the next runs (not during a run).
func (e *Engine) SetJournal(j *Journal) { e.o.Journal = j }

// SetEvents sets the receiver of the next runs' events (not during a run).
func (e *Engine) SetEvents(fn func(Event)) { e.o.Events = fn }

// OnRetry is the ecs.Config.OnRetry hook: it counts the transport's
// retries, reports them, and slows the engine down on throttling.
func (e *Engine) OnRetry(i ecs.RetryInfo) {
	e.mu.Lock()
	e.stats.Retries++
	throttled := i.Class == ecs.Throttled
	if throttled {
		e.stats.Throttled++
	}
	r := e.run
	e.mu.Unlock()
	if r == nil {
		return
	}
	ev := Event{Kind: Retry, Delay: Duration(i.Delay), Error: i.Err.Error()}
	if throttled {
		ev.Kind = Throttled
		ev.Rate = e.lim.throttled()
	}
	r.emit(ev)
}

// Stats are the calls made so far, by class.
func (e *Engine) Stats() CallStats {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stats
}

// scaled turns a cloud duration into a wall duration.
func (e *Engine) scaled(d time.Duration) time.Duration {
	return time.Duration(float64(d) / e.o.TimeScale)
}

// call makes one API call of class c through the limiter, counting it.
func (e *Engine) call(ctx context.Context, c Class, fn func() error) error {
	if err := e.lim.wait(ctx, c); err != nil {
		return err
	}
	return e.counted(c, fn)
}

// counted makes one API call that already passed the limiter, counting it.
func (e *Engine) counted(c Class, fn func() error) error {
	e.mu.Lock()
	switch c {
	case Reads:
		e.stats.Reads++
	case Writes:
		e.stats.Writes++
	case Polls:
		e.stats.Polls++
	}
	e.mu.Unlock()
	err := fn()
	if err == nil {
		e.lim.succeeded()
	}
	return err
}

// ErrBusy is returned when an engine is asked to run two plans at once.
var ErrBusy = errors.New("engine: a run is already in progress")

// Apply carries out the plan against the cloud and returns the exact
// account of what happened. The error is for a run that could not start
// (a private key file in the way, a secret that does not resolve); ops
// that fail are in the Result, not in the error.
func (e *Engine) Apply(ctx context.Context, c Cloud, p *plan.Plan) (*Result, error) {
	if err := e.preflight(p); err != nil {
		return nil, err
	}
	r := newRun(e, c, p)
	e.mu.Lock()
	if e.run != nil {
		e.mu.Unlock()
		return nil, ErrBusy
	}
	e.run = r
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.run = nil
		e.mu.Unlock()
	}()
	return r.execute(ctx), nil
}

// preflight refuses, before any call, what would fail or lose something
// half-way: a private key file that exists (it is never overwritten), a
// secret that does not resolve.
func (e *Engine) preflight(p *plan.Plan) error {
	for _, op := range p.Ops {
		switch op.Kind {
		case plan.OpCreateKeypair:
			if op.Args.PublicKey == "" && op.Args.PrivateKeyFile != "" {
				path := e.keyPath(op.Args.PrivateKeyFile)
				if _, err := os.Lstat(path); err == nil {
					return fmt.Errorf("keypair %s: the private key file %s already exists; ecsfleet never overwrites a key: move it away or name another private_key_file", op.Args.Name, path)
				}
				if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
					return fmt.Errorf("keypair %s: cannot create the directory of %s: %w", op.Args.Name, path, err)
				}
			}
		case plan.OpCreateServers, plan.OpResetPasswords, plan.OpChangeOS:
			if _, err := e.secrets(op); err != nil {
				return err
			}
		}
	}
	return nil
}

func (e *Engine) keyPath(name string) string {
	if filepath.IsAbs(name) || e.o.Dir == "" {
		return name
	}
	return filepath.Join(e.o.Dir, name)
}

// runID names a run in the journal.
func runID(now time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// opState is one op during a run.
type opState struct {
	op   plan.Op
	done chan struct{}
	// set when done:
	status    Status
	err       string
	failures  map[string]TargetFailure // by target name
	blockedBy string
	jobID     string
	abandoned bool
}

// failedAll reports whether the op failed for every target (or as a
// whole): its dependents cannot run at all.
func (s *opState) failedAll() bool {
	switch s.status {
	case StatusSkipped, StatusNotStarted:
		return true
	case StatusFailed:
		return len(s.failures) == 0 || len(s.failures) >= len(s.op.Targets)
	}
	return false
}

// run is one Apply.
type run struct {
	e     *Engine
	cloud Cloud
	p     *plan.Plan
	id    string
	start time.Time
	ops   []*opState
	byID  map[string]*opState

	stopped chan struct{} // closed when no op may start any more
	stopOne sync.Once

	mu        sync.Mutex
	counts    Counts
	abandoned int
	ids       map[string]string // server name -> id
	objects   map[string]string // "group:NAME" / "volume:NAME" -> id
}

func newRun(e *Engine, c Cloud, p *plan.Plan) *run {
	r := &run{e: e, cloud: c, p: p, byID: map[string]*opState{}, stopped: make(chan struct{}),
		ids: map[string]string{}, objects: map[string]string{}}
	for _, op := range p.Ops {
		st := &opState{op: op, done: make(chan struct{})}
		r.ops = append(r.ops, st)
		r.byID[op.ID] = st
		for _, t := range op.Targets {
			if t.ID != "" && isServerOp(op.Kind) {
				r.ids[t.Name] = t.ID
			}
		}
	}
	r.counts.Total = len(r.ops)
	return r
}

func isServerOp(k plan.OpKind) bool {
	switch k {
	case plan.OpCreateKeypair, plan.OpDeleteKeypair, plan.OpCreateServerGroup, plan.OpDeleteServerGroup,
		plan.OpCreateVolume, plan.OpDeleteVolume:
		return false
	}
	return true
}

// emit sends an event with the run's counts, one at a time.
func (r *run) emit(ev Event) {
	if r.e.o.Events == nil {
		return
	}
	r.e.emitMu.Lock()
	defer r.e.emitMu.Unlock()
	now := r.e.o.Now()
	ev.Time = now.UTC()
	ev.Elapsed = Duration(now.Sub(r.start))
	r.mu.Lock()
	ev.Counts = r.counts
	r.mu.Unlock()
	r.e.o.Events(ev)
}

func opEvent(k EventKind, op *plan.Op) Event {
	return Event{Kind: k, Op: op.ID, OpKind: op.Kind, Set: op.Set, Wave: op.Wave, Why: op.Why, Targets: len(op.Targets)}
}

func (r *run) journal(rec Record) {
	rec.Run = r.id
	if err := r.e.o.Journal.Append(rec); err != nil {
		// A journal that cannot be written is a run that cannot be
		// resumed: stop starting ops, and say why.
		r.stop(fmt.Sprintf("the journal cannot be written (%v): stopping", err))
	}
}

func (r *run) stop(why string) {
	r.stopOne.Do(func() {
		close(r.stopped)
		r.emit(Event{Kind: Interrupted, Message: why})
	})
}

func (r *run) isStopped() bool {
	select {
	case <-r.stopped:
		return true
	default:
		return false
	}
}

// execute runs every op as soon as its dependencies are over, at most
// Parallelism at once.
func (r *run) execute(ctx context.Context) *Result {
	r.start = r.e.o.Now()
	r.id = runID(r.start)
	before := r.e.Stats()
	work, cancel := context.WithCancel(ctx)
	defer cancel()
	// Stop: no new op; after Drain, cancel what is in flight.
	go func() {
		select {
		case <-r.e.o.Stop:
			r.stop("interrupted: no new operation starts; waiting for those in flight")
		case <-work.Done():
			return
		}
		select {
		case <-time.After(r.e.o.Drain):
			cancel()
		case <-work.Done():
		}
	}()
	r.journal(Record{Type: RecRun, Fleet: r.p.Fleet, Note: fmt.Sprintf("%d ops", len(r.ops))})
	for _, rec := range r.e.carry {
		r.journal(rec)
	}
	r.e.carry = nil
	r.emit(Event{Kind: RunStarted, Estimate: Duration(r.e.scaled(r.p.Estimate.Duration()))})
	sem := semaphore.NewWeighted(int64(r.e.o.Parallelism))
	var wg sync.WaitGroup
	for _, st := range r.ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.runOp(work, st, sem)
		}()
	}
	wg.Wait()
	res := r.result(before)
	// Everything started is over (interrupted or not): nothing is open,
	// unless ops were abandoned in flight.
	if r.abandoned == 0 {
		r.journal(Record{Type: RecEnd})
	}
	r.emit(Event{Kind: RunDone})
	return res
}

func (r *run) runOp(ctx context.Context, st *opState, sem *semaphore.Weighted) {
	defer close(st.done)
	op := st.op
	for _, d := range op.DependsOn {
		if dep := r.byID[d]; dep != nil {
			<-dep.done
		}
	}
	// A dependency that failed for everything blocks this op; one that
	// failed for some servers removes them from this op's targets.
	for _, d := range op.DependsOn {
		dep := r.byID[d]
		if dep == nil {
			continue
		}
		if dep.failedAll() {
			if dep.status == StatusNotStarted {
				r.finish(st, StatusNotStarted, "", nil, "")
				return
			}
			root := dep.blockedBy
			if root == "" {
				root = dep.op.ID
			}
			r.finish(st, StatusSkipped, "", nil, root)
			return
		}
		if len(dep.failures) > 0 && isServerOp(op.Kind) {
			var keep []plan.Target
			for _, t := range op.Targets {
				if _, bad := dep.failures[t.Name]; !bad {
					keep = append(keep, t)
				}
			}
			if len(keep) == 0 {
				r.finish(st, StatusSkipped, "", nil, dep.op.ID)
				return
			}
			op.Targets = keep
		}
	}
	if r.isStopped() {
		r.finish(st, StatusNotStarted, "", nil, "")
		return
	}
	if err := sem.Acquire(ctx, 1); err != nil {
		r.finish(st, StatusNotStarted, "", nil, "")
		return
	}
	sl := &slot{sem: sem, held: true}
	defer sl.release()
	if r.isStopped() {
		r.finish(st, StatusNotStarted, "", nil, "")
		return
	}
	r.mu.Lock()
	r.counts.Running++
	r.mu.Unlock()
	r.emit(opEvent(OpStarted, &op))
	x := &opRun{r: r, op: &op, st: st, slot: sl}
	failures, err := x.exec(ctx)
	r.mu.Lock()
	r.counts.Running--
	r.mu.Unlock()
	if ctx.Err() != nil {
		// Abandoned (the drain after Ctrl-C timed out): its job may still
		// run, so no outcome is journaled and the next run waits for it.
		r.mu.Lock()
		r.abandoned++
		r.mu.Unlock()
		st.abandoned = true
		r.finish(st, StatusFailed, "abandoned when the run was interrupted; the next run waits for its job", nil, "")
		return
	}
	switch {
	case err != nil:
		r.finish(st, StatusFailed, reason(err), failures, "")
	case len(failures) > 0:
		r.finish(st, StatusFailed, "", failures, "")
	default:
		r.finish(st, StatusDone, "", nil, "")
	}
}

// finish records an op's outcome (journal, counts, event).
func (r *run) finish(st *opState, status Status, errText string, failures map[string]TargetFailure, blockedBy string) {
	st.status, st.err, st.failures, st.blockedBy = status, errText, failures, blockedBy
	r.mu.Lock()
	// An op not started is in no count: Total minus Finished() is what the
	// views report as not started.
	switch status {
	case StatusDone:
		r.counts.Done++
	case StatusFailed:
		r.counts.Failed++
	case StatusSkipped:
		r.counts.Skipped++
	}
	r.mu.Unlock()
	ev := opEvent(OpDone, &st.op)
	ev.JobID = st.jobID
	switch status {
	case StatusFailed:
		ev.Kind, ev.Error, ev.Failures = OpFailed, errText, sortedFailures(failures)
	case StatusSkipped, StatusNotStarted:
		ev.Kind, ev.BlockedBy = OpSkipped, blockedBy
		if status == StatusNotStarted {
			ev.Message = "not started: the run was interrupted"
		}
	}
	if (status == StatusDone || status == StatusFailed) && !st.abandoned {
		r.journal(Record{Type: RecOutcome, Op: st.op.ID, Kind: st.op.Kind, Status: status, Error: errText})
	}
	r.emit(ev)
}

// reason is an error as the operator should read it: the cloud's code and
// message when there is one.
func reason(err error) string {
	var ae *ecs.Error
	if errors.As(err, &ae) {
		s := fmt.Sprintf("HTTP %d", ae.StatusCode)
		if ae.Code != "" {
			s += " " + ae.Code
		}
		if ae.Message != "" {
			s += ": " + ae.Message
		}
		return s
	}
	var je *ecs.JobError
	if errors.As(err, &je) {
		return je.Error()
	}
	return err.Error()
}
