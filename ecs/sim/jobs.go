package sim

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// The job engine. A job's sub-jobs are data (op name + params) so the whole
// schedule persists in the state file; what an op DOES is an Effect looked
// up by name when the sub-job starts and ends. Scheduling is decided once,
// at submit time: each sub-job gets a duration (per-op, seeded jitter, maybe
// a seeded "slow" factor), a fate (seeded failure) and a start time from the
// project's C capacity slots. State is then advanced lazily to "now" before
// every request, applying starts and ends in time order. This keeps the
// simulator deterministic, needs no background goroutine, and works across
// processes that share a state file.

// Effect is what an op does to the project state. Each phase may be nil.
// Start runs when the sub-job leaves INIT; Success or Fail when it ends.
// An error from Start or Success turns the sub-job into a failure whose
// fail_reason is the error's text (Fail then runs).
type Effect struct {
	Start   func(p *ProjectState, sj *SubJob) error
	Success func(p *ProjectState, sj *SubJob) error
	Fail    func(p *ProjectState, sj *SubJob) error
}

var (
	effectsMu sync.RWMutex
	effects   = map[string]Effect{}
)

// registerEffect declares op's behaviour; call it from an init func in the
// file that owns the op. Registering an op twice panics (a programming error).
func registerEffect(op string, e Effect) {
	effectsMu.Lock()
	defer effectsMu.Unlock()
	if _, dup := effects[op]; dup {
		panic("sim: effect registered twice: " + op)
	}
	effects[op] = e
}

func effectFor(op string) Effect {
	effectsMu.RLock()
	defer effectsMu.RUnlock()
	return effects[op]
}

// SubJobSpec describes one sub-job to submit.
type SubJobSpec struct {
	Type     string            // sub-job job_type shown to clients, e.g. createSingleServer
	Op       string            // effect name; also selects the duration (Config.Durations)
	Entities map[string]string // server_id / nic_id / volume_id
	Params   map[string]string
	// FailCode and FailReason, when set, make the sub-job fail for a reason
	// known at submit time (e.g. no host left for an anti-affinity group).
	FailCode, FailReason string
}

// submitJob creates a job of jobType in project p at sim time now and
// schedules its sub-jobs. entities are shown at job level (may be nil).
// The caller holds the request lock (it runs inside a handler).
func (s *Sim) submitJob(p *ProjectState, now time.Time, jobType string, entities map[string]string, specs []SubJobSpec) *Job {
	st := s.state
	j := &Job{ID: st.newHexID(s.cfg.Seed), Type: jobType, Status: JobInit, Begin: now, Entities: entities}
	for _, sp := range specs {
		sj := &SubJob{
			ID: st.newHexID(s.cfg.Seed), Type: sp.Type, Op: sp.Op, Status: JobInit,
			Entities: sp.Entities, Params: sp.Params,
		}
		if sj.Entities == nil {
			sj.Entities = map[string]string{}
		}
		d := s.cfg.Durations[sp.Op]
		if d <= 0 {
			d = s.cfg.DefaultDuration
		}
		d = time.Duration(float64(d) * jitter(s.cfg.Seed, sj.ID, s.cfg.Jitter))
		if roll(s.cfg.Seed, "slow_job", s.nextCount("slow_job"), s.cfg.Faults.SlowJob) {
			d = time.Duration(float64(d) * s.cfg.Faults.SlowFactor)
		}
		if d <= 0 {
			d = time.Millisecond
		}
		if sp.FailReason != "" {
			sj.WillFail, sj.ErrorCode, sj.FailReason = true, sp.FailCode, sp.FailReason
		} else if roll(s.cfg.Seed, "subjob_fail", s.nextCount("subjob_fail"), s.cfg.Faults.SubJobFail) {
			sj.WillFail = true
			sj.ErrorCode = s.cfg.Faults.FailErrorCode
			sj.FailReason = "injected fault: the backend failed this " + sp.Type + " task"
		}
		// Earliest free capacity slot, never before now.
		best := 0
		for i := range p.Slots {
			if p.Slots[i].Before(p.Slots[best]) {
				best = i
			}
		}
		start := p.Slots[best]
		if start.Before(now) {
			start = now
		}
		sj.StartAt = start
		sj.EndAt = start.Add(d)
		p.Slots[best] = sj.EndAt
		j.SubJobs = append(j.SubJobs, sj)
	}
	if len(j.SubJobs) == 0 {
		j.Status = JobSuccess
		j.End = now
	}
	p.Jobs[j.ID] = j
	p.trackJob(j)
	return j
}

// nextCount returns the next value of a persisted per-class counter.
func (s *Sim) nextCount(class string) uint64 {
	if s.state.Calls == nil {
		s.state.Calls = map[string]uint64{}
	}
	s.state.Calls[class]++
	return s.state.Calls[class]
}

type jobEvent struct {
	at    time.Time
	end   bool
	job   *Job
	index int
}

// advance applies every sub-job start and end at or before now, in time
// order, and updates job statuses. It reports whether anything changed.
func (s *Sim) advance(p *ProjectState, now time.Time) bool {
	var evs []jobEvent
	for _, j := range p.unfinishedJobs() {
		for i, sj := range j.SubJobs {
			if !sj.Started && !sj.StartAt.After(now) {
				evs = append(evs, jobEvent{at: sj.StartAt, job: j, index: i})
			}
			if !subFinished(sj) && !sj.EndAt.After(now) {
				evs = append(evs, jobEvent{at: sj.EndAt, end: true, job: j, index: i})
			}
		}
	}
	if len(evs) == 0 {
		return false
	}
	sort.Slice(evs, func(a, b int) bool {
		ea, eb := evs[a], evs[b]
		if !ea.at.Equal(eb.at) {
			return ea.at.Before(eb.at)
		}
		if ea.end != eb.end {
			// Ends before starts at the same instant: a slot frees before
			// the next sub-job takes it, and an earlier operation on a
			// server finishes before a later one begins.
			return ea.end
		}
		if !ea.job.Begin.Equal(eb.job.Begin) {
			return ea.job.Begin.Before(eb.job.Begin)
		}
		if ea.job.ID != eb.job.ID {
			return ea.job.ID < eb.job.ID
		}
		return ea.index < eb.index
	})
	touched := map[*Job]bool{}
	for _, ev := range evs {
		s.applyEvent(p, ev)
		touched[ev.job] = true
		if s.cfg.RecordHistory {
			// Each event's server status changes, at the simulated time
			// of the event, even when many are applied in one batch.
			s.observe(p, ev.at)
		}
	}
	for j := range touched {
		updateJobStatus(j)
		p.untrackFinished(j)
	}
	return true
}

// applyEvent runs one sub-job start (Start effect) or end (Success, or
// Fail when the sub-job's fate or an effect error says so).
func (s *Sim) applyEvent(p *ProjectState, ev jobEvent) {
	sj := ev.job.SubJobs[ev.index]
	eff := effectFor(sj.Op)
	if !ev.end {
		sj.Started = true
		sj.Status = JobRunning
		if eff.Start != nil {
			if err := eff.Start(p, sj); err != nil {
				s.markFail(sj, err)
			}
		}
		return
	}
	if !sj.WillFail && eff.Success != nil {
		if err := eff.Success(p, sj); err != nil {
			s.markFail(sj, err)
		}
	}
	if sj.WillFail {
		sj.Status = JobFail
		if eff.Fail != nil {
			_ = eff.Fail(p, sj)
		}
	} else {
		sj.Status = JobSuccess
	}
}

func (s *Sim) markFail(sj *SubJob, err error) {
	sj.WillFail = true
	if sj.ErrorCode == "" {
		sj.ErrorCode = CodeRequestError
	}
	if ae, ok := err.(*APIError); ok {
		sj.ErrorCode = ae.Code
		sj.FailReason = ae.Message
		return
	}
	sj.FailReason = err.Error()
}

func subFinished(sj *SubJob) bool { return sj.Status == JobSuccess || sj.Status == JobFail }

// updateJobStatus derives a job's status from its sub-jobs: INIT until one
// starts, RUNNING until all end, then FAIL if any failed, else SUCCESS.
func updateJobStatus(j *Job) {
	started, done, failed := 0, 0, 0
	var end time.Time
	for _, sj := range j.SubJobs {
		if sj.Started {
			started++
		}
		if subFinished(sj) {
			done++
			if sj.EndAt.After(end) {
				end = sj.EndAt
			}
		}
		if sj.Status == JobFail {
			failed++
		}
	}
	switch {
	case done == len(j.SubJobs):
		j.End = end
		if failed > 0 {
			j.Status = JobFail
			j.ErrorCode = CodeRequestError
			j.FailReason = fmt.Sprintf("%d of %d sub-jobs failed", failed, len(j.SubJobs))
			for _, sj := range j.SubJobs {
				if sj.Status == JobFail {
					j.ErrorCode = sj.ErrorCode
					break
				}
			}
		} else {
			j.Status = JobSuccess
		}
	case started > 0:
		j.Status = JobRunning
	default:
		j.Status = JobInit
	}
}
