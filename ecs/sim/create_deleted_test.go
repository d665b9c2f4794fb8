package sim

import (
	"net/http"
	"testing"
)

// A server deleted while it is being built never comes up: its create
// sub-job ends FAIL (and so the job), not SUCCESS.
func TestCreateSubJobFailsWhenServerDeletedWhileBuilding(t *testing.T) {
	ts := newTestSim(t)
	job := ts.create(2, nil)
	_, j := ts.do("GET", ts.v1("/jobs/"+job), nil)
	ids := subServerIDs(j)
	st, body := ts.do("POST", ts.v1("/cloudservers/delete"), map[string]any{"servers": []any{map[string]any{"id": ids[0]}}})
	if st != http.StatusOK {
		t.Fatalf("delete while building: %d %v", st, body)
	}
	final := ts.waitJob(job)
	if final["status"] != JobFail {
		t.Errorf("create job %v, want FAIL", final["status"])
	}
	for _, sj := range final["entities"].(map[string]any)["sub_jobs"].([]any) {
		m := sj.(map[string]any)
		id := m["entities"].(map[string]any)["server_id"]
		want := JobSuccess
		if id == ids[0] {
			want = JobFail
		}
		if m["status"] != want {
			t.Errorf("sub-job of %v: %v (%v), want %s", id, m["status"], m["fail_reason"], want)
		}
	}
	if st, _ := ts.do("GET", ts.v1("/cloudservers/"+ids[0]), nil); st != http.StatusNotFound {
		t.Errorf("deleted server: %d", st)
	}
}
