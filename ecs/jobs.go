package ecs

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Job statuses (5.11.1). SUCCESS and FAIL are terminal.
const (
	JobInit    = "INIT"
	JobRunning = "RUNNING"
	JobSuccess = "SUCCESS"
	JobFail    = "FAIL"
)

// Job is the answer of GET /v1/{tenant_id}/jobs/{job_id} (5.11.1). A batch job
// (create with count > 1, batch NIC operations) lists one sub-job per
// object in Entities.SubJobs; a single-object job carries Entities.ServerID or
// Entities.NICID directly (real-client-evidence C7).
type Job struct {
	JobID      string      `json:"job_id"`
	JobType    string      `json:"job_type"`
	BeginTime  string      `json:"begin_time"`
	EndTime    string      `json:"end_time"`
	Status     string      `json:"status"`
	ErrorCode  FlexString  `json:"error_code"`
	FailReason FlexString  `json:"fail_reason"`
	Code       FlexString  `json:"code,omitempty"`
	Message    FlexString  `json:"message,omitempty"`
	Entities   JobEntities `json:"entities"`

	// SubJobs is Entities.SubJobs, lifted for convenience
	// (Job.SubJobs[i].Entities.ServerID is server i's result).
	SubJobs []SubJob `json:"-"`
}

// UnmarshalJSON decodes the wire shape and lifts the sub-jobs.
func (j *Job) UnmarshalJSON(b []byte) error {
	type wire Job
	var w wire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*j = Job(w)
	j.SubJobs = j.Entities.SubJobs
	return nil
}

// JobEntities is what a job operates on.
type JobEntities struct {
	ServerID     string   `json:"server_id,omitempty"`
	NICID        string   `json:"nic_id,omitempty"`
	SubJobsTotal FlexInt  `json:"sub_jobs_total,omitempty"`
	SubJobs      []SubJob `json:"sub_jobs,omitempty"`
}

// SubJob is one per-object part of a batch job.
type SubJob struct {
	JobID      string       `json:"job_id"`
	JobType    string       `json:"job_type"`
	BeginTime  string       `json:"begin_time"`
	EndTime    string       `json:"end_time"`
	Status     string       `json:"status"`
	ErrorCode  FlexString   `json:"error_code"`
	FailReason FlexString   `json:"fail_reason"`
	Entities   SubJobEntity `json:"entities"`
}

// SubJobEntity is the object of a sub-job.
type SubJobEntity struct {
	ServerID string `json:"server_id,omitempty"`
	NICID    string `json:"nic_id,omitempty"`
	VolumeID string `json:"volume_id,omitempty"`
}

// Terminal reports whether the job reached SUCCESS or FAIL.
func (j *Job) Terminal() bool { return IsTerminal(j.Status) }

// IsTerminal reports SUCCESS or FAIL (any case).
func IsTerminal(status string) bool {
	s := strings.ToUpper(status)
	return s == JobSuccess || s == JobFail
}

// ServerResult is one server's outcome of a job.
type ServerResult struct {
	ServerID   string
	Status     string
	ErrorCode  string
	FailReason string
}

// ServerResults maps the job to per-server results: one per sub-job, or the
// job itself when it has none but names a server.
func (j *Job) ServerResults() []ServerResult {
	var out []ServerResult
	for _, s := range j.Entities.SubJobs {
		out = append(out, ServerResult{ServerID: s.Entities.ServerID, Status: s.Status,
			ErrorCode: string(s.ErrorCode), FailReason: string(s.FailReason)})
	}
	if len(out) == 0 && j.Entities.ServerID != "" {
		out = append(out, ServerResult{ServerID: j.Entities.ServerID, Status: j.Status,
			ErrorCode: string(j.ErrorCode), FailReason: string(j.FailReason)})
	}
	return out
}

// JobError is returned by WaitJob for a job that ended in FAIL. It carries the
// whole job, so the caller can see which sub-jobs (servers) failed.
type JobError struct {
	Job *Job
}

func (e *JobError) Error() string {
	msg := fmt.Sprintf("ecs: job %s (%s) failed", e.Job.JobID, e.Job.JobType)
	if e.Job.ErrorCode != "" {
		msg += ": " + string(e.Job.ErrorCode)
	}
	if e.Job.FailReason != "" {
		msg += ": " + string(e.Job.FailReason)
	}
	failed := 0
	for _, s := range e.Job.Entities.SubJobs {
		if strings.EqualFold(s.Status, JobFail) {
			failed++
		}
	}
	if n := len(e.Job.Entities.SubJobs); n > 0 {
		msg += fmt.Sprintf(" (%d of %d sub-jobs failed)", failed, n)
	}
	return msg
}

// GetJob reads a job once (5.11.1).
func (c *Client) GetJob(ctx context.Context, jobID string) (*Job, error) {
	var j Job
	if _, err := c.do(ctx, request{method: http.MethodGet, path: c.p("/v1/%s/jobs/%s", jobID), out: &j}); err != nil {
		return nil, err
	}
	return &j, nil
}

// WaitOptions shape the adaptive polling of WaitJob.
type WaitOptions struct {
	// Expected is how long the job is expected to take (e.g. ~60 s for a
	// create): the first poll happens after about that long (default 5 s).
	Expected time.Duration
	// MinInterval is the shortest wait between polls (default 1 s).
	MinInterval time.Duration
	// MaxInterval caps the growing interval (default 30 s).
	MaxInterval time.Duration
	// Factor multiplies the interval after each non-terminal poll (default 1.5).
	Factor float64
	// Timeout bounds the whole wait (0 = only ctx).
	Timeout time.Duration
	// OnPoll, if set, is called with every job read (progress reporting).
	OnPoll func(*Job)
	// ByProgress, when > 0, lets a job's own progress set the waits: once
	// some of its sub-jobs have ended, the next wait is half the time the
	// rest should take at the rate seen so far, at least MinInterval and
	// at most ByProgress (a cap that keeps progress reports coming). A
	// batch job of many rounds is then polled a few dozen times rather
	// than every MaxInterval, and seen soon after it ends.
	ByProgress time.Duration
}

// progressWait is the wait ByProgress chooses after reading j, elapsed
// after the wait began, and whether j's progress tells (some sub-jobs
// ended, some not).
func (o WaitOptions) progressWait(j *Job, elapsed time.Duration) (time.Duration, bool) {
	if o.ByProgress <= 0 || j == nil {
		return 0, false
	}
	done, total := 0, len(j.SubJobs)
	for _, s := range j.SubJobs {
		if IsTerminal(s.Status) {
			done++
		}
	}
	if done == 0 || done == total {
		return 0, false
	}
	rest := time.Duration(float64(elapsed) * float64(total-done) / float64(done))
	return min(max(rest/2, o.MinInterval), o.ByProgress), true
}

// Schedule returns the first n waits WaitJob would make (without jitter): the
// first near Expected, then growing by Factor up to MaxInterval. It exists so
// the policy is visible and testable.
func (o WaitOptions) Schedule(n int) []time.Duration {
	o = o.withDefaults()
	out := make([]time.Duration, 0, n)
	d := o.Expected
	for i := range n {
		out = append(out, d)
		d = o.after(i, d)
	}
	return out
}

func (o WaitOptions) withDefaults() WaitOptions {
	if o.MinInterval <= 0 {
		o.MinInterval = time.Second
	}
	if o.MaxInterval <= 0 {
		o.MaxInterval = 30 * time.Second
	}
	if o.Expected <= 0 {
		o.Expected = 5 * time.Second
	}
	if o.Expected < o.MinInterval {
		o.Expected = o.MinInterval
	}
	if o.Factor < 1 {
		o.Factor = 1.5
	}
	return o
}

// after is the wait that follows wait number i (0-based) of length d. After
// the first (expected-duration) wait, polling restarts from a tenth of it (at
// least MinInterval), so a job that is only slightly late is seen promptly,
// and then grows by Factor up to MaxInterval.
func (o WaitOptions) after(i int, d time.Duration) time.Duration {
	if i == 0 {
		d = o.Expected / 10
		if d < o.MinInterval {
			d = o.MinInterval
		}
		if d > o.MaxInterval {
			d = o.MaxInterval
		}
		return d
	}
	n := time.Duration(float64(d) * o.Factor)
	if n > o.MaxInterval {
		n = o.MaxInterval
	}
	if n < o.MinInterval {
		n = o.MinInterval
	}
	return n
}

// WaitJob polls a job until it is SUCCESS or FAIL, with adaptive backoff: the
// first poll after about opts.Expected, then intervals growing by Factor up to
// MaxInterval (never a fixed 10 s loop). It returns the final job; a FAIL job
// comes back together with a *JobError carrying the same job. Up to 5
// consecutive transient poll failures (each already retried by the transport)
// are ridden out; a context cancellation returns the last job read (possibly
// nil) and ctx.Err().
func (c *Client) WaitJob(ctx context.Context, jobID string, opts WaitOptions) (*Job, error) {
	return PollJob(ctx, c.GetJob, jobID, opts)
}

// PollJob is WaitJob with the job read by get: a caller that rate-limits or
// counts its reads (the engine) polls with the same policy.
func PollJob(ctx context.Context, get func(context.Context, string) (*Job, error), jobID string, opts WaitOptions) (*Job, error) {
	opts = opts.withDefaults()
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	var last *Job
	wait := opts.Expected
	failures := 0
	start := time.Now()
	for i := 0; ; i++ {
		if err := sleepCtx(ctx, jitter(wait)); err != nil {
			return last, err
		}
		j, err := get(ctx, jobID)
		if err != nil {
			if ctx.Err() != nil {
				return last, ctx.Err()
			}
			// The job runs on regardless of a flaky poll: keep polling
			// through a few failed reads (each already retried by the
			// transport) before giving up.
			if cls := Classify(err); (cls == Transient || cls == Throttled) && failures < maxPollFailures {
				failures++
				wait = opts.after(i, wait)
				continue
			}
			return last, err
		}
		failures = 0
		last = j
		if opts.OnPoll != nil {
			opts.OnPoll(j)
		}
		switch strings.ToUpper(j.Status) {
		case JobSuccess:
			return j, nil
		case JobFail:
			return j, &JobError{Job: j}
		}
		wait = opts.after(i, wait)
		if w, ok := opts.progressWait(j, time.Since(start)); ok {
			wait = w
		}
	}
}

// maxPollFailures is how many consecutive failed job reads WaitJob tolerates.
const maxPollFailures = 5

// jitter spreads polls of many concurrent waiters by up to ±10 %.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	spread := d / 10
	if spread <= 0 {
		return d
	}
	return d - spread + time.Duration(randN(int64(2*spread)+1))
}
