package sim

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPersistenceRoundTrip(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cloud.json")
	a := newTestSim(t, func(c *Config) { c.StateFile = file })
	id := a.create(3, func(s map[string]any) {
		s["adminPass"] = "Secr3t-Pass!"
		s["user_data"] = b64("#!/bin/sh\necho hidden-user-data")
	})
	a.waitJob(id)

	b := newTestSim(t, func(c *Config) { c.StateFile = file })
	st, body := b.do("GET", b.v1("/cloudservers/detail?offset=1"), nil)
	if st != 200 || body["count"].(float64) != 3 {
		t.Fatalf("second simulator sees %v", body["count"])
	}
	for _, s := range body["servers"].([]any) {
		if s.(map[string]any)["status"] != StatusActive {
			t.Fatalf("persisted status %v", s.(map[string]any)["status"])
		}
	}
	// The token issued by a is valid on b (one cloud, two processes).
	b.token = a.token
	if st, _ := b.do("GET", b.v1("/jobs/"+id), nil); st != 200 {
		t.Fatalf("job from the other process: %d", st)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Secr3t-Pass!", "hidden-user-data", b64("#!/bin/sh\necho hidden-user-data")} {
		if strings.Contains(string(raw), secret) {
			t.Fatalf("state file contains a secret")
		}
	}
}

func TestTwoSimsShareOneFileNoLostWrite(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cloud.json")
	a := newTestSim(t, func(c *Config) { c.StateFile = file })
	b := newTestSim(t, func(c *Config) { c.StateFile = file })
	var wg sync.WaitGroup
	errs := make(chan string, 40)
	for i := range 20 {
		for _, ts := range []*testSim{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st, body := ts.do("POST", "/v1.1/"+ts.pid+"/cloudservers", createBody(2, func(s map[string]any) {
					s["name"] = "n" + string(rune('a'+i%26))
				}))
				if st != http.StatusOK {
					errs <- body["error"].(map[string]any)["message"].(string)
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatalf("create failed: %s", e)
	}
	for _, ts := range []*testSim{a, b} {
		_, body := ts.do("GET", ts.v1("/cloudservers/detail"), nil)
		if body["count"].(float64) != 80 {
			t.Fatalf("lost writes: %v servers, want 80", body["count"])
		}
	}
	// Addresses were never handed out twice across the two processes.
	ips := map[string]bool{}
	_, body := a.do("GET", a.v1("/cloudservers/detail?offset=1"), nil)
	for _, s := range body["servers"].([]any) {
		for _, l := range s.(map[string]any)["addresses"].(map[string]any) {
			ip := l.([]any)[0].(map[string]any)["addr"].(string)
			if ips[ip] {
				t.Fatalf("address %s allocated twice", ip)
			}
			ips[ip] = true
		}
	}
}

func TestFiftyConcurrentClients(t *testing.T) {
	ts := newTestSim(t)
	var wg sync.WaitGroup
	fail := make(chan string, 50)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, body := ts.do("POST", "/v1.1/"+ts.pid+"/cloudservers", createBody(2, nil))
			if st != 200 {
				fail <- "create"
				return
			}
			if st, _ := ts.do("GET", ts.v1("/jobs/"+body["job_id"].(string)), nil); st != 200 {
				fail <- "job"
			}
			if st, _ := ts.do("GET", ts.v1("/cloudservers/detail?offset=1&limit=50"), nil); st != 200 {
				fail <- "list"
			}
			if i%10 == 0 {
				ts.clock.Advance(time.Second)
			}
			_ = ts.sim.Stats()
		}()
	}
	wg.Wait()
	close(fail)
	for f := range fail {
		t.Fatalf("concurrent %s failed", f)
	}
	if n := len(ts.sim.project(ts.pid).Servers); n != 100 {
		t.Fatalf("%d servers, want 100", n)
	}
	if c := ts.sim.Calls("POST /v1.1/{tenant_id}/cloudservers"); c != 50 {
		t.Fatalf("stats count %d, want 50", c)
	}
}
