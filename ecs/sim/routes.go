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
	s.registerCatalogue(mux)

	s.registerExtA(mux)
	s.registerExtB(mux)
}
