package sim

import (
	"crypto/sha256"
	"fmt"
	"net"
	"net/http"
	"strconv"
)

// VPC read views. They are outside the ECS reference: a fleet file names
// its VPC, subnets and security groups, the ECS create call takes their ids,
// and only the VPC service can turn one into the other. So the simulator
// serves read-only views of its catalogue in the shapes of the public VPC
// API v1 (on a real cloud they are another service's endpoint; here every
// service shares one port). Nothing can be created or changed through them.
//
// They run through the same pipeline as every other route (auth by token or
// AK/SK, tenant check, throttle, faults, call statistics) and answer errors
// in the VPC service's flat {"code","message"} shape.

// VPC service error codes (public VPC API error table; VPC.0202 for an
// unknown subnet is an assumption, by analogy with VPC.0003).
const (
	CodeVPCInvalid        = "VPC.0101" // a query parameter is invalid
	CodeVPCSubnetNotFound = "VPC.0202" // GET /subnets/{id} of an unknown subnet (404)
)

// vpcMaxLimit is the public API's largest page (and the default limit).
const vpcMaxLimit = 2000

func vpcBadRequest(msg string) *APIError { return Errf(http.StatusBadRequest, CodeVPCInvalid, msg) }

// vpcQuery refuses query parameters the public API does not define for the
// call (strict, like every simulator list) and reads limit: a whole number,
// absent or 0 meaning the public default of 2000, larger values capped at
// 2000 (the public range).
func vpcQuery(c *Ctx, allowed ...string) (limit int, err error) {
	q := c.R.URL.Query()
	ok := map[string]bool{"limit": true, "marker": true}
	for _, k := range allowed {
		ok[k] = true
	}
	for k := range q {
		if !ok[k] {
			return 0, vpcBadRequest(fmt.Sprintf("query parameter %q is not supported by this API", k))
		}
	}
	limit = vpcMaxLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, vpcBadRequest(fmt.Sprintf("limit %q must be a whole number >= 0", v))
		}
		if n > 0 && n < vpcMaxLimit {
			limit = n
		}
	}
	return limit, nil
}

// vpcPage applies marker paging to a list in catalogue order: the records
// after the one whose id is marker, at most limit of them. A marker that
// names no record of the (filtered) list is 400.
func vpcPage[T any](c *Ctx, items []T, idOf func(T) string, limit int) ([]T, error) {
	if m := c.R.URL.Query().Get("marker"); m != "" {
		at := -1
		for i, it := range items {
			if idOf(it) == m {
				at = i
				break
			}
		}
		if at < 0 {
			return nil, vpcBadRequest(fmt.Sprintf("marker %q is not the id of a listed resource", m))
		}
		items = items[at+1:]
	}
	if len(items) > limit {
		items = items[:limit]
	}
	return items, nil
}

// inEnterpriseProject reports whether a catalogue resource matches the
// enterprise_project_id filter: every simulated resource is in the default
// enterprise project "0"; "all_granted_eps" means every project.
func inEnterpriseProject(c *Ctx) bool {
	ep := c.R.URL.Query().Get("enterprise_project_id")
	return ep == "" || ep == "0" || ep == "all_granted_eps"
}

// handleListVPCs is GET /v1/{project_id}/vpcs (filters: id,
// enterprise_project_id).
func (s *Sim) handleListVPCs(c *Ctx) error {
	limit, err := vpcQuery(c, "id", "enterprise_project_id")
	if err != nil {
		return err
	}
	id := c.R.URL.Query().Get("id")
	var list []*VPC
	for i := range c.Catalogue().VPCs {
		v := &c.Catalogue().VPCs[i]
		if (id == "" || v.ID == id) && inEnterpriseProject(c) {
			list = append(list, v)
		}
	}
	page, err := vpcPage(c, list, func(v *VPC) string { return v.ID }, limit)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(page))
	for _, v := range page {
		out = append(out, map[string]any{
			"id": v.ID, "name": v.Name, "description": "", "cidr": v.CIDR, "status": "OK",
			"routes": []any{}, "enterprise_project_id": "0",
		})
	}
	return c.JSON(http.StatusOK, map[string]any{"vpcs": out})
}

// handleListSubnets is GET /v1/{project_id}/subnets (filter: vpc_id).
func (s *Sim) handleListSubnets(c *Ctx) error {
	limit, err := vpcQuery(c, "vpc_id")
	if err != nil {
		return err
	}
	vpc := c.R.URL.Query().Get("vpc_id")
	var list []*Subnet
	for i := range c.Catalogue().Subnets {
		sn := &c.Catalogue().Subnets[i]
		if vpc == "" || sn.VPCID == vpc {
			list = append(list, sn)
		}
	}
	page, err := vpcPage(c, list, func(sn *Subnet) string { return sn.ID }, limit)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(page))
	for _, sn := range page {
		out = append(out, subnetView(sn))
	}
	return c.JSON(http.StatusOK, map[string]any{"subnets": out})
}

// handleGetSubnet is GET /v1/{project_id}/subnets/{subnet_id}; the id is
// the subnet's id (a name or a neutron_subnet_id is 404, as ids are what
// the API takes).
func (s *Sim) handleGetSubnet(c *Ctx) error {
	id := c.R.PathValue("subnet_id")
	sn := c.Catalogue().SubnetByID(id)
	if sn == nil {
		return Errf(http.StatusNotFound, CodeVPCSubnetNotFound, fmt.Sprintf("subnet %s does not exist", id))
	}
	return c.JSON(http.StatusOK, map[string]any{"subnet": subnetView(sn)})
}

// subnetView is the public VPC API v1 subnet object. id is the catalogue
// subnet id, which is what ECS create takes as nics[].subnet_id, and so is
// neutron_network_id (the catalogue's subnet id is a network id);
// neutron_subnet_id is derived from it, stable across runs.
func subnetView(sn *Subnet) map[string]any {
	return map[string]any{
		"id": sn.ID, "name": sn.Name, "description": "", "cidr": sn.CIDR, "gateway_ip": gatewayOf(sn.CIDR),
		"ipv6_enable": false, "dhcp_enable": true, "primary_dns": "", "secondary_dns": "", "dnsList": []string{},
		"availability_zone": "", "vpc_id": sn.VPCID, "status": "ACTIVE",
		"neutron_network_id": sn.ID, "neutron_subnet_id": neutronSubnetID(sn.ID), "extra_dhcp_opts": []any{},
	}
}

// gatewayOf is the first host address of an IPv4 CIDR (".1": the address
// AllocIP never hands out), or "" for a CIDR that is not IPv4.
func gatewayOf(cidr string) string {
	_, ipnet, err := net.ParseCIDR(cidr)
	if err != nil || ipnet.IP.To4() == nil {
		return ""
	}
	return uintToIPv4(ipv4ToUint(ipnet.IP.To4()) + 1).String()
}

// neutronSubnetID derives a UUID-shaped id from a subnet id: the same
// catalogue gives the same ids in every run and every process.
func neutronSubnetID(subnetID string) string {
	sum := sha256.Sum256([]byte("neutron_subnet|" + subnetID))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// handleListSecurityGroups is GET /v1/{project_id}/security-groups
// (filters: vpc_id, enterprise_project_id). Catalogue groups belong to no
// VPC (vpc_id ""; the field is legacy on the public cloud, where a group is
// usable in every VPC), so a vpc_id filter keeps them. Rules are not
// modelled: security_group_rules is always empty.
func (s *Sim) handleListSecurityGroups(c *Ctx) error {
	limit, err := vpcQuery(c, "vpc_id", "enterprise_project_id")
	if err != nil {
		return err
	}
	var list []*SecurityGroup
	for i := range c.Catalogue().SecurityGroups {
		if inEnterpriseProject(c) {
			list = append(list, &c.Catalogue().SecurityGroups[i])
		}
	}
	page, err := vpcPage(c, list, func(g *SecurityGroup) string { return g.ID }, limit)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(page))
	for _, g := range page {
		out = append(out, map[string]any{
			"id": g.ID, "name": g.Name, "description": "", "vpc_id": "",
			"enterprise_project_id": "0", "security_group_rules": []any{},
		})
	}
	return c.JSON(http.StatusOK, map[string]any{"security_groups": out})
}
