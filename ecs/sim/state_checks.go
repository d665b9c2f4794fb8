package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// State checks shared by the server-action endpoints (NICs, volumes,
// resize, power, OS change).
//
// One rule decides the status of a state refusal: the reference lists 409
// for some endpoints (5.7.1, 5.7.2, 5.28.x, 5.8.14, 5.8.17) and not for
// others (5.8.1, 5.8.2, 5.8.5, 5.21.x, 5.26.x). A wrong-state refusal answers
// 409 where the endpoint documents 409 and 400 where it does not, always
// with code Ecs.0220, so a client can branch on the code either way. A
// locked server is refused with 409 Ecs.0219 everywhere (Nova's behaviour;
// the reference is silent, 5.25.2).

// xaStateErr is a wrong-state refusal with the endpoint's documented status.
func xaStateErr(status int, format string, args ...any) *APIError {
	return Errf(status, CodeState, fmt.Sprintf(format, args...))
}

// xaRequireStatus refuses (status, Ecs.0220) unless srv is in one of statuses
// and has no task in progress.
func xaRequireStatus(status int, srv *Server, what string, statuses ...string) error {
	if srv.TaskState != TaskNone {
		return xaStateErr(status, "server %s is busy (task %s); %s needs it idle", srv.ID, srv.TaskState, what)
	}
	for _, st := range statuses {
		if srv.Status == st {
			return nil
		}
	}
	return xaStateErr(status, "server %s is %s; %s needs it %s", srv.ID, srv.Status, what, strings.Join(statuses, " or "))
}

// xaPending returns the unfinished sub-jobs of op that name serverID
// (all servers when serverID is ""), so limits count work already accepted.
func xaPending(p *ProjectState, op, serverID string) []*SubJob {
	var out []*SubJob
	for _, j := range p.unfinishedJobs() {
		for _, sj := range j.SubJobs {
			if sj.Op != op || subFinished(sj) {
				continue
			}
			if serverID == "" || sj.Entities["server_id"] == serverID {
				out = append(out, sj)
			}
		}
	}
	return out
}

// xaMicroversionAtLeast reports whether the request asks for compute
// microversion >= major.minor (X-OpenStack-Nova-API-Version, or
// OpenStack-API-Version "compute 2.x", 5.1.1/5.1.2). No header means the
// base version, which is below every deprecation cut-off.
func xaMicroversionAtLeast(r *http.Request, major, minor int) bool {
	v := r.Header.Get("X-OpenStack-Nova-API-Version")
	if v == "" {
		if o := r.Header.Get("OpenStack-API-Version"); o != "" {
			v = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(o), "compute"))
		}
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return false
	}
	if strings.EqualFold(v, "latest") {
		return true
	}
	a, b, ok := strings.Cut(v, ".")
	if !ok {
		return false
	}
	ma, err1 := strconv.Atoi(a)
	mi, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil {
		return false
	}
	return ma > major || (ma == major && mi >= minor)
}

// xaJobID is the {"job_id": ...} answer of every job-returning endpoint.
func xaJobID(j *Job) map[string]string { return map[string]string{"job_id": j.ID} }
