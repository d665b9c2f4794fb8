package sim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestStringTagsShareTheNativeTagSet(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, func(_ int, s *Server) { s.Tags = map[string]string{"old": "x"} })[0]
	base := xbV21(ts, "/servers/"+id+"/tags")
	// 5.13.3 replaces everything.
	st, out := ts.do("PUT", base, map[string]any{"tags": []string{"foo", "env.prod", "app.web.v2"}})
	if st != http.StatusOK || fmt.Sprint(out["tags"]) != "[app.web.v2 env.prod foo]" {
		t.Fatalf("5.13.3: %d %v", st, out)
	}
	want := map[string]string{"foo": "", "env": "prod", "app": "web.v2"}
	if got := xbServer(ts, id).Tags; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("stored %v, want %v", got, want)
	}
	// The native view (5.13.10) shows the same set.
	st, out = ts.do("GET", ts.v1("/cloudservers/"+id+"/tags"), nil)
	if st != http.StatusOK || !strings.Contains(fmt.Sprint(out["tags"]), "map[key:env value:prod]") {
		t.Fatalf("5.13.10: %d %v", st, out)
	}
	// 5.13.8 adds one (201 with the example's body), 5.13.6 finds it.
	st, out = ts.do("PUT", base+"/aa.11", nil)
	if st != http.StatusCreated || out["title"] != "Created" {
		t.Fatalf("5.13.8: %d %v", st, out)
	}
	if st, _ := ts.do("GET", base+"/aa.11", nil); st != http.StatusNoContent {
		t.Fatalf("5.13.6 existing tag: %d", st)
	}
	st, out = ts.do("GET", base+"/aa.12", nil)
	wantErr(t, st, out, http.StatusNotFound, "itemNotFound")
	// 5.13.7 deletes one; a missing one is 404.
	if st, _ := ts.do("DELETE", base+"/env.prod", nil); st != http.StatusNoContent {
		t.Fatalf("5.13.7: %d", st)
	}
	st, out = ts.do("DELETE", base+"/env.prod", nil)
	wantErr(t, st, out, http.StatusNotFound, "itemNotFound")
	// 5.13.5 lists; 5.13.4 deletes all.
	st, out = ts.do("GET", base, nil)
	if st != http.StatusOK || fmt.Sprint(out["tags"]) != "[aa.11 app.web.v2 foo]" {
		t.Fatalf("5.13.5: %d %v", st, out)
	}
	if st, _ := ts.do("DELETE", base, nil); st != http.StatusNoContent || len(xbServer(ts, id).Tags) != 0 {
		t.Fatalf("5.13.4: %d", st)
	}
}

func TestStringTagRules(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(2, func(i int, s *Server) {
		if i == 1 {
			s.Status, s.VMState = StatusReboot, "active"
		}
	})
	base := xbV21(ts, "/servers/"+ids[0]+"/tags")
	for name, tags := range map[string][]string{
		"leading period":    {".x"},
		"slash":             {"a/b"},
		"comma":             {"a,b"},
		"empty":             {""},
		"81 characters":     {strings.Repeat("k", 30) + "." + strings.Repeat("v", 50)},
		"eleven tags":       {"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9", "t10"},
		"one key twice":     {"a.1", "a.2"},
		"fifty-one in call": strings.Split(strings.Repeat("x,", 51)[:101], ","),
	} {
		st, out := ts.do("PUT", base, map[string]any{"tags": tags})
		if st != http.StatusBadRequest || errCode(out) != "badRequest" {
			t.Errorf("%s: got %d %v, want 400 badRequest", name, st, out)
		}
	}
	st, out := ts.do("PUT", base+"/.hidden", nil)
	wantErr(t, st, out, http.StatusBadRequest, "badRequest")
	// Only while running or shut down.
	st, out = ts.do("PUT", xbV21(ts, "/servers/"+ids[1]+"/tags/a.b"), nil)
	wantErr(t, st, out, http.StatusConflict, "conflictingRequest")
	if n := len(xbServer(ts, ids[0]).Tags); n != 0 {
		t.Errorf("refused calls left %d tags", n)
	}
}

func TestWindowsPasswordEndpoints(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	for _, path := range []string{ts.v1("/cloudservers/" + id + "/os-server-password"), xbV21(ts, "/servers/"+id+"/os-server-password")} {
		st, out := ts.do("GET", path, nil)
		if st != http.StatusOK || out["password"] != "" {
			t.Errorf("GET %s: %d %v", path, st, out)
		}
	}
	if st, _ := ts.do("DELETE", ts.v1("/cloudservers/"+id+"/os-server-password"), nil); st != http.StatusOK {
		t.Errorf("5.14.4: %d", st)
	}
	if st, _ := ts.do("DELETE", xbV21(ts, "/servers/"+id+"/os-server-password"), nil); st != http.StatusNoContent {
		t.Errorf("5.14.7: %d", st)
	}
	st, out := ts.do("GET", ts.v1("/cloudservers/no-such-server/os-server-password"), nil)
	wantErr(t, st, out, http.StatusNotFound, CodeServerNotFound)
}
