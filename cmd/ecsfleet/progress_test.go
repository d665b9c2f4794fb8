package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/engine"
	"github.com/ecsfleet/ecsfleet/plan"
)

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// at stamps an event sec seconds into a run that started at t0.
func at(sec float64, ev engine.Event) engine.Event {
	d := time.Duration(sec * float64(time.Second))
	ev.Time, ev.Elapsed = t0.Add(d), engine.Duration(d)
	return ev
}

func counts(total, running, done, failed, skipped, jobs int) engine.Counts {
	return engine.Counts{Total: total, Running: running, Done: done, Failed: failed, Skipped: skipped, Jobs: jobs}
}

func capacity(names ...string) []engine.TargetFailure {
	var fs []engine.TargetFailure
	for _, n := range names {
		fs = append(fs, engine.TargetFailure{Name: n, Reason: "Ecs.0000 insufficient capacity"})
	}
	return fs
}

// runEvents is a small run: two creates, one fails for some of its
// servers, the tags that depend on it are skipped, a resize wave is done.
func runEvents() []engine.Event {
	create := engine.Event{Op: "op-0004", OpKind: plan.OpCreateServers, Set: "web", Why: "create 40 server(s) of set web", Targets: 40}
	resize := engine.Event{Op: "op-0007", OpKind: plan.OpResizeServers, Set: "db", Wave: 2, Why: "resize 3 server(s) of set db to c6.xlarge.2", Targets: 3}
	with := func(base engine.Event, f func(*engine.Event)) engine.Event { f(&base); return base }
	return []engine.Event{
		at(0, engine.Event{Kind: engine.RunStarted, Estimate: engine.Duration(3 * time.Minute), Counts: counts(3, 0, 0, 0, 0, 0)}),
		at(0.1, with(create, func(e *engine.Event) { e.Kind = engine.OpStarted; e.Counts = counts(3, 1, 0, 0, 0, 0) })),
		at(0.2, with(resize, func(e *engine.Event) { e.Kind = engine.OpStarted; e.Counts = counts(3, 2, 0, 0, 0, 0) })),
		at(1.0, with(create, func(e *engine.Event) {
			e.Kind, e.JobID, e.Done, e.Total, e.Counts = engine.JobProgress, "ff8080", 2, 40, counts(3, 2, 0, 0, 0, 1)
		})), // too soon, too little: not printed
		at(3.0, with(create, func(e *engine.Event) {
			e.Kind, e.JobID, e.Done, e.Total, e.Counts = engine.JobProgress, "ff8080", 12, 40, counts(3, 2, 0, 0, 0, 1)
		})), // moved by more than a quarter
		at(4.0, with(create, func(e *engine.Event) {
			e.Kind, e.JobID, e.Done, e.Total, e.Counts = engine.JobProgress, "ff8080", 13, 40, counts(3, 2, 0, 0, 0, 1)
		})), // not printed
		at(8.5, with(create, func(e *engine.Event) {
			e.Kind, e.JobID, e.Done, e.Total, e.Counts = engine.JobProgress, "ff8080", 14, 40, counts(3, 2, 0, 0, 0, 1)
		})), // 5s since the last line
		at(9.0, engine.Event{Kind: engine.Throttled, Op: "op-0007", Delay: engine.Duration(2 * time.Second), Rate: 2.5, Counts: counts(3, 2, 0, 0, 0, 1)}),
		at(9.2, engine.Event{Kind: engine.Retry, Op: "op-0007", Delay: engine.Duration(time.Second), Error: "HTTP 503", Counts: counts(3, 2, 0, 0, 0, 1)}),
		at(9.4, engine.Event{Kind: engine.Throttled, Op: "op-0007", Delay: engine.Duration(4 * time.Second), Rate: 1.25, Counts: counts(3, 2, 0, 0, 0, 1)}),
		at(9.6, engine.Event{Kind: engine.Retry, Delay: engine.Duration(1500 * time.Millisecond), Error: "connection reset", Counts: counts(3, 2, 0, 0, 0, 1)}),
		at(10.5, engine.Event{Kind: engine.Retry, Op: "op-0007", Delay: engine.Duration(time.Second), Error: "HTTP 503", Counts: counts(3, 2, 0, 0, 0, 1)}),
		at(12.3, with(create, func(e *engine.Event) {
			e.Kind, e.JobID, e.Counts = engine.OpFailed, "ff8080", counts(3, 1, 0, 1, 0, 0)
			e.Failures = append(capacity("web-0005", "web-0003", "web-0004", "web-0010"), engine.TargetFailure{Name: "web-0007", Reason: "Ecs.0039 quota exceeded"})
		})),
		at(12.3, engine.Event{Kind: engine.OpSkipped, Op: "op-0005", OpKind: plan.OpAddTags, Set: "web", Why: "tag 40 server(s) of set web", BlockedBy: "op-0004", Counts: counts(3, 1, 0, 1, 1, 0)}),
		at(20, with(resize, func(e *engine.Event) { e.Kind, e.JobID, e.Counts = engine.OpDone, "ff8081", counts(3, 0, 1, 1, 1, 0) })),
		at(20.1, engine.Event{Kind: engine.RunDone, Counts: counts(3, 0, 1, 1, 1, 0)}),
	}
}

func TestViewPlainLines(t *testing.T) {
	var out bytes.Buffer
	v := newView(&out, viewPlain, false)
	for _, ev := range runEvents() {
		v.Event(ev)
	}
	v.Close()
	want := `[   0.0s] run started: 3 ops, estimate ~3m00s
[   0.1s] op-0004 started: create 40 server(s) of set web
[   0.2s] op-0007 started: resize 3 server(s) of set db to c6.xlarge.2 (wave 2)
[   3.0s] op-0004 job ff8080: 12/40 sub-jobs done
[   8.5s] op-0004 job ff8080: 14/40 sub-jobs done
[   9.0s] throttled op-0007: waiting 2s, write rate now 2.5/s
[  10.5s] retry op-0007 in 1s: HTTP 503 (3 more not shown: 2 retries, 1 throttle)
[  12.3s] op-0004 failed: create 40 server(s) of set web (job ff8080): 5 of 40 targets failed
            - web-0003..web-0005, web-0010 (4): Ecs.0000 insufficient capacity
            - web-0007: Ecs.0039 quota exceeded
[  12.3s] op-0005 skipped: tag 40 server(s) of set web (blocked by op-0004)
[  20.0s] op-0007 done: resize 3 server(s) of set db to c6.xlarge.2 (job ff8081)
[  20.1s] run done: 1 done, 1 failed, 1 skipped of 3 ops
`
	if got := out.String(); got != want {
		t.Errorf("plain view:\n%s\nwant:\n%s", got, want)
	}
}

// What the rate limit held back is said when the run ends or the view
// closes, and an interrupted run says what was not started.
func TestViewPlainHeldBackAndInterrupted(t *testing.T) {
	var out bytes.Buffer
	v := newView(&out, viewPlain, false)
	for i := range 4 {
		v.Event(at(5+float64(i)*0.1, engine.Event{Kind: engine.Retry, Op: "op-0002", Delay: engine.Duration(time.Second), Error: "HTTP 500"}))
	}
	v.Event(at(6, engine.Event{Kind: engine.Interrupted, Message: "Ctrl-C: waiting for 2 running ops"}))
	v.Event(at(6, engine.Event{Kind: engine.OpSkipped, Op: "op-0003", OpKind: plan.OpStart, Set: "db"}))
	v.Event(at(6.5, engine.Event{Kind: engine.Resumed}))
	v.Close()
	v.Close()
	v.Event(at(7, engine.Event{Kind: engine.RunDone})) // after Close: dropped
	want := `[   5.0s] retry op-0002 in 1s: HTTP 500
[   6.0s] interrupted: Ctrl-C: waiting for 2 running ops
[   6.0s] op-0003 skipped: start of set db (run interrupted)
[   6.5s] resumed: an unfinished run was found in the journal
[   6.5s] 3 more not shown: 3 retries
`
	if got := out.String(); got != want {
		t.Errorf("plain view:\n%s\nwant:\n%s", got, want)
	}
}

// Text from the cloud can hold an escape sequence; the plain view prints it
// escaped, and never writes an escape code of its own, color or not.
func TestViewPlainNoEscape(t *testing.T) {
	var out bytes.Buffer
	v := newView(&out, viewPlain, true)
	evs := runEvents()
	evs = append(evs,
		at(21, engine.Event{Kind: engine.OpFailed, Op: "op-0009", Why: "delete \x1b[2Jweb", Error: "boom\x1b[31m\nred",
			Failures: []engine.TargetFailure{{Name: "web-\x1b]0;x\x07", Reason: "r\x1b"}}}),
		at(22, engine.Event{Kind: engine.Interrupted, Message: "\x1b[?25l"}))
	for _, ev := range evs {
		v.Event(ev)
	}
	v.Close()
	if i := bytes.IndexByte(out.Bytes(), 0x1b); i >= 0 {
		t.Fatalf("plain output holds ESC at %d:\n%q", i, out.String())
	}
	if !strings.Contains(out.String(), `op-0009 failed: delete \x1b[2Jweb: boom\x1b[31m\nred`) {
		t.Errorf("the escaped text is missing:\n%s", out.String())
	}
}

func TestViewJSONLines(t *testing.T) {
	var out bytes.Buffer
	v := newView(&out, viewJSON, true)
	evs := runEvents()
	for _, ev := range evs {
		v.Event(ev)
	}
	v.Close()
	v.Event(evs[0]) // after Close: dropped
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(evs) {
		t.Fatalf("%d lines for %d events:\n%s", len(lines), len(evs), out.String())
	}
	for i, line := range lines {
		want, _ := json.Marshal(evs[i])
		if line != string(want) {
			t.Errorf("line %d = %s\nwant   %s", i, line, want)
		}
		// engine.Duration has no UnmarshalJSON, so the line is read back
		// as a mirror of the fields a consumer would use.
		var got struct {
			Time     time.Time              `json:"time"`
			Elapsed  float64                `json:"elapsed"`
			Kind     engine.EventKind       `json:"event"`
			Op       string                 `json:"op"`
			OpKind   plan.OpKind            `json:"kind"`
			Set      string                 `json:"set"`
			Wave     int                    `json:"wave"`
			JobID    string                 `json:"job_id"`
			Done     int                    `json:"done"`
			Total    int                    `json:"total"`
			Failures []engine.TargetFailure `json:"failures"`
			Error    string                 `json:"error"`
			Blocked  string                 `json:"blocked_by"`
			Delay    float64                `json:"delay"`
			Rate     float64                `json:"rate"`
			Estimate float64                `json:"estimate"`
			Counts   engine.Counts          `json:"counts"`
		}
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line %d does not parse: %v", i, err)
		}
		e := evs[i]
		if !got.Time.Equal(e.Time) || got.Elapsed != time.Duration(e.Elapsed).Seconds() || got.Kind != e.Kind ||
			got.Op != e.Op || got.OpKind != e.OpKind || got.Set != e.Set || got.Wave != e.Wave || got.JobID != e.JobID ||
			got.Done != e.Done || got.Total != e.Total || len(got.Failures) != len(e.Failures) || got.Error != e.Error ||
			got.Blocked != e.BlockedBy || got.Delay != time.Duration(e.Delay).Seconds() || got.Rate != e.Rate ||
			got.Estimate != time.Duration(e.Estimate).Seconds() || got.Counts != e.Counts {
			t.Errorf("line %d reads back as %+v, want %+v", i, got, e)
		}
		for j := range got.Failures {
			if got.Failures[j] != e.Failures[j] {
				t.Errorf("line %d failure %d = %+v, want %+v", i, j, got.Failures[j], e.Failures[j])
			}
		}
	}
}

// fakeClock is the live view's clock in tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// syncBuffer is a bytes.Buffer that a test reads while a view writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// screen is what a terminal shows after out, for the control sequences
// the live view writes (cursor up, erase below, autowrap, colors); any
// other sequence fails the test.
func screen(t *testing.T, out string) []string {
	t.Helper()
	var rows [][]rune
	r, c := 0, 0
	in := []rune(out)
	for i := 0; i < len(in); i++ {
		switch ch := in[i]; ch {
		case '\r':
			c = 0
		case '\n':
			r, c = r+1, 0
		case 0x1b:
			if i+1 >= len(in) || in[i+1] != '[' {
				t.Fatalf("not a CSI sequence at %d: %q", i, string(in[i:min(i+10, len(in))]))
			}
			j := i + 2
			for j < len(in) && (in[j] < 0x40 || in[j] > 0x7e) {
				j++
			}
			params := string(in[i+2 : j])
			switch in[j] {
			case 'A':
				n, err := strconv.Atoi(params)
				if err != nil || n > r {
					t.Fatalf("cursor up %q from row %d", params, r)
				}
				r -= n
			case 'J':
				if r < len(rows) {
					rows[r] = rows[r][:min(c, len(rows[r]))]
					rows = rows[:r+1]
				}
			case 'm':
			case 'h', 'l':
				if params != "?7" {
					t.Fatalf("unexpected mode %q", params)
				}
			default:
				t.Fatalf("unexpected sequence %q", string(in[i:j+1]))
			}
			i = j
		default:
			for len(rows) <= r {
				rows = append(rows, nil)
			}
			for len(rows[r]) < c {
				rows[r] = append(rows[r], ' ')
			}
			if c < len(rows[r]) {
				rows[r][c] = ch
			} else {
				rows[r] = append(rows[r], ch)
			}
			c++
		}
	}
	var lines []string
	for _, row := range rows {
		lines = append(lines, strings.TrimRight(string(row), " "))
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// The live view redraws in place at most every 100ms of its clock: what
// is on screen after each step is the lines that scrolled up (failures,
// throttles, retry counts) and the live area below them.
func TestViewLiveRedraws(t *testing.T) {
	clock := &fakeClock{now: t0}
	var out syncBuffer
	v := newLiveView(&out, false, clock.Now, 100*time.Millisecond)
	evs := runEvents()
	check := func(step string, want ...string) {
		t.Helper()
		got := screen(t, out.String())
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: screen\n%s\nwant\n%s", step, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}

	v.Event(evs[0]) // run started: drawn at once
	check("start", "0s · 0/3 ops · 0 running · 0 failed · 0 skipped · 0 jobs · ETA ~3m00s")
	v.Event(evs[1])
	v.Event(evs[2]) // same instant: not drawn
	check("same instant", "0s · 0/3 ops · 0 running · 0 failed · 0 skipped · 0 jobs · ETA ~3m00s")
	draws := strings.Count(out.String(), ansiWrapOff)

	clock.Add(3 * time.Second)
	v.Event(evs[4])
	check("progress",
		"3s · 0/3 ops · 2 running · 0 failed · 0 skipped · 1 job · ETA ~2m57s",
		"  web  create_servers  job 12/40 sub-jobs · 2s",
		"  db   resize_servers  wave 2 · 2s")
	if !strings.Contains(out.String(), "\r\x1b[1A"+ansiEraseBelow) {
		t.Errorf("no cursor up over the one-line live area:\n%q", out.String())
	}

	clock.Add(6 * time.Second)
	for _, ev := range evs[7:13] { // throttles, retries, the failure: one redraw
		v.Event(ev)
	}
	if n := strings.Count(out.String(), ansiWrapOff); n != draws+2 {
		t.Errorf("%d redraws for 2 instants", n-draws)
	}
	clock.Add(200 * time.Millisecond)
	v.tick() // what the ticker does
	check("failure",
		"[   9.0s] throttled op-0007: waiting 2s, write rate now 2.5/s",
		"[  12.3s] op-0004 failed: create 40 server(s) of set web (job ff8080): 5 of 40 targets failed",
		"            - web-0003..web-0005, web-0010 (4): Ecs.0000 insufficient capacity",
		"            - web-0007: Ecs.0039 quota exceeded",
		"[   9.2s] 3 retries (3 in all); last: op-0007 in 1s: HTTP 503",
		"9s · 1/3 ops · 1 running · 1 failed · 0 skipped · 0 jobs · ETA ~18s",
		"  db  resize_servers  wave 2 · 9s")

	for _, ev := range evs[13:] {
		clock.Add(time.Second)
		v.Event(ev)
	}
	v.Close()
	check("closed",
		"[   9.0s] throttled op-0007: waiting 2s, write rate now 2.5/s",
		"[  12.3s] op-0004 failed: create 40 server(s) of set web (job ff8080): 5 of 40 targets failed",
		"            - web-0003..web-0005, web-0010 (4): Ecs.0000 insufficient capacity",
		"            - web-0007: Ecs.0039 quota exceeded",
		"[   9.2s] 3 retries (3 in all); last: op-0007 in 1s: HTTP 503",
		"[  12.2s] 1 more not shown: 1 throttle",
		"12s · 3/3 ops · 0 running · 1 failed · 1 skipped · 0 jobs")
}

// The ticker redraws when no event comes, so the elapsed time moves; Close
// stops it and waits for it, and a second Close or a late event is harmless.
func TestViewLiveTickerAndClose(t *testing.T) {
	clock := &fakeClock{now: t0}
	var out syncBuffer
	v := newLiveView(&out, true, clock.Now, 20*time.Millisecond)
	v.Event(at(0, engine.Event{Kind: engine.RunStarted, Counts: counts(1, 0, 0, 0, 0, 0)}))
	clock.Add(3 * time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(screen(t, out.String())[0], "3s") {
		if time.Now().After(deadline) {
			t.Fatalf("the ticker did not redraw:\n%q", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	v.Close()
	select {
	case <-v.exited:
	default:
		t.Fatal("Close returned with the ticker running")
	}
	n := len(out.String())
	v.Close()
	v.Event(at(4, engine.Event{Kind: engine.OpFailed, Op: "op-0001", Error: "late"}))
	clock.Add(time.Second)
	time.Sleep(50 * time.Millisecond)
	if len(out.String()) != n {
		t.Errorf("output after Close: %q", out.String()[n:])
	}
	if !strings.Contains(out.String(), "\x1b[1m") {
		t.Errorf("color on, but no style in %q", out.String())
	}
}

// Running ops are grouped by set and kind, at most eight lines of them.
func TestViewLiveStages(t *testing.T) {
	clock := &fakeClock{now: t0}
	var out syncBuffer
	v := newLiveView(&out, false, clock.Now, 100*time.Millisecond)
	defer v.Close()
	v.Event(at(0, engine.Event{Kind: engine.RunStarted, Counts: counts(20, 0, 0, 0, 0, 0)}))
	v.Event(at(1, engine.Event{Kind: engine.OpStarted, Op: "op-0001", OpKind: plan.OpResizeServers, Set: "db", Wave: 1, Counts: counts(20, 1, 0, 0, 0, 0)}))
	v.Event(at(2, engine.Event{Kind: engine.OpStarted, Op: "op-0002", OpKind: plan.OpResizeServers, Set: "db", Wave: 2, Counts: counts(20, 2, 0, 0, 0, 0)}))
	v.Event(at(3, engine.Event{Kind: engine.JobProgress, Op: "op-0001", JobID: "j1", Done: 5, Total: 10, Counts: counts(20, 2, 0, 0, 0, 1)}))
	v.Event(at(3, engine.Event{Kind: engine.JobProgress, Op: "op-0002", JobID: "j2", Done: 0, Total: 10, Counts: counts(20, 2, 0, 0, 0, 2)}))
	for i := range 10 {
		v.Event(at(4+float64(i), engine.Event{Kind: engine.OpStarted, Op: fmt.Sprintf("op-%04d", 10+i), OpKind: plan.OpAddTags,
			Set: fmt.Sprintf("s%02d", i), Counts: counts(20, 3+i, 0, 0, 0, 2)}))
	}
	v.Event(at(14, engine.Event{Kind: engine.OpStarted, Op: "op-0030", OpKind: plan.OpCreateKeypair, JobID: "", Counts: counts(20, 13, 0, 0, 0, 2)}))
	clock.Add(20 * time.Second)
	v.tick()
	want := []string{
		"20s · 0/20 ops · 13 running · 0 failed · 0 skipped · 2 jobs",
		"  db   resize_servers  2 ops · waves 1-2 · jobs 5/20 sub-jobs · 19s",
		"  s00  add_tags        16s",
		"  s01  add_tags        15s",
		"  s02  add_tags        14s",
		"  s03  add_tags        13s",
		"  s04  add_tags        12s",
		"  s05  add_tags        11s",
		"  s06  add_tags        10s",
		"  … and 4 more (4 ops)",
	}
	if got := screen(t, out.String()); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("screen\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Events come from many goroutines; run with -race.
func TestViewConcurrentEvents(t *testing.T) {
	for _, mode := range []viewMode{viewPlain, viewLive, viewJSON} {
		var out syncBuffer
		v := newView(&out, mode, true)
		v.Event(at(0, engine.Event{Kind: engine.RunStarted, Counts: counts(800, 0, 0, 0, 0, 0)}))
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for i := range 100 {
					op := fmt.Sprintf("op-%d-%d", g, i)
					c := counts(800, 1, 0, 0, 0, 0)
					v.Event(at(1, engine.Event{Kind: engine.OpStarted, Op: op, OpKind: plan.OpAddTags, Set: "web", Counts: c}))
					v.Event(at(1, engine.Event{Kind: engine.JobProgress, Op: op, Done: 1, Total: 2, Counts: c}))
					v.Event(at(1, engine.Event{Kind: engine.Retry, Op: op, Error: "HTTP 503", Counts: c}))
					v.Event(at(2, engine.Event{Kind: engine.OpDone, Op: op, OpKind: plan.OpAddTags, Set: "web", Counts: counts(800, 0, 800, 0, 0, 0)}))
				}
			})
		}
		wg.Wait()
		v.Close()
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		switch mode {
		case viewJSON:
			if len(lines) != 1+8*100*4 {
				t.Errorf("json: %d lines", len(lines))
			}
			for _, l := range lines {
				if !json.Valid([]byte(l)) {
					t.Fatalf("json: torn line %q", l)
				}
			}
		case viewPlain:
			done := strings.Count(out.String(), " done: add_tags of set web\n")
			if done != 800 || !strings.Contains(out.String(), "more not shown:") {
				t.Errorf("plain: %d done lines, or the retries were not summed up:\n%s", done, lines[len(lines)-1])
			}
		case viewLive:
			got := screen(t, out.String())
			retries := 0
			for _, l := range got {
				if _, rest, ok := strings.Cut(l, "] "); ok && strings.Contains(rest, " in all); last: op-") {
					n, _ := strconv.Atoi(strings.Fields(rest)[0])
					retries += n
				}
			}
			if last := got[len(got)-1]; !strings.HasSuffix(last, "s · 800/800 ops · 0 running · 0 failed · 0 skipped · 0 jobs") || retries != 800 {
				t.Errorf("live: %d retries counted; final screen\n%s", retries, strings.Join(got, "\n"))
			}
		}
	}
}

func TestProgressETA(t *testing.T) {
	for _, tc := range []struct {
		elapsed, estimate time.Duration
		c                 engine.Counts
		want              string
	}{
		{0, 3 * time.Minute, counts(10, 0, 0, 0, 0, 0), "3m00s"},
		{50 * time.Second, 3 * time.Minute, counts(10, 2, 0, 0, 0, 0), "2m10s"},
		{5 * time.Minute, 3 * time.Minute, counts(10, 2, 0, 0, 0, 0), "0s"}, // over the estimate: never negative
		{30 * time.Second, 3 * time.Minute, counts(10, 2, 2, 1, 0, 0), "1m10s"},
		{30 * time.Second, 0, counts(10, 2, 0, 0, 0, 0), "none"},
		{30 * time.Second, time.Minute, counts(10, 0, 8, 1, 1, 0), "none"},
	} {
		eta, ok := progressETA(tc.elapsed, tc.estimate, tc.c)
		got := "none"
		if ok {
			got = fmtDur(eta)
		}
		if got != tc.want || eta < 0 {
			t.Errorf("progressETA(%v, %v, %+v) = %s, want %s", tc.elapsed, tc.estimate, tc.c, got, tc.want)
		}
	}
}

func TestProgressHelpers(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 400 * time.Millisecond: "0.4s", 3 * time.Second: "3s", 12300 * time.Millisecond: "12s",
		72 * time.Second: "1m12s", 3*time.Hour + 4*time.Minute + 5*time.Second: "3h04m", -time.Second: "0s",
	} {
		if got := fmtDur(d); got != want {
			t.Errorf("fmtDur(%v) = %q, want %q", d, got, want)
		}
	}
}

func bigResult() *engine.Result {
	r := &engine.Result{
		Counts:  counts(50, 0, 42, 3, 5, 0),
		Elapsed: engine.Duration(72 * time.Second),
		Calls:   engine.CallStats{Writes: 130, Reads: 48, Polls: 90, Retries: 6, Throttled: 4},
	}
	add := func(kind plan.Kind, action plan.Action, name, set string, status engine.Status, reason string) {
		r.Changes = append(r.Changes, engine.ChangeResult{Kind: kind, Action: action, Name: name, Set: set, Status: status, Reason: reason})
	}
	add(plan.KindKeypair, plan.Create, "deploy", "", engine.StatusDone, "")
	for i := 1; i <= 300; i++ {
		add(plan.KindServer, plan.Create, fmt.Sprintf("web-%04d", i), "web", engine.StatusSkipped, "op-0012")
	}
	add(plan.KindServer, plan.Create, "web-0303", "web", engine.StatusFailed, "Ecs.0000 insufficient capacity")
	add(plan.KindServer, plan.Create, "web-0301", "web", engine.StatusFailed, "Ecs.0000 insufficient capacity")
	add(plan.KindServer, plan.Update, "db-0001", "db", engine.StatusFailed, "Ecs.0114 flavor \x1b[1mnot\x1b[0m available")
	add(plan.KindServerGroup, plan.Delete, "old-group", "", engine.StatusSkipped, "op-0020")
	add(plan.KindServer, plan.Update, "db-0002", "db", engine.StatusDone, "")
	return r
}

func TestResultSummaryFailed(t *testing.T) {
	var out bytes.Buffer
	if err := renderResult(&out, bigResult(), "Apply", false); err != nil {
		t.Fatal(err)
	}
	want := `Apply failed: 42 done, 3 failed, 5 skipped in 1m12s — 130 writes, 48 reads, 90 job polls, 6 retries (4 throttled)

- web-0301, web-0303 (2 servers, create): failed: Ecs.0000 insufficient capacity
- db-0001 (server, update): failed: Ecs.0114 flavor \x1b[1mnot\x1b[0m available
- web-0001..web-0300 (300 servers, create): skipped, blocked by op-0012
- old-group (server group, delete): skipped, blocked by op-0020

Run 'ecsfleet apply' again to retry what failed; the journal lets it resume.
`
	if got := out.String(); got != want {
		t.Errorf("summary:\n%s\nwant:\n%s", got, want)
	}

	// In color, the same text with styles.
	var colored bytes.Buffer
	if err := renderResult(&colored, bigResult(), "Apply", true); err != nil {
		t.Fatal(err)
	}
	if plain := strings.Join(screen(t, colored.String()), "\n") + "\n"; plain != want || !strings.Contains(colored.String(), "\x1b[") {
		t.Errorf("colored summary is not the text with styles:\n%q", colored.String())
	}
}

func TestResultSummaryComplete(t *testing.T) {
	r := &engine.Result{
		Counts:  counts(3, 0, 3, 0, 0, 0),
		Elapsed: engine.Duration(4200 * time.Millisecond),
		Calls:   engine.CallStats{Writes: 1, Reads: 2, Polls: 1},
		Changes: []engine.ChangeResult{{Kind: plan.KindServer, Action: plan.Delete, Name: "web-0001", Status: engine.StatusDone}},
	}
	var out bytes.Buffer
	if err := renderResult(&out, r, "Destroy", false); err != nil {
		t.Fatal(err)
	}
	want := "Destroy complete: 3 done, 0 failed, 0 skipped in 4.2s — 1 write, 2 reads, 1 job poll\n"
	if got := out.String(); got != want {
		t.Errorf("summary:\n%s\nwant:\n%s", got, want)
	}
}

func TestResultSummaryInterrupted(t *testing.T) {
	r := &engine.Result{
		Counts:      counts(10, 0, 4, 0, 0, 0),
		Elapsed:     engine.Duration(30 * time.Second),
		Interrupted: true,
		Calls:       engine.CallStats{Writes: 4, Reads: 8, Polls: 12, Throttled: 1},
	}
	for i := 1; i <= 6; i++ {
		r.Changes = append(r.Changes, engine.ChangeResult{Kind: plan.KindServer, Action: plan.Delete, Name: fmt.Sprintf("db-%d", i), Set: "db", Status: engine.StatusNotStarted})
	}
	var out bytes.Buffer
	if err := renderResult(&out, r, "Destroy", false); err != nil {
		t.Fatal(err)
	}
	want := `Destroy interrupted: 4 done, 0 failed, 0 skipped, 6 not started in 30s — 4 writes, 8 reads, 12 job polls, 1 throttled

- db-1..db-6 (6 servers, delete): not started

Run 'ecsfleet destroy' again to finish what was not started; the journal lets it resume.
`
	if got := out.String(); got != want {
		t.Errorf("summary:\n%s\nwant:\n%s", got, want)
	}
}

// A result whose changes do not say what went wrong lists the ops.
func TestResultSummaryOps(t *testing.T) {
	r := &engine.Result{
		Counts:  counts(4, 0, 1, 1, 2, 0),
		Elapsed: engine.Duration(90 * time.Second),
		Ops: []engine.OpResult{
			{ID: "op-0001", Kind: plan.OpCreateKeypair, Status: engine.StatusDone},
			{ID: "op-0002", Kind: plan.OpCreateServers, Set: "web", Status: engine.StatusFailed, Error: "Ecs.0000 insufficient capacity"},
			{ID: "op-0003", Kind: plan.OpAddTags, Set: "web", Status: engine.StatusSkipped, BlockedBy: "op-0002"},
			{ID: "op-0004", Kind: plan.OpAddTags, Set: "web", Status: engine.StatusSkipped, BlockedBy: "op-0002"},
		},
	}
	var out bytes.Buffer
	if err := renderResult(&out, r, "Apply", false); err != nil {
		t.Fatal(err)
	}
	want := `Apply failed: 1 done, 1 failed, 2 skipped in 1m30s — 0 writes, 0 reads, 0 job polls

- op-0002 (op, create_servers): failed: Ecs.0000 insufficient capacity
- op-0003, op-0004 (2 ops, add_tags): skipped, blocked by op-0002

Run 'ecsfleet apply' again to retry what failed; the journal lets it resume.
`
	if got := out.String(); got != want {
		t.Errorf("summary:\n%s\nwant:\n%s", got, want)
	}
	if err := renderResult(&out, nil, "Apply", false); err == nil {
		t.Error("a nil result rendered without an error")
	}
}

func TestResultJSON(t *testing.T) {
	r := bigResult()
	var out bytes.Buffer
	if err := renderResultJSON(&out, r); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "\n"); n != 1 || !strings.HasSuffix(out.String(), "\n") {
		t.Fatalf("not one line: %d newlines", n)
	}
	var got struct {
		Changes []engine.ChangeResult `json:"changes"`
		Counts  engine.Counts         `json:"counts"`
		Elapsed float64               `json:"elapsed"`
		Calls   engine.CallStats      `json:"calls"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Counts != r.Counts || got.Elapsed != 72 || got.Calls != r.Calls || len(got.Changes) != len(r.Changes) || got.Changes[301] != r.Changes[301] {
		t.Errorf("reads back as %+v", got)
	}
	if err := renderResultJSON(&out, nil); err == nil {
		t.Error("a nil result rendered without an error")
	}
}
