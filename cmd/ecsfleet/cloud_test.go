package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/plan"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// A configured cloud with everything set is a client for that endpoint, and
// the embedded simulator is not started (nothing on stderr, no state dir).
func TestConnectConfigured(t *testing.T) {
	t.Chdir(t.TempDir())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	endpoint := "http://" + ln.Addr().String()
	var stderr bytes.Buffer
	c, err := connect(context.Background(), cloudFlags{}, envOf(map[string]string{
		"HCS_ECS_ENDPOINT": endpoint, "HCS_PROJECT_ID": "p1",
		"HCS_ACCESS_KEY": "AK", "HCS_SECRET_KEY": "SK", "HCS_INSECURE": "1",
	}), "fleet-project", &stderr)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer c.Close()
	if c.simulated || c.endpoint != endpoint || c.client.ProjectID() != "p1" {
		t.Errorf("cloud = simulated %v, endpoint %q, project %q; want the configured one", c.simulated, c.endpoint, c.client.ProjectID())
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr = %q, want nothing", stderr.String())
	}
	if _, err := os.Stat(".ecsfleet"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf(".ecsfleet exists (%v): the simulator was started", err)
	}
}

// Token auth needs its four variables; the password is in no message.
func TestConnectTokenIncomplete(t *testing.T) {
	_, err := connect(context.Background(), cloudFlags{}, envOf(map[string]string{
		"HCS_ECS_ENDPOINT": "http://127.0.0.1:1", "HCS_PROJECT_ID": "p1",
		"HCS_USER_PASSWORD": "SECRETPW", "HCS_DOMAIN_NAME": "dom",
	}), "", &bytes.Buffer{})
	if err == nil {
		t.Fatal("connect succeeded without a user name and an IAM endpoint")
	}
	msg := err.Error()
	for _, want := range []string{"no user name for IAM password authentication: set --user-name, HCS_USER_NAME or the config file's user-name",
		"no IAM endpoint for IAM password authentication: set --auth-url, HCS_AUTH_URL or the config file's auth-url"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "SECRETPW") || strings.Contains(msg, "HCS_PROJECT_ID") {
		t.Errorf("error %q shows the password or names a variable that is set", msg)
	}
}

// The embedded simulator keeps its state in .ecsfleet (mode 0700), takes
// the fleet's project as its project name, and says so in one line.
func TestConnectSimulator(t *testing.T) {
	t.Chdir(t.TempDir())
	var stderr bytes.Buffer
	c, err := connect(context.Background(), cloudFlags{}, envOf(nil), "shop-prod", &stderr)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer c.Close()
	want := "ecsfleet: no cloud configured (HCS_ECS_ENDPOINT unset); using the embedded simulator, state in .ecsfleet/sim-state.json\n"
	if stderr.String() != want {
		t.Errorf("stderr = %q, want %q", stderr.String(), want)
	}
	st, err := os.Stat(".ecsfleet")
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o700 {
		t.Errorf(".ecsfleet mode = %v, want 0700", st.Mode().Perm())
	}
	if !c.simulated {
		t.Error("not marked simulated")
	}
	kps, err := c.client.ListKeypairs(context.Background())
	if err != nil || len(kps) != 0 {
		t.Errorf("ListKeypairs on the fresh simulator = %v, %v; want none", kps, err)
	}
	if _, err := os.Stat(filepath.Join(".ecsfleet", "sim-state.json")); err != nil {
		t.Errorf("no state file: %v", err)
	}
}

// A network failure met while reading (after the reachability check
// passed) names the endpoint and what to check; the IAM endpoint when it
// was the token request that failed.
func TestExplainNetworkFailure(t *testing.T) {
	refused := &url.Error{Op: "Get", URL: "http://x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}
	c := &cloud{endpoint: "https://ecs.example.com", iamEndpoint: "https://iam.example.com"}
	err := &plan.ReadError{What: "servers", Err: &ecs.NetError{Method: "GET", Path: "/v1/p1/cloudservers/detail", Err: refused}}
	if got, want := c.explain(err), "cannot read servers: https://ecs.example.com did not answer (connection refused); check HCS_ECS_ENDPOINT and the network"; got != want {
		t.Errorf("explain = %q\nwant      %q", got, want)
	}
	err = &plan.ReadError{What: "keypairs", Err: &ecs.NetError{Method: "POST", Path: "/v3/auth/tokens", Err: refused}}
	if got, want := c.explain(err), "cannot read keypairs: https://iam.example.com did not answer (connection refused); check HCS_AUTH_URL and the network"; got != want {
		t.Errorf("explain = %q\nwant      %q", got, want)
	}
	other := errors.New("ecs: GET /v1/p1/os-keypairs: HTTP 403 Ecs.0001: forbidden")
	if got := c.explain(&plan.ReadError{What: "keypairs", Err: other}); got != "cannot read keypairs: "+other.Error() {
		t.Errorf("explain of an API error = %q, want the error itself", got)
	}
}
