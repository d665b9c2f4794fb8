package engine

import (
	"context"
	"fmt"
	"strings"
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
func (e *Engine) Recover(ctx context.Context, c Cloud, j *Journal, fleet string) (Recovery, error) {
	recs, err := ReadJournal(j.Path())
	if err != nil {
		return Recovery{}, err
	}
	open := Unfinished(recs)
	if open == nil {
		return Recovery{}, j.Reset()
	}
	created := Created(recs)
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
			return Recovery{}, fmt.Errorf("resuming: waiting for job %s of the interrupted run: %w", call.JobID, err)
		}
		jobs++
		if job != nil && job.Status == ecs.JobFail {
			failed++
		}
	}
	for _, call := range open.Calls {
		if call.Kind == plan.OpCreateServers && call.JobID == "" {
			// A create whose answer the dead run never saw may still be
			// on its way through the cloud's gateway: give it a moment
			// to show up before the fleet is read.
			if err := sleep(ctx, createGrace); err != nil {
				return Recovery{}, err
			}
			break
		}
	}
	busy, err := e.settleFleet(ctx, c, fleet)
	if err != nil {
		return Recovery{}, fmt.Errorf("resuming: %w", err)
	}
	if err := j.Append(Record{Type: RecEnd, Run: open.Run, Note: "reconciled by the next run"}); err != nil {
		return Recovery{}, err
	}
	if err := j.Reset(); err != nil {
		return Recovery{}, err
	}
	// The next run records them again, in case it dies too.
	e.carry = nil
	for key := range created {
		kind, name, _ := strings.Cut(key, " ")
		for op, k := range objectCreates {
			if string(k) == kind {
				e.carry = append(e.carry, Record{Type: RecCreated, Kind: op, Targets: []plan.Target{{Name: name}}})
			}
		}
	}
	msg := fmt.Sprintf("the previous run (%s) did not finish: %d call(s) were open", open.Run, len(open.Calls))
	if jobs > 0 {
		msg += fmt.Sprintf(", %d job(s) waited for (%d failed)", jobs, failed)
	}
	if busy > 0 {
		msg += fmt.Sprintf(", %d server(s) waited for until they settled", busy)
	}
	return Recovery{Message: msg + "; planning from the cloud as it is now", Created: created}, nil
}

// createGrace is how long Recover waits for a create the dead run sent but
// never heard back from, before it reads the fleet (real time: it is the
// network and the gateway that may hold the request, not the cloud's jobs).
const createGrace = 2 * time.Second

// Recovery is what Recover found of an unfinished run.
type Recovery struct {
	// Message is a one-line account for the operator ("" when the last
	// run ended cleanly).
	Message string
	// Created names ("kind name") the keypairs, server groups and volumes
	// the unfinished run created: the fleet's own, though no server may
	// use them yet, so a plan that would "adopt" them is no adoption.
	Created map[string]bool
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
		err := e.listServers(ctx, c, plan.OwnerFilter(fleet), func(s *ecs.Server) {
			if transitional(s) && ownedBy(s, fleet) {
				busy++
				seen[s.ID] = true
			}
		})
		if err != nil {
			return 0, err
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
		wait = poll.next(wait)
	}
}
