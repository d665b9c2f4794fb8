package sim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func xbTagsAction(ts *testSim, id, action string, tags ...[2]string) (int, map[string]any) {
	ts.t.Helper()
	list := []map[string]string{}
	for _, kv := range tags {
		list = append(list, map[string]string{"key": kv[0], "value": kv[1]})
	}
	return ts.do("POST", ts.v1("/cloudservers/"+id+"/tags/action"), map[string]any{"action": action, "tags": list})
}

func TestTagsReferenceExamples(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, func(_ int, s *Server) { s.Tags = map[string]string{"key1": "value1", "key2": "other"} })[0]
	fx := xbFixtures(t, "5.13.2")
	if len(fx) != 1 {
		t.Fatalf("want the 5.13.2 example, got %d", len(fx))
	}
	for _, body := range fx {
		st, out := ts.do("POST", ts.v1("/cloudservers/"+id+"/tags/action"), body)
		if st != http.StatusNoContent {
			t.Fatalf("5.13.2 example: %d %v", st, out)
		}
	}
	for _, body := range xbFixtures(t, "5.13.1") {
		st, out := ts.do("POST", ts.v1("/cloudservers/"+id+"/tags/action"), body)
		if st != http.StatusNoContent {
			t.Fatalf("5.13.1 example: %d %v", st, out)
		}
	}
	// 5.13.1 deleted key1 (value matches) and kept key2 (its value differs).
	want := map[string]string{"cc": "33", "dd": "44", "ee": "55", "key2": "other"}
	if got := xbServer(ts, id).Tags; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("tags %v, want %v", got, want)
	}
	// 5.13.10 shows them as [{key, value}], sorted.
	st, out := ts.do("GET", ts.v1("/cloudservers/"+id+"/tags"), nil)
	if st != http.StatusOK {
		t.Fatalf("5.13.10: %d %v", st, out)
	}
	if got := fmt.Sprint(out["tags"]); got != "[map[key:cc value:33] map[key:dd value:44] map[key:ee value:55] map[key:key2 value:other]]" {
		t.Errorf("5.13.10 tags %s", got)
	}
}

func TestTagsC16ReplaceAndListFilter(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(2, func(i int, s *Server) {
		s.Tags = map[string]string{"fleet": "old", "role": "web"}
	})
	// C16: delete all old keys, then create all new ones.
	if st, out := xbTagsAction(ts, ids[0], "delete", [2]string{"fleet", "old"}, [2]string{"role", "web"}); st != http.StatusNoContent {
		t.Fatalf("delete: %d %v", st, out)
	}
	if st, out := xbTagsAction(ts, ids[0], "create", [2]string{"fleet", "prod"}, [2]string{"role", "web"}); st != http.StatusNoContent {
		t.Fatalf("create: %d %v", st, out)
	}
	// The core's list filter sees the same tags.
	st, out := ts.do("GET", ts.v1("/cloudservers/detail?offset=1&tags=fleet=prod"), nil)
	if st != http.StatusOK {
		t.Fatalf("list: %d %v", st, out)
	}
	servers := out["servers"].([]any)
	if len(servers) != 1 || servers[0].(map[string]any)["id"] != ids[0] {
		t.Errorf("tags=fleet=prod lists %v, want only %s", servers, ids[0])
	}
	// 5.13.9 aggregates the project's keys and values.
	st, out = ts.do("GET", ts.v1("/cloudservers/tags"), nil)
	if st != http.StatusOK {
		t.Fatalf("5.13.9: %d %v", st, out)
	}
	if got := fmt.Sprint(out["tags"]); got != "[map[key:fleet values:[old prod]] map[key:role values:[web]]]" {
		t.Errorf("5.13.9 tags %s", got)
	}
}

func TestTagsLimitOfTenPerServer(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, func(_ int, s *Server) {
		for i := range 8 {
			s.Tags[fmt.Sprintf("k%d", i)] = "v"
		}
	})[0]
	st, out := xbTagsAction(ts, id, "create", [2]string{"a", ""}, [2]string{"b", ""}, [2]string{"c", ""})
	wantErr(t, st, out, http.StatusBadRequest, CodeInvalidParam)
	if n := len(xbServer(ts, id).Tags); n != 8 {
		t.Fatalf("a refused call changed the tags: %d", n)
	}
	// Overwriting an existing key does not count twice; exactly 10 is fine.
	st, out = xbTagsAction(ts, id, "create", [2]string{"k0", "new"}, [2]string{"a", ""}, [2]string{"b", ""})
	if st != http.StatusNoContent {
		t.Fatalf("10 tags refused: %d %v", st, out)
	}
	if got := xbServer(ts, id).Tags; len(got) != 10 || got["k0"] != "new" {
		t.Errorf("tags %v", got)
	}
}

func TestTagsRulesAreEnforced(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	path := ts.v1("/cloudservers/" + id + "/tags/action")
	tag := func(k, v string) []map[string]string { return []map[string]string{{"key": k, "value": v}} }
	cases := map[string]any{
		"upper-case action": map[string]any{"action": "CREATE", "tags": tag("a", "b")},
		"unknown action":    map[string]any{"action": "update", "tags": tag("a", "b")},
		"no action":         map[string]any{"tags": tag("a", "b")},
		"no tags":           map[string]any{"action": "create"},
		"empty key":         map[string]any{"action": "create", "tags": tag("", "b")},
		"key of 256":        map[string]any{"action": "create", "tags": tag(strings.Repeat("k", 256), "")},
		"value of 256":      map[string]any{"action": "create", "tags": tag("k", strings.Repeat("v", 256))},
		"duplicate key": map[string]any{"action": "create", "tags": []map[string]string{
			{"key": "a", "value": "1"}, {"key": "a", "value": "2"}}},
		"unknown field":       map[string]any{"action": "create", "tags": tag("a", "b"), "x": 1},
		"delete key of 256":   map[string]any{"action": "delete", "tags": tag(strings.Repeat("k", 256), "")},
		"delete empty key":    map[string]any{"action": "delete", "tags": tag("", "")},
		"value is not string": map[string]any{"action": "create", "tags": []map[string]any{{"key": "a", "value": 1}}},
	}
	for name, body := range cases {
		st, out := ts.do("POST", path, body)
		if st != http.StatusBadRequest || errCode(out) != CodeInvalidParam {
			t.Errorf("%s: got %d %v, want 400 %s", name, st, out, CodeInvalidParam)
		}
	}
	if n := len(xbServer(ts, id).Tags); n != 0 {
		t.Errorf("refused calls left %d tags", n)
	}
	// 5.13.2's own limits (key 1-255, value 0-255 characters, no character
	// set) pass, not create's: a value may be omitted; Chinese, spaces,
	// ':', '.', '/' are allowed.
	st, out := ts.do("POST", path, map[string]any{"action": "create", "tags": []map[string]any{
		{"key": strings.Repeat("k", 255), "value": strings.Repeat("v", 255)}, {"key": "only_key"}, {"key": "环境", "value": "生产.v1"},
		{"key": "env:prod"}, {"key": "app.tier", "value": "web"}, {"key": "a b", "value": "a/b"}}})
	if st != http.StatusNoContent {
		t.Errorf("valid tags refused: %d %v", st, out)
	}
	if got := xbServer(ts, id).Tags; got["only_key"] != "" || got["环境"] != "生产.v1" || got["app.tier"] != "web" || got["a b"] != "a/b" || len(got) != 6 {
		t.Errorf("tags %v", got)
	}
}

func TestTagsDeleteIsIdempotentAndServerMustExist(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, func(_ int, s *Server) { s.Tags = map[string]string{"a": "1"} })[0]
	if st, out := xbTagsAction(ts, id, "delete", [2]string{"missing", ""}); st != http.StatusNoContent {
		t.Fatalf("deleting a missing key: %d %v", st, out)
	}
	// A delete without a value removes the key whatever its value.
	st, out := ts.do("POST", ts.v1("/cloudservers/"+id+"/tags/action"), map[string]any{"action": "delete", "tags": []map[string]string{{"key": "a"}}})
	if st != http.StatusNoContent || len(xbServer(ts, id).Tags) != 0 {
		t.Fatalf("delete by key: %d %v, tags %v", st, out, xbServer(ts, id).Tags)
	}
	st, out = xbTagsAction(ts, "no-such-server", "create", [2]string{"a", "1"})
	wantErr(t, st, out, http.StatusNotFound, CodeServerNotFound)
	st, out = ts.do("GET", ts.v1("/cloudservers/no-such-server/tags"), nil)
	wantErr(t, st, out, http.StatusNotFound, CodeServerNotFound)
	// An action path that is neither tags nor a server group is not an API.
	st, out = ts.do("POST", ts.v1("/cloudservers/"+id+"/other/action"), map[string]any{})
	wantErr(t, st, out, http.StatusNotFound, CodeNotFound)
}
