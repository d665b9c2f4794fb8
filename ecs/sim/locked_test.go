package sim

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// lockedEnv is what one row of TestLockedServerRefusesEveryChange works on:
// a server (locked or not), its system volume and primary port, and a data
// volume, a server group and a keypair shared by the rows.
type lockedEnv struct {
	id, sys, port, vid, gid string
}

// lockedRow is one mutating endpoint: method, path and a body that would be
// acceptable on an unlocked server.
type lockedRow struct {
	name   string
	method string
	path   func(ts *testSim, e lockedEnv) string
	body   func(e lockedEnv) any
}

func v21(rest string) func(ts *testSim, e lockedEnv) string {
	return func(ts *testSim, e lockedEnv) string {
		return "/v2.1/" + ts.pid + strings.ReplaceAll(rest, "{id}", e.id)
	}
}

func v1p(rest string) func(ts *testSim, e lockedEnv) string {
	return func(ts *testSim, e lockedEnv) string {
		r := strings.NewReplacer("{id}", e.id, "{sys}", e.sys, "{port}", e.port, "{vid}", e.vid, "{gid}", e.gid)
		return "/" + r.Replace(strings.Replace(rest, "{pid}", ts.pid, 1))
	}
}

func fixed(v any) func(lockedEnv) any { return func(lockedEnv) any { return v } }

func action(key string, v any) lockedRow {
	return lockedRow{"action " + key, "POST", v21("/servers/{id}/action"), fixed(map[string]any{key: v})}
}

// lockedRows lists every route that changes a server, except lock and
// unlock themselves. A new mutating route belongs here.
func lockedRows() []lockedRow {
	return []lockedRow{
		// 5.13.1 / 5.13.2 native tags.
		{"5.13.2 tags create", "POST", v1p("v1/{pid}/cloudservers/{id}/tags/action"),
			fixed(map[string]any{"action": "create", "tags": []map[string]string{{"key": "k", "value": "v"}}})},
		{"5.13.1 tags delete", "POST", v1p("v1/{pid}/cloudservers/{id}/tags/action"),
			fixed(map[string]any{"action": "delete", "tags": []map[string]string{{"key": "env", "value": "prod"}}})},
		// 5.13.3, 5.13.4, 5.13.7, 5.13.8 community string tags.
		{"5.13.3 replace string tags", "PUT", v21("/servers/{id}/tags"), fixed(map[string]any{"tags": []string{"a.1"}})},
		{"5.13.4 delete all string tags", "DELETE", v21("/servers/{id}/tags"), fixed(nil)},
		{"5.13.7 delete string tag", "DELETE", v21("/servers/{id}/tags/env.prod"), fixed(nil)},
		{"5.13.8 add string tag", "PUT", v21("/servers/{id}/tags/aa.11"), fixed(nil)},
		// 5.2 lifecycle.
		{"5.2.3 delete", "POST", v1p("v1/{pid}/cloudservers/delete"),
			func(e lockedEnv) any { return map[string]any{"servers": []any{map[string]any{"id": e.id}}} }},
		{"5.2.4 modify", "PUT", v1p("v1/{pid}/cloudservers/{id}"), fixed(map[string]any{"server": map[string]any{"name": "x"}})},
		{"batch rename", "PUT", v1p("v1/{pid}/cloudservers/server-name"),
			func(e lockedEnv) any {
				return map[string]any{"name": "x", "servers": []any{map[string]any{"id": e.id}}}
			}},
		{"compat modify", "PUT", v21("/servers/{id}"), fixed(map[string]any{"server": map[string]any{"name": "x"}})},
		{"compat delete", "DELETE", v21("/servers/{id}"), fixed(nil)},
		// 5.7 NICs.
		{"5.7.1 add NICs", "POST", v1p("v1/{pid}/cloudservers/{id}/nics"),
			fixed(map[string]any{"nics": []any{xaNIC(xaSubnetApp, "")}})},
		{"5.7.2 delete NICs", "POST", v1p("v1/{pid}/cloudservers/{id}/nics/delete"),
			func(e lockedEnv) any { return map[string]any{"nics": []any{map[string]any{"id": e.port}}} }},
		{"compat add interface", "POST", v21("/servers/{id}/os-interface"),
			fixed(map[string]any{"interfaceAttachment": map[string]any{"net_id": xaSubnetApp}})},
		{"compat remove interface", "DELETE", v1p("v2.1/{pid}/servers/{id}/os-interface/{port}"), fixed(nil)},
		// 5.8 volumes.
		{"5.8.2 attach", "POST", v1p("v1/{pid}/cloudservers/{id}/attachvolume"),
			func(e lockedEnv) any {
				return map[string]any{"volumeAttachment": map[string]any{"volumeId": e.vid, "device": "/dev/vdb"}}
			}},
		{"5.8.1 batch attach", "POST", v1p("v1/{pid}/batchaction/attachvolumes/{vid}"),
			func(e lockedEnv) any { return map[string]any{"serverinfo": []any{map[string]any{"server_id": e.id}}} }},
		{"5.8.5 detach", "DELETE", v1p("v1/{pid}/cloudservers/{id}/detachvolume/{sys}"), fixed(nil)},
		{"compat attach", "POST", v21("/servers/{id}/os-volume_attachments"),
			func(e lockedEnv) any { return map[string]any{"volumeAttachment": map[string]any{"volumeId": e.vid}} }},
		{"compat detach", "DELETE", v1p("v2.1/{pid}/servers/{id}/os-volume_attachments/{sys}"), fixed(nil)},
		// 5.4 resize.
		{"resize", "POST", v1p("v1.1/{pid}/cloudservers/{id}/resize"), fixed(map[string]any{"resize": map[string]any{"flavorRef": "c6.xlarge.2"}})},
		{"live resize", "POST", v1p("v1/{pid}/cloudservers/{id}/live-resize"), fixed(map[string]any{"live-resize": map[string]any{"flavorRef": "c6.xlarge.2"}})},
		{"batch resize", "POST", v1p("v1/{pid}/cloudservers/resize"),
			func(e lockedEnv) any {
				return map[string]any{"resize": []any{map[string]any{"serverId": e.id, "flavorRef": "c6.xlarge.2"}}}
			}},
		{"batch live resize", "POST", v1p("v1/{pid}/cloudservers/live-resize"),
			func(e lockedEnv) any {
				return map[string]any{"live-resize": []any{map[string]any{"serverId": e.id, "flavorRef": "c6.xlarge.2"}}}
			}},
		// 5.5 change / reinstall OS.
		{"changeos", "POST", v1p("v2/{pid}/cloudservers/{id}/changeos"), fixed(map[string]any{"os-change": map[string]any{"imageid": ImageUbuntu2204, "keyname": "kp1"}})},
		{"reinstallos", "POST", v1p("v2/{pid}/cloudservers/{id}/reinstallos"), fixed(map[string]any{"os-reinstall": map[string]any{"keyname": "kp1"}})},
		// Community actions (power, resize, rebuild).
		action("os-start", map[string]any{}),
		action("os-stop", map[string]any{}),
		action("reboot", map[string]any{"type": "SOFT"}),
		action("resize", map[string]any{"flavorRef": "c6.xlarge.2"}),
		action("confirmResize", nil),
		action("revertResize", nil),
		action("rebuild", map[string]any{"imageRef": ImageUbuntu2204}),
		// 5.9 metadata.
		{"5.9.1 merge metadata", "POST", v1p("v1/{pid}/cloudservers/{id}/metadata"), fixed(map[string]any{"metadata": map[string]string{"a": "1"}})},
		{"5.9.2 delete metadata key", "DELETE", v1p("v1/{pid}/cloudservers/{id}/metadata/a"), fixed(nil)},
		{"compat replace metadata", "PUT", v21("/servers/{id}/metadata"), fixed(map[string]any{"metadata": map[string]string{"a": "1"}})},
		{"compat merge metadata", "POST", v21("/servers/{id}/metadata"), fixed(map[string]any{"metadata": map[string]string{"a": "1"}})},
		{"compat put metadata key", "PUT", v21("/servers/{id}/metadata/a"), fixed(map[string]any{"meta": map[string]string{"a": "1"}})},
		{"compat delete metadata key", "DELETE", v21("/servers/{id}/metadata/a"), fixed(nil)},
		// 5.14 passwords.
		{"5.14.1 batch reset password", "PUT", v1p("v1/{pid}/cloudservers/os-reset-passwords"),
			func(e lockedEnv) any {
				return map[string]any{"new_password": xbGoodPassword, "servers": []map[string]string{{"id": e.id}}}
			}},
		{"5.14.2 reset password", "PUT", v1p("v1/{pid}/cloudservers/{id}/os-reset-password"),
			fixed(map[string]any{"reset-password": map[string]any{"new_password": xbGoodPassword}})},
		{"5.14.4 clear password", "DELETE", v1p("v1/{pid}/cloudservers/{id}/os-server-password"), fixed(nil)},
		{"5.14.7 clear password", "DELETE", v21("/servers/{id}/os-server-password"), fixed(nil)},
		// 5.16 group membership.
		{"5.16.4 add member", "POST", v1p("v1/{pid}/cloudservers/os-server-groups/{gid}/action"),
			func(e lockedEnv) any { return map[string]any{"add_member": map[string]string{"instance_uuid": e.id}} }},
		{"5.16.5 add member (job)", "POST", v1p("v1/{pid}/cloudservers/{gid}/server-group-action"),
			func(e lockedEnv) any { return map[string]any{"operate_type": "add_member", "instance_uuid": e.id} }},
		{"5.16.10 remove member", "POST", v1p("v1/{pid}/cloudservers/os-server-groups/{gid}/action"),
			func(e lockedEnv) any {
				return map[string]any{"remove_member": map[string]string{"instance_uuid": e.id}}
			}},
	}
}

// isLockedRefusal reports whether an answer is the lock refusal: 409
// Ecs.0219 on native routes, 409 conflictingRequest naming the lock on
// community routes.
func isLockedRefusal(st int, body map[string]any) bool {
	if st != http.StatusConflict {
		return false
	}
	switch errCode(body) {
	case CodeLocked:
		return true
	case "conflictingRequest":
		return strings.Contains(xbErrText(body), "is locked")
	}
	return false
}

// TestLockedServerRefusesEveryChange: 5.25 says a locked server takes no
// management operation, so every route that changes a server answers the
// lock refusal and leaves the server exactly as it was; the same request on
// an unlocked twin is not refused for a lock (so the lock is the reason).
func TestLockedServerRefusesEveryChange(t *testing.T) {
	ts := newTestSim(t)
	xaKeypair(ts, "kp1")
	vid := xaNewVolume(t, ts, 10, true)
	gid := xbCreateGroup(ts, "g", "anti-affinity")
	for _, row := range lockedRows() {
		ids := ts.createServers(2, func(i int, s *Server) {
			s.Locked = i == 0
			s.Tags = map[string]string{"env": "prod"}
			s.Metadata["a"] = "0"
		})
		for i, id := range ids {
			srv := xbServer(ts, id)
			e := lockedEnv{id: id, sys: srv.Volumes[0].VolumeID, port: srv.NICs[0].PortID, vid: vid, gid: gid}
			st, body := ts.do(row.method, row.path(ts, e), row.body(e))
			if i == 0 {
				if !isLockedRefusal(st, body) {
					t.Errorf("%s on a locked server: %d %v, want 409 locked", row.name, st, body)
				}
				if after := xbServer(ts, id); !reflect.DeepEqual(srv, after) {
					t.Errorf("%s on a locked server changed it:\n%+v\n%+v", row.name, srv, after)
				}
			} else if isLockedRefusal(st, body) {
				t.Errorf("%s on an unlocked server refused as locked: %d %v", row.name, st, body)
			}
		}
	}
}

// TestLockedTagsAllowedAfterUnlock: unlocking (5.25.1) re-opens tag writes.
func TestLockedTagsAllowedAfterUnlock(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, func(_ int, s *Server) { s.Locked = true })[0]
	st, out := xbTagsAction(ts, id, "create", [2]string{"k", "v"})
	wantErr(t, st, out, http.StatusConflict, CodeLocked)
	if st, out := xaAction(ts, "v2.1", id, "unlock", map[string]any{}); st != http.StatusAccepted {
		t.Fatalf("unlock: %d %v", st, out)
	}
	if st, out := xbTagsAction(ts, id, "create", [2]string{"k", "v"}); st != http.StatusNoContent {
		t.Fatalf("create after unlock: %d %v", st, out)
	}
	if got := fmt.Sprint(xbServer(ts, id).Tags); got != "map[k:v]" {
		t.Fatalf("tags %s", got)
	}
}
