package sim

import "net/http"

// registerExtA registers extension A's endpoints (NICs, volumes and
// attachments, resize, power, lock/unlock, change/reinstall OS, and the
// POST /v2.1/{tenant_id}/servers/{server_id}/action dispatcher).
// Owned by the extension A engineer.
func (s *Sim) registerExtA(mux *http.ServeMux) {}
