package sim

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs/aksk"
)

// Authentication like the real service: an IAM token endpoint issuing
// 24-hour project- or domain-scoped tokens (checked via X-Auth-Token), and
// AK/SK signatures (Authorization: SDK-HMAC-SHA256 ..., X-Sdk-Date) verified
// with package ecs/aksk. Everything else is 401 with the gateway's flat
// {"error_msg","error_code"} body (chapter 3.4).

func unauthorized(msg string) *APIError { return Errf(http.StatusUnauthorized, CodeAuth, msg) }

// authenticateHeaders authenticates what the headers alone can, before any
// body is read: a token is checked in full; an AK/SK signature is checked
// as far as it goes without the body (well formed, fresh date, known key),
// and signed reports that checkAKSK must verify it once the body is read.
func (s *Sim) authenticateHeaders(r *http.Request) (pid string, signed bool, e *APIError) {
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		pid, e := s.checkToken(r, tok)
		return pid, false, e
	}
	if a := r.Header.Get("Authorization"); a != "" {
		if _, ok := trimPrefixFold(a, "SDK-HMAC-SHA256"); ok {
			if _, err := aksk.Precheck(r, s.lookupSK, s.clock.Now(), s.cfg.SdkDateWindow); err != nil {
				return "", false, akskError(err)
			}
			return "", true, nil
		}
		return "", false, unauthorized("the Authorization header is not an SDK-HMAC-SHA256 signature")
	}
	return "", false, unauthorized("the request has no X-Auth-Token and no AK/SK signature")
}

// checkToken validates an IAM token. A domain-scoped token cannot call
// project APIs (ECS needs a project-scoped token, 3.2).
func (s *Sim) checkToken(r *http.Request, tok string) (string, *APIError) {
	var t Token
	var ok bool
	err := s.withLock(func() error {
		if t, ok = s.state.Tokens[tok]; !ok {
			t, ok = openToken(s.state.TokenKey, tok)
		}
		return nil
	})
	if err != nil {
		return "", Errf(http.StatusInternalServerError, CodeSystem, "token store unavailable")
	}
	if !ok {
		return "", unauthorized("the token is not valid")
	}
	if !s.clock.Now().Before(t.ExpiresAt) {
		return "", unauthorized("the token has expired")
	}
	if t.ProjectID == "" {
		return "", unauthorized("the token is domain-scoped; ECS APIs need a project-scoped token")
	}
	return t.ProjectID, nil
}

// A token is "MIIsim" + base64url(JSON of its Token and a random nonce) +
// "." + hex(HMAC-SHA256 of that, keyed with State.TokenKey): it carries
// what it is scoped to and when it expires, and only this cloud can make
// one. So the state does not grow with logins (it once held every token
// issued: 20,000 logins made each login 32x slower), and every process
// sharing the state file checks any process's tokens.
const tokenPrefix = "MIIsim"

type tokenClaims struct {
	Token
	Nonce string `json:"n"`
}

// sealToken returns the token value for t, keyed with keyHex.
func sealToken(keyHex string, t Token) string {
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce)
	payload, _ := json.Marshal(tokenClaims{Token: t, Nonce: hex.EncodeToString(nonce)})
	p := base64.RawURLEncoding.EncodeToString(payload)
	return tokenPrefix + p + "." + tokenMAC(keyHex, p)
}

// openToken checks value's signature and returns the token it carries.
func openToken(keyHex, value string) (Token, bool) {
	rest, ok := strings.CutPrefix(value, tokenPrefix)
	if !ok || keyHex == "" {
		return Token{}, false
	}
	p, mac, ok := strings.Cut(rest, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(tokenMAC(keyHex, p))) {
		return Token{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return Token{}, false
	}
	var c tokenClaims
	if json.Unmarshal(payload, &c) != nil {
		return Token{}, false
	}
	return c.Token, true
}

func tokenMAC(keyHex, payload string) string {
	key, _ := hex.DecodeString(keyHex)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return hex.EncodeToString(m.Sum(nil))
}

// newTokenKey returns a random token-signing key (crypto/rand: tokens are
// secrets, not reproducible ids).
func newTokenKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// tokenRequest is the IAM password-auth body (3.2).
type tokenRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password *struct {
				User struct {
					ID       string    `json:"id,omitempty"`
					Name     string    `json:"name"`
					Password string    `json:"password"`
					Domain   *nameOrID `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope *struct {
			Project *struct {
				ID     string    `json:"id"`
				Name   string    `json:"name"`
				Domain *nameOrID `json:"domain,omitempty"`
			} `json:"project,omitempty"`
			Domain *nameOrID `json:"domain,omitempty"`
		} `json:"scope"`
	} `json:"auth"`
}

type nameOrID struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// handleTokens is POST /v3/auth/tokens.
func (s *Sim) handleTokens(c *Ctx) error {
	var req tokenRequest
	if e := decodeStrict(c.Body, &req); e != nil {
		return Errf(http.StatusBadRequest, e.Code, e.Message)
	}
	id := req.Auth.Identity
	hasPw := false
	for _, m := range id.Methods {
		hasPw = hasPw || m == "password"
	}
	if !hasPw || id.Password == nil {
		return Errf(http.StatusBadRequest, CodeInvalidParam, "auth.identity.methods must include \"password\" with auth.identity.password")
	}
	u := id.Password.User
	if u.Domain == nil || (u.Domain.ID == "" && u.Domain.Name == "") {
		return Errf(http.StatusBadRequest, CodeInvalidParam, "auth.identity.password.user.domain (name or id) is required")
	}
	// Find the tenant whose user, password and domain match.
	var matched []*ProjectConfig
	for i := range s.cfg.Projects {
		p := &s.cfg.Projects[i]
		if (u.Name == p.User || (u.ID != "" && u.ID == p.User)) && u.Password == p.Password &&
			(u.Domain.ID == p.DomainID || u.Domain.Name == p.DomainName) {
			matched = append(matched, p)
		}
	}
	if len(matched) == 0 {
		return Errf(http.StatusUnauthorized, CodeAuth, "the user name, password or domain is wrong")
	}
	tok := Token{User: matched[0].User, DomainID: matched[0].DomainID}
	var proj *ProjectConfig
	if sc := req.Auth.Scope; sc != nil && sc.Project != nil {
		for _, p := range matched {
			if (sc.Project.ID != "" && sc.Project.ID == p.ID) || (sc.Project.ID == "" && sc.Project.Name != "" && sc.Project.Name == p.Name) {
				proj = p
				break
			}
		}
		if proj == nil {
			return Errf(http.StatusUnauthorized, CodeAuth, "the user has no access to the requested project")
		}
		tok.ProjectID, tok.DomainID = proj.ID, proj.DomainID
	} else if sc != nil && sc.Domain != nil {
		if sc.Domain.ID != matched[0].DomainID && sc.Domain.Name != matched[0].DomainName {
			return Errf(http.StatusUnauthorized, CodeAuth, "the user has no access to the requested domain")
		}
	} else {
		return Errf(http.StatusBadRequest, CodeInvalidParam, "auth.scope.project or auth.scope.domain is required")
	}
	now := s.clock.Now().UTC()
	tok.ExpiresAt = now.Add(s.cfg.TokenTTL)
	// Tokens are signed, not stored; expired tokens of an older state file
	// are dropped here.
	for k, t := range s.state.Tokens {
		if !now.Before(t.ExpiresAt) {
			delete(s.state.Tokens, k)
			c.Dirty()
		}
	}
	if s.state.TokenKey == "" {
		s.state.TokenKey = newTokenKey()
		c.Dirty()
	}
	value := sealToken(s.state.TokenKey, tok)
	pc := matched[0]
	if proj != nil {
		pc = proj
	}
	body := map[string]any{
		"expires_at": tok.ExpiresAt.Format("2006-01-02T15:04:05.000000Z"),
		"issued_at":  now.Format("2006-01-02T15:04:05.000000Z"),
		"methods":    []string{"password"},
		"user": map[string]any{
			"id": pc.User, "name": pc.User,
			"domain": map[string]string{"id": pc.DomainID, "name": pc.DomainName},
		},
		"catalog": []any{},
	}
	if proj != nil {
		body["project"] = map[string]any{
			"id": proj.ID, "name": proj.Name,
			"domain": map[string]string{"id": proj.DomainID, "name": proj.DomainName},
		}
	} else {
		body["domain"] = map[string]string{"id": pc.DomainID, "name": pc.DomainName}
	}
	c.W.Header().Set("X-Subject-Token", value)
	return c.JSON(http.StatusCreated, map[string]any{"token": body})
}

// tokenExpiry is exposed for tests that need to step past it.
func (s *Sim) tokenExpiry() time.Duration { return s.cfg.TokenTTL }

// checkAKSK verifies an AK/SK signature (either variant, ecs/aksk) and maps
// the access key to a project: the X-Project-Id header when present, else
// the path's tenant, else the key's first project. A key may serve several
// projects of the same user.
func (s *Sim) checkAKSK(r *http.Request, body []byte) (string, *APIError) {
	ak, err := aksk.Verify(r, body, s.lookupSK, s.clock.Now(), s.cfg.SdkDateWindow)
	if err != nil {
		return "", akskError(err)
	}
	if len(body) > 0 && aksk.UnsignedPayload(r) {
		return "", unauthorized("the body of an AK/SK-signed request must be covered by the signature; X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD is accepted only without a body")
	}
	want := r.Header.Get("X-Project-Id")
	if want == "" {
		want = r.PathValue("tenant_id")
	}
	var first string
	for _, p := range s.cfg.Projects {
		if p.AK != ak {
			continue
		}
		if first == "" {
			first = p.ID
		}
		if want == "" || want == p.ID {
			return p.ID, nil
		}
	}
	if want != "" && first != "" {
		if r.Header.Get("X-Project-Id") != "" {
			return "", unauthorized("the access key has no access to the project in X-Project-Id")
		}
		// The path tenant is checked (403) by the pipeline.
		return first, nil
	}
	return first, nil
}

// lookupSK returns the secret key of access key ak.
func (s *Sim) lookupSK(ak string) (string, bool) {
	for _, p := range s.cfg.Projects {
		if p.AK != "" && p.AK == ak {
			return p.SK, true
		}
	}
	return "", false
}

// akskError is the 401 for a failed AK/SK check.
func akskError(err error) *APIError {
	switch {
	case errors.Is(err, aksk.ErrUnknownKey):
		return unauthorized("the access key is not known")
	case errors.Is(err, aksk.ErrExpired):
		return unauthorized("X-Sdk-Date is outside the accepted window of 15 minutes")
	case errors.Is(err, aksk.ErrBadDate):
		return unauthorized("X-Sdk-Date is missing or not in the form YYYYMMDDTHHMMSSZ")
	case errors.Is(err, aksk.ErrBadSignature):
		return unauthorized("the signature does not match the request")
	}
	return unauthorized("the Authorization header is malformed")
}
