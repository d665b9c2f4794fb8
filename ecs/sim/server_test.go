package sim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// createBody is a valid 5.2.1 body for the default catalogue; tweak edits
// the "server" object.
func createBody(count int, tweak func(s map[string]any)) map[string]any {
	s := map[string]any{
		"name": "web", "imageRef": ImageCentOS82, "flavorRef": "c6.large.2",
		"vpcid":       "1e0f2a3b-0000-4000-8000-00000000a001",
		"nics":        []any{map[string]any{"subnet_id": "2f1a3b4c-0000-4000-8000-00000000b001"}},
		"root_volume": map[string]any{"volumetype": "SSD", "size": 40},
		"count":       count,
	}
	if tweak != nil {
		tweak(s)
	}
	return map[string]any{"server": s}
}

// create posts a create and returns the job id (fails on non-200).
func (ts *testSim) create(count int, tweak func(s map[string]any)) string {
	ts.t.Helper()
	st, body := ts.do("POST", "/v1.1/"+ts.pid+"/cloudservers", createBody(count, tweak))
	if st != http.StatusOK {
		ts.t.Fatalf("create: %d %v", st, body)
	}
	return body["job_id"].(string)
}

// subServerIDs returns entities.server_id of each sub-job.
func subServerIDs(job map[string]any) []string {
	var ids []string
	for _, sj := range job["entities"].(map[string]any)["sub_jobs"].([]any) {
		ids = append(ids, sj.(map[string]any)["entities"].(map[string]any)["server_id"].(string))
	}
	return ids
}

func TestCreateJobLifecycle(t *testing.T) {
	ts := newTestSim(t)
	id := ts.create(3, func(s map[string]any) {
		s["extendparam"] = map[string]any{"postfix": "0007"}
		s["server_tags"] = []any{map[string]any{"key": "fleet", "value": "web"}}
		s["tags"] = []any{"env.prod.eu"}
	})
	_, job := ts.do("GET", ts.v1("/jobs/"+id), nil)
	if job["status"] != JobInit && job["status"] != JobRunning {
		t.Fatalf("new job status %v", job["status"])
	}
	ids := subServerIDs(job)
	if len(ids) != 3 {
		t.Fatalf("want 3 sub-jobs with server_id (C7), got %v", job)
	}
	_, srv := ts.do("GET", ts.v1("/cloudservers/"+ids[0]), nil)
	if srv["server"].(map[string]any)["status"] != StatusBuild {
		t.Fatalf("status before the job ends: %v", srv["server"].(map[string]any)["status"])
	}
	final := ts.waitJob(id)
	if final["status"] != JobSuccess || final["end_time"] == "" {
		t.Fatalf("final job %v", final)
	}
	names := map[string]bool{}
	for _, sid := range ids {
		_, b := ts.do("GET", ts.v1("/cloudservers/"+sid), nil)
		s := b["server"].(map[string]any)
		if s["status"] != StatusActive || s["OS-EXT-STS:power_state"].(float64) != 1 {
			t.Fatalf("server after job: %v %v", s["status"], s["OS-EXT-STS:power_state"])
		}
		names[s["name"].(string)] = true
		tags := fmt.Sprint(s["tags"])
		if !strings.Contains(tags, "fleet=web") || !strings.Contains(tags, "env=prod.eu") {
			t.Fatalf("tags %v", tags)
		}
		addr := s["addresses"].(map[string]any)
		for _, list := range addr {
			a := list.([]any)[0].(map[string]any)
			if a["version"] != "4" || a["OS-EXT-IPS:port_id"] == "" || a["OS-EXT-IPS:type"] != "fixed" {
				t.Fatalf("address %v", a)
			}
		}
		if _, ok := s["flavor"].(map[string]any)["vcpus"].(string); !ok {
			t.Fatalf("flavor.vcpus must be a string (C11): %v", s["flavor"])
		}
	}
	for _, n := range []string{"web-0007", "web-0008", "web-0009"} {
		if !names[n] {
			t.Fatalf("names %v lack %s", names, n)
		}
	}
}

func TestCreatePowerOffAndSingle(t *testing.T) {
	ts := newTestSim(t)
	id := ts.create(1, func(s map[string]any) { s["power_on"] = false; s["user_data"] = "" })
	_, job := ts.do("GET", ts.v1("/jobs/"+id), nil)
	if job["entities"].(map[string]any)["server_id"] == nil {
		t.Fatalf("single create job should carry entities.server_id too: %v", job)
	}
	ts.waitJob(id)
	_, b := ts.do("GET", ts.v1("/cloudservers/"+subServerIDs(job)[0]), nil)
	s := b["server"].(map[string]any)
	if s["status"] != StatusShutoff || s["name"] != "web" {
		t.Fatalf("power_on false: %v %v", s["status"], s["name"])
	}
}

func TestCreateRulesBroken(t *testing.T) {
	ts := newTestSim(t)
	long := strings.Repeat("a", 60)
	cases := []struct {
		name   string
		count  int
		tweak  func(s map[string]any)
		status int
		code   string
	}{
		{"name charset", 1, func(s map[string]any) { s["name"] = "web server" }, 400, CodeInvalidParam},
		{"name 60 with count 2", 2, func(s map[string]any) { s["name"] = long }, 400, CodeInvalidParam},
		{"name 65", 1, func(s map[string]any) { s["name"] = long + "aaaaa" }, 400, CodeInvalidParam},
		{"count 0", 0, nil, 400, CodeInvalidParam},
		{"count 1001", 1001, nil, 400, CodeInvalidParam},
		{"postfix+count", 10, func(s map[string]any) { s["extendparam"] = map[string]any{"postfix": "9995"} }, 400, CodeInvalidParam},
		{"postfix format", 1, func(s map[string]any) { s["extendparam"] = map[string]any{"postfix": "12"} }, 400, CodeInvalidParam},
		{"11 tags", 1, func(s map[string]any) {
			var tags []any
			for i := range 11 {
				tags = append(tags, fmt.Sprintf("k%d.v", i))
			}
			s["tags"] = tags
		}, 400, CodeInvalidParam},
		{"tag key too long", 1, func(s map[string]any) { s["tags"] = []any{strings.Repeat("k", 37) + ".v"} }, 400, CodeInvalidParam},
		{"server_tags bad value", 1, func(s map[string]any) {
			s["server_tags"] = []any{map[string]any{"key": "k", "value": "bad value!"}}
		}, 400, CodeInvalidParam},
		{"no nics", 1, func(s map[string]any) { s["nics"] = []any{} }, 400, CodeInvalidParam},
		{"17 nics", 1, func(s map[string]any) {
			var n []any
			for range 17 {
				n = append(n, map[string]any{"subnet_id": "2f1a3b4c-0000-4000-8000-00000000b001"})
			}
			s["nics"] = n
		}, 400, CodeInvalidParam},
		{"unknown subnet", 1, func(s map[string]any) { s["nics"] = []any{map[string]any{"subnet_id": "nope"}} }, 400, CodeNetworkMissing},
		{"60 data volumes", 1, func(s map[string]any) {
			var v []any
			for range 60 {
				v = append(v, map[string]any{"volumetype": "SATA", "size": 10})
			}
			s["data_volumes"] = v
		}, 400, CodeInvalidParam},
		{"volume size 0", 1, func(s map[string]any) { s["data_volumes"] = []any{map[string]any{"volumetype": "SATA", "size": 0}} }, 400, CodeInvalidParam},
		{"volume size 65537", 1, func(s map[string]any) {
			s["data_volumes"] = []any{map[string]any{"volumetype": "SATA", "size": 65537}}
		}, 400, CodeInvalidParam},
		{"unknown volume type", 1, func(s map[string]any) { s["data_volumes"] = []any{map[string]any{"volumetype": "GOLD", "size": 10}} }, 400, CodeInvalidParam},
		{"root below min_disk", 1, func(s map[string]any) { s["root_volume"] = map[string]any{"volumetype": "SSD", "size": "20"} }, 400, CodeImage},
		{"windows min_disk 50", 1, func(s map[string]any) { s["imageRef"] = ImageWin2019 }, 400, CodeImage},
		{"unknown image", 1, func(s map[string]any) { s["imageRef"] = "nope" }, 400, CodeInvalidParam},
		{"unknown flavor", 1, func(s map[string]any) { s["flavorRef"] = "x9.huge" }, 400, CodeInvalidParam},
		{"unknown AZ", 1, func(s map[string]any) { s["availability_zone"] = "az9.dc9" }, 400, CodeInvalidParam},
		{"weak password", 1, func(s map[string]any) { s["adminPass"] = "password" }, 400, CodePassword},
		{"metadata admin_pass weak", 1, func(s map[string]any) { s["metadata"] = map[string]any{"admin_pass": "abc"} }, 400, CodePassword},
		{"user_data not base64", 1, func(s map[string]any) { s["user_data"] = "%%%" }, 400, CodeInvalidParam},
		{"user_data over 32KB", 1, func(s map[string]any) {
			s["user_data"] = b64(strings.Repeat("x", 32*1024+1))
		}, 400, CodeInvalidParam},
		{"unknown key_name", 1, func(s map[string]any) { s["key_name"] = "nokey" }, 400, CodeInvalidParam},
		{"unknown server group", 1, func(s map[string]any) { s["os:scheduler_hints"] = map[string]any{"group": "nogroup"} }, 400, CodeInvalidParam},
		{"unknown field", 1, func(s map[string]any) { s["colour"] = "blue" }, 400, CodeInvalidParam},
		{"wrong type", 1, func(s map[string]any) { s["count"] = "3" }, 400, CodeInvalidParam},
		{"unknown vpc", 1, func(s map[string]any) { s["vpcid"] = "nope" }, 400, CodeInvalidParam},
		{"image by name, not id", 1, func(s map[string]any) { s["imageRef"] = "CentOS 8.2 64bit" }, 400, CodeInvalidParam},
		{"subnet by name, not id", 1, func(s map[string]any) { s["nics"] = []any{map[string]any{"subnet_id": "subnet-web"}} }, 400, CodeNetworkMissing},
		{"fixed ip outside subnet", 1, func(s map[string]any) {
			s["nics"] = []any{map[string]any{"subnet_id": "2f1a3b4c-0000-4000-8000-00000000b001", "ip_address": "10.0.2.5"}}
		}, 400, CodeInvalidParam},
		{"bandwidth 301", 1, func(s map[string]any) {
			s["publicip"] = map[string]any{"eip": map[string]any{"iptype": "5_bgp", "bandwidth": map[string]any{"sharetype": "PER", "size": 301}}}
		}, 400, CodeInvalidParam},
		{"windows without password", 1, func(s map[string]any) {
			s["imageRef"] = ImageWin2019
			s["root_volume"] = map[string]any{"volumetype": "SSD", "size": 60}
		}, 400, CodeInvalidParam},
		{"ha policy value", 1, func(s map[string]any) { s["metadata"] = map[string]any{"_ha_policy_type": "maybe"} }, 400, CodeInvalidParam},
		{"user metadata key at create", 1, func(s map[string]any) { s["metadata"] = map[string]any{"role": "web"} }, 400, CodeInvalidParam},
		{"description with <", 1, func(s map[string]any) { s["description"] = "<b>" }, 400, CodeInvalidParam},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, body := ts.do("POST", "/v1.1/"+ts.pid+"/cloudservers", createBody(tc.count, tc.tweak))
			wantErr(t, st, body, tc.status, tc.code)
			if msg := body["error"].(map[string]any)["message"].(string); msg == "" || strings.Contains(msg, "abc") || strings.Contains(msg, "password\"") {
				t.Fatalf("message empty or leaks the password: %q", msg)
			}
		})
	}
	if n := len(ts.sim.project(ts.pid).Servers); n != 0 {
		t.Fatalf("refused creates left %d servers behind", n)
	}
}

func TestCreateQuota(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.Quotas.Instances = 4; c.Quotas.Cores = 7 })
	ts.create(3, nil) // 3 instances, 6 cores
	st, body := ts.do("POST", "/v1.1/"+ts.pid+"/cloudservers", createBody(1, nil))
	wantErr(t, st, body, 400, CodeQuota)                                   // 8 cores > 7
	ts.create(1, func(s map[string]any) { s["flavorRef"] = "s6.small.1" }) // 4 instances, 7 cores
	st, body = ts.do("POST", "/v1.1/"+ts.pid+"/cloudservers", createBody(1, func(s map[string]any) { s["flavorRef"] = "s6.small.1" }))
	wantErr(t, st, body, 400, CodeQuota) // 5 instances > 4
	_, lim := ts.do("GET", ts.v1("/cloudservers/limits"), nil)
	abs := lim["absolute"].(map[string]any)
	if abs["totalInstancesUsed"].(float64) != 4 || abs["totalCoresUsed"].(float64) != 7 || abs["maxTotalCores"].(float64) != 7 {
		t.Fatalf("limits derived from state: %v", abs)
	}
}

func TestInitWhileWaitingForCapacity(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.Capacity = 2; c.Jitter = 0 })
	id := ts.create(5, nil)
	_, job := ts.do("GET", ts.v1("/jobs/"+id), nil)
	running, waiting := 0, 0
	for _, sj := range job["entities"].(map[string]any)["sub_jobs"].([]any) {
		switch sj.(map[string]any)["status"] {
		case JobRunning:
			running++
		case JobInit:
			waiting++
		}
	}
	if running != 2 || waiting != 3 {
		t.Fatalf("capacity 2: running %d waiting %d", running, waiting)
	}
	second := ts.create(1, nil)
	_, j2 := ts.do("GET", ts.v1("/jobs/"+second), nil)
	if j2["status"] != JobInit {
		t.Fatalf("a job whose sub-jobs all wait for capacity is INIT, got %v", j2["status"])
	}
	ts.waitJob(second)
	_, job = ts.do("GET", ts.v1("/jobs/"+id), nil)
	if job["status"] != JobSuccess {
		t.Fatalf("the earlier job should be done before the later one: %v", job["status"])
	}
}

func TestSubJobFailureMappedToServer(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.Faults.SubJobFail = 0.5; c.Seed = 7 })
	id := ts.create(20, nil)
	final := ts.waitJob(id)
	if final["status"] != JobFail || final["error_code"] == nil || final["fail_reason"] == nil {
		t.Fatalf("job with failed sub-jobs: %v", final)
	}
	failed, ok := 0, 0
	for _, sj := range final["entities"].(map[string]any)["sub_jobs"].([]any) {
		m := sj.(map[string]any)
		sid := m["entities"].(map[string]any)["server_id"].(string)
		_, b := ts.do("GET", ts.v1("/cloudservers/"+sid), nil)
		status := b["server"].(map[string]any)["status"]
		if m["status"] == JobFail {
			failed++
			if status != StatusError || m["fail_reason"] == nil {
				t.Fatalf("failed sub-job's server is %v", status)
			}
		} else {
			ok++
			if status != StatusActive {
				t.Fatalf("successful sub-job's server is %v", status)
			}
		}
	}
	if failed == 0 || ok == 0 {
		t.Fatalf("expected a mix: failed %d ok %d", failed, ok)
	}
}

func TestAntiAffinityGroupFull(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.HostsPerAZ = 2 })
	ts.sim.withLock(func() error {
		ts.sim.project(ts.pid).ServerGroups["g1"] = &ServerGroup{ID: "g1", Name: "g1", Policies: []string{"anti-affinity"}}
		return nil
	})
	id := ts.create(3, func(s map[string]any) { s["os:scheduler_hints"] = map[string]any{"group": "g1"} })
	final := ts.waitJob(id)
	failed := 0
	for _, sj := range final["entities"].(map[string]any)["sub_jobs"].([]any) {
		if sj.(map[string]any)["status"] == JobFail {
			failed++
		}
	}
	if final["status"] != JobFail || failed != 1 {
		t.Fatalf("3 members on 2 hosts: job %v, %d failed", final["status"], failed)
	}
}

func TestDeleteThen404(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(2, nil)
	st, body := ts.do("POST", ts.v1("/cloudservers/delete"), map[string]any{
		"servers": []any{map[string]any{"id": ids[0]}, map[string]any{"id": ids[1]}}, "delete_volume": true})
	if st != 200 || body["job_id"] == nil {
		t.Fatalf("delete: %d %v (C8 needs a job_id)", st, body)
	}
	_, b := ts.do("GET", ts.v1("/cloudservers/"+ids[0]), nil)
	if ts := b["server"].(map[string]any)["OS-EXT-STS:task_state"]; ts != TaskDeleting {
		t.Fatalf("task_state during delete: %v", ts)
	}
	if ts.waitJob(body["job_id"].(string))["status"] != JobSuccess {
		t.Fatal("delete job failed")
	}
	st, b = ts.do("GET", ts.v1("/cloudservers/"+ids[0]), nil)
	wantErr(t, st, b, 404, CodeServerNotFound)
	if n := len(ts.sim.project(ts.pid).Volumes); n != 0 {
		t.Fatalf("volumes left: %d", n)
	}
	st, b = ts.do("POST", ts.v1("/cloudservers/delete"), map[string]any{"servers": []any{map[string]any{"id": ids[0]}}})
	wantErr(t, st, b, 404, CodeServerNotFound)
}

func TestLockedServerRefused(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(1, func(_ int, s *Server) { s.Locked = true })
	st, b := ts.do("POST", ts.v1("/cloudservers/delete"), map[string]any{"servers": []any{map[string]any{"id": ids[0]}}})
	wantErr(t, st, b, 409, CodeLocked)
	st, b = ts.do("PUT", ts.v1("/cloudservers/"+ids[0]), map[string]any{"server": map[string]any{"name": "x"}})
	wantErr(t, st, b, 409, CodeLocked)
	st, b = ts.do("PUT", ts.v1("/cloudservers/server-name"), map[string]any{"name": "x", "servers": []any{map[string]any{"id": ids[0]}}})
	wantErr(t, st, b, 409, CodeLocked)
}

func TestListPagingAndFilters(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(25, func(i int, s *Server) {
		s.Name = fmt.Sprintf("app-%04d", i+1)
		s.Created = s.Created.Add(time.Duration(i) * time.Second)
		if i%5 == 0 {
			s.Tags["role"] = "db"
		}
		if i == 3 {
			s.Status = StatusShutoff
		}
	})
	st, b := ts.do("GET", ts.v1("/cloudservers/detail"), nil)
	if st != 200 || b["count"].(float64) != 25 || b["servers"] != nil {
		t.Fatalf("no offset -> count only: %d %v", st, b)
	}
	_, b = ts.do("GET", ts.v1("/cloudservers/detail?offset=3&limit=10"), nil)
	if b["count"].(float64) != 25 || len(b["servers"].([]any)) != 5 {
		t.Fatalf("page 3 of 10: %v", len(b["servers"].([]any)))
	}
	if b["servers"].([]any)[0].(map[string]any)["id"] != ids[20] {
		t.Fatal("pages are not in creation order")
	}
	_, b0 := ts.do("GET", ts.v1("/cloudservers/detail?offset=0&limit=10"), nil)
	_, b1 := ts.do("GET", ts.v1("/cloudservers/detail?offset=1&limit=10"), nil)
	if fmt.Sprint(b0["servers"]) != fmt.Sprint(b1["servers"]) {
		t.Fatal("offset 0 and 1 must both be the first page")
	}
	for q, want := range map[string]float64{
		"tags=role=db": 5, "not-tags=role": 20, "tags=role": 5, "name=app-001": 10, "name=^app-0025$": 1,
		"status=SHUTOFF": 1, "ip=" + ts.sim.project(ts.pid).Servers[ids[0]].NICs[0].IP: 1, "flavor=c6.large.2": 25,
		"flavor=s6.small.1": 0,
	} {
		_, b := ts.do("GET", ts.v1("/cloudservers/detail?offset=1&"+q), nil)
		if b["count"].(float64) != want {
			t.Errorf("%s: count %v, want %v", q, b["count"], want)
		}
	}
	for _, q := range []string{"limit=0", "limit=1001", "offset=-1", "status=RUNNING", "colour=blue", "expect_fields=volume,bogus", "detail=9"} {
		st, b := ts.do("GET", ts.v1("/cloudservers/detail?"+q), nil)
		wantErr(t, st, b, 400, CodeInvalidParam)
	}
}

func TestModifyServer(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(1, nil)
	st, b := ts.do("PUT", ts.v1("/cloudservers/"+ids[0]), map[string]any{"server": map[string]any{
		"name": "db-1", "description": "primary", "hostname": "db-1.example"}})
	if st != 200 {
		t.Fatalf("modify: %d %v", st, b)
	}
	s := b["server"].(map[string]any)
	if s["name"] != "db-1" || s["description"] != "primary" || s["OS-EXT-SRV-ATTR:hostname"] != "db-1.example" {
		t.Fatalf("modified server %v", s)
	}
	for _, bad := range []map[string]any{
		{"name": "a b"}, {"name": strings.Repeat("n", 65)}, {"description": strings.Repeat("d", 64)},
		{"description": "a>b"}, {"hostname": "-x"}, {"hostname": "a..b"}, {"hostname": "a.-b"}, {"hostname": "a_b"},
		{"hostname": strings.Repeat("h", 64)},
	} {
		st, b := ts.do("PUT", ts.v1("/cloudservers/"+ids[0]), map[string]any{"server": bad})
		wantErr(t, st, b, 400, CodeInvalidParam)
	}
	st, b = ts.do("PUT", ts.v1("/cloudservers/00000000-0000-4000-8000-000000000000"), map[string]any{"server": map[string]any{"name": "x"}})
	wantErr(t, st, b, 404, CodeServerNotFound)
}

func TestBatchRename(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(51, nil)
	list := func(n int) []any {
		var out []any
		for _, id := range ids[:n] {
			out = append(out, map[string]any{"id": id})
		}
		return out
	}
	st, b := ts.do("PUT", ts.v1("/cloudservers/server-name"), map[string]any{"name": "develop", "servers": list(51)})
	wantErr(t, st, b, 400, CodeInvalidParam)
	st, b = ts.do("PUT", ts.v1("/cloudservers/server-name"), map[string]any{"name": "develop", "dry_run": true, "servers": list(50)})
	if st != 200 || len(b["response"].([]any)) != 50 || ts.sim.project(ts.pid).Servers[ids[0]].Name == "develop" {
		t.Fatalf("dry run: %d, renamed anyway?", st)
	}
	st, _ = ts.do("PUT", ts.v1("/cloudservers/server-name"), map[string]any{"name": "develop", "servers": list(50)})
	if st != 200 || ts.sim.project(ts.pid).Servers[ids[49]].Name != "develop" {
		t.Fatalf("rename: %d", st)
	}
	st, b = ts.do("PUT", ts.v1("/cloudservers/server-name"), map[string]any{"name": "bad name", "servers": list(1)})
	wantErr(t, st, b, 400, CodeInvalidParam)
}

func TestCreateWindowsWithPassword(t *testing.T) {
	ts := newTestSim(t)
	id := ts.create(1, func(s map[string]any) {
		s["imageRef"] = ImageWin2019
		s["root_volume"] = map[string]any{"volumetype": "SSD", "size": "60"} // C5: string accepted too
		s["metadata"] = map[string]any{"admin_pass": "Win-Passw0rd!", "_ha_policy_type": "remote_rebuild"}
	})
	_, job := ts.do("GET", ts.v1("/jobs/"+id), nil)
	srv := ts.sim.project(ts.pid).Servers[subServerIDs(job)[0]]
	if !srv.AdminPasswordSet || srv.Metadata["admin_pass"] != "" || srv.Metadata["_ha_policy_type"] != "remote_rebuild" {
		t.Fatalf("password marker %v, metadata %v", srv.AdminPasswordSet, srv.Metadata)
	}
}
