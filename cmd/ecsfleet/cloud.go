package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
	"github.com/ecsfleet/ecsfleet/plan"
)

// simStateFile is where the embedded simulator keeps its cloud, relative to
// the working directory, so plan → apply → plan sees one cloud.
var simStateFile = filepath.Join(".ecsfleet", "sim-state.json")

// simTimeScale runs the embedded simulator's jobs 100 times faster than
// the documented durations: a 60 s create takes 0.6 s, so the quickstart
// finishes in about a second and its progress can be watched.
const simTimeScale = 100

// reachTimeout bounds the check that the endpoint answers at all, so an
// unreachable cloud fails in seconds instead of after the client's retries
// (six attempts, each up to 60 s on an address that drops packets).
const reachTimeout = 10 * time.Second

// cloudEnv lists the environment variables that say where the cloud is;
// the commands' help prints it.
const cloudEnv = `Cloud (environment):
  HCS_ECS_ENDPOINT    ECS endpoint, e.g. https://ecs.region0.example.com; when unset
                      the embedded simulator is used, its state in .ecsfleet/sim-state.json
  HCS_PROJECT_ID      project (tenant) id
  HCS_REGION_NAME     region name (informational)
  HCS_ACCESS_KEY, HCS_SECRET_KEY
                      AK/SK authentication, or else:
  HCS_USER_NAME, HCS_USER_PASSWORD, HCS_DOMAIN_NAME, HCS_AUTH_URL
                      IAM token authentication (HCS_AUTH_URL is the IAM endpoint)
  HCS_CACERT_FILE     PEM file of the CA that signed the endpoints' certificates
  HCS_INSECURE        true or 1 skips TLS verification (test clouds only)
  ECSFLEET_CLOUD_TIME_SCALE
                      for a simulator running N times faster than real time
                      ('ecsfleet sim serve' prints it): job waits shrink to match
`

// cloud is the API a command talks to: a configured HCS endpoint or the
// embedded simulator. Close releases it when the command ends.
type cloud struct {
	client *ecs.Client
	// endpoint and iamEndpoint are where the API is, for messages.
	endpoint, iamEndpoint string
	// simulated is true for the embedded simulator.
	simulated bool
	// timeScale is how much faster than real time the cloud runs (1 for
	// a real cloud): the engine's job waits are divided by it.
	timeScale float64
	close     func()
}

func (c *cloud) Close() {
	if c.close != nil {
		c.close()
	}
}

// connect finds the cloud: HCS_ECS_ENDPOINT and its companions when set,
// else the embedded simulator (saying so in one line on stderr). project is
// the fleet's project, the simulator's project name when set. Credentials
// are never part of a message.
// Each tune adjusts the client's configuration before it is built (the
// engine hooks its retry observer in).
func connect(ctx context.Context, getenv func(string) string, project string, stderr io.Writer, tune ...func(*ecs.Config)) (*cloud, error) {
	endpoint := getenv("HCS_ECS_ENDPOINT")
	if endpoint == "" {
		return startSim(project, stderr, tune)
	}
	cfg := ecs.Config{
		Endpoint:    endpoint,
		IAMEndpoint: getenv("HCS_AUTH_URL"),
		ProjectID:   getenv("HCS_PROJECT_ID"),
		Region:      getenv("HCS_REGION_NAME"),
		AccessKey:   getenv("HCS_ACCESS_KEY"),
		SecretKey:   getenv("HCS_SECRET_KEY"),
		Username:    getenv("HCS_USER_NAME"),
		Password:    getenv("HCS_USER_PASSWORD"),
		DomainName:  getenv("HCS_DOMAIN_NAME"),
		CAFile:      getenv("HCS_CACERT_FILE"),
		UserAgent:   "ecsfleet/" + buildVersion(),
	}
	for _, t := range tune {
		t(&cfg)
	}
	var bad []string
	if cfg.ProjectID == "" {
		bad = append(bad, "no project id: set HCS_PROJECT_ID")
	}
	switch {
	case cfg.AccessKey != "" || cfg.SecretKey != "":
		if cfg.AccessKey == "" {
			bad = append(bad, "no access key for the secret key: set HCS_ACCESS_KEY")
		}
		if cfg.SecretKey == "" {
			bad = append(bad, "no secret key for the access key: set HCS_SECRET_KEY")
		}
	case cfg.Username != "" || cfg.Password != "" || cfg.DomainName != "":
		for _, v := range []struct{ val, what, env string }{
			{cfg.Username, "user name", "HCS_USER_NAME"},
			{cfg.Password, "password", "HCS_USER_PASSWORD"},
			{cfg.DomainName, "domain name", "HCS_DOMAIN_NAME"},
			{cfg.IAMEndpoint, "IAM endpoint", "HCS_AUTH_URL"},
		} {
			if v.val == "" {
				bad = append(bad, "no "+v.what+" for token authentication: set "+v.env)
			}
		}
	default:
		bad = append(bad, "no credentials: set HCS_ACCESS_KEY and HCS_SECRET_KEY (AK/SK), or HCS_USER_NAME, HCS_USER_PASSWORD, HCS_DOMAIN_NAME and HCS_AUTH_URL (IAM token)")
	}
	switch strings.ToLower(getenv("HCS_INSECURE")) {
	case "", "0", "false":
	case "1", "true":
		cfg.InsecureSkipVerify = true
	default:
		bad = append(bad, "HCS_INSECURE is neither true, 1, false nor 0")
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("HCS_ECS_ENDPOINT is set, but the cloud configuration is not usable:\n  - %s", strings.Join(bad, "\n  - "))
	}
	client, err := ecs.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("cannot use the cloud configuration (HCS_* variables): %w", err)
	}
	if err := reachable(ctx, "the ECS endpoint", endpoint, "HCS_ECS_ENDPOINT"); err != nil {
		return nil, err
	}
	if cfg.AccessKey == "" {
		if err := reachable(ctx, "the IAM endpoint", cfg.IAMEndpoint, "HCS_AUTH_URL"); err != nil {
			return nil, err
		}
	}
	scale := 1.0
	if v := getenv("ECSFLEET_CLOUD_TIME_SCALE"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 1 || f > 1e6 {
			return nil, fmt.Errorf("ECSFLEET_CLOUD_TIME_SCALE=%q is not a number from 1 to 1000000", v)
		}
		scale = f
	}
	return &cloud{client: client, endpoint: endpoint, iamEndpoint: cfg.IAMEndpoint, timeScale: scale}, nil
}

// startSim starts the embedded simulator on a free loopback port, its
// state in .ecsfleet/sim-state.json of the working directory.
func startSim(project string, stderr io.Writer, tune []func(*ecs.Config)) (*cloud, error) {
	if err := os.MkdirAll(filepath.Dir(simStateFile), 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the embedded simulator's directory: %w", err)
	}
	cfg := sim.DefaultConfig()
	cfg.StateFile = simStateFile
	cfg.TimeScale = simTimeScale
	if project != "" {
		cfg.Projects[0].Name = project
	}
	hs, err := sim.StartAddr("127.0.0.1:0", cfg)
	if err != nil {
		return nil, fmt.Errorf("cannot start the embedded simulator (state in %s): %w", simStateFile, err)
	}
	ccfg := ecs.Config{
		Endpoint: hs.URL, ProjectID: hs.ProjectID, Region: hs.Region,
		AccessKey: hs.AK, SecretKey: hs.SK, UserAgent: "ecsfleet/" + buildVersion(),
	}
	for _, t := range tune {
		t(&ccfg)
	}
	client, err := ecs.New(ccfg)
	if err != nil {
		hs.Close()
		return nil, fmt.Errorf("cannot connect to the embedded simulator: %w", err)
	}
	fmt.Fprintf(stderr, "ecsfleet: no cloud configured (HCS_ECS_ENDPOINT unset); using the embedded simulator, state in %s\n", simStateFile)
	return &cloud{client: client, endpoint: hs.URL, simulated: true, timeScale: simTimeScale, close: func() { _ = hs.Close() }}, nil
}

// reachable checks that endpoint accepts a TCP connection, unless a proxy
// carries the requests (then only the proxy could tell).
func reachable(ctx context.Context, what, endpoint, envVar string) error {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return nil // ecs.New has judged the URL already
	}
	if proxy, err := http.ProxyFromEnvironment(&http.Request{URL: u}); err != nil || proxy != nil {
		return nil
	}
	host := u.Host
	if u.Port() == "" {
		port := "443"
		if u.Scheme == "http" {
			port = "80"
		}
		host = net.JoinHostPort(u.Hostname(), port)
	}
	d := net.Dialer{Timeout: reachTimeout}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("cannot reach %s %s (%s); check %s and the network", what, endpoint, dialReason(err), envVar)
	}
	conn.Close()
	return nil
}

// dialReason is the part of a dial error a person needs ("connection
// refused", "i/o timeout", "no such host").
func dialReason(err error) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "no such host " + dnsErr.Name
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		var sys *os.SyscallError
		if errors.As(op.Err, &sys) {
			return sys.Err.Error()
		}
		return op.Err.Error()
	}
	return err.Error()
}

// explain turns an error met while reading the cloud into one message: a
// network failure names the endpoint and what to check; anything else
// (an API error, a refused credential) is the error's own message.
func (c *cloud) explain(err error) string {
	var ne *ecs.NetError
	if !errors.As(err, &ne) {
		return err.Error()
	}
	what := "cannot reach the cloud"
	var re *plan.ReadError
	if errors.As(err, &re) {
		what = "cannot read " + re.What
	}
	if c.simulated {
		return fmt.Sprintf("%s: the embedded simulator at %s did not answer (%s)", what, c.endpoint, dialReason(ne.Err))
	}
	endpoint, env := c.endpoint, "HCS_ECS_ENDPOINT"
	if strings.HasSuffix(ne.Path, "/v3/auth/tokens") {
		endpoint, env = c.iamEndpoint, "HCS_AUTH_URL"
	}
	return fmt.Sprintf("%s: %s did not answer (%s); check %s and the network", what, endpoint, dialReason(ne.Err), env)
}
