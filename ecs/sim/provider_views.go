package sim

import "net/http"

// registerProviderViews registers the read-only views of other services
// that the Terraform HCS provider reads on each server (VPC ports, EVS
// volumes, IMS images). Like the VPC views (vpc_routes.go) they are
// outside the ECS reference; docs/simulator.md lists them.
func (s *Sim) registerProviderViews(mux *http.ServeMux) {
	s.registerVPCPorts(mux)   // vpc_ports.go
	s.registerEVSVolumes(mux) // evs_volumes_view.go
	s.registerIMSImages(mux)  // ims_images.go
}
