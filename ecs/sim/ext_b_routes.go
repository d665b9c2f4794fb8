package sim

import "net/http"

// registerExtB registers extension B's endpoints (metadata, tags, passwords,
// server groups, keypairs). Owned by the extension B engineer.
func (s *Sim) registerExtB(mux *http.ServeMux) {}
