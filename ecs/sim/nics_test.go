package sim

import (
	"net/http"
	"strings"
	"testing"
)

const (
	xaSubnetApp = "2f1a3b4c-0000-4000-8000-00000000b002"
	xaSGWeb     = "3a2b4c5d-0000-4000-8000-00000000c002"
)

func xaNIC(subnet, ip string) map[string]any {
	return map[string]any{"subnet_id": subnet, "ip_address": ip, "security_groups": []map[string]string{{"id": xaSGWeb}}}
}

func TestAddNICsFixtureAndJobPerNIC(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	// The reference's own example (5.7.1), with ids that exist here.
	req := xaFixture(t, "5.7.1/request-1.json")
	nic := req["nics"].([]any)[0].(map[string]any)
	nic["subnet_id"] = xaSubnetApp
	nic["security_groups"] = []any{map[string]any{"id": xaSGWeb}}
	req["nics"] = append(req["nics"].([]any), xaNIC(xaSubnetApp, "10.0.2.77"))

	job := xaJob(t, ts, "POST", ts.v1("/cloudservers/"+id+"/nics"), req)
	if job["status"] != JobSuccess || job["job_type"] != "addNicsForServer" {
		t.Fatalf("job %v", job)
	}
	subs := xaSubJobs(t, job)
	if len(subs) != 2 {
		t.Fatalf("want one sub-job per NIC, got %d", len(subs))
	}
	ports := map[string]bool{}
	for _, sj := range subs {
		ents := sj["entities"].(map[string]any)
		if sj["job_type"] != "addNic" || ents["nic_id"] == "" {
			t.Fatalf("sub-job %v", sj)
		}
		ports[ents["nic_id"].(string)] = true
	}
	st, body := ts.do("GET", ts.v1("/cloudservers/"+id+"/os-interface"), nil)
	if st != http.StatusOK {
		t.Fatalf("list: %d", st)
	}
	list := body["interfaceAttachments"].([]any)
	if len(list) != 3 {
		t.Fatalf("want 3 NICs, got %d", len(list))
	}
	var sawFixed bool
	for _, x := range list[1:] {
		n := x.(map[string]any)
		if !ports[n["port_id"].(string)] {
			t.Fatalf("listed port %v is not one the job reported", n["port_id"])
		}
		ip := n["fixed_ips"].([]any)[0].(map[string]any)
		if ip["subnet_id"] != xaSubnetApp {
			t.Fatalf("NIC on subnet %v", ip["subnet_id"])
		}
		sawFixed = sawFixed || ip["ip_address"] == "10.0.2.77"
		if !strings.HasPrefix(n["mac_addr"].(string), "fa:16:3e:") {
			t.Fatalf("mac %v", n["mac_addr"])
		}
	}
	if !sawFixed {
		t.Fatal("the fixed address 10.0.2.77 was not assigned")
	}
}

func TestAddNICsRules(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(2, nil)
	id := ids[0]
	path := ts.v1("/cloudservers/" + id + "/nics")
	nics := func(n ...map[string]any) map[string]any { return map[string]any{"nics": n} }

	// 16 NICs per server in total (5.2.1): the server has 1, so 16 more is one too many.
	var many []map[string]any
	for range 16 {
		many = append(many, xaNIC(xaSubnetApp, ""))
	}
	st, body := ts.do("POST", path, nics(many...))
	wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)
	if !strings.Contains(body["error"].(map[string]any)["message"].(string), "16") {
		t.Fatalf("message does not name the limit: %v", body)
	}
	// 15 more is exactly 16; then even one more is refused, counting NICs still being added.
	if st, body := ts.do("POST", path, nics(many[:15]...)); st != http.StatusOK {
		t.Fatalf("15 NICs: %d %v", st, body)
	}
	st, body = ts.do("POST", path, nics(many[:1]...))
	wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)

	other := ts.v1("/cloudservers/" + ids[1] + "/nics")
	cases := []struct {
		name   string
		nic    map[string]any
		status int
		code   string
	}{
		{"missing subnet", xaNIC("no-such-subnet", ""), 400, CodeNetworkMissing},
		{"ip outside CIDR", xaNIC(xaSubnetApp, "10.0.3.5"), 400, CodeInvalidParam},
		{"gateway ip", xaNIC(xaSubnetApp, "10.0.2.1"), 400, CodeInvalidParam},
		{"ip in use", xaNIC(xaSubnetApp, "10.0.2.77"), 400, CodeIPUsed},
		{"no security group", map[string]any{"subnet_id": xaSubnetApp, "security_groups": []any{}}, 400, CodeInvalidParam},
		{"unknown security group", map[string]any{"subnet_id": xaSubnetApp, "security_groups": []any{map[string]any{"id": "nope"}}}, 400, CodeInvalidParam},
		{"ipv6 on an IPv4 subnet", map[string]any{"subnet_id": xaSubnetApp, "ip_address_v6": "fd00::5", "security_groups": []any{map[string]any{"id": xaSGWeb}}}, 400, CodeInvalidParam},
		{"unknown field", map[string]any{"subnet_id": xaSubnetApp, "vpc_id": "x", "security_groups": []any{map[string]any{"id": xaSGWeb}}}, 400, CodeInvalidParam},
	}
	// Take 10.0.2.77 first so "ip in use" has something to hit.
	if st, body := ts.do("POST", other, nics(xaNIC(xaSubnetApp, "10.0.2.77"))); st != http.StatusOK {
		t.Fatalf("fixed ip: %d %v", st, body)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, body := ts.do("POST", other, nics(c.nic))
			wantErr(t, st, body, c.status, c.code)
		})
	}
	st, body = ts.do("POST", other, map[string]any{"nics": []any{}})
	wantErr(t, st, body, 400, CodeInvalidParam)
	st, body = ts.do("POST", ts.v1("/cloudservers/00000000-0000-4000-8000-000000000000/nics"), nics(xaNIC(xaSubnetApp, "")))
	wantErr(t, st, body, 404, CodeServerNotFound)
}

func TestNICsRefusedOnLockedServer(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, func(_ int, s *Server) { s.Locked = true })[0]
	st, body := ts.do("POST", ts.v1("/cloudservers/"+id+"/nics"), map[string]any{"nics": []any{xaNIC(xaSubnetApp, "")}})
	wantErr(t, st, body, http.StatusConflict, CodeLocked)
}

func TestDeleteNICs(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	xaJob(t, ts, "POST", ts.v1("/cloudservers/"+id+"/nics"), map[string]any{"nics": []any{xaNIC(xaSubnetApp, "10.0.2.50")}})
	srv := xaServer(ts, id)
	primary, second := srv.NICs[0].PortID, srv.NICs[1].PortID
	path := ts.v1("/cloudservers/" + id + "/nics/delete")

	// The primary NIC cannot be deleted (5.7.2): 400.
	st, body := ts.do("POST", path, map[string]any{"nics": []any{map[string]any{"id": primary}}})
	wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)
	st, body = ts.do("POST", path, map[string]any{"nics": []any{map[string]any{"id": "not-a-port"}}})
	wantErr(t, st, body, http.StatusNotFound, CodeNotFound)
	st, body = ts.do("POST", path, map[string]any{"nics": []any{map[string]any{"id": second}, map[string]any{"id": second}}})
	wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)

	// The reference's example (5.7.2) with a real port id.
	req := xaFixture(t, "5.7.2/request-1.json")
	req["nics"].([]any)[0].(map[string]any)["id"] = second
	job := xaJob(t, ts, "POST", path, req)
	if job["status"] != JobSuccess || len(xaSubJobs(t, job)) != 1 {
		t.Fatalf("job %v", job)
	}
	srv = xaServer(ts, id)
	if len(srv.NICs) != 1 || srv.NICs[0].PortID != primary {
		t.Fatalf("NICs after delete: %+v", srv.NICs)
	}
	// Its address is free again.
	other := ts.createServers(1, nil)[0]
	if st, body := ts.do("POST", ts.v1("/cloudservers/"+other+"/nics"), map[string]any{"nics": []any{xaNIC(xaSubnetApp, "10.0.2.50")}}); st != http.StatusOK {
		t.Fatalf("reuse released address: %d %v", st, body)
	}
}

func TestAddNICFailureReleasesAddress(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.Faults.SubJobFail = 1 })
	id := ts.createServers(1, nil)[0]
	job := xaJob(t, ts, "POST", ts.v1("/cloudservers/"+id+"/nics"), map[string]any{"nics": []any{xaNIC(xaSubnetApp, "10.0.2.60")}})
	if job["status"] != JobFail {
		t.Fatalf("want FAIL, got %v", job["status"])
	}
	if n := len(xaServer(ts, id).NICs); n != 1 {
		t.Fatalf("a failed add left %d NICs", n)
	}
	var inUse bool
	_ = ts.sim.withLock(func() error {
		_, inUse = ts.sim.project(ts.pid).IPs[xaSubnetApp]["10.0.2.60"]
		return nil
	})
	if inUse {
		t.Fatal("a failed add kept its address reserved")
	}
}

func TestCommunityNICReads(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	port := xaServer(ts, id).NICs[0].PortID
	for _, prefix := range []string{"/v2.1/", "/v2/"} {
		st, body := ts.do("GET", prefix+ts.pid+"/servers/"+id+"/os-interface", nil)
		if st != http.StatusOK || len(body["interfaceAttachments"].([]any)) != 1 {
			t.Fatalf("5.7.5 %s: %d %v", prefix, st, body)
		}
	}
	st, body := ts.do("GET", "/v2.1/"+ts.pid+"/servers/"+id+"/os-interface/"+port, nil)
	if st != http.StatusOK || body["interfaceAttachment"].(map[string]any)["port_id"] != port {
		t.Fatalf("5.7.6: %d %v", st, body)
	}
	st, body = ts.do("GET", "/v2.1/"+ts.pid+"/servers/"+id+"/os-interface/no-such-port", nil)
	wantErr(t, st, body, http.StatusNotFound, "itemNotFound")
}

func TestCommunityAddRemoveInterface(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	base := "/v2.1/" + ts.pid + "/servers/" + id + "/os-interface"
	add := func(ia map[string]any) (int, map[string]any) {
		return ts.do("POST", base, map[string]any{"interfaceAttachment": ia})
	}
	for name, ia := range map[string]map[string]any{
		"port_id and net_id": {"port_id": "p1", "net_id": xaSubnetApp},
		"neither":            {},
		"two fixed_ips":      {"net_id": xaSubnetApp, "fixed_ips": []any{map[string]any{"ip_address": "10.0.2.40"}, map[string]any{"ip_address": "10.0.2.41"}}},
		"ip outside network": {"net_id": xaSubnetApp, "fixed_ips": []any{map[string]any{"ip_address": "10.0.3.40"}}},
	} {
		t.Run(name, func(t *testing.T) {
			st, body := add(ia)
			wantErr(t, st, body, http.StatusBadRequest, "badRequest")
		})
	}
	st, body := add(map[string]any{"net_id": "no-such-net"})
	wantErr(t, st, body, http.StatusNotFound, "itemNotFound")

	st, body = add(map[string]any{"net_id": xaSubnetApp, "fixed_ips": []any{map[string]any{"ip_address": "10.0.2.40"}}})
	if st != http.StatusOK {
		t.Fatalf("add: %d %v", st, body)
	}
	port := body["interfaceAttachment"].(map[string]any)["port_id"].(string)
	if n := len(xaServer(ts, id).NICs); n != 2 {
		t.Fatalf("5.7.4 is synchronous: want 2 NICs now, got %d", n)
	}
	// A named port can be plugged once.
	if st, body := add(map[string]any{"port_id": "ce531f90-199f-48c0-816c-13e38010b442"}); st != http.StatusOK {
		t.Fatalf("port_id: %d %v", st, body)
	}
	st, body = add(map[string]any{"port_id": "ce531f90-199f-48c0-816c-13e38010b442"})
	wantErr(t, st, body, http.StatusConflict, "conflictingRequest")

	// The primary NIC goes last (chapter 4, 4.3.3.5.3): 409 while others exist.
	primary := xaServer(ts, id).NICs[0].PortID
	st, body = ts.do("DELETE", base+"/"+primary, nil)
	wantErr(t, st, body, http.StatusConflict, "conflictingRequest")
	if st, _ := ts.do("DELETE", base+"/"+port, nil); st != http.StatusAccepted {
		t.Fatalf("remove: %d", st)
	}
	xaSettle(ts)
	if n := len(xaServer(ts, id).NICs); n != 2 {
		t.Fatalf("after remove: %d NICs", n)
	}
	st, body = ts.do("DELETE", base+"/"+port, nil)
	wantErr(t, st, body, http.StatusNotFound, "itemNotFound")
}

func TestAddNICsSubnetExhaustedChangesNothing(t *testing.T) {
	// A /29 has 5 usable addresses (.2-.6); the server's own NIC is elsewhere.
	ts := newTestSim(t, func(c *Config) {
		c.Catalogue.Subnets = append(c.Catalogue.Subnets, Subnet{ID: "tiny", Name: "subnet-tiny", VPCID: c.Catalogue.VPCs[0].ID, CIDR: "10.0.8.0/29"})
	})
	id := ts.createServers(1, nil)[0]
	// The fixed .6 is listed last but reserved first, so the automatic ones
	// never take it; six NICs on five addresses fail and release everything.
	req := map[string]any{"nics": []any{xaNIC("tiny", ""), xaNIC("tiny", ""), xaNIC("tiny", ""), xaNIC("tiny", ""), xaNIC("tiny", ""), xaNIC("tiny", "10.0.8.6")}}
	st, body := ts.do("POST", ts.v1("/cloudservers/"+id+"/nics"), req)
	wantErr(t, st, body, http.StatusBadRequest, CodeNoIPs)
	var used int
	_ = ts.sim.withLock(func() error { used = len(ts.sim.project(ts.pid).IPs["tiny"]); return nil })
	if used != 0 {
		t.Fatalf("a refused call left %d addresses reserved", used)
	}
	req["nics"] = req["nics"].([]any)[1:]
	job := xaJob(t, ts, "POST", ts.v1("/cloudservers/"+id+"/nics"), req)
	if job["status"] != JobSuccess || len(xaServer(ts, id).NICs) != 6 {
		t.Fatalf("five NICs on five addresses: %v", job["status"])
	}
}
