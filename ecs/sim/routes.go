package sim

import "net/http"

// registerRoutes is the one table of routes. Core endpoints are registered
// here; the extension files add theirs in registerExtA / registerExtB
// (ext_a_routes.go, ext_b_routes.go), which they own. Go's ServeMux picks
// the most specific pattern, so literal segments such as
// /cloudservers/detail win over /cloudservers/{server_id}.
func (s *Sim) registerRoutes(mux *http.ServeMux) {
	s.register(mux, "POST /v3/auth/tokens", routeOpts{style: StyleGateway, noAuth: true}, s.handleTokens)
	s.registerAdmin(mux)

	// Jobs (5.11).
	s.handle(mux, "GET /v1/{tenant_id}/jobs/{job_id}", s.handleGetJob)

	s.registerServers(mux)
	s.registerServersCompat(mux)
	s.registerCatalogue(mux)
	s.registerVPC(mux) // VPC read views, outside the ECS reference (vpc_routes.go)
	s.registerProviderViews(mux)

	s.registerExtA(mux)
	s.registerExtB(mux)

	// Anything else: a JSON 404 (not ServeMux's plain text), counted in the
	// stats under one pattern so a client calling a wrong path shows up.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		writeError(rec, StyleGateway, Errf(http.StatusNotFound, CodeNotFound, "no API at "+r.Method+" "+r.URL.Path))
		s.stats.record("unmatched", rec.status(), 0)
	})
}
