package sim

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Test helpers of the server-attribute endpoints: metadata, tags,
// passwords, server groups, keypairs (prefixed xb so they never collide with the
// other files of the package).

// xbWithProject runs fn on the caller's project under the state lock, so a
// test reads state the way a handler does (and the race detector agrees).
func xbWithProject(ts *testSim, fn func(p *ProjectState)) {
	ts.t.Helper()
	if err := ts.sim.withLock(func() error {
		fn(ts.sim.project(ts.pid))
		return nil
	}); err != nil {
		ts.t.Fatal(err)
	}
}

// xbServer returns a copy of server id's state.
func xbServer(ts *testSim, id string) Server {
	ts.t.Helper()
	var out Server
	xbWithProject(ts, func(p *ProjectState) {
		srv := p.Servers[id]
		if srv == nil {
			ts.t.Fatalf("server %s is gone", id)
		}
		out = *srv
		out.Metadata = cloneTagMap(srv.Metadata)
		out.Tags = cloneTagMap(srv.Tags)
		out.ServerGroups = append([]string(nil), srv.ServerGroups...)
	})
	return out
}

// xbDoH sends an authenticated request with extra headers.
func xbDoH(ts *testSim, method, path string, body any, hdr http.Header) (int, map[string]any) {
	ts.t.Helper()
	h := http.Header{"X-Auth-Token": {ts.token}}
	for k, v := range hdr {
		h[k] = v
	}
	resp := ts.raw(method, path, body, h)
	return resp.StatusCode, decodeBody(ts.t, resp)
}

// xbV21 returns "/v2.1/<project>" + rest.
func xbV21(ts *testSim, rest string) string { return "/v2.1/" + ts.pid + rest }

// xbFixtures returns the request examples of the given sections, with
// their bodies, in index order.
func xbFixtures(t *testing.T, sections ...string) map[fixtureEntry][]byte {
	t.Helper()
	all := loadFixtures(t)
	want := map[string]bool{}
	for _, s := range sections {
		want[s] = true
	}
	out := map[fixtureEntry][]byte{}
	for _, f := range all {
		if f.Kind != "request" || !want[f.Section] {
			continue
		}
		body, err := os.ReadFile(filepath.Join(fixtureDir, f.File))
		if err != nil {
			t.Fatalf("fixture %s: %v", f.File, err)
		}
		out[f] = body
	}
	return out
}

// xbFill replaces the reference's sample ids in a fixture body with ids of
// this simulator, so the example is judged on its shape and rules only.
func xbFill(body []byte, ids map[string]string) []byte {
	s := string(body)
	for from, to := range ids {
		s = strings.ReplaceAll(s, from, to)
	}
	return []byte(s)
}

// xbErrText is the whole error body as text (to check no secret leaks).
func xbErrText(body map[string]any) string {
	b, _ := json.Marshal(body)
	return string(b)
}

// xbMicro is the header asking for compute microversion v.
func xbMicro(v string) http.Header { return http.Header{"X-Openstack-Nova-Api-Version": {v}} }
