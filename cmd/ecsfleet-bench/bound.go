package main

import "github.com/ecsfleet/ecsfleet/plan"

// lowerBound is the cloud time no client can beat for a plan, from the
// cloud model of the simulator it runs on: the longer of the op graph's
// critical path (each op one call latency plus its backend work in rounds
// of the capacity) and all the backend work divided by the capacity
// (plan.CloudModel.Estimate). Calls cost their latency only on the
// critical path: a client may make every other call in parallel.
func lowerBound(b *benchCloud, p *plan.Plan) float64 {
	return float64(modelFor(b).Estimate(p.Ops).Seconds)
}
