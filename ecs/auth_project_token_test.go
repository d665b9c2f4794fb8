package ecs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// issueToken gets a project-scoped token from the simulator's IAM the way
// an operator would with curl, outside the client.
func issueToken(t *testing.T, hs *sim.HTTPServer) string {
	t.Helper()
	body := fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{"name":%q}}}},"scope":{"project":{"id":%q}}}}`,
		hs.User, hs.Password, hs.DomainName, hs.ProjectID)
	resp, err := http.Post(hs.URL+"/v3/auth/tokens", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	tok := resp.Header.Get("X-Subject-Token")
	if resp.StatusCode != http.StatusCreated || tok == "" {
		t.Fatalf("IAM answered %d, token %t", resp.StatusCode, tok != "")
	}
	return tok
}

// A pre-issued token is sent as it is: no IAM endpoint, no password.
func TestPreIssuedTokenAgainstSimulator(t *testing.T) {
	hs := sim.NewTestServer(t)
	tok := issueToken(t, hs)
	c, err := ecs.New(ecs.Config{Endpoint: hs.URL, ProjectID: hs.ProjectID, Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListKeypairs(context.Background()); err != nil {
		t.Fatalf("ListKeypairs with a pre-issued token: %v", err)
	}
	if c.Refreshes() != 0 {
		t.Errorf("Refreshes = %d, want 0: a pre-issued token is never fetched", c.Refreshes())
	}
	for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v", c, c, c)} {
		if strings.Contains(s, tok) {
			t.Errorf("the client prints its token: %s", s)
		}
	}
}

// A token the cloud refuses cannot be refreshed: the error says so, is
// the API's 401 underneath, and does not show the token.
func TestPreIssuedTokenRejected(t *testing.T) {
	hs := sim.NewTestServer(t)
	const tok = "MIIexpired-token-0123456789"
	c, err := ecs.New(ecs.Config{Endpoint: hs.URL, ProjectID: hs.ProjectID, Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListKeypairs(context.Background())
	var rejected *ecs.TokenRejectedError
	if !errors.As(err, &rejected) {
		t.Fatalf("err = %v (%T), want a *TokenRejectedError", err, err)
	}
	var apiErr *ecs.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Errorf("the rejection does not unwrap to the 401: %v", err)
	}
	if !strings.Contains(err.Error(), "expired or revoked") || !strings.Contains(err.Error(), "issue a new token") {
		t.Errorf("err = %q, want it to say the token expired and a new one is needed", err)
	}
	if strings.Contains(err.Error(), tok) {
		t.Errorf("err shows the token: %q", err)
	}
	if ecs.Classify(err) != ecs.Permanent {
		t.Errorf("Classify = %v, want Permanent", ecs.Classify(err))
	}
}

// The token and the project name take part in printing and logging like
// the other settings; the token only as [REDACTED].
func TestConfigTokenRedacted(t *testing.T) {
	const tok = "MIIsecret-token-value"
	cfg := ecs.Config{Endpoint: "https://ecs.example", ProjectID: "p", ProjectName: "shop", Token: tok}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "cfg", cfg)
	for _, s := range []string{cfg.String(), fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg), buf.String()} {
		if strings.Contains(s, tok) {
			t.Errorf("output shows the token: %s", s)
		}
		if !strings.Contains(s, "shop") {
			t.Errorf("output lost the project name: %s", s)
		}
	}
	if !strings.Contains(buf.String(), `"token":"[REDACTED]"`) {
		t.Errorf("log = %s, want the token as [REDACTED]", buf.String())
	}
}

// With IAM password auth a project may be given by name: Open asks IAM for
// a token scoped to it and the client is scoped to the project's id.
func TestOpenResolvesProjectName(t *testing.T) {
	hs := sim.NewTestServer(t)
	cfg := ecs.Config{Endpoint: hs.URL, IAMEndpoint: hs.URL, ProjectName: hs.ProjectName,
		Username: hs.User, Password: hs.Password, DomainName: hs.DomainName}
	c, err := ecs.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if c.ProjectID() != hs.ProjectID {
		t.Errorf("ProjectID = %q, want %q", c.ProjectID(), hs.ProjectID)
	}
	if _, err := c.ListKeypairs(context.Background()); err != nil {
		t.Fatalf("ListKeypairs: %v", err)
	}
	if c.Refreshes() != 1 {
		t.Errorf("Refreshes = %d, want 1: the token Open fetched serves the calls", c.Refreshes())
	}

	// With the id, Open is New: nothing is called.
	cfg.ProjectID, cfg.IAMEndpoint = hs.ProjectID, "http://127.0.0.1:1"
	c, err = ecs.Open(context.Background(), cfg)
	if err != nil || c.ProjectID() != hs.ProjectID {
		t.Errorf("Open with an id = %v, %v", c, err)
	}
}

// A name IAM does not know is an error that names it; the password is in
// no message.
func TestOpenUnknownProjectName(t *testing.T) {
	hs := sim.NewTestServer(t)
	_, err := ecs.Open(context.Background(), ecs.Config{Endpoint: hs.URL, IAMEndpoint: hs.URL, ProjectName: "no-such-project",
		Username: hs.User, Password: hs.Password, DomainName: hs.DomainName})
	if err == nil {
		t.Fatal("Open succeeded for a project that does not exist")
	}
	if !strings.Contains(err.Error(), `project "no-such-project"`) || strings.Contains(err.Error(), hs.Password) {
		t.Errorf("err = %q, want the project's name and not the password", err)
	}
}

// A project name alone is refused where it cannot be resolved: by New,
// which calls nothing, and with AK/SK or a pre-issued token.
func TestProjectNameNeedsPasswordAuth(t *testing.T) {
	base := ecs.Config{Endpoint: "http://127.0.0.1:1", IAMEndpoint: "http://127.0.0.1:1", ProjectName: "shop"}
	pw := base
	pw.Username, pw.Password, pw.DomainName = "u", "pw-secret", "d"
	if _, err := ecs.New(pw); err == nil || !strings.Contains(err.Error(), "Open") {
		t.Errorf("New with a project name only = %v, want an error pointing to Open", err)
	}
	aksk := base
	aksk.AccessKey, aksk.SecretKey = "AK", "SK-secret"
	tok := base
	tok.Token = "MIItoken-secret"
	for name, cfg := range map[string]ecs.Config{"aksk": aksk, "token": tok} {
		_, err := ecs.Open(context.Background(), cfg)
		if err == nil || !strings.Contains(err.Error(), "need the project id") {
			t.Errorf("%s: Open with a project name = %v, want 'need the project id'", name, err)
		}
	}
}

// By name, the token request scopes the project by its name and the user's
// domain (Keystone v3); once the id is known, a new token is scoped by id.
func TestProjectNameScopeBody(t *testing.T) {
	var bodies []string
	ecsCalls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v3/auth/tokens" {
			if ecsCalls++; ecsCalls == 1 {
				w.WriteHeader(http.StatusUnauthorized) // the token was revoked: the client gets another
				return
			}
			io.WriteString(w, `{"keypairs":[]}`)
			return
		}
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		w.Header().Set("X-Subject-Token", fmt.Sprintf("tok-%d", len(bodies)))
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"token":{"expires_at":"2099-01-01T00:00:00.000000Z","project":{"id":"0a1b2c","name":"shop"}}}`)
	}))
	defer srv.Close()
	c, err := ecs.Open(context.Background(), ecs.Config{Endpoint: srv.URL, IAMEndpoint: srv.URL, ProjectName: "shop",
		Username: "u", Password: "pw-secret", DomainName: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	if c.ProjectID() != "0a1b2c" {
		t.Errorf("ProjectID = %q, want the token's", c.ProjectID())
	}
	if _, err := c.ListKeypairs(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 2 || !strings.Contains(bodies[0], `"scope":{"project":{"name":"shop","domain":{"name":"acme"}}}`) ||
		!strings.Contains(bodies[1], `"scope":{"project":{"id":"0a1b2c"}}`) {
		t.Errorf("token requests = %q, want the first scoped by name and domain, the second by id", strings.ReplaceAll(strings.Join(bodies, "\n"), "pw-secret", "***"))
	}
}
