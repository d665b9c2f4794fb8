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

// rollingBound is the least cloud time of a flavor change of n running
// servers with at most budget out of service at once: the cloud's
// single resize with mode withStopServer (5.21.1, C9) stops, resizes and
// restarts a server in one resize sub-job, so no client can do better
// than ceil(n / budget) waves of ceil(budget / capacity) rounds of one
// resize each. It is below the estimate of ecsfleet's own plan, whose
// batch resize (5.21.6) needs its servers stopped and started around it.
func rollingBound(b *benchCloud, n, budget int) float64 {
	m := modelFor(b)
	waves := (n + budget - 1) / budget
	rounds := (budget + m.Capacity - 1) / m.Capacity
	return float64(waves) * (float64(rounds)*m.Durations[plan.OpResizeServers].Seconds() + m.CallLatency.Seconds())
}
