package sim

import (
	"net/http"
	"testing"
)

func TestLoginAndUnknownJob(t *testing.T) {
	ts := newTestSim(t)
	if ts.token == "" {
		t.Fatal("no X-Subject-Token")
	}
	st, body := ts.do("GET", ts.v1("/jobs/0123456789abcdef0123456789abcdef"), nil)
	wantErr(t, st, body, http.StatusNotFound, CodeNotFound)
}

func TestNoTokenIs401(t *testing.T) {
	ts := newTestSim(t)
	resp := ts.raw("GET", ts.v1("/jobs/x"), nil, nil)
	wantErr(t, resp.StatusCode, decodeBody(t, resp), http.StatusUnauthorized, CodeAuth)
}

func TestCreateServersHelper(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(3, nil)
	if len(ids) != 3 || len(ts.sim.project(ts.pid).Servers) != 3 {
		t.Fatalf("got %d ids", len(ids))
	}
}
