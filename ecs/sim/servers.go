package sim

import "net/http"

// registerServers registers the core server lifecycle endpoints (5.2).
func (s *Sim) registerServers(mux *http.ServeMux) {}
