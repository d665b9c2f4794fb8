package ecs

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// VPC read views. A fleet file names its VPC, subnets and security groups;
// the ECS create call (5.2.1) takes their ids (vpcid, nics[].subnet_id,
// security_groups[].id), and only the VPC service can resolve one into the
// other. These calls are outside the ECS reference: they follow the public
// VPC API v1 and go to Config.VPCEndpoint (the ECS endpoint when empty).
// The types decode tolerantly, like the rest of the package: a field we do
// not use never fails a decode.

// VPC is an element of GET /v1/{project_id}/vpcs.
type VPC struct {
	ID                  string     `json:"id"`
	Name                string     `json:"name"`
	Description         string     `json:"description,omitempty"`
	CIDR                string     `json:"cidr"`
	Status              string     `json:"status"`
	EnterpriseProjectID FlexString `json:"enterprise_project_id,omitempty"`
	// Routes is kept raw: ecsfleet does not use it.
	Routes json.RawMessage `json:"routes,omitempty"`
}

// Subnet is an element of GET /v1/{project_id}/subnets, or the subnet of
// GET /v1/{project_id}/subnets/{subnet_id}. ID is what ECS create takes as
// nics[].subnet_id; NeutronNetworkID and NeutronSubnetID are other ids of
// the same network (the simulator gives NeutronNetworkID = ID).
type Subnet struct {
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	Description      string         `json:"description,omitempty"`
	CIDR             string         `json:"cidr"`
	GatewayIP        string         `json:"gateway_ip"`
	VPCID            string         `json:"vpc_id"`
	Status           string         `json:"status"`
	AvailabilityZone string         `json:"availability_zone,omitempty"`
	NeutronNetworkID string         `json:"neutron_network_id,omitempty"`
	NeutronSubnetID  string         `json:"neutron_subnet_id,omitempty"`
	DHCPEnable       FlexBool       `json:"dhcp_enable,omitempty"`
	IPv6Enable       FlexBool       `json:"ipv6_enable,omitempty"`
	PrimaryDNS       string         `json:"primary_dns,omitempty"`
	SecondaryDNS     string         `json:"secondary_dns,omitempty"`
	DNSList          FlexStringList `json:"dnsList,omitempty"`
}

// SecurityGroup is an element of GET /v1/{project_id}/security-groups. Its
// ID is what ECS create takes as security_groups[].id.
type SecurityGroup struct {
	ID                  string     `json:"id"`
	Name                string     `json:"name"`
	Description         string     `json:"description,omitempty"`
	VPCID               string     `json:"vpc_id,omitempty"`
	EnterpriseProjectID FlexString `json:"enterprise_project_id,omitempty"`
	// Rules is kept raw: ecsfleet does not manage security group rules.
	Rules json.RawMessage `json:"security_group_rules,omitempty"`
}

// vpcPageSize is the limit sent on every VPC list call: the public API's
// default and largest page. Further pages are read with marker until a
// short or empty page.
const vpcPageSize = 2000

// ListVPCs lists the project's VPCs, every page.
func (c *Client) ListVPCs(ctx context.Context) ([]VPC, error) {
	return vpcList(ctx, c, c.p("/v1/%s/vpcs"), "vpcs", nil, func(v VPC) string { return v.ID })
}

// ListSubnets lists the project's subnets, every page; vpcID, when not
// empty, keeps only that VPC's subnets (the API's vpc_id filter).
func (c *Client) ListSubnets(ctx context.Context, vpcID string) ([]Subnet, error) {
	q := url.Values{}
	setQ(q, "vpc_id", vpcID)
	return vpcList(ctx, c, c.p("/v1/%s/subnets"), "subnets", q, func(s Subnet) string { return s.ID })
}

// GetSubnet reads one subnet by id (404 *Error when there is none).
func (c *Client) GetSubnet(ctx context.Context, subnetID string) (*Subnet, error) {
	var out struct {
		Subnet *Subnet `json:"subnet"`
	}
	path := c.p("/v1/%s/subnets/%s", subnetID)
	if _, err := c.do(ctx, request{method: http.MethodGet, base: c.vpcBase, path: path, out: &out}); err != nil {
		return nil, err
	}
	if out.Subnet == nil {
		return nil, fmt.Errorf("ecs: GET %s: the answer carries no subnet", path)
	}
	return out.Subnet, nil
}

// ListSecurityGroups lists the project's security groups, every page.
func (c *Client) ListSecurityGroups(ctx context.Context) ([]SecurityGroup, error) {
	return vpcList(ctx, c, c.p("/v1/%s/security-groups"), "security_groups", nil, func(g SecurityGroup) string { return g.ID })
}

// vpcList reads every page of a VPC API v1 list: limit and marker (the id
// of the last record of the previous page), stopping on a short or empty
// page or a marker that does not advance (MarkerPages). The list is read
// from its key alone, so other top-level keys (page_info, links) never fail
// the decode.
func vpcList[T any](ctx context.Context, c *Client, path, key string, filter url.Values, idOf func(T) string) ([]T, error) {
	fetch := func(ctx context.Context, marker string, limit int) ([]T, error) {
		q := url.Values{}
		for k, v := range filter {
			q[k] = v
		}
		q.Set("limit", strconv.Itoa(limit))
		setQ(q, "marker", marker)
		var body map[string]json.RawMessage
		if _, err := c.do(ctx, request{method: http.MethodGet, base: c.vpcBase, path: path, query: q, out: &body}); err != nil {
			return nil, err
		}
		var items []T
		if raw := body[key]; len(raw) > 0 {
			if err := json.Unmarshal(raw, &items); err != nil {
				return nil, fmt.Errorf("ecs: decoding %q of GET %s: %w", key, path, err)
			}
		}
		return items, nil
	}
	var out []T
	for it, err := range MarkerPages(ctx, vpcPageSize, fetch, idOf) {
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}
