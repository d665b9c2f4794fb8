package sim

import (
	"fmt"
	"net/http"
	"testing"
)

// outcomes calls one endpoint n times and records each outcome: the status,
// or "drop" when the connection was closed.
func outcomes(t *testing.T, seed int64, n int) []string {
	ts := newTestSim(t, func(c *Config) {
		c.Seed = seed
		c.Faults = FaultConfig{Error5xx: 0.2, Throttle429: 0.1, Drop: 0.1, ExcludeIAM: true}
	})
	var out []string
	for range n {
		req, _ := http.NewRequest("GET", ts.srv.URL+ts.v1("/cloudservers/limits"), nil)
		req.Header.Set("X-Auth-Token", ts.token)
		resp, err := ts.srv.Client().Do(req)
		if err != nil {
			out = append(out, "drop")
			continue
		}
		resp.Body.Close()
		out = append(out, fmt.Sprint(resp.StatusCode))
	}
	return out
}

func TestFaultInjectionDeterministic(t *testing.T) {
	a, b, c := outcomes(t, 42, 60), outcomes(t, 42, 60), outcomes(t, 43, 60)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("same seed, different run:\n%v\n%v", a, b)
	}
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Fatalf("different seeds gave the same run: %v", a)
	}
	kinds := map[string]int{}
	for _, o := range a {
		kinds[o]++
	}
	for _, k := range []string{"200", "429", "drop"} {
		if kinds[k] == 0 {
			t.Fatalf("no %s outcome in 60 calls: %v", k, kinds)
		}
	}
	if kinds["500"]+kinds["503"] == 0 {
		t.Fatalf("no 5xx outcome in 60 calls: %v", kinds)
	}
}

func TestSubJobFatesDeterministic(t *testing.T) {
	run := func(seed int64) string {
		ts := newTestSim(t, func(c *Config) { c.Seed = seed; c.Faults.SubJobFail = 0.3; c.Faults.SlowJob = 0.3 })
		id := ts.create(30, nil)
		final := ts.waitJob(id)
		var s string
		for _, sj := range final["entities"].(map[string]any)["sub_jobs"].([]any) {
			m := sj.(map[string]any)
			s += fmt.Sprint(m["status"], m["end_time"], ";")
		}
		return s
	}
	if run(5) != run(5) {
		t.Fatal("same seed, different sub-job fates or durations")
	}
	if run(5) == run(6) {
		t.Fatal("different seeds, same sub-job fates and durations")
	}
}

func TestThrottle429(t *testing.T) {
	ts := newTestSim(t, func(c *Config) { c.Throttle = ThrottleConfig{Rate: 1, Burst: 3} })
	codes := map[int]int{}
	for range 6 {
		st, b := ts.do("GET", ts.v1("/cloudservers/limits"), nil)
		codes[st]++
		if st == 429 && b["error_code"] != CodeThrottled {
			t.Fatalf("429 body %v", b)
		}
	}
	if codes[200] != 3 || codes[429] != 3 {
		t.Fatalf("burst 3 with a stopped clock: %v", codes)
	}
}
