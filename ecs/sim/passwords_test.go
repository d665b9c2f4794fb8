package sim

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

const xbGoodPassword = "Fleet:2026-ok"

func TestBatchResetPassword(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(3, func(i int, s *Server) {
		if i == 1 {
			s.Status, s.VMState, s.PowerState = StatusShutoff, "stopped", PowerShutdown
		}
	})
	body := map[string]any{"new_password": xbGoodPassword, "servers": []map[string]string{{"id": ids[0]}, {"id": ids[1]}}}
	st, out := ts.do("PUT", ts.v1("/cloudservers/os-reset-passwords"), body)
	if st != http.StatusOK {
		t.Fatalf("batch reset: %d %v", st, out)
	}
	resp := out["response"].([]any)
	if len(resp) != 2 || resp[0].(map[string]any)["id"] != ids[0] || resp[1].(map[string]any)["id"] != ids[1] {
		t.Errorf("response %v", resp)
	}
	for i, id := range ids {
		if got := xbServer(ts, id).AdminPasswordSet; got != (i < 2) {
			t.Errorf("server %d: password marker %v", i, got)
		}
	}
}

func TestBatchResetPasswordDryRun(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	// dry_run: new_password may be omitted; nothing changes.
	for _, body := range []map[string]any{
		{"dry_run": true, "servers": []map[string]string{{"id": id}}},
		{"dry_run": true, "new_password": xbGoodPassword, "servers": []map[string]string{{"id": id}}},
	} {
		st, out := ts.do("PUT", ts.v1("/cloudservers/os-reset-passwords"), body)
		if st != http.StatusOK || len(out["response"].([]any)) != 1 {
			t.Fatalf("dry run: %d %v", st, out)
		}
	}
	if xbServer(ts, id).AdminPasswordSet {
		t.Fatal("a dry run set the password")
	}
	// dry_run still checks everything.
	st, out := ts.do("PUT", ts.v1("/cloudservers/os-reset-passwords"), map[string]any{"dry_run": true, "servers": []map[string]string{{"id": "no-such-server"}}})
	wantErr(t, st, out, http.StatusNotFound, CodeServerNotFound)
}

func TestBatchResetPasswordRules(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(3, func(i int, s *Server) {
		switch i {
		case 1:
			s.Locked = true
		case 2:
			s.Status, s.VMState = StatusBuild, "building"
		}
	})
	path := ts.v1("/cloudservers/os-reset-passwords")
	// The reference's own example uses "password", which breaks the rules.
	for _, body := range xbFixtures(t, "5.14.1") {
		body = xbFill(body, map[string]string{"1bd0eb17-4466-4c15-a9ce-87727ad311b5": ids[0], "fd6b6e9d-64a1-40fa-b7dc-f491be42fdd2": ids[0]})
		st, out := ts.do("PUT", path, body)
		wantErr(t, st, out, http.StatusBadRequest, CodePassword)
	}
	// Errors never echo the password.
	st, out := ts.do("PUT", path, map[string]any{"new_password": "secretvalue42", "servers": []map[string]string{{"id": ids[0]}}})
	wantErr(t, st, out, http.StatusBadRequest, CodePassword)
	if strings.Contains(xbErrText(out), "secretvalue42") {
		t.Errorf("the error echoes the password: %v", out)
	}
	one := []map[string]string{{"id": ids[0]}}
	bad := map[string]any{
		"too short":           map[string]any{"new_password": "Ab1:xyz", "servers": one},
		"two classes":         map[string]any{"new_password": "abcdefgh12", "servers": one},
		"forbidden #":         map[string]any{"new_password": "Abc#12345", "servers": one},
		"contains root":       map[string]any{"new_password": "Xroot:1234", "servers": one},
		"contains toor":       map[string]any{"new_password": "Xtoor:1234", "servers": one},
		"27 characters":       map[string]any{"new_password": "Ab1:" + strings.Repeat("x", 23), "servers": one},
		"no password":         map[string]any{"servers": one},
		"no servers":          map[string]any{"new_password": xbGoodPassword},
		"empty servers":       map[string]any{"new_password": xbGoodPassword, "servers": []map[string]string{}},
		"server without id":   map[string]any{"new_password": xbGoodPassword, "servers": []map[string]string{{}}},
		"server listed twice": map[string]any{"new_password": xbGoodPassword, "servers": []map[string]string{{"id": ids[0]}, {"id": ids[0]}}},
		"dry_run not bool":    map[string]any{"new_password": xbGoodPassword, "servers": one, "dry_run": "true"},
	}
	for name, body := range bad {
		st, out := ts.do("PUT", path, body)
		if st != http.StatusBadRequest {
			t.Errorf("%s: got %d %v, want 400", name, st, out)
		}
	}
	// One bad server refuses the whole call; nothing changes.
	st, out = ts.do("PUT", path, map[string]any{"new_password": xbGoodPassword, "servers": []map[string]string{{"id": ids[0]}, {"id": ids[1]}}})
	wantErr(t, st, out, http.StatusConflict, CodeLocked)
	st, out = ts.do("PUT", path, map[string]any{"new_password": xbGoodPassword, "servers": []map[string]string{{"id": ids[0]}, {"id": ids[2]}}})
	wantErr(t, st, out, http.StatusConflict, CodeState)
	if xbServer(ts, ids[0]).AdminPasswordSet {
		t.Error("a refused call set the password of the good server")
	}
}

func TestResetOnePasswordAndFlag(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	path := ts.v1("/cloudservers/" + id + "/os-reset-password")
	for _, body := range xbFixtures(t, "5.14.2") {
		st, out := ts.do("PUT", path, body)
		wantErr(t, st, out, http.StatusBadRequest, CodePassword)
	}
	st, out := ts.do("PUT", path, map[string]any{"reset-password": map[string]string{"new_password": xbGoodPassword}})
	if st != http.StatusOK || out != nil {
		t.Fatalf("5.14.2: %d %v", st, out)
	}
	if !xbServer(ts, id).AdminPasswordSet {
		t.Error("password marker not set")
	}
	for name, body := range map[string]any{
		"no reset-password": map[string]any{},
		"no new_password":   map[string]any{"reset-password": map[string]string{}},
		"underscore key":    map[string]any{"reset_password": map[string]string{"new_password": xbGoodPassword}},
	} {
		st, out := ts.do("PUT", path, body)
		if st != http.StatusBadRequest || errCode(out) != CodeInvalidParam {
			t.Errorf("%s: got %d %v, want 400 %s", name, st, out, CodeInvalidParam)
		}
	}
	st, out = ts.do("PUT", ts.v1("/cloudservers/no-such-server/os-reset-password"), map[string]any{"reset-password": map[string]string{"new_password": xbGoodPassword}})
	wantErr(t, st, out, http.StatusNotFound, CodeServerNotFound)

	st, out = ts.do("GET", ts.v1("/cloudservers/"+id+"/os-resetpwd-flag"), nil)
	if st != http.StatusOK || out["resetpwd_flag"] != "True" {
		t.Errorf("5.14.3: %d %v", st, out)
	}
	st, out = ts.do("GET", ts.v1("/cloudservers/no-such-server/os-resetpwd-flag"), nil)
	wantErr(t, st, out, http.StatusNotFound, CodeServerNotFound)
}

// A reset is pending until the server next boots: a stop keeps it pending,
// a start or a reboot applies it (the reference: effective after restart).
func TestPasswordResetPendingUntilBoot(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(2, nil)
	settle := func() {
		ts.clock.Advance(10 * time.Minute)
		ts.do("GET", ts.v1("/cloudservers/"+ids[0]), nil) // advances the jobs
	}
	st, out := ts.do("PUT", ts.v1("/cloudservers/os-reset-passwords"), map[string]any{
		"new_password": xbGoodPassword, "servers": []map[string]string{{"id": ids[0]}, {"id": ids[1]}}})
	if st != http.StatusOK {
		t.Fatalf("5.14.1: %d %v", st, out)
	}
	for _, id := range ids {
		if !xbServer(ts, id).PasswordResetPending {
			t.Fatalf("server %s: reset not pending after 5.14.1", id)
		}
	}
	xaAction(ts, "v2.1", ids[0], "os-stop", map[string]any{})
	settle()
	if srv := xbServer(ts, ids[0]); srv.Status != StatusShutoff || !srv.PasswordResetPending {
		t.Fatalf("after stop: %s pending=%v, want SHUTOFF and still pending", srv.Status, srv.PasswordResetPending)
	}
	xaAction(ts, "v2.1", ids[0], "os-start", map[string]any{})
	xaAction(ts, "v2.1", ids[1], "reboot", map[string]any{"type": "SOFT"})
	settle()
	for _, id := range ids {
		if srv := xbServer(ts, id); srv.Status != StatusActive || srv.PasswordResetPending {
			t.Fatalf("after boot: %s pending=%v, want ACTIVE and applied", srv.Status, srv.PasswordResetPending)
		}
	}
	// 5.14.2 sets it again; the detail never shows it.
	if st, _ := ts.do("PUT", ts.v1("/cloudservers/"+ids[1]+"/os-reset-password"), map[string]any{"reset-password": map[string]string{"new_password": xbGoodPassword}}); st != http.StatusOK {
		t.Fatalf("5.14.2: %d", st)
	}
	if !xbServer(ts, ids[1]).PasswordResetPending {
		t.Fatal("reset not pending after 5.14.2")
	}
	_, body := ts.do("GET", ts.v1("/cloudservers/"+ids[1]), nil)
	for k := range body["server"].(map[string]any) {
		if strings.Contains(strings.ToLower(k), "password") {
			t.Errorf("server detail shows %q", k)
		}
	}
}
