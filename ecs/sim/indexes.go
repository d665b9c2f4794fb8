package sim

import (
	"cmp"
	"slices"
)

// Derived indexes over a project's state. The state itself stays plain
// persisted data; these are caches beside it so that a long-lived project
// (thousands of finished jobs, 10k servers) does not make every request
// scan or sort everything. Each cache is checked or rebuilt from the
// persisted maps, so a state reloaded from the file, or a handler that
// changes the maps directly, can never see a stale index.

// unfinishedJobs returns the project's jobs that are not SUCCESS or FAIL,
// by id. Jobs are only ever added by submitJob (which calls trackJob) and
// finish inside advance (which calls untrackFinished), so after one full
// scan on first use the index follows the state exactly.
func (p *ProjectState) unfinishedJobs() map[string]*Job {
	if p.pending == nil {
		p.pending = make(map[string]*Job)
		for id, j := range p.Jobs {
			if !j.Finished() {
				p.pending[id] = j
			}
		}
	}
	return p.pending
}

// trackJob records a newly submitted job in the pending index.
func (p *ProjectState) trackJob(j *Job) {
	if j.Finished() {
		return
	}
	p.unfinishedJobs()[j.ID] = j
}

// untrackFinished drops j from the pending index once it has finished.
func (p *ProjectState) untrackFinished(j *Job) {
	if j.Finished() && p.pending != nil {
		delete(p.pending, j.ID)
	}
}

// serverListLess is the order of every server listing: creation time,
// then launch index within one request, then id, so pages are stable while
// the set does not change.
func serverListLess(a, b *Server) int {
	if c := a.Created.Compare(b.Created); c != 0 {
		return c
	}
	if c := cmp.Compare(a.LaunchIndex, b.LaunchIndex); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// serversInOrder returns every server of the project in list order. The
// order is cached and reused while the set of servers is the same one (the
// same *Server values under the same ids): checking that is one map lookup
// per server plus one comparison with its neighbour (so even a sort key
// edited in place is noticed), far cheaper than sorting 10k servers on
// every page. The returned slice is shared: callers must not modify it.
func (p *ProjectState) serversInOrder() []*Server {
	if p.listOrder != nil && len(p.listOrder) == len(p.Servers) {
		valid := true
		for i, srv := range p.listOrder {
			if p.Servers[srv.ID] != srv || i > 0 && serverListLess(p.listOrder[i-1], srv) > 0 {
				valid = false
				break
			}
		}
		if valid {
			return p.listOrder
		}
	}
	order := make([]*Server, 0, len(p.Servers))
	for _, srv := range p.Servers {
		order = append(order, srv)
	}
	slices.SortFunc(order, serverListLess)
	p.listOrder = order
	return order
}
