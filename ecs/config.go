package ecs

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Config says where the API is and how to authenticate. Exactly one auth
// method is used: a pre-issued token when Token is set, else AK/SK when
// AccessKey is set, else an IAM password token.
//
// Secrets (Password, SecretKey, Token) are never printed: String and
// LogValue redact them, so a Config can be logged as a whole.
type Config struct {
	// Endpoint is the ECS endpoint, e.g. https://ecs.region0.example.com.
	Endpoint string
	// IAMEndpoint is the identity endpoint for token auth
	// (https://iam-apigateway-proxy.{external_global_domain_name}).
	IAMEndpoint string
	// VPCEndpoint is the VPC service's endpoint, e.g.
	// https://vpc.region0.example.com, used only by the read views that
	// resolve VPC, subnet and security group names to ids (vpc.go). Empty
	// means Endpoint: on a real cloud the VPC service has its own endpoint,
	// in the simulator every service shares one.
	VPCEndpoint string
	// EVSEndpoint is the storage (EVS) service's endpoint, e.g.
	// https://evs.region0.example.com, used only to create shared volumes,
	// which the ECS API's volume create (5.8.10) cannot make. Empty means
	// Endpoint, as in the simulator.
	EVSEndpoint string
	// ProjectID is the project (tenant_id) every path is scoped to.
	ProjectID string
	// ProjectName names the project instead of ProjectID, with IAM password
	// auth only: Open scopes the token request by the project's name (and
	// the user's domain) and takes the id from the token. AK/SK and a
	// pre-issued token need ProjectID: the reference has no call that turns
	// a name into an id for them. When both are set, ProjectID is used.
	ProjectName string
	// Region is informational (logs, display). The scoped AK/SK variant signs
	// with an empty region and service, as the production client does for ECS.
	Region string

	// Token auth (3.2): user name, password and the user's domain name.
	Username   string
	Password   string
	DomainName string

	// Token is a pre-issued, project-scoped IAM token, sent as X-Auth-Token
	// as it is. Nothing refreshes it: a call it no longer opens (expired,
	// revoked) fails with a *TokenRejectedError. It needs ProjectID.
	Token string

	// AK/SK auth (3.2; the signing: docs/api-notes.md, Client).
	AccessKey string
	SecretKey string
	// ScopedSigning selects the older Credential=AK/scope signature variant.
	ScopedSigning bool

	// TLS: verification is on unless InsecureSkipVerify is set explicitly.
	CAFile             string
	InsecureSkipVerify bool

	// Timeout bounds one HTTP attempt (default 60 s).
	Timeout time.Duration
	// UserAgent is sent on every request (default "ecsfleet").
	UserAgent string
	// Retry is the transport's retry policy (zero value = DefaultRetryPolicy).
	Retry RetryPolicy
	// OnRetry, if set, is called before every retry the transport makes
	// (throttled or transient), so a caller can report it and slow down.
	// It must be quick and safe for concurrent use.
	OnRetry func(RetryInfo)
	// MaxConnsPerHost bounds concurrent connections to one endpoint (default 64).
	MaxConnsPerHost int

	// HTTPClient, if set, is used instead of one built from the fields above
	// (tests pass an httptest server's client).
	HTTPClient *http.Client
}

const redacted = "[REDACTED]"

// String renders the configuration with secrets redacted.
func (c Config) String() string {
	auth := "none"
	switch {
	case c.Token != "":
		auth = "pre-issued token(" + redacted + ")"
	case c.AccessKey != "":
		auth = fmt.Sprintf("aksk(ak=%s, sk=%s)", c.AccessKey, redactIfSet(c.SecretKey))
	case c.Username != "":
		auth = fmt.Sprintf("token(user=%s, domain=%s, password=%s)", c.Username, c.DomainName, redactIfSet(c.Password))
	}
	return fmt.Sprintf("ecs.Config{endpoint=%s iam=%s vpc=%s evs=%s project=%s project_name=%s region=%s auth=%s insecure=%t}",
		c.Endpoint, c.IAMEndpoint, c.VPCEndpoint, c.EVSEndpoint, c.ProjectID, c.ProjectName, c.Region, auth, c.InsecureSkipVerify)
}

// GoString keeps %#v from printing secrets too.
func (c Config) GoString() string { return c.String() }

// LogValue implements slog.LogValuer with secrets redacted.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("endpoint", c.Endpoint),
		slog.String("iam_endpoint", c.IAMEndpoint),
		slog.String("vpc_endpoint", c.VPCEndpoint),
		slog.String("evs_endpoint", c.EVSEndpoint),
		slog.String("project_id", c.ProjectID),
		slog.String("project_name", c.ProjectName),
		slog.String("region", c.Region),
		slog.String("username", c.Username),
		slog.String("password", redactIfSet(c.Password)),
		slog.String("access_key", c.AccessKey),
		slog.String("secret_key", redactIfSet(c.SecretKey)),
		slog.String("token", redactIfSet(c.Token)),
		slog.Bool("insecure_skip_verify", c.InsecureSkipVerify),
	)
}

func redactIfSet(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// validate reports what is missing, naming fields, never values.
func (c *Config) validate() error {
	var errs []error
	if _, err := parseEndpoint(c.Endpoint); err != nil {
		errs = append(errs, fmt.Errorf("endpoint: %w", err))
	}
	if c.VPCEndpoint != "" {
		if _, err := parseEndpoint(c.VPCEndpoint); err != nil {
			errs = append(errs, fmt.Errorf("VPC endpoint: %w", err))
		}
	}
	if c.EVSEndpoint != "" {
		if _, err := parseEndpoint(c.EVSEndpoint); err != nil {
			errs = append(errs, fmt.Errorf("EVS endpoint: %w", err))
		}
	}
	if c.ProjectID == "" {
		switch {
		case c.ProjectName == "":
			errs = append(errs, errors.New("project id (tenant_id) is required"))
		case c.Token != "" || c.AccessKey != "" || c.SecretKey != "":
			errs = append(errs, errors.New("a project name is resolved to its id only with IAM password auth; AK/SK and a pre-issued token need the project id"))
		}
	}
	switch {
	case c.Token != "":
		// A pre-issued token needs nothing else.
	case c.AccessKey != "" || c.SecretKey != "":
		if c.AccessKey == "" || c.SecretKey == "" {
			errs = append(errs, errors.New("AK/SK auth needs both the access key and the secret key"))
		}
	case c.Username != "" || c.Password != "":
		if c.Username == "" || c.Password == "" || c.DomainName == "" {
			errs = append(errs, errors.New("token auth needs user name, password and domain name"))
		}
		if _, err := parseEndpoint(c.IAMEndpoint); err != nil {
			errs = append(errs, fmt.Errorf("IAM endpoint: %w", err))
		}
	default:
		errs = append(errs, errors.New("no credentials: set an AK/SK pair, user name, password and domain, or a pre-issued token"))
	}
	return errors.Join(errs...)
}

func parseEndpoint(s string) (*url.URL, error) {
	if s == "" {
		return nil, errors.New("is empty")
	}
	u, err := url.Parse(strings.TrimRight(s, "/"))
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http(s) URL", s)
	}
	return u, nil
}

// httpClient builds the one shared client: a tuned Transport so that many
// concurrent calls reuse connections instead of opening new ones.
func (c *Config) httpClient() (*http.Client, error) {
	if c.HTTPClient != nil {
		return c.HTTPClient, nil
	}
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: c.InsecureSkipVerify} //nolint:gosec // explicit opt-in
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("ecs: reading CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ecs: CA file %s holds no PEM certificate", c.CAFile)
		}
		tlsConf.RootCAs = pool
	}
	conns := c.MaxConnsPerHost
	if conns <= 0 {
		conns = 64
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsConf
	tr.MaxIdleConns = conns * 2
	tr.MaxIdleConnsPerHost = conns
	tr.MaxConnsPerHost = conns
	tr.IdleConnTimeout = 90 * time.Second
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	return &http.Client{Transport: tr, Timeout: timeout}, nil
}
