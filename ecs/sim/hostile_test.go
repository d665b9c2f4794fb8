package sim_test

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// The simulator is a server: hostile requests get an error in the
// documented shape, and the server stays up for everyone else.

// Deeply nested JSON is refused with 400 in the route's shape, at once.
func TestDeepJSONRefused(t *testing.T) {
	hs := sim.NewTestServer(t)
	for _, depth := range []int{10_001, 1_000_000} {
		body := `{"server":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`
		req, _ := http.NewRequest(http.MethodPost, hs.URL+"/v1.1/"+hs.ProjectID+"/cloudservers", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Auth-Token", token(t, hs))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("depth %d: %v", depth, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), `"code":"Ecs.0005"`) {
			t.Fatalf("depth %d: %d %s, want 400 Ecs.0005", depth, resp.StatusCode, b)
		}
	}
	var page struct{ Count int }
	getJSON(t, hs, "/v1/"+hs.ProjectID+"/cloudservers/detail?limit=1", &page)
}

// A thousand idle connections and two hundred clients sending their
// headers a byte at a time (slowloris) do not keep an honest client from
// being served promptly; and a thousand requests at once all get an
// answer.
func TestManyConnectionsAndSlowClients(t *testing.T) {
	hs := sim.NewTestServer(t)
	addr := strings.TrimPrefix(hs.URL, "http://")
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range 1000 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("after %d connections: %v", len(conns), err)
		}
		conns = append(conns, c)
	}
	stop := make(chan struct{})
	var slow sync.WaitGroup
	for range 200 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		slow.Add(1)
		go func() {
			defer slow.Done()
			req := "GET /v1/" + hs.ProjectID + "/cloudservers/detail HTTP/1.1\r\nHost: x\r\nX-Padding: " + strings.Repeat("a", 100)
			for i := 0; i < len(req); i++ {
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
				if _, err := c.Write([]byte{req[i]}); err != nil {
					return
				}
			}
		}()
	}
	start := time.Now()
	var page struct{ Count int }
	getJSON(t, hs, "/v1/"+hs.ProjectID+"/cloudservers/detail?limit=1", &page)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("an honest request took %s among 1,200 hostile connections", d)
	}
	close(stop)
	slow.Wait()

	tok := token(t, hs)
	var wg sync.WaitGroup
	fails := make(chan string, 1000)
	cl := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1000}, Timeout: time.Minute}
	for range 1000 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodGet, hs.URL+"/v1/"+hs.ProjectID+"/cloudservers/detail?limit=1", nil)
			req.Header.Set("X-Auth-Token", tok)
			resp, err := cl.Do(req)
			if err != nil {
				fails <- err.Error()
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusTooManyRequests {
				fails <- resp.Status
			}
		}()
	}
	wg.Wait()
	close(fails)
	for f := range fails {
		t.Fatalf("a request of a thousand at once failed: %s", f)
	}
}

// A simulator killed (SIGKILL) at random moments while it writes its state
// file never leaves the file corrupt: every time, the next simulator opens
// it, the servers it lists never go down in number, and no temp file is
// left beside it. The writes are whole-file saves through a temp file and a
// rename, so a kill leaves the old state or the new one.
func TestStateFileSurvivesKillsMidWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "cloud.json")
	rng := rand.New(rand.NewPCG(7, 7))
	last, kills := 0, 0
	for round := range 12 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcessCreates$", "-test.count=1")
		cmd.Env = append(os.Environ(), "SIM_CHILD_STATE="+file, "SIM_CHILD_CREATES=1000",
			"SIM_CHILD_NAME="+fmt.Sprintf("k%02d", round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = cmd.Stdout
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go io.Copy(io.Discard, bufio.NewReader(out))
		time.Sleep(time.Duration(100+rng.IntN(400)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err == nil {
			kills++
		}
		_ = cmd.Wait()

		cfg := sim.DefaultConfig()
		cfg.StateFile = file
		hs, err := sim.Start(cfg)
		if err != nil {
			t.Fatalf("round %d: the state file no longer opens after a kill: %v", round, err)
		}
		var page struct {
			Count int `json:"count"`
		}
		getJSON(t, hs, "/v1/"+hs.ProjectID+"/cloudservers/detail?offset=1&limit=1", &page)
		hs.Close()
		if page.Count < last {
			t.Fatalf("round %d: %d servers, fewer than the %d before", round, page.Count, last)
		}
		last = page.Count
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.Contains(e.Name(), ".tmp") {
				t.Fatalf("round %d: a temp file is left after the next simulator opened the state: %s", round, e.Name())
			}
		}
	}
	if last == 0 || kills == 0 {
		t.Fatalf("%d servers after %d kills: the children never wrote (the test proves nothing)", last, kills)
	}
	t.Logf("%d kills; %d servers in the state at the end", kills, last)
}
