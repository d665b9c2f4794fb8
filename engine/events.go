package engine

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/ecsfleet/ecsfleet/plan"
)

// EventKind names what happened.
type EventKind string

// Events, in the order a run emits them.
const (
	// RunStarted opens a run: Counts.Total ops, Estimate.
	RunStarted EventKind = "run_started"
	// Resumed: the journal of an unfinished run was reconciled (Message
	// says what was found).
	Resumed EventKind = "resumed"
	// OpStarted: the op's call is about to be made.
	OpStarted EventKind = "op_started"
	// JobProgress: a poll of the op's job (Done of Total sub-jobs finished).
	JobProgress EventKind = "job_progress"
	// OpDone: the op succeeded for all its targets.
	OpDone EventKind = "op_done"
	// OpFailed: the op failed for some or all targets (Failures, Error).
	OpFailed EventKind = "op_failed"
	// OpSkipped: the op was not run because an op it depends on failed
	// (BlockedBy), or the run was interrupted before it started.
	OpSkipped EventKind = "op_skipped"
	// Retry: a call is retried after a transient failure (Delay, Error).
	Retry EventKind = "retry"
	// Throttled: the cloud throttled a call; the engine slows down (Delay;
	// Rate is the engine's new rate of calls per second, all classes).
	Throttled EventKind = "throttled"
	// Interrupted: the run was asked to stop; no new op starts.
	Interrupted EventKind = "interrupted"
	// RunDone closes a run (Counts are final).
	RunDone EventKind = "run_done"
)

// Event is one step of a run, for the views (terminal, plain lines,
// NDJSON). It never holds a secret. Counts is the state of the whole run
// at the time of the event, so a view needs no bookkeeping of its own.
type Event struct {
	Time    time.Time   `json:"time"`
	Elapsed Duration    `json:"elapsed"`
	Kind    EventKind   `json:"event"`
	Op      string      `json:"op,omitempty"`
	OpKind  plan.OpKind `json:"kind,omitempty"`
	Set     string      `json:"set,omitempty"`
	Wave    int         `json:"wave,omitempty"`
	Why     string      `json:"why,omitempty"`
	// Targets is how many objects the op touches.
	Targets int    `json:"targets,omitempty"`
	JobID   string `json:"job_id,omitempty"`
	// Done and Total count a job's finished sub-jobs (JobProgress; an
	// absent done is 0).
	Done  int `json:"done,omitempty"`
	Total int `json:"total,omitempty"`
	// Failures are the targets that failed, with the cloud's reason.
	Failures []TargetFailure `json:"failures,omitempty"`
	Error    string          `json:"error,omitempty"`
	// BlockedBy is the failed op that kept this one from running.
	BlockedBy string `json:"blocked_by,omitempty"`
	// Delay is the wait before a retry.
	Delay Duration `json:"delay,omitempty"`
	// Rate is the engine's call rate after a throttle (calls per second).
	Rate float64 `json:"rate,omitempty"`
	// Message is free text for Resumed and Interrupted.
	Message string `json:"message,omitempty"`
	// Estimate is the plan's estimate (RunStarted).
	Estimate Duration `json:"estimate,omitempty"`
	Counts   Counts   `json:"counts"`
}

// Counts are the ops of a run by state.
type Counts struct {
	Total   int `json:"total"`
	Running int `json:"running"`
	Done    int `json:"done"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	// Jobs is how many cloud jobs are being waited on.
	Jobs int `json:"jobs"`
}

// Finished is how many ops are over, whatever their outcome.
func (c Counts) Finished() int { return c.Done + c.Failed + c.Skipped }

// TargetFailure is one object an op failed for, with the cloud's reason.
type TargetFailure struct {
	Name   string `json:"name"`
	ID     string `json:"id,omitempty"`
	Reason string `json:"reason"`
}

// Duration is a time.Duration that reads as seconds in JSON.
type Duration time.Duration

// MarshalJSON writes seconds with millisecond precision.
func (d Duration) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, time.Duration(d).Seconds(), 'f', 3, 64), nil
}

// UnmarshalJSON reads seconds, so a Go consumer can decode the NDJSON.
func (d *Duration) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("duration: want seconds, got %s", b)
	}
	*d = Duration(math.Round(f * float64(time.Second)))
	return nil
}
