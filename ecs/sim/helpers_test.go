package sim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"
)

// testSim is a simulator on a real httptest server with a manual clock, so
// tests step simulated time instead of sleeping.
type testSim struct {
	t     testing.TB
	sim   *Sim
	srv   *httptest.Server
	clock *ManualClock
	pid   string
	token string
	// subnet is where createServers puts NICs ("subnet-web" unless a test
	// needs more than its 253 addresses).
	subnet string
}

// newTestSim starts a simulator with the default config, a manual clock and
// time scale 1, applies tweaks, and logs in with the default credentials.
func newTestSim(t testing.TB, tweaks ...func(*Config)) *testSim {
	t.Helper()
	cfg := DefaultConfig()
	clk := NewManualClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	cfg.Clock = clk
	for _, tw := range tweaks {
		tw(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	ts := &testSim{t: t, sim: s, srv: srv, clock: clk, pid: cfg.Projects[0].ID, subnet: "subnet-web"}
	ts.token = ts.login()
	return ts
}

// login gets a project-scoped token for the first project.
func (ts *testSim) login() string {
	ts.t.Helper()
	p := ts.sim.cfg.Projects[0]
	body := map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{
			"user": map[string]any{"name": p.User, "password": p.Password, "domain": map[string]any{"name": p.DomainName}}}},
		"scope": map[string]any{"project": map[string]any{"id": p.ID}},
	}}
	resp := ts.raw("POST", "/v3/auth/tokens", body, nil)
	if resp.StatusCode != http.StatusCreated {
		ts.t.Fatalf("login: status %d", resp.StatusCode)
	}
	return resp.Header.Get("X-Subject-Token")
}

// raw sends a request with the given headers (no auth added) and returns
// the response with its body read into memory.
func (ts *testSim) raw(method, path string, body any, hdr http.Header) *http.Response {
	ts.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		js, err := json.Marshal(b)
		if err != nil {
			ts.t.Fatalf("marshal: %v", err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, ts.srv.URL+path, rd)
	if err != nil {
		ts.t.Fatalf("request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := ts.srv.Client().Do(req)
	if err != nil {
		ts.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(data))
	return resp
}

// do sends an authenticated request and returns the status and decoded
// JSON body (nil when empty). body may be a value, []byte or string.
func (ts *testSim) do(method, path string, body any) (int, map[string]any) {
	ts.t.Helper()
	st, _, m := ts.doH(method, path, body)
	return st, m
}

// doH is do that also returns the response headers.
func (ts *testSim) doH(method, path string, body any) (int, http.Header, map[string]any) {
	ts.t.Helper()
	resp := ts.raw(method, path, body, http.Header{"X-Auth-Token": {ts.token}})
	return resp.StatusCode, resp.Header, decodeBody(ts.t, resp)
}

func decodeBody(t testing.TB, resp *http.Response) map[string]any {
	t.Helper()
	data, _ := io.ReadAll(resp.Body)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v: %s", err, data)
	}
	return m
}

// v1 returns "/v1/<project>" + rest.
func (ts *testSim) v1(rest string) string { return "/v1/" + ts.pid + rest }

// waitJob steps the manual clock until job id is SUCCESS or FAIL and
// returns the final job body. It fails the test after 1000 steps.
func (ts *testSim) waitJob(id string) map[string]any {
	ts.t.Helper()
	for range 1000 {
		st, body := ts.do("GET", ts.v1("/jobs/"+id), nil)
		if st != http.StatusOK {
			ts.t.Fatalf("get job %s: status %d %v", id, st, body)
		}
		if s := body["status"]; s == JobSuccess || s == JobFail {
			return body
		}
		ts.clock.Advance(10 * time.Second)
	}
	ts.t.Fatalf("job %s did not finish", id)
	return nil
}

// errCode extracts the error code from any of the three error shapes.
func errCode(body map[string]any) string {
	if e, ok := body["error"].(map[string]any); ok {
		if c, ok := e["code"].(string); ok {
			return c
		}
	}
	if c, ok := body["error_code"].(string); ok {
		return c
	}
	for k, v := range body {
		if e, ok := v.(map[string]any); ok {
			if _, ok := e["message"]; ok {
				return k
			}
		}
	}
	return ""
}

// wantErr fails unless status and code match.
func wantErr(t testing.TB, gotStatus int, body map[string]any, status int, code string) {
	t.Helper()
	if gotStatus != status || errCode(body) != code {
		t.Fatalf("got %d %q (%v), want %d %q", gotStatus, errCode(body), body, status, code)
	}
}

// createServers puts n ACTIVE servers (c6.large.2, CentOS, az1.dc1, one NIC
// on subnet-web, a 40 GB system disk) straight into the caller's project
// state, bypassing the create API, so tests of other endpoints start from a
// known fleet quickly. tweak (may be nil) edits each server before it is
// stored. It returns the server ids in creation order.
func (ts *testSim) createServers(n int, tweak func(i int, s *Server)) []string {
	ts.t.Helper()
	var ids []string
	err := ts.sim.withLock(func() error {
		p := ts.sim.project(ts.pid)
		now := ts.sim.simNow()
		for i := range n {
			id := ts.sim.state.newUUID(ts.sim.cfg.Seed)
			sn := ts.sim.cfg.Catalogue.Subnet(ts.subnet)
			port := ts.sim.state.newUUID(ts.sim.cfg.Seed)
			ip, err := p.AllocIP(sn, port)
			if err != nil {
				return err
			}
			vol := &Volume{ID: ts.sim.state.newUUID(ts.sim.cfg.Seed), Name: "sys-" + id[:8], Size: 40, Type: "SATA",
				Status: "in-use", Bootable: true, AZ: "az1.dc1", Created: now,
				Attachments: []VolumeAttachment{{ServerID: id, Device: "/dev/vda"}}}
			p.Volumes[vol.ID] = vol
			s := &Server{
				ID: id, Name: "srv-" + id[:8], Status: StatusActive, VMState: "active", PowerState: PowerRunning,
				FlavorID: "c6.large.2", ImageID: ImageCentOS82, AZ: "az1.dc1",
				SecurityGroups: []string{ts.sim.cfg.Catalogue.SecurityGroup("default").ID},
				NICs:           []NIC{{PortID: port, MAC: macFor(port), IP: ip, SubnetID: sn.ID, Type: "fixed", Version: 4, Primary: true}},
				Volumes:        []Attach{{VolumeID: vol.ID, Device: "/dev/vda", BootIndex: 0, DeleteOnTermination: true}},
				Metadata:       map[string]string{}, Tags: map[string]string{},
				VPCID: sn.VPCID, PowerOnAfterBuild: true, Progress: 100, Created: now, Updated: now,
			}
			if tweak != nil {
				tweak(i, s)
			}
			vol.Attachments[0].ServerID = s.ID
			p.Servers[s.ID] = s
			ids = append(ids, s.ID)
		}
		if ts.sim.store != nil {
			return ts.sim.store.save(ts.sim.state)
		}
		return nil
	})
	if err != nil {
		ts.t.Fatalf("createServers: %v", err)
	}
	return ids
}

// b64 base64-encodes s.
func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
