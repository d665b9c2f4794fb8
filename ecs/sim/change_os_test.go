package sim

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"
)

// xaKeypair puts a keypair into the project (the keypair API is tested in
// keypairs_test.go; only its existence matters here).
func xaKeypair(ts *testSim, name string) {
	_ = ts.sim.withLock(func() error {
		ts.sim.project(ts.pid).Keypairs[name] = &Keypair{Name: name, PublicKey: "ssh-ed25519 AAAA test", Type: "ssh", Created: time.Now()}
		return nil
	})
}

func TestChangeOSFixtureAndState(t *testing.T) {
	ts := newTestSim(t)
	running := ts.createServers(1, nil)[0]
	stopped := xaStopped(ts, 1)[0]
	xaKeypair(ts, "KeyPair-350b")
	// The reference's example (5.26.1) with an image that exists.
	req := xaFixture(t, "5.26.1/request-1.json")
	req["os-change"].(map[string]any)["imageid"] = ImageUbuntu2204

	// Only a powered-off server (5.26.1); no 409 documented, so 400.
	st, body := ts.do("POST", "/v2/"+ts.pid+"/cloudservers/"+running+"/changeos", req)
	wantErr(t, st, body, http.StatusBadRequest, CodeState)

	job := xaJob(t, ts, "POST", "/v2/"+ts.pid+"/cloudservers/"+stopped+"/changeos", req)
	if job["status"] != JobSuccess || len(xaSubJobs(t, job)) != 1 {
		t.Fatalf("job %v", job)
	}
	s := xaServer(ts, stopped)
	if s.ImageID != ImageUbuntu2204 || s.KeyName != "KeyPair-350b" || s.Status != StatusShutoff || s.TaskState != TaskNone {
		t.Fatalf("after changeos: image %s key %s %s %q", s.ImageID, s.KeyName, s.Status, s.TaskState)
	}

	// Reinstall (5.26.2) keeps the image.
	re := xaFixture(t, "5.26.2/request-1.json")
	xaJob(t, ts, "POST", "/v2/"+ts.pid+"/cloudservers/"+stopped+"/reinstallos", re)
	if s := xaServer(ts, stopped); s.ImageID != ImageUbuntu2204 {
		t.Fatalf("reinstall changed the image to %s", s.ImageID)
	}
}

func TestChangeOSRules(t *testing.T) {
	ts := newTestSim(t)
	id := xaStopped(ts, 1)[0]
	xaKeypair(ts, "kp1")
	path := "/v2/" + ts.pid + "/cloudservers/" + id + "/changeos"
	change := func(kv ...any) map[string]any {
		m := map[string]any{"imageid": ImageEulerOS29}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return map[string]any{"os-change": m}
	}
	const weak = "password1"
	cases := []struct {
		name string
		body map[string]any
		code string
	}{
		{"no credentials", change(), CodeInvalidParam},
		{"password and key", change("adminpass", "Str0ng!Passw0rd", "keyname", "kp1"), CodeInvalidParam},
		{"weak password", change("adminpass", weak), CodePassword},
		{"unknown keypair", change("keyname", "nope"), CodeInvalidParam},
		{"unknown image", change("keyname", "kp1", "imageid", "00000000-0000-4000-8000-000000000000"), CodeImage},
		{"no image", map[string]any{"os-change": map[string]any{"keyname": "kp1"}}, CodeInvalidParam},
		{"user_data not base64", change("metadata", map[string]any{"user_data": "%%%"}), CodeInvalidParam},
		{"user_data over 32 KB", change("metadata", map[string]any{"user_data": base64.StdEncoding.EncodeToString(make([]byte, 32*1024+1))}), CodeInvalidParam},
		{"unknown field", change("keyname", "kp1", "hostname", "x"), CodeInvalidParam},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, body := ts.do("POST", path, c.body)
			wantErr(t, st, body, http.StatusBadRequest, c.code)
			if strings.Contains(body["error"].(map[string]any)["message"].(string), weak) {
				t.Fatal("the error message echoes the password")
			}
		})
	}
	// user_data alone is enough, and only its hash is kept.
	xaJob(t, ts, "POST", path, change("metadata", map[string]any{"user_data": base64.StdEncoding.EncodeToString([]byte("#cloud-config\n"))}))
	if s := xaServer(ts, id); s.UserDataHash == "" || s.ImageID != ImageEulerOS29 {
		t.Fatalf("after changeos with user_data: %+v", s)
	}
	// reinstallos takes no imageid.
	st, body := ts.do("POST", "/v2/"+ts.pid+"/cloudservers/"+id+"/reinstallos", map[string]any{"os-reinstall": map[string]any{"keyname": "kp1", "imageid": ImageEulerOS29}})
	wantErr(t, st, body, http.StatusBadRequest, CodeInvalidParam)
}

func TestChangeOSFailureAllowsRetry(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.Faults.SubJobFail = 1 })
	id := xaStopped(ts, 1)[0]
	xaKeypair(ts, "kp1")
	body := map[string]any{"os-reinstall": map[string]any{"keyname": "kp1"}}
	job := xaJob(t, ts, "POST", "/v2/"+ts.pid+"/cloudservers/"+id+"/reinstallos", body)
	if job["status"] != JobFail || xaServer(ts, id).Status != StatusError {
		t.Fatalf("want a failed job and an ERROR server, got %v %s", job["status"], xaServer(ts, id).Status)
	}
	// "powered off, or the previous reinstall failed" (5.26.2).
	if st, resp := ts.do("POST", "/v2/"+ts.pid+"/cloudservers/"+id+"/reinstallos", body); st != http.StatusOK {
		t.Fatalf("retry after failure: %d %v", st, resp)
	}
}
