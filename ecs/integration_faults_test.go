package ecs_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// recorder is an http.RoundTripper that records the outcome of every attempt
// (status, or -1 for a transport error) so a test can see what the client's
// retry loop really did on the wire.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen []int
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.seen = append(r.seen, -1)
	} else {
		r.seen = append(r.seen, resp.StatusCode)
	}
	return resp, err
}

func (r *recorder) take() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.seen
	r.seen = nil
	return s
}

// Against a simulator injecting 5xx, 429 and dropped connections (seeded, so
// deterministic), the retry policy holds on the wire: a create that fails is
// a single attempt ending in 5xx or a drop (never repeated), a create that
// succeeds was preceded only by 429s, and reads always get through.
func TestClientAgainstSimulatorFaultsRetryPolicy(t *testing.T) {
	hs := sim.NewTestServer(t, func(c *sim.Config) {
		c.Seed = 7
		c.Faults.Error5xx, c.Faults.Throttle429, c.Faults.Drop = 0.15, 0.25, 0.1
		c.Faults.ExcludeIAM = true
	})
	rec := &recorder{next: http.DefaultTransport.(*http.Transport).Clone()}
	c, err := ecs.New(ecs.Config{Endpoint: hs.URL, ProjectID: hs.ProjectID, AccessKey: hs.AK, SecretKey: hs.SK,
		HTTPClient: &http.Client{Transport: rec, Timeout: 10 * time.Second},
		Retry:      ecs.RetryPolicy{MaxAttempts: 12, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	created, failed := 0, 0
	for range 30 {
		jr, err := c.CreateServers(ctx, createReq("flt", 1, ""))
		seen := rec.take()
		last := seen[len(seen)-1]
		for _, st := range seen[:len(seen)-1] {
			if st != http.StatusTooManyRequests {
				t.Fatalf("a create was retried after %d (attempts %v)", st, seen)
			}
		}
		switch {
		case err == nil:
			created++
			if last != http.StatusOK && last != http.StatusAccepted || jr.JobID == "" {
				t.Errorf("success with attempts %v, job %+v", seen, jr)
			}
		case ecs.IsTransient(err):
			failed++
			if last != -1 && last < 500 {
				t.Errorf("transient error %v after attempts %v", err, seen)
			}
		default:
			t.Errorf("unexpected error %v (attempts %v)", err, seen)
		}
	}
	if created == 0 || failed == 0 {
		t.Errorf("created %d, failed %d: the fault mix should produce both", created, failed)
	}
	// Reads retry through every kind of fault.
	for range 30 {
		if _, err := c.ListServersDetail(ctx, ecs.ListServersOptions{Limit: 5}); err != nil {
			t.Fatalf("read failed despite retries: %v (attempts %v)", err, rec.take())
		}
		rec.take()
	}
}

// OnRetry sees every retry the transport makes, with its class: the
// engine relies on it to report throttling and slow down.
func TestOnRetryReportsEveryRetry(t *testing.T) {
	hs := sim.NewTestServer(t, func(c *sim.Config) {
		c.Seed = 3
		c.Faults.Throttle429 = 0.4
		c.Faults.ExcludeIAM = true
	})
	rec := &recorder{next: http.DefaultTransport.(*http.Transport).Clone()}
	var mu sync.Mutex
	var infos []ecs.RetryInfo
	c, err := ecs.New(ecs.Config{Endpoint: hs.URL, ProjectID: hs.ProjectID, AccessKey: hs.AK, SecretKey: hs.SK,
		HTTPClient: &http.Client{Transport: rec, Timeout: 10 * time.Second},
		Retry:      ecs.RetryPolicy{MaxAttempts: 20, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond},
		OnRetry: func(i ecs.RetryInfo) {
			mu.Lock()
			defer mu.Unlock()
			infos = append(infos, i)
		}})
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if _, err := c.ListKeypairs(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	throttled := 0
	for _, s := range rec.take() {
		if s == http.StatusTooManyRequests {
			throttled++
		}
	}
	if throttled == 0 {
		t.Fatal("the fault injection produced no 429: the test proves nothing")
	}
	if len(infos) != throttled {
		t.Fatalf("OnRetry saw %d retries, the wire %d throttled answers", len(infos), throttled)
	}
	for _, i := range infos {
		if i.Class != ecs.Throttled || i.Method != http.MethodGet || i.Delay <= 0 || i.Attempt < 1 {
			t.Fatalf("retry info %+v", i)
		}
	}
}
