package ecs

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs/aksk"
)

// authenticator adds credentials to a request. authorize returns the token it
// used (if any) so that a 401 invalidates exactly that token.
type authenticator interface {
	authorize(ctx context.Context, req *http.Request, body []byte) (token string, err error)
	// invalidate forgets token after a 401 and reports whether a retry with
	// fresh credentials makes sense.
	invalidate(token string) bool
}

// akskAuth signs every request (docs/api-notes.md, Client).
type akskAuth struct {
	ak, sk string
	scoped bool
	now    func() time.Time
}

func (a *akskAuth) authorize(_ context.Context, req *http.Request, body []byte) (string, error) {
	if a.scoped {
		aksk.SignScoped(req, body, a.ak, a.sk, "", "", a.now())
	} else {
		aksk.Sign(req, body, a.ak, a.sk, a.now())
	}
	return "", nil
}

func (a *akskAuth) invalidate(string) bool { return false }

// staticTokenAuth sends a pre-issued token (Config.Token) as it is. There
// is nothing to refresh it with: a 401 ends the call with a
// *TokenRejectedError.
type staticTokenAuth struct{ token string }

func (a *staticTokenAuth) authorize(_ context.Context, req *http.Request, _ []byte) (string, error) {
	req.Header.Set("X-Auth-Token", a.token)
	return a.token, nil
}

func (a *staticTokenAuth) invalidate(string) bool { return false }

// TokenRejectedError is a 401 answer to a call made with a pre-issued token
// (Config.Token): the token has expired or was revoked, and the client has
// no credentials to get another. The token is in no message.
type TokenRejectedError struct{ Err *Error }

func (e *TokenRejectedError) Error() string {
	return e.Err.Error() + "; the pre-issued token was refused (expired or revoked) and cannot be refreshed: issue a new token"
}

// Unwrap returns the API error.
func (e *TokenRejectedError) Unwrap() error { return e.Err }

// tokenAuth holds an IAM project-scoped token (3.2): fetched on first use,
// refreshed before it expires, and re-fetched once after a 401. Only one
// refresh runs at a time; concurrent callers wait for it (sem is a 1-slot
// semaphore, so waiting respects the caller's context).
type tokenAuth struct {
	c   *Client
	cfg Config
	sem chan struct{}

	mu    sync.Mutex
	token string
	// refreshAt is when the token is replaced: tokenRefreshMargin before
	// it expires, or a quarter of its lifetime before when that is
	// shorter (a cloud may issue tokens for less than a day).
	refreshAt time.Time
	// project is the id of the project the last token was scoped to.
	project string

	// refreshes counts IAM calls (observability and tests).
	refreshes int
}

// tokenRefreshMargin: refresh this long before expires_at (a 24 h token is
// refreshed after ~23 h; a shorter-lived one when a quarter of its lifetime
// is left), so a long apply never runs into an expired token.
const tokenRefreshMargin = time.Hour

func newTokenAuth(c *Client, cfg Config) *tokenAuth {
	return &tokenAuth{c: c, cfg: cfg, sem: make(chan struct{}, 1)}
}

func (t *tokenAuth) current() (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && t.c.now().Before(t.refreshAt) {
		return t.token, true
	}
	return "", false
}

func (t *tokenAuth) authorize(ctx context.Context, req *http.Request, _ []byte) (string, error) {
	tok, err := t.get(ctx)
	if err != nil {
		return "", err
	}
	req.Header.Set("X-Auth-Token", tok)
	return tok, nil
}

func (t *tokenAuth) get(ctx context.Context) (string, error) {
	if tok, ok := t.current(); ok {
		return tok, nil
	}
	select {
	case t.sem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-t.sem }()
	if tok, ok := t.current(); ok { // another goroutine refreshed while we waited
		return tok, nil
	}
	fetched := t.c.now()
	tok, exp, project, err := t.fetch(ctx)
	if err != nil {
		return "", err
	}
	margin := min(tokenRefreshMargin, exp.Sub(fetched)/4)
	t.mu.Lock()
	t.token, t.project = tok, project
	t.refreshAt = exp.Add(-margin)
	t.refreshes++
	t.mu.Unlock()
	return tok, nil
}

func (t *tokenAuth) invalidate(tok string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tok != "" && t.token == tok {
		t.token = ""
	}
	return true
}

// Refreshes reports how many tokens the client fetched from IAM (0 for AK/SK).
func (c *Client) Refreshes() int {
	if t, ok := c.auth.(*tokenAuth); ok {
		t.mu.Lock()
		defer t.mu.Unlock()
		return t.refreshes
	}
	return 0
}

// TokenRequest is the body of POST /v3/auth/tokens (3.1, 3.2).
type TokenRequest struct {
	Auth TokenAuth `json:"auth"`
}

// TokenAuth is the auth object: a password identity and a scope.
type TokenAuth struct {
	Identity TokenIdentity `json:"identity"`
	Scope    TokenScope    `json:"scope"`
}

// TokenIdentity is the password identity.
type TokenIdentity struct {
	Methods  []string      `json:"methods"`
	Password TokenPassword `json:"password"`
}

// TokenPassword wraps the user.
type TokenPassword struct {
	User TokenUser `json:"user"`
}

// TokenUser is the user and its domain. Errors never include bodies the
// client sent, and String redacts the password.
type TokenUser struct {
	Name     string   `json:"name"`
	Password string   `json:"password"`
	Domain   NamedRef `json:"domain"`
}

// String redacts the password.
func (u TokenUser) String() string { return fmt.Sprintf("user %q (domain %q)", u.Name, u.Domain.Name) }

// NamedRef is {"name": ...} or {"id": ...}.
type NamedRef struct {
	Name string `json:"name,omitempty"`
	ID   string `json:"id,omitempty"`
}

// ProjectRef is a project by id ({"id": ...}, as in 3.2), or by name and
// its domain ({"name": ..., "domain": {"name": ...}}: a name is unique only
// within a domain, and IAM's v3 API (Keystone) wants the domain with it).
type ProjectRef struct {
	ID     string    `json:"id,omitempty"`
	Name   string    `json:"name,omitempty"`
	Domain *NamedRef `json:"domain,omitempty"`
}

// TokenScope scopes the token to a project (ECS needs a project-scoped token)
// or, for domain-level calls, to a domain.
type TokenScope struct {
	Project *ProjectRef `json:"project,omitempty"`
	Domain  *NamedRef   `json:"domain,omitempty"`
}

// TokenResponse is the body of the 201 answer; the token itself is the
// X-Subject-Token header.
type TokenResponse struct {
	Token struct {
		ExpiresAt string   `json:"expires_at"`
		IssuedAt  string   `json:"issued_at"`
		Methods   []string `json:"methods"`
		Project   struct {
			ID     string   `json:"id"`
			Name   string   `json:"name"`
			Domain NamedRef `json:"domain"`
		} `json:"project"`
	} `json:"token"`
}

// fetch asks IAM for a token scoped to the project: by id, or by name
// (Config.ProjectName) until Open has learned the id. It returns the token,
// when it expires and the id of its project.
func (t *tokenAuth) fetch(ctx context.Context) (string, time.Time, string, error) {
	scope := &ProjectRef{ID: t.cfg.ProjectID}
	if scope.ID == "" {
		scope = &ProjectRef{Name: t.cfg.ProjectName, Domain: &NamedRef{Name: t.cfg.DomainName}}
	}
	body := TokenRequest{Auth: TokenAuth{
		Identity: TokenIdentity{
			Methods: []string{"password"},
			Password: TokenPassword{User: TokenUser{
				Name: t.cfg.Username, Password: t.cfg.Password, Domain: NamedRef{Name: t.cfg.DomainName},
			}},
		},
		Scope: TokenScope{Project: scope},
	}}
	var out TokenResponse
	resp, err := t.c.do(ctx, request{
		method: http.MethodPost, base: trimSlash(t.cfg.IAMEndpoint), path: "/v3/auth/tokens",
		in: body, out: &out, noAuth: true, idempotent: true,
	})
	if err != nil {
		if scope.ID == "" {
			return "", time.Time{}, "", fmt.Errorf("ecs: IAM authentication of user %q for project %q failed: %w", t.cfg.Username, t.cfg.ProjectName, err)
		}
		return "", time.Time{}, "", fmt.Errorf("ecs: IAM authentication of user %q failed: %w", t.cfg.Username, err)
	}
	tok := resp.header.Get("X-Subject-Token")
	if tok == "" {
		return "", time.Time{}, "", fmt.Errorf("ecs: IAM answered HTTP %d without an X-Subject-Token header", resp.status)
	}
	exp, err := time.Parse(time.RFC3339Nano, out.Token.ExpiresAt)
	if err != nil {
		exp = t.c.now().Add(24 * time.Hour) // 3.2: a token is valid for 24 hours
	}
	return tok, exp, out.Token.Project.ID, nil
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}
