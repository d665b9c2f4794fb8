package sim

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs/aksk"
)

// replay sends a request signed (for signedBody, with ctype and extra
// headers) but carrying body instead, as a captured request replayed with
// a swapped body would.
func (ts *testSim) replay(ctype string, extra http.Header, signedBody, body []byte) (int, map[string]any) {
	ts.t.Helper()
	req, _ := http.NewRequest("POST", ts.srv.URL+ts.v1("/cloudservers/delete"), bytes.NewReader(signedBody))
	req.Header.Set("Content-Type", ctype)
	for k, v := range extra {
		req.Header[k] = v
	}
	aksk.Sign(req, signedBody, DefaultAK, DefaultSK, ts.clock.Now())
	req.Body = http.NoBody
	req2, _ := http.NewRequest("POST", req.URL.String(), bytes.NewReader(body))
	req2.Header = req.Header
	resp, err := ts.srv.Client().Do(req2)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, decodeBody(ts.t, resp)
}

// A captured AK/SK request replayed with another body is refused, whatever
// its Content-Type says, and so is a body the signature says it leaves out.
func TestAKSKBodySwapRefused(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(2, nil)
	signed := []byte(`{"servers":[{"id":"` + ids[0] + `"}]}`)
	swapped := []byte(`{"servers":[{"id":"` + ids[0] + `"},{"id":"` + ids[1] + `"}]}`)
	if st, b := ts.replay("application/json", nil, signed, signed); st != http.StatusOK {
		t.Fatalf("the signed request itself: %d %v", st, b)
	}
	for name, c := range map[string]struct {
		ctype string
		extra http.Header
	}{
		"text/plain":       {"text/plain", nil},
		"octet-stream":     {"application/octet-stream", nil},
		"json":             {"application/json", nil},
		"unsigned payload": {"application/json", http.Header{"X-Sdk-Content-Sha256": {"UNSIGNED-PAYLOAD"}}},
	} {
		st, b := ts.replay(c.ctype, c.extra, signed, swapped)
		if st != http.StatusUnauthorized && st != http.StatusForbidden {
			t.Errorf("%s: swapped body answered %d %v; want 401/403", name, st, b)
		}
	}
	if srv := ts.sim.state.Projects[ts.pid].Servers[ids[1]]; srv == nil || srv.TaskState == TaskDeleting {
		t.Fatalf("a replay with a swapped body deleted %s", ids[1])
	}
}

// The API takes JSON bodies only: another Content-Type is 415 in the
// route's error shape, even with a valid token.
func TestNonJSONBodyRefused(t *testing.T) {
	ts := newTestSim(t)
	ids := ts.createServers(1, nil)
	body := `{"servers":[{"id":"` + ids[0] + `"}]}`
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"} {
		req, _ := http.NewRequest("POST", ts.srv.URL+ts.v1("/cloudservers/delete"), bytes.NewReader([]byte(body)))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("X-Auth-Token", ts.token)
		resp, err := ts.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b := decodeBody(t, resp)
		resp.Body.Close()
		wantErr(t, resp.StatusCode, b, http.StatusUnsupportedMediaType, CodeInvalidParam)
	}
	for _, ct := range []string{"application/json", "application/json;charset=UTF-8", "Application/JSON; charset=utf-8"} {
		req, _ := http.NewRequest("POST", ts.srv.URL+ts.v1("/cloudservers/delete"), bytes.NewReader([]byte(body)))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("X-Auth-Token", ts.token)
		resp, err := ts.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusUnsupportedMediaType { // 200, then 409: the server is being deleted
			t.Errorf("%s: %d", ct, resp.StatusCode)
		}
	}
}
