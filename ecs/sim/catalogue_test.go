package sim

import (
	"net/http"
	"strings"
	"testing"
)

func TestCatalogueEndpoints(t *testing.T) {
	ts := newTestSim(t)
	v21 := "/v2.1/" + ts.pid
	for _, prefix := range []string{"/v2/" + ts.pid, v21} {
		_, b := ts.do("GET", prefix+"/os-availability-zone", nil)
		zones := b["availabilityZoneInfo"].([]any)
		if len(zones) != 2 || zones[0].(map[string]any)["zoneName"] != "az1.dc1" {
			t.Fatalf("%s AZs: %v", prefix, b)
		}
	}
	_, b := ts.do("GET", v21+"/flavors/detail?sort_key=memory_mb&sort_dir=desc&minRam=16384", nil)
	fl := b["flavors"].([]any)
	if len(fl) != 3 || fl[0].(map[string]any)["id"] != "m6.xlarge.8" || fl[0].(map[string]any)["vcpus"].(float64) != 4 {
		t.Fatalf("flavors detail: %v", fl)
	}
	_, b = ts.do("GET", v21+"/flavors/c6.large.2", nil)
	if b["flavor"].(map[string]any)["ram"].(float64) != 4096 {
		t.Fatalf("flavor: %v", b)
	}
	st, b := ts.do("GET", v21+"/flavors/x9", nil)
	if st != 404 || errCode(b) != "itemNotFound" {
		t.Fatalf("unknown flavor: %d %v", st, b)
	}
	_, b = ts.do("GET", ts.v1("/cloudservers/flavors?availability_zone=az2.dc1"), nil)
	if f := b["flavors"].([]any)[0].(map[string]any); f["vcpus"] != "1" || f["os_extra_specs"] == nil {
		t.Fatalf("5.6.5 flavor: %v", f)
	}
	ids := ts.createServers(1, nil)
	_, b = ts.do("GET", ts.v1("/cloudservers/resize_flavors?instance_uuid="+ids[0]), nil)
	for _, f := range b["flavors"].([]any) {
		if f.(map[string]any)["id"] == "c6.large.2" {
			t.Fatal("resize_flavors lists the current flavor")
		}
	}
	if len(b["flavors"].([]any)) != 5 {
		t.Fatalf("resize flavors: %d", len(b["flavors"].([]any)))
	}
	st, b = ts.do("GET", ts.v1("/cloudservers/resize_flavors?source_flavor_id=c6.large.2&source_flavor_name=c6.large.2"), nil)
	wantErr(t, st, b, 400, CodeInvalidParam)

	_, b = ts.do("GET", v21+"/images?minDisk=50", nil)
	if im := b["images"].([]any); len(im) != 1 || im[0].(map[string]any)["id"] != ImageWin2019 {
		t.Fatalf("images minDisk 50: %v", im)
	}
	_, b = ts.do("GET", v21+"/images/"+ImageUbuntu2204, nil)
	if im := b["image"].(map[string]any); im["minDisk"].(float64) != 40 || im["status"] != "ACTIVE" {
		t.Fatalf("image: %v", im)
	}
	st, _ = ts.do("GET", v21+"/images/nope", nil)
	if st != 404 {
		t.Fatalf("unknown image: %d", st)
	}
	_, b = ts.do("GET", v21+"/limits", nil)
	abs := b["limits"].(map[string]any)["absolute"].(map[string]any)
	if abs["totalInstancesUsed"].(float64) != 1 || abs["totalCoresUsed"].(float64) != 2 || abs["maxTotalInstances"].(float64) != 2000 {
		t.Fatalf("limits: %v", abs)
	}
	_, b = ts.do("GET", v21+"/os-quota-sets/"+ts.pid, nil)
	if b["quota_set"].(map[string]any)["instances"].(float64) != 2000 {
		t.Fatalf("quota set: %v", b)
	}
	_, b = ts.do("GET", v21+"/os-quota-sets/"+ts.pid+"/defaults", nil)
	if b["quota_set"].(map[string]any)["cores"].(float64) != 8000 {
		t.Fatalf("default quota set: %v", b)
	}
	st, _ = ts.do("GET", v21+"/os-quota-sets/someone-else", nil)
	if st != http.StatusForbidden {
		t.Fatalf("other project's quotas: %d", st)
	}
}

func TestAKSKBodyLimit(t *testing.T) {
	ts := newTestSim(t)
	body := []byte(`{"servers":[{"id":"` + strings.Repeat("x", 12<<20) + `"}]}`)
	st, b := ts.signedDo("POST", ts.v1("/cloudservers/delete"), body, DefaultAK, DefaultSK, ts.clock.Now(), false, nil)
	if st != http.StatusRequestEntityTooLarge {
		t.Fatalf("13 MB AK/SK body: %d %v", st, b)
	}
}
