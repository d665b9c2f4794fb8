package sim

import "fmt"

// serverPhases is the Effect of an op that works on one server
// (entities.server_id): power, resize, change OS, rebuild. Those ops
// repeated the same frame around their own state changes; serverEffect
// writes it once:
//   - Start and Success fail the sub-job when the server no longer exists;
//     Fail then has nothing to roll back and is skipped;
//   - Start stamps Updated with the sub-job's start; Success and Fail
//     clear the task_state and stamp Updated with its end.
//
// Each phase may be nil.
type serverPhases struct {
	Start, Success, Fail func(srv *Server, sj *SubJob)
}

// serverEffect turns per-server phases into an Effect.
func serverEffect(ph serverPhases) Effect {
	lookup := func(p *ProjectState, sj *SubJob) (*Server, error) {
		if srv := p.Servers[sj.Entities["server_id"]]; srv != nil {
			return srv, nil
		}
		return nil, fmt.Errorf("server %s no longer exists", sj.Entities["server_id"])
	}
	var e Effect
	if ph.Start != nil {
		e.Start = func(p *ProjectState, sj *SubJob) error {
			srv, err := lookup(p, sj)
			if err != nil {
				return err
			}
			ph.Start(srv, sj)
			srv.Updated = sj.StartAt
			return nil
		}
	}
	e.Success = func(p *ProjectState, sj *SubJob) error {
		srv, err := lookup(p, sj)
		if err != nil {
			return err
		}
		if ph.Success != nil {
			ph.Success(srv, sj)
		}
		srv.TaskState, srv.Updated = TaskNone, sj.EndAt
		return nil
	}
	e.Fail = func(p *ProjectState, sj *SubJob) error {
		srv, _ := lookup(p, sj)
		if srv == nil {
			return nil
		}
		if ph.Fail != nil {
			ph.Fail(srv, sj)
		}
		srv.TaskState, srv.Updated = TaskNone, sj.EndAt
		return nil
	}
	return e
}
