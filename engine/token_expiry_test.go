package engine

import (
	"testing"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
)

// TestTokenExpiresDuringApply: with IAM tokens that live 0.3 seconds,
// an apply that takes seconds outlives many of them; the client
// replaces each before it expires (or after a 401), reuses it until then,
// and the run finishes without a failure.
func TestTokenExpiresDuringApply(t *testing.T) {
	const ttl = 300 * time.Millisecond
	cl := newCloud(t, func(c *sim.Config) { c.TimeScale = 30; c.TokenTTL = ttl })
	hs := cl.hs
	c, err := ecs.New(ecs.Config{Endpoint: hs.URL, IAMEndpoint: hs.URL, ProjectID: hs.ProjectID,
		Username: hs.User, Password: hs.Password, DomainName: hs.DomainName,
		Retry: ecs.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}, OnRetry: cl.eng.OnRetry})
	if err != nil {
		t.Fatal(err)
	}
	cl.c = c
	f := loadExample(t, "quickstart.yaml")
	start := time.Now()
	res := cl.apply(t, f)
	took := time.Since(start)
	cl.mustConverge(t, f, res)
	logins := hs.Sim.Calls("POST /v3/auth/tokens")
	if took < 4*ttl || logins < 2 {
		t.Fatalf("the apply took %s with %d logins: it did not outlive its tokens, the test proves nothing", took, logins)
	}
	calls := 0
	for _, e := range hs.Sim.Stats() {
		calls += e.Count
	}
	calls -= logins
	// A token is used until a quarter of its life is left, not fetched
	// again for every call.
	if 2*logins > calls {
		t.Fatalf("%d logins for %d calls: tokens are not reused", logins, calls)
	}
	t.Logf("apply took %s; %d tokens for %d calls", took.Round(time.Millisecond), logins, calls)
}
