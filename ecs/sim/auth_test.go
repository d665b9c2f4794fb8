package sim

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs/aksk"
)

// signedDo sends an AK/SK-signed request (plain or scoped variant).
func (ts *testSim) signedDo(method, path string, body []byte, ak, sk string, at time.Time, scoped bool, hdr http.Header) (int, map[string]any) {
	ts.t.Helper()
	req, _ := http.NewRequest(method, ts.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if scoped {
		aksk.SignScoped(req, body, ak, sk, "", "", at)
	} else {
		aksk.Sign(req, body, ak, sk, at)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := ts.srv.Client().Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, decodeBody(ts.t, resp)
}

func TestAuthFailures(t *testing.T) {
	ts := newTestSim(t)
	path := ts.v1("/cloudservers/limits")
	check := func(name string, resp *http.Response) {
		t.Helper()
		b := decodeBody(t, resp)
		if resp.StatusCode != 401 || b["error_code"] != CodeAuth || b["error_msg"] == "" {
			t.Errorf("%s: %d %v", name, resp.StatusCode, b)
		}
	}
	check("no token", ts.raw("GET", path, nil, nil))
	check("bad token", ts.raw("GET", path, nil, http.Header{"X-Auth-Token": {"MIIbogus"}}))
	check("not a signature", ts.raw("GET", path, nil, http.Header{"Authorization": {"Basic abc"}}))

	// Expired token: step the wall clock past 24 h.
	ts.clock.Advance(24*time.Hour + time.Second)
	check("expired token", ts.raw("GET", path, nil, http.Header{"X-Auth-Token": {ts.token}}))
	ts.token = ts.login()

	// Wrong password and unknown project at login.
	for name, body := range map[string]string{
		"wrong password": `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"sim-user","password":"nope","domain":{"name":"sim-domain"}}}},"scope":{"project":{"id":"` + ts.pid + `"}}}}`,
		"other project":  `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"sim-user","password":"Sim-Passw0rd","domain":{"name":"sim-domain"}}}},"scope":{"project":{"id":"ffff"}}}}`,
	} {
		check(name, ts.raw("POST", "/v3/auth/tokens", body, nil))
	}

	// Domain-scoped tokens are issued but cannot call ECS.
	resp := ts.raw("POST", "/v3/auth/tokens", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"sim-user","password":"Sim-Passw0rd","domain":{"name":"sim-domain"}}}},"scope":{"domain":{"name":"sim-domain"}}}}`, nil)
	if resp.StatusCode != 201 {
		t.Fatalf("domain scope: %d", resp.StatusCode)
	}
	check("domain-scoped token", ts.raw("GET", path, nil, http.Header{"X-Auth-Token": {resp.Header.Get("X-Subject-Token")}}))

	// Project scope by name works and the body names the project and domain.
	resp = ts.raw("POST", "/v3/auth/tokens", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"sim-user","password":"Sim-Passw0rd","domain":{"name":"sim-domain"}}}},"scope":{"project":{"name":"sim-project"}}}}`, nil)
	tb := decodeBody(t, resp)
	tok := tb["token"].(map[string]any)
	if resp.StatusCode != 201 || tok["project"].(map[string]any)["id"] != ts.pid || tok["project"].(map[string]any)["domain"].(map[string]any)["id"] != DefaultDomainID || tok["expires_at"] == "" {
		t.Fatalf("token by project name: %d %v", resp.StatusCode, tb)
	}

	// AK/SK.
	now := ts.clock.Now()
	for _, scoped := range []bool{false, true} {
		if st, b := ts.signedDo("GET", path, nil, DefaultAK, DefaultSK, now, scoped, nil); st != 200 {
			t.Fatalf("valid signature (scoped %v): %d %v", scoped, st, b)
		}
	}
	cases := []struct {
		name   string
		ak, sk string
		at     time.Time
	}{
		{"bad signature", DefaultAK, "wrong-secret", now},
		{"unknown AK", "NOPE", DefaultSK, now},
		{"X-Sdk-Date too old", DefaultAK, DefaultSK, now.Add(-16 * time.Minute)},
		{"X-Sdk-Date in the future", DefaultAK, DefaultSK, now.Add(16 * time.Minute)},
	}
	for _, tc := range cases {
		st, b := ts.signedDo("GET", path, nil, tc.ak, tc.sk, tc.at, false, nil)
		if st != 401 || b["error_code"] != CodeAuth {
			t.Errorf("%s: %d %v", tc.name, st, b)
		}
	}
	// A signed body that was changed after signing.
	req, _ := http.NewRequest("POST", ts.srv.URL+ts.v1("/cloudservers/delete"), bytes.NewReader([]byte(`{"servers":[]}`)))
	aksk.Sign(req, []byte(`{"servers":[{"id":"x"}]}`), DefaultAK, DefaultSK, now)
	r2, _ := ts.srv.Client().Do(req)
	check("tampered body", r2)
	r2.Body.Close()
	// X-Project-Id naming a project the key has no access to.
	if st, _ := ts.signedDo("GET", path, nil, DefaultAK, DefaultSK, now, true, http.Header{"X-Project-Id": {"other"}}); st != 401 {
		t.Errorf("foreign X-Project-Id: %d", st)
	}
}

func TestTenantMismatch(t *testing.T) {
	ts := newTestSim(t)
	st, b := ts.do("GET", "/v1/0000000000000000000000000000dead/cloudservers/limits", nil)
	wantErr(t, st, b, 403, CodeForbidden)
	st, b = ts.do("GET", "/v2.1/0000000000000000000000000000dead/os-availability-zone", nil)
	if st != 403 || errCode(b) != "forbidden" {
		t.Fatalf("community route tenant mismatch: %d %v", st, b)
	}
}
