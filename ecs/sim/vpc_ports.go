package sim

import (
	"fmt"
	"net/http"
)

// VPC port read view, outside the ECS reference. The Terraform HCS provider
// (v2.3.7) reads each server NIC's port with GET /v1/{project_id}/ports/{id}
// (VPC API v1, networking/v1/ports) after every read of a server: it takes
// the port's network_id as the NIC's network uuid and fixed_ips as its
// addresses, and an empty allowed_address_pairs as "source/destination
// check on". Without the port it plans to replace every server.
//
// The view is built from the NICs the simulator holds: a port is the fixed
// NIC(s) of a server with that port id (the server detail's
// addresses[].OS-EXT-IPS:port_id). Nothing can be created or changed
// through it. Errors are in the VPC service's flat {"code","message"} shape.

// CodeVPCPortNotFound answers GET /ports/{id} of an unknown port (404). The
// code is an assumption, by analogy with the other VPC not-found codes.
const CodeVPCPortNotFound = "VPC.0702"

// handleGetPort is GET /v1/{project_id}/ports/{port_id}.
func (s *Sim) handleGetPort(c *Ctx) error {
	id := c.R.PathValue("port_id")
	if len(c.R.URL.Query()) > 0 {
		return vpcBadRequest("GET /ports/{port_id} takes no query parameters")
	}
	srv, nics := portOf(c.P, id)
	if srv == nil {
		return Errf(http.StatusNotFound, CodeVPCPortNotFound, fmt.Sprintf("port %s does not exist", id))
	}
	return c.JSON(http.StatusOK, map[string]any{"port": portView(c.ProjectID, srv, nics)})
}

// portOf finds the server whose fixed NICs have port id, and those NICs (an
// IPv4 and an IPv6 address share one port).
func portOf(p *ProjectState, id string) (*Server, []NIC) {
	if id == "" {
		return nil, nil
	}
	for _, srv := range p.Servers {
		var nics []NIC
		for _, n := range srv.NICs {
			if n.PortID == id && n.Type != "floating" {
				nics = append(nics, n)
			}
		}
		if len(nics) > 0 {
			return srv, nics
		}
	}
	return nil, nil
}

// portView is the public VPC API v1 port object. network_id is the subnet
// id the NIC was created in (the subnet view's neutron_network_id, and what
// ECS create takes as nics[].subnet_id); fixed_ips[].subnet_id is the
// subnet view's neutron_subnet_id, as on the public cloud.
func portView(projectID string, srv *Server, nics []NIC) map[string]any {
	first := nics[0]
	ips := make([]map[string]string, 0, len(nics))
	primary := false
	for _, n := range nics {
		ips = append(ips, map[string]string{"subnet_id": neutronSubnetID(n.SubnetID), "ip_address": n.IP})
		primary = primary || n.Primary
	}
	sgs := append([]string{}, srv.SecurityGroups...)
	return map[string]any{
		"id": first.PortID, "name": "", "network_id": first.SubnetID, "mac_address": first.MAC,
		"admin_state_up": true, "status": "ACTIVE", "tenant_id": projectID, "project_id": projectID,
		"fixed_ips": ips, "device_id": srv.ID, "device_owner": "compute:" + srv.AZ,
		"security_groups": sgs, "allowed_address_pairs": []any{}, "extra_dhcp_opts": []any{},
		"binding:vif_details": map[string]any{"primary_interface": primary}, "binding:profile": map[string]any{},
		"binding:vnic_type": "normal", "dns_assignment": []any{}, "dns_name": "",
		"instance_id": srv.ID, "instance_type": "", "port_security_enabled": true, "zone_id": srv.AZ,
		"created_at": srv.Created.UTC().Format("2006-01-02T15:04:05"),
	}
}
