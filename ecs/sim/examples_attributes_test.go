package sim

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// xbSections are the sections of the server-attribute endpoints (metadata, tags,
// passwords, server groups, keypairs).
var xbSections = []string{
	"5.9.1", "5.9.2", "5.9.3", "5.9.4", "5.9.5", "5.9.6", "5.9.7", "5.9.8",
	"5.13.1", "5.13.2", "5.13.3", "5.13.4", "5.13.5", "5.13.6", "5.13.7", "5.13.8", "5.13.9", "5.13.10",
	"5.14.1", "5.14.2", "5.14.3", "5.14.4", "5.14.5", "5.14.6", "5.14.7",
	"5.16.1", "5.16.2", "5.16.3", "5.16.4", "5.16.5", "5.16.6", "5.16.7", "5.16.8", "5.16.9", "5.16.10", "5.16.11",
	"5.30.1", "5.30.2", "5.30.3", "5.30.4",
}

var xbUUID = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// TestEveryAttributeRequestExample sends every request example of these
// sections, on a fresh simulator with a server and a group, to the path
// the index names: a valid example must be accepted (2xx), an example the
// index marks invalid must be refused with 400.
func TestEveryAttributeRequestExample(t *testing.T) {
	fx := xbFixtures(t, xbSections...)
	if len(fx) < 14 {
		t.Fatalf("only %d request examples found for the server-attribute endpoints", len(fx))
	}
	for f, body := range fx {
		t.Run(f.Section+"/"+f.File, func(t *testing.T) {
			ts := newTestSim(t)
			sid := ts.createServers(1, nil)[0]
			gid := xbCreateGroup(ts, "fixture", "soft-anti-affinity")
			// Every sample UUID in the body names "the server" of the example.
			filled := xbUUID.ReplaceAll(body, []byte(sid))
			path := strings.NewReplacer("{tenant_id}", ts.pid, "{project_id}", ts.pid, "{server_id}", sid,
				"{server_group_id}", gid, "{key}", "key").Replace(f.Path)
			st, out := xbDoH(ts, f.Method, path, filled, xbMicro("2.60"))
			switch {
			case f.Valid && (st < 200 || st > 299):
				t.Fatalf("valid example refused: %s %s -> %d %v", f.Method, path, st, out)
			case !f.Valid && st != http.StatusBadRequest:
				t.Fatalf("invalid example (%s) got %d %v, want 400", f.Note, st, out)
			}
		})
	}
}
