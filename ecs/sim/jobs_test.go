package sim

import (
	"errors"
	"testing"
	"time"
)

// testOp is an op registered by this test file, as an endpoint file would.
const testOp = "test-touch"

func init() {
	registerEffect(testOp, Effect{
		Start: func(p *ProjectState, sj *SubJob) error {
			p.Servers[sj.Entities["server_id"]].TaskState = "touching"
			return nil
		},
		Success: func(p *ProjectState, sj *SubJob) error {
			srv := p.Servers[sj.Entities["server_id"]]
			if sj.Params["refuse"] == "yes" {
				return errors.New("backend refused the touch")
			}
			srv.TaskState, srv.Description = "", "touched"
			return nil
		},
		Fail: func(p *ProjectState, sj *SubJob) error {
			p.Servers[sj.Entities["server_id"]].TaskState = ""
			return nil
		},
	})
}

func TestEffectsRunAtStartAndEnd(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.Jitter = 0; c.Durations = map[string]time.Duration{testOp: time.Minute} })
	ids := ts.createServers(2, nil)
	var jobID string
	ts.sim.withLock(func() error {
		j := ts.sim.submitJob(ts.sim.project(ts.pid), ts.sim.simNow(), "touchServers", nil, []SubJobSpec{
			{Type: "touch", Op: testOp, Entities: map[string]string{"server_id": ids[0]}},
			{Type: "touch", Op: testOp, Entities: map[string]string{"server_id": ids[1]}, Params: map[string]string{"refuse": "yes"}},
		})
		jobID = j.ID
		return nil
	})
	ts.clock.Advance(30 * time.Second)
	_, job := ts.do("GET", ts.v1("/jobs/"+jobID), nil)
	if job["status"] != JobRunning || ts.sim.project(ts.pid).Servers[ids[0]].TaskState != "touching" {
		t.Fatalf("mid-way: %v", job["status"])
	}
	final := ts.waitJob(jobID)
	p := ts.sim.project(ts.pid)
	if final["status"] != JobFail || p.Servers[ids[0]].Description != "touched" || p.Servers[ids[1]].TaskState != "" {
		t.Fatalf("after: job %v, s0 %q, s1 task %q", final["status"], p.Servers[ids[0]].Description, p.Servers[ids[1]].TaskState)
	}
	subs := final["entities"].(map[string]any)["sub_jobs"].([]any)
	if r := subs[1].(map[string]any)["fail_reason"]; r != "backend refused the touch" {
		t.Fatalf("fail_reason %v", r)
	}
}

func TestRegisterEffectTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("registering an op twice must panic")
		}
	}()
	registerEffect(testOp, Effect{})
}

func TestCreateThenDeleteRightAway(t *testing.T) {
	ts := newTestSim(t)
	id := ts.create(1, nil)
	_, job := ts.do("GET", ts.v1("/jobs/"+id), nil)
	sid := subServerIDs(job)[0]
	st, del := ts.do("POST", ts.v1("/cloudservers/delete"), map[string]any{"servers": []any{map[string]any{"id": sid}}})
	if st != 200 {
		t.Fatalf("delete while building: %d %v", st, del)
	}
	ts.waitJob(id)
	if ts.waitJob(del["job_id"].(string))["status"] != JobSuccess {
		t.Fatal("delete failed")
	}
	if st, _ := ts.do("GET", ts.v1("/cloudservers/"+sid), nil); st != 404 {
		t.Fatalf("server still there: %d", st)
	}
	if n := len(ts.sim.project(ts.pid).IPs["2f1a3b4c-0000-4000-8000-00000000b001"]); n != 0 {
		t.Fatalf("%d addresses still allocated", n)
	}
}

// Every op the simulator registers has its own default duration, so no
// real operation silently runs on the DefaultDuration fallback.
func TestDefaultDurationsCoverEveryOp(t *testing.T) {
	d := DefaultConfig().Durations
	effectsMu.RLock()
	defer effectsMu.RUnlock()
	for op := range effects {
		if op == testOp {
			continue
		}
		if d[op] <= 0 {
			t.Errorf("op %q has no default duration in DefaultConfig", op)
		}
	}
}
