package ecs

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeIAM is a minimal IAM token endpoint written for these tests (the real
// simulator lives in ecs/sim). It counts token requests and can be slowed
// down to make concurrent refreshes overlap.
type fakeIAM struct {
	calls    atomic.Int32
	delay    time.Duration
	lifetime time.Duration
	now      func() time.Time
	mu       sync.Mutex
	valid    map[string]bool
	lastBody atomic.Value // string
}

func newFakeIAM() *fakeIAM {
	return &fakeIAM{lifetime: 24 * time.Hour, now: time.Now, valid: map[string]bool{}}
}

func (f *fakeIAM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v3/auth/tokens" {
		http.NotFound(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	f.lastBody.Store(string(body))
	var req TokenRequest
	if err := json.Unmarshal(body, &req); err != nil || req.Auth.Identity.Password.User.Password != "s3cret-Pass" ||
		req.Auth.Scope.Project == nil || req.Auth.Scope.Project.ID != "proj1" {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":{"code":401,"message":"The request you have made requires authentication."}}`)
		return
	}
	n := f.calls.Add(1)
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	tok := fmt.Sprintf("tok-%d", n)
	f.mu.Lock()
	f.valid[tok] = true
	f.mu.Unlock()
	w.Header().Set("X-Subject-Token", tok)
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"token":{"expires_at":%q,"methods":["password"],"project":{"id":"proj1","domain":{"id":"d1"}}}}`,
		f.now().Add(f.lifetime).UTC().Format(time.RFC3339Nano))
}

func (f *fakeIAM) revoke(tok string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.valid, tok)
}

// checkToken reports whether the request carries a valid token; if not it
// answers 401 itself.
func (f *fakeIAM) checkToken(w http.ResponseWriter, r *http.Request) bool {
	f.mu.Lock()
	ok := f.valid[r.Header.Get("X-Auth-Token")]
	f.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":{"code":"Ecs.0000","message":"token invalid"}}`)
	}
	return ok
}

// testRetry keeps retries fast in tests (delays are not asserted).
var testRetry = RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}

// tokenClient starts IAM and an ECS handler and returns a token-auth client.
func tokenClient(t *testing.T, iam *fakeIAM, ecs http.Handler) *Client {
	t.Helper()
	iamSrv := httptest.NewServer(iam)
	t.Cleanup(iamSrv.Close)
	ecsSrv := httptest.NewServer(ecs)
	t.Cleanup(ecsSrv.Close)
	c, err := New(Config{
		Endpoint: ecsSrv.URL, IAMEndpoint: iamSrv.URL, ProjectID: "proj1",
		Username: "alice", Password: "s3cret-Pass", DomainName: "dom",
		Retry: testRetry,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// akskClient returns an AK/SK client for an ECS handler (no IAM involved).
func akskClient(t *testing.T, h http.Handler) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := New(Config{Endpoint: srv.URL, ProjectID: "proj1", AccessKey: "AK1", SecretKey: "SK1-secret", Retry: testRetry})
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func serverJSON(id, name string) string {
	return fmt.Sprintf(`{"id":%q,"name":%q,"status":"ACTIVE","flavor":{"id":"f1","vcpus":"2","ram":"4096","disk":"40"},"image":"","tags":null,"addresses":{"net":[{"addr":"10.0.0.5","version":"4","OS-EXT-IPS:port_id":"p1"}]}}`, id, name)
}

func mustContainNot(t *testing.T, s string, secrets ...string) {
	t.Helper()
	for _, x := range secrets {
		if strings.Contains(s, x) {
			t.Errorf("output contains a secret: %q", s)
		}
	}
}
