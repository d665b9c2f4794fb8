package ecs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs/aksk"
)

func serveServer(iam *fakeIAM) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !iam.checkToken(w, r) {
			return
		}
		writeJSON(w, 200, `{"server":`+serverJSON("s1", "web-0001")+`}`)
	}
}

func TestTokenFetchedOnceUnder50ConcurrentCalls(t *testing.T) {
	iam := newFakeIAM()
	iam.delay = 20 * time.Millisecond // make the goroutines pile up behind the refresh
	c := tokenClient(t, iam, serveServer(iam))
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := c.GetServer(context.Background(), "s1")
			if err == nil && s.Name != "web-0001" {
				err = fmt.Errorf("got server %q", s.Name)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := iam.calls.Load(); n != 1 {
		t.Errorf("IAM was called %d times for 50 concurrent calls, want 1", n)
	}
	if got := iam.lastBody.Load().(string); !strings.Contains(got, `"scope":{"project":{"id":"proj1"}}`) ||
		!strings.Contains(got, `"methods":["password"]`) || !strings.Contains(got, `"domain":{"name":"dom"}`) {
		t.Errorf("token request body: %s", strings.ReplaceAll(got, "s3cret-Pass", "***"))
	}
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	iam := newFakeIAM()
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	iam.now = now
	c := tokenClient(t, iam, serveServer(iam))
	c.now = now
	ctx := context.Background()
	for range 3 {
		if _, err := c.GetServer(ctx, "s1"); err != nil {
			t.Fatal(err)
		}
	}
	if n := iam.calls.Load(); n != 1 {
		t.Fatalf("IAM calls = %d, want 1 while the token is fresh", n)
	}
	mu.Lock()
	clock = clock.Add(23*time.Hour + 30*time.Minute) // inside the refresh margin, before expiry
	mu.Unlock()
	if _, err := c.GetServer(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	if n := iam.calls.Load(); n != 2 {
		t.Errorf("IAM calls = %d, want 2 (refresh before the 24 h expiry)", n)
	}
	if c.Refreshes() != 2 {
		t.Errorf("Refreshes() = %d", c.Refreshes())
	}
}

func TestReauthenticatesOnceOn401(t *testing.T) {
	iam := newFakeIAM()
	var ecsCalls atomic.Int32
	c := tokenClient(t, iam, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ecsCalls.Add(1)
		serveServer(iam)(w, r)
	}))
	ctx := context.Background()
	if _, err := c.GetServer(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	iam.revoke("tok-1") // revoked before its expiry: the next call gets a 401
	if _, err := c.GetServer(ctx, "s1"); err != nil {
		t.Fatalf("after revocation: %v", err)
	}
	if n := iam.calls.Load(); n != 2 {
		t.Errorf("IAM calls = %d, want 2", n)
	}
	if n := ecsCalls.Load(); n != 3 {
		t.Errorf("ECS calls = %d, want 3 (ok, 401, retried ok)", n)
	}
}

func TestPersistent401IsReturnedAfterOneReauth(t *testing.T) {
	iam := newFakeIAM()
	var ecsCalls atomic.Int32
	c := tokenClient(t, iam, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ecsCalls.Add(1)
		writeJSON(w, 401, `{"error_msg":"Incorrect IAM authentication information","error_code":"APIGW.0301","request_id":"req-9"}`)
	}))
	_, err := c.GetServer(context.Background(), "s1")
	var ae *Error
	if !errors.As(err, &ae) || ae.StatusCode != 401 || ae.Code != "APIGW.0301" || ae.RequestID != "req-9" {
		t.Fatalf("err = %v", err)
	}
	if n := ecsCalls.Load(); n != 2 {
		t.Errorf("ECS calls = %d, want 2 (one re-authentication, no loop)", n)
	}
	if n := iam.calls.Load(); n != 2 {
		t.Errorf("IAM calls = %d, want 2", n)
	}
	mustContainNot(t, err.Error(), "s3cret-Pass", "tok-")
}

func TestWrongPasswordIsAPermanentError(t *testing.T) {
	iam := newFakeIAM()
	c := tokenClient(t, iam, serveServer(iam))
	c.auth.(*tokenAuth).cfg.Password = "wrong-Pass1"
	_, err := c.GetServer(context.Background(), "s1")
	if err == nil || Classify(err) != Permanent {
		t.Fatalf("err = %v (class %v)", err, Classify(err))
	}
	mustContainNot(t, err.Error(), "wrong-Pass1")
}

func TestAKSKClientSignsVerifiably(t *testing.T) {
	var verified atomic.Int32
	c, _ := akskClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ak, err := aksk.Verify(r, body, func(ak string) (string, bool) { return "SK1-secret", ak == "AK1" }, time.Now(), time.Minute)
		if err != nil || ak != "AK1" {
			writeJSON(w, 401, `{"error_msg":"bad signature","error_code":"APIGW.0301"}`)
			return
		}
		if r.Header.Get("X-Project-Id") != "proj1" {
			writeJSON(w, 400, `{"error":{"code":"Ecs.0001","message":"no project"}}`)
			return
		}
		verified.Add(1)
		writeJSON(w, 200, `{"job_id":"j1"}`)
	}))
	ctx := context.Background()
	if _, err := c.CreateServers(ctx, &CreateServersRequest{Server: CreateServer{Name: "web", ImageRef: "i", FlavorRef: "f"}}); err != nil {
		t.Fatal(err)
	}
	// A query with characters that need escaping must verify too.
	if _, err := c.ListServersDetail(ctx, ListServersOptions{Tags: "fleet=web a", Limit: 10}); err != nil {
		t.Fatal(err)
	}
	if verified.Load() != 2 {
		t.Errorf("verified %d signed requests, want 2", verified.Load())
	}
}

func TestConfigNeverPrintsSecrets(t *testing.T) {
	cfg := Config{Endpoint: "https://ecs.example", IAMEndpoint: "https://iam.example", ProjectID: "p",
		Username: "alice", Password: "s3cret-Pass", DomainName: "d", AccessKey: "AK1", SecretKey: "SK1-secret"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "cfg", cfg)
	for _, s := range []string{cfg.String(), fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg), buf.String()} {
		mustContainNot(t, s, "s3cret-Pass", "SK1-secret")
	}
	if !strings.Contains(buf.String(), "[REDACTED]") || !strings.Contains(cfg.String(), "AK1") {
		t.Errorf("redacted output lost the non-secret parts: %s / %s", cfg.String(), buf.String())
	}
	// An invalid configuration names fields, not values.
	_, err := New(Config{Endpoint: "ftp://x", Password: "s3cret-Pass"})
	if err == nil {
		t.Fatal("invalid config accepted")
	}
	mustContainNot(t, err.Error(), "s3cret-Pass")
}
