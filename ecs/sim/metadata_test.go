package sim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestMetadataMergeKeepsOtherKeysAndAnswersAll(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, func(_ int, s *Server) {
		s.Metadata = map[string]string{"keep": "1", "key_bb": "old", "__instance_vwatchdog": "false"}
	})[0]
	fx := xbFixtures(t, "5.9.1")
	if len(fx) != 1 {
		t.Fatalf("want the 5.9.1 example, got %d", len(fx))
	}
	for _, body := range fx {
		st, out := ts.do("POST", ts.v1("/cloudservers/"+id+"/metadata"), body)
		if st != http.StatusOK {
			t.Fatalf("5.9.1 example: %d %v", st, out)
		}
		md := out["metadata"].(map[string]any)
		for k, v := range map[string]string{"keep": "1", "key_bb": "value_bb", "wsl_gg": "eeedddd", "tll_mm": "sssssaa", "__instance_vwatchdog": "false"} {
			if md[k] != v {
				t.Errorf("answer metadata[%q] = %v, want %q", k, md[k], v)
			}
		}
	}
	got := xbServer(ts, id).Metadata
	if got["keep"] != "1" || got["key_bb"] != "value_bb" || len(got) != 5 {
		t.Errorf("stored metadata %v", got)
	}
}

func TestMetadataReplaceKeepsSystemKeys(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, func(_ int, s *Server) {
		s.Metadata = map[string]string{"old": "x", "_ha_policy_type": "close", "cascaded.instance_extrainfo": "a:b", "productId": "p"}
	})[0]
	for _, body := range xbFixtures(t, "5.9.4") {
		st, out := ts.do("PUT", xbV21(ts, "/servers/"+id+"/metadata"), body)
		if st != http.StatusOK {
			t.Fatalf("5.9.4 example: %d %v", st, out)
		}
		md := out["metadata"].(map[string]any)
		if len(md) != 3 || md["mj_dh"] != "mnmnmnmnm" {
			t.Errorf("answer %v, want the three keys sent", md)
		}
	}
	got := xbServer(ts, id).Metadata
	want := map[string]string{"_ha_policy_type": "close", "cascaded.instance_extrainfo": "a:b", "productId": "p",
		"key_bb": "value_bb", "tll_mm": "sssmmm", "mj_dh": "mnmnmnmnm"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("stored %v, want %v", got, want)
	}
	// 5.9.3 lists everything, system keys included.
	st, out := ts.do("GET", xbV21(ts, "/servers/"+id+"/metadata"), nil)
	if st != http.StatusOK || len(out["metadata"].(map[string]any)) != len(want) {
		t.Errorf("5.9.3: %d %v", st, out)
	}
}

func TestMetadataCommunityExamplesAndOneKey(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	for f, body := range xbFixtures(t, "5.9.5", "5.9.7") {
		path := strings.NewReplacer("{tenant_id}", ts.pid, "{server_id}", id, "{key}", "key").Replace(f.Path)
		st, out := ts.do(f.Method, path, body)
		if st != http.StatusOK {
			t.Fatalf("%s example: %d %v", f.Section, st, out)
		}
	}
	st, out := ts.do("GET", xbV21(ts, "/servers/"+id+"/metadata/key"), nil)
	if st != http.StatusOK || out["meta"].(map[string]any)["key"] != "value" {
		t.Fatalf("5.9.6: %d %v", st, out)
	}
	// 5.9.7: the key in the body must be the key in the path.
	st, out = ts.do("PUT", xbV21(ts, "/servers/"+id+"/metadata/other"), map[string]any{"meta": map[string]string{"key": "v"}})
	wantErr(t, st, out, http.StatusBadRequest, "badRequest")
	// 5.9.8 / 5.9.2: delete, then the key is gone (404).
	st, _ = ts.do("DELETE", xbV21(ts, "/servers/"+id+"/metadata/key"), nil)
	if st != http.StatusNoContent {
		t.Fatalf("5.9.8: %d", st)
	}
	st, out = ts.do("GET", xbV21(ts, "/servers/"+id+"/metadata/key"), nil)
	wantErr(t, st, out, http.StatusNotFound, "itemNotFound")
}

func TestMetadataDeleteKey(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, func(_ int, s *Server) { s.Metadata = map[string]string{"a": "1", "b": "2"} })[0]
	st, out := ts.do("DELETE", ts.v1("/cloudservers/"+id+"/metadata/a"), nil)
	if st != http.StatusNoContent {
		t.Fatalf("5.9.2: %d %v", st, out)
	}
	if got := xbServer(ts, id).Metadata; len(got) != 1 || got["b"] != "2" {
		t.Errorf("stored %v", got)
	}
	st, out = ts.do("DELETE", ts.v1("/cloudservers/"+id+"/metadata/a"), nil)
	wantErr(t, st, out, http.StatusNotFound, CodeNotFound)
	st, out = ts.do("DELETE", ts.v1("/cloudservers/no-such-server/metadata/b"), nil)
	wantErr(t, st, out, http.StatusNotFound, CodeServerNotFound)
}

func TestMetadataRulesAreEnforced(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	path := ts.v1("/cloudservers/" + id + "/metadata")
	cases := map[string]any{
		"key with a space":    map[string]any{"metadata": map[string]string{"bad key": "v"}},
		"empty key":           map[string]any{"metadata": map[string]string{"": "v"}},
		"key of 256":          map[string]any{"metadata": map[string]string{strings.Repeat("k", 256): "v"}},
		"value of 4096":       map[string]any{"metadata": map[string]string{"k": strings.Repeat("v", 4096)}},
		"value not a string":  map[string]any{"metadata": map[string]any{"k": 1}},
		"metadata missing":    map[string]any{},
		"unknown field":       map[string]any{"metadata": map[string]string{"k": "v"}, "extra": 1},
		"metadata not object": map[string]any{"metadata": []string{"k"}},
	}
	for name, body := range cases {
		st, out := ts.do("POST", path, body)
		if st != http.StatusBadRequest || errCode(out) != CodeInvalidParam {
			t.Errorf("%s: got %d %v, want 400 %s", name, st, out, CodeInvalidParam)
		}
	}
	// The limits themselves are accepted.
	st, out := ts.do("POST", path, map[string]any{"metadata": map[string]string{strings.Repeat("k", 255): strings.Repeat("v", 4095), "a-b_c:d.e": ""}})
	if st != http.StatusOK {
		t.Errorf("limits refused: %d %v", st, out)
	}
	if got := xbServer(ts, id).Metadata; len(got) != 2 {
		t.Errorf("refused calls changed metadata: %d keys", len(got))
	}
}

func TestMetadataItemLimit(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, func(_ int, s *Server) {
		for i := range DefaultConfig().Quotas.MetadataItems {
			s.Metadata[fmt.Sprintf("k%d", i)] = "v"
		}
		s.Metadata["__system"] = "not counted"
	})[0]
	st, out := ts.do("POST", ts.v1("/cloudservers/"+id+"/metadata"), map[string]any{"metadata": map[string]string{"one_more": "v"}})
	wantErr(t, st, out, http.StatusBadRequest, CodeQuota)
	// Updating an existing key does not add an item.
	st, out = ts.do("POST", ts.v1("/cloudservers/"+id+"/metadata"), map[string]any{"metadata": map[string]string{"k0": "w"}})
	if st != http.StatusOK {
		t.Fatalf("update at the limit: %d %v", st, out)
	}
}

// The metadata item limit is the project's metadata_items quota: a config
// changes it, and both limits answers and both quota answers show it.
func TestMetadataItemsQuotaConfigurable(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.Quotas.MetadataItems = 2 })
	id := ts.createServers(1, nil)[0]
	path := ts.v1("/cloudservers/" + id + "/metadata")
	if st, out := ts.do("POST", path, map[string]any{"metadata": map[string]string{"a": "1", "b": "2"}}); st != http.StatusOK {
		t.Fatalf("two items under a limit of 2: %d %v", st, out)
	}
	st, out := ts.do("POST", path, map[string]any{"metadata": map[string]string{"c": "3"}})
	wantErr(t, st, out, http.StatusBadRequest, CodeQuota)
	_, lim := ts.do("GET", ts.v1("/cloudservers/limits"), nil)
	if got := lim["absolute"].(map[string]any)["maxServerMeta"]; got != 2.0 {
		t.Errorf("5.10.1 maxServerMeta %v, want 2", got)
	}
	_, lim = ts.do("GET", xbV21(ts, "/limits"), nil)
	if got := lim["limits"].(map[string]any)["absolute"].(map[string]any)["maxServerMeta"]; got != 2.0 {
		t.Errorf("5.10.3 maxServerMeta %v, want 2", got)
	}
	for _, suffix := range []string{"", "/defaults"} {
		_, qs := ts.do("GET", xbV21(ts, "/os-quota-sets/"+ts.pid+suffix), nil)
		if got := qs["quota_set"].(map[string]any)["metadata_items"]; got != 2.0 {
			t.Errorf("quota set%s metadata_items %v, want 2", suffix, got)
		}
	}
	// Unlimited (-1) lets any number through.
	un := newTestSim(t, func(c *Config) { c.Quotas.MetadataItems = -1 })
	uid := un.createServers(1, nil)[0]
	many := map[string]string{}
	for i := range 200 {
		many[fmt.Sprintf("k%d", i)] = "v"
	}
	if st, out := un.do("POST", un.v1("/cloudservers/"+uid+"/metadata"), map[string]any{"metadata": many}); st != http.StatusOK {
		t.Fatalf("200 items with an unlimited quota: %d %v", st, out)
	}
}

func TestMetadataRefusedOnLockedOrBusyServer(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(3, func(i int, s *Server) {
		switch i {
		case 0:
			s.Locked = true
		case 1:
			s.Status, s.VMState = StatusBuild, "building"
		case 2:
			s.VMState, s.Status = "error", StatusError
		}
	})
	body := map[string]any{"metadata": map[string]string{"k": "v"}}
	st, out := ts.do("POST", ts.v1("/cloudservers/"+ids[0]+"/metadata"), body)
	wantErr(t, st, out, http.StatusConflict, CodeLocked)
	for _, id := range ids[1:] {
		st, out = ts.do("POST", ts.v1("/cloudservers/"+id+"/metadata"), body)
		wantErr(t, st, out, http.StatusConflict, CodeState)
		st, out = ts.do("PUT", xbV21(ts, "/servers/"+id+"/metadata"), body)
		wantErr(t, st, out, http.StatusConflict, "conflictingRequest")
	}
	// Reading is allowed in any state.
	st, _ = ts.do("GET", xbV21(ts, "/servers/"+ids[0]+"/metadata"), nil)
	if st != http.StatusOK {
		t.Errorf("list on a locked server: %d", st)
	}
}
