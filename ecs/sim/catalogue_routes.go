package sim

import "net/http"

// registerCatalogue registers flavors, AZs, images, limits and quotas.
func (s *Sim) registerCatalogue(mux *http.ServeMux) {}
