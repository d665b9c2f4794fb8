package sim

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// HTTPServer is a simulator listening on a TCP address, with everything a
// client needs to talk to it: the base URL, the project, and the simulator's
// own test credentials (user/password/domain and an AK/SK pair).
type HTTPServer struct {
	Sim         *Sim
	URL         string // http://127.0.0.1:PORT, no trailing slash
	ProjectID   string
	ProjectName string
	DomainID    string
	DomainName  string
	User        string
	Password    string
	AK, SK      string
	Region      string

	srv *http.Server
	ln  net.Listener

	// fresh holds connections accepted but not yet used for a request.
	// http.Server.Shutdown waits 5 s before it counts them as idle, and a
	// client that dials ahead (several reads at once) leaves such
	// connections behind; Close closes them at once.
	mu    sync.Mutex
	fresh map[net.Conn]bool
}

// Connection timeouts of a listening simulator (docs/simulator.md): a
// client that is slow to send its headers or body, that stops reading its
// answer, or that keeps an idle connection open is cut off, so it holds
// no more than a goroutine and a socket (never the state lock: answers
// are written after the lock is released).
const (
	ReadHeaderTimeout = 10 * time.Second  // request line and headers
	ReadTimeout       = 60 * time.Second  // headers and body
	WriteTimeout      = 60 * time.Second  // from the end of the headers to the end of the answer
	IdleTimeout       = 120 * time.Second // between requests on a keep-alive connection
)

// Start listens on 127.0.0.1 with a free port and serves cfg's cloud.
func Start(cfg Config) (*HTTPServer, error) { return StartAddr("127.0.0.1:0", cfg) }

// StartAddr listens on addr and serves cfg's cloud until Close.
func StartAddr(addr string, cfg Config) (*HTTPServer, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	p := s.cfg.Projects[0]
	hs := &HTTPServer{
		Sim: s, URL: "http://" + ln.Addr().String(),
		ProjectID: p.ID, ProjectName: p.Name, DomainID: p.DomainID, DomainName: p.DomainName,
		User: p.User, Password: p.Password, AK: p.AK, SK: p.SK, Region: s.cfg.Region,
		ln:    ln,
		fresh: map[net.Conn]bool{},
	}
	hs.srv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		// The configured latency is spent before the answer is written.
		WriteTimeout: WriteTimeout + s.cfg.Latency,
		IdleTimeout:  IdleTimeout,
		// Far above maxHeaderBytes, so the simulator answers oversized
		// headers itself (in the gateway's shape) up to this bound.
		MaxHeaderBytes: 1 << 20,
		ConnState:      hs.track,
	}
	go func() {
		if err := hs.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener was closed under us; Close reports nothing more useful
		}
	}()
	return hs, nil
}

// track follows connections between accepted and first used.
func (h *HTTPServer) track(c net.Conn, st http.ConnState) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if st == http.StateNew {
		h.fresh[c] = true
	} else {
		delete(h.fresh, c)
	}
}

// Close stops the server, waiting up to 5 s for in-flight requests.
// Connections that never carried a request are closed at once.
func (h *HTTPServer) Close() error {
	h.mu.Lock()
	for c := range h.fresh {
		_ = c.Close()
	}
	h.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return h.srv.Shutdown(ctx)
}

// TB is the part of testing.TB NewTestServer needs; declared here so the
// CLI binary does not link package testing.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// NewTestServer starts an in-memory simulator for another package's tests
// and closes it when the test ends. The default time scale for tests is
// 10000 (a 60 s create takes 6 ms); tweak the config with the option funcs.
func NewTestServer(t TB, opts ...func(*Config)) *HTTPServer {
	t.Helper()
	cfg := DefaultConfig()
	cfg.TimeScale = 10000
	for _, o := range opts {
		o(&cfg)
	}
	hs, err := Start(cfg)
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(func() { _ = hs.Close() })
	return hs
}
