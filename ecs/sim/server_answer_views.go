package sim

// The modify endpoints answer with their own documented server object, not
// with a detail view (api-notes: 5.2.6 / 5.2.16 answers).

// serverModifyV1 is 5.2.6's server_v1 (tables 5-71..5-80 and the example):
// addresses carry {addr, version} with version an integer; flavor and image
// are {id, links}; links at the top.
func (s *Sim) serverModifyV1(c *Ctx, srv *Server) map[string]any {
	m := s.serverObject(c, srv, false)
	m["description"], m["OS-EXT-SRV-ATTR:hostname"] = srv.Description, srv.Hostname
	return m
}

// serverModifyV21 is 5.2.16's server object (tables 5-136/5-137): the
// documented fields plus tags and locked, which its example shows.
func (s *Sim) serverModifyV21(c *Ctx, srv *Server) map[string]any {
	m := s.serverObject(c, srv, true)
	var desc any
	if srv.Description != "" {
		desc = srv.Description
	}
	tags := make([]string, 0, len(srv.Tags))
	tags = append(tags, tagStrings(srv.Tags)...)
	m["description"], m["locked"], m["tags"] = desc, srv.Locked, tags
	return m
}

// serverRebuildV21 is 5.26.3's server object: its table's fields plus
// created, which its example shows (adminPass is never echoed).
func (s *Sim) serverRebuildV21(c *Ctx, srv *Server) map[string]any {
	return s.serverObject(c, srv, false)
}

// serverObject is the server object the modify (5.2.6, 5.2.16) and
// rebuild (5.26.3) answers share; macType adds 5.2.16's documented OS-EXT-IPS-MAC:mac_addr and
// OS-EXT-IPS:type to each address.
func (s *Sim) serverObject(c *Ctx, srv *Server, macType bool) map[string]any {
	addrs := map[string][]map[string]any{}
	for _, n := range srv.NICs {
		key := s.networkName(n.SubnetID)
		a := map[string]any{"addr": n.IP, "version": n.Version}
		if macType {
			a["OS-EXT-IPS-MAC:mac_addr"], a["OS-EXT-IPS:type"] = n.MAC, n.Type
		}
		addrs[key] = append(addrs[key], a)
	}
	return map[string]any{
		"id": srv.ID, "name": srv.Name, "status": srv.Status, "addresses": addrs,
		"flavor":  map[string]any{"id": srv.FlavorID, "links": c.link("/flavors/" + srv.FlavorID)},
		"image":   imageRefV21(c, srv),
		"links":   c.link("/servers/" + srv.ID),
		"created": serverTime(srv.Created), "updated": serverTime(srv.Updated),
		"hostId": srv.HostID, "metadata": s.detailMetadata(srv), "progress": srv.Progress,
		"tenant_id": c.ProjectID, "user_id": s.userOf(c.ProjectID),
		"accessIPv4": "", "accessIPv6": "", "OS-DCF:diskConfig": "MANUAL",
	}
}

// imageRefV21 is {id, links}, or "" for a server booted from a volume
// ("empty for volume-created VMs").
func imageRefV21(c *Ctx, srv *Server) any {
	if srv.ImageID == "" {
		return ""
	}
	return map[string]any{"id": srv.ImageID, "links": c.link("/images/" + srv.ImageID)}
}

// networkName is the key of a NIC's entry in a server's addresses: table
// 5-60 keys them by network name (examples "subnet-9879"), which for the
// simulator is the subnet's name (api-notes); the id if the catalogue no
// longer has the subnet.
func (s *Sim) networkName(subnetID string) string {
	if sn := s.cfg.Catalogue.Subnet(subnetID); sn != nil && sn.Name != "" {
		return sn.Name
	}
	return subnetID
}
