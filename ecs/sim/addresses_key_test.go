package sim

import "testing"

// Table 5-60 keys a server's addresses by network name (examples
// "subnet-9879", "subnet-92a5"); the simulator's network name is the
// subnet's name, in every view that shows addresses.
func TestAddressesKeyedByNetworkName(t *testing.T) {
	ts := newTestSim(t)
	id := ts.createServers(1, nil)[0]
	for _, v := range []struct{ method, path string }{
		{"GET", ts.v1("/cloudservers/" + id)},
		{"GET", xbV21(ts, "/servers/"+id)},
		{"PUT", ts.v1("/cloudservers/" + id)},
		{"PUT", xbV21(ts, "/servers/"+id)},
	} {
		var body map[string]any
		if v.method == "PUT" {
			_, body = ts.do(v.method, v.path, map[string]any{"server": map[string]any{"name": "renamed"}})
		} else {
			_, body = ts.do(v.method, v.path, nil)
		}
		addrs, _ := body["server"].(map[string]any)["addresses"].(map[string]any)
		if _, ok := addrs["subnet-web"]; !ok || len(addrs) != 1 {
			t.Errorf("%s %s: addresses keyed %v, want by the subnet's name subnet-web", v.method, v.path, keysOf(addrs))
		}
	}
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
