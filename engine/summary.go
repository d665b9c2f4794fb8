package engine

import (
	"github.com/ecsfleet/ecsfleet/plan"
)

// result builds the account of the run: every op, and every change of
// the plan with the outcome of the ops that carry it out.
func (r *run) result(before CallStats) *Result {
	res := &Result{Elapsed: Duration(r.e.o.Now().Sub(r.start)), Interrupted: r.isStopped()}
	after := r.e.Stats()
	res.Calls = CallStats{Reads: after.Reads - before.Reads, Writes: after.Writes - before.Writes, Polls: after.Polls - before.Polls,
		Retries: after.Retries - before.Retries, Throttled: after.Throttled - before.Throttled}
	r.mu.Lock()
	res.Counts = r.counts
	r.mu.Unlock()
	// What happened to each object, by the name ops know it by.
	type outcome struct {
		status            Status
		reason, blockedBy string
	}
	worst := map[string]outcome{}
	rank := map[Status]int{StatusDone: 0, StatusNotStarted: 1, StatusSkipped: 2, StatusFailed: 3}
	note := func(name string, o outcome) {
		if cur, ok := worst[name]; !ok || rank[o.status] > rank[cur.status] {
			worst[name] = o
		}
	}
	for _, st := range r.ops {
		or := OpResult{ID: st.op.ID, Kind: st.op.Kind, Set: st.op.Set, Why: st.op.Why, Status: st.status, Error: st.err,
			Failures: sortedFailures(st.failures), BlockedBy: st.blockedBy, JobID: st.jobID}
		res.Ops = append(res.Ops, or)
		for _, name := range objectNames(&st.op) {
			switch {
			case st.status == StatusFailed && len(st.failures) > 0:
				if f, ok := st.failures[name]; ok {
					note(name, outcome{status: StatusFailed, reason: f.Reason})
				} else {
					note(name, outcome{status: StatusDone})
				}
			case st.status == StatusFailed:
				note(name, outcome{status: StatusFailed, reason: st.err})
			case st.status == StatusSkipped:
				note(name, outcome{status: StatusSkipped, blockedBy: st.blockedBy})
			default:
				note(name, outcome{status: st.status})
			}
		}
	}
	for _, c := range r.p.Changes {
		cr := ChangeResult{Kind: c.Kind, Action: c.Action, Name: c.Name, Set: c.Set, Status: StatusDone}
		for _, n := range []string{c.Name, c.LiveName} {
			if o, ok := worst[n]; ok && n != "" && rank[o.status] > rank[cr.Status] {
				cr.Status, cr.Reason, cr.BlockedBy = o.status, o.reason, o.blockedBy
			}
		}
		res.Changes = append(res.Changes, cr)
	}
	return res
}

// objectNames are the names of the objects an op acts on.
func objectNames(op *plan.Op) []string {
	if isServerOp(op.Kind) {
		out := make([]string, len(op.Targets))
		for i, t := range op.Targets {
			out[i] = t.Name
		}
		return out
	}
	return []string{op.Args.Name}
}
