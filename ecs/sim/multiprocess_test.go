package sim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// Two CLI runs on the embedded default share one state file. This test runs
// that for real: it starts this test binary twice more as child processes,
// each serving the same state file from its own simulator and creating
// servers as fast as it can, then reads the file back with a third
// simulator. Every create of both processes must be there, and no address
// may have been handed out twice.
func TestTwoProcessesShareOneStateFile(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	file := filepath.Join(t.TempDir(), "cloud.json")
	const perChild, count = 15, 2
	var wg sync.WaitGroup
	outs := make([][]byte, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcessCreates$", "-test.count=1")
			cmd.Env = append(os.Environ(), "SIM_CHILD_STATE="+file, "SIM_CHILD_CREATES="+strconv.Itoa(perChild),
				"SIM_CHILD_NAME="+fmt.Sprintf("p%d", i))
			outs[i], errs[i] = cmd.CombinedOutput()
		}()
	}
	wg.Wait()
	for i := range 2 {
		if errs[i] != nil {
			t.Fatalf("child %d: %v\n%s", i, errs[i], outs[i])
		}
	}

	cfg := sim.DefaultConfig()
	cfg.StateFile = file
	hs, err := sim.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer hs.Close()
	var page struct {
		Count   int `json:"count"`
		Servers []struct {
			Name      string `json:"name"`
			Addresses map[string][]struct {
				Addr string `json:"addr"`
			} `json:"addresses"`
		} `json:"servers"`
	}
	getJSON(t, hs, "/v1/"+hs.ProjectID+"/cloudservers/detail?offset=1&limit=1000", &page)
	if want := 2 * perChild * count; page.Count != want || len(page.Servers) != want {
		t.Fatalf("after two processes: count %d, %d servers listed; want %d (a write was lost)", page.Count, len(page.Servers), want)
	}
	ips := map[string]string{}
	for _, s := range page.Servers {
		for _, nics := range s.Addresses {
			for _, a := range nics {
				if other, dup := ips[a.Addr]; dup {
					t.Fatalf("address %s given to both %s and %s", a.Addr, other, s.Name)
				}
				ips[a.Addr] = s.Name
			}
		}
	}
}

// TestHelperProcessCreates is the child of TestTwoProcessesShareOneStateFile;
// it does nothing unless started by it.
func TestHelperProcessCreates(t *testing.T) {
	file := os.Getenv("SIM_CHILD_STATE")
	if file == "" {
		t.Skip("child process of TestTwoProcessesShareOneStateFile")
	}
	n, _ := strconv.Atoi(os.Getenv("SIM_CHILD_CREATES"))
	cfg := sim.DefaultConfig()
	cfg.StateFile = file
	hs, err := sim.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer hs.Close()
	for i := range n {
		body := map[string]any{"server": map[string]any{
			"name": fmt.Sprintf("%s-%02d", os.Getenv("SIM_CHILD_NAME"), i), "imageRef": sim.ImageCentOS82,
			"flavorRef": "c6.large.2", "vpcid": "1e0f2a3b-0000-4000-8000-00000000a001",
			"nics":        []any{map[string]any{"subnet_id": "2f1a3b4c-0000-4000-8000-00000000b001"}},
			"root_volume": map[string]any{"volumetype": "SSD", "size": 40},
			"count":       2,
		}}
		var out struct {
			JobID string `json:"job_id"`
		}
		if st := postJSON(t, hs, "/v1.1/"+hs.ProjectID+"/cloudservers", body, &out); st != http.StatusOK || out.JobID == "" {
			t.Fatalf("create %d: status %d", i, st)
		}
	}
}

func token(t *testing.T, hs *sim.HTTPServer) string {
	t.Helper()
	body := map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{"user": map[string]any{
			"name": hs.User, "password": hs.Password, "domain": map[string]any{"name": hs.DomainName}}}},
		"scope": map[string]any{"project": map[string]any{"id": hs.ProjectID}},
	}}
	b, _ := json.Marshal(body)
	resp, err := http.Post(hs.URL+"/v3/auth/tokens", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("token: status %d", resp.StatusCode)
	}
	return resp.Header.Get("X-Subject-Token")
}

func postJSON(t *testing.T, hs *sim.HTTPServer, path string, in, out any) int {
	t.Helper()
	b, _ := json.Marshal(in)
	req, _ := http.NewRequest(http.MethodPost, hs.URL+path, bytes.NewReader(b))
	return send(t, hs, req, out)
}

func getJSON(t *testing.T, hs *sim.HTTPServer, path string, out any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, hs.URL+path, nil)
	if st := send(t, hs, req, out); st != http.StatusOK {
		t.Fatalf("GET %s: status %d", path, st)
	}
}

func send(t *testing.T, hs *sim.HTTPServer, req *http.Request, out any) int {
	t.Helper()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Auth-Token", token(t, hs))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("%s %s: decode: %v", req.Method, req.URL.Path, err)
	}
	return resp.StatusCode
}
