package sim

import (
	"bytes"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// benchSubnet adds a /16 subnet: the default /24 subnets hold 253 servers.
func benchSubnet(c *Config) {
	c.Catalogue.Subnets = append(c.Catalogue.Subnets, Subnet{
		ID: "2f1a3b4c-0000-4000-8000-0000000bench", Name: "subnet-bench",
		VPCID: "1e0f2a3b-0000-4000-8000-00000000a001", CIDR: "10.0.128.0/17",
	})
	c.Quotas.Instances, c.Quotas.Cores, c.Quotas.RAM = -1, -1, -1
	c.Quotas.Volumes, c.Quotas.Gigabytes = -1, -1
}

// BenchmarkListDetail10k pages through 10,000 servers, 1,000 per page, over
// HTTP: one op is the full listing (10 calls).
func BenchmarkListDetail10k(b *testing.B) {
	ts := newTestSim(b, benchSubnet)
	ts.subnet = "subnet-bench"
	ts.createServers(10000, nil)
	var buf bytes.Buffer
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		total := 0
		for page := 1; page <= 10; page++ {
			// Count the servers by their one-per-server instance_name key
			// instead of decoding: a JSON decoder on the client side costs
			// more than the simulator's whole answer, and this benchmark
			// measures the simulator. TestListPagingAndFilters checks the shape and order.
			// The body goes into one reused buffer, so the client side
			// allocates next to nothing and B/op is the simulator's.
			req, _ := http.NewRequest("GET", ts.srv.URL+ts.v1(fmt.Sprintf("/cloudservers/detail?offset=%d&limit=1000", page)), nil)
			req.Header.Set("X-Auth-Token", ts.token)
			resp, err := ts.srv.Client().Do(req)
			if err != nil {
				b.Fatal(err)
			}
			buf.Reset()
			_, err = buf.ReadFrom(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatalf("list: %d %v", resp.StatusCode, err)
			}
			total += bytes.Count(buf.Bytes(), []byte(`"OS-EXT-SRV-ATTR:instance_name":`))
		}
		if total != 10000 {
			b.Fatalf("listed %d", total)
		}
	}
}

// BenchmarkCreate1000 creates 1,000 servers in one call and drives the job
// to SUCCESS: one op is the request plus every sub-job's effects.
func BenchmarkCreate1000(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		ts := newTestSim(b, benchSubnet)
		b.StartTimer()
		id := ts.create(1000, func(s map[string]any) {
			s["nics"] = []any{map[string]any{"subnet_id": "2f1a3b4c-0000-4000-8000-0000000bench"}}
		})
		ts.clock.Advance(12 * time.Hour) // past every sub-job's end, within the token TTL
		if st, job := ts.do("GET", ts.v1("/jobs/"+id), nil); st != 200 || job["status"] != JobSuccess {
			b.Fatalf("create job: %d %v", st, job["status"])
		}
	}
}

// BenchmarkStateFileCreateList10k is the state-file mode's cost with a
// large cloud: 10,000 servers in the file, one op is a create of one server
// (a mutation, so one save of the whole state) plus one 1,000-server page.
func BenchmarkStateFileCreateList10k(b *testing.B) {
	file := filepath.Join(b.TempDir(), "cloud.json")
	ts := newTestSim(b, benchSubnet, func(c *Config) { c.StateFile = file })
	ts.subnet = "subnet-bench"
	ts.createServers(10000, nil)
	if _, err := ts.sim.locked(func(time.Time) (bool, error) { return true, nil }); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ts.create(1, func(s map[string]any) {
			s["nics"] = []any{map[string]any{"subnet_id": "2f1a3b4c-0000-4000-8000-0000000bench"}}
		})
		resp := ts.raw("GET", ts.v1("/cloudservers/detail?offset=1&limit=1000"), nil, http.Header{"X-Auth-Token": {ts.token}})
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("list: %d", resp.StatusCode)
		}
	}
}
