package engine

import "github.com/ecsfleet/ecsfleet/plan"

// Status is the outcome of an op or a change.
type Status string

// Outcomes.
const (
	StatusDone   Status = "done"
	StatusFailed Status = "failed"
	// StatusSkipped: not run because an op it depends on failed.
	StatusSkipped Status = "skipped"
	// StatusNotStarted: the run was interrupted before the op started.
	StatusNotStarted Status = "not_started"
)

// Result is the exact account of a run: every op and every change of the
// plan with its outcome.
type Result struct {
	Ops     []OpResult     `json:"ops"`
	Changes []ChangeResult `json:"changes"`
	Counts  Counts         `json:"counts"`
	Elapsed Duration       `json:"elapsed"`
	// Interrupted is set when the run was stopped (Ctrl-C) before the end.
	Interrupted bool      `json:"interrupted,omitempty"`
	Calls       CallStats `json:"calls"`
}

// OK reports whether every op of the plan succeeded.
func (r *Result) OK() bool { return r.Counts.Done == r.Counts.Total && !r.Interrupted }

// OpResult is one op's outcome.
type OpResult struct {
	ID     string      `json:"id"`
	Kind   plan.OpKind `json:"kind"`
	Set    string      `json:"set,omitempty"`
	Why    string      `json:"why"`
	Status Status      `json:"status"`
	// Error is the cloud's reason when the whole op failed.
	Error string `json:"error,omitempty"`
	// Failures are the targets it failed for (a batch may fail for some).
	Failures  []TargetFailure `json:"failures,omitempty"`
	BlockedBy string          `json:"blocked_by,omitempty"`
	JobID     string          `json:"job_id,omitempty"`
}

// ChangeResult is one change of the plan with the outcome of the ops that
// carry it out: failed if one of them failed for its object, skipped if
// one was skipped, else done.
type ChangeResult struct {
	Kind   plan.Kind   `json:"kind"`
	Action plan.Action `json:"action"`
	Name   string      `json:"name"`
	Set    string      `json:"set,omitempty"`
	Status Status      `json:"status"`
	// Reason is the cloud's reason of a failure (or why it was skipped
	// when no op blocked it).
	Reason string `json:"reason,omitempty"`
	// BlockedBy is the failed op that kept a skipped change from running.
	BlockedBy string `json:"blocked_by,omitempty"`
}

// CallStats count the API calls of a run by class, and the cloud's pushback.
type CallStats struct {
	Reads  int `json:"reads"`
	Writes int `json:"writes"`
	Polls  int `json:"polls"`
	// Retries are transport retries (throttled or transient); Throttled
	// counts those of them the cloud throttled (a subset of Retries).
	Retries   int `json:"retries"`
	Throttled int `json:"throttled"`
}
