package sim

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The reference's request examples are fixtures (testdata/reference,
// produced from the Chinese original): every VALID example of an endpoint
// this file owns must be accepted. The examples name images, flavors,
// networks, keypairs and servers of the document's own cloud, so the test
// builds a cloud that has them, then replays each example over HTTP.

// fixtureEntry is one example of testdata/reference/index.json; every
// fixture-driven test of the package reads the index through loadFixtures.
type fixtureEntry struct {
	Section string `json:"section"`
	Kind    string `json:"kind"`
	Method  string `json:"method"`
	Path    string `json:"path"`
	File    string `json:"file"`
	Valid   bool   `json:"valid"`
	Note    string `json:"note"`
}

const fixtureDir = "../../testdata/reference"

// ownedFixture maps a section to the request path template the core serves.
var ownedFixture = map[string]string{
	"3.1": "/v3/auth/tokens", "3.2": "/v3/auth/tokens",
	"5.2.1": "/v1.1/{tenant_id}/cloudservers",
	"5.2.3": "/v1/{tenant_id}/cloudservers/delete",
	"5.2.6": "/v1/{tenant_id}/cloudservers/{server_id}",
	"5.2.8": "/v1/{tenant_id}/cloudservers/server-name",
}

// loadFixtures reads the fixture index. The fixtures are committed, so a
// missing index is a failure, not a skip.
func loadFixtures(t *testing.T) []fixtureEntry {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixtureDir, "index.json"))
	if err != nil {
		t.Fatalf("fixtures index: %v", err)
	}
	var idx []fixtureEntry
	if err := json.Unmarshal(raw, &idx); err != nil {
		t.Fatalf("index.json: %v", err)
	}
	return idx
}

func TestReferenceRequestExamplesAccepted(t *testing.T) {
	idx := loadFixtures(t)
	bodies := map[string]map[string]any{}
	for _, e := range idx {
		if _, ok := ownedFixture[e.Section]; !ok || e.Kind != "request" || !e.Valid {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(fixtureDir, e.File))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", e.File, err)
		}
		bodies[e.File] = m
	}
	if len(bodies) < 6 {
		t.Fatalf("only %d owned valid request examples found", len(bodies))
	}

	ts := newTestSim(t, func(c *Config) {
		// The document's tenants for the token examples.
		for i, dom := range []string{"tenantname", "domainname"} {
			c.Projects = append(c.Projects, ProjectConfig{ID: []string{"xxxxxxxxxxxxxxxxxx", "xxxxxxxx"}[i], Name: "doc",
				DomainID: "doc-domain-" + dom, DomainName: dom, User: "username", Password: "********"})
		}
		// The document's catalogue for the create examples.
		for _, f := range bodies {
			s, ok := f["server"].(map[string]any)
			if !ok || s["imageRef"] == nil {
				continue
			}
			c.Catalogue.Images = append(c.Catalogue.Images, Image{ID: s["imageRef"].(string), Name: "doc-" + s["imageRef"].(string), MinDisk: 1, OSType: "Linux", OSBit: "64"})
			c.Catalogue.Flavors = append(c.Catalogue.Flavors, Flavor{ID: s["flavorRef"].(string), Name: s["flavorRef"].(string), VCPUs: 1, RAM: 1024})
			vpc := s["vpcid"].(string)
			c.Catalogue.VPCs = append(c.Catalogue.VPCs, VPC{ID: vpc, Name: "doc-" + vpc, CIDR: "192.168.0.0/16"})
			for i, n := range s["nics"].([]any) {
				id := n.(map[string]any)["subnet_id"].(string)
				c.Catalogue.Subnets = append(c.Catalogue.Subnets, Subnet{ID: id, Name: "doc-" + id, VPCID: vpc, CIDR: "192.168." + string(rune('1'+i)) + ".0/24"})
			}
			if sgs, ok := s["security_groups"].([]any); ok {
				for _, g := range sgs {
					id := g.(map[string]any)["id"].(string)
					c.Catalogue.SecurityGroups = append(c.Catalogue.SecurityGroups, SecurityGroup{ID: id, Name: "doc-" + id})
				}
			}
			c.Catalogue.VolumeTypes = append(c.Catalogue.VolumeTypes, VolumeType{ID: "business_type_01", Name: "business_type_01"})
		}
	})
	// Keypairs, groups and servers the examples name.
	_ = ts.sim.withLock(func() error {
		p := ts.sim.project(ts.pid)
		for _, f := range bodies {
			if s, ok := f["server"].(map[string]any); ok {
				if k, ok := s["key_name"].(string); ok {
					p.Keypairs[k] = &Keypair{Name: k, PublicKey: "ssh-rsa AAAA doc", Type: "ssh"}
				}
				if h, ok := s["os:scheduler_hints"].(map[string]any); ok {
					g := h["group"].(string)
					p.ServerGroups[g] = &ServerGroup{ID: g, Name: "doc", Policies: []string{"anti-affinity"}}
				}
			}
		}
		return nil
	})
	var serverIDs []string
	for _, f := range bodies {
		if list, ok := f["servers"].([]any); ok {
			for _, s := range list {
				serverIDs = append(serverIDs, s.(map[string]any)["id"].(string))
			}
		}
	}
	serverIDs = append(serverIDs, "28c3185b-0bce-4b27-b679-be320260a97f") // the 5.2.6 target
	ts.createServers(len(serverIDs), func(i int, s *Server) { s.ID = serverIDs[i] })

	for _, e := range idx {
		body, ok := bodies[e.File]
		if !ok {
			continue
		}
		path := strings.ReplaceAll(ownedFixture[e.Section], "{tenant_id}", ts.pid)
		path = strings.ReplaceAll(path, "{server_id}", "28c3185b-0bce-4b27-b679-be320260a97f")
		method := e.Method
		if method == "" {
			method = "POST"
		}
		raw, _ := json.Marshal(body)
		if strings.HasPrefix(path, "/v3/") {
			resp := ts.raw(method, path, raw, nil)
			if resp.StatusCode != 201 {
				t.Errorf("%s (%s): %d %v", e.File, e.Section, resp.StatusCode, decodeBody(t, resp))
			}
			continue
		}
		st, b := ts.do(method, path, raw)
		if st != 200 {
			t.Errorf("%s (%s %s): %d %v", e.File, method, path, st, b)
		}
	}
}
