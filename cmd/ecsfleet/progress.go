package main

// Progress of `ecsfleet apply` and `ecsfleet destroy`: three views of the
// engine's event stream (a live terminal display, plain lines for logs,
// NDJSON) and the summary of the run's Result. The views only render: the
// engine's Events carry the run's counts, so the little state kept here is
// what a display needs (the ops now running, what a rate limit held back).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/ecsfleet/ecsfleet/engine"
	"github.com/ecsfleet/ecsfleet/plan"
)

// view shows a run's progress. Event is safe for concurrent use (the engine
// emits from many goroutines); Close flushes what is held back and ends the
// view (a live view's ticker stops). Events after Close are dropped, and a
// second Close does nothing.
type view interface {
	Event(engine.Event)
	Close()
}

// viewMode says how progress is shown.
type viewMode int

const (
	// viewPlain: one line per step for logs and CI, never an escape code.
	viewPlain viewMode = iota
	// viewLive: a display redrawn in place, for a terminal.
	viewLive
	// viewJSON: NDJSON, one engine.Event per line (--json).
	viewJSON
)

// newView returns the view of the mode, writing to w. color styles the
// live view with lipgloss; the plain and JSON views are never styled.
func newView(w io.Writer, mode viewMode, color bool) view {
	switch mode {
	case viewLive:
		return newLiveView(w, color, time.Now, liveTick)
	case viewJSON:
		return &jsonView{w: w}
	}
	return newPlainView(w, time.Now)
}

// ---- NDJSON ----

type jsonView struct {
	mu     sync.Mutex
	w      io.Writer
	closed bool
}

func (v *jsonView) Event(ev engine.Event) {
	line, err := json.Marshal(ev)
	if err != nil {
		return // an Event is plain values; this does not happen
	}
	line = append(line, '\n')
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.closed {
		v.w.Write(line) // one Write per line: lines never interleave
	}
}

func (v *jsonView) Close() {
	v.mu.Lock()
	v.closed = true
	v.mu.Unlock()
}

// ---- plain lines ----

// Limits of the plain view: a job's progress is printed at most every
// jobLineEvery per op unless it moved by a quarter of the job; retries and
// throttles at most once every burstEvery, the others counted.
const (
	jobLineEvery = 5 * time.Second
	burstEvery   = time.Second
)

type plainView struct {
	mu      sync.Mutex
	w       io.Writer
	now     func() time.Time // when an event has no Time
	closed  bool
	elapsed engine.Duration // of the last event, for lines of Close
	jobs    map[string]jobMark
	burst   burst
}

// jobMark is the last job progress printed for an op (or its start).
type jobMark struct {
	at   time.Time
	done int
}

func newPlainView(w io.Writer, now func() time.Time) *plainView {
	return &plainView{w: w, now: now, jobs: map[string]jobMark{}}
}

func (v *plainView) Event(ev engine.Event) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return
	}
	v.elapsed = ev.Elapsed
	at := ev.Time
	if at.IsZero() {
		at = v.now()
	}
	var st viewStyle // plain: never styled
	var lines []string
	switch ev.Kind {
	case engine.RunStarted:
		s := fmt.Sprintf("run started: %d %s", ev.Counts.Total, plural(ev.Counts.Total, "op", "ops"))
		if ev.Estimate > 0 {
			s += ", estimate ~" + fmtDur(time.Duration(ev.Estimate))
		}
		lines = []string{s}
	case engine.OpStarted:
		v.jobs[ev.Op] = jobMark{at: at}
		lines = []string{startedLine(ev)}
	case engine.JobProgress:
		last, seen := v.jobs[ev.Op]
		moved := ev.Total > 0 && 4*absInt(ev.Done-last.done) >= ev.Total
		if seen && at.Sub(last.at) < jobLineEvery && !moved {
			return
		}
		v.jobs[ev.Op] = jobMark{at: at, done: ev.Done}
		lines = []string{progressLine(ev)}
	case engine.OpDone:
		delete(v.jobs, ev.Op)
		lines = []string{doneLine(ev)}
	case engine.OpFailed:
		delete(v.jobs, ev.Op)
		lines = failedLines(ev, st, 10)
	case engine.OpSkipped:
		delete(v.jobs, ev.Op)
		lines = []string{skippedLine(ev)}
	case engine.Retry, engine.Throttled:
		if !v.burst.allow(at, ev.Kind) {
			return
		}
		lines = []string{burstLine(ev) + v.burst.note(" (", ")")}
	case engine.Resumed, engine.Interrupted:
		lines = []string{noticeLine(ev)}
	case engine.RunDone:
		if n := v.burst.note("", ""); n != "" {
			v.write(ev.Elapsed, []string{n})
		}
		lines = []string{"run done: " + countsText(ev.Counts)}
	default:
		lines = []string{plan.Clean(string(ev.Kind))}
	}
	v.write(ev.Elapsed, lines)
}

func (v *plainView) Close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return
	}
	v.closed = true
	if n := v.burst.note("", ""); n != "" {
		v.write(v.elapsed, []string{n})
	}
}

// write prints the first line after the elapsed time and the others (a
// failure's targets) indented under it.
func (v *plainView) write(elapsed engine.Duration, lines []string) {
	var b strings.Builder
	prefix := elapsedPrefix(elapsed)
	for i, l := range lines {
		if i == 0 {
			b.WriteString(prefix)
		} else {
			b.WriteString(strings.Repeat(" ", len(prefix)))
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	io.WriteString(v.w, b.String())
}

// elapsedPrefix is "[  12.3s] ".
func elapsedPrefix(d engine.Duration) string {
	return fmt.Sprintf("[%6.1fs] ", time.Duration(d).Seconds())
}

// burst lets through at most one retry or throttle line every burstEvery
// and counts the others, for the next line that gets through.
type burst struct {
	last               time.Time
	retries, throttles int // held back since the last line
}

func (b *burst) allow(at time.Time, kind engine.EventKind) bool {
	if !b.last.IsZero() && at.Sub(b.last) < burstEvery {
		if kind == engine.Throttled {
			b.throttles++
		} else {
			b.retries++
		}
		return false
	}
	b.last = at
	return true
}

// note says what was held back ("" if nothing), between open and close,
// and forgets it.
func (b *burst) note(open, close string) string {
	n := b.retries + b.throttles
	if n == 0 {
		return ""
	}
	var parts []string
	if b.retries > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", b.retries, plural(b.retries, "retry", "retries")))
	}
	if b.throttles > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", b.throttles, plural(b.throttles, "throttle", "throttles")))
	}
	b.retries, b.throttles = 0, 0
	return fmt.Sprintf("%s%d more not shown: %s%s", open, n, strings.Join(parts, ", "), close)
}

// ---- lines shared by the plain and live views ----

// opText is what an op does, for people: its Why, else its kind and set.
func opText(ev engine.Event) string {
	if ev.Why != "" {
		return plan.Clean(ev.Why)
	}
	s := plan.Clean(string(ev.OpKind))
	if ev.Set != "" {
		s += " of set " + plan.Clean(ev.Set)
	}
	return s
}

func jobSuffix(ev engine.Event) string {
	if ev.JobID == "" {
		return ""
	}
	return " (job " + plan.Clean(ev.JobID) + ")"
}

func startedLine(ev engine.Event) string {
	s := plan.Clean(ev.Op) + " started: " + opText(ev)
	if w := fmt.Sprintf("wave %d", ev.Wave); ev.Wave > 0 && !strings.Contains(ev.Why, w) {
		s += " (" + w + ")"
	}
	return s
}

func progressLine(ev engine.Event) string {
	s := plan.Clean(ev.Op) + " job"
	if ev.JobID != "" {
		s += " " + plan.Clean(ev.JobID)
	}
	return s + fmt.Sprintf(": %d/%d sub-jobs done", ev.Done, ev.Total)
}

func doneLine(ev engine.Event) string {
	return plan.Clean(ev.Op) + " done: " + opText(ev) + jobSuffix(ev)
}

func skippedLine(ev engine.Event) string {
	why := "run interrupted"
	if ev.BlockedBy != "" {
		why = "blocked by " + plan.Clean(ev.BlockedBy)
	}
	return plan.Clean(ev.Op) + " skipped: " + opText(ev) + " (" + why + ")"
}

// failedLines are an op failure and, under it, its targets by reason (at
// most maxReasons reasons, each with at most a few name ranges).
func failedLines(ev engine.Event, st viewStyle, maxReasons int) []string {
	head := plan.Clean(ev.Op) + " " + st.bad("failed") + ": " + opText(ev) + jobSuffix(ev)
	switch {
	case ev.Error != "":
		head += ": " + plan.Clean(ev.Error)
	case len(ev.Failures) > 0 && ev.Targets > 0:
		head += fmt.Sprintf(": %d of %d targets failed", len(ev.Failures), ev.Targets)
	}
	lines := []string{head}
	groups := failuresByReason(ev.Failures)
	for i, g := range groups {
		if i == maxReasons {
			rest := 0
			for _, g := range groups[i:] {
				rest += len(g.names)
			}
			lines = append(lines, fmt.Sprintf("  … and %d more %s with %d other reasons", rest, plural(rest, "target", "targets"), len(groups)-i))
			break
		}
		s := "  - " + joinCapped(plan.NameRanges(g.names), 8)
		if len(g.names) > 1 {
			s += fmt.Sprintf(" (%d)", len(g.names))
		}
		if g.reason != "" {
			s += ": " + plan.Clean(g.reason)
		}
		lines = append(lines, s)
	}
	return lines
}

type reasonGroup struct {
	reason string
	names  []string
}

// failuresByReason groups the targets by the cloud's reason, in the order
// the reasons first appear.
func failuresByReason(fs []engine.TargetFailure) []reasonGroup {
	var out []reasonGroup
	index := map[string]int{}
	for _, f := range fs {
		name := f.Name
		if name == "" {
			name = f.ID
		}
		i, ok := index[f.Reason]
		if !ok {
			i = len(out)
			index[f.Reason] = i
			out = append(out, reasonGroup{reason: f.Reason})
		}
		out[i].names = append(out[i].names, name)
	}
	return out
}

func burstLine(ev engine.Event) string {
	var s string
	if ev.Kind == engine.Throttled {
		s = "throttled"
		if ev.Op != "" {
			s += " " + plan.Clean(ev.Op)
		}
		s += ": waiting " + fmtDur(time.Duration(ev.Delay))
		if ev.Rate > 0 {
			s += ", write rate now " + rateText(ev.Rate) + "/s"
		}
	} else {
		s = "retry"
		if ev.Op != "" {
			s += " " + plan.Clean(ev.Op)
		}
		s += " in " + fmtDur(time.Duration(ev.Delay))
	}
	if ev.Error != "" {
		s += ": " + plan.Clean(ev.Error)
	}
	return s
}

func noticeLine(ev engine.Event) string {
	msg := plan.Clean(ev.Message)
	if ev.Kind == engine.Resumed {
		if msg == "" {
			msg = "an unfinished run was found in the journal"
		}
		return "resumed: " + msg
	}
	if msg == "" {
		msg = "no new op will start"
	}
	return "interrupted: " + msg
}

// countsText is "42 done, 3 failed, 5 skipped of 50 ops" (", N not
// started" when some never ran).
func countsText(c engine.Counts) string {
	s := fmt.Sprintf("%d done, %d failed, %d skipped", c.Done, c.Failed, c.Skipped)
	if n := c.Total - c.Finished(); n > 0 {
		s += fmt.Sprintf(", %d not started", n)
	}
	return s + fmt.Sprintf(" of %d %s", c.Total, plural(c.Total, "op", "ops"))
}

// ---- live terminal display ----

// liveTick is how often the live view may redraw: at most 10 times a
// second, and every second anyway so the elapsed time moves.
const liveTick = 100 * time.Millisecond

// liveMaxActive is how many lines of running stages the display shows.
const liveMaxActive = 8

// retrySummaryEvery is how often the live view prints a line counting the
// retries since the last one.
const retrySummaryEvery = 10 * time.Second

// ANSI control sequences of the live view. Autowrap is off while the live
// lines are written, so a line wider than the terminal is cut, not wrapped,
// and the number of rows to move up is the number of lines written.
const (
	ansiEraseBelow = "\x1b[J"
	ansiWrapOff    = "\x1b[?7l"
	ansiWrapOn     = "\x1b[?7h"
)

type liveView struct {
	mu     sync.Mutex
	w      io.Writer
	st     viewStyle
	now    func() time.Time
	every  time.Duration // minimum time between two redraws
	stop   chan struct{}
	exited chan struct{} // closed when the ticker goroutine has returned
	once   sync.Once
	closed bool

	started     bool
	start       time.Time // of the run, on the view's clock
	estimate    time.Duration
	counts      engine.Counts
	interrupted bool
	active      map[string]*activeOp

	pending  []string // lines to print above the live area, to stay
	rows     int      // lines of the live area on screen
	lastDraw time.Time
	drawnSec int64 // elapsed second the header last showed
	dirty    bool

	throttles   burst
	retries     int // in all
	retriesNew  int // since the last retry line
	retryLast   string
	retryLineAt time.Time
}

// activeOp is an op that is running.
type activeOp struct {
	set         string
	kind        plan.OpKind
	wave        int
	since       time.Duration // elapsed when it started
	job         bool
	done, total int
}

func newLiveView(w io.Writer, color bool, now func() time.Time, every time.Duration) *liveView {
	v := &liveView{
		w:      w,
		st:     newViewStyle(w, color),
		now:    now,
		every:  every,
		stop:   make(chan struct{}),
		exited: make(chan struct{}),
		active: map[string]*activeOp{},
	}
	go v.ticker(every / 2)
	return v
}

// ticker redraws when an event left the display stale or the elapsed time
// moved on, and stops on Close.
func (v *liveView) ticker(every time.Duration) {
	defer close(v.exited)
	t := time.NewTicker(max(every, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-v.stop:
			return
		case <-t.C:
			v.tick()
		}
	}
}

func (v *liveView) tick() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed || !v.started {
		return
	}
	now := v.now()
	if v.dirty || int64(now.Sub(v.start)/time.Second) != v.drawnSec {
		v.maybeDraw(now)
	}
}

func (v *liveView) Event(ev engine.Event) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return
	}
	now := v.now()
	if !v.started {
		v.started = true
		v.start = now.Add(-time.Duration(ev.Elapsed))
	}
	v.counts = ev.Counts
	stamp := func(lines []string) {
		lines[0] = v.st.dim(elapsedPrefix(ev.Elapsed)) + lines[0]
		for i := 1; i < len(lines); i++ {
			lines[i] = strings.Repeat(" ", len(elapsedPrefix(0))) + lines[i]
		}
		v.pending = append(v.pending, lines...)
	}
	switch ev.Kind {
	case engine.RunStarted:
		v.estimate = time.Duration(ev.Estimate)
	case engine.OpStarted:
		v.active[ev.Op] = &activeOp{set: ev.Set, kind: ev.OpKind, wave: ev.Wave,
			since: time.Duration(ev.Elapsed), job: ev.JobID != ""}
	case engine.JobProgress:
		if a := v.active[ev.Op]; a != nil {
			a.job, a.done, a.total = true, ev.Done, ev.Total
		}
	case engine.OpDone, engine.OpSkipped:
		delete(v.active, ev.Op)
	case engine.OpFailed:
		delete(v.active, ev.Op)
		stamp(failedLines(ev, v.st, 10))
	case engine.Throttled:
		if v.throttles.allow(now, ev.Kind) {
			stamp([]string{v.st.warn("throttled") + strings.TrimPrefix(burstLine(ev), "throttled") + v.throttles.note(" (", ")")})
		}
	case engine.Retry:
		// Counted, and summed up in a line every retrySummaryEvery.
		v.retries++
		v.retriesNew++
		v.retryLast = strings.TrimPrefix(burstLine(ev), "retry ")
	case engine.Interrupted:
		v.interrupted = true
		stamp([]string{v.st.warn(noticeLine(ev))})
	case engine.Resumed:
		stamp([]string{noticeLine(ev)})
	}
	v.dirty = true
	v.maybeDraw(now)
}

// Close stops the ticker, prints what is pending and leaves the last
// header on screen, above whatever the command prints next.
func (v *liveView) Close() {
	v.once.Do(func() {
		close(v.stop)
		<-v.exited
		v.mu.Lock()
		defer v.mu.Unlock()
		v.closed = true
		v.draw(v.now(), true)
	})
}

func (v *liveView) maybeDraw(now time.Time) {
	if v.lastDraw.IsZero() || now.Sub(v.lastDraw) >= v.every {
		v.draw(now, false)
	}
}

// draw moves the cursor up to the top of the live area, erases it, prints
// the pending lines (they scroll up and stay) and then the live area again.
// It writes once, so the terminal never shows half a frame.
func (v *liveView) draw(now time.Time, final bool) {
	if v.retriesNew > 0 && (final || v.retryLineAt.IsZero() || now.Sub(v.retryLineAt) >= retrySummaryEvery) {
		v.pending = append(v.pending, fmt.Sprintf("%s%d %s (%d in all); last: %s",
			v.st.dim(elapsedPrefix(engine.Duration(now.Sub(v.start)))),
			v.retriesNew, plural(v.retriesNew, "retry", "retries"), v.retries, v.retryLast))
		v.retriesNew, v.retryLineAt = 0, now
	}
	if final {
		if n := v.throttles.note("", ""); n != "" {
			v.pending = append(v.pending, v.st.dim(elapsedPrefix(engine.Duration(now.Sub(v.start))))+n)
		}
	}
	var live []string
	if v.started {
		live = v.liveLines(now, final)
	}
	var b bytes.Buffer
	if v.rows > 0 || len(v.pending) > 0 || len(live) > 0 {
		if v.rows > 0 {
			fmt.Fprintf(&b, "\r\x1b[%dA", v.rows)
		}
		b.WriteString(ansiEraseBelow)
		for _, l := range v.pending {
			b.WriteString(l + "\n")
		}
		if len(live) > 0 {
			b.WriteString(ansiWrapOff)
			for _, l := range live {
				b.WriteString(l + "\n")
			}
			b.WriteString(ansiWrapOn)
		}
	}
	v.pending = v.pending[:0]
	v.rows = len(live)
	if final {
		v.rows = 0 // the last header stays
	}
	v.lastDraw, v.dirty = now, false
	v.drawnSec = int64(now.Sub(v.start) / time.Second)
	if b.Len() > 0 {
		v.w.Write(b.Bytes())
	}
}

// liveLines are the header and, unless final, a line per running stage.
func (v *liveView) liveLines(now time.Time, final bool) []string {
	elapsed := now.Sub(v.start)
	c := v.counts
	parts := []string{
		v.st.bold(fmtDur(elapsed.Truncate(time.Second))),
		fmt.Sprintf("%d/%d ops", c.Finished(), c.Total),
		fmt.Sprintf("%d running", c.Running),
	}
	failed := fmt.Sprintf("%d failed", c.Failed)
	if c.Failed > 0 {
		failed = v.st.bad(failed)
	}
	skipped := fmt.Sprintf("%d skipped", c.Skipped)
	if c.Skipped > 0 {
		skipped = v.st.warn(skipped)
	}
	parts = append(parts, failed, skipped, fmt.Sprintf("%d %s", c.Jobs, plural(c.Jobs, "job", "jobs")))
	switch {
	case final:
	case v.interrupted:
		parts = append(parts, v.st.warn("stopping"))
	default:
		if eta, ok := progressETA(elapsed, v.estimate, c); ok {
			parts = append(parts, "ETA ~"+fmtDur(eta))
		}
	}
	lines := []string{strings.Join(parts, " · ")}
	if final {
		return lines
	}
	return append(lines, v.stageLines(elapsed)...)
}

// stage is the running ops of one set and kind.
type stage struct {
	set   string
	kind  plan.OpKind
	ops   []*activeOp
	since time.Duration
}

// stageLines show the running ops grouped by set and kind, the longest
// running first: "web  create_servers  job 12/40 sub-jobs · 45s".
func (v *liveView) stageLines(elapsed time.Duration) []string {
	byKey := map[string]*stage{}
	var stages []*stage
	for _, a := range v.active {
		k := a.set + "\x00" + string(a.kind)
		s := byKey[k]
		if s == nil {
			s = &stage{set: a.set, kind: a.kind, since: a.since}
			byKey[k] = s
			stages = append(stages, s)
		}
		s.ops = append(s.ops, a)
		s.since = min(s.since, a.since)
	}
	sort.Slice(stages, func(i, j int) bool {
		a, b := stages[i], stages[j]
		if a.since != b.since {
			return a.since < b.since
		}
		if a.set != b.set {
			return a.set < b.set
		}
		return a.kind < b.kind
	})
	shown := stages[:min(len(stages), liveMaxActive)]
	setW, kindW := 0, 0
	for _, s := range shown {
		setW = max(setW, len(stageSet(s.set)))
		kindW = max(kindW, len(plan.Clean(string(s.kind))))
	}
	var lines []string
	for _, s := range shown {
		lines = append(lines, fmt.Sprintf("  %-*s  %-*s  %s", setW, stageSet(s.set), kindW, plan.Clean(string(s.kind)), s.describe(elapsed)))
	}
	if rest := stages[len(shown):]; len(rest) > 0 {
		n := 0
		for _, s := range rest {
			n += len(s.ops)
		}
		lines = append(lines, v.st.dim(fmt.Sprintf("  … and %d more (%d %s)", len(rest), n, plural(n, "op", "ops"))))
	}
	return lines
}

func stageSet(set string) string {
	if set == "" {
		return "-"
	}
	return plan.Clean(set)
}

// describe is "3 ops · wave 2 · jobs 30/90 sub-jobs · 1m05s".
func (s *stage) describe(elapsed time.Duration) string {
	var parts []string
	if len(s.ops) > 1 {
		parts = append(parts, fmt.Sprintf("%d ops", len(s.ops)))
	}
	lo, hi := 0, 0
	jobs, withProgress, done, total := 0, 0, 0, 0
	for _, a := range s.ops {
		if a.wave > 0 {
			if lo == 0 || a.wave < lo {
				lo = a.wave
			}
			hi = max(hi, a.wave)
		}
		if a.job {
			jobs++
		}
		if a.total > 0 {
			withProgress++
			done += a.done
			total += a.total
		}
	}
	switch {
	case lo > 0 && lo == hi:
		parts = append(parts, fmt.Sprintf("wave %d", lo))
	case lo > 0:
		parts = append(parts, fmt.Sprintf("waves %d-%d", lo, hi))
	}
	switch {
	case withProgress > 0:
		parts = append(parts, fmt.Sprintf("%s %d/%d sub-jobs", plural(withProgress, "job", "jobs"), done, total))
	case jobs > 0:
		parts = append(parts, "waiting for "+plural(jobs, "job", "jobs"))
	}
	parts = append(parts, fmtDur((elapsed - s.since).Truncate(time.Second)))
	return strings.Join(parts, " · ")
}

// progressETA is a simple, honest estimate of the time left: the mean time
// per finished op so far times the ops left; before any op finished, the
// plan's estimate minus the time spent (never below zero). ok is false
// when nothing is left or there is nothing to go by.
func progressETA(elapsed, estimate time.Duration, c engine.Counts) (eta time.Duration, ok bool) {
	left := c.Total - c.Finished()
	if left <= 0 {
		return 0, false
	}
	if f := c.Finished(); f > 0 {
		return time.Duration(float64(elapsed) / float64(f) * float64(left)).Round(time.Second), true
	}
	if estimate > 0 {
		return max(estimate-elapsed, 0).Round(time.Second), true
	}
	return 0, false
}

// ---- the result of a run ----

// renderResult writes the account of a run for a person: one line with the
// outcome, op counts, time and API calls; then, unless everything was
// done, every change that failed (with the cloud's reason), was skipped
// (with the op that blocked it) or was not started, members with the same
// outcome on one line; then how to carry on. verb is "Apply" or "Destroy".
func renderResult(w io.Writer, r *engine.Result, verb string, color bool) error {
	if r == nil {
		return errors.New("no result to render")
	}
	st := newViewStyle(w, color)
	c := r.Counts
	notStarted := max(c.Total-c.Finished(), 0)

	outcome, style := "complete", st.good
	switch {
	case r.Interrupted:
		outcome, style = "interrupted", st.warn
	case c.Failed > 0:
		outcome, style = "failed", st.bad
	case !r.OK():
		outcome, style = "incomplete", st.warn
	}
	var b bytes.Buffer
	b.WriteString(style(verb+" "+outcome+":") + " ")
	fmt.Fprintf(&b, "%d done, %d failed, %d skipped", c.Done, c.Failed, c.Skipped)
	if notStarted > 0 {
		fmt.Fprintf(&b, ", %d not started", notStarted)
	}
	fmt.Fprintf(&b, " in %s — %s\n", fmtDur(time.Duration(r.Elapsed)), callsText(r.Calls))

	if !r.OK() {
		rows := resultRows(r)
		if len(rows) > 0 {
			b.WriteString("\n")
		}
		for _, row := range rows {
			b.WriteString(row.text(st) + "\n")
		}
	}
	if c.Failed > 0 || c.Skipped > 0 || notStarted > 0 {
		cmd := strings.ToLower(verb)
		if c.Failed > 0 || c.Skipped > 0 {
			fmt.Fprintf(&b, "\nRun 'ecsfleet %s' again to retry what failed; the journal lets it resume.\n", cmd)
		} else {
			fmt.Fprintf(&b, "\nRun 'ecsfleet %s' again to finish what was not started; the journal lets it resume.\n", cmd)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// renderResultJSON writes the Result as one JSON line (--json).
func renderResultJSON(w io.Writer, r *engine.Result) error {
	if r == nil {
		return errors.New("no result to render")
	}
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(append(line, '\n'))
	return err
}

// callsText is "130 writes, 48 reads, 90 job polls, 6 retries (4 throttled)".
func callsText(cs engine.CallStats) string {
	s := fmt.Sprintf("%d %s, %d %s, %d %s",
		cs.Writes, plural(cs.Writes, "write", "writes"),
		cs.Reads, plural(cs.Reads, "read", "reads"),
		cs.Polls, plural(cs.Polls, "job poll", "job polls"))
	switch {
	case cs.Retries > 0 && cs.Throttled > 0:
		s += fmt.Sprintf(", %d %s (%d throttled)", cs.Retries, plural(cs.Retries, "retry", "retries"), cs.Throttled)
	case cs.Retries > 0:
		s += fmt.Sprintf(", %d %s", cs.Retries, plural(cs.Retries, "retry", "retries"))
	case cs.Throttled > 0:
		s += fmt.Sprintf(", %d throttled", cs.Throttled)
	}
	return s
}

// resultRow is the objects (or ops) that share an outcome, a reason and
// what was to be done to them.
type resultRow struct {
	status engine.Status
	noun   string // "server", "keypair", "op"
	action string // "create", or an op's kind
	reason string
	names  []string
}

// resultRows groups the changes that were not done: failed, then skipped,
// then not started, each in the order its first member appears. A result
// with no such change but ops that were not done (a run without changes
// to report them by) lists the ops.
func resultRows(r *engine.Result) []resultRow {
	var rows []resultRow
	index := map[string]int{}
	add := func(status engine.Status, noun, action, set, reason, name string) {
		k := strings.Join([]string{string(status), noun, action, set, reason}, "\x00")
		i, ok := index[k]
		if !ok {
			i = len(rows)
			index[k] = i
			rows = append(rows, resultRow{status: status, noun: noun, action: action, reason: reason})
		}
		rows[i].names = append(rows[i].names, name)
	}
	for _, c := range r.Changes {
		if c.Status != engine.StatusDone {
			reason := c.Reason
			if c.Status == engine.StatusSkipped && c.BlockedBy != "" {
				reason = c.BlockedBy
			}
			add(c.Status, kindNoun(c.Kind), string(c.Action), c.Set, reason, c.Name)
		}
	}
	if len(rows) == 0 {
		for _, op := range r.Ops {
			if op.Status == engine.StatusDone {
				continue
			}
			reason := op.Error
			if op.Status == engine.StatusSkipped {
				reason = op.BlockedBy
			}
			if reason == "" && len(op.Failures) > 0 {
				reason = op.Failures[0].Reason
			}
			add(op.Status, "op", string(op.Kind), op.Set, reason, op.ID)
		}
	}
	rank := map[engine.Status]int{engine.StatusFailed: 0, engine.StatusSkipped: 1, engine.StatusNotStarted: 2}
	sort.SliceStable(rows, func(i, j int) bool {
		ri, ok := rank[rows[i].status]
		if !ok {
			ri = 3
		}
		rj, ok := rank[rows[j].status]
		if !ok {
			rj = 3
		}
		return ri < rj
	})
	return rows
}

// text is "- web-0001..web-0300 (300 servers, create): skipped, blocked by op-0012".
func (row resultRow) text(st viewStyle) string {
	n := len(row.names)
	what := row.noun
	if n > 1 {
		what = fmt.Sprintf("%d %s", n, nounPlural(row.noun))
	}
	s := "- " + strings.Join(plan.NameRanges(row.names), ", ") + " (" + what + ", " + plan.Clean(row.action) + "): "
	reason := plan.Clean(row.reason)
	switch row.status {
	case engine.StatusFailed:
		s += st.bad("failed")
		if reason != "" {
			s += ": " + reason
		}
	case engine.StatusSkipped:
		s += st.warn("skipped")
		switch {
		case strings.HasPrefix(reason, "op-"):
			s += ", blocked by " + reason
		case reason != "":
			s += ": " + reason
		}
	case engine.StatusNotStarted:
		s += "not started"
	default:
		s += plan.Clean(strings.ReplaceAll(string(row.status), "_", " "))
		if reason != "" {
			s += ": " + reason
		}
	}
	return s
}

// kindNoun is a kind of object as a word: "server group".
func kindNoun(k plan.Kind) string {
	return plan.Clean(strings.ReplaceAll(string(k), "_", " "))
}

func nounPlural(noun string) string {
	if strings.HasSuffix(noun, "s") {
		return noun
	}
	return noun + "s"
}

// ---- small helpers ----

// viewStyle styles the views' text with lipgloss; with color off every
// method returns its text unchanged (lipgloss is not involved, so not even
// a reset code slips out).
type viewStyle struct {
	color                           bool
	bolds, goods, bads, warns, dims lipgloss.Style
}

// newViewStyle: the caller has decided on color (a terminal, no NO_COLOR,
// no --no-color), so the renderer emits ANSI colors whatever w is.
func newViewStyle(w io.Writer, color bool) viewStyle {
	if !color {
		return viewStyle{}
	}
	re := lipgloss.NewRenderer(w)
	re.SetColorProfile(termenv.ANSI256)
	s := func() lipgloss.Style { return re.NewStyle().TabWidth(lipgloss.NoTabConversion) }
	return viewStyle{
		color: true,
		bolds: s().Bold(true),
		goods: s().Bold(true).Foreground(lipgloss.Color("10")),
		bads:  s().Bold(true).Foreground(lipgloss.Color("9")),
		warns: s().Bold(true).Foreground(lipgloss.Color("11")),
		dims:  s().Foreground(lipgloss.Color("8")),
	}
}

func (s viewStyle) apply(st lipgloss.Style, text string) string {
	if !s.color {
		return text
	}
	return st.Render(text)
}

func (s viewStyle) bold(text string) string { return s.apply(s.bolds, text) }
func (s viewStyle) good(text string) string { return s.apply(s.goods, text) }
func (s viewStyle) bad(text string) string  { return s.apply(s.bads, text) }
func (s viewStyle) warn(text string) string { return s.apply(s.warns, text) }
func (s viewStyle) dim(text string) string  { return s.apply(s.dims, text) }

// fmtDur is a duration as people read it: "0.4s", "12s", "1m05s", "1h02m".
func fmtDur(d time.Duration) string {
	d = max(d, 0)
	switch {
	case d < 10*time.Second && d%time.Second != 0:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	}
	return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// rateText is a rate with at most two decimals: "2.5", "0.63", "10".
func rateText(r float64) string {
	return strconv.FormatFloat(math.Round(r*100)/100, 'f', -1, 64)
}

func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// joinCapped joins at most max parts and says how many more there are.
func joinCapped(parts []string, most int) string {
	if len(parts) <= most {
		return strings.Join(parts, ", ")
	}
	return strings.Join(parts[:most], ", ") + fmt.Sprintf(", … (%d more)", len(parts)-most)
}
