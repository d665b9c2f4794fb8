package sim

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// History of server status changes (Config.RecordHistory), so a test can
// check what a client did to a fleet over time: "the rolling update never
// had more than 2 servers down at once".
//
// There is one choke point per kind of change, not a call at every
// `srv.Status =`: the recorder compares each server's status with the last
// one it recorded and appends the differences.
//
//   - advance (jobs.go) compares after every sub-job start and end it
//     applies, stamping the change with the event's simulated time. Jobs
//     advance lazily (before the next request of the project, or History),
//     so many events may be applied in one batch, long after they
//     happened; each is still recorded at its own time, in the engine's
//     order (time, then ends before starts).
//   - locked (sim.go) compares every project after the locked section,
//     stamping with the section's simulated "now" (Ctx.Now): that catches
//     the handlers' own changes (a new server appears in BUILD, a rebuild
//     goes REBUILD at once, confirmResize settles a server) and, with a
//     shared state file, changes another process made without recording
//     (they are recorded when this process reloads, at its "now").
//
// A server that appears has From ""; one that disappears has To "".
// The history lives in the state (ProjectState.StatusHistory) and is
// persisted with it, so processes sharing a state file write one history.

// StatusChange is one server status change in a project's history.
type StatusChange struct {
	// At is the simulated time of the change.
	At time.Time `json:"at"`
	// Seq numbers the project's changes from 1, in recording order; it
	// keeps counting across ResetHistory.
	Seq      int64  `json:"seq"`
	ServerID string `json:"server_id"`
	Name     string `json:"name"`
	// From is "" when the server appeared; To is "" when it disappeared.
	From string `json:"from"`
	To   string `json:"to"`
}

// statusHistory is a project's recorder: the changes so far and the last
// status (and name) recorded for each existing server.
type statusHistory struct {
	Seq     int64                 `json:"seq"`
	Changes []StatusChange        `json:"changes"`
	Last    map[string]lastStatus `json:"last"`
}

type lastStatus struct {
	Status string `json:"status"`
	Name   string `json:"name"`
}

// beginHistory starts recording in projects that have no recorder yet,
// taking their servers as they are as the starting point (nothing is
// recorded for them). It reports whether it started any.
func (s *Sim) beginHistory() bool {
	began := false
	for _, p := range s.state.Projects {
		if p.StatusHistory != nil {
			continue
		}
		h := &statusHistory{Last: make(map[string]lastStatus, len(p.Servers))}
		for id, srv := range p.Servers {
			h.Last[id] = lastStatus{Status: srv.Status, Name: srv.Name}
		}
		p.StatusHistory = h
		began = true
	}
	return began
}

// observeAll records the status changes of every project at at.
func (s *Sim) observeAll(at time.Time) bool {
	changed := false
	for _, p := range s.state.Projects {
		if s.observe(p, at) {
			changed = true
		}
	}
	return changed
}

// observe appends to p's history the difference between its servers'
// statuses and the last recorded ones, at at, in server id order. It
// reports whether the recorder changed (a rename only updates the name
// remembered for a later disappearance). O(servers).
func (s *Sim) observe(p *ProjectState, at time.Time) bool {
	h := p.StatusHistory
	if h == nil {
		return false // not begun: locked begins every project first
	}
	if h.Last == nil {
		h.Last = map[string]lastStatus{}
	}
	known, renamed := len(h.Last), false
	var batch []StatusChange
	seen := 0
	for id, srv := range p.Servers {
		last, ok := h.Last[id]
		if ok {
			seen++
			if last.Status == srv.Status {
				if last.Name != srv.Name {
					h.Last[id] = lastStatus{Status: srv.Status, Name: srv.Name}
					renamed = true
				}
				continue
			}
		}
		batch = append(batch, StatusChange{At: at, ServerID: id, Name: srv.Name, From: last.Status, To: srv.Status})
		h.Last[id] = lastStatus{Status: srv.Status, Name: srv.Name}
	}
	if seen < known { // some recorded servers are gone
		for id, last := range h.Last {
			if p.Servers[id] == nil {
				batch = append(batch, StatusChange{At: at, ServerID: id, Name: last.Name, From: last.Status})
				delete(h.Last, id)
			}
		}
	}
	if len(batch) == 0 {
		return renamed
	}
	slices.SortFunc(batch, func(a, b StatusChange) int { return strings.Compare(a.ServerID, b.ServerID) })
	for i := range batch {
		h.Seq++
		batch[i].Seq = h.Seq
	}
	h.Changes = append(h.Changes, batch...)
	return true
}

// History returns a copy of the status changes recorded for projectID,
// oldest first, after advancing the project's jobs to the simulated
// "now" (so changes due by now are in it). It is empty when
// Config.RecordHistory is off or the project is unknown.
func (s *Sim) History(projectID string) []StatusChange {
	if !s.cfg.RecordHistory {
		return nil
	}
	var out []StatusChange
	_, _ = s.locked(func(now time.Time) (bool, error) {
		p := s.project(projectID)
		if p == nil {
			return false, nil
		}
		dirty := s.advance(p, now)
		if s.observe(p, now) {
			dirty = true
		}
		if p.StatusHistory != nil {
			out = slices.Clone(p.StatusHistory.Changes)
		}
		return dirty, nil
	})
	return out
}

// ResetHistory forgets the changes recorded so far in every project,
// after advancing every project's jobs to "now" (so nothing that already
// happened shows up after the reset). Recording goes on from the servers'
// current statuses; Seq keeps counting.
func (s *Sim) ResetHistory() {
	if !s.cfg.RecordHistory {
		return
	}
	_, _ = s.locked(func(now time.Time) (bool, error) {
		for _, p := range s.state.Projects {
			s.advance(p, now)
			s.observe(p, now)
			if p.StatusHistory != nil {
				p.StatusHistory.Changes = nil
			}
		}
		return true, nil
	})
}

// MaxConcurrent replays h in order and returns the largest number of
// servers that were down at once, by down(status), and the simulated time
// at which that number was first reached (zero when it is 0).
//
//   - A server that has not appeared yet, or has disappeared (From or To
//     ""), is not down; neither is one in DELETED. down is never asked
//     about "".
//   - A server whose first change in h has a non-empty From existed
//     before the history began (recording started, or ResetHistory), in
//     that status: it counts from the start of h.
//   - Changes with the same At happened at the same instant: the count is
//     taken after all of them, so a server coming up and another going
//     down at one instant are not counted as both down.
func MaxConcurrent(h []StatusChange, down func(status string) bool) (n int, at time.Time) {
	isDown := func(st string) bool { return st != "" && st != StatusDeleted && down(st) }
	cur := map[string]bool{} // server id -> down now
	count := 0
	for _, c := range h {
		if _, seen := cur[c.ServerID]; !seen {
			cur[c.ServerID] = isDown(c.From)
			if cur[c.ServerID] {
				count++
			}
		}
	}
	if count > 0 {
		n, at = count, h[0].At
	}
	for i, c := range h {
		d := isDown(c.To)
		if d != cur[c.ServerID] {
			cur[c.ServerID] = d
			if d {
				count++
			} else {
				count--
			}
		}
		if i+1 < len(h) && h[i+1].At.Equal(c.At) {
			continue // the instant is not over
		}
		if count > n {
			n, at = count, c.At
		}
	}
	return n, at
}

// historyAnswer is the body of GET /_sim/history.
type historyAnswer struct {
	Project       string         `json:"project"`
	RecordHistory bool           `json:"record_history"`
	Changes       []StatusChange `json:"changes"`
}

// handleAdminHistory is GET /_sim/history?project=ID (the first configured
// project when project is not given).
func (s *Sim) handleAdminHistory(c *Ctx) error {
	pid := c.R.URL.Query().Get("project")
	if pid == "" {
		pid = s.cfg.Projects[0].ID
	}
	if s.projectConfig(pid) == nil {
		return Errf(http.StatusNotFound, CodeNotFound, "no project "+pid+" in this simulator")
	}
	ch := s.History(pid)
	if ch == nil {
		ch = []StatusChange{}
	}
	return c.JSON(http.StatusOK, historyAnswer{Project: pid, RecordHistory: s.cfg.RecordHistory, Changes: ch})
}

// handleAdminHistoryReset is POST /_sim/history/reset.
func (s *Sim) handleAdminHistoryReset(c *Ctx) error {
	s.ResetHistory()
	return c.NoContent(http.StatusNoContent)
}
