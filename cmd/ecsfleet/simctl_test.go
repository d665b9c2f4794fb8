package main

import "testing"

// 'ecsfleet sim' changes only a simulator on this machine: an endpoint
// elsewhere is refused, whatever it is.
func TestSimCtlRefusesARemoteEndpoint(t *testing.T) {
	for endpoint, want := range map[string]bool{
		"http://127.0.0.1:8774": true, "http://localhost:1": true, "http://[::1]:9": true,
		"https://ecs.region0.example.com": false, "http://10.0.0.5:8774": false, "::bad": false,
	} {
		if got := loopback(endpoint); got != want {
			t.Errorf("loopback(%q) = %v, want %v", endpoint, got, want)
		}
	}
}
