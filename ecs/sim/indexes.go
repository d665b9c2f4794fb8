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
// same *Server values): each server remembers its position in the cached
// order, so checking the set is one pass over the map without hashing, and
// one comparison per neighbour pair notices a sort key edited in place.
// That is far cheaper than sorting 10k servers on every page. The returned
// slice is shared: callers must not modify it.
func (p *ProjectState) serversInOrder() []*Server {
	if order := p.listOrder; order != nil && len(order) == len(p.Servers) {
		valid := true
		for _, srv := range p.Servers {
			if srv.listPos < 0 || srv.listPos >= len(order) || order[srv.listPos] != srv {
				valid = false
				break
			}
		}
		for i := 1; valid && i < len(order); i++ {
			valid = serverListLess(order[i-1], order[i]) <= 0
		}
		if valid {
			return order
		}
	}
	order := make([]*Server, 0, len(p.Servers))
	for _, srv := range p.Servers {
		order = append(order, srv)
	}
	slices.SortFunc(order, serverListLess)
	for i, srv := range order {
		srv.listPos = i
	}
	p.listOrder = order
	return order
}
