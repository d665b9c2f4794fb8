package plan

import (
	"context"
	"errors"
	"strings"
	"testing"
)

const lockTestKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO/6+WwPZ+wTUkjbbGm/fN6Yd7YgcTSuC43Jo4ci2iPC ecsfleet-lock v=1 fleet=web run=r1"

// The run lock of a fleet is a keypair (docs/locking.md). While an apply
// holds it, it exists in the cloud under a name the fleet file may name
// too: the planner must never plan to adopt it (a server would be made
// with a key nobody has) or to create it.
func TestPlanNeverAdoptsTheLockKeypair(t *testing.T) {
	cl := newCloud(t)
	ctx := context.Background()
	// The lock of fleet web, as an apply holding it has made it.
	if _, err := cl.c.CreateKeypair(ctx, LockKeypairName("web"), lockTestKey); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, src string }{
		{"declared", `name: web
keypairs:
  - name: ` + LockKeypairName("web") + `
    public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO/6+WwPZ+wTUkjbbGm/fN6Yd7YgcTSuC43Jo4ci2iPC test
`},
		{"another fleet's lock", `name: db
keypairs:
  - name: ` + LockKeypairName("web") + `
    public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO/6+WwPZ+wTUkjbbGm/fN6Yd7YgcTSuC43Jo4ci2iPC test
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := loadFleet(t, "fleet.yaml", tc.src)
			p, err := Make(ctx, cl.c, f, Options{Now: fixedNow})
			var probs Problems
			if !errors.As(err, &probs) {
				if p != nil {
					for _, c := range p.Changes {
						t.Logf("change: %s %s %s", c.Action, c.Kind, c.Name)
					}
				}
				t.Fatalf("plan of a fleet naming the lock keypair: %v, want a problem", err)
			}
			if !strings.Contains(err.Error(), "reserved") || !strings.Contains(err.Error(), LockKeypairName("web")) {
				t.Errorf("the problem does not say the name is reserved for the lock: %v", err)
			}
		})
	}
}

func TestLockKeypairNames(t *testing.T) {
	for _, fleet := range []string{"web", "web-tier_2", "web.tier", "网站", strings.Repeat("a", 43), strings.Repeat("日", 43)} {
		n := LockKeypairName(fleet)
		if !IsLockKeypair(n) || !strings.HasPrefix(n, LockKeypairPrefix) {
			t.Errorf("LockKeypairName(%q) = %q: not recognized as a lock", fleet, n)
		}
		if len(n) > 64-len("b-12345678-999") {
			t.Errorf("LockKeypairName(%q) = %q: %d characters leaves no room for a break ticket's suffix", fleet, n, len(n))
		}
		for _, r := range n {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				t.Errorf("LockKeypairName(%q) = %q has %q, outside a keypair name's characters", fleet, n, r)
			}
		}
	}
	if LockKeypairName("web.tier") == LockKeypairName("web_tier") {
		t.Errorf("fleets web.tier and web_tier share a lock name")
	}
	if IsLockKeypair("web-key") {
		t.Errorf("an ordinary keypair is taken for a lock")
	}
}
