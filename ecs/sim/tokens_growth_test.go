package sim

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Logins do not grow the state: a token is checked by its signature, not
// looked up in a table every login adds to, so the state file (rewritten
// on every login) stays the same size however many logins there are, and
// every token stays valid for its 24 hours.
func TestLoginsDoNotGrowState(t *testing.T) {
	file := filepath.Join(t.TempDir(), "cloud.json")
	ts := newTestSim(t, func(c *Config) { c.StateFile = file })
	first := ts.token
	size := func() int64 {
		fi, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	var last string
	for range 300 {
		last = ts.login()
	}
	if grew := size() - before; grew > 512 {
		t.Fatalf("300 logins grew the state file by %d bytes (%d -> %d)", grew, before, size())
	}
	for _, tok := range []string{first, last} {
		resp := ts.raw("GET", ts.v1("/cloudservers/detail?limit=1"), nil, http.Header{"X-Auth-Token": {tok}})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("token after 300 logins: %d", resp.StatusCode)
		}
	}
	// A token is refused once it expires, and a forged or altered one always.
	bad := []string{last[:len(last)-1] + "0", last + "0", "MIIsim" + last[6:10], "MIIsimx.y"}
	if last[len(last)-1] == '0' {
		bad[0] = last[:len(last)-1] + "1"
	}
	for _, tok := range bad {
		resp := ts.raw("GET", ts.v1("/cloudservers/detail?limit=1"), nil, http.Header{"X-Auth-Token": {tok}})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("altered token %q: %d", tok, resp.StatusCode)
		}
	}
	ts.clock.Advance(ts.sim.tokenExpiry() + time.Second)
	resp := ts.raw("GET", ts.v1("/cloudservers/detail?limit=1"), nil, http.Header{"X-Auth-Token": {last}})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("expired token: %d", resp.StatusCode)
	}
	// A second simulator on the same file accepts the first one's tokens.
	other := newTestSim(t, func(c *Config) { c.StateFile = file; c.Clock = ts.clock })
	tok := ts.login()
	other.token = tok
	if st, _ := other.do("GET", other.v1("/cloudservers/detail?limit=1"), nil); st != http.StatusOK {
		t.Fatalf("another process's token: %d", st)
	}
}
