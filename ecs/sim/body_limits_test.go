package sim

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// endlessBody yields n bytes of JSON-ish filler without holding them.
type endlessBody struct{ n int }

func (b *endlessBody) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, io.EOF
	}
	k := min(len(p), b.n)
	for i := range k {
		p[i] = 'x'
	}
	b.n -= k
	return k, nil
}

// An unauthenticated request is refused from its headers: the simulator
// answers 401 without waiting for (or buffering) a body the client has not
// even sent.
func TestUnauthenticatedBodyIsNotRead(t *testing.T) {
	ts := newTestSim(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: sim\r\nContent-Type: application/json\r\nContent-Length: %d\r\nX-Auth-Token: forged\r\n\r\n", ts.v1("/cloudservers/delete"), 8<<20)
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a forged token while its body is pending: %v", err)
	}
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("forged token: %d, want 401", resp.StatusCode)
	}
}

// A body larger than the API takes (12 MB, 3.2) is refused with 413 in the
// route's error shape, whoever sends it; a body just under the limit is
// read (and then refused for what it says, not for its size).
func TestBodyLimit(t *testing.T) {
	ts := newTestSim(t)
	send := func(size int) (int, map[string]any) {
		body := `{"servers":[{"id":"` + strings.Repeat("x", size-23) + `"}]}`
		req, _ := http.NewRequest("POST", ts.srv.URL+ts.v1("/cloudservers/delete"), strings.NewReader(body))
		req.Header.Set("X-Auth-Token", ts.token)
		req.Header.Set("Content-Type", "application/json")
		r, err := ts.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		return r.StatusCode, decodeBody(t, r)
	}
	st, b := send(maxBody + 1)
	wantErr(t, st, b, http.StatusRequestEntityTooLarge, CodeInvalidParam)
	if st, b := send(maxBody); st == http.StatusRequestEntityTooLarge {
		t.Fatalf("a body of exactly 12 MiB: %d %v", st, b)
	}
}

// Many concurrent large bodies, unauthenticated or with a signature that
// must be checked against the body, keep the heap bounded: unauthenticated
// bodies are never read, signed ones are read up to 12 MiB, and only as
// many at a time as the 24 MiB body budget holds.
func TestConcurrentLargeBodiesBoundMemory(t *testing.T) {
	ts := newTestSim(t)
	const clients, size = 64, 8 << 20
	var peak atomic.Uint64
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	cl := &http.Client{Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	var answered atomic.Int32
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", ts.srv.URL+ts.v1("/cloudservers/delete"), &endlessBody{n: size})
			req.ContentLength = size
			if i%4 == 3 {
				req.ContentLength = 0 // unknown length: sent chunked, read up to the limit
			}
			req.Header.Set("Content-Type", "application/json")
			if i%2 == 1 { // a known key and a fresh date: only the body can refute it
				req.Header.Set("X-Sdk-Date", ts.clock.Now().UTC().Format("20060102T150405Z"))
				req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+DefaultAK+", SignedHeaders=x-sdk-date, Signature=00")
			}
			resp, err := cl.Do(req)
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusRequestEntityTooLarge {
					answered.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	sampler.Wait()
	grew := int64(peak.Load()) - int64(base.HeapAlloc)
	t.Logf("%d clients x %d MiB bodies: %d answered 401/413, heap grew by at most %.1f MiB", clients, size>>20, answered.Load(), float64(grew)/(1<<20))
	if grew > 160<<20 {
		t.Fatalf("heap grew by %.1f MiB under %d concurrent %d MiB bodies; want under 160 MiB", float64(grew)/(1<<20), clients, size>>20)
	}
	// The simulator still answers.
	if st, _ := ts.do("GET", ts.v1("/cloudservers/detail?limit=1"), nil); st != http.StatusOK {
		t.Fatalf("after the flood: %d", st)
	}
}
