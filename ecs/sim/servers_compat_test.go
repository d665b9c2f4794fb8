package sim

import (
	"fmt"
	"testing"
	"time"
)

func TestCommunityServerEndpoints(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(5, func(i int, s *Server) {
		s.Name = fmt.Sprintf("c-%d", i)
		s.Created = s.Created.Add(time.Duration(i) * time.Second)
	})
	v21 := "/v2.1/" + ts.pid
	_, b := ts.do("GET", v21+"/servers/detail?limit=2", nil)
	if len(b["servers"].([]any)) != 2 || b["servers_links"] == nil {
		t.Fatalf("detail page 1: %v", b)
	}
	_, b = ts.do("GET", v21+"/servers?limit=10&marker="+ids[2], nil)
	if s := b["servers"].([]any); len(s) != 2 || s[0].(map[string]any)["id"] != ids[3] {
		t.Fatalf("marker paging: %v", s)
	}
	_, b = ts.do("GET", "/v2/"+ts.pid+"/servers/"+ids[0], nil)
	srv := b["server"].(map[string]any)
	for _, l := range srv["addresses"].(map[string]any) {
		if _, ok := l.([]any)[0].(map[string]any)["version"].(float64); !ok {
			t.Fatalf("v2.1 version must be a number: %v", l)
		}
	}
	st, b := ts.do("PUT", v21+"/servers/"+ids[0], map[string]any{"server": map[string]any{"name": "free form name ok"}})
	if st != 200 || b["server"].(map[string]any)["name"] != "free form name ok" {
		t.Fatalf("modify: %d %v", st, b)
	}
	st, _ = ts.do("DELETE", v21+"/servers/"+ids[1], nil)
	if st != 204 {
		t.Fatalf("delete: %d", st)
	}
	ts.clock.Advance(time.Hour)
	st, b = ts.do("GET", v21+"/servers/"+ids[1], nil)
	if st != 404 || errCode(b) != "itemNotFound" {
		t.Fatalf("deleted server: %d %v", st, b)
	}
	st, _ = ts.do("GET", v21+"/servers?all_tenants=1", nil)
	if st != 403 {
		t.Fatalf("all_tenants: %d", st)
	}
}
