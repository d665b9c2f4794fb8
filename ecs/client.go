package ecs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client is a typed HCS 8.3.0 ECS API client. It is safe for concurrent use;
// create one per project and share it (it owns one connection pool and one
// token).
type Client struct {
	cfg     Config
	hc      *http.Client
	base    string // ECS endpoint, no trailing slash
	vpcBase string // VPC endpoint (Config.VPCEndpoint, else base), no trailing slash
	evsBase string // EVS endpoint (Config.EVSEndpoint, else base), no trailing slash
	project string
	auth    authenticator
	retry   RetryPolicy
	ua      string
	now     func() time.Time
}

// New validates cfg and builds a client. It does not call the API (the token
// is fetched on first use), so it needs the project's id: a configuration
// that names its project by name only is for Open.
func New(cfg Config) (*Client, error) {
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	if c.project == "" {
		return nil, errors.New("ecs: invalid configuration: the project is given by name only; Open resolves it to its id")
	}
	return c, nil
}

// Open is New for a configuration that may name its project by name
// (ProjectName without ProjectID, IAM password auth): it asks IAM for a
// token scoped to the project by name and takes the project's id from the
// token, so the client is scoped to an id before it is used. With
// ProjectID set it is New and calls nothing.
func Open(ctx context.Context, cfg Config) (*Client, error) {
	c, err := newClient(cfg)
	if err != nil || c.project != "" {
		return c, err
	}
	t, ok := c.auth.(*tokenAuth) // validate allows a name alone with password auth only
	if !ok {
		return nil, errors.New("ecs: invalid configuration: a project name needs IAM password auth")
	}
	if _, err := t.get(ctx); err != nil {
		return nil, err
	}
	t.mu.Lock()
	id := t.project
	t.mu.Unlock()
	if id == "" {
		return nil, fmt.Errorf("ecs: IAM issued a token for project %q without the project's id", cfg.ProjectName)
	}
	// The client is not shared yet: nothing reads these concurrently.
	c.project, c.cfg.ProjectID, t.cfg.ProjectID = id, id, id
	return c, nil
}

func newClient(cfg Config) (*Client, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("ecs: invalid configuration: %w", err)
	}
	hc, err := cfg.httpClient()
	if err != nil {
		return nil, err
	}
	c := &Client{
		cfg:     cfg,
		hc:      hc,
		base:    strings.TrimRight(cfg.Endpoint, "/"),
		vpcBase: strings.TrimRight(cfg.VPCEndpoint, "/"),
		evsBase: strings.TrimRight(cfg.EVSEndpoint, "/"),
		project: cfg.ProjectID,
		retry:   cfg.Retry.withDefaults(),
		ua:      cfg.UserAgent,
		now:     time.Now,
	}
	if c.ua == "" {
		c.ua = "ecsfleet"
	}
	if c.vpcBase == "" {
		c.vpcBase = c.base
	}
	if c.evsBase == "" {
		c.evsBase = c.base
	}
	switch {
	case cfg.Token != "":
		c.auth = &staticTokenAuth{token: cfg.Token}
	case cfg.AccessKey != "":
		c.auth = &akskAuth{ak: cfg.AccessKey, sk: cfg.SecretKey, scoped: cfg.ScopedSigning, now: c.now}
	default:
		c.auth = newTokenAuth(c, cfg)
	}
	return c, nil
}

// ProjectID returns the project (tenant_id) the client is scoped to.
func (c *Client) ProjectID() string { return c.project }

// p builds a path with the project id: p("/v1/%s/cloudservers") etc. Every
// further argument is path-escaped.
func (c *Client) p(format string, args ...string) string {
	esc := make([]any, 0, len(args)+1)
	esc = append(esc, url.PathEscape(c.project))
	for _, a := range args {
		esc = append(esc, url.PathEscape(a))
	}
	return fmt.Sprintf(format, esc...)
}

// request describes one API call.
type request struct {
	method string
	base   string // endpoint; "" = ECS (IAM and VPC calls set theirs)
	path   string // escaped path
	query  url.Values
	in     any // JSON body, nil = none
	out    any // decoded from a 2xx body when non-nil and the body is non-empty
	noAuth bool
	// idempotent marks a request that may be repeated after an ambiguous
	// failure (GET, and the IAM token request).
	idempotent bool
	header     http.Header
}

// response is what a call returns besides the decoded body.
type response struct {
	status int
	header http.Header
}

// NetError is a network failure (connection reset, EOF, timeout) of a request
// that the transport did not retry, because it was not a read: the server may
// or may not have applied it, and the caller decides what to do.
type NetError struct {
	Method, Path string
	Err          error
}

func (e *NetError) Error() string {
	return fmt.Sprintf("ecs: %s %s: %v (the request may or may not have been applied)", e.Method, e.Path, e.Err)
}

// Unwrap returns the network error.
func (e *NetError) Unwrap() error { return e.Err }

// do runs one call with auth, retries and error decoding.
func (c *Client) do(ctx context.Context, r request) (*response, error) {
	var body []byte
	if r.in != nil {
		var err error
		if body, err = json.Marshal(r.in); err != nil {
			return nil, fmt.Errorf("ecs: encoding %s %s: %w", r.method, r.path, err)
		}
	}
	base := r.base
	if base == "" {
		base = c.base
	}
	idempotent := r.idempotent || r.method == http.MethodGet || r.method == http.MethodHead
	reauthed := false
	for attempt := 1; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, r.method, base+r.path, bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("ecs: building %s %s: %w", r.method, r.path, err)
		}
		if len(r.query) > 0 {
			req.URL.RawQuery = r.query.Encode()
		}
		if body == nil {
			req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", c.ua)
		for k, v := range r.header {
			req.Header[k] = v
		}
		var usedToken string
		if !r.noAuth {
			if usedToken, err = c.auth.authorize(ctx, req, body); err != nil {
				return nil, err
			}
			req.Header.Set("X-Project-Id", c.project)
		}
		resp, err := c.hc.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if idempotent && attempt < c.retry.MaxAttempts && isNetworkError(err) {
				if err := c.pause(ctx, r, Transient, attempt, 0, err); err != nil {
					return nil, err
				}
				continue
			}
			return nil, &NetError{Method: r.method, Path: r.path, Err: err}
		}
		if resp.StatusCode >= 400 {
			apiErr := decodeErrorMasked(resp, r.method, r.path, c.secretsOf(body, usedToken))
			resp.Body.Close()
			if resp.StatusCode == http.StatusUnauthorized && !r.noAuth && !reauthed && c.auth.invalidate(usedToken) {
				reauthed = true // a token may expire early or be revoked: re-authenticate once
				attempt--
				continue
			}
			if _, static := c.auth.(*staticTokenAuth); static && resp.StatusCode == http.StatusUnauthorized && !r.noAuth {
				return nil, &TokenRejectedError{Err: apiErr}
			}
			if _, signed := c.auth.(*akskAuth); signed && resp.StatusCode == http.StatusUnauthorized && !r.noAuth {
				if skew, ok := clockSkew(req, resp); ok && (skew > clockSkewThreshold || skew < -clockSkewThreshold) {
					return nil, &ClockSkewError{Err: apiErr, Skew: skew}
				}
			}
			if attempt < c.retry.MaxAttempts {
				switch Classify(apiErr) {
				case Throttled:
					if err := c.pause(ctx, r, Throttled, attempt, time.Duration(apiErr.RetryAfter)*time.Second, apiErr); err != nil {
						return nil, err
					}
					continue
				case Transient:
					if idempotent {
						if err := c.pause(ctx, r, Transient, attempt, 0, apiErr); err != nil {
							return nil, err
						}
						continue
					}
				}
			}
			return nil, apiErr
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			if idempotent && attempt < c.retry.MaxAttempts {
				if err := c.pause(ctx, r, Transient, attempt, 0, err); err != nil {
					return nil, err
				}
				continue
			}
			return nil, &NetError{Method: r.method, Path: r.path, Err: err}
		}
		if r.out != nil && len(bytes.TrimSpace(data)) > 0 {
			if err := json.Unmarshal(data, r.out); err != nil {
				return nil, fmt.Errorf("ecs: decoding the answer of %s %s (HTTP %d): %w", r.method, r.path, resp.StatusCode, err)
			}
		}
		return &response{status: resp.StatusCode, header: resp.Header}, nil
	}
}

// pause waits before retrying r, after telling Config.OnRetry.
func (c *Client) pause(ctx context.Context, r request, class Class, attempt int, retryAfter time.Duration, err error) error {
	d := c.retry.backoff(attempt, retryAfter)
	if c.cfg.OnRetry != nil {
		c.cfg.OnRetry(RetryInfo{Method: r.method, Path: r.path, Class: class, Attempt: attempt, Delay: d, Err: err})
	}
	return sleepCtx(ctx, d)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// JobResponse is the body of every job-returning call: {"job_id": "..."}.
// Accepted is true when the API answered 202 ("submitted, delayed because the
// system is busy"): still a success.
type JobResponse struct {
	JobID    string     `json:"job_id"`
	Error    *JobErrRef `json:"error,omitempty"`
	Accepted bool       `json:"-"`
}

// JobErrRef is the optional error object of a 200/202 job answer (5.2.1).
type JobErrRef struct {
	Code    FlexString `json:"code"`
	Message string     `json:"message"`
}

// ErrNoJobID is returned when a job-returning call answered 2xx without a job id.
var ErrNoJobID = errors.New("ecs: the answer carries no job_id")

func (c *Client) doJob(ctx context.Context, r request) (*JobResponse, error) {
	jr, err := c.optionalJob(ctx, r)
	if err == nil && jr.JobID == "" {
		return jr, fmt.Errorf("%w (%s %s)", ErrNoJobID, r.method, r.path)
	}
	return jr, err
}
