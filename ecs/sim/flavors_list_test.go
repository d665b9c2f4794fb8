package sim

import (
	"net/http"
	"testing"
)

// 5.6.6 GET /v2.1/{tenant_id}/flavors lists {id, links, name} per flavor,
// with 5.6.2's filters and sorting.
func TestFlavorList566(t *testing.T) {
	ts := newTestSim(t)
	st, body := ts.do("GET", xbV21(ts, "/flavors"), nil)
	if st != http.StatusOK {
		t.Fatalf("GET flavors: %d %v", st, body)
	}
	want := referenceExample(t, "5.6.6", "response-1.json")
	if d := shapeDiff("$", want, body); len(d) > 0 {
		t.Errorf("5.6.6 answer departs from the reference example: %v", d)
	}
	fl := body["flavors"].([]any)
	if len(fl) != len(ts.sim.cfg.Catalogue.Flavors) {
		t.Errorf("%d flavors, want %d", len(fl), len(ts.sim.cfg.Catalogue.Flavors))
	}
	st, body = ts.do("GET", xbV21(ts, "/flavors?sort_key=name&sort_dir=desc&minRam=1"), nil)
	if st != http.StatusOK || len(body["flavors"].([]any)) == 0 {
		t.Fatalf("sorted: %d %v", st, body)
	}
	st, body = ts.do("GET", xbV21(ts, "/flavors?sort_key=color"), nil)
	wantErr(t, st, body, http.StatusBadRequest, "badRequest")
}
