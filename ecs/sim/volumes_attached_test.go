package sim

import "testing"

// The v1 detail's volumes_attached elements carry hw:passthrough and
// multiattach as strings (5.2.4/5.2.5 table, 5.2.5 example: "true"/"false"
// and "False"/"True"), from what create (5.2.1 data_volumes) was given.
func TestVolumesAttachedCarryPassthroughAndMultiattach(t *testing.T) {
	ts := newTestSim(t)
	job := ts.create(1, func(s map[string]any) {
		s["data_volumes"] = []any{
			map[string]any{"volumetype": "SSD", "size": 10, "multiattach": true, "hw:passthrough": "true"},
			map[string]any{"volumetype": "SSD", "size": 10},
		}
	})
	id := subServerIDs(ts.waitJob(job))[0]
	for _, path := range []string{ts.v1("/cloudservers/" + id), ts.v1("/cloudservers/detail?offset=1&expect_fields=volume")} {
		st, body := ts.do("GET", path, nil)
		if st != 200 {
			t.Fatalf("%s: %d %v", path, st, body)
		}
		srv, _ := body["server"].(map[string]any)
		if srv == nil {
			srv = body["servers"].([]any)[0].(map[string]any)
		}
		vols := srv["os-extended-volumes:volumes_attached"].([]any)
		if len(vols) != 3 {
			t.Fatalf("%s: volumes_attached %v", path, vols)
		}
		got := map[string]int{}
		for _, v := range vols {
			m := v.(map[string]any)
			pt, ok1 := m["hw:passthrough"].(string)
			ma, ok2 := m["multiattach"].(string)
			if !ok1 || !ok2 {
				t.Fatalf("%s: element %v lacks hw:passthrough or multiattach as strings", path, m)
			}
			got[pt+"/"+ma]++
		}
		if got["true/True"] != 1 || got["false/False"] != 2 {
			t.Errorf("%s: hw:passthrough/multiattach %v, want one true/True and two false/False", path, got)
		}
	}
}
