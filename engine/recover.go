package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/plan"
)

// Recover reconciles what the journal says a previous run left open,
// before anything is planned: it waits for the jobs that run recorded,
// then for every server of the fleet to leave its transitional status
// (a call the run made but did not live to record may still be at work).
// Only then does a plan see the cloud as it will stay, so a create whose
// answer was lost is found by its ownership tags and member name, and is
// never made twice. It returns a one-line account ("" when the last run
// ended cleanly) and leaves the journal empty.
func (e *Engine) Recover(ctx context.Context, c Cloud, j *Journal, fleet string) (string, error) {
	recs, err := ReadJournal(j.Path())
	if err != nil {
		return "", err
	}
	open := Unfinished(recs)
	if open == nil {
		return "", j.Reset()
	}
	jobs, failed := 0, 0
	for _, call := range open.Calls {
		if call.JobID == "" {
			continue
		}
		job, err := e.pollJob(ctx, c, call.Kind, call.JobID, nil)
		if err != nil {
			if ecs.IsNotFound(err) {
				continue // the cloud forgot it: the settle below covers it
			}
			return "", fmt.Errorf("resuming: waiting for job %s of the interrupted run: %w", call.JobID, err)
		}
		jobs++
		if job != nil && job.Status == ecs.JobFail {
			failed++
		}
	}
	busy, err := e.settleFleet(ctx, c, fleet)
	if err != nil {
		return "", fmt.Errorf("resuming: %w", err)
	}
	if err := j.Append(Record{Type: RecEnd, Run: open.Run, Note: "reconciled by the next run"}); err != nil {
		return "", err
	}
	if err := j.Reset(); err != nil {
		return "", err
	}
	msg := fmt.Sprintf("the previous run (%s) did not finish: %d call(s) were open", open.Run, len(open.Calls))
	if jobs > 0 {
		msg += fmt.Sprintf(", %d job(s) waited for (%d failed)", jobs, failed)
	}
	if busy > 0 {
		msg += fmt.Sprintf(", %d server(s) waited for until they settled", busy)
	}
	return msg + "; planning from the cloud as it is now", nil
}

// settleFleet waits until no server of the fleet is in a transitional
// status, and returns how many were.
func (e *Engine) settleFleet(ctx context.Context, c Cloud, fleet string) (int, error) {
	poll := e.waitOptions(plan.OpCreateServers)
	wait := poll.MinInterval
	deadline := e.o.Now().Add(max(e.scaled(time.Hour), time.Minute))
	seen := map[string]bool{}
	for {
		busy := 0
		opts := ecs.ListServersOptions{Tags: plan.OwnerFilter(fleet), Limit: ecs.MaxPageSize}
		for page := 1; ; page++ {
			opts.Offset = page
			var resp *ecs.ListServersResponse
			if err := e.call(ctx, Reads, func() (err error) { resp, err = c.ListServersDetail(ctx, opts); return }); err != nil {
				return 0, err
			}
			for i := range resp.Servers {
				if s := &resp.Servers[i]; transitional(s) && ownedBy(s, fleet) {
					busy++
					seen[s.ID] = true
				}
			}
			if len(resp.Servers) < opts.Limit || page*opts.Limit >= int(resp.Count) {
				break
			}
		}
		if busy == 0 {
			return len(seen), nil
		}
		if e.o.Now().After(deadline) {
			return 0, fmt.Errorf("%d server(s) of fleet %s are still changing after waiting; run again later", busy, fleet)
		}
		if err := sleep(ctx, wait); err != nil {
			return 0, err
		}
		wait = min(wait*3/2+1, poll.MaxInterval)
	}
}
