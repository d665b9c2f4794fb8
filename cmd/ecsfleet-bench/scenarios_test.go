package main

import (
	"context"
	"strings"
	"testing"
)

// The short harness: every scenario on small fleets, both tools, asserting
// only correctness: each tool converges (the next plan is empty) and both
// leave the same cloud (servers by name, flavor, tags, NICs, volumes).
// Speed is the benchmark's business (make bench-scenarios), never a test's.
func TestScenariosConvergeToTheSameCloud(t *testing.T) {
	h := &Harness{Seed: 1, Scale: 2000, CallScale: 500, Sizes: shortSizes, Pol: DefaultImitation, CheckSame: true, Log: t.Logf}
	if err := h.Run(context.Background(), map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true}, []int{20}, ""); err != nil {
		t.Fatal(err)
	}
	for _, p := range h.Problems {
		t.Error(p)
	}
	if len(h.Rows) != 10 {
		t.Fatalf("%d rows, want 10 (5 scenarios × 2 tools)", len(h.Rows))
	}
	var b strings.Builder
	h.WriteTable(&b)
	t.Log("\n" + b.String())
	if h.Curves[toolEcsfleet] == nil || h.Curves[toolImitation] == nil {
		t.Fatal("no bring-up curve for the chart")
	}
	if svg := Chart(h.Curves, h.Sizes.BringUp); !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, "polyline") {
		t.Fatalf("chart: %.200s", svg)
	}
}

// The warp clock never runs backwards when its rate changes.
func TestWarpClockIsMonotonic(t *testing.T) {
	c := newWarpClock()
	a := c.Now()
	c.SetRate(1000)
	b := c.Now()
	c.SetRate(1)
	if d := c.Now(); b.Before(a) || d.Before(b) {
		t.Fatalf("clock went back: %v %v %v", a, b, d)
	}
}
