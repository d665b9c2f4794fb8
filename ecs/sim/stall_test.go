package sim

import (
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// stallClient opens a raw TCP connection to url's host with a tiny receive
// buffer, pipelines two 1,000-server list pages on it and never reads: the
// simulator's answer fills the socket buffers and its write blocks. The
// connection is closed when the test ends.
func stallClient(t *testing.T, srvURL, path, token string) {
	t.Helper()
	conn, err := net.Dial("tcp", srvURL[len("http://"):])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.(*net.TCPConn).SetReadBuffer(1024)
	req := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: sim\r\nX-Auth-Token: %s\r\n\r\n", path, token)
	if _, err := conn.Write([]byte(req + req)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // let the simulator start writing
}

// answeredWithin checks that n small requests are each answered within d.
func answeredWithin(t *testing.T, srvURL, path, token string, n int, d time.Duration) {
	t.Helper()
	cl := &http.Client{Timeout: d}
	for i := range n {
		req, _ := http.NewRequest("GET", srvURL+path, nil)
		req.Header.Set("X-Auth-Token", token)
		start := time.Now()
		resp, err := cl.Do(req)
		if err != nil {
			t.Fatalf("request %d while another client does not read: %v (the simulator stalled)", i, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: status %d", i, resp.StatusCode)
		}
		t.Logf("request %d answered in %v", i, time.Since(start))
	}
}

// A client that pipelines two big list pages and never reads its answers
// must not stall anyone else: the answer is written after the state lock
// is released.
func TestNonReadingClientStallsNoOne(t *testing.T) {
	ts := newTestSim(t, benchSubnet)
	ts.subnet = "subnet-bench"
	ts.createServers(2000, nil)
	stallClient(t, ts.srv.URL, ts.v1("/cloudservers/detail?offset=1&limit=1000"), ts.token)
	answeredWithin(t, ts.srv.URL, ts.v1("/cloudservers/detail?limit=1"), ts.token, 5, 5*time.Second)
}

// Nor must it stall another simulator sharing its state file (the file
// lock is released before the answer is written).
func TestNonReadingClientStallsNoOtherProcess(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cloud.json")
	a := newTestSim(t, benchSubnet, func(c *Config) { c.StateFile = file })
	a.subnet = "subnet-bench"
	a.createServers(2000, nil)
	b := newTestSim(t, benchSubnet, func(c *Config) { c.StateFile = file })
	stallClient(t, a.srv.URL, a.v1("/cloudservers/detail?offset=1&limit=1000"), a.token)
	answeredWithin(t, b.srv.URL, b.v1("/cloudservers/detail?limit=1"), b.token, 5, 5*time.Second)
}

// The listening server bounds every phase of a connection, so a client
// that stops reading (or never finishes its headers or body) is cut off.
func TestHTTPServerTimeouts(t *testing.T) {
	hs := NewTestServer(t)
	s := hs.srv
	if s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 0 || s.WriteTimeout <= 0 || s.IdleTimeout <= 0 {
		t.Fatalf("timeouts: header %v read %v write %v idle %v; want all set", s.ReadHeaderTimeout, s.ReadTimeout, s.WriteTimeout, s.IdleTimeout)
	}
}
