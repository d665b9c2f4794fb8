package sim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// xbCreateGroup creates a group through 5.16.1 and returns its id.
func xbCreateGroup(ts *testSim, name, policy string) string {
	ts.t.Helper()
	st, out := ts.do("POST", ts.v1("/cloudservers/os-server-groups"), map[string]any{
		"server_group": map[string]any{"name": name, "policies": []string{policy}}})
	if st != http.StatusOK {
		ts.t.Fatalf("create group: %d %v", st, out)
	}
	return out["server_group"].(map[string]any)["id"].(string)
}

func xbGroupMembers(ts *testSim, gid string) []any {
	ts.t.Helper()
	st, out := ts.do("GET", ts.v1("/cloudservers/os-server-groups/"+gid), nil)
	if st != http.StatusOK {
		ts.t.Fatalf("5.16.11: %d %v", st, out)
	}
	return out["server_group"].(map[string]any)["members"].([]any)
}

func xbAddMember(ts *testSim, gid, sid string) (int, map[string]any) {
	return ts.do("POST", ts.v1("/cloudservers/os-server-groups/"+gid+"/action"),
		map[string]any{"add_member": map[string]string{"instance_uuid": sid}})
}

func TestServerGroupLifecycle(t *testing.T) {
	ts := newTestSim(t)
	fx := xbFixtures(t, "5.16.1")
	if len(fx) != 1 {
		t.Fatalf("want the 5.16.1 example, got %d", len(fx))
	}
	var gid string
	for _, body := range fx {
		st, out := ts.do("POST", ts.v1("/cloudservers/os-server-groups"), body)
		if st != http.StatusOK {
			t.Fatalf("5.16.1 example: %d %v", st, out)
		}
		g := out["server_group"].(map[string]any)
		if g["name"] != "test" || fmt.Sprint(g["policies"]) != "[anti-affinity]" || fmt.Sprint(g["members"]) != "[]" || fmt.Sprint(g["metadata"]) != "map[]" {
			t.Errorf("5.16.1 answer %v", g)
		}
		gid = g["id"].(string)
	}
	xbCreateGroup(ts, "another", "soft-affinity")
	st, out := ts.do("GET", ts.v1("/cloudservers/os-server-groups"), nil)
	if st != http.StatusOK || len(out["server_groups"].([]any)) != 2 {
		t.Fatalf("5.16.2: %d %v", st, out)
	}
	if first := out["server_groups"].([]any)[0].(map[string]any); first["name"] != "another" {
		t.Errorf("5.16.2 is not sorted by name: %v", first)
	}
	// 5.16.4 / 5.16.10 examples (their server id replaced by a real one).
	sid := ts.createServers(1, nil)[0]
	ids := map[string]string{"34dac9a0-c4a7-457b-bab2-e2c696e0e401": sid}
	for _, body := range xbFixtures(t, "5.16.4") {
		st, out := ts.do("POST", ts.v1("/cloudservers/os-server-groups/"+gid+"/action"), xbFill(body, ids))
		if st != http.StatusOK || out != nil {
			t.Fatalf("5.16.4 example: %d %v", st, out)
		}
	}
	if m := xbGroupMembers(ts, gid); len(m) != 1 || m[0] != sid {
		t.Fatalf("members %v", m)
	}
	if g := xbServer(ts, sid).ServerGroups; len(g) != 1 || g[0] != gid {
		t.Fatalf("server's groups %v", g)
	}
	// Adding again changes nothing.
	if st, out := xbAddMember(ts, gid, sid); st != http.StatusOK || len(xbGroupMembers(ts, gid)) != 1 {
		t.Fatalf("add again: %d %v", st, out)
	}
	for _, body := range xbFixtures(t, "5.16.10") {
		st, out := ts.do("POST", ts.v1("/cloudservers/os-server-groups/"+gid+"/action"), xbFill(body, ids))
		if st != http.StatusNoContent {
			t.Fatalf("5.16.10 example: %d %v", st, out)
		}
	}
	if m := xbGroupMembers(ts, gid); len(m) != 0 || len(xbServer(ts, sid).ServerGroups) != 0 {
		t.Fatalf("after remove: members %v", m)
	}
	// 5.16.3 delete; then 404.
	st, _ = ts.do("DELETE", ts.v1("/cloudservers/os-server-groups/"+gid), nil)
	if st != http.StatusNoContent {
		t.Fatalf("5.16.3: %d", st)
	}
	st, out = ts.do("GET", ts.v1("/cloudservers/os-server-groups/"+gid), nil)
	wantErr(t, st, out, http.StatusNotFound, CodeNotFound)
	st, out = ts.do("DELETE", ts.v1("/cloudservers/os-server-groups/"+gid), nil)
	wantErr(t, st, out, http.StatusNotFound, CodeNotFound)
}

func TestServerGroupModifyMembersRunsAJob(t *testing.T) {
	ts := newTestSim(t)
	gid := xbCreateGroup(ts, "g", "anti-affinity")
	sid := ts.createServers(1, func(_ int, s *Server) { s.HostID = "host-a" })[0]
	path := ts.v1("/cloudservers/" + gid + "/server-group-action")
	ids := map[string]string{"0e85f296-e32d-45d5-a7b4-0b6de9ea8644": sid}
	var add, remove []byte
	for _, body := range xbFixtures(t, "5.16.5") {
		if strings.Contains(string(body), "add_member") {
			add = xbFill(body, ids)
		} else {
			remove = xbFill(body, ids)
		}
	}
	if add == nil || remove == nil {
		t.Fatal("the two 5.16.5 examples are missing")
	}
	st, out := ts.do("POST", path, add)
	if st != http.StatusOK || out["job_id"] == nil {
		t.Fatalf("5.16.5 add example: %d %v", st, out)
	}
	if m := xbGroupMembers(ts, gid); len(m) != 0 {
		t.Fatalf("member before the job ran: %v", m)
	}
	job := ts.waitJob(out["job_id"].(string))
	if job["status"] != JobSuccess {
		t.Fatalf("job %v", job)
	}
	subs := job["entities"].(map[string]any)["sub_jobs"].([]any)
	if len(subs) != 1 || subs[0].(map[string]any)["entities"].(map[string]any)["server_id"] != sid {
		t.Errorf("sub-jobs %v", subs)
	}
	if m := xbGroupMembers(ts, gid); len(m) != 1 || m[0] != sid {
		t.Fatalf("members after the job %v", m)
	}
	st, out = ts.do("POST", path, remove)
	if st != http.StatusNoContent {
		t.Fatalf("5.16.5 remove example: %d %v", st, out)
	}
	if m := xbGroupMembers(ts, gid); len(m) != 0 {
		t.Fatalf("members after remove %v", m)
	}
	for name, body := range map[string]any{
		"bad operate_type": map[string]any{"operate_type": "ADD_MEMBER", "instance_uuid": sid},
		"no operate_type":  map[string]any{"instance_uuid": sid},
		"no instance_uuid": map[string]any{"operate_type": "add_member"},
	} {
		st, out := ts.do("POST", path, body)
		if st != http.StatusBadRequest || errCode(out) != CodeInvalidParam {
			t.Errorf("%s: %d %v", name, st, out)
		}
	}
	st, out = ts.do("POST", ts.v1("/cloudservers/no-such-group/server-group-action"), add)
	wantErr(t, st, out, http.StatusNotFound, CodeNotFound)
}

func TestServerGroupCreateRules(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.Quotas.ServerGroups = 2 })
	path := ts.v1("/cloudservers/os-server-groups")
	grp := func(name any, policies any) map[string]any {
		return map[string]any{"server_group": map[string]any{"name": name, "policies": policies}}
	}
	for name, body := range map[string]any{
		"unknown policy":    grp("g", []string{"spread"}),
		"upper-case policy": grp("g", []string{"Anti-Affinity"}),
		"two policies":      grp("g", []string{"affinity", "anti-affinity"}),
		"no policy":         grp("g", []string{}),
		"policies missing":  map[string]any{"server_group": map[string]any{"name": "g"}},
		"empty name":        grp("", []string{"affinity"}),
		"name of 256 bytes": grp(strings.Repeat("n", 256), []string{"affinity"}),
		"name missing":      map[string]any{"server_group": map[string]any{"policies": []string{"affinity"}}},
		"name not a string": grp(5, []string{"affinity"}),
		"no server_group":   map[string]any{},
	} {
		st, out := ts.do("POST", path, body)
		if st != http.StatusBadRequest || errCode(out) != CodeInvalidParam {
			t.Errorf("%s: got %d %v, want 400 %s", name, st, out, CodeInvalidParam)
		}
	}
	xbCreateGroup(ts, strings.Repeat("n", 255), "affinity")
	xbCreateGroup(ts, "second", "soft-anti-affinity")
	st, out := ts.do("POST", path, grp("third", []string{"affinity"}))
	wantErr(t, st, out, http.StatusBadRequest, CodeQuota)
}

func TestServerGroupPoliciesHoldOnAdd(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.HostsPerAZ = 2 })
	hosts := []string{"h1", "h1", "h2", "h3"}
	ids := ts.createServers(4, func(i int, s *Server) { s.HostID = hosts[i] })

	anti := xbCreateGroup(ts, "anti", "anti-affinity")
	if st, out := xbAddMember(ts, anti, ids[0]); st != http.StatusOK {
		t.Fatalf("first member: %d %v", st, out)
	}
	st, out := xbAddMember(ts, anti, ids[1]) // same host as ids[0]
	wantErr(t, st, out, http.StatusConflict, CodeConflict)
	if st, out := xbAddMember(ts, anti, ids[2]); st != http.StatusOK {
		t.Fatalf("second host: %d %v", st, out)
	}
	st, out = xbAddMember(ts, anti, ids[3]) // a third member in an AZ of 2 hosts
	wantErr(t, st, out, http.StatusConflict, CodeConflict)

	// A server is in one group only.
	soft := xbCreateGroup(ts, "soft", "soft-anti-affinity")
	st, out = xbAddMember(ts, soft, ids[0])
	wantErr(t, st, out, http.StatusConflict, CodeConflict)
	// Soft policies never refuse.
	for _, id := range []string{ids[1], ids[3]} {
		if st, out := xbAddMember(ts, soft, id); st != http.StatusOK {
			t.Fatalf("soft group: %d %v", st, out)
		}
	}

	// Affinity keeps one host.
	ts2 := newTestSim(t)
	ids2 := ts2.createServers(3, func(i int, s *Server) { s.HostID = hosts[i] })
	aff := xbCreateGroup(ts2, "aff", "affinity")
	for _, id := range ids2[:2] {
		if st, out := xbAddMember(ts2, aff, id); st != http.StatusOK {
			t.Fatalf("affinity on one host: %d %v", st, out)
		}
	}
	st, out = xbAddMember(ts2, aff, ids2[2])
	wantErr(t, st, out, http.StatusConflict, CodeConflict)
}

func TestServerGroupMemberQuotaAndRefusals(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.Quotas.ServerGroupMembers = 1 })
	ids := ts.createServers(3, func(i int, s *Server) {
		s.HostID = fmt.Sprint("host-", i)
		if i == 2 {
			s.Locked = true
		}
	})
	gid := xbCreateGroup(ts, "g", "soft-affinity")
	if st, out := xbAddMember(ts, gid, ids[0]); st != http.StatusOK {
		t.Fatalf("add: %d %v", st, out)
	}
	st, out := xbAddMember(ts, gid, ids[1])
	wantErr(t, st, out, http.StatusBadRequest, CodeQuota)
	st, out = xbAddMember(ts, gid, ids[2])
	wantErr(t, st, out, http.StatusConflict, CodeLocked)
	st, out = xbAddMember(ts, gid, "no-such-server")
	wantErr(t, st, out, http.StatusNotFound, CodeServerNotFound)
	st, out = xbAddMember(ts, "no-such-group", ids[0])
	wantErr(t, st, out, http.StatusNotFound, CodeNotFound)
	path := ts.v1("/cloudservers/os-server-groups/" + gid + "/action")
	for name, body := range map[string]any{
		"both keys":      map[string]any{"add_member": map[string]string{"instance_uuid": ids[0]}, "remove_member": map[string]string{"instance_uuid": ids[0]}},
		"neither key":    map[string]any{},
		"no uuid":        map[string]any{"add_member": map[string]string{}},
		"unknown action": map[string]any{"rename": map[string]string{"instance_uuid": ids[0]}},
	} {
		st, out := ts.do("POST", path, body)
		if st != http.StatusBadRequest || errCode(out) != CodeInvalidParam {
			t.Errorf("%s: %d %v", name, st, out)
		}
	}
	// Removing a server that is not a member is accepted and changes nothing.
	st, _ = ts.do("POST", path, map[string]any{"remove_member": map[string]string{"instance_uuid": ids[1]}})
	if st != http.StatusNoContent || len(xbGroupMembers(ts, gid)) != 1 {
		t.Fatalf("remove a non-member: %d", st)
	}
	// Deleting a group with members is allowed; the members leave it.
	st, _ = ts.do("DELETE", ts.v1("/cloudservers/os-server-groups/"+gid), nil)
	if st != http.StatusNoContent || len(xbServer(ts, ids[0]).ServerGroups) != 0 {
		t.Fatalf("delete with members: %d, server groups %v", st, xbServer(ts, ids[0]).ServerGroups)
	}
}

func TestServerGroupAddJobFailsWhenPolicyBrokenMeanwhile(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(2, func(i int, s *Server) { s.HostID = "same-host" })
	gid := xbCreateGroup(ts, "anti", "anti-affinity")
	path := ts.v1("/cloudservers/" + gid + "/server-group-action")
	var jobs []string
	for _, id := range ids { // both pass the request-time check: no member yet
		st, out := ts.do("POST", path, map[string]any{"operate_type": "add_member", "instance_uuid": id})
		if st != http.StatusOK {
			t.Fatalf("add: %d %v", st, out)
		}
		jobs = append(jobs, out["job_id"].(string))
	}
	// Whichever sub-job ends first wins the host; the other fails.
	counts := map[any]int{}
	for _, j := range jobs {
		job := ts.waitJob(j)
		counts[job["status"]]++
		if job["status"] == JobFail && !strings.Contains(fmt.Sprint(job), "anti-affinity") {
			t.Errorf("failed job does not say why: %v", job)
		}
	}
	if counts[JobSuccess] != 1 || counts[JobFail] != 1 {
		t.Fatalf("job statuses %v, want one SUCCESS and one FAIL", counts)
	}
	if m := xbGroupMembers(ts, gid); len(m) != 1 {
		t.Fatalf("members %v", m)
	}
}

func TestServerGroupCommunityRoutes(t *testing.T) {
	ts := newTestSim(t)
	var gid string
	for _, body := range xbFixtures(t, "5.16.7") {
		st, out := xbDoH(ts, "POST", xbV21(ts, "/os-server-groups"), body, xbMicro("2.60"))
		if st != http.StatusOK {
			t.Fatalf("5.16.7 example: %d %v", st, out)
		}
		gid = out["server_group"].(map[string]any)["id"].(string)
	}
	st, out := ts.do("GET", xbV21(ts, "/os-server-groups/"+gid), nil)
	if st != http.StatusOK || out["server_group"].(map[string]any)["members"] == nil {
		t.Fatalf("5.16.9: %d %v", st, out)
	}
	st, out = ts.do("GET", xbV21(ts, "/os-server-groups"), nil)
	if st != http.StatusOK || len(out["server_groups"].([]any)) != 1 {
		t.Fatalf("5.16.6: %d %v", st, out)
	}
	st, _ = ts.do("DELETE", xbV21(ts, "/os-server-groups/"+gid), nil)
	if st != http.StatusNoContent {
		t.Fatalf("5.16.8: %d", st)
	}
	st, out = ts.do("GET", xbV21(ts, "/os-server-groups/"+gid), nil)
	wantErr(t, st, out, http.StatusNotFound, "itemNotFound")
	// Soft policies arrived in microversion 2.15.
	soft := map[string]any{"server_group": map[string]any{"name": "s", "policies": []string{"soft-affinity"}}}
	st, out = xbDoH(ts, "POST", xbV21(ts, "/os-server-groups"), soft, xbMicro("2.14"))
	wantErr(t, st, out, http.StatusBadRequest, "badRequest")
	if st, out := xbDoH(ts, "POST", xbV21(ts, "/os-server-groups"), soft, xbMicro("2.15")); st != http.StatusOK {
		t.Fatalf("soft-affinity at 2.15: %d %v", st, out)
	}
	// Unknown shapes under /v1/.../cloudservers are 404, not a server group.
	st, out = ts.do("GET", ts.v1("/cloudservers/not-groups/x"), nil)
	wantErr(t, st, out, http.StatusNotFound, CodeNotFound)
}

// A member added by 5.16.5 keeps the host it runs on, which need not be
// one of the hosts creates use first; a later create into the
// anti-affinity group must skip every host a member already uses.
func TestAntiAffinityCreateSkipsMembersHosts(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.HostsPerAZ = 3 })
	seed := ts.sim.cfg.Seed
	// Two members, on hosts 1 and 2 (as servers added from elsewhere).
	ids := ts.createServers(2, func(i int, s *Server) { s.HostID = hostID(seed, "az1.dc1", i+1) })
	xbWithProject(ts, func(p *ProjectState) {
		p.ServerGroups["g1"] = &ServerGroup{ID: "g1", Name: "g1", Policies: []string{"anti-affinity"}, Members: ids}
		for _, id := range ids {
			p.Servers[id].ServerGroups = []string{"g1"}
		}
	})
	id := ts.create(1, func(s map[string]any) { s["os:scheduler_hints"] = map[string]any{"group": "g1"} })
	if final := ts.waitJob(id); final["status"] != JobSuccess {
		t.Fatalf("one more member on 3 hosts: %v %v", final["status"], final["fail_reason"])
	}
	var added *Server
	for _, srv := range ts.sim.project(ts.pid).Servers {
		if srv.ID != ids[0] && srv.ID != ids[1] {
			added = srv
		}
	}
	if added == nil || added.HostID != hostID(seed, "az1.dc1", 0) {
		t.Fatalf("new member's host %v, want the one host no member uses", added)
	}
	// The group now fills all 3 hosts: one more has nowhere to go.
	id = ts.create(1, func(s map[string]any) { s["os:scheduler_hints"] = map[string]any{"group": "g1"} })
	if final := ts.waitJob(id); final["status"] != JobFail {
		t.Fatalf("a 4th member on 3 hosts: %v", final["status"])
	}
}
