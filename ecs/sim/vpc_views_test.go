package sim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// listIDs lists the "id" of each object under key.
func listIDs(t *testing.T, b map[string]any, key string) []string {
	t.Helper()
	list, ok := b[key].([]any)
	if !ok {
		t.Fatalf("no %q list in %v", key, b)
	}
	out := []string{}
	for _, x := range list {
		out = append(out, x.(map[string]any)["id"].(string))
	}
	return out
}

// TestVPCViews checks the read-only VPC API v1 views of the catalogue: the
// shapes, the vpc_id filter, and that a subnet's id is what create takes.
func TestVPCViews(t *testing.T) {
	ts := newTestSim(t)
	cat := DefaultCatalogue()

	st, b := ts.do("GET", ts.v1("/vpcs"), nil)
	if st != http.StatusOK {
		t.Fatalf("vpcs: %d %v", st, b)
	}
	v := b["vpcs"].([]any)[0].(map[string]any)
	if len(b["vpcs"].([]any)) != 1 || v["id"] != cat.VPCs[0].ID || v["name"] != "vpc-default" || v["cidr"] != "10.0.0.0/16" ||
		v["status"] != "OK" || v["enterprise_project_id"] != "0" || fmt.Sprint(v["routes"]) != "[]" {
		t.Fatalf("vpcs: %v", b)
	}

	st, b = ts.do("GET", ts.v1("/subnets"), nil)
	if st != http.StatusOK || len(b["subnets"].([]any)) != len(cat.Subnets) {
		t.Fatalf("subnets: %d %v", st, b)
	}
	sn := b["subnets"].([]any)[0].(map[string]any)
	web := cat.Subnets[0]
	if sn["id"] != web.ID || sn["name"] != "subnet-web" || sn["cidr"] != "10.0.1.0/24" || sn["gateway_ip"] != "10.0.1.1" ||
		sn["vpc_id"] != web.VPCID || sn["status"] != "ACTIVE" || sn["neutron_network_id"] != web.ID ||
		sn["availability_zone"] != "" {
		t.Fatalf("subnet view: %v", sn)
	}
	nsid, _ := sn["neutron_subnet_id"].(string)
	if len(nsid) != 36 || nsid == web.ID || nsid != neutronSubnetID(web.ID) {
		t.Fatalf("neutron_subnet_id %q: want a stable UUID distinct from the id", nsid)
	}

	st, b = ts.do("GET", ts.v1("/subnets?vpc_id="+cat.VPCs[0].ID), nil)
	if st != http.StatusOK || len(b["subnets"].([]any)) != len(cat.Subnets) {
		t.Fatalf("subnets of the VPC: %d %v", st, b)
	}
	st, b = ts.do("GET", ts.v1("/subnets?vpc_id=other"), nil)
	if st != http.StatusOK || len(b["subnets"].([]any)) != 0 {
		t.Fatalf("subnets of another VPC: %d %v", st, b)
	}

	st, b = ts.do("GET", ts.v1("/subnets/"+web.ID), nil)
	if st != http.StatusOK || b["subnet"].(map[string]any)["name"] != "subnet-web" {
		t.Fatalf("subnet GET: %d %v", st, b)
	}
	for _, ref := range []string{"subnet-web", nsid, "nope"} {
		st, b = ts.do("GET", ts.v1("/subnets/"+ref), nil)
		if st != http.StatusNotFound || b["code"] != CodeVPCSubnetNotFound || !strings.Contains(b["message"].(string), ref) {
			t.Fatalf("subnet GET %q: %d %v, want 404 %s in the VPC shape", ref, st, b, CodeVPCSubnetNotFound)
		}
	}

	st, b = ts.do("GET", ts.v1("/security-groups"), nil)
	if st != http.StatusOK || len(b["security_groups"].([]any)) != len(cat.SecurityGroups) {
		t.Fatalf("security groups: %d %v", st, b)
	}
	g := b["security_groups"].([]any)[0].(map[string]any)
	if g["id"] != cat.SecurityGroups[0].ID || g["name"] != "default" || g["vpc_id"] != "" ||
		fmt.Sprint(g["security_group_rules"]) != "[]" || g["description"] != "" {
		t.Fatalf("security group view: %v", g)
	}
}

// TestVPCViewsPaging checks limit and marker (the public API's paging) and
// the refused query parameters.
func TestVPCViewsPaging(t *testing.T) {
	ts := newTestSim(t)
	cat := DefaultCatalogue()
	want := []string{}
	for _, s := range cat.Subnets {
		want = append(want, s.ID)
	}
	var got []string
	marker := ""
	for page := 0; ; page++ {
		path := ts.v1("/subnets?limit=3")
		if marker != "" {
			path += "&marker=" + marker
		}
		st, b := ts.do("GET", path, nil)
		if st != http.StatusOK {
			t.Fatalf("page %d: %d %v", page, st, b)
		}
		p := listIDs(t, b, "subnets")
		got = append(got, p...)
		if len(p) < 3 {
			break
		}
		marker = p[len(p)-1]
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("paged subnets %v, want %v", got, want)
	}
	_, b := ts.do("GET", ts.v1("/security-groups?limit=2&marker="+cat.SecurityGroups[1].ID), nil)
	if p := listIDs(t, b, "security_groups"); strings.Join(p, ",") != cat.SecurityGroups[2].ID+","+cat.SecurityGroups[3].ID {
		t.Fatalf("security groups after the second: %v", p)
	}
	_, b = ts.do("GET", ts.v1("/vpcs?marker="+cat.VPCs[0].ID), nil)
	if p := listIDs(t, b, "vpcs"); len(p) != 0 {
		t.Fatalf("vpcs after the last: %v", p)
	}
	for _, q := range []string{"/vpcs?limit=-1", "/vpcs?limit=x", "/subnets?marker=nope", "/subnets?name=subnet-web", "/security-groups?sort=name"} {
		st, b := ts.do("GET", ts.v1(q), nil)
		if st != http.StatusBadRequest || b["code"] != CodeVPCInvalid {
			t.Errorf("%s: %d %v, want 400 %s", q, st, b, CodeVPCInvalid)
		}
	}
}

// TestVPCViewsAuthAndStats checks that the views authenticate like every
// route (no credentials 401, AK/SK accepted, another tenant's path 403),
// are read-only, and count in the call statistics.
func TestVPCViewsAuthAndStats(t *testing.T) {
	ts := newTestSim(t)
	resp := ts.raw("GET", ts.v1("/vpcs"), nil, nil)
	wantErr(t, resp.StatusCode, decodeBody(t, resp), http.StatusUnauthorized, CodeAuth)
	for _, scoped := range []bool{false, true} {
		st, b := ts.signedDo("GET", ts.v1("/subnets"), nil, DefaultAK, DefaultSK, ts.clock.Now(), scoped, nil)
		if st != http.StatusOK || len(b["subnets"].([]any)) != 4 {
			t.Fatalf("AK/SK (scoped %v): %d %v", scoped, st, b)
		}
	}
	st, b := ts.do("GET", "/v1/someone-else/security-groups", nil)
	if st != http.StatusForbidden || b["code"] != CodeForbidden {
		t.Fatalf("another tenant: %d %v", st, b)
	}
	for _, m := range []string{"POST", "PUT", "DELETE"} {
		if st, _ := ts.do(m, ts.v1("/vpcs"), nil); st != http.StatusMethodNotAllowed && st != http.StatusNotFound {
			t.Errorf("%s /vpcs: %d, want the views to be read-only", m, st)
		}
	}
	if n := ts.sim.Calls("GET /v1/{tenant_id}/subnets"); n != 2 {
		t.Errorf("subnets calls counted %d, want 2", n)
	}
	if n := ts.sim.Calls("GET /v1/{tenant_id}/vpcs"); n != 1 {
		t.Errorf("vpcs calls counted %d, want 1 (the 401 counts too)", n)
	}
}
